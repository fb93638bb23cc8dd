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


@dataclass(frozen=True)
class CheckDescription:
    label: str  # short, in the list of pages
    how: str  # what the test does and what must hold


CHECKS: dict[Check, CheckDescription] = {
    Check.AXE: CheckDescription(
        "自動検査",
        "axe-core の規則（WCAG 2.0・2.1 のレベル A と AA、ほかの推奨事項）で調べ、"
        "違反が一つもないこと。",
    ),
    Check.KEYBOARD: CheckDescription(
        "キーボード",
        "Tab キーだけで「本文へ移動」からページの最後のリンクまで進めること。"
        "フォーカスのある部品には、周りと見分けられる枠が見え、画面の中にあって隠れていないこと。",
    ),
    Check.NARROW: CheckDescription(
        f"幅 {NARROW_WIDTH} px",
        f"スマートフォンの画面の幅（{NARROW_WIDTH} px）で開き、"
        "横にスクロールしなくても読めること。はみ出した文字や切れた文字がないこと。",
    ),
    Check.FURIGANA: CheckDescription(
        "ふりがな",
        "ふりがな「あり」でも「なし」でも、自動検査で違反がないこと。",
    ),
    Check.LARGE_TEXT: CheckDescription(
        "文字 大きい",
        f"文字の大きさ「大きい」で、幅 {NARROW_WIDTH} px でも、自動検査で違反がなく、"
        "横にスクロールしなくても読めること。",
    ),
    Check.NO_JAVASCRIPT: CheckDescription(
        "JavaScript なし",
        "JavaScript を切ったブラウザーでも、ページが開き、見出しと本文が表示されること。",
    ),
}
EVERY_CHECK = tuple(Check)


@dataclass(frozen=True)
class CheckedPage:
    endpoint: str
    name: str
    checks: tuple[Check, ...] = EVERY_CHECK


RESIDENT_PAGES: tuple[CheckedPage, ...] = (
    CheckedPage("consultations.index", "意見募集の一覧（トップページ）"),
    CheckedPage("consultations.show_consultation", "意見募集のページ（計画の内容と意見の送信）"),
    CheckedPage("consultations.receipt", "意見の受付番号のページ"),
    CheckedPage("consultations.paper_form", "紙の意見用紙（印刷用）"),
    CheckedPage("results.show", "意見募集の結果"),
    CheckedPage("results.theme", "結果のテーマごとの意見"),
    CheckedPage("results.print_page", "結果の印刷用ページ"),
    CheckedPage("workshops.index", "ワークショップの一覧"),
    CheckedPage("workshops.show", "ワークショップの案内と申込"),
    CheckedPage("workshops.registration", "申込内容の確認（メールのリンク）"),
    CheckedPage("workshops.cancel", "申込の取り消し"),
    CheckedPage("boards.join", "付箋ボードへの参加（コードの入力）"),
    CheckedPage("boards.show", "付箋ボード（参加者のスマートフォン）"),
    CheckedPage("boards.edit_note", "自分の付箋の書き直し"),
    CheckedPage("accessibility.policy", "ウェブアクセシビリティ方針（このページ）"),
)


def pages_with(check: Check) -> list[CheckedPage]:
    return [page for page in RESIDENT_PAGES if check in page.checks]


def url_pattern(app: Flask, endpoint: str) -> str:
    """The page's address, its variable parts (a plan's name, a number) shown as …."""
    rule = next(app.url_map.iter_rules(endpoint))
    return re.sub(r"<[^>]+>", "…", rule.rule)
