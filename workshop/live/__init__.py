"""Live updates: publish "this channel changed" and stream it to open pages as Server-Sent Events.

A neutral module (it imports no feature). Two transports, chosen by configuration:

- ``REDIS_URL`` set: Redis pub/sub, so every gunicorn worker and every server sees every
  publish at once (:class:`~workshop.live.broker.RedisChannel`).
- no Redis (the embedded SQLite default): publish is a no-op across processes and the streams
  follow a cheap "version" read from the database every ``LIVE_POLL_SECONDS``
  (:class:`~workshop.live.broker.Polling`).

Either way one thread per process and channel (:class:`~workshop.live.broker.Watcher`) follows
the version and wakes that process's open streams.

An event only says "channel X changed (version N)"; the stream then reads the fresh state
itself, so a lost message is harmless: the next one, or the next poll, carries the newest state.
"""

from workshop.live.broker import Event, publish, subscribe
from workshop.live.sse import sse_response

__all__ = ["Event", "publish", "sse_response", "subscribe"]
