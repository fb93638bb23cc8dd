"""Residents' forms: sign-up (also used by staff for a proxy sign-up), changing it, cancelling.
Labels and messages are in the page's language (staff pages: Japanese)."""

from __future__ import annotations

from typing import Any, Self

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    InputRequired,
    Optional,
    ValidationError,
)

from workshop.formfields import (
    JaCheckboxField,
    JaRadioField,
    JaSelectField,
    at_most,
    email_field,
    required,
)
from workshop.labels import AGE_GROUP, NEED, PARTICIPATION_MODE
from workshop.models import AgeGroup, Need, ParticipationMode, Workshop
from workshop.text import clean_text
from workshop.workshops.services.signup import Applicant

FURIGANA_MESSAGE = _l("ふりがなは、ひらがなかカタカナで入力してください。")


def age_group_choices() -> list[tuple[str, str]]:
    return [("", _("選ばない"))] + [(a.value, _(label)) for a, label in AGE_GROUP.items()]


def kana_only(_form: Any, field: Any) -> None:
    text = clean_text(field.data).replace(" ", "").replace("　", "")
    if text and not all(
        "ぁ" <= c <= "ゖ" or "ァ" <= c <= "ヺ" or c in "ー・ｰ" or "ｦ" <= c <= "ﾟ" for c in text
    ):
        raise ValidationError(str(FURIGANA_MESSAGE))


class ApplicantFields(FlaskForm):
    name = StringField(
        _l("お名前"),
        validators=required(_l("お名前"), 100),
    )
    furigana = StringField(
        _l("ふりがな（任意）"),
        validators=[
            Optional(),
            at_most(100, _l("ふりがな")),
            kana_only,
        ],
    )
    email = email_field(
        _l("メールアドレス"),
        required_message=_l("メールアドレスを入力してください。申込の確認をお送りします。"),
        description=_l("申込の確認と、内容の変更・取り消しのためのリンクをお送りします。"),
    )
    phone = StringField(
        _l("電話番号（任意）"),
        validators=[Optional(), at_most(30, _l("電話番号"))],
        description=_l("当日、急な変更があったときにご連絡します。"),
        render_kw={"type": "tel", "autocomplete": "tel"},
    )
    age_group = JaSelectField(_l("年代（任意）"), validators=[Optional()])
    district = StringField(
        _l("お住まいの地区（任意）"),
        validators=[Optional(), at_most(100, _l("地区"))],
    )
    # no Optional(): it would clear pre_validate's error when the first value sent is empty
    needs = JaCheckboxField(_l("必要な配慮（任意）"))
    needs_other = StringField(
        _l("その他の配慮（任意）"),
        validators=[Optional(), at_most(500)],
    )

    def configure_choices(self) -> None:
        self.age_group.choices = age_group_choices()
        self.needs.choices = [(n.value, _(label)) for n, label in NEED.items()]

    def applicant_fields(self) -> dict[str, Any]:
        return {
            "name": self.name.data or "",
            "furigana": self.furigana.data or "",
            "email": self.email.data or None,
            "phone": self.phone.data or "",
            "age_group": AgeGroup(self.age_group.data) if self.age_group.data else None,
            "district": self.district.data or "",
            "needs": tuple(Need(v) for v in self.needs.data or []),
            "needs_other": self.needs_other.data or "",
        }

    def fill_from(self, registration: Any) -> None:
        for name in ("name", "furigana", "email", "phone", "district", "needs_other"):
            getattr(self, name).data = getattr(registration, name) or ""
        self.age_group.data = registration.age_group.value if registration.age_group else ""
        self.needs.data = list(registration.needs)


class ApplicantWithMode(ApplicantFields):
    """A sign-up or a walk-in: the person also chooses how they take part (hybrid)."""

    mode = JaRadioField(_l("参加の方法"), validators=[Optional()])

    def configure(self, workshop: Workshop) -> Self:
        self.configure_choices()
        self.mode.choices = [(m.value, _(PARTICIPATION_MODE[m])) for m in workshop.modes]
        return self

    def chosen_mode(self) -> ParticipationMode | None:
        return ParticipationMode(self.mode.data) if self.mode.data else None


class RegistrationForm(ApplicantWithMode):
    def to_applicant(self, workshop: Workshop) -> Applicant:
        answers = {
            question: self[f"answer_{index}"].data or ""
            for index, question in enumerate(workshop.questions)
            if f"answer_{index}" in self
        }
        return Applicant(**self.applicant_fields(), mode=self.chosen_mode(), answers=answers)


def registration_form(
    workshop: Workshop, *, by_staff: bool = False, **kwargs: Any
) -> RegistrationForm:
    """The sign-up form with this workshop's own questions (staff may leave the e-mail empty)."""

    class WorkshopRegistrationForm(RegistrationForm):
        pass

    for index, question in enumerate(workshop.questions):
        setattr(
            WorkshopRegistrationForm,
            f"answer_{index}",
            TextAreaField(
                _l("%(question)s（任意）", question=question),
                validators=[
                    Optional(),
                    at_most(1000),
                ],
            ),
        )
    if by_staff:
        WorkshopRegistrationForm.email = email_field(
            "メールアドレス（電話などでの申込は空欄でかまいません）"
        )
    form = WorkshopRegistrationForm(**kwargs).configure(workshop)
    if workshop.is_hybrid:
        form.mode.validators = [
            InputRequired(_l("参加の方法（会場・オンライン）を選んでください。"))
        ]
    return form


class DetailsForm(ApplicantFields):
    """The resident changes their details through their own link."""

    def to_applicant(self) -> Applicant:
        return Applicant(**self.applicant_fields())

    def with_choices(self) -> DetailsForm:
        self.configure_choices()
        return self


class ConfirmForm(FlaskForm):
    """Only the CSRF token: cancelling, checking someone in by a button."""
