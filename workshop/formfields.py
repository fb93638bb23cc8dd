"""WTForms fields whose own messages (bad choice, bad date) are in Japanese."""

from __future__ import annotations

import datetime
from typing import Any

from flask import flash
from flask_wtf import FlaskForm
from wtforms import DateField, EmailField, RadioField, SelectField
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError


class ChoiceMixin:
    data: Any
    choices: Any
    choice_message = "一覧から選んでください。"

    def pre_validate(self, form: Any) -> None:
        if self.data in (None, ""):
            return  # emptiness is for Optional / InputRequired to judge
        values = [choice[0] for choice in self.choices or []]
        if self.data not in values:
            raise ValidationError(self.choice_message)


class JaSelectField(ChoiceMixin, SelectField):
    pass


class JaRadioField(ChoiceMixin, RadioField):
    pass


class JaDateField(DateField):
    def process_formdata(self, valuelist: list[Any]) -> None:
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        text = valuelist[0].strip().replace("/", "-")
        try:
            self.data = datetime.datetime.strptime(text, "%Y-%m-%d").date()
        except ValueError as error:
            self.data = None
            raise ValueError("日付は 2026-11-23 の形で入力してください。") from error


def flash_form_errors(form: FlaskForm) -> None:
    """For small forms posted from a list page, which redirect back instead of re-rendering."""
    for errors in form.errors.values():
        for message in errors:
            flash(str(message), "error")


def email_field(
    label: str, *, required_message: str | None = None, description: str = ""
) -> EmailField:
    """An e-mail field with the same length and shape checks wherever residents give one."""
    first = DataRequired(required_message) if required_message else Optional()
    return EmailField(
        label,
        validators=[
            first,
            Length(max=254, message="メールアドレスが長すぎます。"),
            Email(message="メールアドレスの形をご確認ください（例: taro@example.jp）。"),
        ],
        description=description,
    )
