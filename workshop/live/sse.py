"""A Server-Sent Events response with heartbeats, a maximum lifetime and a clean close."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from typing import Any

from flask import Response, current_app, request, stream_with_context

from workshop.live.broker import Event


def last_event_id() -> int | None:
    """The version the reconnecting EventSource saw last (header, or ?last_event_id=)."""
    raw = request.headers.get("Last-Event-ID") or request.args.get("last_event_id", "")
    try:
        return int(raw)
    except ValueError:
        return None


def format_event(data: Any, *, event_id: int | None = None, event: str | None = None) -> str:
    lines = []
    if event_id is not None:
        lines.append(f"id: {event_id}")
    if event:
        lines.append(f"event: {event}")
    payload = data if isinstance(data, str) else json.dumps(data, ensure_ascii=False)
    lines.extend(f"data: {line}" for line in payload.splitlines() or [""])
    return "\n".join(lines) + "\n\n"


def sse_stream(
    events: Iterator[Event | None],
    render: Callable[[Event], Any],
    *,
    seen: int | None,
    heartbeat: float,
    lifetime: float,
    retry_ms: int,
    after_read: Callable[[], None] = lambda: None,
) -> Iterator[str]:
    """The text of the stream. ``render(event)`` gives the data sent for a change (the fresh
    state); a version equal to ``seen`` (Last-Event-ID) is not sent again."""
    started = last_sent = time.monotonic()
    yield f"retry: {retry_ms}\n\n"
    try:
        for event in events:
            now = time.monotonic()
            if event is not None:
                version = event.get("version")
                if version is None or version != seen:
                    data = render(event)
                    after_read()
                    seen = version
                    last_sent = now
                    yield format_event(data, event_id=version, event="change")
            else:
                after_read()
            if now - last_sent >= heartbeat:
                last_sent = now
                yield ": heartbeat\n\n"  # a comment: proxies see traffic, the page sees nothing
            if now - started >= lifetime:
                # the browser reconnects after `retry` with Last-Event-ID
                yield format_event({"reason": "lifetime"}, event="bye")
                return
    finally:
        # the generator is closed when the client went away (the server's write failed) or
        # at the end: the subscription (Redis connection) is released here
        close = getattr(events, "close", None)
        if close is not None:
            close()
        after_read()


def sse_response(
    events: Iterator[Event | None],
    render: Callable[[Event], Any],
    *,
    after_read: Callable[[], None] = lambda: None,
) -> Response:
    """``text/event-stream`` from ``events`` (see :func:`workshop.live.broker.subscribe`).

    ``after_read`` runs after each database read: pass ``db.session.remove`` so a stream open
    for minutes never holds a transaction or a pooled connection between reads.
    """
    config = current_app.config
    body = sse_stream(
        events,
        render,
        seen=last_event_id(),
        heartbeat=float(config["LIVE_HEARTBEAT_SECONDS"]),
        lifetime=float(config["LIVE_STREAM_SECONDS"]),
        retry_ms=int(config["LIVE_RETRY_MS"]),
        after_read=after_read,
    )
    response = Response(stream_with_context(body), mimetype="text/event-stream")
    response.headers["Cache-Control"] = "no-cache"
    response.headers["X-Accel-Buffering"] = "no"  # nginx: send each event at once
    return response
