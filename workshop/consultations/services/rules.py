"""What every comment must be, whoever enters it: the checks and their messages, in the
language of the page (Japanese for staff, LINE and files)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from workshop.errors import ConsultationNotOpen, DomainError
from workshop.models import Consultation, ConsultationStatus, Profile
from workshop.models.consultations import COMMENT_MAX_CHARS
from workshop.preferences.language import format_date, format_number
from workshop.questionnaires.services import AnswerInput
from workshop.questionnaires.services.profile import profile_answers
from workshop.text import clean_text
from workshop.validation import CHOICE_MESSAGE


@dataclass(frozen=True)
class CommentInput:
    body: str
    section_id: int | None = None
    # the answers about the respondent, by an option's code or label (profile.option_for)
    age_group: str | None = None
    district: str | None = None
    relation: str | None = None
    name: str | None = None
    email: str | None = None
    extra: dict[str, str] = field(default_factory=dict)
    # a questionnaire's answers, checked by its questions' rules (questionnaires.services)
    answers: tuple[AnswerInput, ...] = ()

    @property
    def profile(self) -> dict[Profile, str | None]:
        return {
            Profile.AGE_GROUP: self.age_group,
            Profile.DISTRICT: self.district,
            Profile.RELATION: self.relation,
        }


def closed_message(consultation: Consultation) -> str:
    if consultation.status is ConsultationStatus.UPCOMING:
        return _(
            "この意見募集はまだ始まっていません。%(opens)sから受け付けます。",
            opens=format_date(consultation.opens_on),
        )
    return _(
        "この意見募集は%(closes)sで締め切りました。ご意見は受け付けていません。",
        closes=format_date(consultation.closes_on),
    )


def ensure_open(consultation: Consultation) -> None:
    if not consultation.is_open:
        raise ConsultationNotOpen(closed_message(consultation))


NAME_MAX_CHARS = 100


class CommentInvalid(DomainError):
    """What a resident typed does not pass; `problems` names each field with its message."""

    message = _l("入力内容をご確認ください。")
    status = 422

    def __init__(self, problems: Mapping[str, str]) -> None:
        # said alone (a flash, a log), the first problem is the message
        super().__init__(next(iter(problems.values()), None))
        self.problems = dict(problems)


# beside a questionnaire the text may be left empty, but a response must hold something
NOTHING_MESSAGE = _l("質問への回答か、ご意見のどちらかを入力してください。")


def body_problem(body: str) -> str | None:
    cleaned = clean_text(body)
    if not cleaned:
        return _("ご意見を入力してください。")
    if len(cleaned) > COMMENT_MAX_CHARS:
        return _(
            "ご意見は%(max)s文字以内で入力してください（いま%(now)s文字です）。",
            max=format_number(COMMENT_MAX_CHARS),
            now=format_number(len(cleaned)),
        )
    return None


def comment_problems(consultation: Consultation, data: CommentInput) -> dict[str, str]:
    """The checks every comment passes, whoever enters it: by field, in plain Japanese."""
    problems: dict[str, str] = {}
    # beside a questionnaire the text may be left empty, if something was answered
    if consultation.questions and not clean_text(data.body):
        if not data.answers:
            problems["body"] = str(NOTHING_MESSAGE)
    elif (problem := body_problem(data.body)) is not None:
        problems["body"] = problem
    if data.section_id is not None and consultation.section(data.section_id) is None:
        problems["section_id"] = _(CHOICE_MESSAGE)
    _answers, wrong = profile_answers(consultation, data.profile)
    problems |= {name: _(message) for name, message in wrong.items()}
    return problems


def validate_comment(consultation: Consultation, data: CommentInput) -> None:
    problems = comment_problems(consultation, data)
    if problems:
        raise CommentInvalid(problems)
