"""A resident reads and comments on a consultation in another language; planners give it a
summary in that language."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from tests.conftest import post_form
from tests.language_support import leftover_japanese
from workshop.extensions import db
from workshop.models import Comment, Role, TranslatedSummary
from workshop.summaries.services import save_summaries

TOKEN = re.compile(r'name="submission_token" value="([^"]+)"')
BODY = "スマホ教室を公民館でも開いてほしいです。"


def data_of(consultation) -> list[str]:
    """What the city wrote, which stays in Japanese on every page."""
    return [
        "みどり市",
        consultation.title,
        consultation.summary,
        *consultation.districts,
        *(section.heading for section in consultation.sections),
        BODY,
    ]


@pytest.mark.parametrize("lang", ["en", "zh", "ko", "vi", "pt"])
def test_the_consultation_pages_have_no_japanese_interface_text(
    client, make_consultation, lang
) -> None:
    consultation = make_consultation()
    client.get(f"/?lang={lang}")
    data = data_of(consultation)
    for path in ("/", f"/consultations/{consultation.slug}"):
        page = client.get(path).get_data(as_text=True)
        assert not leftover_japanese(page, data), (path, leftover_japanese(page, data))
    # a form sent back with its errors, the confirmation page and the receipt
    empty = post_form(client, f"/consultations/{consultation.slug}/confirm", {"body": ""})
    assert empty.status_code == 422
    assert not leftover_japanese(empty.get_data(as_text=True), data)
    confirm = post_form(
        client,
        f"/consultations/{consultation.slug}/confirm",
        {"body": BODY, "age_group": "70s", "relation": "resident"},
    ).get_data(as_text=True)
    assert not leftover_japanese(confirm, data)
    token = TOKEN.search(confirm)
    assert token
    sent = post_form(
        client,
        f"/consultations/{consultation.slug}/comments",
        {"body": BODY, "submission_token": token.group(1), "action": "submit"},
    )
    receipt = client.get(sent.headers["Location"]).get_data(as_text=True)
    assert not leftover_japanese(receipt, data)
    assert db.session.scalar(select(func.count(Comment.id))) == 1


def test_an_english_form_error_is_in_english_and_keeps_the_text(client, make_consultation):
    consultation = make_consultation()
    client.get("/?lang=en")
    long_text = "あ" * 4001
    page = post_form(
        client, f"/consultations/{consultation.slug}/confirm", {"body": long_text, "name": "山田"}
    ).get_data(as_text=True)
    assert "4,000" in page and "4,001" in page
    assert long_text in page  # nothing typed is lost
    assert 'value="山田"' in page
    assert "ご意見は" not in page
    assert db.session.scalar(select(func.count(Comment.id))) == 0


def test_a_closed_consultation_says_so_with_the_date_in_english(client, make_consultation):
    from tests.conftest import past

    consultation = make_consultation(opens_on=past(40), closes_on=past(3))
    page = client.get(f"/consultations/{consultation.slug}?lang=en").get_data(as_text=True)
    closed = consultation.closes_on
    assert f"{closed.day} {closed.strftime('%b')} {closed.year}" in page
    assert not leftover_japanese(page, data_of(consultation))


def test_easy_japanese_reads_the_form_with_furigana(client, make_consultation):
    consultation = make_consultation()
    page = client.get(f"/consultations/{consultation.slug}?lang=easy").get_data(as_text=True)
    assert '<html lang="ja"' in page
    assert page.count("<ruby>") > 20
    # ruby stays out of attributes: every tag's attributes are still plain
    assert not re.search(r'="[^"]*<ruby>', page)


def test_a_planner_writes_a_summary_per_language(client, make_consultation, login):
    consultation = make_consultation()
    login(Role.PLANNER)
    path = f"/staff/consultations/{consultation.id}/summaries"
    form = client.get(path).get_data(as_text=True)
    assert (
        "English" in form
        and "한국어" in form
        and "日本語" not in re.findall(r"<label[^>]*>([^<]*)", form)
    )
    response = post_form(
        client,
        path,
        {
            "en": "A plan for how the city goes digital. Tell us what you think.",
            "vi": "  ",
            "ko": "시의 디지털화 계획입니다.",
        },
    )
    assert response.status_code == 303
    saved = {s.language: s.text for s in db.session.scalars(select(TranslatedSummary))}
    assert saved == {
        "en": "A plan for how the city goes digital. Tell us what you think.",
        "ko": "시의 디지털화 계획입니다.",
    }
    post_form(client, "/staff/logout", {})
    client.get("/")  # the logout's notice is shown once
    english = client.get(f"/consultations/{consultation.slug}?lang=en").get_data(as_text=True)
    first = english.index("A plan for how the city goes digital.")
    original = english.index(consultation.summary)
    assert first < original  # the translation first, the Japanese original below it
    assert '<div class="summary-translated" lang="en">' in english
    assert not leftover_japanese(english, data_of(consultation))
    japanese = client.get(f"/consultations/{consultation.slug}?lang=ja").get_data(as_text=True)
    assert "A plan for how the city goes digital." not in japanese
    chinese = client.get(f"/consultations/{consultation.slug}?lang=zh").get_data(as_text=True)
    assert "summary-translated" not in chinese  # none written: the Japanese alone


def test_an_emptied_summary_is_removed_and_a_long_one_refused(client, make_consultation, login):
    consultation = make_consultation()
    save_summaries(consultation, {"en": "First words.", "pt": "Um resumo."})
    login(Role.PLANNER)
    path = f"/staff/consultations/{consultation.id}/summaries"
    too_long = post_form(client, path, {"en": "x" * 2001, "pt": ""})
    assert too_long.status_code == 200
    assert "2,000文字以内" in too_long.get_data(as_text=True)
    assert db.session.scalar(select(func.count(TranslatedSummary.id))) == 2  # nothing half-saved
    saved = post_form(client, path, {"en": "<script>alert(1)</script> Better words.", "pt": ""})
    assert saved.status_code == 303, saved.get_data(as_text=True)
    db.session.expire_all()  # the request saved through its own session
    kept = {s.language: s.text for s in db.session.scalars(select(TranslatedSummary))}
    assert kept == {"en": "<script>alert(1)</script> Better words."}
    page = client.get(f"/consultations/{consultation.slug}?lang=en").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Better words." in page
    assert "<script>alert(1)" not in page


def test_only_planners_write_a_consultation_summary(client, make_consultation, login):
    consultation = make_consultation()
    login(Role.FACILITATOR)
    response = post_form(
        client, f"/staff/consultations/{consultation.id}/summaries", {"en": "Not mine to write."}
    )
    assert response.status_code in (403, 404)
    assert db.session.scalar(select(func.count(TranslatedSummary.id))) == 0


def test_a_summary_without_the_form_token_is_refused(client, make_consultation, login):
    consultation = make_consultation()
    login(Role.PLANNER)
    response = client.post(
        f"/staff/consultations/{consultation.id}/summaries", data={"en": "No token."}
    )
    assert response.status_code == 400
    assert db.session.scalar(select(func.count(TranslatedSummary.id))) == 0


def test_numbers_are_written_the_way_each_language_writes_them(client, make_consultation):
    consultation = make_consultation()
    path = f"/consultations/{consultation.slug}/confirm"
    client.get("/?lang=pt")
    page = post_form(client, path, {"body": "あ" * 4001}).get_data(as_text=True)
    assert "4.000" in page and "4.001" in page and "4,000" not in page
    client.get("/?lang=en")
    page = post_form(client, path, {"body": "あ" * 4001}).get_data(as_text=True)
    assert "4,000" in page and "4,001" in page


def test_easy_japanese_shows_its_own_summary_first(client, make_consultation):
    consultation = make_consultation()
    save_summaries(consultation, {"easy": "市の デジタル化の 計画です。"})
    page = client.get(f"/consultations/{consultation.slug}?lang=easy").get_data(as_text=True)
    assert '<div class="summary-translated" lang="ja">' in page
    assert page.index("summary-translated") < page.index("original-label")
