"""The one place that says "this board changed": a note was posted, approved, hidden, edited,
moved or deleted, a 共感 was added, the question or the status changed.

Every change also bumps ``Board.version`` in its own transaction, so a page that polls can
compare versions; board_changed() is called after the commit, and the live transport
(workshop/live) subscribes to it to push the news to open pages at once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from workshop.models import Board

log = logging.getLogger(__name__)

Listener = Callable[[int], None]
_listeners: list[Listener] = []


def subscribe(listener: Listener) -> None:
    """Call listener(board_id) after every committed change of a board (once per listener)."""
    if listener not in _listeners:
        _listeners.append(listener)


def unsubscribe(listener: Listener) -> None:
    if listener in _listeners:
        _listeners.remove(listener)


def bump(board: Board) -> None:
    """In the change's transaction: the board's pages are out of date."""
    board.version = Board.version + 1


def board_changed(board_id: int) -> None:
    """After the commit: tell every listener. A listener that fails is logged, never the
    participant's problem: their note is saved and the pages still poll."""
    for listener in list(_listeners):
        try:
            listener(board_id)
        except Exception:
            log.exception("board %s: a board_changed listener failed", board_id)
