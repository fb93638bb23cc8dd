"""LINE webhook load test: residents send a comment conversation while a gunicorn worker is
SIGKILLed, and the background job answers every event once.

    .venv/bin/python bench/line_load.py                  # SQLite; Redis + an RQ worker
    .venv/bin/python bench/line_load.py --postgres       # a fresh database on 127.0.0.1:5432
    .venv/bin/python bench/line_load.py --quick          # 40 residents: a smoke run
    .venv/bin/python bench/line_load.py --pause 1        # a human pace: ~1 s between messages
    .venv/bin/python bench/line_load.py --no-redis --residents 5   # local job processes

1. Sets up its own instance folder and database with bench/load.py's helpers: one open
   consultation without a questionnaire, asking for the district; the LINE channel on, its
   replies going to the local stand-in for LINE's Messaging API (workshop/line/standin.py).
2. Starts gunicorn (gunicorn.conf.py, --workers 3) and, with Redis (127.0.0.1:6379, database
   11), one RQ worker as a city runs it (`flask --app workshop worker`).
3. --residents (500) LINE users, --threads (30) at a time, each through the whole conversation
   as `line simulate` plays it: a first message, 「同意する」, an age group, a district or
   「答えない」, 「1」, one or two messages carrying the resident's marker 「（住民0123）」,
   「送信」, 「この内容で送る」. Each event is one signed delivery (workshop/line/cli.py's
   delivery() and sign()); a resident's next one waits for the 200 of the last, as LINE
   delivers a user's events in order, and --pause (0) seconds more on average. About --redeliveries (5 %) of the events are sent again
   at once with deliveryContext.isRedelivery and the same webhookEventId; a delivery that got
   no answer (the killed worker's) is sent again the same way, as LINE redelivers.
   When half the events are sent, one busy worker gets SIGKILL and the master starts another.
4. Waits until no event is pending or being processed, then checks the database and the
   stand-in: one comment per resident who confirmed, with the receipt number its reply gave;
   every event stored once and done; one reply per event.

Prints the webhook's response times (LINE waits for them; the aim is a p99 below 200 ms) and
the processing lag, from the last event sent to the last one answered. Without --pause the
residents send as fast as the webhook answers: a stress test, whose times are mostly the
wait for a free worker. --hold-jobs starts the RQ worker only once everything is sent.
Without Redis a job process starts for every delivery that stored an event: 40 residents
(344 deliveries in 5 s) started about 340 Python processes at once on 2 cores, so --no-redis
is for a handful of residents only.
Loopback only; everything it starts is stopped on exit, Ctrl-C included.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load import (
    ATTEMPTS,
    HOST,
    RETRY_WAIT,
    TIMEOUT,
    Check,
    Server,
    app_env,
    database_options,
    databases,
    free_port,
    percentile,
    prepare,
    run_until_stopped,
    stop_group,
)

from workshop.labels import AGE_GROUP
from workshop.line.cli import delivery, sign
from workshop.line.conversation import AGREE, SEND, SKIP, YES
from workshop.line.standin import StandIn

REDIS = "redis://127.0.0.1:6379/11"
DISTRICTS = ("北山地区", "南町地区", "東が丘地区")
MARKER = re.compile(r"（住民(\d+)）")
RECEIPT = re.compile(r"受付番号は (\S+) です")
OPINIONS = (
    "公民館のスマホ教室を平日の夜にも開いてほしいです。",
    "バスの本数が少なく、駅まで出るのが大変です。",
    "子どもが遊べる公園の日陰を増やしてください。",
    "図書館の開館時間を延ばしてもらえると助かります。",
)
MORE = (
    "仕事帰りに寄れる時間だと通いやすいです。",
    "高齢の親のためにもお願いします。",
    "近所の人も同じことを話していました。",
)
SLOW_MS = 200  # the aim for the webhook's p99: well under what LINE waits


@dataclass
class Resident:
    number: int
    user: str  # the LINE user id: U and 32 hex digits
    texts: list[str]


def conversation(number: int, rng: random.Random) -> Resident:
    """What one resident sends, with their marker in the comment's text."""
    opinion = f"{rng.choice(OPINIONS)}（住民{number:04d}）"
    more = [rng.choice(MORE)] if rng.random() < 0.5 else []
    texts = [
        "こんにちは",
        AGREE,
        rng.choice(list(AGE_GROUP.values())),
        rng.choice([*DISTRICTS, SKIP]),
        "1",
        opinion,
        *more,
        SEND,
        YES,
    ]
    return Resident(number, "U" + secrets.token_hex(16), texts)


@dataclass
class Sent:
    """What LINE (this bench) delivered and how the webhook answered."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    latencies: list[float] = field(default_factory=list)
    event_ids: set[str] = field(default_factory=set)
    # reply token → (resident, the text it answers)
    tokens: dict[str, tuple[int, str]] = field(default_factory=dict)
    redeliveries: int = 0  # the ~5 % sent again on purpose
    resent: int = 0  # deliveries sent again because the first got no answer or a 5xx
    errors: Counter[str] = field(default_factory=Counter)
    confirmed: set[int] = field(default_factory=set)  # residents whose 「この内容で送る」 got 200
    given_up: list[int] = field(default_factory=list)
    last_sent: float = 0.0

    def count(self) -> int:
        with self.lock:
            return len(self.latencies)


class Line:
    """LINE's side of the webhook: signed deliveries, one connection each, as LINE sends them."""

    def __init__(
        self, port: int, secret: str, sent: Sent, redeliveries: float, pause: float
    ) -> None:
        self.port = port
        self.secret = secret
        self.sent = sent
        self.redeliveries = redeliveries
        self.pause = pause

    def post(self, body: bytes) -> int:
        connection = http.client.HTTPConnection(HOST, self.port, timeout=TIMEOUT)
        headers = {"Content-Type": "application/json", "X-Line-Signature": sign(self.secret, body)}
        started = time.perf_counter()
        try:
            connection.request("POST", "/line/webhook", body=body, headers=headers)
            response = connection.getresponse()
            response.read()
        finally:
            connection.close()
        if response.status == 200:
            with self.sent.lock:
                self.sent.latencies.append(time.perf_counter() - started)
                self.sent.last_sent = time.perf_counter()
        return response.status

    def deliver(self, resident: Resident, number: int, text: str, rng: random.Random) -> bool:
        """One event until it is answered 200, then maybe once more as a redelivery."""
        event_id = f"BENCH{resident.number:05d}{number:02d}{secrets.token_hex(8)}"
        token = secrets.token_hex(16)
        with self.sent.lock:
            self.sent.event_ids.add(event_id)
            self.sent.tokens[token] = (resident.number, text)

        def body(redelivery: bool) -> bytes:
            return delivery(
                resident.user,
                text,
                number,
                event_id=event_id,
                reply_token=token,
                redelivery=redelivery,
            )

        for attempt in range(ATTEMPTS):
            try:
                status = self.post(body(redelivery=attempt > 0))
            except (OSError, http.client.HTTPException) as error:
                reason = type(error).__name__
            else:
                if status == 200:
                    break
                reason = f"HTTP {status}"
            with self.sent.lock:
                self.sent.errors[reason] += 1
                self.sent.resent += 1
            time.sleep(RETRY_WAIT * (attempt + 1))
        else:
            return False
        if rng.random() < self.redeliveries:
            with suppress(OSError, http.client.HTTPException):
                if self.post(body(redelivery=True)) == 200:
                    with self.sent.lock:
                        self.sent.redeliveries += 1
        return True

    def talk(self, resident: Resident) -> None:
        rng = random.Random(resident.number)
        for number, text in enumerate(resident.texts, start=1):
            if number > 1 and self.pause:
                time.sleep(rng.uniform(0, 2 * self.pause))  # reading the reply, typing
            if not self.deliver(resident, number, text, rng):
                with self.sent.lock:
                    self.sent.given_up.append(resident.number)
                return
        with self.sent.lock:
            self.sent.confirmed.add(resident.number)


# ---------------------------------------------------------------- the RQ worker


class RQWorker:
    """`flask --app workshop worker`, as a city runs it beside the web servers."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        with log.open("ab") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "flask", "--app", "workshop", "worker"],
                cwd=Path(__file__).resolve().parent.parent,
                env={**os.environ, **env},
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def stop(self) -> None:
        stop_group(self.process)


def redis_or_none() -> str | None:
    from redis import Redis
    from redis.exceptions import RedisError

    try:
        Redis.from_url(REDIS, socket_timeout=2).ping()
    except RedisError:
        return None
    return REDIS


# ---------------------------------------------------------------- database


def event_counts() -> Counter[str]:
    """line_event rows by status (in the bench's app context)."""
    from sqlalchemy import func, select

    from workshop.extensions import db
    from workshop.models import LineEvent

    rows = db.session.execute(
        select(LineEvent.status, func.count()).group_by(LineEvent.status)
    ).all()
    db.session.remove()  # the next look sees what the jobs wrote since
    return Counter({str(status.value): int(n) for status, n in rows})


def wait_processed(timeout: float) -> Counter[str]:
    deadline = time.monotonic() + timeout
    while True:
        counts = event_counts()
        if counts["pending"] + counts["processing"] == 0 or time.monotonic() > deadline:
            return counts
        time.sleep(0.25)


def check(slug: str, sent: Sent, stand_in: StandIn, counts: Counter[str]) -> list[Check]:
    from sqlalchemy import func, select

    from workshop.extensions import db
    from workshop.models import Channel, Comment, Consultation, LineEvent

    consultation_id = db.session.scalar(select(Consultation.id).where(Consultation.slug == slug))
    comments = db.session.execute(
        select(Comment.receipt_no, Comment.body).where(
            Comment.consultation_id == consultation_id, Comment.channel == Channel.LINE
        )
    ).all()
    stored_ids = db.session.scalars(select(LineEvent.webhook_event_id)).all()
    redelivered = db.session.scalar(select(func.sum(LineEvent.redelivered))) or 0
    db.session.remove()

    receipts: dict[int, list[str]] = {}
    for receipt_no, body in comments:
        marker = MARKER.search(body)
        receipts.setdefault(int(marker.group(1)) if marker else -1, []).append(receipt_no)
    not_once = [r for r in sent.confirmed if len(receipts.get(r, [])) != 1]
    extra = [r for r in receipts if r not in sent.confirmed]
    numbers = [n for found in receipts.values() for n in found]

    replies = Counter[str]()
    told: dict[int, str] = {}  # resident → the receipt number their reply gave
    for _, body, _ in list(stand_in.calls):
        token = str(body.get("replyToken"))
        replies[token] += 1
        resident, text = sent.tokens.get(token, (-1, ""))
        for message in body.get("messages", []):
            found = RECEIPT.search(message.get("text", ""))
            if text == YES and found:
                told[resident] = found.group(1)
    told_wrong = [r for r in sent.confirmed if told.get(r) not in receipts.get(r, [None])]
    twice = [t for t, n in replies.items() if n > 1]
    unknown = [t for t in replies if t not in sent.tokens]
    done = counts["done"]
    return [
        Check(
            "every resident who confirmed has exactly one LINE comment",
            not not_once and not extra,
            f"{len(sent.confirmed)} confirmed, {len(comments)} comments; "
            f"not exactly one {len(not_once)}, comments of nobody who confirmed {len(extra)}",
        ),
        Check(
            "receipt numbers are distinct",
            len(set(numbers)) == len(numbers),
            f"{len(set(numbers))} distinct of {len(numbers)}",
        ),
        Check(
            "each resident's reply gave the receipt number stored",
            not told_wrong,
            f"{len(told)} receipt replies; {len(told_wrong)} missing or not the stored number",
        ),
        Check(
            "no event left pending or processing, none failed",
            counts["pending"] + counts["processing"] + counts["failed"] == 0,
            ", ".join(f"{status} {n}" for status, n in sorted(counts.items())),
        ),
        Check(
            "every event stored once, redeliveries only counted",
            sorted(stored_ids) == sorted(sent.event_ids)
            and sent.redeliveries <= redelivered <= sent.redeliveries + sent.resent,
            f"{len(sent.event_ids)} events sent, {len(stored_ids)} rows; redeliveries counted "
            f"{redelivered} (sent on purpose {sent.redeliveries}, resent after no answer "
            f"{sent.resent})",
        ),
        Check(
            "one reply per event, no reply token used twice",
            sum(replies.values()) == done and not twice and not unknown,
            f"{sum(replies.values())} reply calls for {done} events done; used twice "
            f"{len(twice)}, unknown {len(unknown)}",
        ),
    ]


# ---------------------------------------------------------------- run


def run(args: argparse.Namespace) -> int:
    workdir = Path(tempfile.mkdtemp(prefix="machikoe-line-load-"))
    redis = None if args.no_redis else redis_or_none()
    if redis is None and not args.no_redis:
        # not the fallback on its own: a process per delivery is a fork storm at this rate
        print(f"Redis at {REDIS} cannot be reached; --no-redis for local job processes")
        return 2
    started: list[Server | RQWorker] = []
    try:
        with databases(args, workdir) as target, StandIn() as stand_in:
            secret = secrets.token_hex(16)
            env = app_env(workdir, target.url) | {
                "LINE_CHANNEL_SECRET": secret,
                "LINE_CHANNEL_ACCESS_TOKEN": "bench",
                "LINE_API_BASE": stand_in.url,
                "REDIS_URL": redis or "",
            }
            scene = prepare(env, seats=20, districts=DISTRICTS)
            if redis:
                from redis import Redis

                # what a run stopped half-way left in this bench's own Redis database
                Redis.from_url(redis).flushdb()

            def start_jobs() -> None:
                if redis:
                    started.append(RQWorker(env, workdir / "rq.log"))

            if not args.hold_jobs:
                start_jobs()
            app = Server(
                "workshop:create_app()", free_port(), args.workers, env, workdir / "gunicorn.log"
            )
            started.append(app)
            jobs = "Redis + 1 RQ worker" if redis else "a local process per job"
            print(
                f"database: {target.url.split(':', 1)[0]}; jobs: {jobs}; {args.workers} gunicorn "
                f"workers; {os.cpu_count()} cores; load average {os.getloadavg()[0]:.2f}"
            )
            code = measure(args, app, stand_in, secret, scene.slug, start_jobs)
            for process in started:
                process.stop()
            return code
    finally:
        for process in reversed(started):
            process.stop()
        if args.keep:
            print(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


def measure(
    args: argparse.Namespace,
    app: Server,
    stand_in: StandIn,
    secret: str,
    slug: str,
    start_jobs: Callable[[], None],
) -> int:
    from workshop import create_app

    rng = random.Random(args.seed)
    residents = [conversation(n, rng) for n in range(args.residents)]
    planned = sum(len(r.texts) for r in residents)
    sent = Sent()
    line = Line(app.port, secret, sent, args.redeliveries, args.pause)
    pace = f"{args.pause:g} s apart on average" if args.pause else "each right after the last"
    print(
        f"{len(residents)} residents, {planned} events ({pace}), {args.threads} at a time; "
        f"SIGKILL of a busy worker after {planned // 2} events"
    )
    seen_workers = set(app.workers())
    began = time.perf_counter()
    with ThreadPoolExecutor(args.threads) as pool:
        futures = [pool.submit(line.talk, resident) for resident in residents]
        killed = ""
        while not all(f.done() for f in futures):
            seen_workers |= set(app.workers())
            if not killed and sent.count() >= planned // 2:
                pid, state = app.busy_worker()
                os.kill(pid, signal.SIGKILL)
                killed = (
                    f"SIGKILL worker pid {pid} ({state}) at {time.perf_counter() - began:.1f} s"
                )
            time.sleep(0.02)
        for future in futures:
            future.result()  # a bug in this bench shows here
    sending = time.perf_counter() - began
    seen_workers |= set(app.workers())
    restarts = len(seen_workers) - args.workers
    print(killed or "no worker killed (the run ended first)")
    print(
        f"sent in {sending:.1f} s: {len(sent.latencies)} deliveries answered 200 "
        f"({len(sent.event_ids)} events, {sent.redeliveries} redeliveries on purpose, "
        f"{sent.resent} resent after {dict(sent.errors) or 'no'} errors); "
        f"residents given up {len(sent.given_up)}"
    )
    lat = sorted(sent.latencies)
    print(
        "webhook response ms: "
        + "  ".join(
            f"{name} {percentile(lat, share) * 1000:.0f}"
            for name, share in (("p50", 0.5), ("p95", 0.95), ("p99", 0.99))
        )
        + f"  max {lat[-1] * 1000:.0f}"
    )
    print(f"gunicorn worker restarts: {restarts} (the bench killed 1)")
    if args.hold_jobs:
        start_jobs()
    app_context = create_app().app_context()
    app_context.push()
    counts = wait_processed(args.timeout)
    lag = time.perf_counter() - sent.last_sent
    print(
        f"processing lag (last event sent to all answered): {lag:.1f} s"
        + (
            ""
            if counts["pending"] + counts["processing"] == 0
            else f" (timed out, {args.timeout:.0f} s)"
        )
    )
    time.sleep(1)  # the last reply reaches the stand-in just after its event is done
    checks = check(slug, sent, stand_in, counts)
    app_context.pop()
    p99 = percentile(lat, 0.99) * 1000
    for item in checks:
        print(f"{'PASS' if item.passed else 'FAIL'}  {item.name}: {item.detail}")
    print(
        f"{'PASS' if p99 < SLOW_MS else 'MISS'}  webhook p99 {p99:.0f} ms, aim below {SLOW_MS} ms"
    )
    return 0 if all(c.passed for c in checks) else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    database_options(parser)
    parser.add_argument("--residents", type=int, default=500)
    parser.add_argument("--threads", type=int, default=30, help="residents talking at once")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (2 or more)")
    parser.add_argument(
        "--pause",
        type=float,
        default=0,
        help="mean seconds between a resident's messages (0: each right after the last 200)",
    )
    parser.add_argument("--redeliveries", type=float, default=0.05, help="share sent twice")
    parser.add_argument(
        "--no-redis",
        action="store_true",
        help="jobs as local processes: one per delivery; keep --residents small (--quick)",
    )
    parser.add_argument(
        "--hold-jobs",
        action="store_true",
        help="start the RQ worker once every event is sent: the webhook alone, then the jobs alone",
    )
    parser.add_argument("--timeout", type=float, default=900, help="seconds to wait for the jobs")
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--quick", action="store_true", help="40 residents, 10 at a time")
    parser.add_argument("--keep", action="store_true", help="keep the instance folder and logs")
    args = parser.parse_args(argv)
    if args.quick:
        args.residents, args.threads = 40, 10
    if args.workers < 2:
        parser.error("--workers: at least 2, or killing one leaves nobody to answer")
    return run_until_stopped(run, args)


if __name__ == "__main__":
    sys.exit(main())
