"""Saving a consultation's or workshop's translated summaries: one per language, an empty
text removes that language's summary."""

from __future__ import annotations

from collections.abc import Mapping

from workshop import audit
from workshop.errors import DomainError
from workshop.extensions import db
from workshop.models import SUMMARY_MAX_CHARS, Consultation, TranslatedSummary, Workshop
from workshop.preferences.language import BY_CODE, JAPANESE
from workshop.text import clean_text
from workshop.transaction import transaction


def save_summaries(subject: Consultation | Workshop, texts: Mapping[str, str]) -> None:
    """Set each language's summary to its text (cleaned); an empty text removes it."""
    cleaned = {code: clean_text(text) for code, text in texts.items()}
    for code, text in cleaned.items():
        if code not in BY_CODE or BY_CODE[code] is JAPANESE:
            raise DomainError(f"「{code}」は要約を書ける言語ではありません。")
        if len(text) > SUMMARY_MAX_CHARS:
            raise DomainError(
                f"{BY_CODE[code].name}の要約は{SUMMARY_MAX_CHARS:,}文字以内にしてください。"
            )
    with transaction():
        kept = {summary.language: summary for summary in subject.translated_summaries}
        for code, text in cleaned.items():
            summary = kept.get(code)
            if not text:
                if summary is not None:
                    subject.translated_summaries.remove(summary)
            elif summary is None:
                subject.translated_summaries.append(TranslatedSummary(language=code, text=text))
            else:
                summary.text = text
        db.session.flush()
        kind = "consultation" if isinstance(subject, Consultation) else "workshop"
        audit.record(
            f"{kind}.summaries",
            f"{kind}:{subject.id}",
            languages=sorted(code for code, text in cleaned.items() if text),
        )
