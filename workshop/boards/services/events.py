"""The one place that says "this board changed": a note was posted, approved, hidden, edited,
moved or deleted, a 共感 was added, the question or the status changed.

board_changed() is called after the change's commit. It raises ``Board.version`` by one, so a
page that polls can compare versions, and then tells the listeners: the live transport
(workshop/live) subscribes to push the news to open pages at once.

The version goes up in a short transaction of its own just after the change's, not inside it:
a post that raised it inside its own transaction held the board's row lock until its commit,
and on PostgreSQL every other post on the board queued behind it (bench/board_load.py saw 20
posts waiting on that row). Committed after the change, a version a page reads never runs
ahead of what the page then finds.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy import update

from workshop.extensions import db
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


def raise_version(board_id: int) -> None:
    """One UPDATE and its commit, on the request's own connection (a second one from the
    pool could wait for a connection held by a thread that waits the same way)."""
    db.session.execute(update(Board).where(Board.id == board_id).values(version=Board.version + 1))
    db.session.commit()


def board_changed(board_id: int) -> None:
    """After the commit: the board's version goes up, then every listener hears of it.
    Neither may fail the participant, whose note is saved: a failure is logged (the pages
    catch up at the next change)."""
    try:
        raise_version(board_id)
    except Exception:
        db.session.rollback()
        log.exception("board %s: raising the version failed", board_id)
    for listener in list(_listeners):
        try:
            listener(board_id)
        except Exception:
            log.exception("board %s: a board_changed listener failed", board_id)
