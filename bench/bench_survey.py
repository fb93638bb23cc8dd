"""A city-scale questionnaire: import, per-question charts, a cross tab, the results page.

    python bench/bench_survey.py                 # 5,000 then 50,000 responses, new SQLite files
    python bench/bench_survey.py --sizes 5000    # one size
    python bench/bench_survey.py --postgres      # on new databases of the PostgreSQL server

For each size, on a new database: the demo's DX questionnaire (workshop/demo_data/survey.py:
11 questions and the free-text comment, 12 in all) and N generated responses written as a
LINE export (UTF-8 with BOM), imported through the real import (`comments import
--question ...`: every answer checked by the questionnaire's rules). Printed:

- the import, and a baseline measured in the same run: the same file read with the csv
  module and its comments inserted in bulk with no checks and no answers;
- the per-question results (every count and summary the results page shows, in SQL) and
  their SVG charts;
- a cross tab of two questions, with its chart;
- the staff results page (アンケート集計) rendered through the test client, with a planner
  logged in;
- how much the import raised the process's peak memory (maxrss), and the peak Python memory
  (tracemalloc) of rendering the page.

Aim: the results page under 2 s at 50,000 responses.
"""

from __future__ import annotations

import argparse
import csv
import os
import re
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_pages import create_postgres_database

SLUG = "bench-survey"
PLANNER = "planner@example.jp"
PASSWORD = "bench-password-1"
CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


def timed(function: Callable[[], Any], runs: int = 1) -> tuple[float, Any]:
    """The median of `runs` runs in seconds, and the last result."""
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def peak_of(function: Callable[[], Any]) -> tuple[float, Any]:
    """Peak Python memory in MB while `function` runs."""
    tracemalloc.start()
    try:
        result = function()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak / 1e6, result


def log_in(client: Any) -> None:
    page = client.get("/staff/login").get_data(as_text=True)
    token = CSRF.search(page)
    assert token, "no CSRF token on the login page"
    response = client.post(
        "/staff/login", data={"csrf_token": token.group(1), "email": PLANNER, "password": PASSWORD}
    )
    assert response.status_code in (302, 303), response.status_code


def run_size(n: int, url: str, folder: Path) -> dict[str, float]:
    from sqlalchemy import insert

    from workshop import create_app
    from workshop.auth import services as auth_services
    from workshop.consultations import imports, services
    from workshop.demo_data import survey
    from workshop.extensions import db
    from workshop.models import Channel, Comment, Role
    from workshop.questionnaires.services import apply_questionnaire, parse_file
    from workshop.results.services import questionnaire
    from workshop.timeutil import today_tokyo

    app = create_app(
        {"DATABASE_URL": url, "SECRET_KEY": "bench", "JOBS_MODE": "inline", "TESTING": False}
    )
    path = folder / f"survey-{n}.csv"
    survey.write_csv(path, survey.generate(n))
    raw = path.read_bytes()
    figures: dict[str, float] = {}
    with app.app_context():
        db.create_all()
        auth_services.create_user(PLANNER, PASSWORD, Role.PLANNER, "企画（ベンチ）")
        today = today_tokyo()

        def new_round(slug: str, prefix: str) -> Any:
            consultation, _ = services.create_consultation(
                services.ConsultationInput(
                    slug=slug,
                    title="デジタル化についての市民アンケート（ベンチ）",
                    opens_on=today - timedelta(days=30),
                    closes_on=today + timedelta(days=30),
                    receipt_prefix=prefix,
                )
            )
            return consultation

        consultation_id = new_round(SLUG, "BS").id
        apply_questionnaire(consultation_id, parse_file(survey.questionnaire()))
        baseline_id = new_round("bench-baseline", "BB").id

        def baseline() -> int:
            # the least an import does: read the file, insert its comments in bulk
            rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))[1:]
            at = survey.HEADER.index(survey.TEXT_COLUMN)
            values = [
                {
                    "consultation_id": baseline_id,
                    "body": row[at],
                    "channel": Channel.LINE,
                    "received_on": today,
                    "receipt_no": f"BB-{number}",
                    "external_id": row[0],
                    "extra": {},
                }
                for number, row in enumerate(rows)
            ]
            for start in range(0, len(values), imports.INSERT_BATCH):
                db.session.execute(insert(Comment), values[start : start + imports.INSERT_BATCH])
            db.session.commit()
            return len(values)

        figures["baseline s"], _ = timed(baseline)
        mapping = imports.Mapping(
            text_column=survey.TEXT_COLUMN,
            id_column="回答ID",
            questions=dict(survey.QUESTION_COLUMNS),
        )

        def do_import() -> Any:
            return imports.import_comments(SLUG, raw, mapping, channel=Channel.LINE)

        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        figures["import s"], report = timed(do_import)
        # the process's peak (KB on Linux): what the import added to it
        figures["import MB"] = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1e3
        assert report.imported == n, report.summary
        db.session.remove()

        def question_charts() -> list[Any]:
            # what the staff results page builds per question: the counts (SQL), then the SVG
            results = questionnaire.question_results(consultation_id)
            return [(result, result.chart()) for result in results]

        figures["questions s"], results = timed(question_charts, runs=3)
        assert len(results) == 11 and sum(chart is not None for _, chart in results) >= 9

        def cross_tab() -> Any:
            tab = questionnaire.cross_tab(consultation_id, "smartphone", "satisfaction")
            return questionnaire.charts.cross_tab_chart(tab)

        figures["cross tab s"], _ = timed(cross_tab, runs=3)
    client = app.test_client()
    log_in(client)
    page = f"/staff/consultations/{consultation_id}/results/questions"

    def render() -> int:
        response = client.get(page)
        assert response.status_code == 200, response.status_code
        return len(response.get_data())

    figures["page s"], size = timed(render, runs=3)
    figures["page MB"], _ = peak_of(render)
    cross = page + "?row=smartphone&column=satisfaction"
    figures["page with cross tab s"], _ = timed(
        lambda: client.get(cross).status_code == 200 or sys.exit("cross tab page failed"), runs=3
    )
    figures["page KB"] = size / 1000
    with app.app_context():
        db.engine.dispose()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="5000,50000", help="responses, comma-separated")
    parser.add_argument(
        "--postgres",
        nargs="?",
        const="postgresql://postgres@127.0.0.1:5432/test",
        help="run on new databases of this PostgreSQL server (default: new SQLite files)",
    )
    args = parser.parse_args()
    for n in (int(size) for size in args.sizes.split(",")):
        folder = Path(tempfile.mkdtemp(prefix="machikoe-survey-"))
        os.environ["MACHIKOE_INSTANCE"] = str(folder)
        cleanup: Callable[[], None] = lambda: None  # noqa: E731
        if args.postgres:
            url, cleanup = create_postgres_database(args.postgres)
        else:
            url = f"sqlite:///{folder / 'bench.sqlite3'}"
        try:
            figures = run_size(n, url, folder)
        finally:
            cleanup()
        database = "PostgreSQL" if args.postgres else "SQLite"
        print(f"{n:,} responses, 12 questions, {database}:")
        print(
            f"  import {figures['import s']:.1f} s "
            f"(baseline: csv + bulk insert of the comments alone {figures['baseline s']:.2f} s, "
            f"ratio {figures['import s'] / figures['baseline s']:.1f}), "
            f"the process's peak memory grew {figures['import MB']:.0f} MB"
        )
        print(
            f"  all per-question results (SQL) and their SVG charts "
            f"{figures['questions s'] * 1000:.0f} ms"
        )
        print(
            f"  cross tab smartphone × satisfaction, with its chart "
            f"{figures['cross tab s'] * 1000:.0f} ms"
        )
        goal = "PASS" if figures["page s"] < 2 else "MISS"
        print(
            f"  staff results page {figures['page s'] * 1000:.0f} ms "
            f"({figures['page KB']:.0f} KB, peak {figures['page MB']:.1f} MB) "
            f"{goal}: aim under 2 s; with a cross tab "
            f"{figures['page with cross tab s'] * 1000:.0f} ms"
        )


if __name__ == "__main__":
    main()
