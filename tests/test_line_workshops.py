"""Residents sign up for workshops inside LINE: the same seats, waiting list and promotion as
the web; the status link comes back as a message, a move up from the waiting list and the
reminder are pushed (to the local stand-in for LINE's API), and the LINE id is erased once
the workshop is over."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.test_line import USER_A, USER_B, Resident, line_api  # noqa: F401 (a fixture)
from tests.test_workshops import sign_up as sign_up_on_the_web
from tests.test_workshops import workshop_factory
from workshop.extensions import db
from workshop.line.services import user_hash
from workshop.line_api import unseal
from workshop.models import (
    AgeGroup,
    LineUser,
    ParticipationMode,
    Registration,
    RegistrationStatus,
    WorkshopFormat,
    utcnow,
)
from workshop.workshops.services import links, reminders


@pytest.fixture
def make_workshop(app):
    return workshop_factory()


def set_up(resident: Resident) -> None:
    """Consent and the settings: 70代, 北山地区."""
    for said in ("こんにちは", "同意する", "70代", "北山地区"):
        resident.says(said)


def pushes(line_api) -> list[tuple[str, str]]:  # noqa: F811
    """(to, text) of every message pushed, not replied."""
    return [
        (body["to"], message["text"])
        for path, body, _ in line_api.calls
        if path == "/v2/bot/message/push"
        for message in body["messages"]
    ]


def link_in(text: str) -> Registration:
    """The registration whose status link a message holds. The link is signed with the time
    it is made, so one made again a second later is another string for the same sign-up."""
    (token,) = re.findall(r"/workshops/r/([\w.-]+)", text)
    return links.registration_from_token(token)


def registrations() -> list[Registration]:
    return list(db.session.scalars(select(Registration).order_by(Registration.id)))


def test_a_sign_up_in_line(client, line_api, make_workshop):  # noqa: F811
    workshop = make_workshop(capacity=3)
    hana = Resident(client, USER_A)
    set_up(hana)
    hana.says("ワークショップ")
    listing = line_api.texts()[-1]
    assert "1. 駅前広場の使い方を考えるワークショップ" in listing
    assert "みどり市民会館 第1会議室　残り3席" in listing
    assert f"/workshops/{workshop.id}" in listing
    assert line_api.quick() == ["1", "やめる"]
    hana.says("1")
    assert "受付でお呼びするお名前" in line_api.texts()[-1]
    hana.says("みどりのはな")
    summary = line_api.texts()[-1]
    assert "お名前：みどりのはな" in summary and "年代：70代" in summary
    assert "LINEの利用者IDをこの申込とともに市のサーバーに保存します" in summary
    assert registrations() == []  # nothing before 申し込む
    hana.says("申し込む")
    (registration,) = registrations()
    assert registration.status is RegistrationStatus.CONFIRMED
    assert (registration.name, registration.email) == ("みどりのはな", None)
    assert registration.age_group is AgeGroup.AGE_70S and registration.district == "北山地区"
    # who, as an HMAC; the id itself only sealed with the app's key, to push to them later
    assert registration.line_user_hash == user_hash(USER_A)
    assert USER_A not in registration.line_user_sealed
    assert unseal(registration.line_user_sealed) == USER_A
    done = line_api.texts()[-1]
    assert "参加が決まりました" in done
    assert link_in(done) == registration
    # the state kept for the resident holds no name once the sign-up is made
    user = db.session.scalars(select(LineUser)).one()
    assert user.state["name"] == "" and user.state["workshop_id"] is None

    # a second sign-up by the same LINE user is refused as on the web
    hana.says("ワークショップ")
    hana.says("1")
    hana.says("みどりのはな")
    hana.says("申し込む")
    assert "すでに" in line_api.texts()[-1]
    assert len(registrations()) == 1


def test_the_waiting_list_and_the_move_up_pushed_in_line(
    app,
    client,
    line_api,  # noqa: F811
    make_workshop,
):
    workshop = make_workshop(capacity=1)
    sign_up_on_the_web(client, workshop, "taro@example.jp")  # takes the only seat
    hana = Resident(client, USER_A)
    set_up(hana)
    hana.says("ワークショップ")
    assert "満席（キャンセル待ちで申し込めます）" in line_api.texts()[-1]
    for said in ("1", "みどりのはな", "申し込む"):
        hana.says(said)
    waiting = line_api.texts()[-1]
    assert "キャンセル待ち（1番目）" in waiting and "このLINEでお知らせします" in waiting
    first, mine = registrations()
    assert mine.status is RegistrationStatus.WAITLISTED
    assert pushes(line_api) == []

    links.cancel(links.status_token(first))  # the web registrant cancels
    db.session.refresh(mine)
    assert mine.status is RegistrationStatus.CONFIRMED
    ((to, text),) = pushes(line_api)
    assert to == USER_A
    assert "参加できるようになりました" in text and workshop.title in text
    assert link_in(text) == mine

    # the reminder goes to LINE too, once
    with app.test_request_context():
        assert reminders.send_reminders(now=workshop.starts_at - timedelta(hours=24)) == 1
    assert "まもなく「" in pushes(line_api)[-1][1]


def test_a_hybrid_workshop_asks_how_to_take_part(client, line_api, make_workshop):  # noqa: F811
    make_workshop(
        title="ハイブリッド意見交換会",
        format=WorkshopFormat.HYBRID,
        capacity=1,
        online_capacity=5,
    )
    hana = Resident(client, USER_A)
    set_up(hana)
    hana.says("ワークショップ")
    hana.says("1")
    assert line_api.quick() == ["会場", "オンライン", "やめる"]
    hana.says("電話で")  # not a way to take part: asked again
    assert "ボタンから選んでください" in line_api.texts()[-1]
    hana.says("オンライン")
    hana.says("はな")
    assert "参加の方法：オンライン" in line_api.texts()[-1]
    hana.says("申し込む")
    (registration,) = registrations()
    assert registration.mode is ParticipationMode.ONLINE


def test_cancel_midway_and_a_closed_workshop(client, line_api, make_workshop):  # noqa: F811
    workshop = make_workshop(capacity=2)
    hana = Resident(client, USER_A)
    set_up(hana)
    hana.says("ワークショップ")
    hana.says("1")
    hana.says("やめる")
    assert "やめました" in line_api.texts()[-1]
    assert registrations() == []
    # sign-up closes while the resident is at the summary: refused, nothing stored
    hana.says("ワークショップ")
    hana.says("1")
    hana.says("はな")
    workshop.signup_deadline = utcnow() - timedelta(minutes=1)
    db.session.commit()
    hana.says("申し込む")
    assert "締め切られました" in line_api.texts()[-1]
    assert registrations() == []


def test_no_workshop_open_says_so(client, line_api):  # noqa: F811
    hana = Resident(client, USER_A)
    set_up(hana)
    hana.says("ワークショップ")
    assert "いま申し込めるワークショップはありません" in line_api.texts()[-1]


@pytest.mark.both_dbs
def test_the_line_id_is_erased_when_the_workshop_is_over_or_on_request(
    app,
    client,
    line_api,  # noqa: F811
    make_workshop,
):
    workshop = make_workshop(capacity=5)
    residents = {user: Resident(client, user) for user in (USER_A, USER_B)}
    for user, resident in residents.items():
        set_up(resident)
        for said in ("ワークショップ", "1", f"参加者{user[-2:]}", "申し込む"):
            resident.says(said)
    a, b = registrations()
    assert (a.line_user_hash, b.line_user_hash) == (user_hash(USER_A), user_hash(USER_B))

    # 「同意しない」 (or `line forget`) erases the id; the sign-up stays, by its name
    residents[USER_A].says("同意しない")
    db.session.expire_all()
    assert registrations()[0].line_user_sealed is None
    assert registrations()[0].status is RegistrationStatus.CONFIRMED
    result = app.test_cli_runner().invoke(args=["line", "forget", user_hash(USER_B)])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert [r.line_user_sealed for r in registrations()] == [None, None]
    assert [r.line_user_hash for r in registrations()] == [None, None]

    # and once the workshop is over, whoever is left is erased by the hourly run
    resident = Resident(client, "U" + "c3" * 16)
    other = make_workshop(title="もう一つのワークショップ", capacity=5)
    set_up(resident)
    for said in ("ワークショップ", "2", "さん", "申し込む"):
        resident.says(said)
    assert registrations()[-1].line_user_sealed is not None
    assert reminders.forget_line_users(now=workshop.ends_at) == 0  # the other is not over
    assert reminders.forget_line_users(now=other.ends_at + timedelta(minutes=1)) == 1
    db.session.expire_all()
    assert all(r.line_user_sealed is None for r in registrations())
