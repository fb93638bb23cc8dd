"""`flask backup` while residents write, and `flask restore` into a fresh instance."""

from __future__ import annotations

import secrets
import shutil
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import Result
from flask import Flask
from sqlalchemy import func, select

from tests.conftest import new_postgres_database, service_unavailable
from workshop import backup, create_app
from workshop.consultations import services
from workshop.extensions import db
from workshop.models import Comment, Consultation


def write_comments(app: Flask, slug: str, stop: threading.Event, written: list[str]) -> None:
    """A resident after another, until told to stop; each one a committed comment."""
    with app.app_context():
        while not stop.is_set():
            comment = services.submit_comment(
                services.get_consultation_by_slug(slug),
                services.CommentInput(body=f"窓口の待ち時間を短くしてください。{len(written)}"),
                submission_token=secrets.token_urlsafe(24),
            )
            written.append(comment.receipt_no)
        db.session.remove()


def back_up_while_writing(app: Flask, slug: str, out_dir: Path) -> tuple[Path, list[str]]:
    stop, written = threading.Event(), []
    writer = threading.Thread(target=write_comments, args=(app, slug, stop, written))
    writer.start()
    try:
        while len(written) < 20:  # the backup starts in the middle of the writing
            stop.wait(0.01)
        before = list(written)
        result = app.test_cli_runner().invoke(args=["backup", str(out_dir)])
    finally:
        stop.set()
        writer.join(30)
    assert result.exit_code == 0, result.output
    assert len(written) > len(before)
    (backup,) = [p for p in out_dir.iterdir() if p.suffix in {".sqlite3", ".pgdump"}]
    assert "データベース:" in result.output
    return backup, before


def restored_receipts(app: Flask, slug: str) -> tuple[list[str], int]:
    with app.app_context():
        consultation = db.session.scalars(
            select(Consultation).where(Consultation.slug == slug)
        ).one()
        receipts = list(
            db.session.scalars(
                select(Comment.receipt_no).where(Comment.consultation_id == consultation.id)
            )
        )
        count = db.session.scalar(select(func.count(Comment.id))) or 0
        seq = consultation.receipt_seq
        db.engine.dispose()
    assert count == len(receipts)
    return receipts, seq


def assert_consistent(receipts: list[str], seq: int, before: list[str]) -> None:
    # a snapshot: every comment stored before the backup, each once, and the counter that
    # hands out receipt numbers agrees with the comments (the next number is not taken)
    assert set(before) <= set(receipts)
    assert len(receipts) == len(set(receipts)) == seq


def invoke(app: Flask, *args: str) -> Result:
    # the test's own app context is pushed already; the command must run in this app's
    with app.app_context():
        return app.test_cli_runner().invoke(args=list(args))


def fresh_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, url: str) -> Flask:
    monkeypatch.setenv("MACHIKOE_INSTANCE", str(tmp_path / "restored-instance"))
    return create_app(
        {
            "TESTING": True,
            "DATABASE_URL": url,
            "SECRET_KEY": "restored",
            "UPLOAD_FOLDER": str(tmp_path / "restored-uploads"),
        }
    )


def test_sqlite_restore_keeps_the_database_it_replaces(
    app: Flask, make_consultation: Callable[..., Consultation], tmp_path: Path
) -> None:
    make_consultation(slug="kept-plan")
    result = app.test_cli_runner().invoke(args=["backup", str(tmp_path / "b")])
    assert result.exit_code == 0, result.output
    backup = next((tmp_path / "b").glob("*.sqlite3"))
    make_consultation(slug="after-backup")

    result = app.test_cli_runner().invoke(args=["restore", str(backup), "--yes"])
    assert result.exit_code == 0, result.output
    db.session.remove()
    slugs = set(db.session.scalars(select(Consultation.slug)))
    assert slugs == {"kept-plan"}
    assert "戻す前のデータベース" in result.output
    assert list((Path(app.instance_path) / "backups").glob("before-restore-*.sqlite3"))


def test_restore_refuses_a_file_that_is_not_a_backup(app: Flask, tmp_path: Path) -> None:
    bogus = tmp_path / "notes.sqlite3"
    bogus.write_text("これはデータベースではありません")
    result = app.test_cli_runner().invoke(args=["restore", str(bogus), "--yes"])
    assert result.exit_code != 0
    assert "読めません" in result.output


@pytest.fixture
def empty_postgres_database() -> Iterator[str]:
    with new_postgres_database("machikoe_restore") as url:
        yield url


@pytest.fixture
def empty_database(db_backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    if db_backend == "sqlite":
        return f"sqlite:///{tmp_path / 'restored.sqlite3'}"
    if shutil.which("pg_dump") is None:
        service_unavailable("pg_dump is not installed")
    return str(request.getfixturevalue("empty_postgres_database"))


@pytest.mark.both_dbs
def test_backup_while_writing_restores_every_comment_into_a_fresh_database(
    app: Flask,
    make_consultation: Callable[..., Consultation],
    empty_database: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    slug = make_consultation().slug
    uploads = Path(app.config["UPLOAD_FOLDER"])
    uploads.mkdir(parents=True)
    (uploads / "plan.pdf").write_bytes("%PDF-1.4 素案".encode())
    backup, before = back_up_while_writing(app, slug, tmp_path / "backups")
    archive = next((tmp_path / "backups").glob("*-uploads.tar.gz"))

    restored = fresh_app(tmp_path, monkeypatch, empty_database)
    refused = invoke(restored, "restore", str(backup))
    assert refused.exit_code != 0
    assert "--yes" in refused.output
    result = invoke(restored, "restore", str(backup), "--uploads", str(archive), "--yes")
    assert result.exit_code == 0, result.output

    receipts, seq = restored_receipts(restored, slug)
    assert_consistent(receipts, seq, before)
    assert (tmp_path / "restored-uploads" / "plan.pdf").read_bytes() == "%PDF-1.4 素案".encode()


def test_missing_pg_dump_is_explained(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(backup.shutil, "which", lambda _name: None)
    with pytest.raises(backup.BackupError, match="pg_dump が見つかりません"):
        backup.pg_tool("pg_dump")
