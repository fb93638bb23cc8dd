"""WTForms fields whose own messages (bad choice, bad date) are in Japanese, translated for a
resident's page by the catalogues (staff pages stay Japanese)."""

from __future__ import annotations

import datetime
import unicodedata
from typing import Any, ClassVar

from flask import flash
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    EmailField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
)
from wtforms.validators import DataRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from workshop.preferences.language import lazy_number
from workshop.validation import CHOICE_MESSAGE, EMAIL_MAX_CHARS, email_problem


class ChoiceMixin:
    data: Any
    choices: Any
    validate_choice: bool
    choice_message = CHOICE_MESSAGE

    def pre_validate(self, form: Any) -> None:
        if not self.validate_choice or self.data in (None, ""):
            return  # emptiness is for Optional / InputRequired to judge
        values = [choice[0] for choice in self.choices or []]
        if self.data not in values:
            raise ValidationError(_(self.choice_message))


class JaSelectField(ChoiceMixin, SelectField):
    pass


class JaRadioField(ChoiceMixin, RadioField):
    pass


class JaCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form: Any) -> None:
        if not self.validate_choice:
            return
        values = [choice[0] for choice in self.choices or []]
        if any(value not in values for value in self.data or []):
            raise ValidationError(_(CHOICE_MESSAGE))


class JaIntegerField(IntegerField):
    """A whole number; full-width digits (１２) are read as typed on a Japanese keyboard."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        if not valuelist or not str(valuelist[0]).strip():
            self.data = None
            return
        text = unicodedata.normalize("NFKC", str(valuelist[0])).strip().replace(",", "")
        try:
            self.data = int(text)
        except ValueError as error:
            self.data = None
            raise ValueError(_("半角または全角の数字で入力してください（例: 30）。")) from error


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
            raise ValueError(_("日付は 2026-11-23 の形で入力してください。")) from error


def at_most(max_chars: int, what: str = "") -> Length:
    """At most max_chars characters: 「（whatは）N文字以内で入力してください。」

    ``what`` is a field's name, marked by the caller (``_l("お名前")``)."""
    limit = lazy_number(max_chars)
    if what:
        message = _l("%(what)sは%(max)s文字以内で入力してください。", what=what, max=limit)
    else:
        message = _l("%(max)s文字以内で入力してください。", max=limit)
    return Length(max=max_chars, message=message)


def required(what: str, max_chars: int) -> list[Any]:
    """A text the person must write: 「whatを入力してください。」, and at_most(max_chars)."""
    return [DataRequired(_l("%(what)sを入力してください。", what=what)), at_most(max_chars, what)]


def flash_form_errors(form: FlaskForm) -> None:
    """For small forms posted from a list page, which redirect back instead of re-rendering."""
    for errors in form.errors.values():
        for message in errors:
            flash(str(message), "error")


class EmailShape:
    """workshop.validation.email_problem as a WTForms validator; the browser gets maxlength."""

    field_flags: ClassVar[dict[str, int]] = {"maxlength": EMAIL_MAX_CHARS}

    def __call__(self, _form: Any, field: Any) -> None:
        problem = email_problem(field.data or "")
        if problem is not None:
            raise ValidationError(_(problem))


def email_field(
    label: str, *, required_message: str | None = None, description: str = ""
) -> EmailField:
    """An e-mail field with the same length and shape checks wherever residents give one."""
    first = DataRequired(required_message) if required_message else Optional()
    return EmailField(label, validators=[first, EmailShape()], description=description)
