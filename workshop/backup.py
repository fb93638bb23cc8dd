"""Backups and restore: `flask --app workshop backup OUT_DIR` and `flask --app workshop restore FILE`.

SQLite is copied with its online backup API, a consistent snapshot while residents keep
writing; PostgreSQL with pg_dump (custom format), restored with pg_restore --clean. The
attached PDFs (UPLOAD_FOLDER) go into a tar.gz next to the database file.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tarfile
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.engine import URL, make_url

from workshop.extensions import db
from workshop.timeutil import now_tokyo

SQLITE_SUFFIX = ".sqlite3"
PG_SUFFIX = ".pgdump"


class BackupError(click.ClickException):
    """A message for the operator; the command exits with status 1."""


@dataclass(frozen=True)
class BackupFiles:
    database: Path
    uploads: Path | None


def database_url() -> URL:
    return make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])


def is_sqlite(url: URL) -> bool:
    return url.get_backend_name() == "sqlite"


def stamp() -> str:
    return now_tokyo().strftime("%Y%m%d-%H%M%S")


# ---------------------------------------------------------------- SQLite


def sqlite_path(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("メモリー上の SQLite はバックアップできません。")
    return Path(url.database)


def copy_sqlite(source: Path, target: Path) -> None:
    """Copy with SQLite's backup API into a temporary name, then rename.

    The API copies a consistent snapshot even while the app writes (a plain file copy of a WAL
    database can miss committed pages); the rename means a half-written file never looks
    like a finished backup.
    """
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    with closing_sqlite(source) as src, closing_sqlite(partial) as dst:
        src.backup(dst)
        check_sqlite(dst, partial)
        # a single file, readable without its -wal and -shm companions
        dst.execute("PRAGMA journal_mode=DELETE")
    partial.replace(target)


def closing_sqlite(path: Path) -> closing[sqlite3.Connection]:
    # sqlite3.Connection's own context manager commits but never closes; closing() does
    return closing(sqlite3.connect(path, timeout=30))


def check_sqlite(connection: sqlite3.Connection, path: Path) -> None:
    try:
        result = connection.execute("PRAGMA quick_check").fetchone()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} は SQLite のデータベースとして読めません: {error}") from error
    if not result or result[0] != "ok":
        raise BackupError(f"{path} の検査で異常が見つかりました: {result}")


def restore_sqlite(backup: Path, url: URL, keep_dir: Path) -> Path | None:
    """Copy the backup over the live database, after saving the current one in keep_dir.

    The backup API writes into the live file instead of replacing it, so a running app's
    connections see the restored data and no stale -wal file is left beside a new file.
    """
    live = sqlite_path(url)
    with closing_sqlite(backup) as src:
        check_sqlite(src, backup)
    saved = None
    if live.exists():
        keep_dir.mkdir(parents=True, exist_ok=True)
        saved = keep_dir / f"before-restore-{stamp()}{SQLITE_SUFFIX}"
        copy_sqlite(live, saved)
    db.engine.dispose()
    live.parent.mkdir(parents=True, exist_ok=True)
    with closing_sqlite(backup) as src, closing_sqlite(live) as dst:
        src.backup(dst)
    return saved


# ---------------------------------------------------------------- PostgreSQL


def pg_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"{name} が見つかりません。PostgreSQL のクライアントを入れてください"
            "（Debian/Ubuntu: apt-get install postgresql-client。サーバーと同じか新しい版）。"
        )
    return path


def libpq_target(url: URL) -> tuple[str, dict[str, str]]:
    """A libpq URL without the password, which goes in PGPASSWORD: not visible in `ps`."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def run_pg(command: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} が失敗しました:\n{result.stderr.strip()}")


def dump_postgres(url: URL, target: Path) -> None:
    dsn, env = libpq_target(url)
    partial = target.with_name(target.name + ".partial")
    # one transaction snapshot: consistent while residents keep writing
    run_pg([pg_tool("pg_dump"), "--format=custom", f"--file={partial}", f"--dbname={dsn}"], env)
    partial.replace(target)


def restore_postgres(backup: Path, url: URL, keep_dir: Path) -> Path:
    keep_dir.mkdir(parents=True, exist_ok=True)
    saved = keep_dir / f"before-restore-{stamp()}{PG_SUFFIX}"
    dump_postgres(url, saved)
    dsn, env = libpq_target(url)
    db.engine.dispose()
    # --single-transaction: a failed restore leaves the database as it was;
    # --no-owner: the backup may come from a server where another role owned the tables
    run_pg(
        [
            pg_tool("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            f"--dbname={dsn}",
            str(backup),
        ],
        env,
    )
    return saved


# ---------------------------------------------------------------- uploads


def archive_uploads(folder: Path, target: Path) -> Path | None:
    if not folder.is_dir():
        return None
    partial = target.with_name(target.name + ".partial")
    with tarfile.open(partial, "w:gz") as archive:
        archive.add(folder, arcname="uploads")
    partial.replace(target)
    return target


def restore_uploads(archive: Path, folder: Path) -> Path | None:
    """Unpack into UPLOAD_FOLDER; the current folder is kept beside it, renamed."""
    saved = None
    if folder.exists():
        saved = folder.with_name(f"{folder.name}.before-restore-{stamp()}")
        folder.rename(saved)
    unpacked = folder.with_name(f"{folder.name}.restoring")
    shutil.rmtree(unpacked, ignore_errors=True)
    with tarfile.open(archive, "r:gz") as tar:
        # "data": no absolute paths, no links out of the folder, no device files
        tar.extractall(unpacked, filter="data")
    (unpacked / "uploads").rename(folder)
    unpacked.rmdir()
    return saved


# ---------------------------------------------------------------- the work


def make_backup(out_dir: Path) -> BackupFiles:
    out_dir.mkdir(parents=True, exist_ok=True)
    url = database_url()
    name = f"machikoe-{stamp()}"
    if is_sqlite(url):
        database = out_dir / f"{name}{SQLITE_SUFFIX}"
        copy_sqlite(sqlite_path(url), database)
    elif url.get_backend_name() == "postgresql":
        database = out_dir / f"{name}{PG_SUFFIX}"
        dump_postgres(url, database)
    else:
        raise BackupError(f"{url.get_backend_name()} のバックアップには対応していません。")
    uploads = archive_uploads(
        Path(current_app.config["UPLOAD_FOLDER"]), out_dir / f"{name}-uploads.tar.gz"
    )
    return BackupFiles(database, uploads)


def restore_backup(backup: Path) -> Path | None:
    """Restore the database from a file made by make_backup; returns where the old one went."""
    url = database_url()
    keep_dir = Path(current_app.instance_path) / "backups"
    if is_sqlite(url):
        if backup.suffix != SQLITE_SUFFIX:
            raise BackupError(f"SQLite には {SQLITE_SUFFIX} のバックアップを指定してください。")
        return restore_sqlite(backup, url, keep_dir)
    if backup.suffix != PG_SUFFIX:
        raise BackupError(f"PostgreSQL には {PG_SUFFIX} のバックアップを指定してください。")
    return restore_postgres(backup, url, keep_dir)


@click.command("backup", help="データベースと添付ファイルをバックアップ (back up to OUT_DIR)")
@click.argument("out_dir", type=click.Path(file_okay=False, path_type=Path))
@with_appcontext
def backup_command(out_dir: Path) -> None:
    files = make_backup(out_dir)
    click.echo(f"データベース: {files.database}")
    click.echo(f"添付ファイル: {files.uploads or 'なし（UPLOAD_FOLDER がありません）'}")


@click.command("restore", help="バックアップから戻す (restore FILE into DATABASE_URL)")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--uploads",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="添付ファイルの tar.gz も戻す (…-uploads.tar.gz)",
)
@click.option("--yes", is_flag=True, help="いまのデータを置き換えることに同意する")
@with_appcontext
def restore_command(file: Path, uploads: Path | None, yes: bool) -> None:
    url = database_url()
    if not yes:
        raise BackupError(
            f"{url.render_as_string(hide_password=True)} の内容を {file} で置き換えます。"
            "よければ --yes を付けて実行してください。"
        )
    saved = restore_backup(file)
    click.echo(f"{file} から戻しました。")
    if saved:
        click.echo(f"戻す前のデータベース: {saved}")
    if uploads:
        old = restore_uploads(uploads, Path(current_app.config["UPLOAD_FOLDER"]))
        click.echo(f"添付ファイルを戻しました。{f'前の添付ファイル: {old}' if old else ''}")
