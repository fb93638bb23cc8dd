"""Running a board: open it, move to the next question, close it.

Closing moves the approved notes into the workshop's consultation as comments (channel
`workshop`), each note once: a note remembers its comment, so closing again adds nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from workshop import audit
from workshop.boards.errors import BoardClosed, BoardNotOpen
from workshop.boards.services.events import board_changed, bump
from workshop.boards.services.lookup import get_board
from workshop.extensions import db
from workshop.models import Board, BoardNote, BoardStatus, NoteStatus, utcnow
from workshop.transaction import transaction
from workshop.workshops.services.opinions import Opinion, write_opinions


def lock_board(board_id: int) -> Board:
    """The board, its row locked until the commit (PostgreSQL; SQLite locks on the first write)."""
    board = get_board(board_id)
    db.session.refresh(board, with_for_update=True)
    return board


def open_board(board_id: int) -> Board:
    with transaction():
        board = lock_board(board_id)
        if board.is_closed:
            raise BoardClosed("終了したボードは開けません。")
        if not board.is_open:
            board.status = BoardStatus.OPEN
            board.opened_at = board.opened_at or utcnow()
            bump(board)
            audit.record("board.open", f"board:{board.id}")
    board_changed(board.id)
    return board


def set_question(board_id: int, position: int | None = None) -> Board:
    """Ask the question at `position`, or the next one; new notes go to it."""
    with transaction():
        board = lock_board(board_id)
        if board.is_closed:
            raise BoardClosed()
        positions = [q.position for q in board.questions]
        if position is None:
            later = [p for p in positions if p > board.current_position]
            if not later:
                raise BoardNotOpen("これが最後の問いです。")
            position = later[0]
        if position not in positions:
            raise BoardNotOpen("その問いはこのボードにありません。")
        board.current_position = position
        bump(board)
        audit.record("board.question", f"board:{board.id}", position=position)
    board_changed(board.id)
    return board


@dataclass(frozen=True)
class Closing:
    board: Board
    moved: int  # notes that became comments now (0 when closed before)
    has_consultation: bool


def note_opinion(board: Board, note: BoardNote) -> Opinion:
    extra = {"board": board.code, "question": note.question.text}
    if note.table is not None:
        extra["table"] = note.table.name
    if note.is_entered_by_staff:
        extra["entered_by_staff"] = "1"
    return Opinion(
        body=note.body,
        external_id=f"workshop:{board.workshop_id}:board:{board.id}:note:{note.id}",
        extra=extra,
        entered_by_id=note.entered_by_id,
    )


def close_board(board_id: int, *, staff_id: int | None = None) -> Closing:
    """Close the board and move its approved notes not moved yet into the consultation."""
    with transaction():
        board = lock_board(board_id)
        if not board.is_closed:
            board.status = BoardStatus.CLOSED
            board.closed_at = utcnow()
            bump(board)
        consultation = board.workshop.consultation
        moved = 0
        notes: list[BoardNote] = []
        if consultation is not None:
            stmt = (
                select(BoardNote)
                .where(
                    BoardNote.board_id == board.id,
                    BoardNote.status == NoteStatus.APPROVED,
                    BoardNote.comment_id.is_(None),
                )
                .order_by(BoardNote.question_id, BoardNote.created_at, BoardNote.id)
            )
            notes = list(db.session.scalars(stmt))
        if consultation is not None and notes:
            comments = write_opinions(
                board.workshop, consultation, [note_opinion(board, note) for note in notes]
            )
            db.session.flush()
            for note, comment in zip(notes, comments, strict=True):
                note.comment_id = comment.id
            moved = len(notes)
        audit.record("board.close", f"board:{board.id}", moved=moved, staff_id=staff_id)
    board_changed(board.id)
    return Closing(board=board, moved=moved, has_consultation=consultation is not None)
