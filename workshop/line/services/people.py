"""How a LINE user is known here: as an HMAC of their LINE id with the app's key
(line_api.user_hash); the id itself only sealed, on a workshop registration made in LINE,
until the workshop is over."""

from __future__ import annotations

from sqlalchemy import select, update

from workshop.extensions import db
from workshop.line_api import user_hash

__all__ = ["forget", "user_hash"]
from workshop.models import LineUser, Registration


def forget(digest: str) -> bool:
    """Remove what is kept of a LINE user: their settings, and their (sealed) LINE id on
    workshop registrations (the registrations stay, as sign-ups by a name). False: nothing
    was kept. Their comments stay, anonymous as they always were."""
    user = db.session.scalars(select(LineUser).where(LineUser.user_hash == digest)).first()
    if user is not None:
        db.session.delete(user)
    erased = db.session.execute(
        update(Registration)
        .where(Registration.line_user_hash == digest)
        .values(line_user_hash=None, line_user_sealed=None)
        .execution_options(synchronize_session=False)
    ).rowcount  # type: ignore[attr-defined]
    return user is not None or erased > 0
