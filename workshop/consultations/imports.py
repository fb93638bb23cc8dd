"""Import of survey exports (LINE アンケート, web forms, Excel CSV) into a consultation."""

from __future__ import annotations

import csv
import hashlib
import io
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any, cast

from flask import current_app
from sqlalchemy import Table, insert, select

from workshop import audit
from workshop.consultations.services import (
    CommentInput,
    clean_text,
    comment_values,
    get_consultation_by_slug,
    next_receipt_numbers,
)
from workshop.errors import ImportFailed
from workshop.extensions import db
from workshop.labels import AGE_GROUP_ALIASES, RELATION_ALIASES
from workshop.models import (
    AgeGroup,
    Answer,
    Channel,
    Comment,
    Consultation,
    Question,
    QuestionType,
    Relation,
    User,
)
from workshop.questionnaires.services import (
    AnswerInput,
    RawAnswer,
    answer_rows,
    check_answers,
    raw_from_cell,
    raw_from_option_cells,
)
from workshop.timeutil import today_tokyo
from workshop.transaction import transaction

ANSWER_TABLE = cast(Table, Answer.__table__)
IMPORT_MAX_CHARS = 20000
INSERT_BATCH = 2000
PROGRESS_EVERY = 2000  # rows checked between reports (none while writing: SQLite's one writer)
ATTRIBUTES = ("age_group", "district", "relation", "received_on", "section", "name", "email")
DATE_PATTERN = re.compile(r"(\d{4})\s*[-/年.]\s*(\d{1,2})\s*[-/月.]\s*(\d{1,2})")


@dataclass
class ImportReport:
    imported: int = 0
    already_imported: int = 0
    skipped: list[tuple[int, str]] = field(default_factory=list)  # (row number, reason)
    warnings: list[tuple[int, str]] = field(default_factory=list)
    encoding: str = ""
    consultation_id: int = 0

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ImportReport:
        """A report kept on its job (JSON has lists where the rows were tuples)."""
        return cls(
            imported=data["imported"],
            already_imported=data["already_imported"],
            skipped=[(number, reason) for number, reason in data["skipped"]],
            warnings=[(number, warning) for number, warning in data["warnings"]],
            encoding=data["encoding"],
            consultation_id=data["consultation_id"],
        )

    @property
    def summary(self) -> str:
        return (
            f"取り込み {self.imported}件、取り込み済みのため省略 {self.already_imported}件、"
            f"取り込めなかった行 {len(self.skipped)}件"
        )


def decode(raw: bytes) -> tuple[str, str]:
    """UTF-8 with or without BOM, else Shift_JIS as Windows writes it (cp932)."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8"), "utf-8-sig"
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp932"), "cp932"
    except UnicodeDecodeError as error:
        raise ImportFailed(
            "ファイルの文字コードを読み取れませんでした。UTF-8 または Shift_JIS で保存してください。"
        ) from error


def parse_date(value: str) -> date | None:
    match = DATE_PATTERN.search(value)
    if not match:
        return None
    try:
        return date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


def row_key(row: list[str]) -> str:
    # without an id column, the row's own content identifies it: the same file adds nothing twice
    return "sha256:" + hashlib.sha256("\x1f".join(row).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Mapping:
    text_column: str | None  # None: a questionnaire's answers only, no free-text comment
    id_column: str | None = None
    attributes: dict[str, str] = field(default_factory=dict)  # attribute -> column
    # question key -> its column; "PREFIX*": a multiple choice exported one column per
    # option, each column named PREFIX and the option's label (困ったこと:窓口の待ち時間)
    questions: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Mapping:
        return cls(
            text_column=data["text_column"],
            id_column=data["id_column"],
            attributes=dict(data["attributes"]),
            questions=dict(data["questions"]),
        )


@dataclass(frozen=True)
class QuestionColumns:
    """Where a question's answer is in a row: one cell, or one cell per option (label)."""

    question: Question
    cell: int | None = None
    option_cells: dict[str, int] = field(default_factory=dict)

    def raw(self, row: list[str]) -> RawAnswer:
        if self.cell is not None:
            return raw_from_cell(self.question, row[self.cell])
        return raw_from_option_cells(
            self.question, {label: row[at] for label, at in self.option_cells.items()}
        )


# what may stand between a per-option column's prefix and the option's label
LABEL_TRIM = " :：-－_|｜/／（）()[]【】「」"


def question_columns(
    header: list[str], questions: list[Question], mapping: Mapping
) -> list[QuestionColumns]:
    """The mapping's questions found in the header; ImportFailed names what is not there."""
    by_key = {q.key: q for q in questions}
    unknown = [key for key in mapping.questions if key not in by_key]
    if unknown:
        known = "、".join(f"{q.key}（{q.text}）" for q in questions) or "なし"
        raise ImportFailed(
            f"この意見募集にない質問です: {'、'.join(unknown)}。この意見募集の質問: {known}"
        )
    found: list[QuestionColumns] = []
    for key, column in mapping.questions.items():
        question = by_key[key]
        if not column.endswith("*"):
            found.append(QuestionColumns(question, cell=column_index(header, column)))
            continue
        prefix = column[:-1].strip()
        if question.type is not QuestionType.MULTIPLE:
            raise ImportFailed(
                f"「{column}」（選択肢ごとの列）は、複数選択の質問にだけ使えます（{key}）。"
            )
        cells: dict[str, int] = {}
        for at, name in enumerate(header):
            if not name.strip().startswith(prefix):
                continue
            label = name.strip()[len(prefix) :].strip(LABEL_TRIM)
            if question.option_by_code(label) is None and label not in {
                o.label for o in question.options
            }:
                raise ImportFailed(f"列「{name}」は、質問「{key}」のどの選択肢にも当たりません。")
            cells[label] = at
        if not cells:
            raise ImportFailed(f"「{prefix}」で始まる列が見つかりません（{key}）。")
        found.append(QuestionColumns(question, option_cells=cells))
    return found


def column_index(header: list[str], name: str) -> int:
    cleaned = [h.strip() for h in header]
    if name.strip() not in cleaned:
        raise ImportFailed(f"列「{name}」が見つかりません。ファイルの列: {'、'.join(cleaned)}")
    return cleaned.index(name.strip())


def read_header(raw: bytes) -> list[str]:
    """A file's column names (its first row), as the import reads them."""
    text, _ = decode(raw)
    try:
        header = next(csv.reader(io.StringIO(text, newline="")), [])
    except csv.Error as error:
        raise ImportFailed("CSVファイルの1行目（列名）を読み取れませんでした。") from error
    names = [name.strip() for name in header]
    if not any(names):
        raise ImportFailed("ファイルが空です。1行目に列名が必要です。")
    return names


def option_prefixes(header: list[str], question: Question) -> list[str]:
    """The starts of column names that are followed by one of a multiple choice's options
    (「困ったこと:窓口の待ち時間」 → 「困ったこと」): the PREFIX of a KEY=PREFIX* mapping."""
    if question.type is not QuestionType.MULTIPLE:
        return []
    # labels only: a code (1, 2, ...) would find a prefix in every 問1-like column name
    labels = sorted({o.label for o in question.options}, key=len)
    found: list[str] = []
    for name in header:
        for label in reversed(labels):  # the longest label that ends the name
            if name.endswith(label) and len(name) > len(label):
                prefix = name[: -len(label)].strip(LABEL_TRIM)
                if prefix and prefix not in found:
                    found.append(prefix)
                break
    return found


def column_choices(header: list[str], question: Question) -> list[tuple[str, str]]:
    """What a question's answers may be read from: a column, or (a multiple choice) the
    columns of one prefix, one per option; as (Mapping.questions value, words)."""
    choices = [(name, name) for name in header if name]
    choices += [
        (f"{prefix}*", f"「{prefix}」で始まる列（選択肢ごとの列）")
        for prefix in option_prefixes(header, question)
    ]
    return choices


def suggested_column(choices: list[tuple[str, str]], question: Question) -> str:
    """The choice whose column (or prefix) is the question's text or key; else none."""
    names = {question.key.strip(), question.text.strip()}
    for value, _ in choices:
        if value.removesuffix("*").strip() in names:
            return value
    return ""


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


@dataclass(frozen=True)
class Columns:
    """Where the mapping's columns are in a file's rows."""

    text_at: int | None
    id_at: int | None
    attr_at: dict[str, int]
    asked: list[QuestionColumns]


def locate(header: list[str], questions: list[Question], mapping: Mapping) -> Columns:
    """The mapping's columns in ``header``; ImportFailed says what is missing or unknown."""
    unknown = set(mapping.attributes) - set(ATTRIBUTES)
    if unknown:
        raise ImportFailed(f"取り込めない属性です: {', '.join(sorted(unknown))}")
    if mapping.text_column is None and not mapping.questions:
        raise ImportFailed("意見の列か、質問の列を指定してください。")
    return Columns(
        text_at=column_index(header, mapping.text_column) if mapping.text_column else None,
        id_at=column_index(header, mapping.id_column) if mapping.id_column else None,
        attr_at={attr: column_index(header, col) for attr, col in mapping.attributes.items()},
        asked=question_columns(header, questions, mapping),
    )


def check_columns(consultation: Consultation, raw: bytes, mapping: Mapping) -> None:
    """Before a job is started for it: the file can be read and has the mapping's columns,
    so that the planner hears of a wrong column name at once, by the form."""
    locate(read_header(raw), list(consultation.questions), mapping)


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
    sections = {s.heading: s.id for s in consultation.sections}

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
        data, received_on = interpret(values, body, sections, number, report)
        pending.append((replace(data, answers=answers), external_id, received_on))

    if on_progress is not None:
        on_progress(len(rows) - 1, len(rows) - 1)
    if pending:
        with transaction():
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
                if not asked:
                    db.session.execute(insert(Comment), batch)
                    continue
                # the answers need their comments' ids, in the batch's order
                ids = db.session.scalars(
                    insert(Comment).returning(Comment.id, sort_by_parameter_order=True), batch
                ).all()
                answer_rows_of_batch = [
                    row
                    for comment_id, (data, _, _) in zip(
                        ids, pending[start : start + INSERT_BATCH], strict=True
                    )
                    for row in answer_rows(comment_id, questions, data.answers)
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


def row_answers(
    asked: list[QuestionColumns],
    questions: list[Question],
    row: list[str],
    number: int,
    report: ImportReport,
) -> tuple[AnswerInput, ...]:
    """A row's answers, by the questionnaire's own rules; an answer that does not fit is left
    out and said, with the row's number, and the rest of the row is kept."""
    if not asked:
        return ()
    raw = {columns.question.key: columns.raw(row) for columns in asked}
    checked = check_answers(questions, raw, enforce_required=False)
    for key, problem in checked.problems.items():
        cell = "、".join(raw[key].values + ((raw[key].other_text,) if raw[key].other_text else ()))
        report.warnings.append(
            (number, f"質問「{key}」の「{cell}」: {problem}この答えは取り込みませんでした")
        )
    return checked.answers


def interpret(
    values: dict[str, str],
    body: str,
    sections: dict[str, int],
    number: int,
    report: ImportReport,
) -> tuple[CommentInput, date]:
    """Turn a row's attribute cells into typed values; what cannot be read is left empty, noted."""
    age_group: AgeGroup | None = None
    if raw_age := values.get("age_group"):
        age_group = AGE_GROUP_ALIASES.get(raw_age) or AGE_GROUP_ALIASES.get(
            raw_age.replace("歳", "")
        )
        if age_group is None:
            report.warnings.append((number, f"年代「{raw_age}」を読み取れないため空欄にしました"))
    relation: Relation | None = None
    if raw_relation := values.get("relation"):
        relation = RELATION_ALIASES.get(raw_relation)
        if relation is None:
            report.warnings.append(
                (number, f"関係「{raw_relation}」を読み取れないため空欄にしました")
            )
    received_on = today_tokyo()
    if raw_date := values.get("received_on"):
        parsed = parse_date(raw_date)
        if parsed is None:
            report.warnings.append(
                (number, f"日付「{raw_date}」を読み取れないため今日の日付にしました")
            )
        else:
            received_on = parsed
    section_id = sections.get(values.get("section", ""))
    if values.get("section") and section_id is None:
        report.warnings.append(
            (number, f"章・節「{values['section']}」が見つからないため空欄にしました")
        )
    data = CommentInput(
        body=body,
        section_id=section_id,
        age_group=age_group,
        district=values.get("district") or None,
        relation=relation,
        name=values.get("name") or None,
        email=values.get("email") or None,
    )
    return data, received_on
