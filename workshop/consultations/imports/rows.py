"""One row of a survey file as a comment: its answers by the questionnaire's own rules, its
attribute cells as typed values (what cannot be read is left empty and noted), and the key
that identifies a row without an ID column."""

from __future__ import annotations

import hashlib
import re
from datetime import date

from workshop.consultations.imports.columns import QuestionColumns
from workshop.consultations.imports.report import ImportReport
from workshop.consultations.services import CommentInput
from workshop.models import Consultation, Profile, Question
from workshop.questionnaires.services import AnswerInput, check_answers
from workshop.questionnaires.services.profile import option_for
from workshop.timeutil import today_tokyo

DATE_PATTERN = re.compile(r"(\d{4})\s*[-/年.]\s*(\d{1,2})\s*[-/月.]\s*(\d{1,2})")


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


def profile_value(
    consultation: Consultation,
    profile: Profile,
    raw: str | None,
    number: int,
    report: ImportReport,
) -> str | None:
    """An age group's or relation's cell as the code of its option (「70歳代」 reads as 70代);
    what no option names is left empty and noted."""
    question = consultation.profile_question(profile)
    if not raw or question is None:
        return None
    option = option_for(question, raw) or option_for(question, raw.replace("歳", ""))
    if option is None:
        name = "年代" if profile is Profile.AGE_GROUP else "関係"
        report.warnings.append((number, f"{name}「{raw}」を読み取れないため空欄にしました"))
        return None
    return option.code


def interpret(
    consultation: Consultation,
    values: dict[str, str],
    body: str,
    number: int,
    report: ImportReport,
) -> tuple[CommentInput, date]:
    """Turn a row's attribute cells into typed values; what cannot be read is left empty, noted.
    A district the consultation does not list is kept as it is written (profile.keep_district)."""
    sections = {s.heading: s.id for s in consultation.sections}
    age_group = profile_value(
        consultation, Profile.AGE_GROUP, values.get("age_group"), number, report
    )
    relation = profile_value(consultation, Profile.RELATION, values.get("relation"), number, report)
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
