"""POST /line/webhook: bodies signed exactly as LINE signs them (HMAC-SHA256 of the raw body
with the channel secret, base64), read by LINE's own SDK; each event stored once."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import subprocess
import sys
import threading
from typing import Any

import pytest
from sqlalchemy import func, select

from workshop.extensions import db
from workshop.line import services
from workshop.models import Job, JobKind, JobStatus, LineEvent, LineEventStatus

SECRET = "0123456789abcdef0123456789abcdef"  # a channel secret's shape: 32 hex characters
URL = "/line/webhook"


@pytest.fixture
def line_on(app):
    app.config["LINE_CHANNEL_SECRET"] = SECRET
    app.config["LINE_CHANNEL_ACCESS_TOKEN"] = "test-access-token"
    # the events are answered at once in tests (jobs inline): here the replies go nowhere
    # (a closed local port); tests/test_line.py checks them against a stand-in for LINE
    app.config["LINE_API_BASE"] = "http://127.0.0.1:9"
    return app


def text_event(event_id: str, text: str, *, user: str = "U" + "a" * 32, again: bool = False):
    return {
        "type": "message",
        "mode": "active",
        "timestamp": 1764800000000,
        "source": {"type": "user", "userId": user},
        "webhookEventId": event_id,
        "deliveryContext": {"isRedelivery": again},
        "replyToken": "b60d432864f44d079f6d8efe86cf404b",
        "message": {"id": "444573844083572737", "type": "text", "quoteToken": "q", "text": text},
    }


def body_of(*events: dict[str, Any]) -> bytes:
    payload = {"destination": "U" + "f" * 32, "events": list(events)}
    return json.dumps(payload, ensure_ascii=False).encode("utf-8")


def signed(body: bytes, secret: str = SECRET) -> str:
    digest = hmac.new(secret.encode("utf-8"), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def deliver(client, body: bytes, signature: str | None):
    headers = {"Content-Type": "application/json"}
    if signature is not None:
        headers["X-Line-Signature"] = signature
    return client.post(URL, data=body, headers=headers)


def stored() -> int:
    return db.session.scalar(select(func.count(LineEvent.id))) or 0


@pytest.mark.both_dbs
def test_a_signed_delivery_is_stored_and_handed_to_the_background_job(client, line_on):
    body = body_of(text_event("01JEVENT0000000000000000A1", "窓口の待ち時間が長いです"))
    response = deliver(client, body, signed(body))
    assert response.status_code == 200
    event = db.session.scalars(select(LineEvent)).one()
    assert event.event_type == "message" and event.status is LineEventStatus.DONE
    assert event.payload is None  # processed: the LINE user id is not kept
    job = db.session.scalars(select(Job)).one()
    assert job.kind is JobKind.LINE_EVENTS


@pytest.mark.parametrize(
    "signature",
    [None, "", "not-base64!", signed(b"another body"), signed(b"x", secret="f" * 32)],
)
def test_a_bad_or_missing_signature_stores_nothing(client, line_on, signature, caplog):
    body = body_of(text_event("01JEVENT0000000000000000B1", "個人の名前 山田花子"))
    response = deliver(client, body, signature)
    assert response.status_code == 400
    assert stored() == 0
    # the fact is logged, never the body
    assert "bad or missing signature" in caplog.text
    assert "山田花子" not in caplog.text


def test_a_body_changed_after_signing_is_refused(client, line_on):
    body = body_of(text_event("01JEVENT0000000000000000C1", "はい"))
    signature = signed(body)
    changed = body.replace("はい".encode(), "いいえ".encode())
    assert deliver(client, changed, signature).status_code == 400
    assert stored() == 0


@pytest.mark.both_dbs
def test_a_redelivered_event_is_one_row(client, line_on):
    event = text_event("01JEVENT0000000000000000D1", "送信")
    first = body_of(event)
    again = body_of(text_event("01JEVENT0000000000000000D1", "送信", again=True))
    assert deliver(client, first, signed(first)).status_code == 200
    assert deliver(client, again, signed(again)).status_code == 200
    row = db.session.scalars(select(LineEvent)).one()
    assert row.redelivered == 1


@pytest.mark.both_dbs
def test_a_redelivery_hands_on_an_event_its_first_delivery_left_waiting(client, line_on):
    # the first delivery's web worker was killed after storing the event and before handing
    # the job on: LINE got no answer and delivers the event again
    first = body_of(text_event("01JEVENT0000000000000000H1", "この内容で送る"))
    services.receive(first.decode("utf-8"), signed(first), SECRET)
    assert db.session.scalars(select(LineEvent)).one().status is LineEventStatus.PENDING
    assert db.session.scalar(select(func.count(Job.id))) == 0
    again = body_of(text_event("01JEVENT0000000000000000H1", "この内容で送る", again=True))
    assert deliver(client, again, signed(again)).status_code == 200
    db.session.expire_all()
    row = db.session.scalars(select(LineEvent)).one()
    assert row.status is LineEventStatus.DONE and row.redelivered == 1
    # an event already answered is not handed on again
    assert deliver(client, again, signed(again)).status_code == 200
    assert db.session.scalar(select(func.count(Job.id))) == 1


@pytest.mark.both_dbs
def test_several_events_in_one_delivery(client, line_on):
    body = body_of(
        text_event("01JEVENT0000000000000000E1", "やめる", user="U" + "1" * 32),
        text_event("01JEVENT0000000000000000E2", "設定", user="U" + "2" * 32),
    )
    assert deliver(client, body, signed(body)).status_code == 200
    assert stored() == 2


@pytest.mark.both_dbs
def test_two_deliveries_of_one_event_at_once_make_one_row(app, line_on):
    if app.config["DATABASE_URL"].startswith("sqlite"):
        pytest.skip("SQLite serialises writers: the race is PostgreSQL's to test")
    body = body_of(text_event("01JEVENT0000000000000000F1", "同時"))
    barrier = threading.Barrier(2)
    statuses: list[int] = []

    def send() -> None:
        with app.test_client() as own:
            barrier.wait()
            statuses.append(deliver(own, body, signed(body)).status_code)

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200, 200]
    row = db.session.scalars(select(LineEvent)).one()
    assert row.redelivered == 1


def test_the_channel_is_off_without_a_secret(client, app):
    app.config["LINE_CHANNEL_SECRET"] = None
    body = body_of(text_event("01JEVENT0000000000000000G1", "こんにちは"))
    assert deliver(client, body, signed(body)).status_code == 404
    assert stored() == 0


def test_a_signed_body_that_is_not_json_is_refused(client, line_on):
    body = b"{not json"
    response = deliver(client, body, signed(body))
    assert response.status_code == 400
    assert stored() == 0


@pytest.mark.parametrize(("secret", "loaded"), [(SECRET, "True"), ("", "False")])
def test_the_sdk_is_loaded_at_start_up_only_when_the_channel_is_on(tmp_path, secret, loaded):
    # on: a fresh web worker's first delivery does not wait for the import; off: nobody pays
    code = (
        "import sys\nfrom workshop import create_app\ncreate_app()\n"
        "print('linebot.v3' in sys.modules)"
    )
    env = {
        **os.environ,
        "MACHIKOE_INSTANCE": str(tmp_path),
        "SECRET_KEY": "test-" + "k" * 32,
        "LINE_CHANNEL_SECRET": secret,
    }
    env.pop("DATABASE_URL", None)
    run = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert run.stdout.strip().splitlines()[-1] == loaded


@pytest.mark.both_dbs
def test_a_burst_of_deliveries_shares_the_job_waiting_to_start(client, line_on):
    """One job answers every pending event: while one is queued, a delivery only stores."""
    waiting = Job(kind=JobKind.LINE_EVENTS)  # queued, not started yet (an RQ worker busy)
    db.session.add(waiting)
    db.session.commit()
    for n in range(3):
        body = body_of(text_event(f"01JEVENT0000000000000000B{n}", "駐輪場を増やして"))
        assert deliver(client, body, signed(body)).status_code == 200
    assert db.session.scalar(select(func.count(Job.id))) == 1
    statuses = db.session.scalars(select(LineEvent.status)).all()
    assert statuses == [LineEventStatus.PENDING] * 3  # for the waiting job to answer
    # once it has run (here: gone), the next delivery hands the events on again
    waiting.status = JobStatus.DONE
    db.session.commit()
    body = body_of(text_event("01JEVENT0000000000000000B9", "よろしくお願いします"))
    assert deliver(client, body, signed(body)).status_code == 200
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Job.id))) == 2
    assert set(db.session.scalars(select(LineEvent.status))) == {LineEventStatus.DONE}
