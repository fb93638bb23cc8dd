"""Real headless Chromium, scripts off: a planner uploads a LINE export of a questionnaire,
picks each question's column on the second step, and imports it; axe finds nothing."""

from __future__ import annotations

import csv
import io

import pytest

from tests.browser_support import ARTIFACTS, assert_accessible, log_in_as, opened_page
from tests.test_questionnaire_import import WEB_HEADER, WEB_ROWS
from tests.test_questionnaires import open_survey

pytestmark = pytest.mark.browser
pytest_plugins = ["tests.browser_support"]


@pytest.fixture(scope="module")
def survey_id(live_app) -> int:
    app, _ = live_app
    with app.app_context():
        return open_survey(
            "dx-survey-import",
            "デジタル化についてのアンケート（LINE）",
            "QIM",
            summary="LINEで集めた回答を取り込みます。",
        )


def test_a_planner_maps_the_columns_without_javascript(browser, live_app, survey_id, tmp_path):
    _, base = live_app
    buffer = io.StringIO()
    csv.writer(buffer).writerows([WEB_HEADER, *WEB_ROWS])
    export = tmp_path / "line-survey.csv"
    export.write_bytes(buffer.getvalue().encode("cp932"))
    with opened_page(browser, "questionnaire-import", java_script_enabled=False) as page:
        log_in_as(page, base, "planner@example.jp", "demo-planner-2026")
        page.goto(f"{base}/staff/consultations/{survey_id}/import")
        page.get_by_label("CSVファイル").set_input_files(str(export))
        page.get_by_label("ID の列名（任意・二重取り込みを防ぎます）").fill("回答ID")
        page.get_by_role("button", name="取り込む").click()
        page.get_by_role("heading", name="CSVの取り込み: 質問ごとに列を選ぶ").wait_for()
        smartphone = page.get_by_label("問1 スマートフォンを使っていますか。（smartphone）")
        assert smartphone.input_value() == "スマートフォンを使っていますか。"
        page.get_by_label("問2 行政の手続きで困ったことは何ですか。（trouble）").select_option(
            label="「困ったこと」で始まる列（選択肢ごとの列）"
        )
        page.get_by_label("問4 市に住んで何年ですか。（years）").select_option("住んで何年")
        page.get_by_label("意見の列").select_option("ご意見")
        page.screenshot(path=str(ARTIFACTS / "questionnaire-import-columns.png"), full_page=True)
        page.get_by_role("button", name="取り込む").click()
        # a job imports the file (a process of its own here); without JavaScript the planner
        # follows 状況を更新する until the report is there
        page.get_by_role("heading", name="CSVの取り込み").wait_for()
        for _ in range(120):
            if page.locator(".import-report").count():
                break
            assert "取り込めませんでした" not in page.content()
            page.wait_for_timeout(500)
            page.get_by_role("link", name="状況を更新する").click()
        report = page.locator(".import-report").inner_text()
        page.screenshot(path=str(ARTIFACTS / "questionnaire-import-report.png"), full_page=True)
        assert "取り込み 2件" in report
        assert "3行目: 質問「smartphone」の「たまに」" in report


def test_the_column_step_passes_axe(browser, live_app, survey_id, tmp_path):
    _, base = live_app
    export = tmp_path / "line-survey.csv"
    export.write_bytes("回答ID,スマートフォンを使っていますか。\r\nA-1,たまに\r\n".encode())
    with opened_page(browser, "questionnaire-import-axe") as page:
        log_in_as(page, base, "planner@example.jp", "demo-planner-2026")
        page.goto(f"{base}/staff/consultations/{survey_id}/import")
        page.get_by_label("CSVファイル").set_input_files(str(export))
        page.get_by_role("button", name="取り込む").click()
        page.get_by_role("heading", name="CSVの取り込み: 質問ごとに列を選ぶ").wait_for()
        assert_accessible(page)
        # nothing chosen: the message is by the field, and the page still passes axe
        page.get_by_label("問1 スマートフォンを使っていますか。（smartphone）").select_option("")
        page.get_by_role("button", name="取り込む").click()
        page.locator(".error-summary").wait_for()
        assert "意見の列か、質問の列を1つ以上選んでください。" in page.content()
        assert_accessible(page)
