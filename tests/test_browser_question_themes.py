"""Real headless Chromium: a planner reads the themes of the demo questionnaire's free-text
question apart from the comments, then splits them by a choice question on the results page."""

from __future__ import annotations

import pytest

from tests.browser_support import ARTIFACTS, assert_accessible, log_in_as, opened_page

pytestmark = pytest.mark.browser
pytest_plugins = ["tests.browser_support"]

TROUBLE = "手続きや情報の入手で困っていること、不便に感じていることをお書きください"


def test_a_free_text_questions_themes_and_their_split(live_app, browser):
    _, base = live_app
    with opened_page(browser, "question-themes") as staff:
        log_in_as(staff, base, "planner@example.jp", "demo-planner-2026")
        staff.get_by_role("link", name="デジタル化についての市民アンケート").first.click()
        staff.get_by_role("link", name="テーマ分析").first.click()
        texts = staff.get_by_role("navigation", name="分析する文章")
        current = texts.locator("[aria-current=page]")
        assert current.inner_text() == "意見欄（自由記述）"
        texts.get_by_role("link", name=TROUBLE).click()

        staff.get_by_role("heading", name=f"テーマ分析：{TROUBLE}").wait_for()
        assert texts.locator("[aria-current=page]").inner_text() == TROUBLE
        intro = staff.get_by_text("の分析（回答").first.inner_text()
        assert "テーマ" in intro
        # the themes are of the answers: open the first and read them
        staff.locator(".theme-name a").first.click()
        staff.get_by_text("への回答のテーマです。").wait_for()
        assert staff.locator(".comment-text").count() > 0
        assert_accessible(staff)
        staff.go_back()
        assert_accessible(staff)
        staff.screenshot(path=str(ARTIFACTS / "question-themes-overview.png"), full_page=True)

        # the results page splits them by a choice question
        staff.get_by_role("link", name="アンケート集計").first.click()
        staff.get_by_label("分ける文章のテーマ").select_option(label=TROUBLE)
        staff.get_by_label("回答で分ける質問").select_option(label="スマートフォンを使っていますか")
        assert staff.get_by_label("テーマの段階").input_value() == "large"
        staff.get_by_role("button", name="分ける").click()
        staff.get_by_text(f"（「{TROUBLE}」の回答").first.wait_for()
        split = staff.locator("#split-heading").locator("xpath=..")
        assert split.locator("table").count() >= 1
        assert_accessible(staff)
        staff.screenshot(path=str(ARTIFACTS / "question-themes-split.png"), full_page=True)
