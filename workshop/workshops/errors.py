"""What can go wrong with a sign-up or a check-in; each error carries its message and status.
A resident's page shows the messages in its language (gettext, see workshop.errors); staff
pages, LINE and the API keep the Japanese."""

from __future__ import annotations

from workshop.errors import DomainError
from workshop.text import N_


class AlreadyRegistered(DomainError):
    message = N_(
        "このメールアドレスでは、すでにこのワークショップに申し込まれています。"
        "申込のときのメールにあるリンクから、内容の確認や変更ができます。"
    )
    status = 409
    code = "already_registered"


class SignupClosed(DomainError):
    status = 409
    code = "signup_closed"


class WorkshopFull(DomainError):
    message = N_(
        "申し訳ありません。定員に達したため、申込を締め切りました"
        "（キャンセル待ちも受け付けていません）。"
    )
    status = 409
    code = "workshop_full"


class AlreadyCancelled(DomainError):
    message = N_("この申込はすでに取り消されています。")
    status = 409
    code = "already_cancelled"


class AlreadyCheckedIn(DomainError):
    status = 409
    code = "already_checked_in"


class CannotCheckIn(DomainError):
    status = 409
    code = "cannot_check_in"
