"""The channel's state for staff: on or off, the webhook address to give LINE, and what came
lately, with failures. Nothing of a resident: no LINE id, no message text."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from workshop import line_api
from workshop.extensions import db
from workshop.models import LineEvent, LineEventStatus, LineUser
from workshop.views import public_url

SHOWN_EVENTS = 30


@dataclass(frozen=True)
class ChannelStatus:
    is_on: bool
    webhook_url: str
    counts: dict[LineEventStatus, int]
    users: int
    latest: list[LineEvent]
    failures: list[LineEvent]  # failed, or a reply that could not be sent


def channel_status() -> ChannelStatus:
    counts = dict(
        db.session.execute(select(LineEvent.status, func.count()).group_by(LineEvent.status)).all()
    )
    latest = list(
        db.session.scalars(select(LineEvent).order_by(LineEvent.id.desc()).limit(SHOWN_EVENTS))
    )
    failures = list(
        db.session.scalars(
            select(LineEvent)
            .where(LineEvent.error.is_not(None))
            .order_by(LineEvent.id.desc())
            .limit(SHOWN_EVENTS)
        )
    )
    return ChannelStatus(
        is_on=line_api.is_on(),
        webhook_url=public_url("line.webhook"),
        counts={status: counts.get(status, 0) for status in LineEventStatus},
        users=db.session.scalar(select(func.count(LineUser.id))) or 0,
        latest=latest,
        failures=failures,
    )
