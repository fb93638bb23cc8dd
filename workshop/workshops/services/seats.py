"""Seats per participation mode: taken, left, waiting and checked in."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select

from workshop.extensions import db
from workshop.models import ParticipationMode, Registration, RegistrationStatus, Workshop


def count_status(
    workshop_id: int, status: RegistrationStatus, mode: ParticipationMode | None = None
) -> int:
    stmt = select(func.count(Registration.id)).where(
        Registration.workshop_id == workshop_id, Registration.status == status
    )
    if mode is not None:
        stmt = stmt.where(Registration.mode == mode)
    return db.session.scalar(stmt) or 0


def count_active(workshop_id: int) -> int:
    """Confirmed and waiting registrations: while there are any, the format stays."""
    stmt = select(func.count(Registration.id)).where(
        Registration.workshop_id == workshop_id,
        Registration.status != RegistrationStatus.CANCELLED,
    )
    return db.session.scalar(stmt) or 0


def count_checked_in(workshop_id: int, mode: ParticipationMode | None = None) -> int:
    stmt = select(func.count(Registration.id)).where(
        Registration.workshop_id == workshop_id, Registration.checked_in_at.is_not(None)
    )
    if mode is not None:
        stmt = stmt.where(Registration.mode == mode)
    return db.session.scalar(stmt) or 0


def seats_left(workshop: Workshop, mode: ParticipationMode) -> int:
    taken = count_status(workshop.id, RegistrationStatus.CONFIRMED, mode)
    return max(workshop.capacity_for(mode) - taken, 0)


@dataclass(frozen=True)
class ModeNumbers:
    mode: ParticipationMode
    capacity: int
    registered: int
    waitlisted: int
    checked_in: int

    @property
    def seats_left(self) -> int:
        return max(self.capacity - self.registered, 0)


def numbers_for(workshops: Sequence[Workshop]) -> dict[int, list[ModeNumbers]]:
    """The numbers of every mode of every workshop given, counted in one GROUP BY query."""
    counts: dict[tuple[int, ParticipationMode], tuple[int, int, int]] = {}
    if workshops:
        stmt = (
            select(
                Registration.workshop_id,
                Registration.mode,
                func.count().filter(Registration.status == RegistrationStatus.CONFIRMED),
                func.count().filter(Registration.status == RegistrationStatus.WAITLISTED),
                func.count(Registration.checked_in_at),  # COUNT of a column skips the NULLs
            )
            .where(Registration.workshop_id.in_([w.id for w in workshops]))
            .group_by(Registration.workshop_id, Registration.mode)
        )
        for workshop_id, mode, registered, waitlisted, checked_in in db.session.execute(stmt):
            counts[workshop_id, mode] = (registered, waitlisted, checked_in)
    return {
        workshop.id: [
            ModeNumbers(
                mode, workshop.capacity_for(mode), *counts.get((workshop.id, mode), (0, 0, 0))
            )
            for mode in workshop.modes
        ]
        for workshop in workshops
    }


def numbers(workshop: Workshop) -> list[ModeNumbers]:
    return numbers_for([workshop])[workshop.id]
