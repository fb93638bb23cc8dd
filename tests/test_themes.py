"""Theme analysis as planners use it: jobs, snapshots, corrections that survive re-analysis."""

from __future__ import annotations

import csv
import io
import time

import pytest
from sqlalchemy import func, select

from tests.conftest import post_form
from tests.test_imports import import_cli
from workshop.consultations import services as consultations
from workshop.errors import DomainError
from workshop.extensions import db
from workshop.models import (
    Analysis,
    Channel,
    CommentTokens,
    Job,
    JobStatus,
    Role,
    ThemeAssignment,
)
from workshop.themes import services
from workshop.timeutil import today_tokyo

# two topics a planner would tell apart at a glance, in our own words
SMARTPHONE = [
    "スマホ教室を公民館で毎月開いてほしい。高齢者でも通いやすい場所がいい。",
    "スマホの使い方がわからない高齢者のために、相談できる窓口を地域に作ってください。",
    "スマホ教室に参加したいが、近くで開かれていない。高齢者向けの教室を増やして。",
    "高齢の母がスマホで困っている。スマホ教室や相談会を地区ごとに開いてほしい。",
    "スマホ教室の講師を地域のボランティアにお願いしてはどうか。高齢者も気軽に相談できる。",
    "スマホを持っていても使いこなせない高齢者が多い。教室と相談窓口をお願いしたい。",
    "高齢者がスマホで困ったとき、すぐ聞ける相談窓口がほしいです。",
    "スマホ教室を図書館でも開いてください。高齢者の相談にも乗ってほしい。",
]
DISASTER = [
    "防災無線が雨の日は聞こえない。避難情報をメールや防災アプリでも流してほしい。",
    "地震の時の避難所の情報を防災アプリで確認できるようにしてほしい。",
    "台風で停電したとき、避難所の情報が届かなかった。防災無線とアプリの両方で知らせて。",
    "防災アプリの通知で避難所の空き状況がわかると助かります。",
    "避難所の場所と防災情報を、スマホの防災アプリでも紙の地図でも確認できるように。",
    "防災無線の放送内容をアプリで後から読めるようにしてください。避難の判断に使いたい。",
    "大雨の避難情報が遅かった。防災アプリで早く知らせてほしい。",
    "避難所の情報を防災アプリで多言語でも出してください。",
]


def add_paper_comment(consultation, body: str):
    """A comment received on paper today, entered by staff."""
    return consultations.enter_comment(
        consultation.id,
        consultations.CommentInput(body=body),
        channel=Channel.PAPER,
        received_on=today_tokyo(),
        staff_id=None,
    )


@pytest.fixture
def consultation_with_comments(app, make_consultation):
    consultation = make_consultation()
    for body in SMARTPHONE + DISASTER:
        add_paper_comment(consultation, body)
    return consultation


def analyse(consultation, **kwargs):
    job = services.start_analysis(consultation.id, how="inline", **kwargs)
    db.session.refresh(job)
    return job


def theme_of(analysis: Analysis, comment_id: int) -> int:
    return db.session.get(ThemeAssignment, (analysis.id, comment_id)).theme_id


@pytest.mark.both_dbs
def test_analysis_job_keeps_a_snapshot_that_splits_two_topics(consultation_with_comments):
    job = analyse(consultation_with_comments, k=2)
    assert job.status is JobStatus.DONE, job.error
    analysis = db.session.get(Analysis, job.result_id)
    assert analysis.n_comments == 16
    groups = services.members(analysis.id)
    ids = sorted(i for ids in groups.values() for i in ids)
    smartphone_ids, disaster_ids = ids[:8], ids[8:]
    smartphone_theme = {theme_of(analysis, i) for i in smartphone_ids}
    disaster_theme = {theme_of(analysis, i) for i in disaster_ids}
    assert len(smartphone_theme) == 1 and len(disaster_theme) == 1
    assert smartphone_theme != disaster_theme
    labels = {t.id: t.label for t in analysis.themes}
    assert "スマホ" in labels[smartphone_theme.pop()]
    assert db.session.scalar(select(func.count()).select_from(CommentTokens)) == 16


def test_failed_job_shows_its_error(app, make_consultation):
    consultation = make_consultation()
    job = analyse(consultation)
    assert job.status is JobStatus.FAILED
    assert "意見が5件以上必要です" in job.error
    assert db.session.scalar(select(func.count(Analysis.id))) == 0


def test_new_comments_do_not_change_a_snapshot(consultation_with_comments):
    first = db.session.get(Analysis, analyse(consultation_with_comments, k=2).result_id)
    add_paper_comment(consultation_with_comments, "バスの本数を増やしてほしい")
    assert sum(len(v) for v in services.members(first.id).values()) == 16
    second = db.session.get(Analysis, analyse(consultation_with_comments, k=2).result_id)
    assert second.n_comments == 17


def test_reanalysis_reuses_stored_tokens(consultation_with_comments, monkeypatch):
    import nlp.cache

    tokenized: list[int] = []
    original = nlp.cache._tokenize_all

    def counting(texts, *args, **kwargs):
        tokenized.append(len(texts))
        return original(texts, *args, **kwargs)

    monkeypatch.setattr(nlp.cache, "_tokenize_all", counting)
    analyse(consultation_with_comments, k=2)
    assert sum(tokenized) == 16  # the first analysis tokenizes every comment once
    add_paper_comment(consultation_with_comments, "回覧板をスマホで読めるようにしてほしい")
    job = analyse(consultation_with_comments, k=2)
    assert job.status is JobStatus.DONE
    assert sum(tokenized) == 17  # the second only the new comment


@pytest.mark.both_dbs
def test_corrections_survive_reanalysis(consultation_with_comments, make_user):
    planner = make_user(Role.PLANNER)
    first = db.session.get(Analysis, analyse(consultation_with_comments, k=2).result_id)
    groups = services.members(first.id)
    ids = sorted(i for ids in groups.values() for i in ids)
    smartphone = db.session.get(Analysis, first.id).themes
    phone_theme = next(t for t in smartphone if theme_of(first, ids[0]) == t.id)
    disaster_theme = next(t for t in smartphone if theme_of(first, ids[-1]) == t.id)
    services.rename_theme(first, phone_theme.id, "デジタルデバイド対策", staff_id=planner.id)
    services.move_comment(first, ids[1], disaster_theme.id, staff_id=planner.id)
    services.mark_city_theme(first, disaster_theme.id, True, staff_id=planner.id)

    second = db.session.get(Analysis, analyse(consultation_with_comments, k=2).result_id)
    renamed = next(t for t in second.themes if t.id == theme_of(second, ids[0]))
    assert renamed.label == "デジタルデバイド対策"
    moved_to = next(t for t in second.themes if t.id == theme_of(second, ids[1]))
    assert moved_to.id == theme_of(second, ids[-1])
    assert moved_to.is_city_theme


def test_merge_survives_reanalysis(consultation_with_comments):
    first = db.session.get(Analysis, analyse(consultation_with_comments, k=2).result_id)
    source, target = [t for t in first.themes if not t.is_other][:2]
    services.merge_themes(first, source.id, target.id, staff_id=None)
    assert len([t for t in first.themes if not t.is_other]) == 1
    second = db.session.get(Analysis, analyse(consultation_with_comments, k=2).result_id)
    assert len({a for a in services.members(second.id)}) == 1


def test_cli_import_tokenizes_so_analysis_only_clusters(app, make_consultation, tmp_path):
    consultation = make_consultation()
    path = tmp_path / "line.csv"
    path.write_text("ご意見\n" + "\n".join(SMARTPHONE + DISASTER) + "\n", encoding="utf-8")
    result = import_cli(app, path, consultation.slug, "--text-column", "ご意見")
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(func.count()).select_from(CommentTokens)) == 16


def test_themes_cli_analyze_and_export(app, consultation_with_comments, tmp_path):
    runner = app.test_cli_runner()
    slug = consultation_with_comments.slug
    result = runner.invoke(args=["themes", "analyze", slug, "--k", "2"])
    assert result.exit_code == 0, result.output
    assert "16 comments" in result.output
    out = tmp_path / "themes.csv"
    result = runner.invoke(args=["themes", "export", slug, "--out", str(out)])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(out.read_text("utf-8-sig"))))
    assert len(rows) == 16
    assert list(rows[0]) == [
        "comment_id",
        "external_id",
        "theme_id",
        "theme_label",
        "parent_id",
        "parent_label",
        "hidden",
    ]
    bad = runner.invoke(args=["themes", "analyze", slug, "--k", "many"])
    assert bad.exit_code != 0


def test_seed_themes_file(app, consultation_with_comments, tmp_path):
    seeds = tmp_path / "seeds.txt"
    seeds.write_text("防災の情報発信: 防災アプリ、避難所、防災無線\n", encoding="utf-8")
    result = app.test_cli_runner().invoke(
        args=["themes", "analyze", consultation_with_comments.slug, "--seed-themes", str(seeds)]
    )
    assert result.exit_code == 0, result.output
    assert "防災の情報発信" in result.output


def test_planner_starts_analysis_in_a_separate_process(
    app, client, login, consultation_with_comments
):
    app.config["JOBS_MODE"] = "process"
    login(Role.PLANNER)
    response = post_form(
        client, f"/staff/consultations/{consultation_with_comments.id}/themes/analyze", {"k": "2"}
    )
    assert response.status_code == 303
    job_url = response.headers["Location"]
    status = None
    for _ in range(120):
        status = client.get(job_url + ".json").get_json()
        if status["status"] in ("done", "failed"):
            break
        time.sleep(0.5)
    assert status["status"] == "done", status
    page = client.get(f"/staff/consultations/{consultation_with_comments.id}/themes/").get_data(
        as_text=True
    )
    assert "テーマの一覧" in page and "スマホ" in page


def test_bad_theme_count_is_refused(client, login, consultation_with_comments):
    login(Role.PLANNER)
    response = post_form(
        client,
        f"/staff/consultations/{consultation_with_comments.id}/themes/analyze",
        {"k": "0"},
        follow_redirects=True,
    )
    assert "auto か 1〜99" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Job.id))) == 0


@pytest.fixture
def redis_url(app):
    from redis import Redis
    from redis.exceptions import ConnectionError as RedisDown

    from tests import conftest

    url = conftest.redis_url(15)  # the fixture has the helper's name
    try:
        Redis.from_url(url, socket_connect_timeout=2).ping()
    except RedisDown as error:
        conftest.service_unavailable(f"Redis not reachable: {error}")
    return url


def test_analysis_runs_on_an_rq_worker(app, consultation_with_comments, redis_url, monkeypatch):
    from redis import Redis
    from rq import Queue, SimpleWorker

    from workshop import jobs

    Queue(jobs.QUEUE_NAME, connection=Redis.from_url(redis_url)).empty()
    app.config["REDIS_URL"] = redis_url
    app.config["JOBS_MODE"] = "auto"  # REDIS_URL set: RQ
    # the worker builds its own app from the environment, as `flask --app workshop worker` does
    monkeypatch.setenv("DATABASE_URL", app.config["DATABASE_URL"])
    monkeypatch.setenv("SECRET_KEY", app.config["SECRET_KEY"])
    monkeypatch.setenv("REDIS_URL", redis_url)
    job = services.start_analysis(consultation_with_comments.id, k=2)
    assert job.status is JobStatus.QUEUED
    queue = Queue(jobs.QUEUE_NAME, connection=Redis.from_url(redis_url))
    assert queue.count == 1
    SimpleWorker([queue], connection=queue.connection).work(burst=True)
    db.session.expire_all()
    job = db.session.get(Job, job.id)
    assert job.status is JobStatus.DONE, job.error
    assert db.session.get(Analysis, job.result_id).n_comments == 16


def test_published_analysis_cannot_be_corrected(consultation_with_comments):
    from workshop.models import Publication

    analysis = db.session.get(Analysis, analyse(consultation_with_comments, k=2).result_id)
    db.session.add(
        Publication(consultation_id=consultation_with_comments.id, analysis_id=analysis.id)
    )
    db.session.commit()
    theme = next(t for t in analysis.themes if not t.is_other)
    label = theme.label
    with pytest.raises(DomainError, match="公表済み"):
        services.rename_theme(analysis, theme.id, "書き換え", staff_id=None)
    with pytest.raises(DomainError, match="公表済み"):
        services.mark_city_theme(analysis, theme.id, True, staff_id=None)
    db.session.refresh(theme)
    assert theme.label == label and not theme.is_city_theme
