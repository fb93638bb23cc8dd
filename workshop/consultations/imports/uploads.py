"""An uploaded file kept in the instance folder between the import's two steps (choosing the
file, then its columns), and removed after a day: it holds residents' names and addresses."""

from __future__ import annotations

import re
import secrets
import time
from pathlib import Path

from flask import current_app

from workshop.errors import ImportFailed

# A file uploaded on the import page waits here while the planner maps its columns
PENDING_FOLDER = "import-pending"
PENDING_KEEP_SECONDS = 24 * 3600
TOKEN = re.compile(r"[A-Za-z0-9_-]{20,64}")
PENDING_GONE = (
    "取り込むファイルが見つかりません（時間がたったか、取り込み済みです）。"
    "もう一度ファイルを選んでください。"
)


def _pending_path(consultation_id: int, token: str) -> Path:
    if not TOKEN.fullmatch(token):
        raise ImportFailed(PENDING_GONE)
    return Path(current_app.instance_path) / PENDING_FOLDER / f"{consultation_id}-{token}.csv"


def remove_stale_uploads(now: float | None = None) -> int:
    """Remove the uploads left waiting longer than PENDING_KEEP_SECONDS (a planner who never
    came back to the column step): they hold residents' names and addresses."""
    folder = Path(current_app.instance_path) / PENDING_FOLDER
    cutoff = (now if now is not None else time.time()) - PENDING_KEEP_SECONDS
    removed = 0
    for old in folder.glob("*.csv") if folder.is_dir() else ():
        if old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)
            removed += 1
    return removed


def keep_upload(consultation_id: int, raw: bytes) -> str:
    """Keep an uploaded file for the next step; returns its token. Old ones are removed."""
    folder = Path(current_app.instance_path) / PENDING_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    remove_stale_uploads()
    token = secrets.token_urlsafe(24)
    _pending_path(consultation_id, token).write_bytes(raw)
    return token


def pending_upload(consultation_id: int, token: str) -> bytes:
    path = _pending_path(consultation_id, token)
    if not path.is_file():
        raise ImportFailed(PENDING_GONE)
    return path.read_bytes()


def drop_upload(consultation_id: int, token: str) -> None:
    _pending_path(consultation_id, token).unlink(missing_ok=True)
