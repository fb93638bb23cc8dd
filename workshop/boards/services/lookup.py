"""Finding a board: by its code (participants), by id for staff who run its workshop."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from workshop.boards.errors import UnknownCode
from workshop.boards.services.codes import is_code, normalise_code
from workshop.errors import NotFound
from workshop.extensions import db
from workshop.models import Board, BoardNote, User
from workshop.workshops.services import access

WITH_PARTS = (selectinload(Board.questions), selectinload(Board.tables))


def board_by_code(typed: str | None) -> Board:
    """The board whose code this is, however it was typed; UnknownCode (404) if none."""
    code = normalise_code(typed)
    if not is_code(code):
        raise UnknownCode()
    board = db.session.scalars(select(Board).options(*WITH_PARTS).where(Board.code == code)).first()
    if board is None:
        raise UnknownCode()
    return board


def get_board(board_id: int) -> Board:
    board = db.session.scalars(
        select(Board).options(*WITH_PARTS).where(Board.id == board_id)
    ).first()
    if board is None:
        raise NotFound()
    return board


def board_for(user: User, board_id: int) -> Board:
    """The board if this staff member runs its workshop; NotFound alike whether it exists or not."""
    board = get_board(board_id)
    access.workshop_for(user, board.workshop_id)
    return board


def boards_of(workshop_id: int) -> list[Board]:
    stmt = (
        select(Board)
        .options(*WITH_PARTS)
        .where(Board.workshop_id == workshop_id)
        .order_by(Board.created_at.desc(), Board.id.desc())
    )
    return list(db.session.scalars(stmt))


def note_of(board: Board, note_id: int) -> BoardNote:
    """A note of this board; another board's note is NotFound, as if it did not exist."""
    note = db.session.get(BoardNote, note_id)
    if note is None or note.board_id != board.id:
        raise NotFound(_("この付箋は見つかりません。"))
    return note
