"""Fifty residents press 申し込む at the same moment: twenty seats, never twenty-one."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import select

from workshop.errors import DomainError
from workshop.extensions import db
from workshop.models import (
    ParticipationMode,
    Registration,
    RegistrationStatus,
    Workshop,
    WorkshopFormat,
    utcnow,
)
from workshop.workshops.services import events, links, seats, signup, waitlist

SIGN_UPS = 50


def in_parallel(app, count: int, work) -> list[str]:
    """Run work(0), ..., work(count - 1) in threads released at the same moment; a refusal
    answers with its message."""
    barrier = threading.Barrier(count)

    def one(index: int) -> str:
        with app.app_context():
            barrier.wait()
            try:
                return work(index)
            except DomainError as error:
                return error.message
            finally:
                db.session.remove()

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(one, range(count)))


def sign_up_at_once(app, workshop_id: int, mode: ParticipationMode | None = None) -> list[str]:
    def one(index: int) -> str:
        applicant = signup.Applicant(
            name=f"市民{index:02d}", email=f"shimin{index:02d}@example.jp", mode=mode
        )
        return signup.register(workshop_id, applicant).status.value

    return in_parallel(app, SIGN_UPS, one)


def new_workshop(title: str, days: int, **details) -> Workshop:
    """A workshop in `days` days, two hours long."""
    return events.create_workshop(
        events.WorkshopInput(
            title=title,
            starts_at=utcnow() + timedelta(days=days),
            ends_at=utcnow() + timedelta(days=days, hours=2),
            **details,
        )
    )


@pytest.mark.both_dbs
def test_fifty_parallel_sign_ups_fill_twenty_seats_and_queue_the_rest(app):
    workshop = new_workshop(
        "みんなで考える駅前広場の使い方",
        10,
        format=WorkshopFormat.IN_PERSON,
        capacity=20,
        venue="みどり市民会館 第1会議室",
    )
    statuses = sign_up_at_once(app, workshop.id)

    assert statuses.count("confirmed") == 20
    assert statuses.count("waitlisted") == SIGN_UPS - 20
    db.session.expire_all()
    rows = list(db.session.scalars(select(Registration).order_by(Registration.seq)))
    assert len(rows) == SIGN_UPS
    assert len({r.seq for r in rows}) == SIGN_UPS
    # arrival order: the first twenty to take the lock have the seats, the rest wait in order
    assert [r.status for r in rows[:20]] == [RegistrationStatus.CONFIRMED] * 20
    assert [r.status for r in rows[20:]] == [RegistrationStatus.WAITLISTED] * 30
    positions = [waitlist.waitlist_position(r) for r in rows[20:]]
    assert positions == list(range(1, 31))


@pytest.mark.both_dbs
def test_parallel_sign_ups_respect_each_hybrid_capacity(app):
    workshop = new_workshop(
        "オンラインでも参加できる意見交換会",
        10,
        format=WorkshopFormat.HYBRID,
        capacity=5,
        online_capacity=15,
        venue="北山公民館",
    )
    statuses = sign_up_at_once(app, workshop.id, ParticipationMode.ONLINE)

    assert statuses.count("confirmed") == 15
    numbers = {n.mode: n for n in seats.numbers(db.session.get(type(workshop), workshop.id))}
    assert numbers[ParticipationMode.ONLINE].registered == 15
    assert numbers[ParticipationMode.ONLINE].waitlisted == 35
    assert numbers[ParticipationMode.VENUE].registered == 0


@pytest.mark.both_dbs
def test_same_email_pressed_ten_times_at_once_takes_one_seat(app):
    workshop = new_workshop(
        "西川地区の防災を話し合う会", 3, format=WorkshopFormat.IN_PERSON, capacity=20
    )
    applicant = signup.Applicant(name="西川 すみれ", email="sumire@example.jp")
    workshop_id = workshop.id  # read here: the threads must not touch this session's objects
    results = in_parallel(app, 10, lambda _: signup.register(workshop_id, applicant).status.value)
    assert results.count("confirmed") == 1
    assert sum("すでにこのワークショップに申し込まれています" in r for r in results) == 9
    assert db.session.query(Registration).count() == 1


@pytest.mark.both_dbs
def test_parallel_cancellations_promote_exactly_as_many_as_they_free(app):
    workshop = new_workshop(
        "中央地区まちづくり意見交換会", 3, format=WorkshopFormat.IN_PERSON, capacity=10
    )
    people = [
        signup.register(
            workshop.id, signup.Applicant(name=f"住民{i:02d}", email=f"jumin{i:02d}@example.jp")
        )
        for i in range(16)
    ]
    tokens = [links.status_token(p) for p in people[:6]]
    results = in_parallel(app, 6, lambda i: links.cancel(tokens[i])[0].status.value)
    assert results == ["cancelled"] * 6
    db.session.expire_all()
    assert seats.count_status(workshop.id, RegistrationStatus.CONFIRMED) == 10
    assert seats.count_status(workshop.id, RegistrationStatus.WAITLISTED) == 0
