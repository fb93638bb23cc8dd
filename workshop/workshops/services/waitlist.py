"""The waiting list (キャンセル待ち): who waits, in which place, and promotion to a free seat."""

from __future__ import annotations

from sqlalchemy import func, select

from workshop.extensions import db
from workshop.models import ParticipationMode, Registration, RegistrationStatus, Workshop, utcnow
from workshop.workshops.services.seats import seats_left


def waitlist(workshop_id: int, mode: ParticipationMode | None = None) -> list[Registration]:
    stmt = select(Registration).where(
        Registration.workshop_id == workshop_id,
        Registration.status == RegistrationStatus.WAITLISTED,
    )
    if mode is not None:
        stmt = stmt.where(Registration.mode == mode)
    return list(db.session.scalars(stmt.order_by(Registration.seq)))


def is_waiting(workshop_id: int, mode: ParticipationMode) -> bool:
    stmt = select(Registration.id).where(
        Registration.workshop_id == workshop_id,
        Registration.status == RegistrationStatus.WAITLISTED,
        Registration.mode == mode,
    )
    return db.session.scalars(stmt.limit(1)).first() is not None


def waitlist_position(registration: Registration) -> int | None:
    if not registration.is_waitlisted:
        return None
    stmt = select(func.count(Registration.id)).where(
        Registration.workshop_id == registration.workshop_id,
        Registration.status == RegistrationStatus.WAITLISTED,
        Registration.mode == registration.mode,
        Registration.seq < registration.seq,
    )
    return (db.session.scalar(stmt) or 0) + 1


def promote_from_waitlist(workshop: Workshop, mode: ParticipationMode) -> list[Registration]:
    """Give the free seats to the first people waiting; the caller holds the lock and commits."""
    free = seats_left(workshop, mode)
    promoted = waitlist(workshop.id, mode)[:free]
    now = utcnow()
    for registration in promoted:
        registration.status = RegistrationStatus.CONFIRMED
        registration.confirmed_at = now
    return promoted
