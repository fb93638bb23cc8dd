"""Which column holds what: the Mapping a planner chooses (the comment's text, an ID, the
attributes, a question per column or per option), the columns a question can be read from,
and where the mapping's columns are in a file's header."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from workshop.consultations.imports.reading import read_header
from workshop.errors import ImportFailed
from workshop.models import Consultation, Question, QuestionType
from workshop.questionnaires.services import RawAnswer, raw_from_cell, raw_from_option_cells

ATTRIBUTES = ("age_group", "district", "relation", "received_on", "section", "name", "email")


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
