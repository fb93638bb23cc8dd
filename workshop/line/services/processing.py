"""The background job that answers LINE: each stored event, in the order it came, goes
through the conversation (workshop/line/conversation/); what it says is stored here and
its replies go back through LINE's Messaging API (line-bot-sdk) at LINE_API_BASE.

An event's payload, which holds the LINE user id, is cleared once it is processed; the user
is kept only as an HMAC of that id with the app's key. A reply that fails (LINE's API down)
does not undo the comment: the event keeps the error for staff to see.
"""

from __future__ import annotations

import dataclasses
import logging
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import aliased

from workshop import jobs, line_api
from workshop.consultations import services as consultations
from workshop.errors import DomainError
from workshop.extensions import db
from workshop.labels import PARTICIPATION_MODE
from workshop.line import conversation as talk
from workshop.line.services import people
from workshop.line.services.people import user_hash
from workshop.models import (
    AgeGroup,
    Audience,
    Channel,
    ConsultationStatus,
    Job,
    LineEvent,
    LineEventStatus,
    LineUser,
    ParticipationMode,
    Profile,
    Workshop,
    WorkshopFormat,
    utcnow,
)
from workshop.questionnaires.services.profile import known_here
from workshop.timeutil import format_datetime, format_time
from workshop.transaction import transaction
from workshop.views import public_url
from workshop.workshops import notify
from workshop.workshops.services import lookup, seats, signup, waitlist

log = logging.getLogger(__name__)
# an event taken this long ago and not finished: its job died, it is taken again
ABANDONED_AFTER = timedelta(minutes=5)


def town() -> talk.Town:
    """The open consultations anyone may answer, with their links on the city's site."""
    listed = [
        c
        for c in consultations.list_consultations(ConsultationStatus.OPEN)
        if c.audience is Audience.PUBLIC
    ]
    shown = tuple(
        talk.Consultation(
            c.id,
            c.title,
            public_url("consultations.show_consultation", slug=c.slug),
            tuple(c.districts),
            tuple(c.questions),
        )
        for c in listed
    )
    districts = tuple(dict.fromkeys(d for c in listed for d in c.districts))
    return talk.Town(shown, districts, workshop_offers())


def workshop_offers(now: datetime | None = None) -> tuple[talk.WorkshopOffer, ...]:
    """The workshops open for sign-up, with their seats as the web shows them."""
    now = now or utcnow()
    open_now = [w for w in lookup.upcoming_workshops(now) if w.is_signup_open(now)]
    numbers = seats.numbers_for(open_now)
    offers = []
    for workshop in open_now:
        left = sum(n.seats_left for n in numbers[workshop.id])
        waiting = sum(n.waitlisted for n in numbers[workshop.id])
        if left and not waiting:
            room = f"残り{left}席"
        elif workshop.has_waitlist:
            room = "満席（キャンセル待ちで申し込めます）"
        else:
            continue  # full, and no waiting list: nothing to sign up for
        offers.append(
            talk.WorkshopOffer(
                id=workshop.id,
                title=workshop.title,
                when=period_of(workshop),
                where=workshop_place(workshop),
                url=public_url("workshops.show", workshop_id=workshop.id),
                seats=room,
                modes=tuple((mode.value, PARTICIPATION_MODE[mode]) for mode in workshop.modes),
            )
        )
    return tuple(offers)


def period_of(workshop: Workshop) -> str:
    """As the workshop pages write it: 2026年12月17日（木） 14時00分〜16時00分."""
    return f"{format_datetime(workshop.starts_at)}〜{format_time(workshop.ends_at)}"


def workshop_place(workshop: Workshop) -> str:
    if workshop.format is WorkshopFormat.ONLINE:
        return "オンライン"
    if workshop.format is WorkshopFormat.HYBRID:
        return f"{workshop.venue}（オンラインでも参加できます）"
    return workshop.venue


def person_of(user: LineUser | None) -> talk.Person | None:
    if user is None:
        return None
    state = dict(user.state or {})
    return talk.Person(
        age_group=AgeGroup(state["age_group"]) if state.get("age_group") else None,
        district=state.get("district"),
        step=talk.Step(state.get("step", talk.Step.IDLE.value)),
        consultation_id=state.get("consultation_id"),
        draft=tuple(state.get("draft", ())),
        given=tuple((key, tuple(values), other) for key, values, other in state.get("given", ())),
        asked=tuple(state.get("asked", ())),
        workshop_id=state.get("workshop_id"),
        mode=state.get("mode"),
        name=state.get("name", ""),
    )


def state_of(person: talk.Person) -> dict[str, Any]:
    state = dataclasses.asdict(person)
    state["draft"] = list(person.draft)
    return state


def text_of(event: dict[str, Any]) -> str | None:
    message = event.get("message") or {}
    return str(message["text"]) if message.get("type") == "text" else None


def store_comment(submit: talk.Submit, event_id: str) -> talk.Reply:
    """The resident's comment through the web's own submit (checks, receipt number, answers),
    the confirming event's id as its submission token: stored once, even if the event is
    taken again after its job died."""
    consultation = consultations.get_consultation(submit.consultation_id)
    data = consultations.CommentInput(
        body=submit.body,
        age_group=known_here(consultation, Profile.AGE_GROUP, submit.age_group),
        district=known_here(consultation, Profile.DISTRICT, submit.district),
        answers=submit.answers,
    )
    try:
        receipt = consultations.submit_comment(
            consultation, data, submission_token=f"line-{event_id}", channel=Channel.LINE
        )
    except DomainError as error:  # closed meanwhile, or refused by the rules
        return talk.Reply(f"送れませんでした。{error.message}", (talk.COMMENT,))
    return talk.Reply(
        f"ご意見を受け付けました。受付番号は {receipt.receipt_no} です。"
        "お問い合わせのときにお伝えください。",
        (talk.COMMENT,),
    )


def handle(event: dict[str, Any]) -> list[talk.Reply]:
    """One event through the conversation; its changes in the caller's transaction."""
    source = event.get("source") or {}
    if source.get("type") != "user" or event.get("type") not in ("message", "follow"):
        return []  # a group, an unfollow, a postback: nothing to say
    digest = user_hash(str(source.get("userId", "")))
    user = db.session.scalars(select(LineUser).where(LineUser.user_hash == digest)).first()
    text = text_of(event) if event.get("type") == "message" else ""
    outcome = talk.respond(person_of(user), text, town())
    if outcome.forget:
        people.forget(digest)  # their comments stay, anonymous as they always were
    elif outcome.person is not None:
        if user is None:
            user = LineUser(user_hash=digest)
            db.session.add(user)
        user.state = state_of(outcome.person)
    replies = list(outcome.replies)
    if outcome.sign_up is not None:
        replies.append(sign_up(outcome.sign_up, str(source.get("userId"))))
    if outcome.submit is not None:
        replies.append(store_comment(outcome.submit, str(event.get("webhookEventId", ""))))
    return replies


def sign_up(wanted: talk.SignUp, line_user: str) -> talk.Reply:
    """The sign-up, by the web's rules (seats, waiting list, one per person); the reply
    says where it stands and gives the page to see or cancel it."""
    applicant = signup.Applicant(
        name=wanted.name,
        age_group=wanted.age_group,
        district=wanted.district or "",
        mode=ParticipationMode(wanted.mode) if wanted.mode else None,
    )
    try:
        registration = signup.register(wanted.workshop_id, applicant, line_user=line_user)
    except DomainError as error:
        return talk.Reply(error.message, (talk.WORKSHOPS, talk.COMMENT))
    title = registration.workshop.title
    if registration.is_confirmed:
        lead = f"「{title}」に申し込みました。参加が決まりました。"
    else:
        position = waitlist.waitlist_position(registration)
        lead = (
            f"「{title}」はいま満席のため、キャンセル待ち（{position}番目）で申し込みました。"
            "参加できるようになったら、このLINEでお知らせします。"
        )
    return talk.Reply(
        f"{lead}\n申込の内容の確認と取り消しは、次のページでできます。\n{notify.status_url(registration)}",
        (talk.WORKSHOPS, talk.COMMENT),
    )


def claim_next() -> LineEvent | None:
    """The oldest pending event whose resident has no earlier event pending or being
    processed, taken by one UPDATE: two jobs never take the same event, nor two events of one
    resident at once, and a resident's messages are answered in the order they came."""
    other = aliased(LineEvent)
    earlier_or_busy = (
        select(other.id)
        .where(
            other.user_hash == LineEvent.user_hash,
            or_(
                other.status == LineEventStatus.PROCESSING,
                and_(other.status == LineEventStatus.PENDING, other.id < LineEvent.id),
            ),
        )
        .exists()
    )
    # an event whose job died while taking it is taken again
    db.session.execute(
        update(LineEvent)
        .where(
            LineEvent.status == LineEventStatus.PROCESSING,
            LineEvent.processed_at < utcnow() - ABANDONED_AFTER,
        )
        .values(status=LineEventStatus.PENDING)
    )
    while True:
        event_id = db.session.scalar(
            select(LineEvent.id)
            .where(
                LineEvent.status == LineEventStatus.PENDING,
                or_(LineEvent.user_hash.is_(None), ~earlier_or_busy),
            )
            .order_by(LineEvent.id)
            .limit(1)
        )
        if event_id is None:
            db.session.commit()
            return None
        taken = db.session.execute(
            update(LineEvent)
            .where(LineEvent.id == event_id, LineEvent.status == LineEventStatus.PENDING)
            .values(status=LineEventStatus.PROCESSING, processed_at=utcnow())
        )
        db.session.commit()
        if taken.rowcount == 1:  # type: ignore[attr-defined]
            return db.session.get(LineEvent, event_id)


def process(event: LineEvent) -> None:
    payload = dict(event.payload or {})
    try:
        with transaction():
            replies = handle(payload)
            event.payload = None  # the LINE user id goes with it
            event.status = LineEventStatus.DONE
            event.processed_at = utcnow()
    except Exception as error:  # the event fails alone; the others are still answered
        log.exception("LINE event %s failed", event.id)
        with transaction():
            event.status = LineEventStatus.FAILED
            event.error = f"{type(error).__name__}: {error}"[:2000]
            event.payload = None
            event.processed_at = utcnow()
        return
    token = payload.get("replyToken")
    if not replies or not token:
        return
    try:
        line_api.reply(str(token), replies)
    except Exception as error:  # LINE's API down: what the resident sent is stored
        log.warning("LINE event %s: the reply could not be sent: %s", event.id, error)
        with transaction():
            event.error = f"返信できませんでした（{type(error).__name__}）"


def run_line_events(job: Job, progress: jobs.Progress) -> None:
    """The job: every pending event, oldest first."""
    done = 0
    while (event := claim_next()) is not None:
        process(event)
        done += 1
        progress(min(99, done), f"LINEのイベント {done}件を処理しました")
