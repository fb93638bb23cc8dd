"""The yardstick for bench/load.py: bare Flask + SQLAlchemy, one POST that inserts one row.

No CSRF, no session, no templates, no receipt-number counter: what any Flask app pays for a
write on the same gunicorn and database. Served as `gunicorn 'bench.bare_app:create_app()'`
with BARE_DATABASE_URL pointing at a database of its own.
"""

from __future__ import annotations

import os
import sqlite3
from datetime import UTC, datetime
from typing import Any

from flask import Flask, request
from sqlalchemy import DateTime, String, create_engine, event, insert
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class BareComment(Base):
    __tablename__ = "bare_comment"

    id: Mapped[int] = mapped_column(primary_key=True)
    body: Mapped[str] = mapped_column(String(2000))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


def sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # the same settings as machikoe's own engine, or the comparison would flatter one side
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


def make_engine(url: str) -> Engine:
    # the same URL forms as machikoe's DATABASE_URL
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            url = "postgresql+psycopg://" + url.removeprefix(prefix)
    options: dict[str, Any] = {"pool_pre_ping": True}
    if url.startswith("sqlite"):
        options = {"connect_args": {"timeout": 30, "check_same_thread": False}}
    engine = create_engine(url, **options)
    event.listen(engine, "connect", sqlite_pragmas)
    return engine


def create_schema(url: str) -> None:
    """Called once by the bench before gunicorn starts: workers creating it together would race."""
    engine = make_engine(url)
    Base.metadata.create_all(engine)
    engine.dispose()


def create_app() -> Flask:
    engine = make_engine(os.environ["BARE_DATABASE_URL"])
    app = Flask(__name__)

    @app.post("/comments")
    def add_comment() -> tuple[str, int]:
        with engine.begin() as connection:
            new_id = connection.execute(
                insert(BareComment)
                .values(body=request.form.get("body", ""), created_at=datetime.now(UTC))
                .returning(BareComment.id)
            ).scalar_one()
        return str(new_id), 201

    return app
