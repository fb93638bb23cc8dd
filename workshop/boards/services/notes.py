"""A participant's own notes (post, edit, delete until the board closes) and 共感."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from workshop.boards.errors import AlreadyLiked, BoardClosed, BoardNotOpen, NoteInvalid, OwnNote
from workshop.boards.services import grouping
from workshop.boards.services.events import board_changed, bump
from workshop.boards.services.lookup import get_board, note_of
from workshop.boards.services.participants import find, find_or_add, plain_text
from workshop.errors import NotFound
from workshop.extensions import db
from workshop.models import (
    Board,
    BoardNote,
    BoardParticipant,
    BoardStatus,
    NoteLike,
    NoteStatus,
    utcnow,
)
from workshop.models.boards import NOTE_MAX_CHARS
from workshop.transaction import transaction


def note_body(text: str | None) -> str:
    """The note as it is kept; NoteInvalid with what to fix when it is empty or too long."""
    body = plain_text(text)
    if not body:
        raise NoteInvalid(_("付箋に書く内容を入力してください。"))
    if len(body) > NOTE_MAX_CHARS:
        raise NoteInvalid(
            _(
                "付箋は%(max)s文字までです（いま%(now)s文字）。短くしてください。",
                max=NOTE_MAX_CHARS,
                now=len(body),
            )
        )
    return body


def ensure_open(board: Board) -> None:
    if board.is_closed:
        raise BoardClosed()
    if board.status is BoardStatus.DRAFT:
        raise BoardNotOpen(_("このボードはまだ始まっていません。進行役の合図をお待ちください。"))


def check_table(board: Board, table_id: int | None) -> int | None:
    if table_id is None:
        return None
    if board.table(table_id) is None:
        raise NoteInvalid(_("選ばれたテーブルはこのボードにありません。"))
    return table_id


def post_note(board_id: int, token: str, text: str, table_id: int | None = None) -> BoardNote:
    """A participant's 付箋 to the current question: 確認待ち while moderation is on."""
    body = note_body(text)
    board = get_board(board_id)
    ensure_open(board)
    question = board.current_question
    if question is None:
        raise BoardNotOpen()
    # its group is found before the write starts: SQLite's write lock is not held meanwhile
    found = None if board.is_moderated else grouping.place(question.id, body)
    with transaction():
        participant = find_or_add(board, token)
        note = BoardNote(
            board_id=board.id,
            question_id=question.id,
            table_id=check_table(board, table_id),
            participant_id=participant.id,
            body=body,
            status=NoteStatus.PENDING if board.is_moderated else NoteStatus.APPROVED,
            created_at=utcnow(),
        )
        db.session.add(note)
        db.session.flush()
        if note.is_approved:
            grouping.assign(note, found)
        bump(board)
    board_changed(board.id)
    return note


def own_note(board: Board, token: str | None, note_id: int) -> BoardNote:
    """The note if this cookie's participant wrote it; NotFound alike for anyone else's."""
    note = note_of(board, note_id)
    participant = find(board, token)
    if participant is None or note.participant_id != participant.id:
        raise NotFound(_("この付箋は見つかりません。"))
    return note


def edit_note(board_id: int, token: str, note_id: int, text: str) -> BoardNote:
    """The writer changes their note; under moderation it waits to be checked again."""
    body = note_body(text)
    with transaction():
        board = get_board(board_id)
        if board.is_closed:
            raise BoardClosed()
        note = own_note(board, token, note_id)
        if body != note.body:
            note.body = body
            note.updated_at = utcnow()
            if board.is_moderated:
                note.status = NoteStatus.PENDING
            bump(board)
    board_changed(board.id)
    return note


def delete_note(board_id: int, token: str, note_id: int) -> None:
    """The writer takes their note back before the board closes; its 共感 go with it."""
    with transaction():
        board = get_board(board_id)
        if board.is_closed:
            raise BoardClosed()
        note = own_note(board, token, note_id)
        db.session.delete(note)
        bump(board)
    board_changed(board.id)


def like(board_id: int, token: str, note_id: int) -> BoardNote:
    """共感 (+1): once per note and participant, only on notes everyone can see."""
    with transaction():
        board = get_board(board_id)
        ensure_open(board)
        note = note_of(board, note_id)
        if not note.is_approved:
            raise NotFound(_("この付箋は見つかりません。"))
        participant = find_or_add(board, token)
        if note.participant_id == participant.id:
            raise OwnNote()
        done = select(NoteLike.id).where(
            NoteLike.note_id == note.id, NoteLike.participant_id == participant.id
        )
        if db.session.scalar(done) is not None:
            raise AlreadyLiked()
        try:
            # a double tap: the unique pair stops the second 共感
            with db.session.begin_nested():
                db.session.add(NoteLike(note_id=note.id, participant_id=participant.id))
        except IntegrityError as error:
            raise AlreadyLiked() from error
        # in SQL: two 共感 at once both count
        note.like_count = BoardNote.like_count + 1
        bump(board)
    board_changed(board.id)
    return note


def notes_of(participant: BoardParticipant | None) -> list[BoardNote]:
    """Everything this participant wrote on the board, newest first, whatever its status."""
    if participant is None:
        return []
    stmt = (
        select(BoardNote)
        .where(BoardNote.participant_id == participant.id)
        .order_by(BoardNote.created_at.desc(), BoardNote.id.desc())
    )
    return list(db.session.scalars(stmt))


def liked_ids(participant: BoardParticipant | None) -> set[int]:
    if participant is None:
        return set()
    stmt = select(NoteLike.note_id).where(NoteLike.participant_id == participant.id)
    return set(db.session.scalars(stmt))


def visible_notes(board: Board, question_id: int, *, limit: int | None = None) -> list[BoardNote]:
    """The approved notes of a question, newest first: what everyone may see."""
    stmt = (
        select(BoardNote)
        .where(
            BoardNote.board_id == board.id,
            BoardNote.question_id == question_id,
            BoardNote.status == NoteStatus.APPROVED,
        )
        .options(selectinload(BoardNote.participant), selectinload(BoardNote.table))
        .order_by(BoardNote.created_at.desc(), BoardNote.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(stmt))


def visible_count(board: Board, question_id: int) -> int:
    stmt = select(func.count(BoardNote.id)).where(
        BoardNote.board_id == board.id,
        BoardNote.question_id == question_id,
        BoardNote.status == NoteStatus.APPROVED,
    )
    return db.session.scalar(stmt) or 0
