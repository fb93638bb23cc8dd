"""The resident's private link: the signed tokens, changing the details, cancelling."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from workshop.extensions import db
from workshop.models import Registration, RegistrationStatus, utcnow
from workshop.transaction import transaction
from workshop.workshops import notify, tokens
from workshop.workshops.errors import AlreadyCancelled, AlreadyRegistered, SignupClosed
from workshop.workshops.services.lookup import lock_workshop
from workshop.workshops.services.signup import (
    Applicant,
    apply_applicant,
    find_by_email,
    normalise_email,
)
from workshop.workshops.services.waitlist import promote_from_waitlist


def status_token(registration: Registration) -> str:
    return tokens.sign(tokens.STATUS_SALT, registration.id, registration.access_key)


def check_in_token(registration: Registration) -> str:
    return tokens.sign(tokens.CHECK_IN_SALT, registration.id, registration.access_key)


def registration_from_token(token: str) -> Registration:
    registration_id, key = tokens.read(tokens.STATUS_SALT, token)
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.access_key != key:
        raise tokens.InvalidToken()
    return registration


def update_details(token: str, applicant: Applicant) -> Registration:
    registration = registration_from_token(token)
    if registration.is_cancelled:
        raise AlreadyCancelled(_("取り消された申込は変更できません。"))
    if registration.workshop.has_started(utcnow()):
        raise SignupClosed(_("開催日を過ぎたため、申込の内容は変更できません。"))
    email = normalise_email(applicant.email)
    try:
        with transaction():
            apply_applicant(registration, registration.workshop, applicant)
            if email and email != registration.email:
                if find_by_email(registration.workshop_id, email) is not None:
                    raise AlreadyRegistered(
                        _("このメールアドレスは、このワークショップの別の申込で使われています。")
                    )
                registration.email = email
            db.session.flush()  # an e-mail taken meanwhile fails here, rolled back
    except IntegrityError as error:
        raise AlreadyRegistered() from error
    return registration


def cancel(token: str, *, now: datetime | None = None) -> tuple[Registration, list[Registration]]:
    """Cancel; a freed seat goes to the first person waiting, who is told by e-mail."""
    now = now or utcnow()
    found = registration_from_token(token)
    with transaction():
        workshop = lock_workshop(found.workshop_id)
        # read again under the lock: a second cancel at the same moment sees the first
        registration = db.session.get(Registration, found.id, populate_existing=True)
        assert registration is not None
        if registration.is_cancelled:
            raise AlreadyCancelled()
        if workshop.has_started(now):
            raise SignupClosed(
                _("開催時刻を過ぎたため、取り消しはできません。担当課にご連絡ください。")
            )
        registration.status = RegistrationStatus.CANCELLED
        registration.cancelled_at = now
        db.session.flush()
        promoted = promote_from_waitlist(workshop, registration.mode)
    notify.cancelled(registration)
    for person in promoted:
        notify.promoted(person)
    return registration, promoted
