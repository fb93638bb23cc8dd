"""The comment list: its filters (a GET form) and hiding a comment from publication."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import Field, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from workshop.consultations.services import CommentFilter
from workshop.formfields import JaDateField, JaSelectField, at_most
from workshop.labels import CHANNEL, LANGUAGE
from workshop.models import Channel, Consultation, Profile
from workshop.questionnaires.services.profile import short_label


class HideForm(FlaskForm):
    reason = TextAreaField(
        "公表しない理由",
        validators=[
            DataRequired("公表しない理由を入力してください。"),
            Length(max=2000, message="理由は2,000文字以内で入力してください。"),
        ],
    )


def strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


ALL = ("", "すべて")


class CommentFilterForm(FlaskForm):
    """The comment list's filters, read from the query string. A value that does not pass is
    shown with its message and left out of the filter; the others still apply."""

    class Meta:
        csrf = False  # a GET form: it changes nothing

    q = StringField(
        "言葉で探す", filters=[strip], validators=[Optional(), at_most(200, "探す言葉")]
    )
    channel = JaSelectField("経路", choices=[ALL] + [(c.value, x) for c, x in CHANNEL.items()])
    section = JaSelectField("章・節")
    # the questions about the respondent: every option, hidden ones too (answers name them)
    age_group = JaSelectField("年代")
    district = JaSelectField("地区")  # by name: the list's address reads as the district
    relation = JaSelectField("市との関係")
    language = JaSelectField("言語", choices=[ALL, *LANGUAGE.items()])
    hidden = JaSelectField("公表", choices=[ALL, ("no", "公表する意見"), ("yes", "公表しない意見")])
    received_from = JaDateField("受付日（この日から）", validators=[Optional()])
    received_to = JaDateField("受付日（この日まで）", validators=[Optional()])

    def configure(self, consultation: Consultation) -> CommentFilterForm:
        self.section.choices = [ALL] + [(str(s.id), s.heading) for s in consultation.sections]
        for field in (self.age_group, self.district, self.relation):
            question = consultation.profile_question(Profile(field.name))
            options = question.options if question else []
            by_name = field is self.district
            field.choices = [ALL] + [
                (o.label if by_name else o.code, short_label(o.label)) for o in options
            ]
        return self

    def validate_received_to(self, field: JaDateField) -> None:
        start = self.received_from.data
        if start is not None and field.data is not None and field.data < start:
            raise ValidationError(
                "受付日の範囲が逆です。「この日まで」には「この日から」と同じか後の日付を入力してください。"
            )

    def to_filter(self) -> CommentFilter:
        """The filter of the values that passed; call it after validate()."""

        def value(field: Field) -> Any:
            return None if field.errors or field.data in (None, "") else field.data

        # a reversed range is dropped whole: which of the two dates is wrong is not known
        reversed_range = self.received_to.data is not None and bool(self.received_to.errors)
        section, hidden = value(self.section), value(self.hidden)
        return CommentFilter(
            q="" if self.q.errors else (self.q.data or ""),
            channel=Channel(channel) if (channel := value(self.channel)) else None,
            section_id=int(section) if section else None,
            age_group=value(self.age_group),
            district=value(self.district),
            relation=value(self.relation),
            language=value(self.language),
            hidden=None if hidden is None else hidden == "yes",
            received_from=None if reversed_range else value(self.received_from),
            received_to=value(self.received_to),
        )
