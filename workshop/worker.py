"""What an RQ worker runs for each job: a fresh app from the environment, then the job.

RQ finds this function by its name (`jobs.RQ_ENTRY`), so jobs.py hands jobs on without
importing the app; create_app() registers every job kind's runner before the job runs.
"""

from __future__ import annotations

from workshop import create_app, jobs


def run(job_id: int) -> None:
    app = create_app()
    with app.app_context():
        jobs.run_job(job_id)
