"""The comment list: its filters (a GET form) and hiding a comment from publication."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import Field, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from workshop.consultations.services import CommentFilter
from workshop.formfields import JaDateField, JaSelectField, at_most
from workshop.labels import AGE_GROUP, CHANNEL, LANGUAGE, RELATION_SHORT
from workshop.models import AgeGroup, Channel, Consultation, Relation


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
    age_group = JaSelectField("年代", choices=[ALL] + [(a.value, x) for a, x in AGE_GROUP.items()])
    district = JaSelectField("地区")
    relation = JaSelectField(
        "市との関係", choices=[ALL] + [(r.value, x) for r, x in RELATION_SHORT.items()]
    )
    language = JaSelectField("言語", choices=[ALL, *LANGUAGE.items()])
    hidden = JaSelectField("公表", choices=[ALL, ("no", "公表する意見"), ("yes", "公表しない意見")])
    received_from = JaDateField("受付日（この日から）", validators=[Optional()])
    received_to = JaDateField("受付日（この日まで）", validators=[Optional()])

    def configure(self, consultation: Consultation) -> CommentFilterForm:
        self.section.choices = [ALL] + [(str(s.id), s.heading) for s in consultation.sections]
        self.district.choices = [ALL] + [(d, d) for d in consultation.districts]
        # without a list of districts, the districts the comments came with are not checked
        self.district.validate_choice = bool(consultation.districts)
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
            age_group=AgeGroup(age) if (age := value(self.age_group)) else None,
            district=value(self.district),
            relation=Relation(relation) if (relation := value(self.relation)) else None,
            language=value(self.language),
            hidden=None if hidden is None else hidden == "yes",
            received_from=None if reversed_range else value(self.received_from),
            received_to=value(self.received_to),
        )
