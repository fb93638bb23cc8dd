"""Everyone's notes on a participant's page, rendered once per version of the board.

At each change of a board every open phone fetches its notes (static/js/board-live.js): in a
hall of 200 that is the same list, read and rendered 200 times within a few seconds. The list
is the same for everyone but for each note's 共感 row (your own note, one you already liked,
or the button with your form token), so it is rendered once per (board, version, question)
with a marker in place of that row, kept in this process, and each request fills in its own
rows. The list's words are in the page's language (with or without ふりがな), so both are in
the key too. A new version is a new key: nothing is ever served from an older state of the
board.
The lists are kept per app (a test's app, a restored database behind a restarted server).
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

from flask import current_app, get_template_attribute, render_template
from markupsafe import Markup

from workshop.boards.services import notes
from workshop.models import Board, BoardQuestion
from workshop.preferences import language
from workshop.preferences.furigana import furigana_on

# a phone reloads the page with 更新 again and again: the newest notes, not hundreds
SHOWN_NOTES = 100
# (board, version, question, language, ふりがな) kept per process: a few boards at once, a few
# versions each
KEPT = 32
LIKE_MARK = re.compile(r"<!--like:(\d+):(\d*)-->")


@dataclass(frozen=True)
class SharedNotes:
    html: str  # with a LIKE_MARK per note
    total: int  # approved notes of the question (the list shows the newest SHOWN_NOTES)


Key = tuple[int, int, int, str, bool]


@dataclass
class Kept:
    lists: OrderedDict[Key, SharedNotes] = field(default_factory=OrderedDict)
    lock: threading.Lock = field(default_factory=threading.Lock)


def kept() -> Kept:
    found = current_app.extensions.get("shared_notes")
    if found is None:
        found = current_app.extensions.setdefault("shared_notes", Kept())
    return found


def shared_notes(board: Board, question: BoardQuestion | None) -> SharedNotes:
    """The list at the board's version as this request read it."""
    if question is None:
        return SharedNotes(render(board, [], 0), 0)
    key = (board.id, board.version, question.id, language.chosen().code, furigana_on())
    store = kept()
    with store.lock:
        found = store.lists.get(key)
        if found is not None:
            store.lists.move_to_end(key)
            return found
    others = notes.visible_notes(board, question.id, limit=SHOWN_NOTES)
    total = notes.visible_count(board, question.id)
    made = SharedNotes(render(board, others, total), total)
    with store.lock:  # two requests may render the same version at once: either is right
        store.lists[key] = made
        while len(store.lists) > KEPT:
            store.lists.popitem(last=False)
    return made


def render(board: Board, others: list, total: int) -> str:
    return render_template(
        "boards/_others_notes.html", board=board, others=others, others_total=total
    )


def personalised(
    shared: SharedNotes, board: Board, *, participant_id: int | None, liked: set[int]
) -> Markup:
    """The list with this participant's 共感 rows in place of the markers."""
    like_row: Callable[..., str] = get_template_attribute("boards/_like_row.html", "like_row")

    def row(match: re.Match[str]) -> str:
        note_id, owner = int(match.group(1)), match.group(2)
        own = participant_id is not None and owner == str(participant_id)
        return str(like_row(board, note_id, own, note_id in liked))

    return Markup(LIKE_MARK.sub(row, shared.html))  # rendered by our templates


def forget() -> None:
    """Drop every kept list (a test that changes a board behind the app's back)."""
    store = kept()
    with store.lock:
        store.lists.clear()
