"""publish(channel, event) and subscribe(channel, version) over Redis pub/sub or DB polling."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterator
from typing import Any

from flask import current_app

log = logging.getLogger(__name__)

Event = dict[str, Any]
# reads the channel's current version from the database (None: the channel is gone)
VersionReader = Callable[[], int | None]

PREFIX = "machikoe:live:"
REDIS_TIMEOUT_SECONDS = 2


def redis_url() -> str | None:
    url = current_app.config.get("REDIS_URL")
    return str(url) if url else None


_clients: dict[str, Any] = {}


def redis_client(url: str) -> Any:
    """One client (one connection pool) per URL and process; thread-safe."""
    client = _clients.get(url)
    if client is None:
        from redis import Redis

        client = Redis.from_url(url, socket_timeout=REDIS_TIMEOUT_SECONDS)
        _clients[url] = client
    return client


def publish(channel: str, event: Event) -> None:
    """Tell every open stream of ``channel``. Without Redis the streams poll the database,
    so there is nothing to send. A Redis error is logged, never raised: the change is
    committed already, and the streams' own version check catches up."""
    url = redis_url()
    if url is None:
        return
    try:
        redis_client(url).publish(PREFIX + channel, json.dumps(event))
    except Exception:
        log.exception("live: publish to %s failed", channel)


def subscribe(
    channel: str,
    version: VersionReader,
    *,
    tick: float = 1.0,
    poll: float | None = None,
) -> Iterator[Event | None]:
    """Events of ``channel``: first the current state ``{"version": N}``, then one per change.

    Yields ``None`` at least every ``tick`` seconds while nothing happens, so the caller can
    send heartbeats, end the stream at its lifetime, or notice the client left. Stops when
    ``version()`` says the channel is gone. With Redis, ``version()`` is still read after each
    message (and every ``LIVE_RESYNC_SECONDS``) so an event missed while reconnecting is caught.
    """
    url = redis_url()
    if url is None:
        every = poll if poll is not None else float(current_app.config["LIVE_POLL_SECONDS"])
        return poll_versions(version, every=every, tick=tick)
    resync = float(current_app.config["LIVE_RESYNC_SECONDS"])
    return redis_versions(redis_client(url), channel, version, tick=tick, resync=resync)


def poll_versions(version: VersionReader, *, every: float, tick: float) -> Iterator[Event | None]:
    current = version()
    if current is None:
        return
    yield {"version": current}
    while True:
        waited = 0.0
        while waited < every:
            step = min(tick, every - waited)
            time.sleep(step)
            waited += step
            if waited < every:
                yield None
        latest = version()
        if latest is None:
            return
        if latest != current:
            current = latest
            yield {"version": current}
        else:
            yield None


def redis_versions(
    client: Any, channel: str, version: VersionReader, *, tick: float, resync: float
) -> Iterator[Event | None]:
    pubsub = client.pubsub(ignore_subscribe_messages=True)
    try:
        pubsub.subscribe(PREFIX + channel)
        # subscribed before the first read: a change in between is seen by one or the other
        current = version()
        if current is None:
            return
        yield {"version": current}
        last_read = time.monotonic()
        while True:
            message = pubsub.get_message(timeout=tick)
            due = time.monotonic() - last_read >= resync
            if message is None and not due:
                yield None
                continue
            # a busy board sends many messages a second: the ones already here say nothing more
            while message is not None:
                message = pubsub.get_message(timeout=0)
            latest = version()
            last_read = time.monotonic()
            if latest is None:
                return
            if latest != current:
                current = latest
                yield {"version": current}
            else:
                yield None
    finally:
        pubsub.close()
