"""What can go wrong on a live board; each error carries its message (in the participant's
language) and status."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from workshop.errors import DomainError


class UnknownCode(DomainError):
    message = _l("このコードのボードは見つかりません。コードをもう一度お確かめください。")
    status = 404
    code = "unknown_board"


class BoardNotOpen(DomainError):
    message = _l("このボードはいま付箋を受け付けていません。")
    status = 409
    code = "board_not_open"


class BoardClosed(BoardNotOpen):
    message = _l("このボードは終了しました。付箋の投稿や変更はできません。")
    code = "board_closed"


class NoteInvalid(DomainError):
    status = 422
    code = "note_invalid"


class AlreadyLiked(DomainError):
    message = _l("この付箋にはもう共感しています。共感は1つの付箋に1回です。")
    status = 409
    code = "already_liked"


class OwnNote(DomainError):
    message = _l("自分の付箋には共感できません。")
    status = 409
    code = "own_note"
