"""A job process for tests/test_jobs.py: runs one analysis job whose work only waits, so the
test can kill it with SIGKILL mid-run, as a server restart or the OOM killer would.

Run as `python -m tests.job_child JOB_ID` with DATABASE_URL, SECRET_KEY and MACHIKOE_INSTANCE in
the environment, as workshop.jobs starts its own job processes.
"""

from __future__ import annotations

import sys
import time

from workshop import create_app, jobs
from workshop.models import Job, JobKind


def wait(_job: Job, progress: jobs.Progress) -> None:
    # a long job reporting as it goes, as the tokenizer does per chunk
    for step in range(600):
        progress(10, f"待っています（{step}）")
        time.sleep(0.2)


if __name__ == "__main__":
    app = create_app()
    jobs.register(JobKind.ANALYSIS, wait)  # in this process only, over the real runner
    with app.app_context():
        jobs.run_job(int(sys.argv[1]))
