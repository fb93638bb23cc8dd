"""publish(channel, event) and subscribe(channel, version) over Redis pub/sub or DB polling."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Iterator
from functools import partial
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
    gap: float = 0.0,
    crowd: float | None = None,
) -> Iterator[Event | None]:
    """Events of ``channel``: first the current state ``{"version": N}``, then one per change.

    Yields ``None`` at least every ``tick`` seconds while nothing happens, so the caller can
    send heartbeats, end the stream at its lifetime, or notice the client left. Stops when
    ``version()`` says the channel is gone.

    All the streams of a channel in one process share one :class:`Watcher` thread: with Redis
    it holds the one subscription (and still reads ``version()`` every ``LIVE_RESYNC_SECONDS``,
    and after a reconnect, so a message missed meanwhile is caught); without, it reads
    ``version()`` every ``poll`` (``LIVE_POLL_SECONDS``) seconds.

    A stream gets at most one change every ``gap`` seconds (the newest then): 200 phones on a
    busy board need not all be woken, and fetch their page, at every one of 30 posts a second.
    ``crowd``: at most this many wake-ups a second for all the streams of the channel in this
    process together, so the gap grows with the crowd (100 phones at 20 a second: 5 seconds).
    """
    config = current_app.config
    url = redis_url()
    if url is None:
        every = poll if poll is not None else float(config["LIVE_POLL_SECONDS"])
        source: Source = Polling(version, every)
    else:
        source = RedisChannel(url, channel, version, float(config["LIVE_RESYNC_SECONDS"]))
    return watch(channel, source, tick=tick, gap=gap, crowd=crowd)


class Source:
    """Where a watcher learns the channel's version: ``first()`` once, then ``next(current)``,
    which blocks for a short while (about a second at most) and returns the latest version."""

    key: str = ""

    def first(self) -> int | None:
        raise NotImplementedError

    def next(self, current: int | None) -> int | None:
        raise NotImplementedError

    def close(self) -> None:
        """Release what the source holds (a Redis subscription)."""


class Polling(Source):
    """Reads the version from the database every ``every`` seconds: one small query per
    process and channel, whatever the number of open pages."""

    def __init__(self, version: VersionReader, every: float) -> None:
        self.read, self.every = version, every
        self.key = f"poll:{every}"

    def first(self) -> int | None:
        return self.read()

    def next(self, current: int | None) -> int | None:
        time.sleep(self.every)
        return self.read()


class RedisChannel(Source):
    """The channel's Redis subscription. A message carries the version the publisher read, so
    it costs no query; the database is read at the start, every ``resync`` seconds, for a
    message without a version, and after Redis was unreachable."""

    WAIT_SECONDS = 1.0  # at most this long in next(): the watcher notices its last page left

    def __init__(self, url: str, channel: str, version: VersionReader, resync: float) -> None:
        self.client, self.read, self.resync = redis_client(url), version, resync
        self.name = channel_name(self.client, channel)
        self.key = f"redis:{url}"
        self.pubsub: Any = None
        self.last_read = 0.0

    def subscribe(self) -> None:
        self.close()
        self.pubsub = self.client.pubsub(ignore_subscribe_messages=True)
        self.pubsub.subscribe(self.name)

    def read_now(self) -> int | None:
        self.last_read = time.monotonic()
        return self.read()

    def first(self) -> int | None:
        # subscribed before the first read: a change in between is seen by one or the other
        try:
            self.subscribe()
        except Exception:
            log.exception("live: subscribing to %s failed", self.name)
            self.pubsub = None
        return self.read_now()

    def next(self, current: int | None) -> int | None:
        if self.pubsub is None:  # Redis was down: try again, and read what was missed
            time.sleep(self.WAIT_SECONDS)
            return self.first()
        try:
            message = self.pubsub.get_message(timeout=self.WAIT_SECONDS)
            # a busy board sends many messages a second: the ones already here say nothing more
            sent: int | None = None
            carried_nothing = False
            while message is not None:
                value = carried_version(message)
                carried_nothing = carried_nothing or value is None
                sent = value if sent is None else max(sent, value or sent)
                message = self.pubsub.get_message(timeout=0)
        except Exception:
            log.exception("live: reading %s failed; reconnecting", self.name)
            self.close()
            return current
        if carried_nothing or time.monotonic() - self.last_read >= self.resync:
            return self.read_now()
        if sent is not None and (current is None or sent > current):
            return sent  # versions only grow: an older message says nothing new
        return current

    def close(self) -> None:
        if self.pubsub is not None:
            try:
                self.pubsub.close()
            except Exception:
                log.exception("live: closing the subscription to %s failed", self.name)
            self.pubsub = None


class Watcher:
    """One thread per process and channel follows the channel's version through its
    :class:`Source` and wakes the streams waiting on it: 200 open pages on a worker cost one
    Redis subscription or one small query per poll, not 200."""

    def __init__(self, app: Any, key: tuple[Any, str, str], source: Source) -> None:
        self.app, self.key, self.source = app, key, source
        self.changed = threading.Condition()
        self.version: int | None = None
        self.ready = threading.Event()
        self.users = 0
        threading.Thread(target=self.run, name=f"live {key[2]}", daemon=True).start()

    def follow(self, step: Callable[[], int | None]) -> int | None:
        try:
            with self.app.app_context():  # its teardown gives the session back
                return step()
        except Exception:
            log.exception("live: reading the version of %s failed", self.key[2])
            return self.version

    def run(self) -> None:
        try:
            latest = self.follow(self.source.first)
            while True:
                # the same order as watch() (the registry, then the watcher), never the reverse
                with _watchers_lock, self.changed:
                    if latest != self.version or not self.ready.is_set():
                        self.version = latest
                        self.ready.set()
                        self.changed.notify_all()
                    if self.users == 0 or latest is None:
                        if _watchers.get(self.key) is self:
                            del _watchers[self.key]
                        return
                latest = self.follow(partial(self.source.next, latest))
        finally:
            self.source.close()


_watchers: dict[tuple[Any, str, str], Watcher] = {}  # (app, source key, channel)
_watchers_lock = threading.Lock()


def watch(
    channel: str, source: Source, *, tick: float, gap: float = 0.0, crowd: float | None = None
) -> Iterator[Event | None]:
    """The stream's side: wait on the channel's shared watcher (started with ``source`` if
    there is none yet) and yield each new version, at most one every ``gap`` seconds, or
    ``None`` every ``tick`` seconds."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    key = (app, source.key, channel)
    with _watchers_lock:
        watcher = _watchers.get(key)
        if watcher is None:
            watcher = _watchers[key] = Watcher(app, key, source)
        with watcher.changed:
            watcher.users += 1
    try:
        watcher.ready.wait(timeout=5)
        current = watcher.version
        if current is None:
            return
        yield {"version": current}
        sent_at = time.monotonic()
        while True:
            # the gap of this stream now: longer when the process has a crowd to wake
            wait = max(gap, watcher.users / crowd) if crowd else gap
            quiet = wait - (time.monotonic() - sent_at)
            if quiet > 0:
                # news came a moment ago: what comes meanwhile waits, asleep, for the gap's end
                time.sleep(min(quiet, tick))
            with watcher.changed:
                watcher.changed.wait_for(
                    lambda seen=current: watcher.version != seen,  # type: ignore[misc]
                    timeout=0 if quiet > 0 else tick,
                )
                latest = watcher.version
            if latest is None:
                return
            if latest != current and time.monotonic() - sent_at >= wait:
                current = latest
                sent_at = time.monotonic()
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
