"""What the projector, its JSON and the open-data API show: nothing a participant should not
see (no pending or hidden notes; no nicknames on an anonymous board; no tokens)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from workshop.extensions import db
from workshop.models import (
    Board,
    BoardGroup,
    BoardNote,
    BoardParticipant,
    BoardQuestion,
    BoardTable,
    NoteStatus,
)
from workshop.models.boards import UNGROUPED_NAME


@dataclass(frozen=True)
class NoteView:
    id: int
    body: str
    likes: int
    table: str
    nickname: str


@dataclass(frozen=True)
class GroupView:
    id: int
    name: str
    notes: tuple[NoteView, ...]

    @property
    def count(self) -> int:
        return len(self.notes)


@dataclass(frozen=True)
class ProjectorView:
    board: Board
    question: BoardQuestion | None
    groups: tuple[GroupView, ...]
    version: int

    @property
    def total(self) -> int:
        return sum(group.count for group in self.groups)


def projector_view(board: Board, question: BoardQuestion | None = None) -> ProjectorView:
    """The approved notes of the question (the current one) by group, the largest group first;
    inside a group, the most 共感 first.

    One query of the columns shown (no ORM objects): the projector asks at every change of a
    busy board, and a board of 600 notes must not cost a worker a tenth of a second."""
    question = question or board.current_question
    if question is None:
        return ProjectorView(board=board, question=None, groups=(), version=board.version)
    stmt = (
        select(
            BoardNote.id,
            BoardNote.body,
            BoardNote.like_count,
            BoardNote.group_id,
            BoardTable.name,
            BoardParticipant.nickname,
        )
        .outerjoin(BoardTable, BoardTable.id == BoardNote.table_id)
        .outerjoin(BoardParticipant, BoardParticipant.id == BoardNote.participant_id)
        .where(BoardNote.question_id == question.id, BoardNote.status == NoteStatus.APPROVED)
        .order_by(BoardNote.like_count.desc(), BoardNote.created_at, BoardNote.id)
    )
    groups = {
        group.id: group
        for group in db.session.scalars(
            select(BoardGroup).where(BoardGroup.question_id == question.id)
        )
    }
    by_group: dict[int | None, list[NoteView]] = {}
    for note_id, body, likes, group_id, table, nickname in db.session.execute(stmt):
        key = group_id if group_id in groups else None
        by_group.setdefault(key, []).append(
            NoteView(
                id=note_id,
                body=body,
                likes=likes,
                table=table or "",
                # staff-entered paper notes have no participant, so no nickname
                nickname="" if board.is_anonymous else nickname or "",
            )
        )
    views = []
    for key, notes in by_group.items():
        group = groups.get(key) if key is not None else None
        views.append(
            GroupView(
                id=group.id if group else 0,
                name=group.name if group else UNGROUPED_NAME,
                notes=tuple(notes),
            )
        )
    order = {group_id: group.position for group_id, group in groups.items()}
    views.sort(key=lambda view: (-view.count, order.get(view.id, 0), view.id))
    return ProjectorView(board=board, question=question, groups=tuple(views), version=board.version)


def projector_json(view: ProjectorView) -> dict[str, Any]:
    return {
        "version": view.version,
        "status": view.board.status.value,
        "question": view.question.text if view.question else None,
        "total": view.total,
        "groups": [
            {
                "id": group.id,
                "name": group.name,
                "count": group.count,
                "notes": [
                    {
                        "id": note.id,
                        "text": note.body,
                        "likes": note.likes,
                        "table": note.table,
                        "nickname": note.nickname,
                    }
                    for note in group.notes
                ],
            }
            for group in view.groups
        ],
    }


def note_counts(board: Board) -> dict[NoteStatus, int]:
    stmt = (
        select(BoardNote.status, func.count())
        .where(BoardNote.board_id == board.id)
        .group_by(BoardNote.status)
    )
    counts = dict.fromkeys(NoteStatus, 0)
    for status, count in db.session.execute(stmt):
        counts[status] = count
    return counts


def participant_count(board: Board) -> int:
    stmt = select(func.count(BoardParticipant.id)).where(BoardParticipant.board_id == board.id)
    return db.session.scalar(stmt) or 0


def summary(board: Board) -> dict[str, Any]:
    """Open data of a board: counts only, nothing personal and no note text."""
    counts = note_counts(board)
    view = projector_view(board)
    return {
        "code": board.code,
        "status": board.status.value,
        "question": view.question.text if view.question else None,
        "participants": participant_count(board),
        "notes_approved": counts[NoteStatus.APPROVED],
        "notes_pending": counts[NoteStatus.PENDING],
        "themes": [{"theme": group.name, "count": group.count} for group in view.groups],
    }
