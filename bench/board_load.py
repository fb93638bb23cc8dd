"""Load test of a live board: participants post 付箋 and 共感 while projectors listen live.

    .venv/bin/python bench/board_load.py               # SQLite, streams poll the database
    .venv/bin/python bench/board_load.py --postgres    # PostgreSQL + Redis pub/sub (127.0.0.1)

gunicorn.conf.py with --workers (3) workers; --participants (200) simulated phones on one
board (moderation off), each posting --notes (3) notes and --likes (5) 共感 spread over
--duration (60) seconds, with its live page (the board's event stream) open the whole time,
fetching its notes at each change as the page's JavaScript does;
--projectors (2) staff clients listen to the projector stream. Halfway, one worker gets
SIGKILL. Prints p50/p95 post latency, p95 time from sending a post to its note in the
projector stream, and checks every acknowledged note is stored once and reached the projector.
A post is not retried (a retry could store it twice): a failed one is counted, not hidden.
Reuses bench/load.py's client, server and database parts.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import signal
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load import (
    HOST,
    Browser,
    RequestFailed,
    Server,
    Stats,
    app_env,
    csrf_token,
    databases,
    free_port,
    percentile,
)

REDIS = "redis://127.0.0.1:6379/12"
LIKE_FORM = re.compile(r"/b/\w+/notes/(\d+)/like")
PASSWORD = "bench-password-1234"


class Seen:
    """What the projectors saw: note text -> first time, per projector."""

    def __init__(self, projectors: int) -> None:
        self.lock = threading.Lock()
        self.first: list[dict[str, float]] = [{} for _ in range(projectors)]
        self.reconnects = Counter[int]()

    def saw(self, index: int, texts: list[str]) -> None:
        now = time.monotonic()
        with self.lock:
            for text in texts:
                self.first[index].setdefault(text, now)


def prepare(env: dict[str, str]) -> tuple[str, int, str]:
    os.environ.update(env)
    instance = Path(env["MACHIKOE_INSTANCE"])
    instance.mkdir(parents=True, exist_ok=True)
    (instance / "config.py").write_text("RATELIMIT_ENABLED = False\n", encoding="utf-8")
    from datetime import datetime, timedelta

    from flask_migrate import upgrade

    from workshop import create_app
    from workshop.auth.services import create_user
    from workshop.boards.services.setup import BoardInput, create_board
    from workshop.extensions import db
    from workshop.models import Role, WorkshopFormat
    from workshop.timeutil import TOKYO
    from workshop.workshops.services import access, events

    app = create_app()
    with app.app_context():
        upgrade()
        starts = datetime.now(TOKYO) + timedelta(hours=1)
        workshop = events.create_workshop(
            events.WorkshopInput(
                title="負荷試験のワークショップ",
                starts_at=starts,
                ends_at=starts + timedelta(hours=2),
                format=WorkshopFormat.IN_PERSON,
                capacity=300,
                venue="市役所 大会議室",
            )
        )
        email = f"facilitator-{uuid.uuid4().hex[:6]}@example.jp"
        user = create_user(email, PASSWORD, Role.FACILITATOR)
        access.assign_facilitators(workshop, [user])
        db.session.commit()
        board = create_board(
            workshop.id,
            BoardInput(questions=("困っていることは？",), is_moderated=False, is_open=True),
            staff_id=None,
        )
        code, board_id = board.code, board.id
        db.engine.dispose()
    return code, board_id, email


def open_stream(port: int, path: str, cookies: dict[str, str], last_id: str | None):
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}
    if last_id:
        headers["Last-Event-ID"] = last_id
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    if response.status != 200:
        connection.close()
        raise RequestFailed(f"stream answered {response.status}")
    return connection, response


def events_of(response: http.client.HTTPResponse):
    fields: dict[str, str] = {}
    while True:
        line = response.readline().decode()
        if not line:
            return
        if line == "\n":
            if "data" in fields:
                yield fields
            fields = {}
            continue
        name, _, value = line.rstrip("\n").partition(": ")
        fields[name] = value


def projector(index: int, port: int, path: str, cookies: dict, seen: Seen, stop) -> None:
    last_id = None
    while not stop.is_set():
        try:
            connection, response = open_stream(port, path, cookies, last_id)
            for event in events_of(response):
                if event.get("event") != "change":
                    continue
                last_id = event.get("id", last_id)
                data = json.loads(event["data"])
                seen.saw(index, [n["text"] for g in data["groups"] for n in g["notes"]])
                if stop.is_set():
                    break
            connection.close()
        except (OSError, http.client.HTTPException, RequestFailed):
            time.sleep(0.2)
        with seen.lock:
            seen.reconnects[index] += 1


def live_page(port: int, code: str, browser: Browser, stop, opened: Counter) -> None:
    """A participant's open page, its screen on: the board's event stream, read until the end,
    and at each change the fresh notes fetched as static/js/board-live.js does (?part=notes)."""
    while not stop.is_set():
        try:
            connection, response = open_stream(port, f"/b/{code}/events", browser.cookies, None)
            opened["streams"] += 1
            for event in events_of(response):
                if stop.is_set():
                    break
                if event.get("event") == "change":
                    browser.request("notes part GET", "GET", f"/b/{code}?part=notes")
                    opened["refetches"] += 1
            connection.close()
        except (OSError, http.client.HTTPException, RequestFailed):
            time.sleep(0.5)


def participant(args, port, code, stats, posts, failures, stop, opened, start_at) -> None:
    browser = Browser(port, stats)
    page = browser.request("board GET", "GET", f"/b/{code}")[2]
    # the open page's own connection, with the same cookies
    reader = Browser(port, stats)
    reader.cookies = browser.cookies
    threading.Thread(target=live_page, args=(port, code, reader, stop, opened), daemon=True).start()
    actions = ["note"] * args.notes + ["like"] * args.likes
    random.shuffle(actions)
    times = sorted(random.uniform(0, args.duration) for _ in actions)
    for action, at in zip(actions, times, strict=True):
        time.sleep(max(0.0, start_at + at - time.monotonic()))
        if action == "note":
            text = f"付箋 {uuid.uuid4().hex[:12]}"
            form = {"csrf_token": csrf_token(page), "text": text}
            sent = time.monotonic()
            try:
                status, _, _ = browser.send("POST", f"/b/{code}/notes", form)
            except (OSError, http.client.HTTPException) as error:
                failures[f"post: {type(error).__name__}"] += 1
                continue
            if status == 303:
                stats.record("note POST", time.monotonic() - sent)
                posts[text] = sent
            else:
                failures[f"post: HTTP {status}"] += 1
        else:
            with_likes = browser.request("board GET", "GET", f"/b/{code}")[2]
            page = with_likes
            ids = LIKE_FORM.findall(with_likes)
            if not ids:
                continue
            form = {"csrf_token": csrf_token(page)}
            started = time.monotonic()
            try:
                status, _, _ = browser.send(
                    "POST", f"/b/{code}/notes/{random.choice(ids)}/like", form
                )
            except (OSError, http.client.HTTPException) as error:
                failures[f"like: {type(error).__name__}"] += 1
                continue
            if status in (303, 409):
                stats.record("like POST", time.monotonic() - started)
            else:
                failures[f"like: HTTP {status}"] += 1


def stored(url: str, board_id: int) -> Counter[str]:
    from sqlalchemy import create_engine, text

    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT body FROM board_note WHERE board_id = :b"), {"b": board_id}
        )
        counts = Counter(row[0] for row in rows)
    engine.dispose()
    return counts


def run(args: argparse.Namespace) -> int:
    workdir = Path(tempfile.mkdtemp(prefix="machikoe-board-load-"))
    with databases(args, workdir) as target:
        env = app_env(workdir, target.url)
        if args.postgres:
            env["REDIS_URL"] = REDIS
        code, board_id, email = prepare(env)
        port = free_port()
        before = cpu_seconds()
        machine_before = machine_busy()
        server = Server("workshop:create_app()", port, args.workers, env, workdir / "gunicorn.log")
        try:
            return measure(args, server, port, code, board_id, email, target.url)
        finally:
            server.stop()
            server_cpu, bench_cpu = (
                now - then for now, then in zip(cpu_seconds(), before, strict=True)
            )
            busy, seconds = (n - b for n, b in zip(machine_busy(), machine_before, strict=True))
            # what the work cost, whatever else the machine was doing (latencies are not)
            print(
                f"CPU seconds: server (gunicorn, all workers) {server_cpu:.1f}, "
                f"this bench's clients {bench_cpu:.1f}; load average {os.getloadavg()[0]:.1f}"
            )
            # the whole machine (server, clients and anything else running): a share near 100 %
            # means the latencies above are those of a saturated machine
            cores = os.cpu_count() or 1
            print(
                f"machine CPU busy {busy:.0f} of {seconds * cores:.0f} core-seconds "
                f"({busy / max(seconds * cores, 1e-9):.0%}) over {seconds:.0f} s on {cores} cores"
            )


def machine_busy() -> tuple[float, float]:
    """(busy CPU seconds of the whole machine, wall seconds) from /proc/stat."""
    with open("/proc/stat", encoding="ascii") as stat:
        fields = [int(v) for v in stat.readline().split()[1:]]
    ticks = os.sysconf("SC_CLK_TCK")
    idle = fields[3] + fields[4]  # idle + iowait
    return (sum(fields) - idle) / ticks, time.monotonic()


def cpu_seconds() -> tuple[float, float]:
    """CPU time of the finished child processes (gunicorn, once stopped) and of this one."""
    import resource

    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    own = resource.getrusage(resource.RUSAGE_SELF)
    return children.ru_utime + children.ru_stime, own.ru_utime + own.ru_stime


def measure(args, server, port, code, board_id, email, url) -> int:
    stats, failures, opened = Stats(), Counter[str](), Counter[str]()
    posts: dict[str, float] = {}
    stop = threading.Event()
    seen = Seen(args.projectors)
    staff = Browser(port, stats)
    login_page = staff.request("login GET", "GET", "/staff/login")[2]
    staff.request(
        "login POST",
        "POST",
        "/staff/login",
        {"csrf_token": csrf_token(login_page), "email": email, "password": PASSWORD},
    )
    path = f"/staff/boards/{board_id}/projector/events"
    for index in range(args.projectors):
        threading.Thread(
            target=projector, args=(index, port, path, staff.cookies, seen, stop), daemon=True
        ).start()
    start_at = time.monotonic() + 5
    people = [
        threading.Thread(
            target=participant,
            args=(args, port, code, stats, posts, failures, stop, opened, start_at),
            daemon=True,
        )
        for _ in range(args.participants)
    ]
    for person in people:
        person.start()
    time.sleep(max(0.0, start_at + args.duration / 2 - time.monotonic()))
    pid, state = server.busy_worker()
    os.kill(pid, signal.SIGKILL)
    print(f"SIGKILL worker {pid} (state {state}) at {args.duration / 2:.0f} s")
    for person in people:
        person.join()
    # the projectors have a few seconds to catch up
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(set(posts) - set(f) for f in seen.first):
        time.sleep(0.2)
    stop.set()

    lat = sorted(stats.latencies.get("note POST", []))
    like = sorted(stats.latencies.get("like POST", []))
    delays = sorted(f[text] - sent for f in seen.first for text, sent in posts.items() if text in f)
    print(
        f"{args.participants} participants, {len(posts)} notes acknowledged, "
        f"{len(like)} 共感 answered, live page streams opened {opened['streams']}, "
        f"their notes fetched {opened['refetches']} times"
    )
    if lat:
        print(
            f"post latency ms: p50 {statistics.median(lat) * 1000:.0f}  "
            f"p95 {percentile(lat, 0.95) * 1000:.0f}  max {lat[-1] * 1000:.0f}"
        )
    if like:
        print(
            f"like latency ms: p50 {statistics.median(like) * 1000:.0f}  "
            f"p95 {percentile(like, 0.95) * 1000:.0f}"
        )
    if delays:
        print(
            f"post to projector ms: p50 {statistics.median(delays) * 1000:.0f}  "
            f"p95 {percentile(delays, 0.95) * 1000:.0f}  max {delays[-1] * 1000:.0f}"
        )
    print(f"failures: {dict(failures) or 0}; projector reconnects {dict(seen.reconnects)}")
    counts = stored(url, board_id)
    missing = [t for t in posts if counts[t] == 0]
    twice = [t for t in posts if counts[t] > 1]
    unseen = [t for t in posts for f in seen.first if t not in f]
    ok = not missing and not twice and not unseen and bool(posts)
    print(
        f"{'PASS' if not missing and not twice else 'FAIL'}  every acknowledged note stored once: "
        f"missing {len(missing)}, more than once {len(twice)}"
    )
    print(
        f"{'PASS' if not unseen else 'FAIL'}  every acknowledged note reached every projector: "
        f"{len(unseen)} missed"
    )
    if delays:
        goal = percentile(delays, 0.95) <= 2.0
        print(f"{'PASS' if goal else 'MISS'}  p95 post to projector <= 2 s")
    return 0 if ok else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL + Redis")
    parser.add_argument("--database-url", help=argparse.SUPPRESS)
    parser.add_argument("--participants", type=int, default=200)
    parser.add_argument("--notes", type=int, default=3)
    parser.add_argument("--likes", type=int, default=5)
    parser.add_argument("--projectors", type=int, default=2)
    parser.add_argument("--duration", type=float, default=60)
    parser.add_argument("--workers", type=int, default=3)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    raise SystemExit(main())
