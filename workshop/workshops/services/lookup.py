"""Finding a workshop, and locking it before its seats change."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update

from workshop.errors import NotFound
from workshop.extensions import db
from workshop.lookup import get_or_404
from workshop.models import Workshop, utcnow
from workshop.text import N_

NOT_FOUND = N_("このワークショップは見つかりません。")


def get_workshop(workshop_id: int) -> Workshop:
    return get_or_404(Workshop, workshop_id, NOT_FOUND)


def upcoming_workshops(now: datetime | None = None) -> list[Workshop]:
    stmt = select(Workshop).where(Workshop.ends_at > (now or utcnow())).order_by(Workshop.starts_at)
    return list(db.session.scalars(stmt))


def lock_workshop(workshop_id: int) -> Workshop:
    """Take the workshop's lock first, or two sign-ups could take the last seat.

    An UPDATE locks the row on PostgreSQL (like SELECT … FOR UPDATE) and takes SQLite's single
    write lock, which SELECT … FOR UPDATE would not; it also hands out the arrival number.
    Call it inside the caller's transaction(): the lock is held until it ends.
    """
    stmt = (
        update(Workshop)
        .where(Workshop.id == workshop_id)
        .values(registration_seq=Workshop.registration_seq + 1)
        .returning(Workshop.registration_seq)
        .execution_options(synchronize_session=False)
    )
    seq = db.session.execute(stmt).scalar_one_or_none()
    if seq is None:
        raise NotFound(NOT_FOUND)
    workshop = db.session.get(Workshop, workshop_id, populate_existing=True)
    assert workshop is not None
    return workshop
