"""Theme analysis through the app, as a planner presses 分析する.

    python bench/bench_analysis.py [-n 5000] [--database-url URL]
    python bench/bench_analysis.py -n 50000

Imports N generated comments (CSV, through the import service, tokenized as the import
command does), then, logged in as a
planner, posts 分析する and follows the job until the themes page shows, as the browser
would. Prints the import time, the time from 分析する to the themes page (cold: no stored
tokens), the same after 1 % new comments (warm), the web worker's peak memory, and the
baseline measured in the same run: nlp.analyze on the same texts in a process of its own.
Goals: 5,000 comments within 10 s of 分析する; 50,000 without timeouts and with the web
worker under 300 MB.
"""

from __future__ import annotations

import argparse
import csv
import io
import multiprocessing
import os
import random
import re
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


AGES = ["20代", "30代", "40代", "50代", "60代", "70代", "80代以上"]
DISTRICTS = ["中央地区", "駅前地区", "北山地区", "南浜地区", "東台地区", "西川地区"]


def rss_mb(field: str = "VmHWM") -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def as_csv(texts: list[str], first_id: int, seed: int) -> bytes:
    rng = random.Random(seed)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["回答ID", "年代", "地区", "ご意見"])
    for offset, text in enumerate(texts):
        writer.writerow([f"R{first_id + offset}", rng.choice(AGES), rng.choice(DISTRICTS), text])
    return buffer.getvalue().encode("utf-8-sig")


def generate(n: int, seed: int) -> list[str]:
    # in a child process: bench_nlp imports nlp and scikit-learn, which a web worker never loads
    from bench_nlp import generate_comments

    return generate_comments(n, seed)


def baseline(texts: list[str], queue: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    from nlp import analyze

    started = time.perf_counter()
    result = analyze(texts)
    queue.put((time.perf_counter() - started, len(result.themes)))


def press_analyze(client, consultation_id: int) -> tuple[float, int]:  # type: ignore[no-untyped-def]
    page = client.get(f"/staff/consultations/{consultation_id}/themes/").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    started = time.perf_counter()
    response = client.post(
        f"/staff/consultations/{consultation_id}/themes/analyze",
        data={"csrf_token": token, "k": "auto"},
    )
    job_url = response.headers["Location"]
    while True:
        status = client.get(job_url + ".json").get_json()
        if status["status"] in ("done", "failed"):
            break
        time.sleep(0.2)
    if status["status"] == "failed":
        raise SystemExit(f"analysis failed: {status['error']}")
    themes_page = client.get(f"/staff/consultations/{consultation_id}/themes/").get_data(
        as_text=True
    )
    elapsed = time.perf_counter() - started
    assert "テーマの一覧" in themes_page
    return elapsed, status["result_id"]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("-n", type=int, default=5000)
    parser.add_argument("--database-url", help="default: a new SQLite file")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="machikoe-bench-"))
    os.environ["MACHIKOE_INSTANCE"] = str(folder)
    from workshop import create_app, jobs
    from workshop.auth import services as auth
    from workshop.consultations import imports, services
    from workshop.extensions import db
    from workshop.models import Analysis, Job, JobKind, Role
    from workshop.timeutil import today_tokyo

    url = args.database_url or f"sqlite:///{folder / 'bench.sqlite3'}"
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "JOBS_MODE": "process"})
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        texts = pool.apply(generate, (args.n, args.seed))
        extra = pool.apply(generate, (max(1, args.n // 100), args.seed + 1))
    with app.app_context():
        db.drop_all()
        db.create_all()
        from datetime import timedelta

        consultation, _ = services.create_consultation(
            services.ConsultationInput(
                slug="bench", title="ベンチマーク", receipt_prefix="BN",
                opens_on=today_tokyo() - timedelta(days=10), closes_on=today_tokyo() + timedelta(days=20),
            )
        )  # fmt: skip
        auth.create_user("bench@example.jp", "bench-password-1", Role.PLANNER)
        mapping = imports.Mapping(
            text_column="ご意見",
            id_column="回答ID",
            attributes={"age_group": "年代", "district": "地区"},
        )
        started = time.perf_counter()
        report = imports.import_comments("bench", as_csv(texts, 0, args.seed), mapping)
        import_seconds = time.perf_counter() - started
        # as `flask comments import` does, but in a process of its own: this one is the web worker
        job = jobs.enqueue(JobKind.TOKENS, consultation_id=consultation.id, how="process")
        while db.session.get(Job, job.id).status.value not in ("done", "failed"):
            db.session.expire_all()
            time.sleep(0.2)
        token_seconds = time.perf_counter() - started - import_seconds
        consultation_id = consultation.id

    client = app.test_client()
    page = client.get("/staff/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    client.post(
        "/staff/login",
        data={"csrf_token": token, "email": "bench@example.jp", "password": "bench-password-1"},
    )
    cold, analysis_id = press_analyze(client, consultation_id)
    with app.app_context():
        imports.import_comments("bench", as_csv(extra, args.n, args.seed + 1), mapping)
    # the 1 % arrive through the web form: not tokenized until the analysis
    warm, warm_id = press_analyze(client, consultation_id)
    web_peak = rss_mb()
    with app.app_context():
        analysis = db.session.get(Analysis, warm_id)
        themes, comments = len(analysis.themes), analysis.n_comments

    queue: multiprocessing.Queue = multiprocessing.get_context("spawn").Queue()  # type: ignore[type-arg]
    process = multiprocessing.get_context("spawn").Process(target=baseline, args=(texts, queue))
    process.start()
    base_seconds, base_themes = queue.get()
    process.join()

    print(
        f"comments: {args.n} (+{len(extra)}), database: {url.split(':', 1)[0]}, cores: {os.cpu_count()}"
    )
    print(f"import through the app:            {import_seconds:7.2f} s  ({report.imported} rows)")
    print(f"tokenize at import (all cores):    {token_seconds:7.2f} s")
    print(f"baseline nlp.analyze, own process: {base_seconds:7.2f} s  ({base_themes} themes)")
    print(
        f"分析する -> themes page, cold:      {cold:7.2f} s  ({cold / base_seconds:.2f} x baseline)"
    )
    print(
        f"分析する -> themes page, +1 %:      {warm:7.2f} s  ({warm / base_seconds:.2f} x baseline, {warm / cold:.2f} x cold)"
    )
    print(f"web worker peak memory:            {web_peak:7.1f} MB")
    print(f"result: {comments} comments in {themes} themes (analysis {analysis_id} then {warm_id})")


if __name__ == "__main__":
    main()
