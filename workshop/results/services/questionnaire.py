"""A questionnaire's results, counted in SQL: per question, and a cross tab of two questions.

Every count is a GROUP BY over `answer` (one row per chosen option; the index on question,
option and response covers it), so 50,000 responses come back as a few hundred rows, whatever
their number: Python only arranges them. A number question's quartiles are read as the few
sorted values they need (row_number() over the answers, both SQLite and PostgreSQL).

Every response counts, the hidden ones too (hiding a comment keeps its text off the public
pages; its choices are still an answer), as in the theme breakdowns.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from flask_babel import gettext
from markupsafe import Markup
from sqlalchemy import Select, func, select
from sqlalchemy.orm import aliased, selectinload

from workshop.errors import DomainError
from workshop.extensions import db
from workshop.models import Analysis, Answer, Question, QuestionType
from workshop.models.questionnaires import CHOICE_TYPES
from workshop.results import charts
from workshop.results.tallies import (
    OTHER_CODE,
    OTHER_LABEL,
    ChoiceTally,
    CrossTab,
    NumberSummary,
    OptionCount,
    quantile,
    ranks_needed,
)
from workshop.themes import stats
from workshop.themes.levels import Level, theme_level


class NotAChoiceQuestion(DomainError):
    status = 422
    code = "not_a_choice_question"


@dataclass(frozen=True)
class QuestionResult:
    """One question with what its page shows: a chart and a table, or for a text question the
    number who wrote something."""

    question: Question
    answered: int
    tally: ChoiceTally | None = None
    summary: NumberSummary | None = None

    @property
    def anchor(self) -> str:
        return f"question-{self.question.key}"

    def chart(self) -> Markup | None:
        if self.tally is not None and self.question.type is QuestionType.SCALE:
            return charts.scale_chart(
                self.tally,
                self.question.scale_min_label or "",
                self.question.scale_max_label or "",
            )
        if self.tally is not None:
            return charts.choice_chart(self.tally)
        if self.summary is not None:
            return charts.number_chart(self.summary)
        return None


def questions_of(consultation_id: int) -> list[Question]:
    """The questionnaire's questions, then those about the respondent (年代, 地区, 関係: they
    are counted and cross-tabulated like the others); none without a questionnaire."""
    stmt = (
        select(Question)
        .where(Question.consultation_id == consultation_id)
        .options(selectinload(Question.options))
        .order_by(Question.profile.is_not(None), Question.position, Question.id)
    )
    questions = list(db.session.scalars(stmt))
    return questions if any(q.profile is None for q in questions) else []


def answered_counts(question_ids: Sequence[int], *, distinct: bool) -> dict[int, int]:
    """question id -> respondents with at least one answer to it. Only a multiple choice
    has several rows per respondent and needs COUNT(DISTINCT), which sorts its rows."""
    if not question_ids:
        return {}
    counted = func.count(func.distinct(Answer.comment_id)) if distinct else func.count()
    stmt = (
        select(Answer.question_id, counted)
        .where(Answer.question_id.in_(question_ids))
        .group_by(Answer.question_id)
    )
    return {question_id: count for question_id, count in db.session.execute(stmt)}


def option_counts(question_ids: Sequence[int]) -> dict[int, dict[int | None, int]]:
    """question id -> option id (None: 「その他」 with its own text) -> respondents."""
    counts: dict[int, dict[int | None, int]] = defaultdict(dict)
    if not question_ids:
        return counts
    stmt = (
        select(Answer.question_id, Answer.option_id, func.count())
        .where(Answer.question_id.in_(question_ids))
        .group_by(Answer.question_id, Answer.option_id)
    )
    for question_id, option_id, count in db.session.execute(stmt):
        counts[question_id][option_id] = count
    return counts


def scale_mean(question: Question, counts: dict[int | None, int]) -> float | None:
    """The mean point of a scale from its counts per point (an option's code is its value):
    no second pass over the answers."""
    total = sum(counts.get(o.id, 0) for o in question.options)
    if not total:
        return None
    return sum(float(o.code) * counts.get(o.id, 0) for o in question.options) / total


def words(question: Question, text: str) -> str:
    """A question about the respondent speaks the app's own words, shown in the page's
    language; a city's question is shown as the city wrote it."""
    return gettext(text) if question.profile is not None else text


def option_lines(
    question: Question, counts: dict[int | None, int], *, with_hidden: bool = False
) -> tuple[OptionCount, ...]:
    """The options in their order (a hidden one only if someone chose it), then 「その他」."""
    lines = []
    for option in question.options:
        if with_hidden or not option.is_hidden or counts.get(option.id):
            label = words(question, option.label)
            count = counts.get(option.id, 0)
            lines.append(
                OptionCount(option.code, label, count, in_page_language=label != option.label)
            )
    if question.has_other or counts.get(None):
        lines.append(OptionCount(OTHER_CODE, OTHER_LABEL, counts.get(None, 0)))
    return tuple(lines)


def choice_tally(
    question: Question, answered: int, counts: dict[int | None, int], mean: float | None = None
) -> ChoiceTally:
    return ChoiceTally(
        key=question.key,
        text=words(question, question.text),
        answered=answered,
        options=option_lines(question, counts),
        is_multiple=question.type is QuestionType.MULTIPLE,
        mean=mean,
        in_page_language=question.profile is not None,
    )


def number_summary(question: Question) -> NumberSummary:
    """Count, mean, min and max in one query; the quartiles from the (at most six) sorted
    values they need, numbered by row_number() in the database."""
    value = Answer.number_value
    mine = (Answer.question_id == question.id, value.is_not(None))
    n, mean, low, high = db.session.execute(
        select(func.count(), func.avg(value), func.min(value), func.max(value)).where(*mine)
    ).one()
    if not n:
        return NumberSummary(question.key, question.text, 0)
    ranked = (
        select(value.label("value"), func.row_number().over(order_by=value).label("rank"))
        .where(*mine)
        .subquery()
    )
    wanted = sorted(ranks_needed(n))
    at = {
        rank: float(found)
        for found, rank in db.session.execute(
            select(ranked.c.value, ranked.c.rank).where(ranked.c.rank.in_(wanted))
        )
    }
    return NumberSummary(
        question.key,
        question.text,
        n,
        mean=float(mean),
        minimum=float(low),
        q1=quantile(at, n, 0.25),
        median=quantile(at, n, 0.5),
        q3=quantile(at, n, 0.75),
        maximum=float(high),
    )


def question_results(consultation_id: int) -> list[QuestionResult]:
    """Every question of the consultation in order, with its counts: one GROUP BY for the
    options of every choice question, one for the respondents per multiple choice, one for
    the other questions' answers, and two per number question."""
    questions = questions_of(consultation_id)
    choice_ids = [q.id for q in questions if q.type in CHOICE_TYPES]
    multiple_ids = [q.id for q in questions if q.type is QuestionType.MULTIPLE]
    other_ids = [q.id for q in questions if q.type not in CHOICE_TYPES]
    counts = option_counts(choice_ids)
    answered = answered_counts(multiple_ids, distinct=True)
    answered |= answered_counts(other_ids, distinct=False)  # one row per respondent
    results = []
    for question in questions:
        if question.type in CHOICE_TYPES:
            mine = counts[question.id]
            # single choice and scale: one row per respondent, so the counts add up to them
            n = answered.get(question.id, sum(mine.values()))
            mean = scale_mean(question, mine) if question.type is QuestionType.SCALE else None
            tally = choice_tally(question, n, mine, mean)
            results.append(QuestionResult(question, n, tally=tally))
        elif question.type is QuestionType.NUMBER:
            summary = number_summary(question)
            results.append(QuestionResult(question, summary.n, summary=summary))
        else:
            results.append(QuestionResult(question, answered.get(question.id, 0)))
    return results


# ---------------------------------------------------------------- cross tab


def choice_question(consultation_id: int, key: str) -> Question:
    question = db.session.scalars(
        select(Question)
        .where(Question.consultation_id == consultation_id, Question.key == key)
        .options(selectinload(Question.options))
    ).one_or_none()
    if question is None or question.type not in CHOICE_TYPES:
        raise NotAChoiceQuestion("クロス集計には、選択式か尺度の質問を2つ選んでください。")
    return question


def cross_tab(consultation_id: int, row_key: str, column_key: str) -> CrossTab:
    """Respondents by the options of two choice questions of the consultation.

    Three GROUP BY queries: the cells, the respondents per row option (who also answered the
    column question) and per column option; a multiple choice respondent is in several cells
    of a row, so totals are counted, never summed from cells.
    """
    if row_key == column_key:
        raise NotAChoiceQuestion("クロス集計には、違う質問を2つ選んでください。")
    row_q = choice_question(consultation_id, row_key)
    column_q = choice_question(consultation_id, column_key)
    a, b = aliased(Answer), aliased(Answer)
    # "+ 0": each answer of the row question finds the same response's answers by the index
    # on (comment_id, question_id). Without it SQLite (no ANALYZE statistics) reads b by the
    # covering index on question_id and scans every answer of the column question for each
    # row answer: 1.09 s instead of 0.015 s at 2,000 responses, quadratic in their number.
    cells = db.session.execute(
        select(a.option_id, b.option_id, func.count())
        .join(b, b.comment_id == a.comment_id)
        .where(a.question_id == row_q.id, b.question_id + 0 == column_q.id)
        .group_by(a.option_id, b.option_id)
    )
    counts: dict[tuple[int | None, int | None], int] = {
        (row, column): count for row, column, count in cells
    }
    answered_column = select(b.comment_id).where(b.question_id == column_q.id)
    answered_row = select(a.comment_id).where(a.question_id == row_q.id)
    row_totals = answer_totals(row_q.id, answered_column)
    column_totals = answer_totals(column_q.id, answered_row)
    total = db.session.scalar(
        select(func.count(func.distinct(Answer.comment_id))).where(
            Answer.question_id == row_q.id, Answer.comment_id.in_(answered_column)
        )
    )
    row_codes = codes(row_q)
    column_codes = codes(column_q)
    return CrossTab(
        row_key=row_q.key,
        row_text=row_q.text,
        column_key=column_q.key,
        column_text=column_q.text,
        rows=option_lines(row_q, row_totals),
        columns=option_lines(column_q, column_totals),
        counts={
            (row_codes.get(row, OTHER_CODE), column_codes.get(column, OTHER_CODE)): count
            for (row, column), count in counts.items()
        },
        total=total or 0,
        row_is_multiple=row_q.type is QuestionType.MULTIPLE,
        column_is_multiple=column_q.type is QuestionType.MULTIPLE,
    )


def codes(question: Question) -> dict[int | None, str]:
    return {option.id: option.code for option in question.options}


def answer_totals(question_id: int, among: Select[int]) -> dict[int | None, int]:
    """option id -> respondents who chose it and are among the comment ids of `among`."""
    stmt = (
        select(Answer.option_id, func.count())
        .where(Answer.question_id == question_id, Answer.comment_id.in_(among))
        .group_by(Answer.option_id)
    )
    return {option_id: count for option_id, count in db.session.execute(stmt)}


def choice_questions(results: Sequence[QuestionResult]) -> list[Question]:
    """The questions a cross tab can use: attributes (年代, 地区) first, then the others."""
    found = [r.question for r in results if r.question.type in CHOICE_TYPES]
    return sorted(found, key=lambda q: not q.is_attribute)


# ---------------------------------------------------------------- themes by a choice question


def themes_by_question(analysis: Analysis, key: str, level: Level = Level.SMALL) -> CrossTab:
    """The options of a choice question (rows) by the themes of the free-text comments
    (columns) at one level (the large themes, or the themes), among the comments that
    answered the question: the row shares say what those who never use a smartphone write
    about. Counted by the theme pages' own breakdown (themes.stats), so both pages give the
    same numbers."""
    question = choice_question(analysis.consultation_id, key)
    attribute = stats.question_attribute(question.key)
    themes = theme_level(analysis, level)
    rows = [
        row
        for row in stats.regroup_rows(
            stats.fetch_rows(analysis.id, {attribute: question.id}), themes.key_of
        )
        if stats.UNANSWERED not in row.values(attribute)
    ]
    theme_ids = list(themes.keys)
    values = [option.code for option in question.options] + [stats.OTHER_VALUE]
    table = stats.cross_table(rows, attribute, theme_ids, values)
    code_of = {stats.OTHER_VALUE: OTHER_CODE}  # tallies name 「その他」 by the empty code
    per_option = {option.id: table.column_total(option.code) for option in question.options}
    return CrossTab(
        row_key=question.key,
        row_text=question.text,
        column_key="theme",
        column_text="テーマ",
        rows=option_lines(question, per_option | {None: table.column_total(stats.OTHER_VALUE)}),
        columns=tuple(
            OptionCount(str(key), themes.labels[key], table.row_total(key)) for key in theme_ids
        ),
        counts={
            (code_of.get(value, value), str(theme_id)): table.count(theme_id, value)
            for theme_id in theme_ids
            for value in values
            if table.count(theme_id, value)
        },
        total=table.total,
        row_is_multiple=question.type is QuestionType.MULTIPLE,
    )
