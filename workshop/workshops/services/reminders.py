"""Reminder e-mails to confirmed registrants of workshops starting within 48 hours."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update

from workshop.extensions import db
from workshop.models import Registration, RegistrationStatus, Workshop, utcnow
from workshop.transaction import transaction
from workshop.workshops import notify

REMINDER_WINDOW = timedelta(hours=48)


def send_reminders(now: datetime | None = None) -> int:
    """Remind confirmed registrants of workshops starting within 48 hours, once each.

    Each reminder is claimed by an UPDATE before it is sent: two cron runs never send it twice.
    """
    now = now or utcnow()
    stmt = (
        select(Registration.id)
        .join(Workshop, Workshop.id == Registration.workshop_id)
        .where(
            Registration.status == RegistrationStatus.CONFIRMED,
            Registration.email.is_not(None),
            Registration.reminder_sent_at.is_(None),
            Registration.is_walk_in.is_(False),
            Workshop.starts_at > now,
            Workshop.starts_at <= now + REMINDER_WINDOW,
        )
        .order_by(Registration.id)
    )
    sent = 0
    for registration_id in list(db.session.scalars(stmt)):
        claim = (
            update(Registration)
            .where(Registration.id == registration_id, Registration.reminder_sent_at.is_(None))
            .values(reminder_sent_at=now)
            .execution_options(synchronize_session=False)
        )
        with transaction():
            claimed = db.session.execute(claim).rowcount == 1  # type: ignore[attr-defined]
        if claimed:
            registration = db.session.get(Registration, registration_id)
            assert registration is not None
            notify.reminder(registration)
            sent += 1
    return sent
