"""Render cost of ふりがな: the demo plan page with it off and on, through the test client.

    python bench/bench_furigana.py [--runs 30]

A new SQLite file with the demo users and the demo plan (`dx-plan-2026`). The page is asked
for with the ふりがな cookie off, on with every cache empty (the first reader after a restart
or an edit: Janome reads every text; the tokenizer itself is built before), and on with the
caches warm (every later reader). Prints the median and the spread in ms of each and the
ratios to off. Goal: on, cached ≤ 2 × off.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask.testing import FlaskClient

PATH = "/consultations/dx-plan-2026"


def timed(
    get: Callable[[], None], runs: int, before: Callable[[], None] | None = None
) -> list[float]:
    times = []
    for _ in range(runs):
        if before is not None:
            before()
        start = time.perf_counter()
        get()
        times.append((time.perf_counter() - start) * 1000)
    return times


def fetch(client: FlaskClient) -> Callable[[], None]:
    def get() -> None:
        response = client.get(PATH)
        assert response.status_code == 200, response.status_code
        response.get_data()

    return get


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-furigana-"))
    os.environ["MACHIKOE_INSTANCE"] = str(folder)

    from nlp import furigana as nlp_furigana
    from nlp.tokenize import DEFAULT_USERDIC, shared_tokenizer
    from workshop import create_app, demo
    from workshop.extensions import db
    from workshop.preferences import furigana

    app = create_app(
        {
            "DATABASE_URL": f"sqlite:///{folder / 'bench.sqlite3'}",
            "SECRET_KEY": "bench",
            "RATELIMIT_ENABLED": False,
        }
    )
    with app.app_context():
        db.create_all()
        demo.load_users()
        demo.load_consultation()
    off, on = app.test_client(), app.test_client()
    on.set_cookie("furigana", "1")
    started = time.perf_counter()
    shared_tokenizer(str(DEFAULT_USERDIC))
    print(
        f"Janome tokenizer built once per process: {(time.perf_counter() - started) * 1000:.0f} ms"
    )

    def empty_caches() -> None:
        nlp_furigana.cached_segments.cache_clear()
        furigana.ruby_text.cache_clear()
        furigana.ruby_in_html.cache_clear()

    page = on.get(PATH).get_data(as_text=True)
    assert "<ruby>" in page and "<ruby>" not in off.get(PATH).get_data(as_text=True)
    print(
        f"page: {PATH}, {page.count('<ruby>')} ruby words, {len(page):,} characters with ふりがな"
    )
    for _ in range(5):  # templates compiled, database warm
        fetch(off)()
        fetch(on)()
    results = {
        "off": timed(fetch(off), args.runs),
        "on, first time": timed(fetch(on), max(5, args.runs // 3), before=empty_caches),
        "on, cached": timed(fetch(on), args.runs),
    }
    base = statistics.median(results["off"])
    print(f"{'':16} {'median':>8} {'min':>8} {'max':>8}  ratio to off ({args.runs} runs)")
    for name, times in results.items():
        median = statistics.median(times)
        print(
            f"{name:16} {median:8.1f} {min(times):8.1f} {max(times):8.1f}  {median / base:5.2f} ×"
        )


if __name__ == "__main__":
    main()
