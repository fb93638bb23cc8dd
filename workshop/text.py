"""Text helpers every feature uses: what is kept of typed text, and searching it with LIKE."""

from __future__ import annotations

import re

# C0 controls other than tab and newline: PostgreSQL refuses NUL, and none of them is text
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# the escape character of like_contains() patterns: pass it as .like(pattern, escape=LIKE_ESCAPE)
LIKE_ESCAPE = "\\"


def clean_text(text: str | None) -> str:
    """Keep what the person typed, minus control characters and Windows line ends."""
    if not text:
        return ""
    return CONTROL_CHARS.sub("", text.replace("\r\n", "\n").replace("\r", "\n")).strip()


def typed_lines(text: str | None) -> tuple[str, ...]:
    """The lines of typed text that are not blank, each stripped (one item a line in a
    form's text area)."""
    return tuple(line.strip() for line in clean_text(text).splitlines() if line.strip())


def like_contains(text: str) -> str:
    """A LIKE pattern matching values that contain ``text`` as typed: % and _ are literal."""
    escaped = (
        text.replace(LIKE_ESCAPE, LIKE_ESCAPE * 2)
        .replace("%", LIKE_ESCAPE + "%")
        .replace("_", LIKE_ESCAPE + "_")
    )
    return f"%{escaped}%"


def N_(message: str) -> str:
    """Marks a message for the catalogues without translating it here: a label kept in a
    table that staff pages and exports read in Japanese, and that a resident's page passes
    through ``_()`` when it shows it."""
    return message
