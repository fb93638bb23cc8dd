"""A file uploaded by staff is imported by a background job, not in the web request.

A survey export of 50,000 answers takes 20 to 30 seconds to store, longer than a web worker
may spend on one request (gunicorn's 30 seconds by default): the page would time out half-way
while the planner waits with no word of progress. The upload is kept in instance/ (as for the
column step of a questionnaire), the job imports it with progress on its page, the report
(counts, skipped rows) is kept on the job, and the file is removed whatever happens.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from workshop import jobs
from workshop.consultations import imports
from workshop.extensions import db
from workshop.models import Channel, Consultation, Job, JobKind, User


@dataclass(frozen=True)
class ImportParams:
    """What an import job is asked: the kept upload (its token), the columns and the channel."""

    upload: str
    mapping: imports.Mapping
    channel: Channel

    def to_json(self) -> dict[str, Any]:
        return {
            "upload": self.upload,
            "mapping": self.mapping.to_json(),
            "channel": self.channel.value,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ImportParams:
        return cls(
            upload=data["upload"],
            mapping=imports.Mapping.from_json(data["mapping"]),
            channel=Channel(data["channel"]),
        )


def start_import(
    consultation: Consultation,
    upload: str,
    mapping: imports.Mapping,
    channel: Channel,
    *,
    staff_id: int | None,
) -> Job:
    """Start importing an upload kept by imports.keep_upload()."""
    return jobs.enqueue(
        JobKind.COMMENTS_IMPORT,
        consultation_id=consultation.id,
        params=ImportParams(upload, mapping, channel),
        staff_id=staff_id,
    )


def run_comments_import(job: Job, progress: jobs.Progress) -> None:
    """Import the kept file; the report goes on the job, the file is removed in any case (it
    holds residents' names and addresses), and the new comments are tokenized next."""
    assert job.consultation_id is not None
    consultation = db.session.get(Consultation, job.consultation_id)
    assert consultation is not None
    params = ImportParams.from_json(job.params or {})
    actor = db.session.get(User, job.created_by_id) if job.created_by_id else None

    def checked(done: int, total: int) -> None:
        if done < total:
            progress(5 + round(65 * done / total), f"確かめています（{done:,} / {total:,}行）")
        else:
            progress(70, f"{total:,}行を確かめました。保存しています")

    try:
        raw = imports.pending_upload(consultation.id, params.upload)
        progress(5, "ファイルを読んでいます")
        report = imports.import_comments(
            consultation.slug,
            raw,
            params.mapping,
            channel=params.channel,
            actor=actor,
            on_progress=checked,
        )
    finally:
        imports.drop_upload(consultation.id, params.upload)
    job.result = report.to_json()
    db.session.commit()
    if report.imported:
        # tokenize and mask them in a job of their own, as after any arrival of comments
        jobs.enqueue(JobKind.TOKENS, consultation_id=consultation.id)


def report_of(job: Job) -> imports.ImportReport | None:
    return imports.ImportReport.from_json(job.result) if job.result else None
