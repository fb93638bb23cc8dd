"""Residents comment through LINE, end to end: signed webhook deliveries, the background job
(inline in tests), and replies sent to a local HTTP server standing in for LINE's Messaging
API (workshop/line/standin.py: it answers as LINE does and records every call)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import func, select, text

from tests.test_line_webhook import SECRET, body_of, deliver, signed, text_event
from workshop.extensions import db
from workshop.line.standin import StandIn
from workshop.models import AgeGroup, Channel, Comment, LineEvent, LineUser, Profile
from workshop.questionnaires.services import profile_labels

USER_A = "U" + "a1" * 16
USER_B = "U" + "b2" * 16


@pytest.fixture
def line_api(app, make_consultation) -> Iterator[StandIn]:
    with StandIn() as stand_in:
        app.config.update(
            LINE_CHANNEL_SECRET=SECRET,
            LINE_CHANNEL_ACCESS_TOKEN="test-access-token",
            LINE_API_BASE=stand_in.url,
        )
        make_consultation(title="みどり市DX推進計画（素案）", districts=("中央地区", "北山地区"))
        yield stand_in


class Resident:
    def __init__(self, client: Any, user: str) -> None:
        self.client, self.user, self.sent = client, user, 0

    def says(self, message: str | None, *, event_id: str | None = None) -> None:
        self.sent += 1
        event = text_event(event_id or f"EV{self.user[-6:]}{self.sent:06d}", "x", user=self.user)
        if message is None:
            # a sticker as LINE sends one
            event["message"] = {
                "id": "468789577898262530",
                "type": "sticker",
                "quoteToken": "q",
                "packageId": "1",
                "stickerId": "1",
                "stickerResourceType": "STATIC",
                "keywords": ["ok"],
            }
        else:
            event["message"]["text"] = message
        body = body_of(event)
        assert deliver(self.client, body, signed(body)).status_code == 200


def comments() -> list[Comment]:
    return list(db.session.scalars(select(Comment).order_by(Comment.id)))


@pytest.mark.both_dbs
def test_a_whole_comment_through_line(client, line_api):
    hana = Resident(client, USER_A)
    hana.says("こんにちは")
    assert "市のサーバーにだけ保存します" in line_api.texts()[-1]
    assert line_api.quick() == ["同意する", "同意しない"]
    assert db.session.scalar(select(func.count(LineUser.id))) == 0  # nothing before consent
    for said in ("同意する", "70代", "北山地区", "1", "バスの本数を増やしてほしい。", "特に夕方。"):
        hana.says(said)
    hana.says("送信")
    assert "ご意見：\nバスの本数を増やしてほしい。\n特に夕方。" in line_api.texts()[-1]
    hana.says("この内容で送る")
    (comment,) = comments()
    assert comment.channel is Channel.LINE
    assert comment.body == "バスの本数を増やしてほしい。\n特に夕方。"
    assert profile_labels([comment.id])[comment.id] == {
        Profile.AGE_GROUP: "70代",
        Profile.DISTRICT: "北山地区",
    }
    assert f"受付番号は {comment.receipt_no} です" in line_api.texts()[-1]
    path, _, auth = line_api.calls[-1]
    assert path == "/v2/bot/message/reply" and auth == "Bearer test-access-token"
    # the LINE user id is nowhere in the database: only its HMAC
    for table in ("line_user", "line_event", "comment", "registration"):
        rows = db.session.execute(text(f"SELECT * FROM {table}")).all()
        assert USER_A not in repr(rows)


def test_cancel_midway_stores_no_comment(client, line_api):
    hana = Resident(client, USER_A)
    for said in ("同意する", "答えない", "答えない", "1", "書きかけの意見", "やめる"):
        hana.says(said)
    assert comments() == []
    assert "やめました" in line_api.texts()[-1]


@pytest.mark.both_dbs
def test_a_redelivered_event_is_answered_once(client, line_api):
    hana = Resident(client, USER_A)
    hana.says("こんにちは", event_id="EVREDELIVER0001")
    hana.says("こんにちは", event_id="EVREDELIVER0001")
    assert len(line_api.calls) == 1


@pytest.mark.both_dbs
def test_two_residents_at_once_keep_their_own_drafts(client, line_api):
    hana, taro = Resident(client, USER_A), Resident(client, USER_B)
    for said_a, said_b in (
        ("同意する", "同意する"),
        ("30代", "60代"),
        ("中央地区", "北山地区"),
        ("1", "1"),
        ("保育園を増やして", "図書館を遅くまで"),
        ("送信", "送信"),
        ("この内容で送る", "この内容で送る"),
    ):
        hana.says(said_a)
        taro.says(said_b)
    about = profile_labels([c.id for c in comments()])
    bodies = {c.body: about[c.id] for c in comments()}
    assert bodies == {
        "保育園を増やして": {Profile.AGE_GROUP: "30代", Profile.DISTRICT: "中央地区"},
        "図書館を遅くまで": {Profile.AGE_GROUP: "60代", Profile.DISTRICT: "北山地区"},
    }


def test_a_sticker_gets_a_polite_message(client, line_api):
    Resident(client, USER_A).says(None)
    assert "文字のメッセージだけ" in line_api.texts()[-1]


@pytest.mark.both_dbs
def test_when_lines_api_fails_the_comment_is_kept_and_the_failure_shown(client, line_api):
    hana = Resident(client, USER_A)
    for said in ("同意する", "答えない", "答えない", "1", "本文です", "送信"):
        hana.says(said)
    line_api.status = 500
    hana.says("この内容で送る")
    assert [c.body for c in comments()] == ["本文です"]
    # the earlier replies went through; only the last one failed
    failed = db.session.scalars(select(LineEvent).where(LineEvent.error.is_not(None))).one()
    assert "返信できませんでした" in (failed.error or "")
    assert failed.payload is None  # processed: the LINE user id is gone with it


def test_line_simulate_plays_a_conversation_without_a_line_account(app, make_consultation):
    make_consultation(title="みどり市DX推進計画（素案）", districts=("中央地区", "北山地区"))
    result = app.test_cli_runner().invoke(args=["line", "simulate"])
    assert result.exit_code == 0, result.output
    assert "住民: 同意する" in result.output and "[同意する / 同意しない]" in result.output
    (comment,) = comments()
    assert comment.channel is Channel.LINE
    assert f"受付番号は {comment.receipt_no} です" in result.output


@pytest.mark.both_dbs
def test_forget_removes_the_settings_and_keeps_the_comments(app, client, line_api):
    from workshop.line.services import user_hash
    from workshop.models import AuditEntry

    hana = Resident(client, USER_A)
    for said in ("同意する", "30代", "中央地区", "1", "本文", "送信", "この内容で送る"):
        hana.says(said)
    with app.test_request_context():
        digest = user_hash(USER_A)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["line", "forget", digest])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(func.count(LineUser.id))) == 0
    assert [c.body for c in comments()] == ["本文"]
    assert db.session.scalars(select(AuditEntry.action)).all()[-1] == "line.forget"
    again = runner.invoke(args=["line", "forget", digest])
    assert again.exit_code != 0 and "すでに消えています" in again.output


def test_the_status_page_shows_the_channel_without_any_resident(client, login, line_api):
    from workshop.models import Role

    hana = Resident(client, USER_A)
    hana.says("同意する")
    line_api.status = 500
    hana.says("30代")
    login(Role.PLANNER)
    page = client.get("/staff/line/").get_data(as_text=True)
    assert "受け付けています" in page
    assert "/line/webhook</code>" in page
    assert "同意した利用者</dt><dd>1人" in page
    assert "返信できませんでした" in page  # the failed reply, for staff to see
    assert USER_A not in page and "30代" not in page


def test_the_status_page_says_when_the_channel_is_off(client, login, app):
    from workshop.models import Role

    login(Role.PLANNER)
    assert "止まっています" in client.get("/staff/line/").get_data(as_text=True)
    login(Role.FACILITATOR)
    assert client.get("/staff/line/").status_code == 403


@pytest.mark.both_dbs
def test_one_residents_events_are_taken_one_at_a_time_in_order(app, line_api):
    """Two jobs at once must not answer one resident's messages out of order: an event is
    taken only when none of that resident's is earlier or being processed; an event whose
    job died is taken again after a while."""
    from datetime import timedelta

    from workshop.line.services.processing import ABANDONED_AFTER, claim_next
    from workshop.models import LineEventStatus, utcnow

    def event(n: int, who: str, status=LineEventStatus.PENDING) -> LineEvent:
        row = LineEvent(
            webhook_event_id=f"ORDER{n}", event_type="message", user_hash=who, status=status
        )
        db.session.add(row)
        db.session.commit()
        return row

    busy = event(1, "hana", LineEventStatus.PROCESSING)
    busy.processed_at = utcnow()
    db.session.commit()
    event(2, "hana")
    event(3, "taro")
    event(4, "taro")
    taken = claim_next()
    assert taken is not None and taken.webhook_event_id == "ORDER3"  # not hana's 2
    assert claim_next() is None  # taro's 4 waits for 3; hana's 2 waits for 1
    busy.processed_at = utcnow() - ABANDONED_AFTER - timedelta(seconds=1)  # its job died
    db.session.commit()
    again = claim_next()
    assert again is not None and again.webhook_event_id == "ORDER1"


@pytest.mark.both_dbs
def test_a_job_outside_any_request_answers_too(app, line_api):
    """RQ workers and job processes have no request: the links in the replies are built on
    PUBLIC_BASE_URL all the same."""
    from flask import has_request_context

    from workshop.line.services.processing import run_line_events
    from workshop.models import Job, JobKind

    for number, said in enumerate(("同意する", "答えない", "答えない"), start=1):
        event_id = f"EVNOREQUEST{number:04d}"
        event = text_event(event_id, said, user=USER_A)
        db.session.add(LineEvent(webhook_event_id=event_id, event_type="message", payload=event))
        db.session.commit()
        assert not has_request_context()
        run_line_events(Job(kind=JobKind.LINE_EVENTS), lambda percent, message: None)
    failed = select(func.count(LineEvent.id)).where(LineEvent.error.is_not(None))
    assert db.session.scalar(failed) == 0
    base = app.config["PUBLIC_BASE_URL"].rstrip("/")
    assert f"{base}/consultations/plan-1" in line_api.texts()[-1]


@pytest.mark.both_dbs
def test_a_confirming_event_taken_twice_stores_one_comment(app, line_api):
    """As when a job dies after the comment was stored and the event is taken again: the
    event's id is the submission token of the web's own submit."""
    from workshop.line import conversation as talk
    from workshop.line.services.processing import store_comment
    from workshop.models import Consultation

    consultation = db.session.scalars(select(Consultation)).one()
    submit = talk.Submit(consultation.id, "ごみの分別アプリがほしいです。", AgeGroup.AGE_30S, None)
    first = store_comment(submit, "01HZ0EXAMPLE000000000000001")
    again = store_comment(submit, "01HZ0EXAMPLE000000000000001")
    (comment,) = comments()
    assert comment.channel is Channel.LINE
    assert profile_labels([comment.id])[comment.id] == {Profile.AGE_GROUP: "30代"}
    assert first.text == again.text and comment.receipt_no in first.text
    other = store_comment(submit, "01HZ0EXAMPLE000000000000002")
    assert len(comments()) == 2 and other.text != first.text
