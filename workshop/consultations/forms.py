"""Forms for residents' comments and staff proxy entry; every message in plain Japanese."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from workshop.consultations.services import (
    COMMENT_FIELDS,
    NAME_MAX_CHARS,
    CommentDestination,
    CommentInput,
    CommentInvalid,
    read_comment,
)
from workshop.formfields import JaDateField, JaRadioField, JaSelectField, email_field
from workshop.labels import AGE_GROUP, CHANNEL, RELATION
from workshop.models import Channel
from workshop.models.consultations import COMMENT_MAX_CHARS
from workshop.timeutil import today_tokyo


def optional_int(value: Any) -> int | None:
    if value in (None, "", "None"):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1  # no section has this id: read_comment answers with its message


class CommentForm(FlaskForm):
    """The resident's comment. Its fields carry no checks of their own: validate() asks the
    service's read_comment, which the final submit also uses without building this form."""

    body = TextAreaField("ご意見", description=f"{COMMENT_MAX_CHARS:,}文字まで入力できます。")
    section_id = JaSelectField(
        "どの部分についてのご意見ですか（任意）", coerce=optional_int, validate_choice=False
    )
    age_group = JaSelectField("年代（任意）", validate_choice=False)
    district = JaSelectField("お住まいの地区（任意）", validate_choice=False)
    relation = JaRadioField("市との関係（任意）", validate_choice=False)
    name = StringField("お名前（任意）", render_kw={"maxlength": NAME_MAX_CHARS})
    email = email_field(
        "メールアドレス（任意）",
        description="入力すると、受付番号をメールでもお知らせします。",
        checked=False,
    )
    consultation: CommentDestination
    checked: CommentInput | None = None

    def configure(self, consultation: CommentDestination) -> CommentForm:
        self.consultation = consultation
        self.section_id.choices = [(None, "選ばない（全体について）")] + [
            (s.id, s.heading) for s in consultation.sections
        ]
        self.age_group.choices = [("", "選ばない")] + [
            (a.value, label) for a, label in AGE_GROUP.items()
        ]
        self.district.choices = [("", "選ばない")] + [(d, d) for d in consultation.districts]
        self.relation.choices = [(r.value, label) for r, label in RELATION.items()]
        return self

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)  # CSRF, and the fields subclasses add
        posted = {name: first(self[name].raw_data) for name in COMMENT_FIELDS}
        try:
            self.checked = read_comment(self.consultation, posted)
        except CommentInvalid as invalid:
            self.show_problems(invalid)
            return False
        return valid

    def show_problems(self, invalid: CommentInvalid) -> None:
        """read_comment's messages, each next to its field."""
        for name, message in invalid.problems.items():
            self[name].errors = [*self[name].errors, message]

    def to_input(self) -> CommentInput:
        """What validate() read; call it only after validate() returned True."""
        if self.checked is None:
            raise RuntimeError("to_input() before a successful validate()")
        return self.checked


def first(raw_data: list[Any] | None) -> str:
    return str(raw_data[0]) if raw_data else ""


class ProxyCommentForm(CommentForm):
    channel = JaSelectField(
        "受付の経路",
        validators=[InputRequired("受付の経路を選んでください。")],
        choices=[(c.value, label) for c, label in CHANNEL.items() if c is not Channel.WEB],
    )
    received_on = JaDateField(
        "受付日（郵送は消印の日付）",
        default=today_tokyo,
        validators=[InputRequired("受付日を入力してください（例: 2026-11-23）。")],
    )


class HideForm(FlaskForm):
    reason = TextAreaField(
        "公表しない理由",
        validators=[
            DataRequired("公表しない理由を入力してください。"),
            Length(max=2000, message="理由は2,000文字以内で入力してください。"),
        ],
    )
