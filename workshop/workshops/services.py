"""Workshops: sign-ups with a waiting list, cancellation, check-in, opinions of the day, reminders.

Every change is one transaction or a DomainError with nothing saved.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from workshop import audit
from workshop.consultations.services import (
    CommentInput,
    build_comment,
    clean_text,
    next_receipt_numbers,
)
from workshop.errors import DomainError, NotFound
from workshop.extensions import db
from workshop.models import (
    AgeGroup,
    Channel,
    Comment,
    Consultation,
    Need,
    ParticipationMode,
    Registration,
    RegistrationStatus,
    Role,
    User,
    Workshop,
    WorkshopFormat,
    utcnow,
)
from workshop.timeutil import as_tokyo, format_datetime
from workshop.workshops import notify, tokens

MAX_QUESTIONS = 5
MAX_OPINION_LINES = 500
OPINION_MAX_CHARS = 1000
NEED_VALUES = frozenset(need.value for need in Need)


class AlreadyRegistered(DomainError):
    message = "このメールアドレスでは、すでにこのワークショップに申し込まれています。申込のときのメールにあるリンクから、内容の確認や変更ができます。"
    status = 409


class SignupClosed(DomainError):
    status = 409


class WorkshopFull(DomainError):
    message = "申し訳ありません。定員に達したため、申込を締め切りました（キャンセル待ちも受け付けていません）。"
    status = 409


class AlreadyCancelled(DomainError):
    message = "この申込はすでに取り消されています。"
    status = 409


class AlreadyCheckedIn(DomainError):
    status = 409


class CannotCheckIn(DomainError):
    status = 409


# ---------------------------------------------------------------- workshops


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


def get_workshop(workshop_id: int) -> Workshop:
    workshop = db.session.get(Workshop, workshop_id)
    if workshop is None:
        raise NotFound("このワークショップは見つかりません。")
    return workshop


def upcoming_workshops(now: datetime | None = None) -> list[Workshop]:
    stmt = select(Workshop).where(Workshop.ends_at > (now or utcnow())).order_by(Workshop.starts_at)
    return list(db.session.scalars(stmt))


# ---------------------------------------------------------------- who runs which workshop


def sees_all_workshops(user: User) -> bool:
    """Planners and admins see and assign every workshop; a facilitator only their own."""
    return user.has_role(Role.PLANNER)


def can_run(user: User, workshop: Workshop) -> bool:
    return sees_all_workshops(user) or any(f.id == user.id for f in workshop.facilitators)


def workshops_for(user: User) -> list[Workshop]:
    stmt = (
        select(Workshop)
        .options(selectinload(Workshop.facilitators))  # the list names them, in one query
        .order_by(Workshop.starts_at.desc())
    )
    if not sees_all_workshops(user):
        stmt = stmt.where(Workshop.facilitators.any(User.id == user.id))
    return list(db.session.scalars(stmt))


def workshop_for(user: User, workshop_id: int) -> Workshop:
    """The workshop if this staff member may run it; NotFound alike whether it exists or not."""
    workshop = get_workshop(workshop_id)
    if not can_run(user, workshop):
        raise NotFound("このワークショップは見つかりません。")
    return workshop


def facilitator_choices(workshop: Workshop | None = None) -> list[User]:
    """Active facilitators, and whoever is assigned now (so saving keeps them)."""
    stmt = select(User).where(User.role == Role.FACILITATOR, User.active.is_(True))
    users = {user.id: user for user in db.session.scalars(stmt)}
    for user in workshop.facilitators if workshop else ():
        users.setdefault(user.id, user)
    return sorted(users.values(), key=lambda user: (user.display_name, user.id))


def chosen_facilitators(ids: tuple[int, ...], workshop: Workshop | None = None) -> list[User]:
    wanted = set(ids)
    users = [user for user in facilitator_choices(workshop) if user.id in wanted]
    if len(users) != len(wanted):
        raise DomainError("選ばれたファシリテーターは見つかりません。")
    return users


def assign_facilitators(workshop: Workshop, users: list[User]) -> None:
    """Set who runs the workshop; the caller commits, with the change in the audit log."""
    before = {user.id: user for user in workshop.facilitators}
    after = {user.id: user for user in users}
    if before.keys() == after.keys():
        return
    workshop.facilitators = sorted(after.values(), key=lambda user: user.id)
    audit.record(
        "workshop.facilitators",
        f"workshop:{workshop.id}",
        added=[after[i].email for i in sorted(after.keys() - before.keys())],
        removed=[before[i].email for i in sorted(before.keys() - after.keys())],
    )


def acting_staff(staff_id: int | None) -> User | None:
    return db.session.get(User, staff_id) if staff_id is not None else None


def may_assign(staff: User | None) -> bool:
    """The command line (no staff) and planners may; a facilitator's choice is ignored."""
    return staff is None or sees_all_workshops(staff)


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
    db.session.commit()
    return workshop


def update_workshop(
    workshop_id: int, data: WorkshopInput, *, staff_id: int | None = None
) -> tuple[Workshop, list[Registration]]:
    """Save the changes; seats that became free go to the waiting list, in order.

    Only planners and admins change who runs it: a facilitator's facilitator_ids are ignored.
    """
    validate_workshop(data)
    staff = acting_staff(staff_id)
    workshop = lock_workshop(workshop_id)
    if data.format is not workshop.format and count_active(workshop.id):
        db.session.rollback()
        raise DomainError("申込がある間は、開催形式を変えられません。")
    if data.facilitator_ids is not None and may_assign(staff):
        try:
            users = chosen_facilitators(data.facilitator_ids, workshop)
        except DomainError:
            db.session.rollback()
            raise
        assign_facilitators(workshop, users)
    apply_workshop(workshop, data)
    promoted: list[Registration] = []
    for mode in workshop.modes:
        promoted += fill_free_seats(workshop, mode)
    audit.record("workshop.edit", f"workshop:{workshop.id}", promoted=len(promoted))
    db.session.commit()
    for registration in promoted:
        notify.promoted(registration)
    return workshop, promoted


def lock_workshop(workshop_id: int) -> Workshop:
    """Take the workshop's lock first, or two sign-ups could take the last seat.

    An UPDATE locks the row on PostgreSQL (like SELECT … FOR UPDATE) and takes SQLite's single
    write lock, which SELECT … FOR UPDATE would not; it also hands out the arrival number.
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
        db.session.rollback()
        raise NotFound("このワークショップは見つかりません。")
    workshop = db.session.get(Workshop, workshop_id, populate_existing=True)
    assert workshop is not None
    return workshop


# ---------------------------------------------------------------- counting


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
    return count_status(workshop_id, RegistrationStatus.CONFIRMED) + count_status(
        workshop_id, RegistrationStatus.WAITLISTED
    )


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


def waitlist(workshop_id: int, mode: ParticipationMode | None = None) -> list[Registration]:
    stmt = select(Registration).where(
        Registration.workshop_id == workshop_id,
        Registration.status == RegistrationStatus.WAITLISTED,
    )
    if mode is not None:
        stmt = stmt.where(Registration.mode == mode)
    return list(db.session.scalars(stmt.order_by(Registration.seq)))


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


def numbers(workshop: Workshop) -> list[ModeNumbers]:
    return [
        ModeNumbers(
            mode=mode,
            capacity=workshop.capacity_for(mode),
            registered=count_status(workshop.id, RegistrationStatus.CONFIRMED, mode),
            waitlisted=count_status(workshop.id, RegistrationStatus.WAITLISTED, mode),
            checked_in=count_checked_in(workshop.id, mode),
        )
        for mode in workshop.modes
    ]


# ---------------------------------------------------------------- sign-up


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
            raise DomainError("参加の方法（会場・オンライン）を選んでください。")
        return workshop.modes[0]
    return mode


def ensure_signup_open(workshop: Workshop, now: datetime) -> None:
    if workshop.has_started(now):
        raise SignupClosed("このワークショップは開催日を過ぎたため、申込を受け付けていません。")
    if not workshop.is_signup_open(now):
        deadline = format_datetime(workshop.signup_deadline or workshop.starts_at)
        raise SignupClosed(f"申込の受付は{deadline}で締め切りました。")


def apply_applicant(registration: Registration, workshop: Workshop, applicant: Applicant) -> None:
    name = clean_text(applicant.name)[:100]
    if not name:
        raise DomainError("お名前を入力してください。")
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


def register(
    workshop_id: int,
    applicant: Applicant,
    *,
    staff_id: int | None = None,
    now: datetime | None = None,
) -> Registration:
    """A sign-up: a seat if one is left, else the waiting list, else WorkshopFull."""
    now = now or utcnow()
    email = normalise_email(applicant.email)
    if staff_id is None and email is None:
        raise DomainError("メールアドレスを入力してください。")
    workshop = lock_workshop(workshop_id)
    try:
        ensure_signup_open(workshop, now)
        mode = choose_mode(workshop, applicant.mode)
        registration = find_by_email(workshop.id, email) if email else None
        if registration is not None and not registration.is_cancelled:
            raise AlreadyRegistered()
        # nobody jumps the queue: while people wait, a new sign-up waits behind them
        full = seats_left(workshop, mode) <= 0 or bool(waitlist(workshop.id, mode))
        if full and not workshop.has_waitlist:
            raise WorkshopFull()
        if registration is None:
            registration = Registration(workshop_id=workshop.id, email=email)
        apply_applicant(registration, workshop, applicant)
    except DomainError:
        db.session.rollback()
        raise
    db.session.add(registration)
    registration.seq = workshop.registration_seq
    registration.mode = mode
    registration.status = RegistrationStatus.WAITLISTED if full else RegistrationStatus.CONFIRMED
    registration.confirmed_at = None if full else now
    registration.cancelled_at = None
    registration.checked_in_at = None
    registration.reminder_sent_at = None
    registration.entered_by_id = staff_id
    try:
        db.session.commit()
    except IntegrityError as error:
        db.session.rollback()
        raise AlreadyRegistered() from error
    notify.registered(registration)
    return registration


def find_by_email(workshop_id: int, email: str) -> Registration | None:
    stmt = select(Registration).where(
        Registration.workshop_id == workshop_id, Registration.email == email
    )
    return db.session.scalars(stmt).first()


def fill_free_seats(workshop: Workshop, mode: ParticipationMode) -> list[Registration]:
    """Promote from the waiting list while seats are free; the caller holds the lock and commits."""
    free = seats_left(workshop, mode)
    promoted = waitlist(workshop.id, mode)[:free]
    now = utcnow()
    for registration in promoted:
        registration.status = RegistrationStatus.CONFIRMED
        registration.confirmed_at = now
    return promoted


# ---------------------------------------------------------------- the resident's own link


def registration_from_token(token: str) -> Registration:
    registration_id, key = tokens.read(tokens.STATUS_SALT, token)
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.access_key != key:
        raise tokens.InvalidToken()
    return registration


def update_details(token: str, applicant: Applicant) -> Registration:
    registration = registration_from_token(token)
    if registration.is_cancelled:
        raise AlreadyCancelled("取り消された申込は変更できません。")
    if registration.workshop.has_started(utcnow()):
        raise SignupClosed("開催日を過ぎたため、申込の内容は変更できません。")
    apply_applicant(registration, registration.workshop, applicant)
    email = normalise_email(applicant.email)
    if email and email != registration.email:
        if find_by_email(registration.workshop_id, email) is not None:
            db.session.rollback()
            raise AlreadyRegistered(
                "このメールアドレスは、このワークショップの別の申込で使われています。"
            )
        registration.email = email
    try:
        db.session.commit()
    except IntegrityError as error:
        db.session.rollback()
        raise AlreadyRegistered() from error
    return registration


def cancel(token: str, *, now: datetime | None = None) -> tuple[Registration, list[Registration]]:
    """Cancel; a freed seat goes to the first person waiting, who is told by e-mail."""
    now = now or utcnow()
    found = registration_from_token(token)
    workshop = lock_workshop(found.workshop_id)
    registration = db.session.get(Registration, found.id, populate_existing=True)
    assert registration is not None
    if registration.is_cancelled:
        db.session.rollback()
        raise AlreadyCancelled()
    if workshop.has_started(now):
        db.session.rollback()
        raise SignupClosed("開催時刻を過ぎたため、取り消しはできません。担当課にご連絡ください。")
    registration.status = RegistrationStatus.CANCELLED
    registration.cancelled_at = now
    db.session.flush()
    promoted = fill_free_seats(workshop, registration.mode)
    db.session.commit()
    notify.cancelled(registration)
    for person in promoted:
        notify.promoted(person)
    return registration, promoted


# ---------------------------------------------------------------- check-in


def check_in_token(registration: Registration) -> str:
    return tokens.sign(tokens.CHECK_IN_SALT, registration.id, registration.access_key)


def status_token(registration: Registration) -> str:
    return tokens.sign(tokens.STATUS_SALT, registration.id, registration.access_key)


def check_in(
    workshop_id: int, *, code: str | None = None, registration_id: int | None = None
) -> Registration:
    if code is not None:
        try:
            found_id, key = tokens.read(tokens.CHECK_IN_SALT, code)
        except tokens.InvalidToken as error:
            raise CannotCheckIn(
                "受付コードを読み取れませんでした。もう一度読み取るか、お名前で検索してください。"
            ) from error
        registration = db.session.get(Registration, found_id)
        if registration is None or registration.access_key != key:
            raise CannotCheckIn("この受付コードの申込は見つかりません。お名前で検索してください。")
    else:
        registration = db.session.get(Registration, registration_id or 0)
        if registration is None:
            raise NotFound("この申込は見つかりません。")
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
    if db.session.execute(stmt).rowcount != 1:  # type: ignore[attr-defined]
        db.session.rollback()
        db.session.refresh(registration)
        when = format_datetime(registration.checked_in_at) if registration.checked_in_at else ""
        raise AlreadyCheckedIn(f"{registration.name}さんは、すでに受付済みです（{when}）。")
    audit.record("workshop.check_in", f"registration:{registration.id}")
    db.session.commit()
    db.session.refresh(registration)
    return registration


def add_walk_in(workshop_id: int, applicant: Applicant, *, staff_id: int) -> Registration:
    """当日参加: registered and checked in at once, by the facilitator's decision."""
    workshop = lock_workshop(workshop_id)
    try:
        mode = choose_mode(workshop, applicant.mode)
        email = normalise_email(applicant.email)
        if email and find_by_email(workshop.id, email) is not None:
            raise AlreadyRegistered(
                "このメールアドレスの申込があります。お名前で検索して受付してください。"
            )
        registration = Registration(workshop_id=workshop.id, email=email)
        apply_applicant(registration, workshop, applicant)
    except DomainError:
        db.session.rollback()
        raise
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
    db.session.commit()
    return registration


def kana_key(text: str) -> str:
    """Furigana in katakana or hiragana, full or half width, sort and match alike."""
    text = unicodedata.normalize("NFKC", text).replace(" ", "").replace("　", "")
    return "".join(chr(ord(c) - 0x60) if "ァ" <= c <= "ヶ" else c for c in text).lower()


def search_registrations(workshop_id: int, query: str) -> list[Registration]:
    key = kana_key(clean_text(query))[:100]
    if not key:
        return []
    stmt = select(Registration).where(
        Registration.workshop_id == workshop_id,
        Registration.status != RegistrationStatus.CANCELLED,
    )
    return [
        r
        for r in roster(db.session.scalars(stmt))
        if key in kana_key(r.name) or key in kana_key(r.furigana)
    ]


def roster(items: Iterable[Registration]) -> list[Registration]:
    return sorted(items, key=lambda r: (kana_key(r.furigana or r.name), r.seq))


def registrations(workshop_id: int, status: RegistrationStatus) -> list[Registration]:
    stmt = select(Registration).where(
        Registration.workshop_id == workshop_id, Registration.status == status
    )
    return list(db.session.scalars(stmt.order_by(Registration.seq)))


def needs_summary(workshop_id: int) -> dict[Need, int]:
    counts: Counter[Need] = Counter()
    for registration in registrations(workshop_id, RegistrationStatus.CONFIRMED):
        counts.update(Need(value) for value in registration.needs if value in NEED_VALUES)
    return {need: counts[need] for need in Need}


# ---------------------------------------------------------------- opinions of the day


@dataclass(frozen=True)
class OpinionBatch:
    text: str
    table: str = ""
    age_group: AgeGroup | None = None
    district: str = ""
    attributes: str = ""


LINE_BULLETS = re.compile(r"^\s*(?:[-・*•●○◯]|\d+[.)．）])\s*")


def opinion_lines(text: str) -> list[str]:
    lines = (LINE_BULLETS.sub("", line).strip() for line in clean_text(text).split("\n"))
    return [line for line in lines if line]


def add_opinions(workshop_id: int, batch: OpinionBatch, *, staff_id: int) -> list[Comment]:
    """付箋・模造紙 of one table, one comment each, channel `workshop`, into the linked consultation."""
    workshop = get_workshop(workshop_id)
    consultation = workshop.consultation
    if consultation is None:
        raise DomainError(
            "このワークショップには意見募集がつながっていません。編集画面で選んでください。"
        )
    if not workshop.has_started(utcnow()):
        raise DomainError("開催前のため、当日の意見はまだ登録できません。")
    lines = opinion_lines(batch.text)
    if not lines:
        raise DomainError("意見を1行に1つずつ入力してください。")
    if len(lines) > MAX_OPINION_LINES:
        raise DomainError(
            f"一度に登録できるのは{MAX_OPINION_LINES}件までです。分けて登録してください。"
        )
    too_long = next((n for n, line in enumerate(lines, 1) if len(line) > OPINION_MAX_CHARS), None)
    if too_long:
        raise DomainError(f"{too_long}行目が長すぎます（{OPINION_MAX_CHARS:,}文字まで）。")
    if batch.district and consultation.districts and batch.district not in consultation.districts:
        raise DomainError("選ばれた地区はこの意見募集の一覧にありません。")
    received_on = as_tokyo(workshop.starts_at).date()
    numbers_ = next_receipt_numbers(consultation, len(lines), received_on.year)
    batch_no = workshop.opinion_batches + 1
    workshop.opinion_batches = batch_no
    extra = {"workshop_id": str(workshop.id), "workshop": workshop.title}
    table = clean_text(batch.table)[:100]
    if table:
        extra["table"] = table
    if clean_text(batch.attributes):
        extra["table_attributes"] = clean_text(batch.attributes)[:200]
    comments = []
    for index, (line, receipt_no) in enumerate(zip(lines, numbers_, strict=True), 1):
        comment = build_comment(
            consultation,
            CommentInput(
                body=line, age_group=batch.age_group, district=batch.district or None, extra=extra
            ),
            channel=Channel.WORKSHOP,
            received_on=received_on,
            receipt_no=receipt_no,
        )
        comment.entered_by_id = staff_id
        comment.external_id = f"workshop:{workshop.id}:{batch_no}:{index}"
        db.session.add(comment)
        comments.append(comment)
    audit.record("workshop.opinions", f"workshop:{workshop_id}", lines=len(comments))
    db.session.commit()
    return comments


def workshop_opinion_count(workshop: Workshop) -> int:
    if workshop.consultation_id is None:
        return 0
    stmt = select(func.count(Comment.id)).where(
        Comment.consultation_id == workshop.consultation_id,
        Comment.channel == Channel.WORKSHOP,
        Comment.external_id.like(f"workshop:{workshop.id}:%"),
    )
    return db.session.scalar(stmt) or 0


# ---------------------------------------------------------------- reminders


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
            Registration.email.is_not(None),
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
        claimed = db.session.execute(claim).rowcount == 1  # type: ignore[attr-defined]
        db.session.commit()
        if claimed:
            registration = db.session.get(Registration, registration_id)
            assert registration is not None
            notify.reminder(registration)
            sent += 1
    return sent
