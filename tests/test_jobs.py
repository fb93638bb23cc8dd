"""Background jobs whose runner dies: heartbeats, the stale-job sweep, one run per job."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask

from tests.conftest import free_port, post_form, redis_url, service_unavailable
from workshop import jobs
from workshop.extensions import db
from workshop.models import Job, JobKind, JobStatus, Role, utcnow
from workshop.themes import services as themes

ROOT = Path(__file__).resolve().parent.parent


def new_job(consultation_id: int | None = None, kind: JobKind = JobKind.TOKENS, **values) -> Job:
    job = Job(kind=kind, consultation_id=consultation_id, message="順番を待っています", **values)
    db.session.add(job)
    db.session.commit()
    return job


def status_of(job_id: int) -> Job:
    db.session.expire_all()
    job = db.session.get(Job, job_id)
    assert job is not None
    return job


def start_child(app: Flask, job_id: int) -> subprocess.Popen[bytes]:
    env = {**jobs.child_environment(app), "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-m", "tests.job_child", str(job_id)], env=env, cwd=ROOT
    )


def wait_for(job_id: int, predicate, seconds: float = 60) -> Job:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job = status_of(job_id)
        if predicate(job):
            return job
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} never reached the state: {status_of(job_id).status}")


@pytest.mark.both_dbs
def test_a_killed_job_process_is_failed_by_the_sweep_and_no_longer_blocks(app, make_consultation):
    app.config["JOB_STALE_SECONDS"] = 1.5
    consultation = make_consultation()
    job = new_job(consultation.id, kind=JobKind.ANALYSIS)
    child = start_child(app, job.id)
    try:
        started = wait_for(job.id, lambda j: j.status is JobStatus.RUNNING and j.progress == 10)
        first_beat = started.heartbeat_at
        # alive: its progress reports keep it fresh across more than one stale period
        time.sleep(2.5)
        assert jobs.sweep_stale() == []
        alive = status_of(job.id)
        assert alive.status is JobStatus.RUNNING
        assert alive.heartbeat_at > first_beat
        assert themes.running_job(consultation.id) is not None  # a new analysis waits for it
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait(10)
    # no heartbeat for longer than JOB_STALE_SECONDS: swept, the planner can analyse again
    # (polled: on a loaded machine the killed child's last beat may land late)
    deadline = time.monotonic() + 15
    while themes.running_job(consultation.id) is not None and time.monotonic() < deadline:
        time.sleep(0.5)
    assert themes.running_job(consultation.id) is None
    dead = status_of(job.id)
    assert dead.status is JobStatus.FAILED
    assert "途中で止まりました" in dead.error and dead.finished_at is not None


def test_a_job_process_that_exits_before_starting_is_failed(app, make_consultation, monkeypatch):
    consultation = make_consultation()
    # the job process dies at once (here: the interpreter it should run is missing its module)
    monkeypatch.setattr(sys, "executable", "/bin/false")
    job = jobs.enqueue(JobKind.TOKENS, consultation_id=consultation.id, how="process")
    _, _, pid = job.runner.rpartition(":")
    assert job.status is JobStatus.QUEUED and pid.isdigit()
    deadline = time.monotonic() + 10
    while jobs.process_alive(int(pid)) and time.monotonic() < deadline:
        time.sleep(0.05)
    [stale] = jobs.sweep_stale(consultation.id)
    assert stale.job_id == job.id
    assert "始める前に" in status_of(job.id).error


def test_a_queued_job_with_a_live_process_is_left_alone(app, make_consultation):
    consultation = make_consultation()
    sleeper = subprocess.Popen(["sleep", "30"])
    try:
        runner = f"process:{os.uname().nodename}:{sleeper.pid}"
        job = new_job(consultation.id, runner=runner)
        assert jobs.sweep_stale() == []
        assert status_of(job.id).status is JobStatus.QUEUED
    finally:
        sleeper.kill()
        sleeper.wait()
    assert [s.job_id for s in jobs.sweep_stale()] == [job.id]


def test_a_job_nobody_took_is_failed_after_the_queue_limit(app, make_consultation):
    consultation = make_consultation()
    waited = utcnow() - timedelta(seconds=app.config["JOB_QUEUED_STALE_SECONDS"] + 60)
    old = new_job(consultation.id, created_at=waited, runner="process:another-server:4242")
    fresh = new_job(consultation.id, runner="process:another-server:4243")
    swept = jobs.sweep_stale()
    assert [s.job_id for s in swept] == [old.id]
    assert "分待っても処理が始まりませんでした" in status_of(old.id).error
    assert status_of(fresh.id).status is JobStatus.QUEUED


def test_a_finished_job_is_never_swept(app, make_consultation):
    consultation = make_consultation()
    long_ago = utcnow() - timedelta(days=3)
    done = new_job(consultation.id, status=JobStatus.DONE, created_at=long_ago)
    assert jobs.sweep_stale() == []
    assert status_of(done.id).status is JobStatus.DONE


def test_two_deliveries_of_one_job_run_it_once(app, monkeypatch):
    runs: list[int] = []

    def count_runs(job: Job, _progress: jobs.Progress) -> None:
        runs.append(job.id)
        time.sleep(0.2)  # long enough for a second delivery to arrive while the first runs

    monkeypatch.setitem(jobs.REGISTRY, JobKind.TOKENS, count_runs)
    job = new_job()

    def deliver() -> None:
        with app.app_context():
            jobs.run_job(job.id)
            db.session.remove()

    threads = [threading.Thread(target=deliver) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert runs == [job.id]
    assert status_of(job.id).status is JobStatus.DONE


def test_a_failing_job_tells_staff_and_logs_its_traceback_once(app, monkeypatch, caplog):
    def break_down(_job: Job, _progress: jobs.Progress) -> None:
        raise RuntimeError("the disk is full")

    monkeypatch.setitem(jobs.REGISTRY, JobKind.TOKENS, break_down)
    job = new_job()
    with caplog.at_level(logging.ERROR):
        jobs.run_job(job.id)
    failed = status_of(job.id)
    assert failed.status is JobStatus.FAILED
    assert "RuntimeError: the disk is full" in failed.error
    assert caplog.text.count("Traceback (most recent call last)") == 1
    assert f"job {job.id} failed" in caplog.text


def test_every_job_kind_has_a_runner_once_the_app_exists(app):
    assert set(jobs.REGISTRY) == set(JobKind)


def test_a_job_process_runs_the_job_it_was_started_for(app, make_consultation):
    consultation = make_consultation()
    job = jobs.enqueue(JobKind.TOKENS, consultation_id=consultation.id, how="process")
    done = wait_for(job.id, lambda j: j.status in (JobStatus.DONE, JobStatus.FAILED))
    assert done.status is JobStatus.DONE, done.error


def test_redis_down_fails_the_job_at_once_with_a_message(app, make_consultation):
    consultation = make_consultation()
    app.config["REDIS_URL"] = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    job = jobs.enqueue(JobKind.TOKENS, consultation_id=consultation.id, how="rq")
    assert job.status is JobStatus.FAILED
    assert "処理を始められませんでした" in job.error
    assert themes.running_job(consultation.id) is None


def reachable_redis(url: str = redis_url(14)) -> str:
    from redis import Redis
    from redis.exceptions import ConnectionError as RedisDown

    try:
        Redis.from_url(url, socket_connect_timeout=2).ping()
    except RedisDown as error:
        service_unavailable(f"Redis not reachable: {error}")
    return url


def test_a_job_lost_from_redis_is_failed(app, make_consultation):
    from redis import Redis
    from rq import Queue

    url = reachable_redis()
    consultation = make_consultation()
    app.config["REDIS_URL"] = url
    queue = Queue(jobs.QUEUE_NAME, connection=Redis.from_url(url))
    queue.empty()
    job = jobs.enqueue(JobKind.TOKENS, consultation_id=consultation.id, how="rq")
    assert job.runner.startswith("rq:") and queue.count == 1
    assert jobs.sweep_stale() == []  # waiting in Redis: fine
    queue.empty()  # Redis restarted without its data, or someone flushed it
    [stale] = jobs.sweep_stale()
    assert stale.job_id == job.id and "RQ: missing" in stale.reason


def test_watching_a_queued_job_does_not_open_a_redis_connection_per_poll(
    app, client, login, make_consultation
):
    """The job page asks for the status every few seconds while a planner waits."""
    from redis import Redis
    from rq import Queue

    url = reachable_redis()
    consultation = make_consultation()
    app.config["REDIS_URL"] = url
    Queue(jobs.QUEUE_NAME, connection=Redis.from_url(url)).empty()
    job = jobs.enqueue(JobKind.TOKENS, consultation_id=consultation.id, how="rq")
    login(Role.PLANNER)
    path = f"/staff/consultations/{consultation.id}/themes/jobs/{job.id}.json"
    server = Redis.from_url(url)
    before = server.info("stats")["total_connections_received"]
    for _ in range(20):
        assert client.get(path).get_json()["status"] == "queued"
    opened = server.info("stats")["total_connections_received"] - before
    # one for this test's own INFO client, at most one more for the app's pool
    assert opened <= 2, f"{opened} connections for 20 polls"


def test_job_page_shows_a_dead_job_as_failed(app, client, login, make_consultation):
    consultation = make_consultation()
    silent = utcnow() - timedelta(seconds=app.config["JOB_STALE_SECONDS"] + 60)
    job = new_job(
        consultation.id,
        kind=JobKind.ANALYSIS,
        status=JobStatus.RUNNING,
        started_at=silent,
        heartbeat_at=silent,
        runner="rq:gone",
    )
    login(Role.PLANNER)
    status = client.get(f"/staff/consultations/{consultation.id}/themes/jobs/{job.id}.json")
    assert status.get_json()["status"] == "failed"
    page = client.get(f"/staff/consultations/{consultation.id}/themes/jobs/{job.id}")
    assert "途中で止まりました" in page.get_data(as_text=True)
    # and the planner can start a new analysis straight away
    response = post_form(
        client, f"/staff/consultations/{consultation.id}/themes/analyze", {"k": "0"}
    )
    assert response.status_code != 409


def test_sweep_command_reports_what_it_failed(app, make_consultation):
    consultation = make_consultation()
    silent = utcnow() - timedelta(hours=1)
    job = new_job(consultation.id, status=JobStatus.RUNNING, started_at=silent)
    result = app.test_cli_runner().invoke(args=["jobs", "sweep"])
    assert result.exit_code == 0, result.output
    assert f"job {job.id}:" in result.output and "1 stale job(s) marked failed" in result.output
    again = app.test_cli_runner().invoke(args=["jobs", "sweep"])
    assert "0 stale job(s)" in again.output
