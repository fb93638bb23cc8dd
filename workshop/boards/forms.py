"""Participants' forms: the code, a 付箋, a nickname. Plain words in the participant's language,
large, no JavaScript."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import ValidationError

from workshop.boards.errors import NoteInvalid
from workshop.boards.services.notes import note_body
from workshop.formfields import JaSelectField
from workshop.models import Board
from workshop.models.boards import CODE_LENGTH, NICKNAME_MAX_CHARS, NOTE_MAX_CHARS


def choice_number(value: Any) -> int:
    """A chosen id; anything else is -1, which no choice has (the field's Japanese message)."""
    text = str(value) if value is not None else ""
    return int(text) if text.isdigit() else -1


def valid_note(_form: Any, field: Any) -> None:
    try:
        note_body(field.data)
    except NoteInvalid as error:
        raise ValidationError(error.message) from error


class JoinForm(FlaskForm):
    """A GET form: typing the code changes nothing, so it needs no CSRF token."""

    class Meta:
        csrf = False

    code = StringField(
        _l("ボードのコード"),
        description=_l(
            "スクリーンや机の案内にある%(length)s文字の英数字です（例: ABC-234）。",
            length=CODE_LENGTH,
        ),
        render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"},
    )


def note_text_field() -> TextAreaField:
    return TextAreaField(
        _l("付箋に書くこと"),
        validators=[valid_note],
        description=_l("%(max)s文字まで。1枚に1つのことを書いてください。", max=NOTE_MAX_CHARS),
        render_kw={"rows": 4, "maxlength": NOTE_MAX_CHARS},
    )


class NoteForm(FlaskForm):
    text = note_text_field()
    table_id = JaSelectField(_l("あなたのテーブル"), coerce=choice_number)

    def configure(self, board: Board) -> NoteForm:
        if board.tables:
            self.table_id.choices = [(0, _("選ばない"))] + [(t.id, t.name) for t in board.tables]
        else:
            del self.table_id
        return self

    def chosen_table(self) -> int | None:
        field = getattr(self, "table_id", None)
        return field.data or None if field is not None else None


class EditNoteForm(FlaskForm):
    text = note_text_field()


class NicknameForm(FlaskForm):
    nickname = StringField(
        _l("ニックネーム（なくてもかまいません）"),
        description=_l("%(max)s文字まで。本名は書かないでください。", max=NICKNAME_MAX_CHARS),
        render_kw={"maxlength": NICKNAME_MAX_CHARS, "autocomplete": "off"},
    )


class ConfirmForm(FlaskForm):
    """A button that changes something (共感, delete): only its CSRF token."""
