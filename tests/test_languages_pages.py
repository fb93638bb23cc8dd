"""The accessibility policy and the error pages in the resident's language; staff pages and
the API's JSON keep the Japanese."""

from __future__ import annotations

import html
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import post_form
from workshop.errors import Forbidden, NotFound
from workshop.security import limiter

# Japanese letters: hiragana, katakana, kanji
JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]+")
# Japanese a page in another language may show: the city's name (data) and the language
# menu's own names (やさしい日本語, 日本語, and 中文 in kanji)
JAPANESE_DATA = {"みどり市", "やさしい日本語", "日本語", "中文", "简体"}


def text_of(page: str) -> str:
    """What the page shows in <main>, tags and the city's marked Japanese (lang="ja") left out."""
    main = re.search(r"<main\b.*?</main>", page, re.S)
    assert main, page
    body = re.sub(r'<(\w+) lang="ja">.*?</\1>', " ", main.group(0), flags=re.S)
    body = re.sub(r"<(rp|rt)\b[^>]*>.*?</\1>", "", body)  # ふりがな: the word as it is read
    return html.unescape(re.sub(r"<[^>]+>", "", body))


def leftover_japanese(page: str) -> list[str]:
    return [word for word in JAPANESE.findall(text_of(page)) if word not in JAPANESE_DATA]


def get(client: FlaskClient, path: str, status: int = 200) -> str:
    response = client.get(path)
    assert response.status_code == status, path
    return html.unescape(response.get_data(as_text=True))


@pytest.mark.parametrize("lang", ["en", "ko", "vi", "pt"])
def test_the_policy_has_no_japanese_left_in_other_languages(client, lang):
    page = get(client, f"/accessibility?lang={lang}")
    assert not leftover_japanese(page), leftover_japanese(page)


def test_the_policy_in_english(client):
    page = get(client, "/accessibility?lang=en")
    assert "<h1>Web accessibility policy</h1>" in page
    assert "conformance level AA of Japanese Industrial Standard JIS X 8341-3:2016" in page
    assert "<dt>360 px wide</dt>" in page and "Opened at a phone's screen width (360 px)" in page
    assert "<dt>6 languages</dt>" in page and "Easy Japanese is checked with furigana on." in page
    assert "<h3>Checking your sign-up (the link in the e-mail)</h3>" in page
    assert "15 kinds of page in all." in page
    # each page's checks as English writes a list
    assert "Automated check, Keyboard, 360 px wide, Furigana, Large text, " in page
    assert "Without JavaScript and 6 languages</dd>" in page
    assert "Fri 4 Dec 2026" in page
    assert 'please tell the responsible section of <span lang="ja">みどり市</span>' in page


def test_the_policy_in_easy_japanese_has_furigana(client):
    page = get(client, "/accessibility?lang=easy")
    assert "機械で" in text_of(page) and "調べる" in text_of(page)
    assert '<ruby>機械<rp>（</rp><rt aria-hidden="true">きかい</rt>' in page
    assert "（エラー番号" not in page


def test_the_city_contact_stays_japanese_in_english(app, client):
    app.config["ACCESSIBILITY_CONTACT"] = "みどり市 デジタル推進課（電話 0123-45-6789）"
    page = get(client, "/accessibility?lang=en")
    assert '<p lang="ja">みどり市 デジタル推進課（電話 0123-45-6789）</p>' in page


def test_a_missing_page_in_each_language(client):
    expected = {
        "en": "Page not found. Please check the address.",
        "zh": "找不到页面。请确认网址。",
        "ko": "페이지를 찾을 수 없습니다. 주소를 확인해 주십시오.",
        "vi": "Không tìm thấy trang. Vui lòng kiểm tra lại địa chỉ.",
        "pt": "Página não encontrada. Confira o endereço.",
    }
    for lang, message in expected.items():
        page = get(client, f"/no-such-page?lang={lang}", 404)
        assert f"<h1>{message}</h1>" in page, lang
    page = get(client, "/no-such-page?lang=en", 404)
    assert "<title>Error｜みどり市 Voices of the Town</title>" in page
    assert "<p>(Error 404)</p>" in page and ">Back to the home page</a>" in page
    assert not leftover_japanese(page), leftover_japanese(page)


def test_a_missing_page_in_easy_japanese(client):
    page = get(client, "/no-such-page?lang=easy", 404)
    assert '<ruby>番号<rp>（</rp><rt aria-hidden="true">ばんごう</rt>' in page
    assert "アドレスを もう 一度 見て ください。" in text_of(page)


def test_domain_and_server_errors_in_other_languages(app: Flask, client):
    """A domain error raised with its class's message is translated, as a 500 is."""

    @app.get("/not-found-for-test")
    def not_found_for_test() -> str:
        raise NotFound()

    @app.get("/forbidden-for-test")
    def forbidden_for_test() -> str:
        raise Forbidden()

    @app.get("/broken-for-test")
    def broken_for_test() -> str:
        raise RuntimeError("a bug")

    app.config["PROPAGATE_EXCEPTIONS"] = False  # answered as in production, not raised
    page = get(client, "/not-found-for-test?lang=ko", 404)
    assert "<h1>페이지를 찾을 수 없습니다.</h1>" in page
    page = get(client, "/forbidden-for-test?lang=en", 403)
    assert "<h1>You do not have permission to see this page.</h1>" in page
    page = get(client, "/broken-for-test?lang=vi", 500)
    assert "<h1>Hệ thống đã gặp sự cố. Vui lòng thử lại sau.</h1>" in page


def test_an_expired_form_in_english(app, client, make_consultation):
    app.config["WTF_CSRF_ENABLED"] = True
    consultation = make_consultation()
    client.get("/?lang=en")  # the cookie keeps English for the POST
    response = client.post(
        f"/consultations/{consultation.slug}/confirm", data={"body": "歩道を広げてください。"}
    )
    assert response.status_code == 400
    page = html.unescape(response.get_data(as_text=True))
    assert "This form has expired or was not sent correctly." in page


@pytest.fixture
def limited(app):
    """The rate limiter on (the app fixture turns it off); left as the other tests expect."""
    from workshop import create_app

    limited_app = create_app({**app.config, "RATELIMIT_ENABLED": True})
    yield limited_app
    create_app(dict(app.config))


def test_too_many_sign_ups_in_portuguese(limited, make_consultation):
    consultation = make_consultation()
    client = limited.test_client()
    client.get("/?lang=pt")
    limiter.reset()
    path = f"/consultations/{consultation.slug}/confirm"
    for _ in range(30):
        response = post_form(client, path, {"body": "歩道を広げてください。"})
        if response.status_code == 429:
            break
    assert response.status_code == 429
    page = html.unescape(response.get_data(as_text=True))
    assert "Muitos envios em pouco tempo. Espere um pouco e tente de novo." in page


def test_staff_errors_and_the_api_stay_japanese(client, login):
    login()
    page = get(client, "/staff/no-such-page?lang=en", 404)
    assert "<h1>ページが見つかりません。アドレスをご確認ください。</h1>" in page
    assert "（エラー番号 404）" in page
    response = client.get("/api/no-such-thing?lang=en")
    assert response.status_code == 404
    assert response.get_json()["message"] == "ページが見つかりません。アドレスをご確認ください。"
