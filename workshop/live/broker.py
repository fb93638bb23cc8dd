"""publish(channel, event) and subscribe(channel, version) over Redis pub/sub or DB polling."""

from __future__ import annotations

import json
import logging
import threading
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


def channel_name(client: Any, channel: str) -> str:
    """Redis pub/sub ignores the database number: two deployments on one Redis server (staging
    on /1, the city's on /0) would hear each other's boards. The number is in the name."""
    database = client.connection_pool.connection_kwargs.get("db", 0)
    return f"{PREFIX}{database}:{channel}"


def publish(channel: str, event: Event) -> None:
    """Tell every open stream of ``channel``. Without Redis the streams poll the database,
    so there is nothing to send. A Redis error is logged, never raised: the change is
    committed already, and the streams' own version check catches up."""
    url = redis_url()
    if url is None:
        return
    try:
        client = redis_client(url)
        client.publish(channel_name(client, channel), json.dumps(event))
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
        return poll_versions(channel, version, every=every, tick=tick)
    resync = float(current_app.config["LIVE_RESYNC_SECONDS"])
    return redis_versions(redis_client(url), channel, version, tick=tick, resync=resync)


class Watcher:
    """One thread per process and channel reads the version every ``every`` seconds and wakes
    the streams waiting on it: 200 open pages on a worker cost one small query, not 200."""

    def __init__(self, app: Any, channel: str, version: VersionReader, every: float) -> None:
        self.app, self.channel, self.read, self.every = app, channel, version, every
        self.changed = threading.Condition()
        self.version: int | None = None
        self.ready = threading.Event()
        self.users = 0
        threading.Thread(target=self.run, name=f"live {channel}", daemon=True).start()

    def run(self) -> None:
        while True:
            try:
                with self.app.app_context():  # its teardown gives the session back
                    latest = self.read()
            except Exception:
                log.exception("live: reading the version of %s failed", self.channel)
                latest = self.version
            # the same order as poll_versions (the registry, then the watcher), never the reverse
            with _watchers_lock, self.changed:
                if latest != self.version or not self.ready.is_set():
                    self.version = latest
                    self.ready.set()
                    self.changed.notify_all()
                if self.users == 0 or latest is None:
                    if _watchers.get((self.app, self.channel)) is self:
                        del _watchers[(self.app, self.channel)]
                    return
            time.sleep(self.every)


_watchers: dict[tuple[Any, str], Watcher] = {}  # (app, channel)
_watchers_lock = threading.Lock()


def poll_versions(
    channel: str, version: VersionReader, *, every: float, tick: float
) -> Iterator[Event | None]:
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    with _watchers_lock:
        watcher = _watchers.get((app, channel))
        if watcher is None:
            watcher = _watchers[(app, channel)] = Watcher(app, channel, version, every)
        with watcher.changed:
            watcher.users += 1
    try:
        watcher.ready.wait(timeout=max(every, 5))
        current = watcher.version
        if current is None:
            return
        yield {"version": current}
        while True:
            with watcher.changed:
                watcher.changed.wait_for(
                    lambda seen=current: watcher.version != seen,  # type: ignore[misc]
                    timeout=tick,
                )
                latest = watcher.version
            if latest is None:
                return
            if latest != current:
                current = latest
                yield {"version": current}
            else:
                yield None
    finally:
        with watcher.changed:
            watcher.users -= 1


def carried_version(message: Any) -> int | None:
    try:
        value = json.loads(message["data"]).get("version")
    except (TypeError, ValueError, AttributeError):
        return None
    return value if isinstance(value, int) else None


def redis_versions(
    client: Any, channel: str, version: VersionReader, *, tick: float, resync: float
) -> Iterator[Event | None]:
    pubsub = client.pubsub(ignore_subscribe_messages=True)
    try:
        pubsub.subscribe(channel_name(client, channel))
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
            sent: int | None = None
            while message is not None:
                sent = (
                    carried_version(message)
                    if sent is None
                    else max(sent, carried_version(message) or sent)
                )
                message = pubsub.get_message(timeout=0)
            if sent is not None and not due:
                latest: int | None = sent  # the publisher read it: no query per open page
            else:
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
