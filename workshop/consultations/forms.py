"""The resident's comment form; every message in plain Japanese (staff forms: staff_forms/)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Self

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, StringField, TextAreaField
from wtforms.validators import Length, Optional, ValidationError

from workshop.consultations.services import (
    NAME_MAX_CHARS,
    NOTHING_MESSAGE,
    CommentInput,
    body_problem,
)
from workshop.formfields import EmailShape, JaRadioField, JaSelectField
from workshop.models import Consultation, Profile, Question
from workshop.models.consultations import COMMENT_MAX_CHARS
from workshop.preferences.language import lazy_number
from workshop.questionnaires.forms import (
    answer_fields,
    put_problems,
    question_fields,
    raw_answers,
)
from workshop.questionnaires.services import (
    CheckedAnswers,
    check_answers,
    first_step_keys,
    offered_choices,
    pending_questions,
)

# the fields a resident fills in, carried as hidden fields by the confirmation page
COMMENT_FIELDS = ("body", "section_id", "age_group", "district", "relation", "name", "email")


def body_rule(form: Any, field: Any) -> None:
    """The service's rule for a comment's text, with its words, next to the field. Beside a
    questionnaire the text may be left empty (a response must hold something: see validate)."""
    if form.questions and not (field.data or "").strip():
        return
    problem = body_problem(field.data or "")
    if problem is not None:
        raise ValidationError(problem)  # in the page's language (rules.body_problem)


def strip_spaces(value: str | None) -> str | None:
    # a phone's autocomplete may add a space around the address
    return value.strip() if isinstance(value, str) else value


class CommentForm(FlaskForm):
    """The resident's comment: the rules of what a resident may send, used by the form, its
    confirmation page and the final submit alike. Choices come from the consultation; an
    optional choice left empty is "".

    CSRFProtect checks the token of every POST, app-wide, before the view; the form does not
    check it a second time (templates put csrf_token() in the form)."""

    class Meta:
        csrf = False

    body = TextAreaField(
        _l("ご意見"),
        validators=[body_rule],
        description=_l("%(max)s文字まで入力できます。", max=lazy_number(COMMENT_MAX_CHARS)),
    )
    section_id = JaSelectField(_l("どの部分についてのご意見ですか（任意）"))
    age_group = JaSelectField(_l("年代（任意）"))
    district = JaSelectField(_l("お住まいの地区（任意）"))
    relation = JaRadioField(_l("市との関係（任意）"))
    name = StringField(
        _l("お名前（任意）"),
        validators=[
            Optional(),
            Length(
                max=NAME_MAX_CHARS,
                message=_l(
                    "お名前は%(max)s文字以内で入力してください。", max=lazy_number(NAME_MAX_CHARS)
                ),
            ),
        ],
    )
    email = EmailField(
        _l("メールアドレス（任意）"),
        validators=[Optional(), EmailShape()],
        filters=[strip_spaces],
        description=_l("入力すると、受付番号をメールでもお知らせします。"),
    )

    # the consultation's questions, each a field of a subclass made by for_consultation()
    questions: Sequence[Question] = ()
    # a resident is asked a conditional question once its condition is met (the next step of
    # the form without JavaScript); staff entering a paper form see every question at once
    asks_in_steps = True
    # the keys of the questions the resident has been shown, space-separated
    asked = HiddenField()
    # the answers as the service checked them (validate)
    checked = CheckedAnswers((), {})

    @classmethod
    def for_consultation(cls, consultation: Consultation) -> Self:
        """The form of this consultation: its questions' fields first, in order."""
        questions = list(consultation.questions)
        form_class = cls
        if questions:
            form_class = type(cls.__name__, (cls,), question_fields(questions))
            form_class.questions = questions
        return form_class().configure(consultation)

    def configure(self, consultation: Consultation) -> Self:
        # lazy labels: translated when a page shows them, not for the submit, which checks values
        self.section_id.choices = [("", _l("選ばない（全体について）"))] + [
            (str(s.id), s.heading) for s in consultation.sections
        ]
        # the questions about the respondent, with the options the city offers: read when the
        # form is shown or a value is checked, so that the final submit of a comment that
        # says nothing about its writer (the busiest request) does not load them
        unchosen = ("", _l("選ばない"))
        about = consultation.profile_question
        self.age_group.choices = lambda: [unchosen, *offered_choices(about(Profile.AGE_GROUP))]
        self.district.choices = lambda: [unchosen, *offered_choices(about(Profile.DISTRICT))]
        self.relation.choices = lambda: offered_choices(about(Profile.RELATION))
        if self.questions:
            self.body.label.text = _("そのほか、ご意見があればお書きください（任意）")
            if not self.asked.data:
                self.asked.data = " ".join(self.first_asked())
        return self

    def first_asked(self) -> list[str]:
        if self.asks_in_steps:
            return first_step_keys(self.questions)
        return [q.key for q in self.questions]

    def asked_keys(self) -> list[str]:
        known = {q.key for q in self.questions}
        asked = [key for key in (self.asked.data or "").split() if key in known]
        return asked or self.first_asked()

    @property
    def answer_field_names(self) -> list[str]:
        return answer_fields(self.questions)

    def validate(self, extra_validators: Any = None) -> bool:
        """The fields, then the answers by the service's rules (each message by its question)."""
        valid = super().validate(extra_validators)
        if not self.questions:
            return valid
        self.checked = check_answers(
            self.questions,
            raw_answers(self, self.questions),
            enforce_required=self.asks_in_steps,
            asked=self.asked_keys() if self.asks_in_steps else None,
        )
        put_problems(self, self.questions, self.checked.problems)
        nothing = not self.checked.answers and not (self.body.data or "").strip()
        if valid and not self.checked.problems and nothing:
            self.body.errors = [*self.body.errors, NOTHING_MESSAGE]
            return False
        return valid and not self.checked.problems

    def ask_pending(self) -> list[Question]:
        """Questions the answers now call for that were not shown yet; they are shown next."""
        if not self.questions or not self.asks_in_steps:
            return []
        asked = self.asked_keys()
        pending = pending_questions(self.questions, self.checked, asked)
        self.asked.data = " ".join(asked + [q.key for q in pending])
        return pending

    def shown_keys(self) -> set[str]:
        return set(self.asked_keys()) if self.asks_in_steps else {q.key for q in self.questions}

    def to_input(self) -> CommentInput:
        """The checked comment; call it after validate() returned True."""
        return CommentInput(
            body=self.body.data or "",
            section_id=int(self.section_id.data) if self.section_id.data else None,
            age_group=self.age_group.data or None,
            district=self.district.data or None,
            relation=self.relation.data or None,
            name=self.name.data or None,
            email=self.email.data or None,
            answers=self.checked.answers if self.questions else (),
        )
