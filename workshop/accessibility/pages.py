"""The resident pages and the checks each one passes in the browser tests.

tests/test_browser_every_page.py opens every page here in headless Chromium and runs each
check the page names; tests/test_accessibility.py fails when a resident page (a GET route
outside /staff) is missing here. The policy page reads the same list, so what it says was
tested is what the tests do.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from datetime import date

from flask import Flask
from flask_babel import gettext

from workshop.text import N_

TARGET_STANDARD = "JIS X 8341-3:2016"
TARGET_LEVEL = "AA"
POLICY_DATE = date(2026, 12, 4)
# the axe-core the browser tests run (axe-playwright-python's bundled axe.min.js, a test-only
# package); tests/test_accessibility.py reads that file and fails when the two differ
AXE_CORE_VERSION = "4.12.1"
NARROW_WIDTH = 360


class Check(enum.Enum):
    AXE = "axe"
    KEYBOARD = "keyboard"
    NARROW = "narrow"
    FURIGANA = "furigana"
    LARGE_TEXT = "large_text"
    NO_JAVASCRIPT = "no_javascript"
    LANGUAGES = "languages"


@dataclass(frozen=True)
class CheckDescription:
    """Japanese messages (the catalogues' msgids); ``%(width)s`` is the phone's width."""

    label: str  # short, in the list of pages
    how: str  # what the test does and what must hold

    def translated(self) -> CheckDescription:
        """In the page's language, the width filled in."""
        return CheckDescription(
            gettext(self.label, width=NARROW_WIDTH), gettext(self.how, width=NARROW_WIDTH)
        )


CHECKS: dict[Check, CheckDescription] = {
    Check.AXE: CheckDescription(
        N_("自動検査"),
        N_(
            "axe-core の規則（WCAG 2.0・2.1 のレベル A と AA、ほかの推奨事項）で調べ、"
            "違反が一つもないこと。"
        ),
    ),
    Check.KEYBOARD: CheckDescription(
        N_("キーボード"),
        N_(
            "Tab キーだけで「本文へ移動」からページの最後のリンクまで進めること。"
            "フォーカスのある部品には、周りと見分けられる枠が見え、画面の中にあって隠れていないこと。"
        ),
    ),
    Check.NARROW: CheckDescription(
        N_("幅 %(width)s px"),
        N_(
            "スマートフォンの画面の幅（%(width)s px）で開き、"
            "横にスクロールしなくても読めること。はみ出した文字や切れた文字がないこと。"
        ),
    ),
    Check.FURIGANA: CheckDescription(
        N_("ふりがな"),
        N_("ふりがな「あり」でも「なし」でも、自動検査で違反がないこと。"),
    ),
    Check.LARGE_TEXT: CheckDescription(
        N_("文字 大きい"),
        N_(
            "文字の大きさ「大きい」で、幅 %(width)s px でも、自動検査で違反がなく、"
            "横にスクロールしなくても読めること。"
        ),
    ),
    Check.NO_JAVASCRIPT: CheckDescription(
        N_("JavaScript なし"),
        N_("JavaScript を切ったブラウザーでも、ページが開き、見出しと本文が表示されること。"),
    ),
    Check.LANGUAGES: CheckDescription(
        N_("6 つの言語"),
        N_(
            "やさしい日本語・英語・中国語（簡体字）・韓国語・ベトナム語・ポルトガル語のそれぞれで、"
            "幅 %(width)s px で開き、自動検査で違反がなく、横にスクロールしなくても読めること。"
            "やさしい日本語は、ふりがな「あり」で確かめます。"
        ),
    ),
}
EVERY_CHECK = tuple(Check)


@dataclass(frozen=True)
class CheckedPage:
    endpoint: str
    name: str  # a Japanese message: shown through gettext
    checks: tuple[Check, ...] = EVERY_CHECK


RESIDENT_PAGES: tuple[CheckedPage, ...] = (
    CheckedPage("consultations.index", N_("意見募集の一覧（トップページ）")),
    CheckedPage(
        "consultations.show_consultation", N_("意見募集のページ（計画の内容と意見の送信）")
    ),
    CheckedPage("consultations.receipt", N_("意見の受付番号のページ")),
    CheckedPage("consultations.paper_form", N_("紙の意見用紙（印刷用）")),
    CheckedPage("results.show", N_("意見募集の結果")),
    CheckedPage("results.theme", N_("結果のテーマごとの意見")),
    CheckedPage("results.print_page", N_("結果の印刷用ページ")),
    CheckedPage("workshops.index", N_("ワークショップの一覧")),
    CheckedPage("workshops.show", N_("ワークショップの案内と申込")),
    CheckedPage("workshops.registration", N_("申込内容の確認（メールのリンク）")),
    CheckedPage("workshops.cancel", N_("申込の取り消し")),
    CheckedPage("boards.join", N_("付箋ボードへの参加（コードの入力）")),
    CheckedPage("boards.show", N_("付箋ボード（参加者のスマートフォン）")),
    CheckedPage("boards.edit_note", N_("自分の付箋の書き直し")),
    CheckedPage("accessibility.policy", N_("ウェブアクセシビリティ方針（このページ）")),
)


def pages_with(check: Check) -> list[CheckedPage]:
    return [page for page in RESIDENT_PAGES if check in page.checks]


def url_pattern(app: Flask, endpoint: str) -> str:
    """The page's address, its variable parts (a plan's name, a number) shown as …."""
    rule = next(app.url_map.iter_rules(endpoint))
    return re.sub(r"<[^>]+>", "…", rule.rule)
