"""Creating a board for a workshop: its questions, its tables, moderation and anonymity."""

from __future__ import annotations

from dataclasses import dataclass

from workshop import audit
from workshop.boards.errors import NoteInvalid
from workshop.boards.services.codes import unused_code
from workshop.extensions import db
from workshop.models import Board, BoardQuestion, BoardStatus, BoardTable, utcnow
from workshop.text import clean_text
from workshop.transaction import transaction
from workshop.workshops.services.lookup import get_workshop

MAX_QUESTIONS = 10
MAX_TABLES = 30
QUESTION_MAX_CHARS = 200
TABLE_MAX_CHARS = 50


@dataclass(frozen=True)
class BoardInput:
    questions: tuple[str, ...]
    tables: tuple[str, ...] = ()
    title: str = ""
    is_moderated: bool = True
    is_anonymous: bool = False
    is_open: bool = False  # open at once (the command line does)


def table_names(count: int) -> tuple[str, ...]:
    """A, B, C ... テーブル for --tables N; after Z, numbers."""
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    return tuple(
        f"{letters[i]}テーブル" if i < len(letters) else f"{i + 1}番テーブル" for i in range(count)
    )


def lines_of(items: tuple[str, ...]) -> list[str]:
    return [line for line in (clean_text(item) for item in items) if line]


def check_input(data: BoardInput) -> tuple[list[str], list[str]]:
    questions = lines_of(data.questions)
    tables = lines_of(data.tables)
    if not questions:
        raise NoteInvalid("問いを1つ以上入力してください。")
    if len(questions) > MAX_QUESTIONS:
        raise NoteInvalid(f"問いは{MAX_QUESTIONS}個までです。")
    if len(tables) > MAX_TABLES:
        raise NoteInvalid(f"テーブルは{MAX_TABLES}個までです。")
    if any(len(q) > QUESTION_MAX_CHARS for q in questions):
        raise NoteInvalid(f"問いは1つ{QUESTION_MAX_CHARS}文字以内で入力してください。")
    if any(len(t) > TABLE_MAX_CHARS for t in tables):
        raise NoteInvalid(f"テーブルの名前は{TABLE_MAX_CHARS}文字以内で入力してください。")
    if len(set(tables)) != len(tables):
        raise NoteInvalid("同じ名前のテーブルが2つあります。")
    return questions, tables


def create_board(workshop_id: int, data: BoardInput, *, staff_id: int | None) -> Board:
    questions, tables = check_input(data)
    with transaction():
        workshop = get_workshop(workshop_id)
        board = Board(
            workshop_id=workshop.id,
            code=unused_code(),
            title=clean_text(data.title)[:200],
            is_moderated=data.is_moderated,
            is_anonymous=data.is_anonymous,
            created_by_id=staff_id,
            status=BoardStatus.OPEN if data.is_open else BoardStatus.DRAFT,
            opened_at=utcnow() if data.is_open else None,
            questions=[BoardQuestion(position=i, text=q) for i, q in enumerate(questions)],
            tables=[BoardTable(position=i, name=t) for i, t in enumerate(tables)],
        )
        db.session.add(board)
        db.session.flush()
        audit.record("board.create", f"board:{board.id}", workshop=workshop.id, code=board.code)
    return board
