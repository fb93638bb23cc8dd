"""What arrives from the city's LINE official account: each webhook event, stored once."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from workshop.extensions import Model
from workshop.models.base import UTCDateTime, enum_column, utcnow


class LineEventStatus(enum.StrEnum):
    PENDING = "pending"  # stored, waiting for the background job
    PROCESSING = "processing"  # taken by a job: the resident's next event waits for it
    DONE = "done"
    FAILED = "failed"


class LineEvent(Model):
    """One webhook event. LINE may deliver an event again (deliveryContext.isRedelivery):
    the unique webhookEventId makes it one row, processed once. The payload (it holds the
    LINE user id) is kept only until the event is processed."""

    id: Mapped[int] = mapped_column(primary_key=True)
    webhook_event_id: Mapped[str] = mapped_column(String(64), unique=True)
    event_type: Mapped[str] = mapped_column(String(40))
    # whose event (the HMAC of the LINE user id, as line_user keeps it): one resident's
    # events are taken one at a time, in the order they came
    user_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    status: Mapped[LineEventStatus] = mapped_column(
        enum_column(LineEventStatus), default=LineEventStatus.PENDING, index=True
    )
    payload: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    redelivered: Mapped[int] = mapped_column(default=0)  # later deliveries of the same event
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    error: Mapped[str | None] = mapped_column(Text)


class LineUser(Model):
    """A LINE user who agreed to the terms: the id is kept only as an HMAC with the app's key
    (no profile, no name), with the conversation's state and the settings (age group,
    district) as conversation.Person's fields."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_hash: Mapped[str] = mapped_column(String(64), unique=True)
    state: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    consented_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
