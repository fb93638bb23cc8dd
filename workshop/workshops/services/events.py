"""Creating and editing workshops; an edit that frees seats promotes from the waiting list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from workshop import audit
from workshop.errors import DomainError
from workshop.extensions import db
from workshop.models import Consultation, Registration, Role, User, Workshop, WorkshopFormat
from workshop.text import clean_text
from workshop.transaction import transaction
from workshop.workshops import notify
from workshop.workshops.services.access import (
    acting_staff,
    assign_facilitators,
    chosen_facilitators,
    may_assign,
)
from workshop.workshops.services.lookup import lock_workshop
from workshop.workshops.services.seats import count_active
from workshop.workshops.services.waitlist import promote_from_waitlist

MAX_QUESTIONS = 5


@dataclass(frozen=True)
class WorkshopInput:
    title: str
    starts_at: datetime
    ends_at: datetime
    format: WorkshopFormat
    capacity: int
    online_capacity: int = 0
    description: str = ""
    access: str = ""
    accessibility: str = ""
    venue: str = ""
    map_url: str | None = None
    online_url: str | None = None
    has_waitlist: bool = True
    signup_deadline: datetime | None = None
    questions: tuple[str, ...] = ()
    consultation_id: int | None = None
    # None: leave the assignment as it is
    facilitator_ids: tuple[int, ...] | None = None


def validate_workshop(data: WorkshopInput) -> None:
    if not clean_text(data.title):
        raise DomainError("題名を入力してください。")
    if data.ends_at <= data.starts_at:
        raise DomainError("終了日時は開始日時より後にしてください。")
    if data.capacity < 1 or data.capacity > 10_000:
        raise DomainError("定員は1〜10,000人の範囲で入力してください。")
    if data.format is WorkshopFormat.HYBRID and not 1 <= data.online_capacity <= 10_000:
        raise DomainError("ハイブリッド開催では、オンラインの定員も1人以上で入力してください。")
    if data.signup_deadline and data.signup_deadline > data.starts_at:
        raise DomainError("申込締切は開始日時より前にしてください。")
    for url in (data.map_url, data.online_url):
        if url and not url.startswith(("https://", "http://")):
            raise DomainError(
                "地図やオンライン会議のリンクは https:// で始まるアドレスにしてください。"
            )
    if len(data.questions) > MAX_QUESTIONS:
        raise DomainError(f"独自の質問は{MAX_QUESTIONS}つまでにしてください。")
    if (
        data.consultation_id is not None
        and db.session.get(Consultation, data.consultation_id) is None
    ):
        raise DomainError("選ばれた意見募集は見つかりません。")


def apply_workshop(workshop: Workshop, data: WorkshopInput) -> None:
    workshop.title = clean_text(data.title)[:200]
    workshop.starts_at = data.starts_at
    workshop.ends_at = data.ends_at
    workshop.format = data.format
    workshop.capacity = data.capacity
    workshop.online_capacity = data.online_capacity if data.format is WorkshopFormat.HYBRID else 0
    workshop.description = clean_text(data.description)
    workshop.access = clean_text(data.access)
    workshop.accessibility = clean_text(data.accessibility)
    workshop.venue = clean_text(data.venue)[:200]
    workshop.map_url = data.map_url or None
    workshop.online_url = data.online_url or None
    workshop.has_waitlist = data.has_waitlist
    workshop.signup_deadline = data.signup_deadline
    workshop.questions = [q for q in (clean_text(q)[:200] for q in data.questions) if q]
    workshop.consultation_id = data.consultation_id


def create_workshop(data: WorkshopInput, *, staff_id: int | None = None) -> Workshop:
    """A new workshop; a facilitator who creates one runs it, whatever else they chose."""
    validate_workshop(data)
    with transaction():
        staff = acting_staff(staff_id)
        users: list[User] = []
        if may_assign(staff) and data.facilitator_ids:
            users = chosen_facilitators(data.facilitator_ids)
        if staff is not None and staff.role is Role.FACILITATOR and staff not in users:
            users.append(staff)
        workshop = Workshop(created_by_id=staff_id, registration_seq=0, opinion_batches=0)
        apply_workshop(workshop, data)
        db.session.add(workshop)
        db.session.flush()
        audit.record("workshop.create", f"workshop:{workshop.id}", title=workshop.title)
        assign_facilitators(workshop, users)
    return workshop


def update_workshop(
    workshop_id: int, data: WorkshopInput, *, staff_id: int | None = None
) -> tuple[Workshop, list[Registration]]:
    """Save the changes; seats that became free go to the waiting list, in order.

    Only planners and admins change who runs it: a facilitator's facilitator_ids are ignored.
    """
    validate_workshop(data)
    with transaction():
        staff = acting_staff(staff_id)
        workshop = lock_workshop(workshop_id)
        if data.format is not workshop.format and count_active(workshop.id):
            raise DomainError("申込がある間は、開催形式を変えられません。")
        if data.facilitator_ids is not None and may_assign(staff):
            assign_facilitators(workshop, chosen_facilitators(data.facilitator_ids, workshop))
        apply_workshop(workshop, data)
        promoted: list[Registration] = []
        for mode in workshop.modes:
            promoted += promote_from_waitlist(workshop, mode)
        audit.record("workshop.edit", f"workshop:{workshop.id}", promoted=len(promoted))
    for registration in promoted:
        notify.promoted(registration)
    return workshop, promoted
