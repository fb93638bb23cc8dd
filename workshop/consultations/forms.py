"""Forms for residents' comments and staff proxy entry; every message in plain Japanese."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from workshop.consultations.services import CommentDestination, CommentInput, clean_text
from workshop.formfields import JaDateField, JaRadioField, JaSelectField, email_field
from workshop.labels import AGE_GROUP, CHANNEL, RELATION
from workshop.models import AgeGroup, Channel, Relation
from workshop.models.consultations import COMMENT_MAX_CHARS
from workshop.timeutil import today_tokyo


def body_length(_form: Any, field: Any) -> None:
    body = clean_text(field.data)
    if not body:
        raise ValidationError("ご意見を入力してください。")
    if len(body) > COMMENT_MAX_CHARS:
        raise ValidationError(
            f"ご意見は{COMMENT_MAX_CHARS:,}文字以内で入力してください（いま{len(body):,}文字です）。"
        )


def optional_int(value: Any) -> int | None:
    if value in (None, "", "None"):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1  # no section has this id: the choice check answers with its message


class CommentForm(FlaskForm):
    body = TextAreaField(
        "ご意見",
        validators=[body_length],
        description=f"{COMMENT_MAX_CHARS:,}文字まで入力できます。",
    )
    section_id = JaSelectField(
        "どの部分についてのご意見ですか（任意）",
        coerce=optional_int,
    )
    age_group = JaSelectField("年代（任意）", validators=[Optional()])
    district = JaSelectField("お住まいの地区（任意）", validators=[Optional()])
    relation = JaRadioField("市との関係（任意）", validators=[Optional()])
    name = StringField(
        "お名前（任意）",
        validators=[Optional(), Length(max=100, message="お名前は100文字以内で入力してください。")],
    )
    email = email_field(
        "メールアドレス（任意）", description="入力すると、受付番号をメールでもお知らせします。"
    )

    def configure(self, consultation: CommentDestination) -> CommentForm:
        self.section_id.choices = [(None, "選ばない（全体について）")] + [
            (s.id, s.heading) for s in consultation.sections
        ]
        self.age_group.choices = [("", "選ばない")] + [
            (a.value, label) for a, label in AGE_GROUP.items()
        ]
        self.district.choices = [("", "選ばない")] + [(d, d) for d in consultation.districts]
        self.relation.choices = [(r.value, label) for r, label in RELATION.items()]
        return self

    def to_input(self) -> CommentInput:
        return CommentInput(
            body=self.body.data or "",
            section_id=self.section_id.data,
            age_group=AgeGroup(self.age_group.data) if self.age_group.data else None,
            district=self.district.data or None,
            relation=Relation(self.relation.data) if self.relation.data else None,
            name=self.name.data or None,
            email=self.email.data or None,
        )


class ConfirmedCommentForm(CommentForm):
    """The confirmation page posts the same fields, plus the token that makes it idempotent."""

    submission_token = HiddenField(validators=[DataRequired(), Length(min=16, max=64)])


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
