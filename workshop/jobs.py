"""Background jobs: RQ on Redis when REDIS_URL is set, else a separate local process
(`flask jobs run JOB_ID`).

A web worker only records the job and hands it on; it never runs an analysis itself.
Progress and errors are written to the job's row, so any web server can show them.
Each progress report is also the job's heartbeat (job functions report at least every few
seconds, the tokenizer per chunk); `sweep_stale` fails a job whose runner died (process killed,
server restarted, RQ job lost), so it never stays 処理中 or 順番待ち for ever and never blocks
the next analysis. No heartbeat thread: the tokenizer forks a process pool, and forking a
process that has other threads can deadlock the children.
"""

from __future__ import annotations

import functools
import logging
import os
import socket
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy import select, update

from workshop.errors import DomainError, NotFound
from workshop.extensions import db
from workshop.labels import JOB_STATUS
from workshop.models import Job, JobKind, JobStatus, utcnow
from workshop.transaction import transaction

log = logging.getLogger(__name__)

QUEUE_NAME = "machikoe"
# a page waits this long at most for Redis before it says the queue cannot be reached
REDIS_TIMEOUT_SECONDS = 2
# an RQ worker runs this for a job: it creates the app, which registers the runners
RQ_ENTRY = "workshop.worker.run"
Progress = Callable[[int, str], None]
JobFunction = Callable[[Job, Progress], int | None]
# filled at app creation (create_app registers each feature's runners): this module imports
# no feature, and a job process or RQ worker creates the app, so it finds them too
REGISTRY: dict[JobKind, JobFunction] = {}


class JobParams(Protocol):
    """What a job of one kind is asked (AnalysisParams, ImportParams), kept as JSON on the job."""

    def to_json(self) -> dict[str, Any]: ...


def register(kind: JobKind, function: JobFunction) -> None:
    REGISTRY[kind] = function


# files with residents' data that jobs and uploads leave in instance/ for a while (an Excel
# export, an upload waiting for its column step): each feature registers how to remove its
# own once expired, and `jobs sweep` (cron) runs them; a function returns the number removed
CLEANERS: dict[str, Callable[[], int]] = {}


def register_cleaner(name: str, function: Callable[[], int]) -> None:
    CLEANERS[name] = function


def mode(app: Flask) -> str:
    configured = app.config.get("JOBS_MODE", "auto")
    if configured != "auto":
        return str(configured)
    return "rq" if app.config.get("REDIS_URL") else "process"


def enqueue(
    kind: JobKind,
    *,
    consultation_id: int | None = None,
    params: JobParams | None = None,
    staff_id: int | None = None,
    how: str | None = None,
) -> Job:
    """Record a job and hand it on; `how` overrides the configured mode (the CLI runs inline)."""
    if kind not in REGISTRY:
        raise ValueError(f"no runner registered for job kind {kind!r}")
    job = Job(
        kind=kind,
        consultation_id=consultation_id,
        params=params.to_json() if params is not None else {},
        created_by_id=staff_id,
    )
    job.message = "順番を待っています"
    with transaction():
        db.session.add(job)
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    how = how or mode(app)
    try:
        runner = hand_on(app, job.id, how)
    except Exception as error:  # Redis down, no process could start: say so on the job at once
        log.exception("job %s could not be handed on", job.id)
        fail(job.id, f"処理を始められませんでした（{type(error).__name__}: {error}）")
        db.session.refresh(job)
        return job
    if runner is not None:
        set_state(job.id, runner=runner)
    db.session.refresh(job)
    return job


def hand_on(app: Flask, job_id: int, how: str) -> str | None:
    """Start the job the way asked; the runner's name is returned before it can finish."""
    if how == "rq":
        rq_job = queue_for(app).enqueue(RQ_ENTRY, job_id, job_timeout=3600, result_ttl=0)
        return f"rq:{rq_job.id}"
    if how == "process":
        return f"process:{socket.gethostname()}:{start_process(app, job_id)}"
    set_state(job_id, runner="inline")
    run_job(job_id)
    return None


@functools.cache
def redis_client(url: str) -> Any:
    """One client, and so one connection pool, per Redis URL and process: a planner's page asks
    for a job's status every few seconds. redis-py starts a new pool in a forked child itself."""
    from redis import Redis

    return Redis.from_url(url, socket_timeout=REDIS_TIMEOUT_SECONDS)


def queue_for(app: Flask) -> Any:
    from rq import Queue

    return Queue(QUEUE_NAME, connection=redis_client(app.config["REDIS_URL"]))


def child_environment(app: Flask) -> dict[str, str]:
    """The child process opens the same database and instance folder as this app."""
    env = dict(os.environ)
    env["DATABASE_URL"] = app.config["DATABASE_URL"]
    env["SECRET_KEY"] = app.config["SECRET_KEY"]
    env["MACHIKOE_INSTANCE"] = app.instance_path
    return env


def start_process(app: Flask, job_id: int) -> int:
    logs = Path(app.instance_path) / "jobs"
    logs.mkdir(parents=True, exist_ok=True)
    with open(logs / f"job-{job_id}.log", "ab") as output:
        child = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "workshop", "jobs", "run", str(job_id)],
            env=child_environment(app),
            stdout=output,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # outlives the request and the web worker that started it
        )
    return child.pid


def set_state(job_id: int, **values: Any) -> None:
    # its own short transaction, so the staff page sees progress while the job works
    with db.engine.begin() as connection:
        connection.execute(update(Job).where(Job.id == job_id).values(**values))


def claim(job_id: int) -> bool:
    """Queued → running in one UPDATE: of two deliveries of the same job, only one runs it."""
    now = utcnow()
    with db.engine.begin() as connection:
        result = connection.execute(
            update(Job)
            .where(Job.id == job_id, Job.status == JobStatus.QUEUED)
            .values(
                status=JobStatus.RUNNING, started_at=now, heartbeat_at=now, message="始めました"
            )
        )
    return result.rowcount == 1


def run_job(job_id: int) -> None:
    job = db.session.get(Job, job_id)
    if job is None:
        raise NotFound(f"job {job_id} not found")
    if not claim(job_id):
        return  # already taken, finished or swept: a retried delivery must not run it twice
    db.session.refresh(job)

    def progress(percent: int, message: str) -> None:
        set_state(
            job_id,
            progress=max(0, min(100, percent)),
            message=message[:200],
            heartbeat_at=utcnow(),
        )

    try:
        with transaction():  # what the job wrote is kept only if it finishes
            result_id = REGISTRY[job.kind](job, progress)
    except DomainError as error:
        fail(job_id, error.message)
    except Exception as error:  # a job must never fail silently: staff see what happened
        log.exception("job %s failed", job_id)
        fail(job_id, f"処理中にエラーが起きました（{type(error).__name__}: {error}）")
    else:
        set_state(
            job_id,
            status=JobStatus.DONE,
            progress=100,
            message="終わりました",
            result_id=result_id,
            finished_at=utcnow(),
        )


def fail(job_id: int, message: str) -> None:
    set_state(
        job_id,
        status=JobStatus.FAILED,
        message="失敗しました",
        error=message[:4000],
        finished_at=utcnow(),
    )


# ---------------------------------------------------------------- jobs whose runner died


@dataclass(frozen=True)
class Stale:
    job_id: int
    reason: str


def sweep_stale(consultation_id: int | None = None) -> list[Stale]:
    """Fail the jobs whose runner is gone; called when staff look at jobs and by `jobs sweep`.

    Running: no heartbeat for JOB_STALE_SECONDS. Queued: its local process has exited, its RQ
    job is gone or failed, or nothing took it for JOB_QUEUED_STALE_SECONDS.
    """
    stmt = select(Job).where(Job.status.in_([JobStatus.QUEUED, JobStatus.RUNNING]))
    if consultation_id is not None:
        stmt = stmt.where(Job.consultation_id == consultation_id)
    swept = []
    now = utcnow()
    for job in db.session.scalars(stmt).all():
        reason = stale_reason(job, now)
        if reason is None:
            continue
        # only if nothing changed since we looked: a job that just beat or finished stays
        with db.engine.begin() as connection:
            result = connection.execute(
                update(Job)
                .where(
                    Job.id == job.id,
                    Job.status == job.status,
                    Job.heartbeat_at.is_(None)
                    if job.heartbeat_at is None
                    else Job.heartbeat_at == job.heartbeat_at,
                )
                .values(
                    status=JobStatus.FAILED,
                    message="失敗しました",
                    error=reason,
                    finished_at=now,
                )
            )
        if result.rowcount == 1:
            log.warning("job %s swept: %s", job.id, reason)
            swept.append(Stale(job.id, reason))
    if swept:
        db.session.expire_all()
    return swept


def stale_reason(job: Job, now: datetime) -> str | None:
    config = current_app.config
    if job.status is JobStatus.RUNNING:
        last = job.heartbeat_at or job.started_at or job.created_at
        if now - last > timedelta(seconds=float(config["JOB_STALE_SECONDS"])):
            return (
                f"処理が途中で止まりました（{minutes_since(last, now)}分間応答がありません。"
                "サーバーの再起動などが考えられます）。もう一度実行してください。"
            )
        return None
    runner = job.runner or ""
    kind, _, where = runner.partition(":")
    if kind == "process":
        host, _, pid = where.rpartition(":")
        if host == socket.gethostname() and pid.isdigit() and not process_alive(int(pid)):
            return "処理を始める前に処理用のプロセスが終了しました。もう一度実行してください。"
    elif kind == "rq":
        state = rq_state(where)
        if state in ("missing", "failed", "stopped", "canceled"):
            return f"処理の順番待ちの列から消えました（RQ: {state}）。もう一度実行してください。"
    waited = now - job.created_at
    if waited > timedelta(seconds=float(config["JOB_QUEUED_STALE_SECONDS"])):
        return (
            f"{minutes_since(job.created_at, now)}分待っても処理が始まりませんでした"
            "（処理用のワーカーが動いているか確かめてください）。"
        )
    return None


def minutes_since(then: datetime, now: datetime) -> int:
    return max(1, int((now - then).total_seconds() // 60))


def process_alive(pid: int) -> bool:
    """Alive and not a zombie (a child that exited but was not yet reaped by its parent)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True
    return state not in ("Z", "X")


def rq_state(rq_job_id: str) -> str | None:
    """RQ's own status of the job, "missing" if Redis no longer has it, None if Redis is down."""
    url = current_app.config.get("REDIS_URL")
    if not url:
        return None
    from redis.exceptions import RedisError
    from rq.exceptions import NoSuchJobError
    from rq.job import Job as RQJob

    try:
        rq_job = RQJob.fetch(rq_job_id, connection=redis_client(url))
        status = rq_job.get_status(refresh=False)
    except NoSuchJobError:
        return "missing"
    except RedisError:
        return None
    return str(getattr(status, "value", status))


@click.group("jobs")
def jobs_cli() -> None:
    """Background jobs."""


@jobs_cli.command("sweep")
@with_appcontext
def sweep_command() -> None:
    """Mark jobs whose runner died as failed, and remove expired files with residents' data
    (run it from cron, e.g. every 5 minutes)."""
    swept = sweep_stale()
    for stale in swept:
        click.echo(f"job {stale.job_id}: {stale.reason}")
    click.echo(f"{len(swept)} stale job(s) marked failed")
    for name, clean in CLEANERS.items():
        click.echo(f"{name}: {clean()} expired file(s) removed")


@jobs_cli.command("run")
@with_appcontext
@click.argument("job_id", type=int)
def run_command(job_id: int) -> None:
    """Run one queued job here (the local job process started for it runs this)."""
    run_job(job_id)


def get_job(job_id: int) -> Job:
    job = db.session.get(Job, job_id)
    if job is None:
        raise NotFound("この処理は見つかりません。")
    return job


def consultation_job(consultation_id: int, job_id: int, *kinds: JobKind) -> Job:
    """A job of the consultation, of one of `kinds` (any if none), for the staff job pages."""
    sweep_stale(consultation_id)  # a job whose runner died shows 失敗, not 処理中 for ever
    job = get_job(job_id)
    if job.consultation_id != consultation_id or (kinds and job.kind not in kinds):
        raise NotFound("この処理は見つかりません。")
    return job


def status(job: Job) -> dict[str, Any]:
    """What a job page's script polls for (static/js/job-progress.js)."""
    return {
        "id": job.id,
        "status": job.status.value,
        "status_label": JOB_STATUS[job.status],
        "progress": job.progress,
        "message": job.message,
        "error": job.error,
        "result_id": job.result_id,
    }
