from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from workshop.extensions import Model
from workshop.models.base import UTCDateTime, utcnow


class LoginFailure(Model):
    """A failed staff login, counted per e-mail address (known or not) for the lock-out.

    In the database rather than in memory so that every app server sees the same count."""

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)  # lower-cased as typed
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
