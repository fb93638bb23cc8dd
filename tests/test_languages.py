"""The resident pages' languages: the catalogues are complete, a page's language is chosen
as a resident expects, and it is said to browsers and search engines."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from flask import Flask
from flask.testing import FlaskClient

from workshop.preferences import language
from workshop.preferences.language import LANGUAGES, TRANSLATED

ROOT = Path(__file__).resolve().parent.parent
CATALOGUES = ROOT / "workshop" / "translations"
KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "_l": None,
    "lazy_gettext": None,
    "N_": None,
}
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def source_messages() -> set[str]:
    """Every message marked in the code and the templates, as `make messages` extracts it."""
    with (ROOT / "babel.cfg").open(encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    found = set()
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS
    ):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def catalogue(locale: str):
    with (CATALOGUES / locale / "LC_MESSAGES" / "messages.po").open("rb") as po:
        return read_po(po, locale=locale)


@pytest.fixture(scope="module")
def marked() -> set[str]:
    return source_messages()


@pytest.mark.parametrize("lang", TRANSLATED, ids=lambda lang: lang.code)
def test_every_marked_message_is_translated(lang: language.Language, marked: set[str]) -> None:
    translations = {}
    for message in catalogue(lang.catalogue):
        if message.id:
            key = message.id[0] if isinstance(message.id, tuple) else message.id
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            if message.fuzzy or not all(strings):
                continue
            translations[key] = strings
    missing = sorted(marked - set(translations))
    assert not missing, f"{lang.code}: {len(missing)} messages untranslated, e.g. {missing[:5]}"
    # a translation keeps every %(name)s of its message, or the page fails to format it
    broken = [
        key
        for key, strings in translations.items()
        if key in marked
        and any(set(PLACEHOLDER.findall(s)) != set(PLACEHOLDER.findall(key)) for s in strings)
    ]
    assert not broken, f"{lang.code}: placeholders differ in {broken[:5]}"


def test_the_catalogues_cover_what_the_sources_mark(marked: set[str]) -> None:
    """A message removed from the code leaves the catalogues (make messages), and one added
    reaches the template: the .pot is what the sources say today."""
    with (CATALOGUES / "messages.pot").open("rb") as pot:
        template = {m.id[0] if isinstance(m.id, tuple) else m.id for m in read_po(pot) if m.id}
    assert template == marked, "run `make messages`"


def html_lang(client: FlaskClient, path: str = "/", **headers: str) -> str:
    page = client.get(path, headers=headers).get_data(as_text=True)
    found = re.search(r'<html lang="([^"]+)"', page)
    assert found
    return found.group(1)


def test_japanese_is_the_default(client: FlaskClient) -> None:
    assert html_lang(client) == "ja"
    assert "意見募集" in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("en-US,en;q=0.9", "en"),
        ("zh-CN,zh;q=0.9", "zh-Hans"),
        ("ko-KR", "ko"),
        ("vi", "vi"),
        ("pt-PT,pt;q=0.8", "pt-BR"),
        ("fr-FR,en;q=0.5", "en"),  # the best language we have
        ("fr-FR", "ja"),
        ("ja,en;q=0.8", "ja"),
    ],
)
def test_the_browser_language_chooses_first(
    client: FlaskClient, accept: str, expected: str
) -> None:
    assert html_lang(client, **{"Accept-Language": accept}) == expected


def test_the_menu_choice_is_remembered_over_the_browser(client: FlaskClient) -> None:
    response = client.get("/?lang=ko", headers={"Accept-Language": "en"})
    assert 'lang="ko"' in response.get_data(as_text=True)
    assert "lang=ko" in response.headers["Set-Cookie"]
    assert "Accept-Language" in response.headers["Vary"]
    assert html_lang(client, "/workshops/", **{"Accept-Language": "en"}) == "ko"
    assert html_lang(client, "/?lang=nonsense") == "ko"  # an unknown code changes nothing


def test_staff_pages_stay_japanese(client: FlaskClient, login) -> None:
    login()
    client.get("/?lang=en")
    page = client.get("/staff/").get_data(as_text=True)
    assert '<html lang="ja"' in page
    assert "Set-Cookie" not in client.get("/staff/?lang=en").headers


def test_each_page_names_its_languages(client: FlaskClient) -> None:
    page = client.get("/workshops/?lang=en").get_data(as_text=True)
    alternates = dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)"', page))
    assert set(alternates) == {lang.tag for lang in LANGUAGES} | {"x-default"}
    assert alternates["zh-Hans"].endswith("/workshops/?lang=zh")
    assert alternates["x-default"].endswith("/workshops/")
    assert all(href.startswith("http") for href in alternates.values())
    # the menu: each language named in itself, marked with its own lang, the current one said
    menu = re.search(r'<nav class="language-menu".*?</nav>', page, re.S)
    assert menu
    assert '<li lang="ko"><a href="/workshops/?lang=ko" hreflang="ko">한국어</a>' in menu.group(0)
    assert '<strong aria-current="true">English</strong>' in menu.group(0)


def test_easy_japanese_has_furigana_unless_turned_off(client: FlaskClient) -> None:
    page = client.get("/?lang=easy").get_data(as_text=True)
    assert '<html lang="ja"' in page
    assert "<ruby>" in page
    client.get("/furigana?to=off&next=/")
    assert "<ruby>" not in client.get("/").get_data(as_text=True)


def test_other_languages_never_get_japanese_readings(client: FlaskClient) -> None:
    client.get("/furigana?to=on&next=/")
    page = client.get("/?lang=zh").get_data(as_text=True)
    assert "<ruby>" not in page
    assert "furigana-switch" not in page


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("ja", "2026年12月17日（木）"),
        ("easy", "2026年12月17日（木）"),
        ("en", "Thu 17 Dec 2026"),
        ("zh", "2026年12月17日周四"),
        ("ko", "2026년 12월 17일 (목)"),
        ("pt", "qui., 17 de dez. de 2026"),
    ],
)
def test_dates_are_written_the_way_each_language_writes_them(
    app: Flask, code: str, expected: str
) -> None:
    lang = language.by_code(code)
    assert lang
    assert language.format_date(date(2026, 12, 17), lang) == expected


def test_times_are_tokyo_times_in_each_language(app: Flask) -> None:
    moment = datetime(2026, 12, 17, 5, 30, tzinfo=UTC)  # 14:30 in Tokyo
    assert language.format_time(moment, language.JAPANESE) == "14時30分"
    english = language.by_code("en")
    assert english
    assert language.format_date(moment, english) == "Thu 17 Dec 2026 14:30"
