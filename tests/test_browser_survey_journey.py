"""Real headless Chromium, the questionnaire from end to end, as people do it: a planner
builds two questions on the staff pages, a resident answers on a 360 px phone, a paper
answer is typed in, a LINE export is uploaded, and the results page counts all four."""

from __future__ import annotations

import pytest

from tests.browser_support import ARTIFACTS, assert_accessible, log_in_as, opened_page

pytestmark = pytest.mark.browser
pytest_plugins = ["tests.browser_support"]

SLUG = "dx-plan-2026"  # the demo's open 素案 round: no questions yet
LINE_EXPORT = "回答ID,スマホ,困りごと\nL-1,毎日使っている,窓口の待ち時間、開庁時間\n"


def add_question(page, base: str, kind: str, text: str, options: str, *, other=False) -> None:
    page.get_by_label("追加する質問の種類").select_option(label=kind)
    page.get_by_role("button", name="質問を追加する").click()
    page.get_by_label("質問文").fill(text)
    page.get_by_label("選択肢（1行に1つ）").fill(options)
    if other:
        page.get_by_label("「その他」と記入欄を付ける（複数選択のとき）").check()
    page.get_by_role("button", name="追加する", exact=True).click()
    page.get_by_role("heading", name="アンケートの設問").wait_for()


def test_build_answer_enter_import_and_count(live_app, browser, tmp_path):
    _, base = live_app
    with opened_page(browser, "survey-journey-planner") as staff:
        log_in_as(staff, base, "planner@example.jp", "demo-planner-2026")
        staff.get_by_role("link", name="みどり市DX推進計画（素案）への意見募集").click()
        staff.get_by_role("link", name="アンケートの設問").click()
        add_question(staff, base, "単一選択", "スマホを使っていますか",
                     "毎日使っている\nときどき使う\n使っていない")  # fmt: skip
        add_question(staff, base, "複数選択", "手続きで困ったことは", "窓口の待ち時間\n開庁時間",
                     other=True)  # fmt: skip
        assert_accessible(staff)

        # a resident answers on a phone
        with opened_page(
            browser, "survey-journey-phone", viewport={"width": 360, "height": 740}
        ) as phone:
            phone.goto(f"{base}/consultations/{SLUG}")
            phone.get_by_role("radio", name="使っていない").check()
            phone.get_by_role("checkbox", name="その他").check()
            phone.get_by_label("問2の「その他」の内容").fill("役所が遠い")
            phone.get_by_role("button", name="確認画面へ進む").click()
            phone.get_by_role("heading", name="送信内容の確認").wait_for()
            assert "その他（役所が遠い）" in phone.content()
            phone.get_by_role("button", name="この内容で送信する").click()
            phone.get_by_role("heading", name="ご意見を受け付けました").wait_for()
            assert phone.evaluate("document.documentElement.scrollWidth") <= 360

        # a paper answer, typed in by staff with the same questions
        staff.get_by_role("link", name="代理入力").click()
        staff.get_by_label("受付の経路").select_option(label="紙（郵送・持参）")
        staff.get_by_role("radio", name="毎日使っている").check()
        staff.get_by_role("checkbox", name="窓口の待ち時間").check()
        staff.get_by_label("そのほか、ご意見があればお書きください（任意）").fill(
            "紙の申請書も残してください。"
        )
        staff.get_by_role("button", name="登録する").click()
        staff.get_by_text("意見を登録しました").wait_for()

        # a LINE export, mapped to the questions on the import page
        export = tmp_path / "line.csv"
        export.write_text(LINE_EXPORT, encoding="utf-8-sig")
        staff.get_by_role("link", name="CSV取り込み").click()
        staff.get_by_label("CSVファイル").set_input_files(str(export))
        staff.get_by_label("ID の列名（任意・二重取り込みを防ぎます）").fill("回答ID")
        staff.get_by_text("この意見募集の質問の key").click()  # opens the list of keys
        keys = staff.locator("details code").all_inner_texts()
        staff.get_by_label("アンケートの質問の列（任意・1行に1つ「質問のkey=列名」）").fill(
            f"{keys[0]}=スマホ\n{keys[1]}=困りごと"
        )
        staff.get_by_role("button", name="取り込む").click()
        staff.get_by_text("取り込み 1件").first.wait_for()

        # three answers counted, one of each channel
        staff.get_by_role("link", name="アンケート集計").click()
        staff.get_by_role("heading", name="アンケートの集計").wait_for()
        tables = staff.locator("table").all_inner_texts()
        phone_table = next(t for t in tables if "使っていない" in t)
        assert "回答者数\t3" in phone_table.replace(",", "")
        trouble_table = next(t for t in tables if "開庁時間" in t)
        assert "窓口の待ち時間\t2" in trouble_table
        assert_accessible(staff)
        staff.screenshot(path=str(ARTIFACTS / "survey-journey-results.png"), full_page=True)
