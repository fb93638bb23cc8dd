"""Themes by respondents' attributes: a cross table and a comparison of two segments.

The rows of a snapshot are counted in one GROUP BY query (one row per theme and combination of
attributes, a few thousand at most, whatever the number of comments); everything after that
is pure functions over those rows, so the numbers can be checked by hand in tests.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import Subquery, func, or_, select

from workshop.extensions import db
from workshop.labels import AGE_GROUP, CHANNEL, RELATION_SHORT
from workshop.models import (
    AgeGroup,
    Answer,
    Channel,
    Comment,
    Consultation,
    QuestionOption,
    QuestionType,
    Relation,
    ThemeAssignment,
)
from workshop.models.questionnaires import CHOICE_TYPES

ATTRIBUTES = ("age_group", "district", "relation", "channel", "table", "question")
ATTRIBUTE_LABELS = {
    "age_group": "年代",
    "district": "地区",
    "relation": "市との関係",
    "channel": "経路",
    "table": "テーブル（ワークショップ）",
    "question": "問い（ワークショップ）",
}
# kept in Comment.extra by workshops: the table of typed-in 付箋, a live board's question and table
EXTRA_ATTRIBUTES = ("table", "question")
UNANSWERED = ""  # the value of a comment that did not give the attribute
UNANSWERED_LABEL = "回答なし"
# a choice question of the questionnaire is an attribute too: "q.smartphone" (keys and option
# codes are [A-Za-z0-9_-], so neither the prefix nor OTHER_VALUE can clash with them)
QUESTION_PREFIX = "q."
OTHER_VALUE = "*other"  # a multiple choice's 「その他」 with its own text
OTHER_LABEL = "その他"
CODE_SEPARATOR = "\x1f"


def question_attribute(key: str) -> str:
    return QUESTION_PREFIX + key


def is_attribute(name: str) -> bool:
    return name in ATTRIBUTES or name.startswith(QUESTION_PREFIX)


@dataclass(frozen=True)
class Attributes:
    """What the themes of one consultation can be broken down by: the respondents' fixed
    attributes and the questionnaire's choice questions, with their names and value labels."""

    names: Mapping[str, str] = field(default_factory=lambda: dict(ATTRIBUTE_LABELS))
    districts: Sequence[str] = ()
    # question attribute -> option code -> label, and the database id of its question
    options: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    question_ids: Mapping[str, int] = field(default_factory=dict)
    multiple: frozenset[str] = frozenset()  # where a respondent may choose several values

    @classmethod
    def of(cls, consultation: Consultation) -> Attributes:
        names = dict(ATTRIBUTE_LABELS)
        options: dict[str, dict[str, str]] = {}
        question_ids: dict[str, int] = {}
        multiple = set()
        for question in consultation.questions:
            if question.type not in CHOICE_TYPES:
                continue
            attribute = question_attribute(question.key)
            names[attribute] = f"問「{question.text}」"
            options[attribute] = {option.code: option.label for option in question.options}
            if question.has_other:
                options[attribute][OTHER_VALUE] = OTHER_LABEL
            question_ids[attribute] = question.id
            if question.type is QuestionType.MULTIPLE:
                multiple.add(attribute)
        return cls(names, tuple(consultation.districts), options, question_ids, frozenset(multiple))

    def questions(self, attributes: Iterable[str]) -> dict[str, int]:
        """attribute -> question id, for those of ``attributes`` that are questions."""
        return {name: self.question_ids[name] for name in attributes if name in self.question_ids}


FIXED = Attributes()


@dataclass(frozen=True)
class CommentRow:
    """The comments of a snapshot with one theme and the same attributes (enum values as plain
    strings), and how many they are."""

    theme_id: int
    age_group: str
    district: str
    relation: str
    channel: str
    count: int = 1
    table: str = UNANSWERED
    question: str = UNANSWERED
    # question attribute -> the codes chosen (several for a multiple choice)
    answers: Mapping[str, frozenset[str]] = field(default_factory=dict)

    def values(self, attribute: str) -> frozenset[str]:
        """The values these comments have for an attribute: one, or for a multiple choice
        question those chosen ({UNANSWERED} when none)."""
        if attribute.startswith(QUESTION_PREFIX):
            return self.answers.get(attribute) or frozenset({UNANSWERED})
        return frozenset({str(getattr(self, attribute))})


def fetch_rows(analysis_id: int, questions: Mapping[str, int] | None = None) -> list[CommentRow]:
    """The snapshot's comments counted per theme and attributes; ``questions`` (attribute ->
    question id, from Attributes.questions) adds the answers to those choice questions."""
    questions = questions or {}
    extra = [Comment.extra[name].as_string() for name in EXTRA_ATTRIBUTES]
    chosen = [chosen_codes(question_id) for question_id in questions.values()]
    attributes: list[Any] = [
        Comment.age_group,
        Comment.district,
        Comment.relation,
        Comment.channel,
        *extra,
        *(codes.c.codes for codes in chosen),
    ]
    stmt = (
        select(ThemeAssignment.theme_id, func.count(), *attributes)
        .join(Comment, Comment.id == ThemeAssignment.comment_id)
        .where(ThemeAssignment.analysis_id == analysis_id)
        .group_by(ThemeAssignment.theme_id, *attributes)
    )
    for codes in chosen:
        stmt = stmt.outerjoin(codes, codes.c.comment_id == Comment.id)
    rows = []
    for (
        theme_id,
        count,
        age_group,
        district,
        relation,
        channel,
        table,
        question,
        *joined,
    ) in db.session.execute(stmt):
        rows.append(
            CommentRow(
                theme_id=theme_id,
                age_group=age_group.value if age_group else UNANSWERED,
                district=district or UNANSWERED,
                relation=relation.value if relation else UNANSWERED,
                channel=channel.value if channel else UNANSWERED,
                count=count,
                table=table or UNANSWERED,
                question=question or UNANSWERED,
                answers={
                    attribute: frozenset(codes.split(CODE_SEPARATOR))
                    for attribute, codes in zip(questions, joined, strict=True)
                    if codes
                },
            )
        )
    return rows


def chosen_codes(question_id: int) -> Subquery:
    """Per response, the codes chosen in one question joined into one string (the 「その他」
    of a multiple choice as OTHER_VALUE): one row per comment, whatever it chose."""
    code = func.coalesce(QuestionOption.code, OTHER_VALUE)
    return (
        select(
            Answer.comment_id.label("comment_id"),
            func.aggregate_strings(code, CODE_SEPARATOR).label("codes"),
        )
        .outerjoin(QuestionOption, QuestionOption.id == Answer.option_id)
        .where(
            Answer.question_id == question_id,
            or_(Answer.option_id.is_not(None), Answer.other_text.is_not(None)),
        )
        .group_by(Answer.comment_id)
        .subquery()
    )


def regroup_rows(rows: Iterable[CommentRow], key_of: Mapping[int, int]) -> list[CommentRow]:
    """The rows with each theme id replaced by its row's key (its large theme, for example);
    the counts of rows that fall together are summed by cross_table() and compare()."""
    return [replace(row, theme_id=key_of.get(row.theme_id, row.theme_id)) for row in rows]


def value_labels(attribute: str, attributes: Attributes = FIXED) -> dict[str, str]:
    """Every value an attribute can take, in the order people expect, with its Japanese label."""
    if attribute == "age_group":
        known = {group.value: AGE_GROUP[group] for group in AgeGroup}
    elif attribute == "relation":
        known = {relation.value: RELATION_SHORT[relation] for relation in Relation}
    elif attribute == "channel":
        known = {channel.value: CHANNEL[channel] for channel in Channel}
    elif attribute == "district":
        known = {district: district for district in attributes.districts}
    elif attribute in EXTRA_ATTRIBUTES:
        known = {}  # free text: the values found, in present_values()
    elif attribute in attributes.options:
        known = dict(attributes.options[attribute])
    else:
        raise ValueError(f"unknown attribute {attribute!r}")
    return known | {UNANSWERED: UNANSWERED_LABEL}


def present_values(
    rows: Iterable[CommentRow], attribute: str, attributes: Attributes = FIXED
) -> dict[str, str]:
    """The values that occur in ``rows``, in label order; unknown districts after the known ones."""
    found = {value for row in rows for value in row.values(attribute)}
    labels = value_labels(attribute, attributes)
    ordered = {value: label for value, label in labels.items() if value in found}
    extra = sorted(found - set(labels))
    result = {value: value for value in extra}
    if UNANSWERED in ordered:
        label = ordered.pop(UNANSWERED)
        return ordered | result | {UNANSWERED: label}
    return ordered | result


def share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


# ---------------------------------------------------------------- cross table


@dataclass(frozen=True)
class CrossTable:
    """Counts of themes (rows) × values of one attribute (columns).

    A multiple choice question counts a comment once under each option its writer chose, so
    a row's cells can add up to more than its comments: the row shares are of the theme's
    comments (``theme_totals``), not of the cells.
    """

    attribute: str
    theme_ids: tuple[int, ...]
    values: tuple[str, ...]
    counts: Mapping[tuple[int, str], int]
    theme_totals: Mapping[int, int]  # comments per theme

    def count(self, theme_id: int, value: str) -> int:
        return self.counts.get((theme_id, value), 0)

    def row_total(self, theme_id: int) -> int:
        return self.theme_totals.get(theme_id, 0)

    def column_total(self, value: str) -> int:
        return sum(self.count(theme_id, value) for theme_id in self.theme_ids)

    @property
    def total(self) -> int:
        return sum(self.theme_totals.values())

    def row_share(self, theme_id: int, value: str) -> float:
        """Of this theme's comments, the share from people with this value."""
        return share(self.count(theme_id, value), self.row_total(theme_id))

    def column_share(self, theme_id: int, value: str) -> float:
        """Of the comments of people with this value, the share about this theme."""
        return share(self.count(theme_id, value), self.column_total(value))

    def theme_share(self, theme_id: int) -> float:
        return share(self.row_total(theme_id), self.total)


def cross_table(
    rows: Iterable[CommentRow], attribute: str, theme_ids: Sequence[int], values: Sequence[str]
) -> CrossTable:
    if not is_attribute(attribute):
        raise ValueError(f"unknown attribute {attribute!r}")
    counts: Counter[tuple[int, str]] = Counter()
    totals: Counter[int] = Counter()
    for row in rows:
        totals[row.theme_id] += row.count
        for value in row.values(attribute):
            counts[row.theme_id, value] += row.count
    return CrossTable(attribute, tuple(theme_ids), tuple(values), dict(counts), dict(totals))


# ---------------------------------------------------------------- two segments


@dataclass(frozen=True)
class Segment:
    """Comments whose attributes match: any of the values within an attribute, all attributes."""

    values: Mapping[str, frozenset[str]]  # attribute -> accepted values

    @classmethod
    def parse(cls, pairs: Iterable[str]) -> Segment:
        """From form values such as "age_group:60s"."""
        values: dict[str, set[str]] = {}
        for pair in pairs:
            attribute, _, value = pair.partition(":")
            if is_attribute(attribute):
                values.setdefault(attribute, set()).add(value)
        return cls({attribute: frozenset(accepted) for attribute, accepted in values.items()})

    @property
    def is_empty(self) -> bool:
        return not self.values

    def matches(self, row: CommentRow) -> bool:
        """Every attribute has one of its accepted values (for a multiple choice: at least
        one of the options chosen is accepted)."""
        return all(row.values(attribute) & accepted for attribute, accepted in self.values.items())


@dataclass(frozen=True)
class ComparisonLine:
    theme_id: int
    count_a: int
    count_b: int
    share_a: float  # of segment A's comments, the share in this theme
    share_b: float

    @property
    def difference(self) -> float:
        """A's share minus B's share: positive where A raises the theme more."""
        return self.share_a - self.share_b


@dataclass(frozen=True)
class Comparison:
    n_a: int
    n_b: int
    lines: tuple[ComparisonLine, ...]  # by difference, largest first


def compare(
    rows: Sequence[CommentRow], theme_ids: Sequence[int], a: Segment, b: Segment | None
) -> Comparison:
    """Shares of each theme in segment A and in segment B (None or empty: everyone not in A)."""
    in_a = [row for row in rows if a.matches(row)]
    if b is None or b.is_empty:
        in_b = [row for row in rows if not a.matches(row)]
    else:
        in_b = [row for row in rows if b.matches(row)]
    counts_a, counts_b = theme_counts(in_a), theme_counts(in_b)
    n_a, n_b = sum(counts_a.values()), sum(counts_b.values())
    lines = [
        ComparisonLine(
            theme_id=theme_id,
            count_a=counts_a[theme_id],
            count_b=counts_b[theme_id],
            share_a=share(counts_a[theme_id], n_a),
            share_b=share(counts_b[theme_id], n_b),
        )
        for theme_id in theme_ids
    ]
    order = {theme_id: position for position, theme_id in enumerate(theme_ids)}
    lines.sort(key=lambda line: (-line.difference, order[line.theme_id]))
    return Comparison(n_a=n_a, n_b=n_b, lines=tuple(lines))


def theme_counts(rows: Iterable[CommentRow]) -> Counter[int]:
    counts: Counter[int] = Counter()
    for row in rows:
        counts[row.theme_id] += row.count
    return counts


def describe(
    segment: Segment,
    labels: Mapping[str, Mapping[str, str]],
    names: Mapping[str, str] = ATTRIBUTE_LABELS,
) -> str:
    """「年代: 60代・70代、地区: 中央地区」; labels is attribute -> value -> label."""
    parts = []
    for attribute in names:
        accepted = segment.values.get(attribute)
        if not accepted:
            continue
        value_names = labels.get(attribute, {})
        ordered = [label for value, label in value_names.items() if value in accepted]
        ordered += sorted(value for value in accepted if value not in value_names)
        parts.append(f"{names[attribute]}: {'・'.join(ordered)}")
    return "、".join(parts)


def attribute_labels(
    rows: Sequence[CommentRow], attributes: Attributes = FIXED
) -> dict[str, dict[str, str]]:
    """attribute -> value -> label: the respondents' attributes with the values that occur in
    these rows, then each choice question with all its options."""
    found = {attribute: present_values(rows, attribute, attributes) for attribute in ATTRIBUTES}
    return found | {
        attribute: dict(options) | {UNANSWERED: UNANSWERED_LABEL}
        for attribute, options in attributes.options.items()
    }


def presets(labels: Mapping[str, Mapping[str, str]]) -> list[tuple[str, dict[str, list[str]]]]:
    """The comparisons planners ask for most, as form values, where the analysis has the values."""
    found = []
    ages = [value for value in labels.get("age_group", {}) if value != UNANSWERED]
    older = [value for value in ages if value in ("60s", "70s", "80_plus")]
    younger = [value for value in ages if value not in older]
    if older and younger:
        found.append(
            (
                "60代以上と59歳以下",
                {
                    "a": [f"age_group:{value}" for value in older],
                    "b": [f"age_group:{value}" for value in younger],
                },
            )
        )
    channels = labels.get("channel", {})
    if "workshop" in channels and "web" in channels:
        found.append(("ワークショップとウェブ", {"a": ["channel:workshop"], "b": ["channel:web"]}))
    districts = [value for value in labels.get("district", {}) if value != UNANSWERED]
    if len(districts) > 1:
        found.append(
            (f"{districts[0]}とそれ以外の地区", {"a": [f"district:{districts[0]}"], "b": []})
        )
    return found


def cross_table_csv(
    table: CrossTable,
    values: Mapping[str, str],
    names: Mapping[int, str],
    attribute_name: str,
    *,
    theme_heading: str = "テーマ",
    parents: Mapping[int, str] | None = None,
) -> tuple[tuple[str, ...], list[tuple[str | int | float, ...]]]:
    """Header and rows in long form (one row per theme and value), shares in percent;
    ``parents`` (theme id -> its large theme's name) adds a first column 大きなテーマ."""
    header = (
        theme_heading,
        attribute_name,
        "件数",
        f"{theme_heading}の中の割合(%)",
        f"{attribute_name}の中の割合(%)",
    )
    rows: list[tuple[str | int | float, ...]] = [
        (
            names[theme_id],
            label,
            table.count(theme_id, value),
            round(100 * table.row_share(theme_id, value), 1),
            round(100 * table.column_share(theme_id, value), 1),
        )
        for theme_id in table.theme_ids
        for value, label in values.items()
    ]
    if parents is None:
        return header, rows
    per_theme = len(values)
    with_parents = [
        (parents.get(table.theme_ids[index // per_theme], ""), *row)
        for index, row in enumerate(rows)
    ]
    return ("大きなテーマ", *header), with_parents
