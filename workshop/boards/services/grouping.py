"""The groups (themes) of a question's notes on the projector.

A new visible note is assigned to a group; the facilitator regroups with one click (names
they set are kept), renames a group and moves a note to another group.
"""

from __future__ import annotations

from sqlalchemy import func, select

from workshop import audit
from workshop.boards.errors import NoteInvalid
from workshop.boards.services.events import board_changed, bump
from workshop.boards.services.lookup import get_board, note_of
from workshop.boards.services.participants import plain_text
from workshop.errors import NotFound
from workshop.extensions import db
from workshop.models import Board, BoardGroup, BoardNote, NoteStatus
from workshop.models.boards import UNGROUPED_NAME
from workshop.transaction import transaction

GROUP_NAME_MAX_CHARS = 60


def groups_of(question_id: int) -> list[BoardGroup]:
    stmt = (
        select(BoardGroup)
        .where(BoardGroup.question_id == question_id)
        .order_by(BoardGroup.position, BoardGroup.id)
    )
    return list(db.session.scalars(stmt))


def ungrouped(question_id: int) -> BoardGroup:
    """The question's 未分類 group, made when first needed."""
    stmt = select(BoardGroup).where(
        BoardGroup.question_id == question_id,
        BoardGroup.name == UNGROUPED_NAME,
        BoardGroup.name_set_by_facilitator.is_(False),
    )
    found = db.session.scalars(stmt).first()
    if found is not None:
        return found
    group = BoardGroup(
        question_id=question_id, name=UNGROUPED_NAME, position=next_position(question_id)
    )
    db.session.add(group)
    db.session.flush()
    return group


def next_position(question_id: int) -> int:
    stmt = select(func.max(BoardGroup.position)).where(BoardGroup.question_id == question_id)
    last = db.session.scalar(stmt)
    return 0 if last is None else last + 1


def assign(note: BoardNote) -> None:
    """In the caller's transaction: the group of a note that just became visible."""
    if note.group_id is not None:
        return
    note.group_id = ungrouped(note.question_id).id


def regroup(board_id: int, question_id: int, *, staff_id: int | None = None) -> int:
    """Group the question's visible notes again; returns how many groups there are."""
    with transaction():
        board = get_board(board_id)
        if board.question(question_id) is None:
            raise NotFound()
        notes = approved_notes(question_id)
        for note in notes:
            assign(note)
        bump(board)
        audit.record("board.regroup", f"board:{board.id}", question=question_id)
        count = len({note.group_id for note in notes})
    board_changed(board.id)
    return count


def approved_notes(question_id: int) -> list[BoardNote]:
    stmt = (
        select(BoardNote)
        .where(BoardNote.question_id == question_id, BoardNote.status == NoteStatus.APPROVED)
        .order_by(BoardNote.created_at, BoardNote.id)
    )
    return list(db.session.scalars(stmt))


def group_name(text: str) -> str:
    name = plain_text(text).replace("\n", " ")
    if not name:
        raise NoteInvalid("グループの名前を入力してください。")
    if len(name) > GROUP_NAME_MAX_CHARS:
        raise NoteInvalid(f"グループの名前は{GROUP_NAME_MAX_CHARS}文字以内で入力してください。")
    return name


def group_of(board: Board, group_id: int) -> BoardGroup:
    group = db.session.get(BoardGroup, group_id)
    if group is None or board.question(group.question_id) is None:
        raise NotFound("このグループは見つかりません。")
    return group


def rename_group(board_id: int, group_id: int, name: str) -> BoardGroup:
    """The facilitator's name: kept when the notes are regrouped."""
    new_name = group_name(name)
    with transaction():
        board = get_board(board_id)
        group = group_of(board, group_id)
        group.name = new_name
        group.name_set_by_facilitator = True
        bump(board)
        audit.record("board.group.rename", f"board_group:{group.id}", name=new_name)
    board_changed(board.id)
    return group


def add_group(board_id: int, question_id: int, name: str) -> BoardGroup:
    new_name = group_name(name)
    with transaction():
        board = get_board(board_id)
        if board.question(question_id) is None:
            raise NotFound()
        group = BoardGroup(
            question_id=question_id,
            name=new_name,
            name_set_by_facilitator=True,
            position=next_position(question_id),
        )
        db.session.add(group)
        bump(board)
    board_changed(board.id)
    return group


def move_note(board_id: int, note_id: int, group_id: int) -> BoardNote:
    """Put a note into another group of its question."""
    with transaction():
        board = get_board(board_id)
        note = note_of(board, note_id)
        group = group_of(board, group_id)
        if group.question_id != note.question_id:
            raise NoteInvalid("この付箋の問いのグループを選んでください。")
        note.group_id = group.id
        bump(board)
    board_changed(board.id)
    return note
