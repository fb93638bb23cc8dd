"""A sign-up (申込): a seat while one is left, else the waiting list, else WorkshopFull."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from workshop import line_api
from workshop.errors import DomainError
from workshop.extensions import db
from workshop.models import (
    AgeGroup,
    Need,
    ParticipationMode,
    Registration,
    RegistrationStatus,
    Workshop,
    utcnow,
)
from workshop.preferences import language
from workshop.text import clean_text
from workshop.transaction import transaction
from workshop.workshops import notify
from workshop.workshops.errors import AlreadyRegistered, SignupClosed, WorkshopFull
from workshop.workshops.services.lookup import lock_workshop
from workshop.workshops.services.seats import seats_left
from workshop.workshops.services.waitlist import is_waiting, waitlist_position


@dataclass(frozen=True)
class Applicant:
    name: str
    email: str | None = None
    furigana: str = ""
    phone: str = ""
    age_group: AgeGroup | None = None
    district: str = ""
    mode: ParticipationMode | None = None
    needs: tuple[Need, ...] = ()
    needs_other: str = ""
    answers: dict[str, str] = field(default_factory=dict)


def normalise_email(email: str | None) -> str | None:
    email = clean_text(email).lower()
    return email or None


def choose_mode(workshop: Workshop, mode: ParticipationMode | None) -> ParticipationMode:
    if mode is None or mode not in workshop.modes:
        if workshop.is_hybrid:
            raise DomainError(_("参加の方法（会場・オンライン）を選んでください。"))
        return workshop.modes[0]
    return mode


def ensure_signup_open(workshop: Workshop, now: datetime) -> None:
    if workshop.has_started(now):
        raise SignupClosed(_("このワークショップは開催日を過ぎたため、申込を受け付けていません。"))
    if not workshop.is_signup_open(now):
        deadline = language.format_date(workshop.signup_deadline or workshop.starts_at)
        raise SignupClosed(_("申込の受付は%(deadline)sで締め切りました。", deadline=deadline))


def apply_applicant(registration: Registration, workshop: Workshop, applicant: Applicant) -> None:
    name = clean_text(applicant.name)[:100]
    if not name:
        raise DomainError(_("お名前を入力してください。"))
    registration.name = name
    registration.furigana = clean_text(applicant.furigana)[:100]
    registration.phone = clean_text(applicant.phone)[:30]
    registration.age_group = applicant.age_group
    registration.district = clean_text(applicant.district)[:100]
    registration.needs = [need.value for need in dict.fromkeys(applicant.needs)]
    registration.needs_other = clean_text(applicant.needs_other)[:500]
    registration.answers = {
        question: clean_text(applicant.answers.get(question))[:1000]
        for question in workshop.questions
        if clean_text(applicant.answers.get(question))
    }


def find_by_email(workshop_id: int, email: str) -> Registration | None:
    stmt = select(Registration).where(
        Registration.workshop_id == workshop_id, Registration.email == email
    )
    return db.session.scalars(stmt).first()


def find_earlier(workshop_id: int, email: str | None, line_user: str | None) -> Registration | None:
    """The person's earlier registration, known by e-mail, or by LINE user through LINE."""
    if email is not None:
        return find_by_email(workshop_id, email)
    if line_user is not None:
        stmt = select(Registration).where(
            Registration.workshop_id == workshop_id,
            Registration.line_user_hash == line_api.user_hash(line_user),
        )
        return db.session.scalars(stmt).first()
    return None


def take_seat_or_wait(
    workshop_id: int,
    applicant: Applicant,
    email: str | None,
    now: datetime,
    line_user: str | None = None,
) -> Registration:
    """The sign-up under the workshop's lock; a cancelled registration is taken up again."""
    workshop = lock_workshop(workshop_id)
    ensure_signup_open(workshop, now)
    mode = choose_mode(workshop, applicant.mode)
    registration = find_earlier(workshop.id, email, line_user)
    if registration is not None and not registration.is_cancelled:
        raise AlreadyRegistered()
    # nobody jumps the queue: while people wait, a new sign-up waits behind them
    full = seats_left(workshop, mode) <= 0 or is_waiting(workshop.id, mode)
    if full and not workshop.has_waitlist:
        raise WorkshopFull()
    if registration is None:
        registration = Registration(workshop_id=workshop.id, email=email)
    # the mails sent later are in the language of this sign-up; LINE's are in Japanese
    registration.language = (language.JAPANESE if line_user else language.chosen()).code
    if line_user is not None:
        registration.line_user_hash = line_api.user_hash(line_user)
        registration.line_user_sealed = line_api.seal(line_user)
    apply_applicant(registration, workshop, applicant)
    db.session.add(registration)
    registration.seq = workshop.registration_seq
    registration.mode = mode
    registration.status = RegistrationStatus.WAITLISTED if full else RegistrationStatus.CONFIRMED
    registration.confirmed_at = None if full else now
    registration.cancelled_at = None
    registration.checked_in_at = None
    registration.reminder_sent_at = None
    return registration


def register(
    workshop_id: int,
    applicant: Applicant,
    *,
    staff_id: int | None = None,
    line_user: str | None = None,
    now: datetime | None = None,
) -> Registration:
    """A sign-up: a seat if one is left, else the waiting list, else WorkshopFull. On the web
    the person is known by e-mail; through LINE by their LINE user id (``line_user``)."""
    now = now or utcnow()
    email = normalise_email(applicant.email)
    if staff_id is None and email is None and line_user is None:
        raise DomainError(_("メールアドレスを入力してください。"))
    try:
        with transaction():
            registration = take_seat_or_wait(workshop_id, applicant, email, now, line_user)
            registration.entered_by_id = staff_id
            db.session.flush()  # the same e-mail pressed twice at once fails here, rolled back
    except IntegrityError as error:
        raise AlreadyRegistered() from error
    notify.registered(registration, position=waitlist_position(registration))
    return registration
