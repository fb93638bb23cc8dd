"""How a LINE user is known here: as an HMAC of their LINE id with the app's key; the id
itself only on a workshop registration made in LINE, until the workshop is over."""

from __future__ import annotations

import hashlib
import hmac

from flask import current_app
from sqlalchemy import select

from workshop.extensions import db
from workshop.models import LineUser, Registration


def user_hash(user_id: str) -> str:
    """The only form in which a LINE user id is kept."""
    key = str(current_app.config["SECRET_KEY"]).encode("utf-8")
    return hmac.new(key, user_id.encode("utf-8"), hashlib.sha256).hexdigest()


def forget(digest: str) -> bool:
    """Remove what is kept of a LINE user: their settings, and their LINE id on workshop
    registrations (the registrations stay, as sign-ups by a name). False: nothing was kept.
    Their comments stay, anonymous as they always were."""
    user = db.session.scalars(select(LineUser).where(LineUser.user_hash == digest)).first()
    if user is not None:
        db.session.delete(user)
    registrations = db.session.scalars(
        select(Registration).where(Registration.line_user.is_not(None))
    )
    erased = 0
    for registration in registrations:  # only those of workshops not over yet keep an id
        if registration.line_user and user_hash(registration.line_user) == digest:
            registration.line_user = None
            erased += 1
    return user is not None or erased > 0
