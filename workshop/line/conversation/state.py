"""What goes in and out of a turn: the resident's state (Person, at its Step), what the town
offers (Town: the open consultations, the districts, the workshops open for sign-up), and the
Outcome: the replies, the new state, and a comment or sign-up to store."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from workshop.line import asking
from workshop.line_api import QUICK_REPLY_MAX
from workshop.models import AgeGroup, Question
from workshop.questionnaires.services.answers import AnswerInput


class Step(enum.StrEnum):
    IDLE = "idle"
    AGE = "age"
    DISTRICT = "district"
    CHOOSE = "choose"
    ANSWER = "answer"  # a question of the consultation's questionnaire
    WRITE = "write"
    CONFIRM = "confirm"
    PICK_WORKSHOP = "pick_workshop"
    MODE = "mode"
    NAME = "name"
    SIGN_UP = "sign_up"


@dataclass(frozen=True)
class Consultation:
    """An open consultation as the conversation shows it."""

    id: int
    title: str
    url: str
    districts: tuple[str, ...] = ()
    questions: tuple[Question, ...] = ()  # its questionnaire, asked before the free text


@dataclass(frozen=True)
class WorkshopOffer:
    """A workshop open for sign-up as the conversation shows it."""

    id: int
    title: str
    when: str  # 2026年12月17日（木）14:00〜16:00
    where: str  # the venue, オンライン, or both
    url: str
    seats: str  # 残り5席 / 満席（キャンセル待ちで申し込めます）
    # the ways to take part, (value, label); more than one for a hybrid workshop
    modes: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Person:
    """What the city keeps of a LINE user who agreed (None: has not agreed, keeps nothing)."""

    age_group: AgeGroup | None = None
    district: str | None = None
    step: Step = Step.IDLE
    consultation_id: int | None = None
    draft: tuple[str, ...] = ()
    # the questionnaire being answered: the answers as typed, the questions asked so far
    given: tuple[asking.Given, ...] = ()
    asked: tuple[str, ...] = ()
    # a sign-up being made (kept only until it is sent or cancelled)
    workshop_id: int | None = None
    mode: str | None = None
    name: str = ""


@dataclass(frozen=True)
class Reply:
    text: str
    quick: tuple[str, ...] = ()


@dataclass(frozen=True)
class Submit:
    """A comment to store, with the receipt number in the next reply."""

    consultation_id: int
    body: str
    age_group: AgeGroup | None
    district: str | None
    answers: tuple[AnswerInput, ...] = ()


@dataclass(frozen=True)
class SignUp:
    """A sign-up to make, its result (seat or waiting list) in the next reply."""

    workshop_id: int
    mode: str | None
    name: str
    age_group: AgeGroup | None
    district: str | None


@dataclass(frozen=True)
class Outcome:
    person: Person | None  # None: keep nothing (not agreed, or 「同意しない」)
    replies: tuple[Reply, ...]
    submit: Submit | None = None
    forget: bool = False  # 「同意しない」 after agreeing: remove what is kept
    sign_up: SignUp | None = None


@dataclass(frozen=True)
class Town:
    """What the conversation offers: the open consultations, the city's districts and the
    workshops open for sign-up."""

    consultations: tuple[Consultation, ...]
    districts: tuple[str, ...] = field(default=())
    workshops: tuple[WorkshopOffer, ...] = field(default=())


def at_rest(person: Person) -> Person:
    """The person with nothing under way: no draft, no sign-up being made."""
    return replace(
        person,
        step=Step.IDLE,
        consultation_id=None,
        draft=(),
        given=(),
        asked=(),
        workshop_id=None,
        mode=None,
        name="",
    )


def is_busy(person: Person) -> bool:
    """A comment, its questionnaire's answers or a sign-up are under way: a new start
    would drop them."""
    return bool(person.draft or person.given or person.workshop_id)


def buttons(choices: Sequence[str], *controls: str) -> tuple[str, ...]:
    """Quick replies: the choices, then the controls (答えない, やめる). LINE shows at most 13:
    with more choices the controls stay, and a choice beyond the buttons is typed."""
    return (*choices[: QUICK_REPLY_MAX - len(controls)], *controls)
