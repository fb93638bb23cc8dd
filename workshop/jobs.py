"""Background jobs: RQ on Redis when REDIS_URL is set, else a separate local process.

A web worker only records the job and hands it on; it never runs an analysis itself.
Progress and errors are written to the job's row, so any web server can show them.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import Flask, current_app
from sqlalchemy import update

from workshop.errors import DomainError, NotFound
from workshop.extensions import db
from workshop.models import Job, JobStatus, utcnow

log = logging.getLogger(__name__)

QUEUE_NAME = "machikoe"
Progress = Callable[[int, str], None]
JobFunction = Callable[[Job, Progress], int | None]
REGISTRY: dict[str, JobFunction] = {}


def job_kind(name: str) -> Callable[[JobFunction], JobFunction]:
    def register(function: JobFunction) -> JobFunction:
        REGISTRY[name] = function
        return function

    return register


def mode(app: Flask) -> str:
    configured = app.config.get("JOBS_MODE", "auto")
    if configured != "auto":
        return str(configured)
    return "rq" if app.config.get("REDIS_URL") else "process"


def enqueue(
    kind: str,
    *,
    consultation_id: int | None = None,
    params: dict[str, Any] | None = None,
    staff_id: int | None = None,
    how: str | None = None,
) -> Job:
    """Record a job and hand it on; `how` overrides the configured mode (the CLI runs inline)."""
    if kind not in REGISTRY:
        raise ValueError(f"unknown job kind {kind!r}")
    job = Job(
        kind=kind, consultation_id=consultation_id, params=params or {}, created_by_id=staff_id
    )
    job.message = "順番を待っています"
    db.session.add(job)
    db.session.commit()
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    how = how or mode(app)
    if how == "rq":
        queue_for(app).enqueue(run_in_worker, job.id, job_timeout=3600, result_ttl=0)
    elif how == "process":
        start_process(app, job.id)
    else:
        run_job(job.id)
    return job


def queue_for(app: Flask) -> Any:
    from redis import Redis
    from rq import Queue

    return Queue(QUEUE_NAME, connection=Redis.from_url(app.config["REDIS_URL"]))


def child_environment(app: Flask) -> dict[str, str]:
    """The child process opens the same database and instance folder as this app."""
    env = dict(os.environ)
    env["DATABASE_URL"] = app.config["DATABASE_URL"]
    env["SECRET_KEY"] = app.config["SECRET_KEY"]
    env["MACHIKOE_INSTANCE"] = app.instance_path
    return env


def start_process(app: Flask, job_id: int) -> None:
    logs = Path(app.instance_path) / "jobs"
    logs.mkdir(parents=True, exist_ok=True)
    with open(logs / f"job-{job_id}.log", "ab") as output:
        subprocess.Popen(
            [sys.executable, "-m", "workshop.jobs", str(job_id)],
            env=child_environment(app),
            stdout=output,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # outlives the request and the web worker that started it
        )


def set_state(job_id: int, **values: Any) -> None:
    # its own short transaction, so the staff page sees progress while the job works
    with db.engine.begin() as connection:
        connection.execute(update(Job).where(Job.id == job_id).values(**values))


def run_job(job_id: int) -> None:
    job = db.session.get(Job, job_id)
    if job is None:
        raise NotFound(f"job {job_id} not found")
    if job.status is not JobStatus.QUEUED:
        return  # already taken: a retried delivery must not run it twice
    set_state(job_id, status=JobStatus.RUNNING, started_at=utcnow(), message="始めました")

    def progress(percent: int, message: str) -> None:
        set_state(job_id, progress=max(0, min(100, percent)), message=message[:200])

    try:
        result_id = REGISTRY[job.kind](job, progress)
    except DomainError as error:
        db.session.rollback()
        fail(job_id, error.message)
    except Exception as error:  # a job must never fail silently: staff see what happened
        db.session.rollback()
        log.exception("job %s failed", job_id)
        fail(job_id, f"処理中にエラーが起きました（{type(error).__name__}: {error}）")
        current_app.logger.error(traceback.format_exc())
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


def run_in_worker(job_id: int) -> None:
    """Entry point in an RQ worker or a child process: a fresh app from the environment."""
    from workshop import create_app

    app = create_app()
    with app.app_context():
        import_job_modules()
        run_job(job_id)


def import_job_modules() -> None:
    # the job functions register themselves on import
    import workshop.themes.services  # noqa: F401


def get_job(job_id: int) -> Job:
    job = db.session.get(Job, job_id)
    if job is None:
        raise NotFound("この処理は見つかりません。")
    return job


if __name__ == "__main__":
    # run as `python -m workshop.jobs`, this file is __main__: use the real module's registry
    from workshop.jobs import run_in_worker as entry

    entry(int(sys.argv[1]))
