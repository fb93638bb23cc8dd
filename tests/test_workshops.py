"""Residents sign up, wait, change, cancel; the next person is promoted and told by e-mail."""

from __future__ import annotations

import email
import re
from datetime import timedelta
from email import policy
from pathlib import Path

import pytest

from tests.conftest import post_form
from workshop.extensions import db
from workshop.models import Registration, RegistrationStatus, Workshop, WorkshopFormat, utcnow
from workshop.workshops.services import events

STATUS_LINK = re.compile(r"http://127\.0\.0\.1:5000(/workshops/r/[A-Za-z0-9._-]+)")


def workshop_factory():
    """Workshops a week ahead unless told otherwise; shared with the staff tests.

    facilitators: the staff users who run it (only they, planners and admins open its roster).
    """

    def make(*, facilitators=(), **overrides) -> Workshop:
        fields = {
            "title": "駅前広場の使い方を考えるワークショップ",
            "starts_at": utcnow() + timedelta(days=7),
            "ends_at": utcnow() + timedelta(days=7, hours=2),
            "format": WorkshopFormat.IN_PERSON,
            "capacity": 20,
            "venue": "みどり市民会館 第1会議室",
            "description": "## 当日の流れ\n\n1. 市からの説明\n2. テーブルごとの話し合い",
            "access": "みどり駅から徒歩5分",
            "accessibility": "車椅子用トイレがあります。",
        }
        fields["facilitator_ids"] = tuple(user.id for user in facilitators)
        fields.update(overrides)
        return events.create_workshop(events.WorkshopInput(**fields))

    return make


@pytest.fixture
def make_workshop(app):
    return workshop_factory()


def sign_up(client, workshop, address="hanako@example.jp", **extra):
    data = {"name": "緑川 花子", "furigana": "みどりかわ はなこ", "email": address, **extra}
    return post_form(client, f"/workshops/{workshop.id}/register", data, follow_redirects=True)


def outbox(app) -> list[email.message.EmailMessage]:
    folder = Path(app.config["MAIL_OUTBOX"])
    files = (
        sorted(folder.glob("*.eml"), key=lambda p: p.stat().st_mtime_ns) if folder.exists() else []
    )
    return [email.message_from_bytes(p.read_bytes(), policy=policy.default) for p in files]


def body_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def status_path(message) -> str:
    match = STATUS_LINK.search(body_of(message))
    assert match, body_of(message)
    return match.group(1)


def test_list_shows_upcoming_workshops_with_japanese_date_and_seats(client, make_workshop):
    make_workshop(capacity=3)
    make_workshop(title="オンライン意見交換会", format=WorkshopFormat.ONLINE, capacity=2)
    page = client.get("/workshops/").get_data(as_text=True)
    assert "駅前広場の使い方を考えるワークショップ" in page
    assert "残り3席" in page
    assert "オンライン" in page
    assert re.search(r"\d{4}年\d{1,2}月\d{1,2}日（[月火水木金土日]）", page)


def test_full_workshop_is_listed_as_waitlist_open(client, make_workshop):
    workshop = make_workshop(capacity=1)
    sign_up(client, workshop, "first@example.jp")
    page = client.get("/workshops/").get_data(as_text=True)
    assert "満席・キャンセル待ち受付中" in page


def test_workshop_page_shows_programme_access_and_form_but_not_online_url(client, make_workshop):
    workshop = make_workshop(
        format=WorkshopFormat.HYBRID,
        online_capacity=10,
        online_url="https://meet.example.jp/secret-room",
    )
    page = client.get(f"/workshops/{workshop.id}").get_data(as_text=True)
    assert "当日の流れ" in page
    assert "みどり駅から徒歩5分" in page
    assert "車椅子用トイレ" in page
    assert "参加の方法" in page and "<fieldset" in page
    assert "secret-room" not in page


def test_sign_up_is_confirmed_and_mail_goes_to_outbox(app, client, make_workshop):
    workshop = make_workshop()
    page = sign_up(client, workshop, needs=["childcare", "wheelchair"]).get_data(as_text=True)
    assert "申込完了" in page
    messages = outbox(app)
    assert len(messages) == 1
    assert messages[0]["Subject"] == "【申込完了】駅前広場の使い方を考えるワークショップ"
    assert "緑川 花子 様" in body_of(messages[0])
    attachments = [part.get_filename() for part in messages[0].iter_attachments()]
    assert attachments == ["checkin-qr.png"]


def test_sign_up_beyond_capacity_is_waitlisted_with_position(client, make_workshop):
    workshop = make_workshop(capacity=1)
    sign_up(client, workshop, "a@example.jp")
    sign_up(client, workshop, "b@example.jp")
    page = sign_up(client, workshop, "c@example.jp").get_data(as_text=True)
    assert "キャンセル待ち（2番目）" in page


REFUSED_SIGN_UPS = {
    # the same e-mail in other letter case: one seat, not two
    "same-email-takes-one-seat": (
        {},
        ["Hanako@Example.jp"],
        "hanako@example.jp",
        "すでにこのワークショップに申し込まれています",
    ),
    "full-without-waitlist": (
        {"capacity": 1, "has_waitlist": False},
        ["a@example.jp"],
        "b@example.jp",
        "キャンセル待ちも受け付けていません",
    ),
    "past-workshop": (
        {"starts_at": utcnow() - timedelta(days=1), "ends_at": utcnow() + timedelta(hours=1)},
        [],
        "hanako@example.jp",
        "開催日を過ぎた",
    ),
    "after-deadline": (
        {"signup_deadline": utcnow() - timedelta(minutes=1)},
        [],
        "hanako@example.jp",
        "締め切りました",
    ),
}


@pytest.mark.parametrize(
    ("details", "earlier", "address", "message"),
    list(REFUSED_SIGN_UPS.values()),
    ids=list(REFUSED_SIGN_UPS),
)
def test_refused_sign_up_says_why_and_takes_no_seat(
    client, make_workshop, details, earlier, address, message
):
    workshop = make_workshop(**details)
    for other in earlier:
        sign_up(client, workshop, other)
    response = sign_up(client, workshop, address)
    assert response.status_code == 409
    assert message in response.get_data(as_text=True)
    assert db.session.query(Registration).count() == len(earlier)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": ""}, "お名前を入力してください。"),
        ({"email": ""}, "メールアドレスを入力してください。"),
        ({"email": "hanako@"}, "メールアドレスの形をご確認ください"),
        ({"name": "あ" * 101}, "お名前は100文字以内で入力してください。"),
        ({"furigana": "Hanako"}, "ふりがなは、ひらがなかカタカナで入力してください。"),
        ({"age_group": "200s"}, "一覧から選んでください。"),
        ({"needs": ["telepathy"]}, "一覧から選んでください。"),
    ],
)
def test_bad_sign_up_input_is_explained_in_japanese(client, make_workshop, data, message):
    workshop = make_workshop()
    form = {"name": "緑川 花子", "email": "hanako@example.jp", **data}
    response = post_form(client, f"/workshops/{workshop.id}/register", form)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in page
    assert "aria-describedby" in page and "入力内容をご確認ください" in page
    assert db.session.query(Registration).count() == 0


def test_hybrid_needs_a_mode(client, make_workshop):
    workshop = make_workshop(format=WorkshopFormat.HYBRID, online_capacity=5)
    response = sign_up(client, workshop)
    assert response.status_code == 422
    assert "参加の方法（会場・オンライン）を選んでください。" in response.get_data(as_text=True)


def test_sign_up_without_csrf_token_is_refused(client, make_workshop):
    workshop = make_workshop()
    response = client.post(
        f"/workshops/{workshop.id}/register", data={"name": "緑川 花子", "email": "h@example.jp"}
    )
    assert response.status_code == 400
    assert "送信の有効期限が切れたか" in response.get_data(as_text=True)
    assert db.session.query(Registration).count() == 0


def test_script_in_name_is_shown_escaped_and_odd_unicode_kept(app, client, make_workshop):
    workshop = make_workshop()
    page = sign_up(client, workshop, name="<script>alert(1)</script>𠮷野 髙橋\u0000").get_data(
        as_text=True
    )
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page
    assert "𠮷野 髙橋" in page


def test_unknown_workshop_is_404(client):
    assert client.get("/workshops/999").status_code == 404


def test_cancel_promotes_the_first_waiting_person_and_tells_them(app, client, make_workshop):
    workshop = make_workshop(capacity=1)
    sign_up(client, workshop, "first@example.jp")
    sign_up(client, workshop, "second@example.jp", name="北山 次郎")
    sign_up(client, workshop, "third@example.jp", name="南浜 三郎")
    first_mail = outbox(app)[0]
    path = status_path(first_mail)

    confirm = client.get(path + "/cancel").get_data(as_text=True)
    assert "よろしいですか" in confirm
    page = post_form(client, path + "/cancel", {}, follow_redirects=True).get_data(as_text=True)
    assert "申込を取り消しました" in page and "取り消し済み" in page

    statuses = {r.email: r.status for r in db.session.query(Registration)}
    assert statuses["first@example.jp"] is RegistrationStatus.CANCELLED
    assert statuses["second@example.jp"] is RegistrationStatus.CONFIRMED
    assert statuses["third@example.jp"] is RegistrationStatus.WAITLISTED
    subjects = [m["Subject"] for m in outbox(app)]
    assert subjects[-2] == "【取り消し】駅前広場の使い方を考えるワークショップ"
    assert subjects[-1].startswith("【参加決定】キャンセル待ちから参加できるようになりました")
    promoted_mail = outbox(app)[-1]
    assert promoted_mail["To"] == "second@example.jp"
    third_page = client.get(status_path(outbox(app)[2])).get_data(as_text=True)
    assert "キャンセル待ち（1番目）" in third_page


def test_cancelling_twice_changes_nothing(app, client, make_workshop):
    workshop = make_workshop(capacity=1)
    sign_up(client, workshop, "first@example.jp")
    path = status_path(outbox(app)[0])
    post_form(client, path + "/cancel", {})
    count = len(outbox(app))
    page = post_form(client, path + "/cancel", {}, follow_redirects=True).get_data(as_text=True)
    assert "すでに取り消されています" in page
    assert len(outbox(app)) == count


def test_cancel_without_csrf_token_changes_nothing(app, client, make_workshop):
    workshop = make_workshop()
    sign_up(client, workshop)
    path = status_path(outbox(app)[0])
    assert client.post(path + "/cancel").status_code == 400
    assert db.session.query(Registration).one().status is RegistrationStatus.CONFIRMED


def test_cancelled_person_may_sign_up_again_at_the_back(app, client, make_workshop):
    workshop = make_workshop(capacity=1)
    sign_up(client, workshop, "first@example.jp")
    post_form(client, status_path(outbox(app)[0]) + "/cancel", {})
    sign_up(client, workshop, "second@example.jp")
    page = sign_up(client, workshop, "first@example.jp").get_data(as_text=True)
    assert "キャンセル待ち（1番目）" in page


def test_status_page_shows_online_url_and_qr_only_when_confirmed(app, client, make_workshop):
    workshop = make_workshop(
        format=WorkshopFormat.ONLINE, capacity=1, online_url="https://meet.example.jp/room-42"
    )
    sign_up(client, workshop, "a@example.jp")
    sign_up(client, workshop, "b@example.jp")
    confirmed_mail, waiting_mail = outbox(app)
    assert "https://meet.example.jp/room-42" in body_of(confirmed_mail)
    assert "room-42" not in body_of(waiting_mail)
    confirmed = client.get(status_path(confirmed_mail))
    assert confirmed.headers["Cache-Control"] == "no-store"
    confirmed_page = confirmed.get_data(as_text=True)
    assert "room-42" in confirmed_page and "<svg" in confirmed_page
    waiting_page = client.get(status_path(waiting_mail)).get_data(as_text=True)
    assert "room-42" not in waiting_page and "<svg" not in waiting_page


def test_resident_changes_details_through_the_link(app, client, make_workshop):
    workshop = make_workshop()
    sign_up(client, workshop)
    path = status_path(outbox(app)[0])
    form = {"name": "緑川 花子", "furigana": "ミドリカワ ハナコ", "email": "hanako@example.jp",
            "phone": "090-1234-5678", "needs": ["sign_language"]}  # fmt: skip
    page = post_form(client, path, form, follow_redirects=True).get_data(as_text=True)
    assert "申込の内容を変更しました。" in page
    registration = db.session.query(Registration).one()
    assert registration.phone == "090-1234-5678"
    assert registration.needs == ["sign_language"]


def test_tampered_and_expired_links_are_refused(app, client, make_workshop, monkeypatch):
    workshop = make_workshop()
    sign_up(client, workshop)
    path = status_path(outbox(app)[0])
    tampered = client.get(path[:-3] + ("aaa" if not path.endswith("aaa") else "bbb"))
    assert tampered.status_code == 404
    assert "このリンクは正しくないか" in tampered.get_data(as_text=True)
    assert post_form(client, path[:-2] + "xx/cancel", {}).status_code == 404
    app.config["WORKSHOP_LINK_MAX_AGE"] = -1
    expired = client.get(path)
    assert expired.status_code == 410
    assert "有効期限が切れています" in expired.get_data(as_text=True)
    assert db.session.query(Registration).one().status is RegistrationStatus.CONFIRMED


def test_calendar_file_has_the_event_in_utc(app, client, make_workshop):
    workshop = make_workshop(title="駅前広場, 未来; 会議")
    sign_up(client, workshop)
    response = client.get(status_path(outbox(app)[0]) + "/calendar.ics")
    assert response.mimetype == "text/calendar"
    text = response.get_data(as_text=True)
    assert "BEGIN:VEVENT" in text and "END:VCALENDAR" in text
    assert "SUMMARY:駅前広場\\, 未来\\; 会議" in text
    starts = workshop.starts_at.strftime("%Y%m%dT%H%M%SZ")
    assert f"DTSTART:{starts}" in text
    assert all(len(line) <= 75 for line in response.get_data().split(b"\r\n"))


def test_calendar_file_of_a_cancelled_sign_up_cancels_the_event(app, client, make_workshop):
    workshop = make_workshop()
    sign_up(client, workshop)
    path = status_path(outbox(app)[0])
    before = client.get(path + "/calendar.ics").get_data(as_text=True)
    assert "STATUS:CONFIRMED" in before and "SEQUENCE:0" in before
    post_form(client, path + "/cancel", {})
    after = client.get(path + "/calendar.ics").get_data(as_text=True)
    # the same event, a later version, cancelled: a calendar that imports it strikes it out
    uid = next(line for line in before.splitlines() if line.startswith("UID:"))
    assert uid in after
    assert "STATUS:CANCELLED" in after and "SEQUENCE:1" in after
    assert "取り消されました" in after.replace("\r\n ", "")  # long lines are folded


def test_api_returns_numbers_per_mode(client, make_workshop):
    workshop = make_workshop(format=WorkshopFormat.HYBRID, capacity=1, online_capacity=2)
    sign_up(client, workshop, "a@example.jp", mode="venue")
    sign_up(client, workshop, "b@example.jp", mode="venue")
    sign_up(client, workshop, "c@example.jp", mode="online")
    data = client.get(f"/api/workshops/{workshop.id}").get_json()
    assert data["capacity"] == 3
    assert data["registered"] == 2
    assert data["waitlisted"] == 1
    assert data["checked_in"] == 0
    assert data["format"] == "hybrid"
    assert data["modes"]["venue"] == {
        "capacity": 1,
        "registered": 1,
        "waitlisted": 1,
        "checked_in": 0,
    }
    assert data["modes"]["online"]["registered"] == 1
    missing = client.get("/api/workshops/999")
    assert missing.status_code == 404
    assert missing.get_json()["error"] == "not_found"  # JSON under /api, not the error page


def test_past_workshop_page_says_sign_up_is_closed_and_hides_the_form(client, make_workshop):
    workshop = make_workshop(
        starts_at=utcnow() - timedelta(hours=2), ends_at=utcnow() + timedelta(hours=1)
    )
    page = client.get(f"/workshops/{workshop.id}").get_data(as_text=True)
    assert "開催日を過ぎたため、申込を受け付けていません" in page
    assert "申し込む</button>" not in page


def test_changing_to_an_email_already_registered_is_refused(app, client, make_workshop):
    workshop = make_workshop()
    sign_up(client, workshop, "a@example.jp")
    sign_up(client, workshop, "b@example.jp")
    path = status_path(outbox(app)[0])
    response = post_form(client, path, {"name": "緑川 花子", "email": "b@example.jp"})
    assert response.status_code == 409
    assert "別の申込で使われています" in response.get_data(as_text=True)
    assert {r.email for r in db.session.query(Registration)} == {"a@example.jp", "b@example.jp"}


def test_hybrid_modes_fill_separately(client, make_workshop):
    workshop = make_workshop(format=WorkshopFormat.HYBRID, capacity=1, online_capacity=1)
    sign_up(client, workshop, "a@example.jp", mode="venue")
    online = sign_up(client, workshop, "b@example.jp", mode="online").get_data(as_text=True)
    assert "申込完了" in online
    venue = sign_up(client, workshop, "c@example.jp", mode="venue").get_data(as_text=True)
    assert "キャンセル待ち（1番目）" in venue
    listing = client.get("/workshops/").get_data(as_text=True)
    assert "会場: 満席・キャンセル待ち受付中、オンライン: 満席・キャンセル待ち受付中" in listing


def test_resident_pages_carry_no_inline_script(app, client, make_workshop):
    workshop = make_workshop()
    sign_up(client, workshop)
    pages = ["/workshops/", f"/workshops/{workshop.id}", status_path(outbox(app)[0])]
    for path in pages:
        page = client.get(path).get_data(as_text=True)
        assert re.search(r"<script(?![^>]*\bsrc=)", page) is None, path
        assert " on" + "click=" not in page
