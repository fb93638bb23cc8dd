"""At most ``REQUEST_SLOTS`` ordinary requests run at once in a process; the rest wait their
turn before they start, holding nothing.

gunicorn's gthread workers have hundreds of threads so that the long-lived event streams of
live boards (workshop/live) can each hold one. Ordinary requests share the process's one
interpreter lock and its database pool: let a hundred run at once and each takes a pooled
connection, then waits for the lock, so a post holds the board's row (PostgreSQL) or the write
lock (SQLite) while it waits, every request slows down, and the pool runs dry (HTTP 500 after
DATABASE_POOL_TIMEOUT, seen in bench/board_load.py). Event streams (paths ending in
``/events``) do not take a slot: they wait on a version, not on the CPU.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

STREAM_SUFFIX = "/events"


def is_stream(path: str) -> bool:
    return path.endswith(STREAM_SUFFIX)


class RequestSlots:
    """WSGI middleware: ``slots`` requests at a time, except those ``exempt(path)`` says."""

    def __init__(
        self,
        app: WSGIApplication,
        slots: int,
        *,
        exempt: Callable[[str], bool] = is_stream,
    ) -> None:
        self.app, self.slots, self.exempt = app, slots, exempt
        self.semaphore = threading.BoundedSemaphore(slots)

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if self.exempt(str(environ.get("PATH_INFO", ""))):
            return self.app(environ, start_response)
        with self.semaphore:
            # a Flask response is built (and the request's session ended) when this returns;
            # a streamed download's body is then sent outside the slot
            return self.app(environ, start_response)


def init_app(app: Any) -> None:
    slots = int(app.config["REQUEST_SLOTS"])
    if slots > 0:
        app.wsgi_app = RequestSlots(app.wsgi_app, slots)
