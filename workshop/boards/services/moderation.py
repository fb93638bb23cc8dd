"""The facilitator's side of the notes: approve, hide with a reason, correct a typo (the
original is kept), and paper 付箋 from the room typed in as notes entered by staff."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from workshop import audit
from workshop.boards.errors import BoardClosed, NoteInvalid
from workshop.boards.services import grouping
from workshop.boards.services.events import board_changed, bump
from workshop.boards.services.lookup import get_board, note_of
from workshop.boards.services.notes import check_table, note_body
from workshop.boards.services.participants import plain_text
from workshop.extensions import db
from workshop.models import Board, BoardNote, NoteStatus, utcnow
from workshop.models.boards import HIDE_REASON_MAX_CHARS
from workshop.transaction import transaction

MAX_PAPER_NOTES = 100


def notes_by_status(board: Board, status: NoteStatus) -> list[BoardNote]:
    stmt = (
        select(BoardNote)
        .where(BoardNote.board_id == board.id, BoardNote.status == status)
        .options(
            selectinload(BoardNote.participant),
            selectinload(BoardNote.table),
            selectinload(BoardNote.question),
        )
        .order_by(BoardNote.created_at, BoardNote.id)
    )
    return list(db.session.scalars(stmt))


def approve(board_id: int, note_id: int, *, staff_id: int | None) -> BoardNote:
    """Show the note to everyone (a hidden one too: the facilitator changed their mind)."""
    with transaction():
        board = get_board(board_id)
        note = note_of(board, note_id)
        if not note.is_approved:
            note.status = NoteStatus.APPROVED
            note.hidden_reason = None
            note.hidden_at = None
            note.hidden_by_id = None
            grouping.assign(note)
            bump(board)
            audit.record("board.note.approve", f"board_note:{note.id}", staff_id=staff_id)
    board_changed(board.id)
    return note


def hide(board_id: int, note_id: int, reason: str, *, staff_id: int | None) -> BoardNote:
    """Take the note off every page but staff's; it is kept with the reason, never deleted."""
    why = plain_text(reason)
    if not why:
        raise NoteInvalid("表示しない理由を入力してください。")
    if len(why) > HIDE_REASON_MAX_CHARS:
        raise NoteInvalid(f"理由は{HIDE_REASON_MAX_CHARS}文字以内で入力してください。")
    with transaction():
        board = get_board(board_id)
        note = note_of(board, note_id)
        note.status = NoteStatus.HIDDEN
        note.hidden_reason = why
        note.hidden_at = utcnow()
        note.hidden_by_id = staff_id
        bump(board)
        audit.record("board.note.hide", f"board_note:{note.id}", reason=why)
    board_changed(board.id)
    return note


def correct(board_id: int, note_id: int, text: str, *, staff_id: int | None) -> BoardNote:
    """Fix a typo; the participant's first wording stays in original_body."""
    body = note_body(text)
    with transaction():
        board = get_board(board_id)
        note = note_of(board, note_id)
        if body != note.body:
            if note.original_body is None:
                note.original_body = note.body
            note.body = body
            note.edited_by_id = staff_id
            note.updated_at = utcnow()
            bump(board)
            audit.record("board.note.correct", f"board_note:{note.id}")
    board_changed(board.id)
    return note


def paper_lines(text: str) -> list[str]:
    return [line.strip() for line in plain_text(text).split("\n") if line.strip()]


def enter_paper_notes(
    board_id: int,
    text: str,
    *,
    question_id: int | None,
    table_id: int | None,
    staff_id: int | None,
) -> list[BoardNote]:
    """Paper 付箋 from the room, one a line, shown at once (staff read them as they typed)."""
    lines = paper_lines(text)
    if not lines:
        raise NoteInvalid("付箋の内容を1行に1枚ずつ入力してください。")
    if len(lines) > MAX_PAPER_NOTES:
        raise NoteInvalid(f"一度に入力できるのは{MAX_PAPER_NOTES}枚までです。")
    bodies = []
    for number, line in enumerate(lines, 1):
        try:
            bodies.append(note_body(line))
        except NoteInvalid as error:
            raise NoteInvalid(f"{number}行目: {error.message}") from error
    with transaction():
        board = get_board(board_id)
        if board.is_closed:
            raise BoardClosed()
        question = board.question(question_id) if question_id else board.current_question
        if question is None:
            raise NoteInvalid("問いを選んでください。")
        table = check_table(board, table_id)
        notes = []
        for body in bodies:
            note = BoardNote(
                board_id=board.id,
                question_id=question.id,
                table_id=table,
                is_entered_by_staff=True,
                entered_by_id=staff_id,
                body=body,
                status=NoteStatus.APPROVED,
                created_at=utcnow(),
            )
            db.session.add(note)
            notes.append(note)
        db.session.flush()
        for note in notes:
            grouping.assign(note)
        bump(board)
        audit.record("board.note.paper", f"board:{board.id}", notes=len(notes))
    board_changed(board.id)
    return notes
