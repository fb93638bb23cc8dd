"""A board's notes as rows for CSV and XLSX (workshop.tabular writes them)."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from workshop.extensions import db
from workshop.labels import NOTE_STATUS
from workshop.models import Board, BoardNote
from workshop.tabular import Cell
from workshop.timeutil import as_tokyo

HEADER = (
    "番号", "問い", "テーブル", "グループ", "付箋", "元の文", "状態", "表示しない理由",
    "共感", "入力", "ニックネーム", "投稿日時",
)  # fmt: skip


def rows(board: Board) -> Iterator[list[Cell]]:
    stmt = (
        select(BoardNote)
        .where(BoardNote.board_id == board.id)
        .options(
            selectinload(BoardNote.question),
            selectinload(BoardNote.table),
            selectinload(BoardNote.group),
            selectinload(BoardNote.participant),
        )
        .order_by(BoardNote.question_id, BoardNote.created_at, BoardNote.id)
    )
    for note in db.session.scalars(stmt):
        nickname = (
            "" if board.is_anonymous or note.participant is None else note.participant.nickname
        )
        yield [
            note.id,
            note.question.text,
            note.table.name if note.table else "",
            note.group.name if note.group else "",
            note.body,
            note.original_body or "",
            NOTE_STATUS[note.status],
            note.hidden_reason or "",
            note.like_count,
            "職員（紙の付箋）" if note.is_entered_by_staff else "参加者",
            nickname,
            as_tokyo(note.created_at).strftime("%Y-%m-%d %H:%M"),
        ]
