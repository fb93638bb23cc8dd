"""The short code of a board: six characters without look-alikes, read back as people type it."""

from __future__ import annotations

import re
import unicodedata

from sqlalchemy import select

from workshop.extensions import db
from workshop.models import Board
from workshop.models.boards import CODE_ALPHABET, CODE_LENGTH, new_code

# spaces and dashes people put in to read the code in two halves (ABC-DEF, ABC DEF)
SEPARATORS = re.compile(r"[\s\-‐‑‒–—―ー−_・.]+")


def normalise_code(text: str | None) -> str:
    """What was typed, as a code: full-width letters and digits made plain, upper case,
    without spaces or hyphens. It may still be no code at all (see is_code)."""
    plain = unicodedata.normalize("NFKC", text or "")
    return SEPARATORS.sub("", plain).upper()


def is_code(code: str) -> bool:
    return len(code) == CODE_LENGTH and all(char in CODE_ALPHABET for char in code)


def unused_code() -> str:
    """A new code no board has; 21^6 (86 million) codes, so a clash is rare and retried."""
    while True:
        code = new_code()
        if db.session.scalar(select(Board.id).where(Board.code == code)) is None:
            return code
