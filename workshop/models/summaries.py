"""A planner's own summary of a consultation or a workshop in a resident's language.

The plan's text stays in Japanese: a resident reading in English sees the planner's English
summary first, and then the Japanese original (templates/_macros.html translated_summary).
Machine translation is not used: the city writes what it is willing to stand behind.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from workshop.extensions import Model
from workshop.models.base import UTCDateTime, utcnow

SUMMARY_MAX_CHARS = 2000


class TranslatedSummary(Model):
    """One language's summary, of a consultation or of a workshop (exactly one of the two)."""

    __table_args__ = (
        UniqueConstraint("consultation_id", "language"),
        UniqueConstraint("workshop_id", "language"),
        CheckConstraint("(consultation_id IS NULL) <> (workshop_id IS NULL)", name="one_subject"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int | None] = mapped_column(
        ForeignKey("consultation.id", ondelete="CASCADE"), index=True
    )
    workshop_id: Mapped[int | None] = mapped_column(
        ForeignKey("workshop.id", ondelete="CASCADE"), index=True
    )
    # a code of workshop.preferences.language.LANGUAGES other than Japanese: en, zh, easy …
    language: Mapped[str] = mapped_column(String(8))
    text: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class HasTranslatedSummaries:
    """For a model with a ``translated_summaries`` relationship."""

    translated_summaries: list[TranslatedSummary]

    def summary_in(self, language: str) -> str | None:
        for summary in self.translated_summaries:
            if summary.language == language:
                return summary.text
        return None
