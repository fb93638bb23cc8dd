"""Configuration, the SQLite settings, migrations that match the models, demo data, real SMTP."""

from __future__ import annotations

import json
import re
import time
from email import message_from_bytes
from email.policy import default
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade
from sqlalchemy import create_engine, func, inspect, select, text

from tests.conftest import free_port, post_form
from workshop import create_app
from workshop.extensions import db
from workshop.models import Answer, Channel, Comment, Consultation, User


def test_secret_key_is_generated_once_into_instance(tmp_path, monkeypatch):
    monkeypatch.setenv("MACHIKOE_INSTANCE", str(tmp_path))
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'a.sqlite3'}"})
    second = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'a.sqlite3'}"})
    key_file = tmp_path / "secret_key"
    assert key_file.exists() and oct(key_file.stat().st_mode)[-3:] == "600"
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"] == key_file.read_text()
    assert len(first.config["SECRET_KEY"]) == 64


def test_environment_overrides_defaults(tmp_path, monkeypatch):
    monkeypatch.setenv("MACHIKOE_INSTANCE", str(tmp_path))
    monkeypatch.setenv("SECRET_KEY", "from-env")
    monkeypatch.setenv("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/test")
    monkeypatch.setenv("MAIL_PORT", "2525")
    app = create_app()
    assert app.config["SECRET_KEY"] == "from-env"
    assert (
        app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://postgres@127.0.0.1:5432/test"
    )
    assert app.config["MAIL_PORT"] == 2525
    assert not (tmp_path / "secret_key").exists()


def test_default_database_is_sqlite_in_instance(tmp_path, monkeypatch):
    monkeypatch.setenv("MACHIKOE_INSTANCE", str(tmp_path))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'machikoe.sqlite3'}"


def test_sqlite_runs_with_wal_foreign_keys_and_busy_timeout(app):
    with db.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() >= 5000


@pytest.mark.both_dbs
def test_migrations_create_exactly_the_models_schema(db_backend, tmp_path, request, monkeypatch):
    monkeypatch.setenv("MACHIKOE_INSTANCE", str(tmp_path))
    url = migrated_database_url(db_backend, tmp_path, request, "migrate")
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "x"})
    with app.app_context():
        upgrade()
        engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
        with engine.connect() as connection:
            diff = compare_metadata(MigrationContext.configure(connection), db.metadata)
        engine.dispose()
        db.engine.dispose()
    assert diff == []


def migrated_database_url(db_backend: str, tmp_path: Any, request: Any, stem: str) -> str:
    """A database of its own (the shared test database already has create_all()'s tables)."""
    if db_backend == "sqlite":
        return f"sqlite:///{tmp_path / (stem + '.sqlite3')}"
    import psycopg

    from tests.conftest import POSTGRES_SERVER

    base = request.getfixturevalue("postgres_url")  # skips or fails when unreachable
    name = f"machikoe_{stem}_" + str(int(time.time() * 1000))[-8:]
    with psycopg.connect(POSTGRES_SERVER, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    request.addfinalizer(lambda: drop_database(name))
    return base.rsplit("/", 1)[0] + "/" + name


@pytest.mark.both_dbs
def test_the_questions_about_the_respondent_keep_every_answer_through_the_migration(
    db_backend, tmp_path, request, monkeypatch
):
    """0024 turns comment.age_group, .district and .relation into answers to three questions
    of each consultation, and consultation.districts into the district question's options; a
    district the comments named beyond the list becomes a hidden option. The downgrade gives
    the columns back as they were."""
    monkeypatch.setenv("MACHIKOE_INSTANCE", str(tmp_path))
    url = migrated_database_url(db_backend, tmp_path, request, "profile")
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "x"})
    comments = [
        (1, "70s", "北山地区", "resident"),
        (2, "20s", "港町", None),  # a district the consultation does not list (an import)
        (3, None, None, "student"),
    ]
    with app.app_context():
        upgrade(revision="0023_question_themes")
        engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
        with engine.begin() as connection:
            listed = '["中央地区", "北山地区"]'
            for table, values in (
                ("consultation", {"id": 1, "slug": "dx-plan", "districts": listed}),
                # the city's own question already holds one of the keys
                ("question", {"id": 100, "consultation_id": 1, "key": "age_group", "position": 0}),
                *(
                    (
                        "comment",
                        {
                            "id": id_,
                            "consultation_id": 1,
                            "body": "意見",
                            "age_group": age,
                            "district": district,
                            "relation": relation,
                            "receipt_no": f"PC-{id_}",
                            "receipt_token": f"t{id_}",
                        },
                    )
                    for id_, age, district, relation in comments
                ),
            ):
                connection.execute(*insert_row(connection, table, values))
        upgrade()
        with engine.connect() as connection:
            questions = connection.execute(
                text("SELECT key, profile, position FROM question ORDER BY position")
            ).all()
            districts = connection.execute(
                text(
                    "SELECT o.code, o.label, o.is_hidden FROM question_option o"
                    " JOIN question q ON q.id = o.question_id WHERE q.profile = 'district'"
                    " ORDER BY o.position"
                )
            ).all()
            answers = connection.execute(
                text(
                    "SELECT a.comment_id, q.profile, o.code FROM answer a"
                    " JOIN question q ON q.id = a.question_id"
                    " JOIN question_option o ON o.id = a.option_id ORDER BY a.comment_id, q.position"
                )
            ).all()
            columns = {c["name"] for c in inspect(connection).get_columns("comment")}
        from flask_migrate import downgrade

        downgrade(revision="0023_question_themes")
        with engine.connect() as connection:
            back = connection.execute(
                text("SELECT id, age_group, district, relation FROM comment ORDER BY id")
            ).all()
            listed_back = connection.execute(text("SELECT districts FROM consultation")).scalar()
            left = connection.execute(text("SELECT key FROM question")).scalars().all()
        engine.dispose()
        db.engine.dispose()
    assert questions == [
        ("age_group", None, 0),
        ("age_group_2", "age_group", 1),
        ("district", "district", 2),
        ("relation", "relation", 3),
    ]
    assert [(code, label, bool(hidden)) for code, label, hidden in districts] == [
        ("d1", "中央地区", False),
        ("d2", "北山地区", False),
        ("d3", "港町", True),
    ]
    assert answers == [
        (1, "age_group", "70s"),
        (1, "district", "d2"),
        (1, "relation", "resident"),
        (2, "age_group", "20s"),
        (2, "district", "d3"),
        (3, "relation", "student"),
    ]
    assert not {"age_group", "district", "relation"} & columns
    assert back == comments
    assert (json.loads(listed_back) if isinstance(listed_back, str) else listed_back) == [
        "中央地区",
        "北山地区",
    ]
    assert left == ["age_group"]


def test_a_migration_that_rebuilds_a_table_keeps_the_rows_referring_to_it(tmp_path, monkeypatch):
    """SQLite alters a table by copying it and dropping the old one; that DROP must not delete,
    through ON DELETE CASCADE, the rows of other tables that refer to it. 0023 rebuilds
    `analysis`: an analysis's themes, a planner's renames among them, are still there after."""
    monkeypatch.setenv("MACHIKOE_INSTANCE", str(tmp_path))
    url = f"sqlite:///{tmp_path / 'kept.sqlite3'}"
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "x"})
    with app.app_context():
        upgrade(revision="0022_analysis_features")
        engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
        with engine.begin() as connection:
            for table, values in (
                ("consultation", {"id": 1, "slug": "dx-plan"}),
                ("analysis", {"id": 1, "consultation_id": 1}),
                ("analysis_theme", {"id": 1, "analysis_id": 1, "label": "窓口の待ち時間"}),
            ):
                connection.execute(*insert_row(connection, table, values))
        upgrade()
        with engine.connect() as connection:
            labels = connection.execute(text("SELECT label FROM analysis_theme")).scalars().all()
            foreign_keys = connection.execute(text("PRAGMA foreign_keys")).scalar()
        engine.dispose()
        db.engine.dispose()
    assert labels == ["窓口の待ち時間"]
    assert foreign_keys == 1  # back on for the app


def insert_row(connection: Any, table: str, values: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    """An INSERT of `values`, with a plain value of its type in each other NOT NULL column."""
    columns = dict(values)
    for column in inspect(connection).get_columns(table):
        name, kind = column["name"], str(column["type"]).upper()
        if name in columns or column["nullable"] or column.get("default") is not None:
            continue
        if "BOOL" in kind:
            columns[name] = False
        elif any(word in kind for word in ("INT", "FLOAT", "DOUBLE", "NUMERIC")):
            columns[name] = 0
        elif "JSON" in kind:
            columns[name] = "[]"
        elif "DATE" in kind or "TIME" in kind:
            columns[name] = "2026-11-01"
        else:
            columns[name] = "x"
    placeholders = ", ".join(f":{name}" for name in columns)
    return text(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})"), columns


def drop_database(name: str) -> None:
    import psycopg

    from tests.conftest import POSTGRES_SERVER

    with psycopg.connect(POSTGRES_SERVER, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_demo_load_is_idempotent(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    assert re.search(r"3 staff accounts, 3 consultations, \d{3} comments", first.output)
    assert "demo questionnaire added: 2,000 answers" in first.output
    second = runner.invoke(args=["demo", "load"])
    assert "already loaded" in second.output
    assert db.session.scalar(select(func.count(User.id))) == 3
    opened = db.session.scalars(
        select(Consultation).where(Consultation.slug == "dx-plan-2026")
    ).one()
    closed = db.session.scalars(
        select(Consultation).where(Consultation.slug == "dx-outline-2026")
    ).one()
    assert opened.is_open and closed.status.value == "closed"
    count = select(func.count(Comment.id)).where(Comment.consultation_id == closed.id)
    assert db.session.scalar(count) >= 400
    # every received date lies in the closed round's period, as for real comments
    outside = select(func.count(Comment.id)).where(
        Comment.consultation_id == closed.id,
        (Comment.received_on < closed.opens_on) | (Comment.received_on > closed.closes_on),
    )
    assert db.session.scalar(outside) == 0
    # its analysis keeps the comments written in other languages as a group per language
    from workshop.themes.services import latest_analysis, theme_sizes

    analysis = latest_analysis(closed.id)
    assert analysis is not None
    groups = {t.language: t for t in analysis.themes if t.language}
    assert set(groups) == {"vi", "en", "zh", "ko", "pt"}
    assert theme_sizes(analysis)[groups["vi"].id] == 3
    # the アンケート: 2,000 responses, each with its answers, by web, paper and LINE
    survey = db.session.scalars(
        select(Consultation).where(Consultation.slug == "dx-survey-2026")
    ).one()
    channels = dict(
        db.session.execute(
            select(Comment.channel, func.count(Comment.id))
            .where(Comment.consultation_id == survey.id)
            .group_by(Comment.channel)
        ).all()
    )
    assert channels == {Channel.WEB: 1200, Channel.PAPER: 300, Channel.LINE: 500}
    answered = (
        select(func.count(func.distinct(Answer.comment_id)))
        .join(Comment, Comment.id == Answer.comment_id)
        .where(Comment.consultation_id == survey.id)
    )
    assert db.session.scalar(answered) == 2000
    assert len(survey.questions) == 9
    # it comes analysed: its results page shows the themes split by a choice, of the comments
    # and of the free-text question's answers apart
    assert latest_analysis(survey.id) is not None
    trouble = next(q for q in survey.questions if q.key == "trouble_text")
    answered = latest_analysis(survey.id, trouble.id)
    assert answered is not None and answered.n_themes >= 3


def test_receipt_mail_goes_through_a_real_smtp_server(
    client, make_consultation, smtp_server, tmp_path
):
    consultation = make_consultation()
    page = post_form(
        client,
        f"/consultations/{consultation.slug}/confirm",
        {"body": "電子申請の画面をもっと大きな文字にしてください", "email": "ume@example.jp"},
    ).get_data(as_text=True)
    token = re.search(r'name="submission_token" value="([^"]+)"', page).group(1)
    post_form(
        client,
        f"/consultations/{consultation.slug}/comments",
        {
            "body": "電子申請の画面をもっと大きな文字にしてください",
            "email": "ume@example.jp",
            "submission_token": token,
            "action": "submit",
        },
    )
    assert len(smtp_server.messages) == 1
    message = message_from_bytes(smtp_server.messages[0], policy=default)
    assert message["Subject"].startswith("【受付番号 DX-")
    assert "ご意見をお寄せいただき、ありがとうございます" in message.get_content()
    assert not (tmp_path / "outbox").exists()


def test_unreachable_smtp_keeps_the_mail_in_outbox(app, client, make_consultation, tmp_path):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port())
    from workshop import mail

    with app.test_request_context():
        mail.deliver(mail.build_message("a@example.jp", "件名", "本文"))
    kept = list((tmp_path / "outbox").glob("failed-*.eml"))
    assert len(kept) == 1


def test_receipt_mail_outside_a_request_links_to_the_public_site(app, make_consultation, tmp_path):
    from workshop.consultations import services
    from workshop.models import Channel
    from workshop.timeutil import today_tokyo

    app.config["PUBLIC_BASE_URL"] = "https://koe.city.example.jp"
    consultation = make_consultation(slug="dx-plan")
    services.enter_comment(
        consultation.id,
        services.CommentInput(body="紙で出した意見です", email="kami@example.jp"),
        channel=Channel.PAPER,
        received_on=today_tokyo(),
        staff_id=None,
    )
    (eml,) = (tmp_path / "outbox").glob("*.eml")
    body = message_from_bytes(eml.read_bytes(), policy=default).get_content()
    assert "https://koe.city.example.jp/consultations/dx-plan" in body
