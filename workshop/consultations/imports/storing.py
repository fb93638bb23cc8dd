"""import_comments(): a survey file's rows read, checked and stored as comments with their
answers, all or none, in bulk INSERTs; the import is kept in the audit log."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import cast

from sqlalchemy import Table, insert, select

from workshop import audit
from workshop.consultations.imports.columns import Mapping, locate
from workshop.consultations.imports.reading import decode
from workshop.consultations.imports.report import ImportReport
from workshop.consultations.imports.rows import interpret, row_answers, row_key
from workshop.consultations.services import (
    CommentInput,
    clean_text,
    comment_values,
    get_consultation_by_slug,
    next_receipt_numbers,
)
from workshop.errors import ImportFailed
from workshop.extensions import db
from workshop.models import Answer, Channel, Comment, User
from workshop.questionnaires.services import answer_rows, keep_district, profile_answers
from workshop.timeutil import today_tokyo
from workshop.transaction import transaction

ANSWER_TABLE = cast(Table, Answer.__table__)
IMPORT_MAX_CHARS = 20000
INSERT_BATCH = 2000
PROGRESS_EVERY = 2000  # rows checked between reports (none while writing: SQLite's one writer)


def import_comments(
    slug: str,
    raw: bytes,
    mapping: Mapping,
    *,
    channel: Channel = Channel.IMPORT,
    actor: User | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Store the rows of a survey file as comments (and answers), all or none; rows already
    imported are left out by their ID. ``actor``: who started it, for the audit log when a
    job runs it; ``on_progress(checked, total)`` while the rows are read and checked, before
    anything is written (a job's progress is written by another connection, and SQLite
    has one writer at a time)."""
    consultation = get_consultation_by_slug(slug)
    text, encoding = decode(raw)
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as error:  # e.g. a cell beyond the csv module's 131,072-character limit
        raise ImportFailed(
            "CSVファイルを読み取れませんでした。とても長いセルがないかご確認ください。"
        ) from error
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise ImportFailed("ファイルが空です。1行目に列名が必要です。")
    header = rows[0]
    questions = list(consultation.questions)
    columns = locate(header, questions, mapping)
    text_at, id_at, attr_at, asked = (
        columns.text_at,
        columns.id_at,
        columns.attr_at,
        columns.asked,
    )

    report = ImportReport(encoding=encoding, consultation_id=consultation.id)
    seen = set(
        db.session.scalars(
            select(Comment.external_id).where(
                Comment.consultation_id == consultation.id, Comment.external_id.is_not(None)
            )
        )
    )
    pending: list[tuple[CommentInput, str, date]] = []
    for number, row in enumerate(rows[1:], start=2):
        if on_progress is not None and number % PROGRESS_EVERY == 0:
            on_progress(number - 1, len(rows) - 1)
        if not any(cell.strip() for cell in row):
            continue
        row = row + [""] * (len(header) - len(row))
        body = clean_text(row[text_at]) if text_at is not None else ""
        answers = row_answers(asked, questions, row, number, report)
        if not body and not answers:
            report.skipped.append(
                (number, "意見の列が空です" if not asked else "意見も回答も空です")
            )
            continue
        if len(body) > IMPORT_MAX_CHARS:
            report.skipped.append((number, f"意見が{IMPORT_MAX_CHARS:,}文字を超えています"))
            continue
        external_id = clean_text(row[id_at])[:200] if id_at is not None else row_key(row)
        if not external_id:
            report.skipped.append((number, "IDの列が空です"))
            continue
        if external_id in seen:
            report.already_imported += 1
            continue
        seen.add(external_id)
        values = {attr: clean_text(row[at]) for attr, at in attr_at.items()}
        data, received_on = interpret(consultation, values, body, number, report)
        pending.append((replace(data, answers=answers), external_id, received_on))

    if on_progress is not None:
        on_progress(len(rows) - 1, len(rows) - 1)
    if pending:
        with transaction():
            for data, _id, _day in pending:
                keep_district(consultation, data.district)
            numbers = next_receipt_numbers(consultation, len(pending), today_tokyo().year)
            rows_to_insert = [
                comment_values(
                    consultation, data, channel=channel, received_on=received_on, receipt_no=no
                )
                | {"external_id": external_id}
                for (data, external_id, received_on), no in zip(pending, numbers, strict=True)
            ]
            # bulk INSERTs, not ORM objects: 50,000 rows must not swell a web worker
            for start in range(0, len(rows_to_insert), INSERT_BATCH):
                batch = rows_to_insert[start : start + INSERT_BATCH]
                # the answers need their comments' ids, in the batch's order
                ids = db.session.scalars(
                    insert(Comment).returning(Comment.id, sort_by_parameter_order=True), batch
                ).all()
                answer_rows_of_batch = [
                    row
                    for comment_id, (data, _, _) in zip(
                        ids, pending[start : start + INSERT_BATCH], strict=True
                    )
                    for row in [
                        *answer_rows(comment_id, questions, data.answers),
                        *answer_rows(
                            comment_id,
                            consultation.profile_questions,
                            profile_answers(consultation, data.profile)[0],
                        ),
                    ]
                ]
                if answer_rows_of_batch:
                    # the table's INSERT, not the ORM's bulk insert: that one splits the rows
                    # into a statement per run of equal None-patterns (a choice, a number, a
                    # text alternate), thousands of round trips on PostgreSQL
                    db.session.execute(insert(ANSWER_TABLE), answer_rows_of_batch)
            # an import adds residents' comments (names, addresses) in bulk: who did it is kept
            audit.record_for(
                actor,
                "comments.import",
                f"consultation:{consultation.slug}",
                channel=channel.value,
                imported=len(pending),
                encoding=encoding,
            )
    report.imported = len(pending)
    return report
