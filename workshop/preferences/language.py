"""The language of resident pages: 日本語, やさしい日本語 and five others, with Flask-Babel.

Japanese is the source language: every message is written in Japanese in the code and the
templates, and workshop/translations/ holds one catalogue per other language (``make
messages`` extracts and updates them, ``make install`` compiles them).

A page's language is, in this order:
1. ``?lang=en`` on the address: the language menu's links and the hreflang alternates, so a
   link works without JavaScript and a search engine can fetch each language;
2. the ``lang`` cookie, set by 1 and kept for a year;
3. the browser's Accept-Language;
4. Japanese.
Staff pages are always in Japanese.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from urllib.parse import urlencode

from babel import support
from babel.dates import format_date as babel_date
from babel.dates import format_skeleton
from babel.dates import format_time as babel_time
from babel.numbers import format_decimal
from flask import Flask, current_app, g, has_request_context, request
from flask_babel import Babel, LazyString, gettext
from markupsafe import Markup, escape
from werkzeug.wrappers import Response
from wtforms.i18n import messages_path

from workshop import timeutil
from workshop.security import is_staff_page

COOKIE = "lang"
PARAM = "lang"
MAX_AGE = 365 * 24 * 3600


@dataclass(frozen=True)
class Language:
    code: str  # in ?lang= and the cookie
    name: str  # in its own language, in the menu
    tag: str  # BCP 47: <html lang>, hreflang, lang= on a summary
    catalogue: str  # Babel locale of the message catalogue
    formats: str  # Babel locale for dates and times
    date_pattern: str | None = None  # a CLDR pattern where the locale's own is not what we want

    @property
    def japanese(self) -> bool:
        return self.tag == "ja" or self.tag.startswith("ja-")

    @property
    def html_lang(self) -> str:
        """``lang=`` on the page: やさしい日本語 is read by a screen reader as Japanese."""
        return "ja" if self.japanese else self.tag


JAPANESE = Language("ja", "日本語", "ja", "ja", "ja")
EASY_JAPANESE = Language("easy", "やさしい日本語", "ja-x-easy", "ja@easy", "ja")
LANGUAGES: tuple[Language, ...] = (
    JAPANESE,
    EASY_JAPANESE,
    Language("en", "English", "en", "en", "en_GB", "EEE d MMM y"),
    Language("zh", "中文（简体）", "zh-Hans", "zh_Hans", "zh_Hans_CN"),
    Language("ko", "한국어", "ko", "ko", "ko_KR"),
    Language("vi", "Tiếng Việt", "vi", "vi", "vi_VN"),
    Language("pt", "Português", "pt-BR", "pt_BR", "pt_BR"),
)
BY_CODE = {language.code: language for language in LANGUAGES}
# the catalogues to keep complete: every language but the source
TRANSLATED = tuple(language for language in LANGUAGES if language is not JAPANESE)


def by_code(code: str | None) -> Language | None:
    return BY_CODE.get(code or "")


def chosen() -> Language:
    """This request's language (Japanese outside a request: a job, a command, an e-mail
    rendered without one; those choose theirs with ``flask_babel.force_locale``)."""
    if not has_request_context():
        return JAPANESE
    if "language" not in g:
        g.language = _choose()
    language: Language = g.language
    return language


def _choose() -> Language:
    if is_staff_page() or request.blueprint in ("auth", "staff"):
        return JAPANESE
    asked = by_code(request.args.get(PARAM)) or by_code(request.cookies.get(COOKIE))
    if asked:
        return asked
    return from_accept_language() or JAPANESE


def from_accept_language() -> Language | None:
    """The browser's most wanted language we have, by its tag or else its first part
    (zh-CN → 中文（简体）, pt-PT → Português, en-US → English)."""
    offered = [language for language in LANGUAGES if language is not EASY_JAPANESE]
    for wanted, _quality in request.accept_languages:  # best first
        wanted = wanted.lower()
        for language in offered:
            if language.tag.lower() == wanted:
                return language
        primary = wanted.split("-")[0]
        for language in offered:
            if language.tag.lower().split("-")[0] == primary:
                return language
    return None


def is_easy_japanese() -> bool:
    return chosen() is EASY_JAPANESE


def format_date(value: date | datetime | None, language: Language | None = None) -> str:
    """A date (and time) the way the page's language writes it: 2026年12月17日（木） in
    Japanese, Thu 17 Dec 2026 in English."""
    if value is None:
        return ""
    language = language or chosen()
    if language.japanese:
        if isinstance(value, datetime):
            return timeutil.format_datetime(value)
        return timeutil.format_date(value)
    if isinstance(value, datetime):
        local = timeutil.as_tokyo(value)
        return f"{_date_only(local.date(), language)} {format_time(local, language)}"
    return _date_only(value, language)


def _date_only(day: date, language: Language) -> str:
    if language.date_pattern:
        return babel_date(day, language.date_pattern, locale=language.formats)
    return format_skeleton("yMMMEd", day, locale=language.formats)


def format_time(moment: datetime, language: Language | None = None) -> str:
    """14時30分 in Japanese, 14:30 elsewhere; Tokyo time."""
    language = language or chosen()
    if language.japanese:
        return timeutil.format_time(moment)
    return babel_time(timeutil.as_tokyo(moment), "HH:mm", locale=language.formats)


def format_number(value: float, language: Language | None = None) -> str:
    """4,000 in Japanese and English, 4.000 in Vietnamese and Portuguese."""
    return format_decimal(value, locale=(language or chosen()).formats)


def lazy_number(value: float) -> LazyString:
    """A number written in the page's language when the message holding it is shown: for a
    form's class-level message (``_l("%(max)s文字まで", max=lazy_number(4000))``)."""
    return LazyString(format_number, value)


def japanese_text(value: object) -> Markup:
    """Jinja filter ``ja``: the city's own Japanese (a question, a title) inside a page in
    another language, marked ``lang="ja"`` so a screen reader reads it with a Japanese voice."""
    text = escape("" if value is None else value)
    if chosen().japanese:
        return text
    return Markup('<span lang="ja">%s</span>') % text


def own_words(value: str) -> Markup:
    """Jinja filter ``own_words``: an option the app itself offers (年代's 10代) in the page's
    language; one with no translation (an age group the city added, 90代以上) is the city's
    Japanese, shown as written and marked like ``ja``."""
    translated = gettext(value)
    return escape(translated) if translated != value else japanese_text(value)


def remember(response: Response) -> Response:
    """A page asked for with ``?lang=`` keeps that language in the cookie."""
    asked = by_code(request.args.get(PARAM))
    if asked and not is_staff_page() and request.cookies.get(COOKIE) != asked.code:
        response.set_cookie(
            COOKIE,
            asked.code,
            max_age=MAX_AGE,
            httponly=True,
            samesite="Lax",
            secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
        )
    if not is_staff_page():
        response.vary.update(("Accept-Language", "Cookie"))
    return response


def alternates() -> list[tuple[Language, str]]:
    """This page in each language: the menu's links and ``<link rel="alternate" hreflang>``."""
    others = [(key, value) for key, value in request.args.items(multi=True) if key != PARAM]
    return [
        (language, f"{request.path}?{urlencode([*others, (PARAM, language.code)])}")
        for language in LANGUAGES
    ]


@cache
def wtforms_catalogue(catalogue: str) -> support.NullTranslations:
    """WTForms' own messages (「この項目は必須です。」) in one language, read once a process."""
    return support.Translations.load(messages_path(), [catalogue], domain="wtforms")


def share_wtforms_catalogue() -> None:
    """Flask-WTF reads WTForms' catalogue from disk for every request that makes a form (a
    millisecond of each comment's submit) unless the request already holds it, here."""
    request.wtforms_translations = wtforms_catalogue(chosen().catalogue)  # type: ignore[attr-defined]


def init_app(app: Flask) -> None:
    Babel(app, locale_selector=lambda: chosen().catalogue)
    app.before_request(share_wtforms_catalogue)
    app.jinja_env.filters["jdate"] = format_date
    app.jinja_env.filters["jtime"] = format_time
    app.jinja_env.filters["ja"] = japanese_text
    app.jinja_env.filters["own_words"] = own_words
    app.jinja_env.filters["num"] = format_number
    app.after_request(remember)

    @app.context_processor
    def language_context() -> dict[str, object]:
        if not has_request_context():
            return {"language": JAPANESE}
        return {
            "language": chosen(),
            "languages": LANGUAGES,
            "LANGUAGE_BY_CODE": BY_CODE,
            # ` lang="ja"` on an element holding the city's Japanese, on pages in another language
            "ja_attr": Markup("") if chosen().japanese else Markup(' lang="ja"'),
            "language_alternates": alternates,
            "site_root": str(app.config["PUBLIC_BASE_URL"]).rstrip("/"),
        }
