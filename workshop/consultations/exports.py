"""All comments of a consultation as CSV or XLSX, for staff.

The CSV is streamed in the request. The XLSX cannot be streamed (8-17 s at 50,000 comments), so
a background job writes it under the instance folder and staff download it from the job page."""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from workshop import audit, jobs, tabular
from workshop.consultations.services import count_comments
from workshop.errors import NotFound
from workshop.extensions import db
from workshop.labels import CHANNEL, LANGUAGE
from workshop.models import Comment, Consultation, Job, JobKind, JobStatus, Profile
from workshop.questionnaires.services import (
    answer_cells,
    answer_header,
    answers_of,
    profile_labels,
)
from workshop.transaction import transaction

HEADER = (
    "受付番号", "受付日", "経路", "章・節", "意見", "言語", "年代", "地区", "市との関係",
    "氏名", "メールアドレス", "公表しない", "公表しない理由", "外部ID",
)  # fmt: skip


# comments read, and their answers looked up, this many at a time
BATCH = 1000


def header_of(consultation: Consultation) -> list[str]:
    """The export's columns: the comment's, then its questionnaire's (if any)."""
    return [*HEADER, *answer_header(consultation.questions)]


def comment_rows(consultation: Consultation) -> Iterator[Sequence[tabular.Cell]]:
    stmt = (
        select(Comment)
        .where(Comment.consultation_id == consultation.id)
        .order_by(Comment.id)
        .execution_options(yield_per=BATCH)
    )
    headings = {s.id: s.heading for s in consultation.sections}
    questions = consultation.questions
    for batch in db.session.scalars(stmt).partitions(BATCH):
        ids = [c.id for c in batch]
        answers = answers_of(ids) if questions else {}
        about = profile_labels(ids)
        for c in batch:
            cells = comment_cells(c, headings, about.get(c.id, {}))
            yield (*cells, *answer_cells(questions, answers.get(c.id, {})))


def comment_cells(
    c: Comment, headings: dict[int, str], about: dict[Profile, str]
) -> tuple[tabular.Cell, ...]:
    return (
        c.receipt_no,
        c.received_on.isoformat(),
        CHANNEL[c.channel],
        headings.get(c.section_id or 0, ""),
        c.body,
        LANGUAGE.get(c.language or "", ""),
        about.get(Profile.AGE_GROUP, ""),
        about.get(Profile.DISTRICT, ""),
        about.get(Profile.RELATION, ""),
        c.name or "",
        c.email or "",
        "公表しない" if c.is_hidden else "",
        c.hidden_reason or "",
        c.external_id or "",
    )


def comments_csv(consultation: Consultation) -> Iterator[bytes]:
    """The CSV in pieces, to be streamed: 50,000 comments are never one string in a worker.

    The export is recorded first, before the first piece is sent."""
    log_export(consultation, "csv")
    return csv_pieces(consultation.id)


def csv_pieces(consultation_id: int) -> Iterator[bytes]:
    # runs while the server sends the response, after the view's request and its database
    # session ended (stream_with_context pushes them again): so it reads the consultation anew
    consultation = db.session.get_one(Consultation, consultation_id)
    yield from tabular.csv_chunks(header_of(consultation), comment_rows(consultation))


def start_xlsx(consultation: Consultation, *, staff_id: int | None) -> Job:
    return jobs.enqueue(JobKind.COMMENTS_XLSX, consultation_id=consultation.id, staff_id=staff_id)


def exports_folder() -> Path:
    return Path(current_app.instance_path) / "exports"


def xlsx_path(job_id: int) -> Path:
    return exports_folder() / f"{job_id}.xlsx"


def keep_seconds() -> float:
    return float(current_app.config["EXPORT_KEEP_HOURS"]) * 3600


def is_expired(path: Path, now: float | None = None) -> bool:
    """Made longer ago than EXPORT_KEEP_HOURS: residents' names and addresses are not left lying
    in a folder once the planner has had the time to take the file."""
    return (now if now is not None else time.time()) - path.stat().st_mtime > keep_seconds()


def remove_expired(folder: Path, now: float | None = None) -> list[Path]:
    """Delete the export files (and pieces left by a crashed run) older than the keep time."""
    removed = []
    for path in sorted(folder.glob("*.xlsx")) + sorted(folder.glob("*.part")):
        if is_expired(path, now):
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed


def remove_expired_exports() -> int:
    folder = exports_folder()
    return len(remove_expired(folder)) if folder.is_dir() else 0


def run_comments_xlsx(job: Job, progress: jobs.Progress) -> None:
    """Write the Excel file of all comments to xlsx_path(job.id); a failed run leaves none."""
    assert job.consultation_id is not None
    consultation = db.session.get_one(Consultation, job.consultation_id)
    total = count_comments(consultation.id)
    path = xlsx_path(job.id)
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_expired(path.parent)
    partial = path.with_suffix(".part")
    progress(0, f"Excelファイルを作成しています（0／{total}件）")
    rows = reporting(comment_rows(consultation), total, progress)
    try:
        tabular.write_xlsx(str(partial), header_of(consultation), rows, title="意見一覧")
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)


def reporting(
    rows: Iterable[Sequence[tabular.Cell]], total: int, progress: jobs.Progress, every: int = 2000
) -> Iterator[Sequence[tabular.Cell]]:
    """The rows as they are, with a progress report (and so a heartbeat) every `every` rows."""
    for number, row in enumerate(rows, start=1):
        yield row
        if number % every == 0:
            percent = 95 * number // max(total, 1)
            progress(percent, f"Excelファイルを作成しています（{number}／{total}件）")


def is_available(job: Job) -> bool:
    """The job is done and its file is still kept (an expired one is deleted here)."""
    path = xlsx_path(job.id)
    if job.status is not JobStatus.DONE or not path.is_file():
        return False
    if is_expired(path):
        path.unlink(missing_ok=True)
        return False
    return True


def finished_xlsx(job: Job) -> Path:
    """The file a finished export job wrote; recorded as an export when staff take it."""
    if not is_available(job):
        raise NotFound("このExcelファイルはありません。もう一度作成してください。")
    path = xlsx_path(job.id)
    consultation = db.session.get_one(Consultation, job.consultation_id)
    log_export(consultation, "xlsx")
    return path


def log_export(consultation: Consultation, format_: str) -> None:
    # exports carry residents' names and addresses: who took them is recorded
    with transaction():
        audit.record("comments.export", f"consultation:{consultation.slug}", format=format_)
