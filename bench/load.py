"""Load and crash test: residents comment and sign up while a gunicorn worker is SIGKILLed.

    .venv/bin/python bench/load.py                 # SQLite file in a temporary instance folder
    .venv/bin/python bench/load.py --postgres      # a fresh database on 127.0.0.1:5432, dropped after
    .venv/bin/python bench/load.py --database-url postgresql://user@host/db   # an empty database

1. Sets up its own instance folder (rate limiting off) and database: migrations, one open
   consultation, one in-person workshop with --seats seats and a waiting list.
2. Starts gunicorn with gunicorn.conf.py (--workers workers, 127.0.0.1 only).
3. Simulated residents (threads, stdlib http.client, a cookie jar each) for --duration seconds:
   commenters GET the form, POST confirm, POST submit and follow the 303 to the receipt page;
   the others sign up for the workshop. A third of the way in, one worker gets SIGKILL and the
   master starts another. A failed request is sent again as a browser reload would: the submit
   with the same submission_token, which is what lets every receipt number seen be unique.
4. Checks the database directly: every receipt number a resident saw exists once and holds
   what that resident wrote, no comment exists whose receipt was never shown, seats never
   exceed capacity and every sign-up answer matches its row.
5. Throughput: the submit POST alone against the same gunicorn settings serving
   bench/bare_app.py (Flask + SQLAlchemy, one INSERT), alternating, same clients and database,
   with each side's p50 and p99 (aim: at least 0.4 x the bare app, submit p99 under 200 ms).

Workers are not recycled (GUNICORN_MAX_REQUESTS=0) unless --recycle: then they restart every
2000 requests or so, as gunicorn.conf.py has them in production.

Everything it starts is stopped on exit, Ctrl-C included. Loopback only.
"""

from __future__ import annotations

import argparse
import html
import http.client
import os
import random
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from datetime import time as clock
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

HOST = "127.0.0.1"
POSTGRES_SERVER = "postgresql://postgres@127.0.0.1:5432/test"
CSRF_INPUT = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"'
)
HIDDEN_INPUT = re.compile(r'<input type="hidden" name="(\w+)" value="([^"]*)">')
RECEIPT_NO = re.compile(r'<p class="receipt-no">([^<]+)</p>')
# what a browser does: a failed request is tried again, a few times, after a short wait
ATTEMPTS = 6
RETRY_WAIT = 0.3
TIMEOUT = 30


class RequestFailed(Exception):
    pass


# ---------------------------------------------------------------- HTTP client


@dataclass
class Stats:
    lock: threading.Lock = field(default_factory=threading.Lock)
    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: Counter[str] = field(default_factory=Counter)
    requests: int = 0

    def record(self, kind: str, seconds: float) -> None:
        with self.lock:
            self.requests += 1
            self.latencies.setdefault(kind, []).append(seconds)

    def error(self, kind: str, reason: str) -> None:
        with self.lock:
            self.requests += 1
            self.errors[f"{kind}: {reason}"] += 1


class Browser:
    """One resident: a cookie jar, a new connection per request (gunicorn sync workers close them)."""

    def __init__(self, port: int, stats: Stats) -> None:
        self.port = port
        self.stats = stats
        self.cookies: dict[str, str] = {}

    def request(
        self, kind: str, method: str, path: str, form: dict[str, str] | None = None
    ) -> tuple[int, str, str]:
        """Status, Location, body; retried on a dropped connection or a 5xx like a reload."""
        for attempt in range(ATTEMPTS):
            started = time.perf_counter()
            try:
                status, location, body = self.send(method, path, form)
            except (OSError, http.client.HTTPException) as error:
                self.stats.error(kind, type(error).__name__)
            else:
                if status < 500:
                    self.stats.record(kind, time.perf_counter() - started)
                    return status, location, body
                self.stats.error(kind, f"HTTP {status}")
            time.sleep(RETRY_WAIT * (attempt + 1))
        raise RequestFailed(f"{method} {path}: no answer after {ATTEMPTS} attempts")

    def send(self, method: str, path: str, form: dict[str, str] | None) -> tuple[int, str, str]:
        connection = http.client.HTTPConnection(HOST, self.port, timeout=TIMEOUT)
        headers = {"Host": f"{HOST}:{self.port}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        payload = None
        if form is not None:
            payload = urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=payload, headers=headers)
            response = connection.getresponse()
            body = response.read().decode("utf-8", "replace")
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, value = header.split(";", 1)[0].partition("=")
            self.cookies[name.strip()] = value.strip()
        location = response.headers.get("Location", "")
        # Flask gives absolute or relative Locations; the path is what the next request needs
        return response.status, re.sub(r"^https?://[^/]+", "", location), body


def csrf_token(page: str) -> str:
    match = CSRF_INPUT.search(page)
    if not match:
        raise RequestFailed("no CSRF token on the page")
    return match.group(1) or match.group(2)


# ---------------------------------------------------------------- residents


@dataclass
class Outcomes:
    lock: threading.Lock = field(default_factory=threading.Lock)
    receipts: dict[str, str] = field(default_factory=dict)  # receipt number → the marker written
    duplicate_receipts: list[str] = field(default_factory=list)
    sign_ups: dict[str, str] = field(default_factory=dict)  # e-mail → 申込完了 / キャンセル待ち / …
    lost: Counter[str] = field(
        default_factory=Counter
    )  # journeys given up: a resident saw no answer

    def receipt(self, number: str, marker: str) -> None:
        with self.lock:
            if number in self.receipts:
                self.duplicate_receipts.append(number)
            self.receipts[number] = marker


def comment_journey(browser: Browser, slug: str, outcomes: Outcomes) -> None:
    page = browser.request("form GET", "GET", f"/consultations/{slug}")[2]
    marker = uuid.uuid4().hex
    fields = {
        "csrf_token": csrf_token(page),
        "body": f"負荷試験の意見です。スマホ教室を増やしてください。{marker}",
    }
    status, _, confirm = browser.request(
        "confirm POST", "POST", f"/consultations/{slug}/confirm", fields
    )
    if status != 200:
        raise RequestFailed(f"confirm answered {status}")
    form = {name: html.unescape(value) for name, value in HIDDEN_INPUT.findall(confirm)}
    form["csrf_token"] = csrf_token(confirm)
    form["action"] = "submit"
    # a reload of the confirmation page's POST sends the same submission_token again
    status, location, _ = browser.request(
        "submit POST", "POST", f"/consultations/{slug}/comments", form
    )
    if status != 303:
        raise RequestFailed(f"submit answered {status}")
    receipt_page = browser.request("receipt GET", "GET", location)[2]
    number = RECEIPT_NO.search(receipt_page)
    if not number:
        raise RequestFailed("no receipt number on the receipt page")
    outcomes.receipt(number.group(1).strip(), marker)


def sign_up_journey(browser: Browser, workshop_id: int, outcomes: Outcomes) -> None:
    page = browser.request("sign-up form GET", "GET", f"/workshops/{workshop_id}")[2]
    email = f"resident-{uuid.uuid4().hex[:12]}@example.jp"
    form = {
        "csrf_token": csrf_token(page),
        "name": "負荷 試験",
        "furigana": "ふか しけん",
        "email": email,
    }
    status, location, body = browser.request(
        "sign-up POST", "POST", f"/workshops/{workshop_id}/register", form
    )
    if status != 303:
        # a retried POST whose first try was stored: the resident is told they are signed up
        answer = "申込済み" if "すでに" in body else f"HTTP {status}"
        with outcomes.lock:
            outcomes.sign_ups[email] = answer
        return
    page = browser.request("sign-up status GET", "GET", location)[2]
    status_line = RECEIPT_NO.search(page)
    answer = status_line.group(1) if status_line else "?"
    with outcomes.lock:
        outcomes.sign_ups[email] = (
            "キャンセル待ち" if answer.startswith("キャンセル待ち") else answer
        )


def resident(
    journey: Callable[[Browser], None],
    port: int,
    stats: Stats,
    outcomes: Outcomes,
    kind: str,
    stop: threading.Event,
) -> None:
    while not stop.is_set():
        try:
            journey(Browser(port, stats))  # each journey a new resident with a new session
        except RequestFailed as error:
            with outcomes.lock:
                outcomes.lost[f"{kind}: {error}"] += 1


# ---------------------------------------------------------------- servers


class Server:
    """A gunicorn master in its own process group, stopped with everything it forked."""

    def __init__(
        self,
        app: str,
        port: int,
        workers: int,
        env: dict[str, str],
        log: Path,
        *,
        recycle: bool = False,
    ) -> None:
        self.port = port
        self.log = log
        # without `recycle`, no restart during a short run: the only one is the one we cause
        recycling = {} if recycle else {"GUNICORN_MAX_REQUESTS": "0"}
        env = {
            **os.environ,
            **recycling,
            **env,
            "WEB_CONCURRENCY": str(workers),
            "GUNICORN_BIND": f"{HOST}:{port}",
            "GUNICORN_ACCESS_LOG": "",  # the bench counts requests itself
            "GUNICORN_LOG_LEVEL": "warning",
        }
        with log.open("ab") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"), app],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.wait_ready(workers)

    def wait_ready(self, workers: int) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(
                    f"gunicorn exited; see {self.log}:\n{self.log.read_text()[-3000:]}"
                )
            if len(self.workers()) >= workers:
                with suppress(OSError):
                    connection = http.client.HTTPConnection(HOST, self.port, timeout=5)
                    connection.request("GET", "/")
                    connection.getresponse().read()
                    connection.close()
                    return
            time.sleep(0.2)
        raise SystemExit(f"gunicorn did not start in 60 s; see {self.log}")

    def workers(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        with suppress(OSError):
            return [int(pid) for pid in children.read_text().split()]
        return []

    def busy_worker(self) -> tuple[int, str]:
        """A worker on the CPU, likely in the middle of a request: the case worth testing."""
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline:
            for pid in self.workers():
                with suppress(OSError):
                    # the state follows the command name in parentheses: R running, S sleeping
                    if Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "R":
                        return pid, "running"
            time.sleep(0.005)
        return random.choice(self.workers()), "state unknown"

    def stop(self) -> None:
        stop_group(self.process)


def stop_group(process: subprocess.Popen[bytes]) -> None:
    """A process started in a session of its own, with everything it forked (gunicorn's
    workers, an RQ worker's work horse) and nothing else: SIGTERM, then SIGKILL."""
    if process.poll() is not None:
        return
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(15)
    except subprocess.TimeoutExpired:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(5)


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


# ---------------------------------------------------------------- database


@dataclass
class Target:
    url: str  # machikoe's database
    bare_url: str  # the yardstick's database


@contextmanager
def databases(args: argparse.Namespace, workdir: Path) -> Iterator[Target]:
    if args.database_url:
        # the caller's database; the yardstick gets a table of its own in it
        yield Target(args.database_url, args.database_url)
        return
    if not args.postgres:
        yield Target(
            f"sqlite:///{workdir / 'instance' / 'machikoe.sqlite3'}",
            f"sqlite:///{workdir / 'bare.sqlite3'}",
        )
        return
    import psycopg

    names = [f"machikoe_bench_{uuid.uuid4().hex[:8]}", f"machikoe_bare_{uuid.uuid4().hex[:8]}"]
    with psycopg.connect(POSTGRES_SERVER, autocommit=True, connect_timeout=3) as admin:
        for name in names:
            admin.execute(f'CREATE DATABASE "{name}"')
    base = POSTGRES_SERVER.rsplit("/", 1)[0]
    try:
        yield Target(f"{base}/{names[0]}", f"{base}/{names[1]}")
    finally:
        with psycopg.connect(POSTGRES_SERVER, autocommit=True) as admin:
            for name in names:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def app_env(workdir: Path, url: str) -> dict[str, str]:
    return {
        "MACHIKOE_INSTANCE": str(workdir / "instance"),
        "DATABASE_URL": url,
        "SECRET_KEY": "bench-" + secrets.token_hex(16),
        "REDIS_URL": "",
        "MAIL_SERVER": "",
    }


@dataclass
class Scene:
    slug: str
    workshop_id: int
    seats: int


def prepare(env: dict[str, str], seats: int, districts: tuple[str, ...] = ()) -> Scene:
    """Migrations, one open consultation (asking for `districts`, if any) and one workshop
    with a waiting list, in-process."""
    os.environ.update(env)
    instance = Path(env["MACHIKOE_INSTANCE"])
    instance.mkdir(parents=True, exist_ok=True)
    # the limiter is right for real residents; hundreds of them share 127.0.0.1 here
    (instance / "config.py").write_text("RATELIMIT_ENABLED = False\n", encoding="utf-8")
    from flask_migrate import upgrade

    from workshop import create_app
    from workshop.consultations import services
    from workshop.extensions import db
    from workshop.models import WorkshopFormat
    from workshop.timeutil import TOKYO, today_tokyo
    from workshop.workshops.services import events

    app = create_app()
    with app.app_context():
        upgrade()
        today = today_tokyo()
        slug = f"load-{uuid.uuid4().hex[:8]}"
        services.create_consultation(
            services.ConsultationInput(
                slug=slug,
                title="負荷試験の意見募集",
                opens_on=today - timedelta(days=1),
                closes_on=today + timedelta(days=30),
                receipt_prefix="LT",
                districts=districts,
            )
        )
        starts = datetime.combine(today + timedelta(days=14), clock(13, 30), tzinfo=TOKYO)
        workshop = events.create_workshop(
            events.WorkshopInput(
                title="負荷試験のワークショップ",
                starts_at=starts,
                ends_at=starts + timedelta(hours=2),
                format=WorkshopFormat.IN_PERSON,
                capacity=seats,
                venue="市役所 大会議室",
            )
        )
        scene = Scene(slug, workshop.id, seats)
        db.engine.dispose()
    return scene


@dataclass
class Check:
    name: str
    passed: bool
    detail: str


def check_database(scene: Scene, outcomes: Outcomes) -> list[Check]:
    from sqlalchemy import func, select

    from workshop import create_app
    from workshop.extensions import db
    from workshop.models import Comment, Consultation, Registration, RegistrationStatus

    app = create_app()
    with app.app_context():
        consultation = db.session.scalars(
            select(Consultation).where(Consultation.slug == scene.slug)
        ).one()
        rows = db.session.execute(
            select(Comment.receipt_no, Comment.body).where(
                Comment.consultation_id == consultation.id
            )
        ).all()
        registrations = db.session.execute(
            select(Registration.email, Registration.status).where(
                Registration.workshop_id == scene.workshop_id
            )
        ).all()
        confirmed = db.session.scalar(
            select(func.count(Registration.id)).where(
                Registration.workshop_id == scene.workshop_id,
                Registration.status == RegistrationStatus.CONFIRMED,
            )
        )
        db.engine.dispose()
    counts = Counter(receipt for receipt, _ in rows)
    bodies = dict(rows)
    seen = outcomes.receipts
    missing = [r for r in seen if counts[r] == 0]
    twice = [r for r, n in counts.items() if n > 1] + outcomes.duplicate_receipts
    wrong_body = [r for r, marker in seen.items() if r in bodies and marker not in bodies[r]]
    unseen = [r for r in counts if r not in seen]
    by_email = {email: status for email, status in registrations}
    expected = {
        "申込完了": RegistrationStatus.CONFIRMED,
        "キャンセル待ち": RegistrationStatus.WAITLISTED,
    }
    mismatched = [
        email
        for email, answer in outcomes.sign_ups.items()
        if answer in expected and by_email.get(email) is not expected[answer]
    ]
    unanswered = [email for email in by_email if email not in outcomes.sign_ups]
    return [
        Check(
            "every receipt number seen exists exactly once",
            not missing and not twice,
            f"{len(seen)} seen; missing {len(missing)}, more than once {len(twice)}",
        ),
        Check(
            "each receipt holds what its resident wrote", not wrong_body, f"{len(wrong_body)} wrong"
        ),
        Check(
            "no comment without a receipt shown to its resident",
            not unseen,
            f"{len(rows)} comments in the database, {len(unseen)} never shown",
        ),
        Check(
            "confirmed seats never exceed capacity",
            (confirmed or 0) <= scene.seats,
            f"{confirmed} confirmed of {scene.seats} seats; {len(registrations)} sign-ups stored",
        ),
        Check(
            "every sign-up answer matches its row",
            not mismatched and not unanswered,
            f"{len(mismatched)} mismatched, {len(unanswered)} stored without an answer",
        ),
    ]


# ---------------------------------------------------------------- throughput


def submit_rate(
    port: int, slug: str | None, seconds: float, clients: int, latencies: list[float]
) -> float:
    """Successful comment POSTs a second: machikoe's submit (slug) or the yardstick's INSERT;
    the time each took is added to `latencies`."""
    stop = threading.Event()
    done = Counter[int]()
    lock = threading.Lock()

    def client(index: int) -> None:
        browser = Browser(port, Stats())
        form: dict[str, str] = {"body": "スループット測定の意見です。"}
        path = "/comments"
        if slug is not None:
            page = browser.request("form GET", "GET", f"/consultations/{slug}")[2]
            form |= {"csrf_token": csrf_token(page), "action": "submit"}
            path = f"/consultations/{slug}/comments"
        while not stop.is_set():
            # the server keeps no record of the tokens it hands out, so a client-made one is the
            # same request the confirmation page sends, without measuring the confirm step too
            form["submission_token"] = secrets.token_urlsafe(24)
            sent = time.perf_counter()
            status = browser.send("POST", path, form)[0]
            if status in (201, 303):
                with lock:
                    done[index] += 1
                    latencies.append(time.perf_counter() - sent)

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join(TIMEOUT)
    return sum(done.values()) / (time.perf_counter() - started)


# ---------------------------------------------------------------- report


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


def latency(values: list[float]) -> str:
    return (
        f"p50 {percentile(values, 0.5) * 1000:.0f} ms, p99 {percentile(values, 0.99) * 1000:.0f} ms"
    )


def print_latencies(stats: Stats) -> None:
    everything = [v for values in stats.latencies.values() for v in values]
    print(f"{'request':<22}{'count':>7}{'p50 ms':>9}{'p99 ms':>9}")
    for kind, values in [*sorted(stats.latencies.items()), ("all", everything)]:
        print(
            f"{kind:<22}{len(values):>7}{percentile(values, 0.5) * 1000:>9.0f}{percentile(values, 0.99) * 1000:>9.0f}"
        )


def run(args: argparse.Namespace) -> int:
    workdir = Path(tempfile.mkdtemp(prefix="machikoe-load-"))
    servers: list[Server] = []
    try:
        with databases(args, workdir) as target:
            env = app_env(workdir, target.url)
            scene = prepare(env, args.seats)
            backend = target.url.split(":", 1)[0]
            print(
                f"database: {backend}; instance: {workdir / 'instance'}; {os.cpu_count()} cores; "
                f"load average {os.getloadavg()[0]:.2f}"
            )
            app = Server(
                "workshop:create_app()",
                free_port(),
                args.workers,
                env,
                workdir / "machikoe.log",
                recycle=args.recycle,
            )
            servers.append(app)
            stats, outcomes, stop = Stats(), Outcomes(), threading.Event()
            commenters = max(1, args.residents * 2 // 3)
            journeys: list[tuple[str, Callable[[Browser], None]]] = [
                ("comment", lambda b: comment_journey(b, scene.slug, outcomes))
            ] * commenters + [
                ("sign-up", lambda b: sign_up_journey(b, scene.workshop_id, outcomes))
            ] * (args.residents - commenters)
            threads = [
                threading.Thread(
                    target=resident,
                    args=(journey, app.port, stats, outcomes, kind, stop),
                    daemon=True,
                )
                for kind, journey in journeys
            ]
            print(
                f"{len(journeys)} residents ({commenters} commenting, {len(journeys) - commenters} "
                f"signing up for {scene.seats} seats) for {args.duration:.0f} s on {args.workers} workers"
            )
            started = time.perf_counter()
            for thread in threads:
                thread.start()
            time.sleep(args.duration / 3)
            before = app.workers()
            victim, state = app.busy_worker()
            os.kill(victim, signal.SIGKILL)
            killed_at = time.perf_counter() - started
            replaced = ""
            while time.perf_counter() - started < args.duration:
                if not replaced:
                    new = set(app.workers()) - set(before)
                    if new:
                        replaced = f"replacement pid {min(new)} after {time.perf_counter() - started - killed_at:.1f} s"
                time.sleep(0.1)
            stop.set()
            for thread in threads:
                thread.join(TIMEOUT * ATTEMPTS)
            elapsed = time.perf_counter() - started
            print(
                f"SIGKILL worker pid {victim} ({state}) at {killed_at:.1f} s; "
                f"{replaced or 'no replacement seen'}"
            )
            errors = sum(stats.errors.values())
            print(
                f"requests {stats.requests} in {elapsed:.1f} s ({stats.requests / elapsed:.0f}/s); "
                f"errors {errors} (each retried: {dict(stats.errors) or 'none'}); "
                f"journeys given up {sum(outcomes.lost.values())} {dict(outcomes.lost) or ''}"
            )
            print(
                f"comments with a receipt {len(outcomes.receipts)}; sign-ups "
                f"{dict(Counter(outcomes.sign_ups.values()))}"
            )
            print_latencies(stats)
            checks = check_database(scene, outcomes)
            for check in checks:
                print(f"{'PASS' if check.passed else 'FAIL'}  {check.name}: {check.detail}")

            from bench.bare_app import create_schema

            create_schema(target.bare_url)
            bare = Server(
                "bench.bare_app:create_app()",
                free_port(),
                args.workers,
                {"BARE_DATABASE_URL": target.bare_url},
                workdir / "bare.log",
                recycle=args.recycle,
            )
            servers.append(bare)
            rates: dict[str, list[float]] = {"machikoe": [], "bare": []}
            latencies: dict[str, list[float]] = {"machikoe": [], "bare": []}
            # alternating rounds, so a neighbour's load on the shared machine hits both sides
            for _ in range(args.rounds):
                rates["machikoe"].append(
                    submit_rate(
                        app.port,
                        scene.slug,
                        args.throughput_seconds,
                        args.clients,
                        latencies["machikoe"],
                    )
                )
                rates["bare"].append(
                    submit_rate(
                        bare.port, None, args.throughput_seconds, args.clients, latencies["bare"]
                    )
                )
            ours, theirs = statistics.mean(rates["machikoe"]), statistics.mean(rates["bare"])
            print(
                f"comment POST throughput, {args.clients} clients, {args.rounds} × {args.throughput_seconds:.0f} s "
                f"each, alternating:"
            )
            print(
                f"  machikoe submit (CSRF, validation, receipt number, idempotency): {ours:.0f}/s "
                f"{[round(r) for r in rates['machikoe']]}, {latency(latencies['machikoe'])}"
            )
            print(
                f"  bare Flask + SQLAlchemy INSERT: {theirs:.0f}/s {[round(r) for r in rates['bare']]}, "
                f"{latency(latencies['bare'])}"
            )
            ratio = ours / theirs if theirs else float("nan")
            print(f"  ratio {ratio:.2f} ({'PASS' if ratio >= 0.4 else 'FAIL'}: aim at least 0.4)")
            p99 = percentile(latencies["machikoe"], 0.99) * 1000
            print(
                f"  submit p99 {p99:.0f} ms ({'PASS' if p99 < 200 else 'FAIL'}: aim under 200 ms)"
            )
            for server in servers:
                server.stop()
            return 0 if all(c.passed for c in checks) else 1
    finally:
        for server in servers:
            server.stop()
        if args.keep:
            print(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    database_options(parser)
    parser.add_argument("--residents", type=int, default=12, help="simulated residents (threads)")
    parser.add_argument("--duration", type=float, default=30, help="seconds of the crash phase")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (2 or more)")
    parser.add_argument("--seats", type=int, default=20)
    parser.add_argument("--clients", type=int, default=6, help="clients in the throughput phase")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--throughput-seconds", type=float, default=6)
    parser.add_argument("--keep", action="store_true", help="keep the instance folder and logs")
    parser.add_argument(
        "--recycle",
        action="store_true",
        help="workers restart every GUNICORN_MAX_REQUESTS requests (2000), as in production",
    )
    args = parser.parse_args(argv)
    if args.workers < 2:
        parser.error("--workers: at least 2, or killing one leaves nobody to answer")
    return run_until_stopped(run, args)


def database_options(parser: argparse.ArgumentParser) -> None:
    """--postgres or --database-url, for databases()."""
    where = parser.add_mutually_exclusive_group()
    where.add_argument(
        "--postgres", action="store_true", help=f"fresh databases on {POSTGRES_SERVER}"
    )
    where.add_argument("--database-url", help="an empty PostgreSQL database to use (kept)")


def run_until_stopped(run: Callable[[argparse.Namespace], int], args: argparse.Namespace) -> int:
    """run(args); SIGTERM (a CI timeout) unwinds like Ctrl-C, so the finally blocks stop
    what it started (gunicorn, workers) and drop the bench databases."""
    signal.signal(signal.SIGTERM, interrupt)
    try:
        return run(args)
    except KeyboardInterrupt:
        print("interrupted: servers stopped, bench databases dropped", file=sys.stderr)
        return 130


def interrupt(_signum: int, _frame: Any) -> None:
    raise KeyboardInterrupt


if __name__ == "__main__":
    sys.exit(main())
