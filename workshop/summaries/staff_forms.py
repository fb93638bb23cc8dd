"""The form of a subject's translated summaries: a text box per language but Japanese."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import Optional

from workshop.formfields import at_most
from workshop.models import SUMMARY_MAX_CHARS
from workshop.preferences.language import TRANSLATED


def _fields() -> dict[str, Any]:
    return {
        language.code: TextAreaField(
            language.name,
            validators=[Optional(), at_most(SUMMARY_MAX_CHARS, language.name)],
            render_kw={"lang": language.html_lang, "rows": 5},
        )
        for language in TRANSLATED
    }


SummariesForm = type("SummariesForm", (FlaskForm,), _fields())


def texts(form: FlaskForm) -> dict[str, str]:
    return {language.code: form[language.code].data or "" for language in TRANSLATED}
