"""workshop/live: publish/subscribe over Redis pub/sub and over database polling, and the
Server-Sent Events streams of a live board, over a real served app."""

from __future__ import annotations

import http.client
import json
import re
import threading
import time
import uuid
from collections.abc import Iterator
from urllib.parse import urlencode

import pytest
from sqlalchemy import update
from werkzeug.serving import make_server

from tests.conftest import CSRF_INPUT, redis_url, service_unavailable
from tests.test_boards import board_factory
from workshop import live
from workshop.boards.live import channel, version_of
from workshop.extensions import db
from workshop.live.sse import sse_stream
from workshop.models import Board

REDIS = redis_url(13)


def reachable_redis() -> str:
    from redis import Redis
    from redis.exceptions import ConnectionError as RedisDown

    try:
        Redis.from_url(REDIS, socket_connect_timeout=2).ping()
    except RedisDown as error:
        service_unavailable(f"Redis not reachable: {error}")
    return REDIS


@pytest.fixture
def make_board(app):
    return board_factory()


def bump_elsewhere(board_id: int) -> None:
    """A change committed by another connection (another request, another worker)."""
    with db.engine.begin() as connection:
        connection.execute(
            update(Board).where(Board.id == board_id).values(version=Board.version + 1)
        )


def fresh_reader(board_id: int):
    read = version_of(board_id)

    def reader() -> int | None:
        try:
            return read()
        finally:
            db.session.remove()  # as the SSE helper does after each read

    return reader


def next_event(events: Iterator[live.Event | None], limit: int = 200) -> live.Event:
    for _ in range(limit):
        event = next(events)
        if event is not None:
            return event
    raise AssertionError(f"no event in {limit} ticks")


def test_polling_sees_a_change_committed_elsewhere_on_sqlite(app, make_board):
    board = make_board()
    events = live.subscribe(channel(board.id), fresh_reader(board.id), tick=0.02, poll=0.05)
    first = next_event(events)
    assert first == {"version": board.version}
    assert next(events) is None  # nothing changed: idle ticks, for heartbeats
    bump_elsewhere(board.id)
    assert next_event(events) == {"version": first["version"] + 1}


def test_a_stream_gets_at_most_one_change_per_gap_and_then_the_newest(app, make_board):
    """A busy board must not wake every open phone at every post: changes within the gap
    wait for its end and come as one, the newest."""
    board = make_board()
    events = live.subscribe(
        channel(board.id), fresh_reader(board.id), tick=0.02, poll=0.02, gap=1.5
    )
    first = next_event(events)
    started = time.monotonic()
    bump_elsewhere(board.id)
    bump_elsewhere(board.id)
    assert next_event(events, limit=1000) == {"version": first["version"] + 2}
    assert time.monotonic() - started >= 1.4  # not before the gap's end
    events.close()  # type: ignore[attr-defined]


def test_in_a_crowd_the_gap_grows_with_the_streams_of_the_process(app, make_board):
    """At most `crowd` wake-ups a second for all the streams of a board in one process: with
    4 streams at 4 a second, each waits at least 1 s although its own gap is 0.1 s."""
    board = make_board()
    streams = [
        live.subscribe(
            channel(board.id), fresh_reader(board.id), tick=0.02, poll=0.02, gap=0.1, crowd=4
        )
        for _ in range(4)
    ]
    firsts = [next_event(events) for events in streams]
    started = time.monotonic()
    bump_elsewhere(board.id)
    assert next_event(streams[0], limit=1000) == {"version": firsts[0]["version"] + 1}
    assert time.monotonic() - started >= 0.9
    for events in streams:
        events.close()  # type: ignore[attr-defined]


def test_polling_stops_when_the_board_is_gone(app, make_board):
    board = make_board()
    gone = {"now": False}
    read = fresh_reader(board.id)
    events = live.subscribe("x", lambda: None if gone["now"] else read(), tick=0.02, poll=0.05)
    next_event(events)
    gone["now"] = True
    assert all(event is None for event in events)  # and the iterator ends


def test_streams_opening_and_closing_never_deadlock_with_the_watcher(app):
    """The watcher leaves when its last stream has gone while new streams arrive: both sides
    take the registry lock and the watcher's lock in one order (the reverse hung CI)."""
    done = threading.Event()
    failures: list[BaseException] = []

    def open_and_close_streams() -> None:
        try:
            with app.app_context():
                for _ in range(300):
                    events = live.subscribe("deadlock", lambda: 1, tick=0.001, poll=0.0005)
                    assert next_event(events) == {"version": 1}
                    events.close()  # the watcher may now see no user and leave
        except BaseException as error:  # reported below, in the test's thread
            failures.append(error)
        finally:
            done.set()

    worker = threading.Thread(target=open_and_close_streams, daemon=True)
    worker.start()
    assert done.wait(timeout=120), "streams and the watcher deadlocked"
    assert not failures, failures


def test_publish_without_redis_is_a_no_op(app):
    live.publish("board:1", {"board": 1})  # the streams poll; nothing to send, nothing raised


@pytest.mark.redis
def test_redis_pub_sub_delivers_a_publish_at_once(app, make_board):
    app.config["REDIS_URL"] = reachable_redis()
    app.config["LIVE_RESYNC_SECONDS"] = 3600  # only the message can bring the change
    board = make_board()
    events = live.subscribe(channel(board.id), fresh_reader(board.id), tick=0.05)
    first = next_event(events)
    for _ in range(3):
        assert next(events) is None  # no message, no read: idle ticks
    bump_elsewhere(board.id)
    live.publish(channel(board.id), {"board": board.id})
    assert next_event(events, limit=40) == {"version": first["version"] + 1}
    events.close()  # type: ignore[attr-defined]  # unsubscribes


@pytest.mark.redis
def test_deployments_on_other_redis_databases_do_not_hear_each_other(app, make_board):
    app.config["REDIS_URL"] = reachable_redis()
    app.config["LIVE_RESYNC_SECONDS"] = 3600  # only a message can bring a change
    board = make_board()
    events = live.subscribe(channel(board.id), fresh_reader(board.id), tick=0.05)
    first = next_event(events)
    bump_elsewhere(board.id)
    app.config["REDIS_URL"] = redis_url(14)  # another deployment's board 1
    live.publish(channel(board.id), {"board": board.id, "version": first["version"] + 1})
    assert all(next(events) is None for _ in range(10))
    app.config["REDIS_URL"] = REDIS
    live.publish(channel(board.id), {"board": board.id, "version": first["version"] + 1})
    assert next_event(events, limit=40) == {"version": first["version"] + 1}
    events.close()  # type: ignore[attr-defined]  # unsubscribes


@pytest.mark.redis
def test_the_streams_of_a_board_in_one_process_share_one_redis_subscription(app, make_board):
    """200 open pages on a worker must not mean 200 subscriptions, each woken by every post."""
    from redis import Redis

    app.config["REDIS_URL"] = reachable_redis()
    app.config["LIVE_RESYNC_SECONDS"] = 3600
    board = make_board()
    # a channel of its own: other tests' boards are board:1 too, on the same Redis database
    own = f"{channel(board.id)}:{uuid.uuid4().hex}"
    name = live.broker.channel_name(Redis.from_url(REDIS), own)
    streams = [live.subscribe(own, fresh_reader(board.id), tick=0.05) for _ in range(5)]
    first = [next_event(events) for events in streams]
    subscriptions = dict(Redis.from_url(REDIS).pubsub_numsub(name))
    assert subscriptions[name.encode()] == 1
    bump_elsewhere(board.id)
    live.publish(own, {"board": board.id, "version": first[0]["version"] + 1})
    for events in streams:
        assert next_event(events, limit=40) == {"version": first[0]["version"] + 1}
        events.close()  # type: ignore[attr-defined]


def test_with_redis_unreachable_the_streams_still_follow_the_database(app, make_board):
    app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"  # nothing listens there
    board = make_board()
    events = live.subscribe(channel(board.id), fresh_reader(board.id), tick=0.05)
    first = next_event(events)
    bump_elsewhere(board.id)
    assert next_event(events, limit=200) == {"version": first["version"] + 1}
    events.close()  # type: ignore[attr-defined]


@pytest.mark.redis
def test_redis_down_does_not_fail_the_publisher(app):
    app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"
    live.publish("board:1", {"board": 1})


def test_the_stream_skips_the_version_the_client_saw_and_ends_at_its_lifetime():
    closed = []

    def events():
        try:
            yield {"version": 4}
            yield None
            yield {"version": 5}
            while True:
                yield None
        finally:
            closed.append(True)

    text = "".join(
        sse_stream(
            events(),
            lambda event: {"v": event["version"]},
            seen=4,
            heartbeat=0,
            lifetime=0.05,
            retry_ms=1000,
        )
    )
    assert text.startswith("retry: 1000\n\n")
    assert "id: 4\n" not in text  # Last-Event-ID 4: the client has it
    assert 'id: 5\nevent: change\ndata: {"v": 5}\n\n' in text
    assert ": heartbeat\n\n" in text
    assert text.endswith('event: bye\ndata: {"reason": "lifetime"}\n\n')
    assert closed == [True]


def test_a_stream_closed_by_the_server_releases_its_subscription():
    closed = []

    def events():
        try:
            while True:
                yield {"version": 1}
        finally:
            closed.append(True)

    stream = sse_stream(events(), dict, seen=None, heartbeat=15, lifetime=60, retry_ms=1)
    next(stream), next(stream)
    stream.close()  # what the server does when the client went away
    assert closed == [True]


def test_the_board_stream_is_an_event_stream_and_honours_last_event_id(client, make_board):
    board = make_board()
    response = client.get(f"/b/{board.code}/events")
    assert response.status_code == 200
    assert response.mimetype == "text/event-stream"
    assert response.headers["Cache-Control"] == "no-cache"
    assert response.headers["X-Accel-Buffering"] == "no"
    body = response.get_data(as_text=True)
    assert f"id: {board.version}\nevent: change\n" in body
    again = client.get(f"/b/{board.code}/events", headers={"Last-Event-ID": str(board.version)})
    assert "event: change" not in again.get_data(as_text=True)


# ---------------------------------------------------------------- over a real server


class Served:
    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict[str, str] | None = None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        text = response.read().decode()
        connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, value = header.split(";", 1)[0].partition("=")
            self.cookies[name] = value
        return response.status, text


def read_event(response: http.client.HTTPResponse) -> dict[str, str]:
    fields: dict[str, str] = {}
    while True:
        line = response.readline().decode()
        if line in ("\n", ""):
            if "data" in fields or line == "":
                return fields
            continue
        name, _, value = line.rstrip("\n").partition(": ")
        fields[name] = value


@pytest.mark.parametrize("transport", ["polling", pytest.param("redis", marks=pytest.mark.redis)])
def test_a_live_page_sees_a_note_posted_by_another_request(app, make_board, transport):
    if transport == "redis":
        app.config["REDIS_URL"] = reachable_redis()
        app.config["LIVE_RESYNC_SECONDS"] = 3600
    app.config["LIVE_STREAM_SECONDS"] = 30
    board = make_board(is_moderated=False)
    code, version = board.code, board.version
    db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        stream = http.client.HTTPConnection("127.0.0.1", server.server_port, timeout=10)
        stream.request("GET", f"/b/{code}/events")
        response = stream.getresponse()
        assert response.status == 200
        first = read_event(response)
        while first.get("event") != "change":
            first = read_event(response)
        assert json.loads(first["data"])["version"] == version

        participant = Served(server.server_port)
        _, page = participant.request("GET", f"/b/{code}")
        token = next(m.group(1) or m.group(2) for m in CSRF_INPUT.finditer(page))
        status, _ = participant.request(
            "POST", f"/b/{code}/notes", {"csrf_token": token, "text": "バス停にベンチがほしい"}
        )
        assert status == 303
        changed = read_event(response)
        while changed.get("event") != "change":
            changed = read_event(response)
        assert int(changed["id"]) > version
        assert json.loads(changed["data"])["version"] == int(changed["id"])
        stream.close()
    finally:
        server.shutdown()
    assert re.fullmatch(r"\d+", changed["id"])
