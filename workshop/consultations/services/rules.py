"""What every comment must be, whoever enters it: the checks and their Japanese messages."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol, TypeVar

from workshop.errors import ConsultationNotOpen, DomainError
from workshop.models import AgeGroup, ConsultationStatus, Relation
from workshop.models.consultations import COMMENT_MAX_CHARS
from workshop.text import clean_text
from workshop.timeutil import format_date
from workshop.validation import CHOICE_MESSAGE, email_problem

T = TypeVar("T")


@dataclass(frozen=True)
class CommentInput:
    body: str
    section_id: int | None = None
    age_group: AgeGroup | None = None
    district: str | None = None
    relation: Relation | None = None
    name: str | None = None
    email: str | None = None
    extra: dict[str, str] = field(default_factory=dict)


class SectionLike(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def heading(self) -> str: ...


class CommentDestination(Protocol):
    """A consultation as the comment form and its checks see it: the ORM row, or a
    CommentTarget on the resident's final submit."""

    @property
    def id(self) -> int: ...
    @property
    def receipt_prefix(self) -> str: ...
    @property
    def opens_on(self) -> date: ...
    @property
    def closes_on(self) -> date: ...
    @property
    def districts(self) -> Sequence[str]: ...
    @property
    def sections(self) -> Sequence[SectionLike]: ...
    @property
    def status(self) -> ConsultationStatus: ...
    @property
    def is_open(self) -> bool: ...
    def section(self, section_id: int | None) -> SectionLike | None: ...


CLOSED_MESSAGES = {
    ConsultationStatus.UPCOMING: "この意見募集はまだ始まっていません。{opens}から受け付けます。",
    ConsultationStatus.CLOSED: "この意見募集は{closes}で締め切りました。ご意見は受け付けていません。",
}


def closed_message(consultation: CommentDestination) -> str:
    return CLOSED_MESSAGES[consultation.status].format(
        opens=format_date(consultation.opens_on), closes=format_date(consultation.closes_on)
    )


def ensure_open(consultation: CommentDestination) -> None:
    if not consultation.is_open:
        raise ConsultationNotOpen(closed_message(consultation))


NAME_MAX_CHARS = 100
AGE_GROUPS = {age.value: age for age in AgeGroup}
RELATIONS = {relation.value: relation for relation in Relation}
# the fields of the resident's comment form, as posted
COMMENT_FIELDS = ("body", "section_id", "age_group", "district", "relation", "name", "email")


class CommentInvalid(DomainError):
    """What a resident typed does not pass; `problems` names each field with its message."""

    message = "入力内容をご確認ください。"
    status = 422

    def __init__(self, problems: Mapping[str, str]) -> None:
        # said alone (a flash, a log), the first problem is the message
        super().__init__(next(iter(problems.values()), None))
        self.problems = dict(problems)


def body_problem(body: str) -> str | None:
    cleaned = clean_text(body)
    if not cleaned:
        return "ご意見を入力してください。"
    if len(cleaned) > COMMENT_MAX_CHARS:
        return (
            f"ご意見は{COMMENT_MAX_CHARS:,}文字以内で入力してください"
            f"（いま{len(cleaned):,}文字です）。"
        )
    return None


def comment_problems(consultation: CommentDestination, data: CommentInput) -> dict[str, str]:
    """The checks every comment passes, whoever enters it: by field, in plain Japanese."""
    problems: dict[str, str] = {}
    if (problem := body_problem(data.body)) is not None:
        problems["body"] = problem
    if data.section_id is not None and consultation.section(data.section_id) is None:
        problems["section_id"] = CHOICE_MESSAGE
    if data.district and consultation.districts and data.district not in consultation.districts:
        problems["district"] = CHOICE_MESSAGE
    return problems


def validate_comment(consultation: CommentDestination, data: CommentInput) -> None:
    problems = comment_problems(consultation, data)
    if problems:
        raise CommentInvalid(problems)


def _chosen(
    posted: Mapping[str, str], name: str, allowed: Mapping[str, T], problems: dict[str, str]
) -> T | None:
    """The value of a select or radio field: nothing chosen, one of `allowed`, or a problem."""
    text = posted.get(name) or ""
    if text in ("", "None"):  # "None": the select's 選ばない option
        return None
    if text not in allowed:
        problems[name] = CHOICE_MESSAGE
        return None
    return allowed[text]


def read_comment(consultation: CommentDestination, posted: Mapping[str, str]) -> CommentInput:
    """A resident's comment from the posted form fields, checked: the same rules and words for
    the form, its confirmation page and the final submit, so the busiest POST needs no form
    object. Raises CommentInvalid naming every field that does not pass."""
    problems: dict[str, str] = {}
    sections = {str(section.id): section.id for section in consultation.sections}
    data = CommentInput(
        body=posted.get("body") or "",
        section_id=_chosen(posted, "section_id", sections, problems),
        age_group=_chosen(posted, "age_group", AGE_GROUPS, problems),
        district=_chosen(posted, "district", {d: d for d in consultation.districts}, problems),
        relation=_chosen(posted, "relation", RELATIONS, problems),
        name=posted.get("name") or None,
        email=(posted.get("email") or "").strip() or None,
    )
    problems = comment_problems(consultation, data) | problems
    if data.name is not None and len(data.name) > NAME_MAX_CHARS:
        problems["name"] = f"お名前は{NAME_MAX_CHARS}文字以内で入力してください。"
    if data.email is not None and (problem := email_problem(data.email)) is not None:
        problems["email"] = problem
    if problems:
        raise CommentInvalid(problems)
    return data
