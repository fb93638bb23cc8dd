"""A participant: a phone or browser on one board, known by the random token in its cookie."""

from __future__ import annotations

import unicodedata

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from workshop.boards.errors import BoardClosed, NoteInvalid
from workshop.boards.services.events import board_changed, bump
from workshop.boards.services.lookup import get_board
from workshop.errors import NotFound
from workshop.extensions import db
from workshop.models import Board, BoardParticipant
from workshop.models.boards import NICKNAME_MAX_CHARS
from workshop.text import clean_text
from workshop.transaction import transaction

# format characters (zero-width spaces, right-to-left overrides) that change how text looks
# without being text; the zero-width joiner stays, as emoji sequences need it
KEEP_FORMAT = {"\u200d"}


def plain_text(text: str | None) -> str:
    """What was typed, without control and invisible format characters, in one Unicode form."""
    cleaned = clean_text(text)
    kept = "".join(
        char
        for char in cleaned
        if char in KEEP_FORMAT or unicodedata.category(char) not in ("Cf", "Co", "Cs")
    )
    return unicodedata.normalize("NFC", kept).strip()


def find(board: Board, token: str | None) -> BoardParticipant | None:
    """The participant this token stands for on this board; a token of another board is no one."""
    if not token:
        return None
    stmt = select(BoardParticipant).where(
        BoardParticipant.board_id == board.id, BoardParticipant.token == token
    )
    return db.session.scalars(stmt).first()


def find_or_add(board: Board, token: str) -> BoardParticipant:
    """In the caller's transaction: the participant, added on their first post, 共感 or name."""
    found = find(board, token)
    if found is not None:
        return found
    elsewhere = select(BoardParticipant.id).where(
        BoardParticipant.token == token, BoardParticipant.board_id != board.id
    )
    if db.session.scalar(elsewhere) is not None:
        raise NotFound()  # another board's token: never one person across boards
    participant = BoardParticipant(board_id=board.id, token=token)
    try:
        # a double tap on the first post: the second request finds the first one's row
        with db.session.begin_nested():
            db.session.add(participant)
    except IntegrityError:
        again = find(board, token)
        if again is None:
            raise
        return again
    return participant


def set_nickname(board_id: int, token: str, nickname: str) -> BoardParticipant:
    name = plain_text(nickname).replace("\n", " ")
    if len(name) > NICKNAME_MAX_CHARS:
        raise NoteInvalid(
            _("ニックネームは%(max)s文字以内で入力してください。", max=NICKNAME_MAX_CHARS)
        )
    with transaction():
        board = get_board(board_id)
        if board.is_closed:
            raise BoardClosed()
        participant = find_or_add(board, token)
        participant.nickname = name
        bump(board)
    board_changed(board.id)
    return participant
