"""Every staff and public page of one consultation at city scale, timed.

    python bench/bench_pages.py                  # 50,000 comments on a new SQLite file
    python bench/bench_pages.py -n 5000          # a smaller run
    python bench/bench_pages.py --postgres       # on a new database of the PostgreSQL server
    python bench/bench_pages.py --only 'results|duplicates'

Generates N comments (a big LINE survey: age groups, districts, some phone numbers, e-mail
addresses and names to mask, form letters sent many times), and sets the consultation up as
an operator and a planner would: `consultations create`, `users create`, `comments import`
(which tokenizes), `themes analyze` (the analysis job, inline), then, logged in as the
planner through the test client, writes a response for every theme and publishes them, and
presses the Excel button of the comment list (the export job, inline: timed as a step, since
no page waits for it; its job page and file download are timed with the pages).

Then it asks for every GET page of the app's URL map that belongs to this consultation (staff
and public, with a few query variants: a search, page 2, another breakdown) once, reads the
whole body (a streamed export is timed to its last byte, and to its first piece, which
is what counts towards the goal: the download has started) and prints them slowest first with
seconds and response size. Goal: every page under 1 s at 50,000 comments.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import re
import signal
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

SLUG = "bench-survey"
PLANNER = "planner@example.jp"
PASSWORD = "bench-password-1"
CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')

# ---------------------------------------------------------------- generated comments
# Written for this bench: topics, phrases and templates combined at random.

AGES = ["10代", "20代", "30代", "40代", "50代", "60代", "70代", "80歳以上", ""]
DISTRICTS = ["中央地区", "駅前地区", "北山地区", "南浜地区", "東台地区", "西川地区", ""]

TOPICS: dict[str, dict[str, list[str]]] = {
    "子育て": {
        "what": ["保育園の空き", "学童保育の時間", "子育て支援センター", "一時預かり", "児童手当の手続き"],
        "where": ["駅の近く", "小学校の中", "市役所の隣", "公民館", "団地の集会所"],
        "want": ["もっと増やしてほしい", "夜7時まで延ばしてほしい", "土曜日も開けてほしい", "申込みをオンラインでできるようにしてほしい"],
    },
    "公共交通": {
        "what": ["コミュニティバス", "路線バスの本数", "デマンド交通", "駅のエレベーター", "バス停の屋根"],
        "where": ["北山の団地", "病院の前", "駅の東口", "市民プールの近く", "南浜の海岸通り"],
        "want": ["朝夕だけでも増便してほしい", "時刻表をわかりやすくしてほしい", "高齢者の運賃を下げてほしい", "ベンチを置いてほしい"],
    },
    "防災": {
        "what": ["避難所の備蓄", "防災無線", "ハザードマップ", "防災訓練", "避難経路の案内板"],
        "where": ["川沿いの地域", "小学校の体育館", "海に近い地区", "高台の公園", "自治会館"],
        "want": ["内容を見直してほしい", "聞こえにくいので改善してほしい", "外国語でも用意してほしい", "夜間にも実施してほしい"],
    },
    "高齢者福祉": {
        "what": ["見守りサービス", "介護予防教室", "配食サービス", "買い物支援", "地域包括支援センターの相談"],
        "where": ["一人暮らしの多い団地", "山間部の集落", "駅から遠い地区", "商店街の空き店舗", "公民館"],
        "want": ["もっと知らせてほしい", "回数を増やしてほしい", "ボランティアを募ってほしい", "費用の補助を続けてほしい"],
    },
    "公園と緑": {
        "what": ["公園の遊具", "街路樹の剪定", "トイレの清掃", "ボール遊びのできる広場", "花壇の手入れ"],
        "where": ["中央公園", "川沿いの緑道", "駅前の広場", "住宅地の小さな公園", "運動公園"],
        "want": ["古くなったので新しくしてほしい", "夏の前に済ませてほしい", "もっとこまめにしてほしい", "住民も参加できるようにしてほしい"],
    },
    "ごみと環境": {
        "what": ["ごみの分別", "粗大ごみの収集", "資源回収", "不法投棄の対策", "プラスチックの削減"],
        "where": ["集合住宅の集積所", "山道の脇", "商店街", "学校", "川の河川敷"],
        "want": ["ルールを簡単にしてほしい", "予約を電話以外でもできるようにしてほしい", "監視カメラを付けてほしい", "子ども向けの教室を開いてほしい"],
    },
    "まちづくりと商店街": {
        "what": ["空き店舗の活用", "駅前の再開発", "商店街のイベント", "駐輪場", "夜の照明"],
        "where": ["駅前通り", "旧市街", "国道沿い", "商店街のアーケード", "市役所の周り"],
        "want": ["若い人が出店しやすくしてほしい", "歩行者を優先してほしい", "毎月開いてほしい", "暗くて怖いので明るくしてほしい"],
    },
    "学校と教育": {
        "what": ["通学路の安全", "給食費", "不登校の子の居場所", "図書館の開館時間", "部活動の地域移行"],
        "where": ["小学校の前の交差点", "中学校", "市立図書館", "公民館の学習室", "スクールバスの停留所"],
        "want": ["横断歩道を付けてほしい", "負担を軽くしてほしい", "相談できる場所を増やしてほしい", "平日も夜8時まで開けてほしい"],
    },
}  # fmt: skip

OPENERS = ["", "", "いつもお世話になっております。", "計画案を読みました。", "市民の一人として意見を送ります。", "初めて意見を出します。"]  # fmt: skip
SENTENCES = [
    "{where}の{what}について、{want}",
    "{what}が足りないと感じています。特に{where}では{want}",
    "{where}に住んでいますが、{what}のことで困っています。{want}",
    "計画案にある{what}の取り組みには賛成です。{where}でも{want}",
    "{what}について、{where}の住民からもよく話が出ます。{want}",
]
CLOSERS = ["", "", "よろしくお願いします。", "ご検討ください。", "期待しています。", "以上です。"]
# personal data residents write although asked not to: the pages must show it masked
CONTACTS: list[Callable[[random.Random], str]] = [
    lambda r: f"連絡先は090-{r.randint(1000, 9999)}-{r.randint(1000, 9999)}です。",
    lambda r: (
        f"日中は0{r.randint(3, 9)}-{r.randint(1000, 9999)}-{r.randint(1000, 9999)}におります。"
    ),
    lambda r: f"詳しくは bench{r.randint(1, 9999)}@example.jp までご連絡ください。",
    lambda r: f"自治会長の{r.choice(['山田', '佐藤', '高橋', '田中', '伊藤'])}さんとも話しました。",
    lambda r: (
        f"{r.choice(['鈴木', '渡辺', '中村'])}{r.choice(['花子', '太郎', '明美'])}と申します。"
    ),
    lambda r: f"緑町{r.randint(1, 5)}丁目{r.randint(1, 20)}番{r.randint(1, 15)}号に住んでいます。",
]
# the same letter sent by many (組織的な同一意見), and the one-liners everyone writes
FORM_LETTERS = [
    "駅前の再開発計画に反対します。商店街の昔ながらの雰囲気を残してください。",
    "北山地区にコミュニティバスを走らせてください。車がないと病院に行けません。",
    "市民プールの廃止に反対です。子どもたちの夏の居場所をなくさないでください。",
    "学校給食の無償化をお願いします。物価が上がり、子育て世帯の負担が増えています。",
    "南浜の海岸の松林を守ってください。伐採計画の見直しを求めます。",
]
ONE_LINERS = ["特にありません。", "よろしくお願いします。", "賛成です。", "がんばってください。"]


def generate(n: int, seed: int) -> list[tuple[str, str, str]]:
    """N (text, age group, district), about 6 % of them form letters and 2 % one-liners."""
    rng = random.Random(seed)
    topics = list(TOPICS.values())
    rows = []
    for _ in range(n):
        roll = rng.random()
        if roll < 0.06:
            text = rng.choices(FORM_LETTERS, weights=[8, 4, 2, 1, 1])[0]
            if rng.random() < 0.3:  # signed, or with a word of one's own: still the same letter
                text += rng.choice(["（北山在住）", "よろしくお願いします。", "切実です。"])
        elif roll < 0.08:
            text = rng.choice(ONE_LINERS)
        else:
            topic = rng.choice(topics)
            parts = [rng.choice(OPENERS)]
            for _ in range(rng.randint(1, 3)):
                parts.append(
                    rng.choice(SENTENCES).format(
                        what=rng.choice(topic["what"]),
                        where=rng.choice(topic["where"]),
                        want=rng.choice(topic["want"]),
                    )
                    + "。"
                )
            if rng.random() < 0.08:
                parts.append(rng.choice(CONTACTS)(rng))
            parts.append(rng.choice(CLOSERS))
            text = "".join(parts)
        rows.append((text, rng.choice(AGES), rng.choice(DISTRICTS)))
    return rows


def write_csv(path: Path, rows: list[tuple[str, str, str]]) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["回答ID", "年代", "地区", "ご意見"])
        for number, (text, age, district) in enumerate(rows, start=1):
            writer.writerow([f"LINE-{number:06d}", age, district, text])


# ---------------------------------------------------------------- setting up, as people would


def run_cli(app: Any, *args: str) -> str:
    result = app.test_cli_runner().invoke(args=list(args))
    if result.exit_code != 0:
        raise SystemExit(f"flask {' '.join(args[:2])} failed:\n{result.output}")
    return str(result.output)


def csrf_token(client: Any, path: str) -> str:
    match = CSRF.search(client.get(path).get_data(as_text=True))
    if match is None:
        raise SystemExit(f"no CSRF token on {path}")
    return match.group(1)


def log_in(client: Any) -> None:
    token = csrf_token(client, "/staff/login")
    response = client.post(
        "/staff/login", data={"csrf_token": token, "email": PLANNER, "password": PASSWORD}
    )
    if response.status_code not in (302, 303):
        raise SystemExit(f"login failed: {response.status_code}")


def publish(client: Any, consultation_id: int, analysis_id: int, theme_ids: list[int]) -> None:
    """A response for every theme, then 公表する: the public results pages exist from here."""
    base = f"/staff/consultations/{consultation_id}/results"
    token = csrf_token(client, "/staff/login")
    for theme_id in theme_ids:
        prefix = f"theme-{theme_id}"
        response = client.post(
            f"{base}/responses",
            data={
                "csrf_token": token,
                "theme_id": theme_id,
                f"{prefix}-summary": "公共交通の便を良くしてほしいという意見が多く寄せられました。",
                f"{prefix}-response": "来年度の計画で、路線の見直しと増便を検討します。",
                f"{prefix}-outcome": "partly",
            },
        )
        if response.status_code != 303:
            raise SystemExit(f"saving the response of theme {theme_id}: {response.status_code}")
    response = client.post(
        f"{base}/publish", data={"csrf_token": token, "analysis_id": analysis_id}
    )
    if response.status_code != 303:
        raise SystemExit(f"publishing: {response.status_code}")


def start_xlsx_export(client: Any, consultation_id: int) -> int:
    """Press the Excel button of the comment list: the export job runs (inline here), and the
    answer points at its page. Its id fills the export pages' job_id."""
    path = f"/staff/consultations/{consultation_id}/comments.xlsx"
    token = csrf_token(client, f"/staff/consultations/{consultation_id}/comments")
    response = client.post(path, data={"csrf_token": token})
    if response.status_code != 303:
        raise SystemExit(f"starting the Excel export: {response.status_code}")
    return int(response.headers["Location"].rsplit("/", 1)[1])


# ---------------------------------------------------------------- the pages


@dataclass(frozen=True)
class Timing:
    path: str
    status: int  # 0: stopped at the time limit
    seconds: float
    size: int
    first_piece: float | None = None  # a streamed download: when its first piece arrived

    @property
    def waited(self) -> float:
        """What the person waits for: the page, or a streamed download's start."""
        return self.seconds if self.first_piece is None else self.first_piece


class Stopped(BaseException):
    """Raised in a request that ran out of time; not an Exception, so Flask lets it through."""


# the pages of the Excel export job show the export job, not the analysis job
EXPORT_PAGES = ("consultations_staff.export_job", "consultations_staff.export_job_json")
EXPORT_PAGES += ("consultations_staff.export_xlsx_file",)


def page_paths(app: Any, values: dict[str, Any]) -> Iterator[str]:
    """Every GET page of the URL map whose arguments this consultation fills."""
    adapter = app.url_map.bind("localhost")
    for rule in sorted(app.url_map.iter_rules(), key=lambda rule: rule.rule):
        if "GET" not in (rule.methods or ()) or rule.endpoint == "static":
            continue
        if not rule.arguments <= values.keys():
            continue
        if not rule.arguments and rule.rule != "/staff/":
            continue  # of the pages without arguments, the planner's dashboard lists it
        parts = {name: values[name] for name in rule.arguments}
        if rule.endpoint in EXPORT_PAGES:
            parts["job_id"] = values["export_job_id"]
        yield adapter.build(rule.endpoint, parts)


def variants(values: dict[str, Any]) -> list[str]:
    """Query strings a planner uses on the long pages."""
    staff = f"/staff/consultations/{values['consultation_id']}"
    analysis = f"{staff}/themes/analyses/{values['analysis_id']}"
    theme = f"{analysis}/themes/{values['theme_id']}"
    return [
        f"{staff}/comments?page=2",
        f"{staff}/comments?q=バス&age_group=70s",
        f"{theme}?page=2",
        f"{theme}?q=駅",
        f"{analysis}/duplicates?page=2",
        f"{analysis}/breakdown?attribute=district",
        f"{analysis}/breakdown.csv?attribute=age_group",
        f"{analysis}/compare?a=age_group:20s&a=age_group:30s",
        f"{staff}/results/?analysis={values['analysis_id']}",
        f"/consultations/{values['slug']}/results/themes/{values['number']}?page=5",
        f"/api/consultations/{values['slug']}/results/themes/{values['number']}?page=5",
    ]


def time_page(client: Any, path: str, limit: float) -> Timing:
    def stop(_signal: int, _frame: object) -> None:
        raise Stopped

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, limit)
    started = time.perf_counter()
    first_piece = None
    try:
        response = client.get(path)
        if response.content_length is None:  # streamed (no length): read piece by piece
            pieces = iter(response.response)
            size = len(next(pieces, b""))
            first_piece = time.perf_counter() - started
            size += sum(len(piece) for piece in pieces)
            response.close()
        else:
            size = len(response.get_data())
        status = response.status_code
    except Stopped:
        size, status = 0, 0
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    return Timing(path, status, time.perf_counter() - started, size, first_piece)


def human_size(size: int) -> str:
    if size >= 1_000_000:
        return f"{size / 1_000_000:.1f} MB"
    if size >= 1_000:
        return f"{size / 1_000:.0f} kB"
    return f"{size} B"


# ---------------------------------------------------------------- main


def create_postgres_database(server: str) -> tuple[str, Callable[[], None]]:
    import psycopg

    name = f"machikoe_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    url = f"{server.rsplit('/', 1)[0]}/{name}".replace("postgresql://", "postgresql+psycopg://")
    return url, drop


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("-n", type=int, default=50_000, help="comments (default 50,000)")
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument(
        "--postgres",
        nargs="?",
        const="postgresql://postgres@127.0.0.1:5432/test",
        help="run on a new database of this PostgreSQL server (default: a new SQLite file)",
    )
    parser.add_argument("--only", help="time only the pages whose path matches this regex")
    parser.add_argument(
        "--limit", type=float, default=120, help="stop a page after this many seconds (120)"
    )
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="machikoe-pages-"))
    os.environ["MACHIKOE_INSTANCE"] = str(folder)
    cleanup: Callable[[], None] = lambda: None  # noqa: E731
    if args.postgres:
        url, cleanup = create_postgres_database(args.postgres)
    else:
        url = f"sqlite:///{folder / 'bench.sqlite3'}"
    try:
        run(args, folder, url)
    finally:
        cleanup()


def run(args: argparse.Namespace, folder: Path, url: str) -> None:
    from sqlalchemy import func, select

    from workshop import create_app
    from workshop.extensions import db
    from workshop.models import Analysis, Job, ThemeAssignment
    from workshop.timeutil import today_tokyo

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "JOBS_MODE": "inline"})
    with app.app_context():
        db.create_all()
    steps: list[tuple[str, float]] = []

    def step(name: str, started: float) -> None:
        steps.append((name, time.perf_counter() - started))

    started = time.perf_counter()
    survey = folder / "survey.csv"
    write_csv(survey, generate(args.n, args.seed))
    step("generate", started)
    today = today_tokyo()
    run_cli(
        app, "consultations", "create", "--slug", SLUG, "--title", "市民生活アンケート",
        "--opens", (today - timedelta(days=60)).isoformat(),
        "--closes", (today - timedelta(days=1)).isoformat(),
        "--prefix", "LN", *(f"--district={d}" for d in DISTRICTS if d),
    )  # fmt: skip
    run_cli(app, "users", "create", PLANNER, "--role", "planner", "--password", PASSWORD)
    started = time.perf_counter()
    print(
        run_cli(
            app, "comments", "import", str(survey), "--consultation", SLUG,
            "--text-column", "ご意見", "--id-column", "回答ID",
            "--attr", "age_group=年代", "--attr", "district=地区",
        ).splitlines()[1]
    )  # fmt: skip
    step("comments import (with tokens)", started)
    started = time.perf_counter()
    print(run_cli(app, "themes", "analyze", SLUG).splitlines()[0])
    step("themes analyze", started)

    with app.app_context():
        analysis = db.session.scalars(select(Analysis).order_by(Analysis.id.desc())).first()
        assert analysis is not None
        sizes = dict(
            db.session.execute(
                select(ThemeAssignment.theme_id, func.count())
                .where(ThemeAssignment.analysis_id == analysis.id)
                .group_by(ThemeAssignment.theme_id)
            ).all()
        )
        job_id = db.session.scalar(select(Job.id).where(Job.result_id == analysis.id))
        theme_ids = [theme.id for theme in analysis.themes]
        largest = max(sizes, key=lambda theme_id: sizes[theme_id])
        values: dict[str, Any] = {
            "consultation_id": analysis.consultation_id,
            "slug": SLUG,
            "analysis_id": analysis.id,
            "theme_id": largest,
            "number": theme_ids.index(largest) + 1,  # its number on the public results pages
            "job_id": job_id,
        }
        n_groups = sum(len(group) > 1 for group in analysis.duplicate_groups)

    client = app.test_client()
    log_in(client)
    started = time.perf_counter()
    publish(client, values["consultation_id"], values["analysis_id"], theme_ids)
    step("responses + publish", started)
    started = time.perf_counter()
    values["export_job_id"] = start_xlsx_export(client, values["consultation_id"])
    step("comments.xlsx (job, not a page)", started)

    paths = [*page_paths(app, values), *variants(values)]
    if args.only:
        paths = [path for path in paths if re.search(args.only, path)]
    timings = [time_page(client, path, args.limit) for path in paths]

    database = url.split(":", 1)[0].split("+")[0]
    print(
        f"\n{args.n:,} comments, {len(theme_ids)} themes, {n_groups} duplicate groups; "
        f"{database}; cores: {os.cpu_count()}"
    )
    for name, seconds in steps:
        print(f"  {name:<32}{seconds:8.1f} s")
    print(f"\n{'seconds':>8}  {'size':>8}  status  page (logged in as a planner)")
    for timing in sorted(timings, key=lambda timing: timing.seconds, reverse=True):
        took = f"{timing.seconds:8.3f}" if timing.status else f"{'>' + format(args.limit, 'g'):>8}"
        status = timing.status or "stopped"
        streamed = (
            ""
            if timing.first_piece is None
            else f"  (streamed: first piece {timing.first_piece:.3f} s)"
        )
        print(f"{took}  {human_size(timing.size):>8}  {status:>6}  {timing.path}{streamed}")
    slow = [timing for timing in timings if timing.waited >= 1 or not timing.status]
    print(f"\n{len(timings)} pages, {len(slow)} at 1 s or more (goal: none)")
    failed = [timing for timing in timings if timing.status >= 400 or not timing.status]
    if failed:
        raise SystemExit(f"{len(failed)} pages answered with an error or were stopped")


if __name__ == "__main__":
    main()
