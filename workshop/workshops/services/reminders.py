"""Reminder e-mails (and LINE messages) to confirmed registrants of workshops starting within
48 hours; and, once a workshop is over, its registrants' LINE user ids are erased."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import or_, select, update

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
            or_(Registration.email.is_not(None), Registration.line_user_sealed.is_not(None)),
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


def forget_line_users(now: datetime | None = None) -> int:
    """Erase the LINE user ids kept with the registrations of workshops that are over: they
    were kept only to tell those people of a seat or remind them. The number erased."""
    now = now or utcnow()
    over = select(Workshop.id).where(Workshop.ends_at <= now)
    with transaction():
        erased = db.session.execute(
            update(Registration)
            .where(Registration.line_user_hash.is_not(None), Registration.workshop_id.in_(over))
            .values(line_user_hash=None, line_user_sealed=None)
            .execution_options(synchronize_session=False)
        ).rowcount  # type: ignore[attr-defined]
    return int(erased)
