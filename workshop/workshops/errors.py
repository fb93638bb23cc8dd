"""What can go wrong with a sign-up or a check-in; each error carries its message and status.
A resident sees the messages in the page's language; staff pages are in Japanese."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from workshop.errors import DomainError


class AlreadyRegistered(DomainError):
    message = _l(
        "このメールアドレスでは、すでにこのワークショップに申し込まれています。"
        "申込のときのメールにあるリンクから、内容の確認や変更ができます。"
    )
    status = 409
    code = "already_registered"


class SignupClosed(DomainError):
    status = 409
    code = "signup_closed"


class WorkshopFull(DomainError):
    message = _l(
        "申し訳ありません。定員に達したため、申込を締め切りました"
        "（キャンセル待ちも受け付けていません）。"
    )
    status = 409
    code = "workshop_full"


class AlreadyCancelled(DomainError):
    message = _l("この申込はすでに取り消されています。")
    status = 409
    code = "already_cancelled"


class AlreadyCheckedIn(DomainError):
    status = 409
    code = "already_checked_in"


class CannotCheckIn(DomainError):
    status = 409
    code = "cannot_check_in"
