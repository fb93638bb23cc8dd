"""A webhook delivery from LINE: its signature checked by LINE's own SDK (HMAC-SHA256 of the
raw body with the channel secret, compared in constant time), then each event stored once.

LINE expects an answer within seconds, so nothing else happens here: the events wait as
rows for the background job. A redelivered event (deliveryContext.isRedelivery, the same
webhookEventId) finds its row and is only counted; if that row is still pending, the job is
handed on again (the delivery that stored it may have been cut off before it did).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from workshop import jobs
from workshop.extensions import db
from workshop.line.errors import BadDelivery, BadSignature
from workshop.line.services.people import user_hash
from workshop.models import Job, JobKind, JobStatus, LineEvent, LineEventStatus
from workshop.transaction import transaction


@dataclass(frozen=True)
class Received:
    stored: int  # new events, waiting for the background job
    repeated: int  # events delivered before (LINE's redelivery)
    # of those, still pending: the web worker that stored one may have died (SIGKILL, a
    # restart) after its commit and before it handed the job on, and LINE delivers it again
    # because it got no answer; without a new job it would wait for someone else's message
    pending: int = 0


def hand_on() -> None:
    """Have the stored events answered. One job answers every pending event, oldest first, so
    a new one is enqueued only when none is waiting to start: under a burst of deliveries the
    webhook then only stores, and one job drains them, instead of a job (and, with RQ, a
    forked work horse) per delivery. A running job is no reason to skip: it may have looked
    for events just before these were stored."""
    waiting = select(Job.id).where(Job.kind == JobKind.LINE_EVENTS, Job.status == JobStatus.QUEUED)
    if db.session.scalar(waiting.limit(1)) is None:
        jobs.enqueue(JobKind.LINE_EVENTS)


def load_sdk() -> None:
    """Import the SDK's parser at start-up when the channel is on: otherwise a fresh web
    worker's first delivery pays for it while LINE waits, and so does every delivery that
    worker took meanwhile (bench/line_load.py: the slowest answers, after a start or a
    restart). A channel that is off still pays nothing."""
    from linebot.v3 import WebhookParser  # noqa: F401


def parse(body: str, signature: str, secret: str) -> list[dict[str, object]]:
    """The delivery's events as plain data, or BadSignature. The SDK checks the signature
    before it reads the body: an unsigned body is never parsed."""
    # imported here, not at the top: the SDK takes a third of a second to import, which every
    # web worker, job process and command would pay for a channel that is off (load_sdk()
    # imports it at app creation when the channel is on)
    from linebot.v3 import WebhookParser
    from linebot.v3.exceptions import InvalidSignatureError

    try:
        payload = WebhookParser(secret).parse(body, signature, as_payload=True)
    except InvalidSignatureError as error:
        raise BadSignature() from error
    except (ValueError, TypeError, KeyError, AttributeError) as error:  # not JSON, not events
        raise BadDelivery() from error
    return [event.to_dict() for event in payload.events or []]


def receive(body: str, signature: str | None, secret: str) -> Received:
    """Check and store a delivery; its events wait for the background job."""
    events = parse(body, signature or "", secret)
    stored = repeated = pending = 0
    with transaction():
        for event in events:
            event_id = str(event.get("webhookEventId") or "")[:64]
            if not event_id:
                continue  # every event LINE sends has one; anything else is not LINE's
            if store_once(event_id, str(event.get("type") or "")[:40], event, who(event)):
                stored += 1
            else:
                repeated += 1
                pending += still_pending(event_id)
    return Received(stored, repeated, pending)


def who(event: dict[str, object]) -> str | None:
    source = event.get("source")
    user_id = source.get("userId") if isinstance(source, dict) else None
    return user_hash(str(user_id)) if user_id else None


def store_once(event_id: str, event_type: str, event: dict[str, object], user: str | None) -> bool:
    """True if the event is new. Two deliveries at once: the unique id keeps one row."""
    known = select(LineEvent.id).where(LineEvent.webhook_event_id == event_id)
    if db.session.scalar(known) is None:
        try:
            with db.session.begin_nested():
                db.session.add(
                    LineEvent(
                        webhook_event_id=event_id,
                        event_type=event_type,
                        user_hash=user,
                        payload=event,
                    )
                )
            return True
        except IntegrityError:
            pass  # stored by the other delivery a moment ago
    db.session.execute(
        update(LineEvent)
        .where(LineEvent.webhook_event_id == event_id)
        .values(redelivered=LineEvent.redelivered + 1)
    )
    return False


def still_pending(event_id: str) -> bool:
    status = select(LineEvent.status).where(LineEvent.webhook_event_id == event_id)
    return db.session.scalar(status) is LineEventStatus.PENDING
