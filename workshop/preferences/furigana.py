"""ふりがな on resident pages: the ``ruby`` filter and whether a request wants it.

The filter escapes every segment of ``nlp.furigana.ruby_segments`` and puts a word's kanji
in ``<ruby>漢字<rp>（</rp><rt aria-hidden="true">かんじ</rt><rp>）</rp></ruby>``. Given Markup (a plan's
Markdown, already cleaned by nh3) it reads the HTML and changes only its text: tags and
attributes are written back exactly as they were, so links and their addresses stay.
The reading is ``aria-hidden``: a screen reader reads the word once, in the text and in every
name computed from it (a section named by its heading through aria-labelledby would otherwise
be read 「内容ないよう」); tests/test_browser_furigana.py checks Chromium's tree.
"""

from __future__ import annotations

from functools import lru_cache
from html.parser import HTMLParser

from flask import Flask, g, has_request_context, request
from markupsafe import Markup, escape

from nlp.furigana import has_kanji, ruby_segments
from workshop.preferences import language
from workshop.preferences.text_size import text_large
from workshop.security import is_staff_page

COOKIE = "furigana"
MAX_AGE = 365 * 24 * 3600
# text in these stays as written: code is copied, not read
_NO_RUBY = frozenset({"code", "pre", "script", "style", "textarea", "title"})


def furigana_on() -> bool:
    """This request's page wants ふりがな: the cookie says so and it is a resident's page."""
    if not has_request_context():
        return False
    if "furigana_on" not in g:
        g.furigana_on = _wanted() and not is_staff_page()
    return bool(g.furigana_on)


def _wanted() -> bool:
    """The cookie decides; without one, やさしい日本語 has ふりがな and 日本語 has none.
    Other languages never do: Japanese readings over Chinese characters would mislead."""
    page_language = language.chosen()
    if not page_language.japanese:
        return False
    cookie = request.cookies.get(COOKIE)
    if cookie is None:
        return page_language is language.EASY_JAPANESE
    return cookie == "1"


def ruby(value: object) -> Markup:
    """Jinja filter: the value as HTML, with ふりがな over its kanji when the page wants it.

    A plain value is text (escaped); Markup is HTML whose text alone gets ruby.
    """
    if value is None:
        return Markup("")
    if isinstance(value, Markup):
        return Markup(ruby_in_html(str(value))) if furigana_on() else value
    text = str(value)
    return Markup(ruby_text(text)) if furigana_on() else escape(text)


@lru_cache(maxsize=8192)
def ruby_text(text: str) -> str:
    """Plain text as HTML with ruby: every part escaped, readings over the kanji."""
    if not has_kanji(text):
        return str(escape(text))
    parts: list[str] = []
    for surface, reading in ruby_segments(text):
        if reading is None:
            parts.append(str(escape(surface)))
        else:
            parts.append(
                f'<ruby>{escape(surface)}<rp>（</rp><rt aria-hidden="true">{escape(reading)}</rt><rp>）</rp></ruby>'
            )
    return "".join(parts)


@lru_cache(maxsize=1024)
def ruby_in_html(html: str) -> str:
    """Safe HTML with ruby added to its text nodes only; tags written back as they came."""
    parser = _RubyParser()
    parser.feed(html)
    parser.close()
    return "".join(parser.out)


class _RubyParser(HTMLParser):
    def __init__(self) -> None:
        # charrefs converted: a text node arrives whole (&amp; and all) and is escaped again
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.plain_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.out.append(self.get_starttag_text() or "")
        if tag in _NO_RUBY:
            self.plain_depth += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.out.append(self.get_starttag_text() or "")

    def handle_endtag(self, tag: str) -> None:
        self.out.append(f"</{tag}>")
        if tag in _NO_RUBY and self.plain_depth:
            self.plain_depth -= 1

    def handle_data(self, data: str) -> None:
        self.out.append(str(escape(data)) if self.plain_depth else ruby_text(data))

    def handle_entityref(self, name: str) -> None:  # not called with convert_charrefs
        self.out.append(f"&{name};")

    def handle_charref(self, name: str) -> None:  # not called with convert_charrefs
        self.out.append(f"&#{name};")

    def handle_comment(self, data: str) -> None:
        pass  # nh3 leaves none; a comment is nothing to read

    def handle_decl(self, decl: str) -> None:
        pass

    def handle_pi(self, data: str) -> None:
        pass


def is_resident_page() -> bool:
    """Pages where the switch shows: not staff pages, not the staff login."""
    return not is_staff_page() and request.blueprint not in ("auth", "staff")


def init_app(app: Flask) -> None:
    app.jinja_env.filters["ruby"] = ruby

    @app.context_processor
    def reading_switch() -> dict[str, object]:
        if not has_request_context():  # an e-mail rendered by a job
            return {
                "furigana": False,
                "text_large": False,
                "resident_page": False,
                "preference_switches": False,
                "furigana_switch": False,
            }
        resident = is_resident_page()
        return {
            "furigana": furigana_on(),
            "text_large": text_large(),
            "resident_page": resident,
            # the ふりがな and text-size switches: a page answered to a POST (the confirmation
            # page) cannot be reloaded by a link
            "preference_switches": resident and request.method == "GET",
            "furigana_switch": language.chosen().japanese,
        }
