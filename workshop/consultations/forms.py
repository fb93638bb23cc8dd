"""The resident's comment form; every message in plain Japanese (staff forms: staff_forms.py)."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import EmailField, StringField, TextAreaField
from wtforms.validators import Length, Optional, ValidationError

from workshop.consultations.services import NAME_MAX_CHARS, CommentInput, body_problem
from workshop.formfields import EmailShape, JaRadioField, JaSelectField
from workshop.labels import AGE_GROUP, RELATION
from workshop.models import AgeGroup, Consultation, Relation
from workshop.models.consultations import COMMENT_MAX_CHARS

# the fields a resident fills in, carried as hidden fields by the confirmation page
COMMENT_FIELDS = ("body", "section_id", "age_group", "district", "relation", "name", "email")


def body_rule(_form: Any, field: Any) -> None:
    """The service's rule for a comment's text, with its words, next to the field."""
    problem = body_problem(field.data or "")
    if problem is not None:
        raise ValidationError(problem)


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
        "ご意見",
        validators=[body_rule],
        description=f"{COMMENT_MAX_CHARS:,}文字まで入力できます。",
    )
    section_id = JaSelectField("どの部分についてのご意見ですか（任意）")
    age_group = JaSelectField("年代（任意）")
    district = JaSelectField("お住まいの地区（任意）")
    relation = JaRadioField("市との関係（任意）")
    name = StringField(
        "お名前（任意）",
        validators=[
            Optional(),
            Length(
                max=NAME_MAX_CHARS, message=f"お名前は{NAME_MAX_CHARS}文字以内で入力してください。"
            ),
        ],
    )
    email = EmailField(
        "メールアドレス（任意）",
        validators=[Optional(), EmailShape()],
        filters=[strip_spaces],
        description="入力すると、受付番号をメールでもお知らせします。",
    )

    def configure(self, consultation: Consultation) -> CommentForm:
        self.section_id.choices = [("", "選ばない（全体について）")] + [
            (str(s.id), s.heading) for s in consultation.sections
        ]
        self.age_group.choices = [("", "選ばない")] + [
            (a.value, label) for a, label in AGE_GROUP.items()
        ]
        self.district.choices = [("", "選ばない")] + [(d, d) for d in consultation.districts]
        self.relation.choices = [(r.value, label) for r, label in RELATION.items()]
        return self

    def to_input(self) -> CommentInput:
        """The checked comment; call it after validate() returned True."""
        return CommentInput(
            body=self.body.data or "",
            section_id=int(self.section_id.data) if self.section_id.data else None,
            age_group=AgeGroup(self.age_group.data) if self.age_group.data else None,
            district=self.district.data or None,
            relation=Relation(self.relation.data) if self.relation.data else None,
            name=self.name.data or None,
            email=self.email.data or None,
        )
