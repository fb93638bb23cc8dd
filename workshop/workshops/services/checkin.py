"""Check-in on the day (受付): by the QR code or by name, and walk-ins (当日参加)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import update

from workshop import audit
from workshop.extensions import db
from workshop.lookup import get_or_404
from workshop.models import Registration, RegistrationStatus, utcnow
from workshop.timeutil import format_datetime
from workshop.transaction import transaction
from workshop.workshops import tokens
from workshop.workshops.errors import AlreadyCheckedIn, AlreadyRegistered, CannotCheckIn
from workshop.workshops.services.lookup import lock_workshop
from workshop.workshops.services.seats import count_status
from workshop.workshops.services.signup import (
    Applicant,
    apply_applicant,
    choose_mode,
    find_by_email,
    normalise_email,
)


def registration_for_code(code: str) -> Registration:
    try:
        found_id, key = tokens.read(tokens.CHECK_IN_SALT, code)
    except tokens.InvalidToken as error:
        raise CannotCheckIn(
            "受付コードを読み取れませんでした。もう一度読み取るか、お名前で検索してください。"
        ) from error
    registration = db.session.get(Registration, found_id)
    if registration is None or registration.access_key != key:
        raise CannotCheckIn("この受付コードの申込は見つかりません。お名前で検索してください。")
    return registration


def check_in(
    workshop_id: int, *, code: str | None = None, registration_id: int | None = None
) -> Registration:
    if code is not None:
        registration = registration_for_code(code)
    else:
        registration = get_or_404(Registration, registration_id or 0, "この申込は見つかりません。")
    if registration.workshop_id != workshop_id:
        raise CannotCheckIn("この受付コードは別のワークショップのものです。")
    if not registration.is_confirmed:
        label = "キャンセル待ち" if registration.is_waitlisted else "取り消し済み"
        raise CannotCheckIn(f"{registration.name}さんの申込は{label}のため、受付できません。")
    # one UPDATE decides: two scanners at two doors cannot both check the same person in
    stmt = (
        update(Registration)
        .where(Registration.id == registration.id, Registration.checked_in_at.is_(None))
        .values(checked_in_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    with transaction():
        claimed = db.session.execute(stmt).rowcount == 1  # type: ignore[attr-defined]
        if claimed:
            audit.record("workshop.check_in", f"registration:{registration.id}")
    db.session.refresh(registration)
    if not claimed:
        when = format_datetime(registration.checked_in_at) if registration.checked_in_at else ""
        raise AlreadyCheckedIn(f"{registration.name}さんは、すでに受付済みです（{when}）。")
    return registration


@dataclass(frozen=True)
class WalkIn:
    registration: Registration
    taken: int  # confirmed seats of the walk-in's mode, the walk-in included
    capacity: int

    @property
    def is_over_capacity(self) -> bool:
        """A facilitator may seat more than planned; the page then says so."""
        return self.taken > self.capacity


def add_walk_in(workshop_id: int, applicant: Applicant, *, staff_id: int) -> WalkIn:
    """当日参加: registered and checked in at once, by the facilitator's decision."""
    with transaction():
        workshop = lock_workshop(workshop_id)
        mode = choose_mode(workshop, applicant.mode)
        email = normalise_email(applicant.email)
        if email and find_by_email(workshop.id, email) is not None:
            raise AlreadyRegistered(
                "このメールアドレスの申込があります。お名前で検索して受付してください。"
            )
        registration = Registration(workshop_id=workshop.id, email=email)
        apply_applicant(registration, workshop, applicant)
        now = utcnow()
        registration.seq = workshop.registration_seq
        registration.mode = mode
        registration.status = RegistrationStatus.CONFIRMED
        registration.is_walk_in = True
        registration.confirmed_at = now
        registration.checked_in_at = now
        registration.entered_by_id = staff_id
        db.session.add(registration)
        audit.record("workshop.walk_in", f"workshop:{workshop_id}")
        db.session.flush()
        taken = count_status(workshop.id, RegistrationStatus.CONFIRMED, mode)
    return WalkIn(registration, taken, workshop.capacity_for(mode))
