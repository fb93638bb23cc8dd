"""The groups (themes) of a question's notes on the projector.

A note that becomes visible joins the nearest group of its question or starts a new one
(nlp.live.assign); the facilitator regroups everything with one click (nlp.live.regroup,
names they set are kept), renames a group and moves a note to another group. nlp is pure:
the groups live here, in BoardGroup rows, and are passed in on every call.
"""

from __future__ import annotations

from functools import lru_cache

from sqlalchemy import func, select

from nlp import live
from nlp.tokenize import Analyzer
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


def next_position(question_id: int) -> int:
    stmt = select(func.max(BoardGroup.position)).where(BoardGroup.question_id == question_id)
    last = db.session.scalar(stmt)
    return 0 if last is None else last + 1


@lru_cache(maxsize=1)
def analyzer() -> Analyzer:
    return Analyzer()


@lru_cache(maxsize=50_000)
def note_tokens(text: str) -> tuple[str, ...]:
    """A note's tokens, computed once per text in each process (a few ms each): every
    assignment compares the new note with all the question's visible notes."""
    return analyzer().analyze(text)


def live_note(note_id: int | str, text: str) -> live.LiveNote:
    return live.LiveNote(id=note_id, text=text, tokens=note_tokens(text))


def live_groups(question_id: int, *, leave_out: int | None = None) -> list[live.LiveGroup]:
    """The question's groups with their visible notes, as nlp.live reads them."""
    members: dict[int, list[live.LiveNote]] = {}
    # columns, not ORM objects: every post asks this of all the question's notes
    stmt = (
        select(BoardNote.id, BoardNote.body, BoardNote.group_id)
        .where(
            BoardNote.question_id == question_id,
            BoardNote.status == NoteStatus.APPROVED,
        )
        .order_by(BoardNote.created_at, BoardNote.id)
    )
    for note_id, body, group_id in db.session.execute(stmt):
        if group_id is not None and note_id != leave_out:
            members.setdefault(group_id, []).append(live_note(note_id, body))
    return [
        live.LiveGroup(
            id=group.id,
            name=group.name,
            notes=tuple(members.get(group.id, ())),
            name_set_by_facilitator=group.name_set_by_facilitator,
        )
        for group in groups_of(question_id)
    ]


def place(question_id: int, text: str, *, note_id: int | None = None) -> live.Assignment:
    """Where a note with this text would go now; only reads, so a post can ask before it
    takes the database's write lock."""
    return live.assign(
        live_note(note_id or "new", text), live_groups(question_id, leave_out=note_id)
    )


def apply(note: BoardNote, found: live.Assignment) -> None:
    """In the caller's transaction: put the note where ``found`` says (a group that went
    away meanwhile, or none: a new group)."""
    group = db.session.get(BoardGroup, found.group_id) if found.group_id is not None else None
    if group is None or group.question_id != note.question_id:
        group = BoardGroup(
            question_id=note.question_id,
            name=found.name[:GROUP_NAME_MAX_CHARS] or UNGROUPED_NAME,
            position=next_position(note.question_id),
        )
        db.session.add(group)
        db.session.flush()
    elif found.rename and not group.name_set_by_facilitator and found.name != live.OTHER_NAME:
        # その他 is for notes with nothing to compare, and nlp.live passes over a group of that
        # name when it places the next note: a group of real notes keeps its earlier name
        group.name = found.name[:GROUP_NAME_MAX_CHARS]
    note.group_id = group.id


def assign(note: BoardNote, found: live.Assignment | None = None) -> None:
    """In the caller's transaction: the group of a note that just became visible."""
    if note.group_id is not None:
        return
    apply(note, found or place(note.question_id, note.body, note_id=note.id))


def regroup(board_id: int, question_id: int, *, staff_id: int | None = None) -> int:
    """Group the question's visible notes afresh; the names the facilitator set stay.
    Returns how many groups there are."""
    board = get_board(board_id)
    if board.question(question_id) is None:
        raise NotFound()
    notes = approved_notes(question_id)
    result = live.regroup(
        [live_note(note.id, note.body) for note in notes], live_groups(question_id)
    )
    with transaction():
        board = get_board(board_id)
        by_id = {note.id: note for note in approved_notes(question_id)}
        for position, found in enumerate(result.groups):
            group = db.session.get(BoardGroup, found.id) if found.id is not None else None
            if group is None or group.question_id != question_id:
                group = BoardGroup(question_id=question_id, name=found.name)
                db.session.add(group)
            group.name = found.name[:GROUP_NAME_MAX_CHARS]
            group.name_set_by_facilitator = found.name_set_by_facilitator
            group.position = position
            db.session.flush()
            for member in found.notes:
                note = by_id.get(int(member.id))
                if note is not None:
                    note.group_id = group.id
        for group_id in result.removed_group_ids:
            removed = db.session.get(BoardGroup, group_id)
            if removed is None or removed.name_set_by_facilitator:
                continue
            for note in by_id.values():
                if note.group_id == removed.id:
                    note.group_id = None
            db.session.delete(removed)
        # notes approved while the groups were computed: each joins the nearest group
        for note in by_id.values():
            if note.group_id is None:
                assign(note)
        bump(board)
        audit.record("board.regroup", f"board:{board.id}", question=question_id)
    board_changed(board.id)
    return sum(1 for found in result.groups if found.notes)


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
