"""A resident signs up for a workshop in another language; the mails sent later (a seat from
the waiting list, the reminder) are written in the language of the sign-up."""

from __future__ import annotations

import re
from datetime import timedelta
from email import message_from_bytes, policy

import pytest

from tests.conftest import post_form
from tests.language_support import leftover_japanese as leftover_in_any_language
from tests.test_workshops import body_of, outbox, sign_up, status_path, workshop_factory
from workshop.extensions import db
from workshop.models import Registration, Role, WorkshopFormat, utcnow

NAME = "緑川 花子"


@pytest.fixture
def make_workshop(app):
    return workshop_factory()


def data_of(workshop) -> list[str]:
    """What the city wrote (and the resident typed), which stays in Japanese."""
    return [
        "みどり市",
        workshop.title,
        workshop.venue,
        workshop.access,
        workshop.accessibility,
        "当日の流れ",
        "市からの説明",
        "テーブルごとの話し合い",
        NAME,
        "みどりかわ はなこ",
    ]


KANA = re.compile(r"[\u3040-\u30fa\u30fc-\u30ff]")  # not the ・ Chinese uses too


def leftover_japanese(page: str, data=(), lang: str = "en") -> list[str]:
    """Chinese is written in kanji too: in a Chinese page only kana is surely Japanese."""
    found = leftover_in_any_language(page, data)
    return [run for run in found if KANA.search(run)] if lang == "zh" else found


def mails(smtp_server) -> list:
    return [message_from_bytes(raw, policy=policy.default) for raw in smtp_server.messages]


def in_language(client, lang: str) -> None:
    client.get(f"/workshops/?lang={lang}")


@pytest.mark.parametrize("lang", ["en", "zh", "ko", "vi", "pt"])
def test_the_workshop_pages_have_no_japanese_interface_text(
    app, client, make_workshop, lang
) -> None:
    workshop = make_workshop(capacity=1, map_url="https://example.jp/map")
    in_language(client, lang)
    data = data_of(workshop)
    for path in ("/workshops/", f"/workshops/{workshop.id}"):
        page = client.get(path).get_data(as_text=True)
        assert not leftover_japanese(page, data, lang), (path, leftover_japanese(page, data, lang))
    # a form sent back with its errors
    empty = post_form(client, f"/workshops/{workshop.id}/register", {"name": ""})
    assert empty.status_code == 422
    assert not leftover_japanese(empty.get_data(as_text=True), data, lang)
    # the resident's own page, confirmed and then waiting, and the cancel page
    page = sign_up(client, workshop).get_data(as_text=True)
    assert not leftover_japanese(page, data, lang), leftover_japanese(page, data, lang)
    path = status_path(outbox(app)[0])
    cancel = client.get(path + "/cancel").get_data(as_text=True)
    assert not leftover_japanese(cancel, data, lang), leftover_japanese(cancel, data, lang)
    waiting = sign_up(client, workshop, "second@example.jp").get_data(as_text=True)
    assert not leftover_japanese(waiting, data, lang), leftover_japanese(waiting, data, lang)
    cancelled = post_form(client, path + "/cancel", {}, follow_redirects=True)
    assert not leftover_japanese(cancelled.get_data(as_text=True), data, lang)


def test_the_workshop_page_in_english(client, make_workshop) -> None:
    workshop = make_workshop(
        format=WorkshopFormat.HYBRID, capacity=10, online_capacity=5, questions=["ご意見"]
    )
    page = client.get(f"/workshops/{workshop.id}?lang=en").get_data(as_text=True)
    for words in (
        "Date and time",
        "In person and online (hybrid)",
        "10 people",
        "10 places left",
        "Sign up",
        "Phone number (optional)",
        "How you will take part",
        "ご意見 (optional)",  # the city's own question stays as written
    ):
        assert words in page, words
    assert workshop.starts_at.strftime("%Y") in page
    assert "年" not in page.split("Date and time")[1].split("</dd>")[0]  # Thu 17 Dec 2026


def test_a_form_error_in_english(client, make_workshop) -> None:
    workshop = make_workshop(format=WorkshopFormat.HYBRID, capacity=10, online_capacity=5)
    in_language(client, "en")
    page = post_form(
        client,
        f"/workshops/{workshop.id}/register",
        {"name": "", "furigana": "Hanako", "email": "hanako@example.jp"},
    ).get_data(as_text=True)
    assert 'id="name-error"' in page
    assert "Please write the reading (furigana) in hiragana or katakana." in page
    assert "Please choose how you will take part (at the venue or online)." in page
    assert "入力してください" not in page


def test_easy_japanese_with_furigana(client, make_workshop) -> None:
    workshop = make_workshop()
    page = client.get(f"/workshops/{workshop.id}?lang=easy").get_data(as_text=True)
    assert "<ruby>" in page
    assert "いいです）" in page  # （任意）: （書かなくても いいです）
    assert '<rt aria-hidden="true">か</rt>' in page  # 書 read か


def test_english_sign_up_mail_is_english(client, make_workshop, smtp_server) -> None:
    workshop = make_workshop()
    in_language(client, "en")
    sign_up(client, workshop)
    (message,) = mails(smtp_server)
    assert message["Subject"] == f"[Place confirmed] {workshop.title}"
    body = body_of(message)
    assert f"Dear {NAME}," in body
    assert "Thank you for signing up" in body
    assert not leftover_japanese(body, data_of(workshop)), leftover_japanese(body)
    assert db.session.query(Registration).one().language == "en"


def test_promotion_mail_is_in_the_language_of_the_sign_up(
    app, client, make_workshop, smtp_server
) -> None:
    workshop = make_workshop(capacity=1)
    sign_up(client, workshop, "first@example.jp")  # Japanese
    in_language(client, "en")
    sign_up(client, workshop, "second@example.jp")  # English, waiting
    client.set_cookie("lang", "ja")
    first = next(m for m in mails(smtp_server) if m["To"] == "first@example.jp")
    page = post_form(client, status_path(first) + "/cancel", {}, follow_redirects=True)
    assert "申込を取り消しました" in page.get_data(as_text=True)
    cancelled, promoted = mails(smtp_server)[-2:]
    assert cancelled["To"] == "first@example.jp"
    assert cancelled["Subject"] == f"【取り消し】{workshop.title}"
    assert promoted["To"] == "second@example.jp"
    assert " ".join(promoted["Subject"].split()) == (
        f"[You have a place] You have moved up from the waiting list ({workshop.title})"
    )
    body = body_of(promoted)
    assert "You now have a place at the workshop" in body
    assert not leftover_japanese(body, data_of(workshop)), leftover_japanese(body)


def test_reminder_is_in_korean_for_a_korean_sign_up(app, client, make_workshop, smtp_server):
    workshop = make_workshop(
        starts_at=utcnow() + timedelta(hours=30), ends_at=utcnow() + timedelta(hours=32)
    )
    in_language(client, "ko")
    sign_up(client, workshop, "ko@example.jp")
    client.set_cookie("lang", "ja")
    sign_up(client, workshop, "ja@example.jp")
    before = len(smtp_server.messages)
    result = app.test_cli_runner().invoke(args=["workshops", "send-reminders"])
    assert "sent 2 reminders" in result.output, result.output
    reminders = {m["To"]: m for m in mails(smtp_server)[before:]}
    korean = reminders["ko@example.jp"]
    assert korean["Subject"] == f"[곧 개최] {workshop.title}"
    body = body_of(korean)
    assert "신청하신 워크숍이 다가와서 알려 드립니다." in body
    assert "일시" in body and "년" in body  # the date in Korean: 2026년 12월 6일 (일)
    assert not leftover_japanese(body, data_of(workshop)), leftover_japanese(body)
    japanese = reminders["ja@example.jp"]
    assert japanese["Subject"] == f"【まもなく開催】{workshop.title}"
    assert "お申し込みいただいたワークショップが近づいてきました" in body_of(japanese)
    assert "年" in body_of(japanese)


def test_comment_receipt_mail_in_english(client, make_consultation, smtp_server) -> None:
    consultation = make_consultation()
    client.get("/?lang=en")
    confirm = post_form(
        client,
        f"/consultations/{consultation.slug}/confirm",
        {"body": "公園のベンチを増やしてほしいです。", "email": "taro@example.jp"},
    ).get_data(as_text=True)
    token = re.search(r'name="submission_token" value="([^"]+)"', confirm)
    assert token
    post_form(
        client,
        f"/consultations/{consultation.slug}/comments",
        {
            "body": "公園のベンチを増やしてほしいです。",
            "email": "taro@example.jp",
            "submission_token": token.group(1),
            "action": "submit",
        },
    )
    (message,) = mails(smtp_server)
    assert message["Subject"].startswith("[Receipt number ")
    body = body_of(message)
    assert "To the person who sent a comment" in body
    assert not leftover_japanese(body, ["みどり市", consultation.title]), leftover_japanese(body)


def test_a_workshop_summary_in_the_residents_language_comes_first(client, make_workshop, login):
    workshop = make_workshop()
    path = f"/staff/workshops/{workshop.id}/summaries"
    login(Role.PLANNER)
    saved = post_form(client, path, {"en": "A workshop on digital help for older people."})
    assert saved.status_code == 303
    post_form(client, "/staff/logout", {})
    client.get("/")  # the logout's notice is shown once
    english = client.get(f"/workshops/{workshop.id}?lang=en").get_data(as_text=True)
    assert '<div class="summary-translated" lang="en">' in english
    assert english.index("summary-translated") < english.index("original-label")
    japanese = client.get(f"/workshops/{workshop.id}?lang=ja").get_data(as_text=True)
    assert "A workshop on digital help" not in japanese
