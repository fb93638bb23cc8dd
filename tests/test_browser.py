"""Real headless Chromium: the journeys that matter, as a person does them, with an axe check."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.browser_support import ARTIFACTS, assert_accessible, log_in_as
from workshop.extensions import db

pytestmark = pytest.mark.browser
# the fixtures live_app, browser and page, shared with tests/test_browser_access.py
pytest_plugins = ["tests.browser_support"]


def submit_comment(page, base: str, check: bool = True) -> str:
    page.goto(f"{base}/consultations/dx-plan-2026")
    assert_accessible(page, check)
    page.get_by_label("ご意見", exact=True).fill(
        "市役所の電子申請は字が小さくて読めません。大きな文字の画面も作ってください。"
    )
    page.get_by_label("年代（任意）").select_option(label="70代")
    page.get_by_label("お住まいの地区（任意）").select_option(label="北山地区")
    page.get_by_label("市内に住んでいる（在住）").check()
    page.get_by_role("button", name="確認画面へ進む").click()
    page.get_by_role("heading", name="送信内容の確認").wait_for()
    assert_accessible(page, check)
    page.get_by_role("button", name="この内容で送信する").click()
    page.get_by_role("heading", name="ご意見を受け付けました").wait_for()
    assert_accessible(page, check)
    return page.locator(".receipt-no").inner_text()


def test_resident_submits_a_comment_and_gets_a_receipt(live_app, page):
    _, base = live_app
    page.goto(base + "/")
    assert_accessible(page)
    page.get_by_role("link", name="みどり市DX推進計画（素案）への意見募集").click()
    receipt = submit_comment(page, base)
    assert re.fullmatch(r"DX-\d{4}-\d{6}", receipt)


@pytest.mark.no_javascript
def test_resident_journey_works_without_javascript(live_app, page):
    _, base = live_app
    receipt = submit_comment(page, base, check=False)
    assert re.fullmatch(r"DX-\d{4}-\d{6}", receipt)


def test_errors_are_announced_and_linked_to_fields(live_app, page):
    _, base = live_app
    page.goto(f"{base}/consultations/dx-plan-2026")
    page.get_by_role("button", name="確認画面へ進む").click()
    page.get_by_role("heading", name="入力内容をご確認ください").wait_for()
    body = page.get_by_label("ご意見", exact=True)
    assert body.get_attribute("aria-invalid") == "true"
    described = body.get_attribute("aria-describedby") or ""
    assert "body-error" in described
    assert "ご意見を入力してください" in page.locator("#body-error").inner_text()
    assert_accessible(page)


def test_phone_width_has_no_horizontal_scroll(live_app, browser):
    _, base = live_app
    context = browser.new_context(locale="ja-JP", viewport={"width": 360, "height": 740})
    phone = context.new_page()
    phone.goto(f"{base}/consultations/dx-plan-2026")
    width = phone.evaluate("document.documentElement.scrollWidth")
    ARTIFACTS.mkdir(exist_ok=True)
    phone.screenshot(path=str(ARTIFACTS / "phone-consultation.png"), full_page=False)
    context.close()
    assert width <= 360


def test_planner_enters_paper_comment_imports_and_exports(live_app, page, tmp_path):
    _, base = live_app
    page.goto(f"{base}/staff/login")
    assert_accessible(page)
    page.get_by_label("メールアドレス", exact=True).fill("planner@example.jp")
    page.get_by_label("パスワード", exact=True).fill("demo-planner-2026")
    page.get_by_role("button", name="ログイン").click()
    page.get_by_role("heading", name="職員メニュー").wait_for()
    assert_accessible(page)
    page.get_by_role("link", name="みどり市DX推進計画（素案）への意見募集").click()
    page.get_by_role("link", name="代理入力").click()
    page.get_by_label("受付の経路").select_option(label="紙（郵送・持参）")
    page.get_by_label("ご意見", exact=True).fill(
        "孫に頼まないとスマホで申請できません。窓口は残してください。"
    )
    page.get_by_role("button", name="登録する").click()
    assert "受付番号は DX-" in page.locator(".flash-success").inner_text()
    assert_accessible(page)

    csv_file = tmp_path / "line.csv"
    csv_file.write_bytes("回答ID,ご意見\r\nX1,バスの予約をLINEでしたい\r\n".encode("cp932"))
    page.get_by_role("link", name="CSV取り込み").click()
    page.get_by_label("CSVファイル").set_input_files(str(csv_file))
    page.get_by_label("意見の列名").fill("ご意見")
    page.get_by_label("ID の列名（任意・二重取り込みを防ぎます）").fill("回答ID")
    page.get_by_role("button", name="取り込む").click()
    assert "取り込み 1件" in page.locator(".import-report").inner_text()
    assert_accessible(page)

    page.get_by_role("link", name="意見の一覧").click()
    assert_accessible(page)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="すべてをCSVで書き出す").click()
    exported = Path(download_info.value.path()).read_bytes().decode("utf-8-sig")
    assert "バスの予約をLINEでしたい" in exported
    assert "孫に頼まないとスマホで申請できません" in exported


def test_resident_pages_load_under_the_csp_without_violations(live_app, page):
    _, base = live_app
    messages: list[str] = []
    page.on("console", lambda message: messages.append(f"{message.type}: {message.text}"))
    page.on("pageerror", lambda error: messages.append(f"pageerror: {error}"))
    for path in ("/", "/consultations/dx-plan-2026", "/workshops/"):
        response = page.goto(base + path)
        assert response is not None and response.ok
        assert "script-src 'self'" in response.headers["content-security-policy"]
    page.locator("a[href^='/workshops/']").last.click()
    page.wait_for_url(re.compile(r".*/workshops/\d+$"))
    violations = [m for m in messages if "Content Security Policy" in m or "Refused" in m]
    assert not violations, violations


def test_planner_analyses_the_closed_round_and_publishes_results(live_app, page):
    _, base = live_app
    page.goto(f"{base}/staff/login")
    page.get_by_label("メールアドレス", exact=True).fill("planner@example.jp")
    page.get_by_label("パスワード", exact=True).fill("demo-planner-2026")
    page.get_by_role("button", name="ログイン").click()
    page.get_by_role("link", name="みどり市DX推進計画（骨子案）への意見募集").click()
    page.get_by_role("link", name="テーマ分析").click()
    assert_accessible(page)
    page.get_by_role("button", name="分析する").click()
    # the job runs in a process of its own; the page follows it and opens the themes when done
    page.get_by_role("heading", name=re.compile(r"大きなテーマ（\d+）")).wait_for(timeout=120_000)
    assert_accessible(page)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "themes-overview.png"), full_page=True)
    # the overview opens on the large themes, each listing its themes; a theme opens as before
    first = page.locator("section.large-theme").first
    name = first.locator(".theme-name a").first.inner_text()
    first.get_by_role("link", name=name, exact=True).click()
    page.get_by_role("heading", name="意見の要約").wait_for()
    page.go_back()

    page.get_by_role("link", name="公表", exact=True).click()
    page.get_by_role("heading", name="結果の公表（意見の概要と市の考え方）").wait_for()
    assert_accessible(page)
    forms = page.locator("form", has=page.get_by_role("button", name="このテーマを保存する"))
    for index in range(forms.count()):
        form = page.locator(
            "form", has=page.get_by_role("button", name="このテーマを保存する")
        ).nth(index)
        form.get_by_label("意見の概要").fill(
            "スマホの使い方を身近な場所で教えてほしいというご意見をいただきました。"
        )
        form.get_by_label("市の考え方").fill(
            "地区センターでのスマホ教室を増やし、相談窓口も残します。"
        )
        form.get_by_role("button", name="このテーマを保存する").click()
        page.get_by_role("heading", name="結果の公表（意見の概要と市の考え方）").wait_for()
    page.get_by_role("button", name="この分析で公表する").click()
    page.get_by_role("heading", name="結果の公表（意見の概要と市の考え方）").wait_for()

    page.goto(f"{base}/consultations/dx-outline-2026/results")
    assert "地区センターでのスマホ教室を増やし" in page.content()
    assert_accessible(page)


def test_workshop_pages_pass_axe(live_app, page):
    app, base = live_app
    from workshop.models import Workshop

    with app.app_context():
        workshop_id = db.session.scalars(db.select(Workshop.id)).first()
    for path in ("/workshops/", f"/workshops/{workshop_id}"):
        page.goto(base + path)
        assert_accessible(page)
    log_in_as(page, base, "facilitator@example.jp", "demo-facilitator-2026")
    for path in (
        "/staff/workshops/",
        "/staff/workshops/new",
        f"/staff/workshops/{workshop_id}",
        f"/staff/workshops/{workshop_id}/edit",
        f"/staff/workshops/{workshop_id}/registrations/new",
        f"/staff/workshops/{workshop_id}/check-in",
        f"/staff/workshops/{workshop_id}/opinions",
    ):
        page.goto(base + path)
        assert_accessible(page)


def test_planner_and_admin_pages_pass_axe(live_app, page):
    app, base = live_app
    from workshop.models import Analysis, Consultation

    log_in_as(page, base, "admin@example.jp", "demo-admin-2026")
    page.goto(base + "/staff/audit")
    assert_accessible(page)
    with app.app_context():
        consultation_id = db.session.scalars(
            db.select(Consultation.id).where(Consultation.slug == "dx-outline-2026")
        ).one()
        analysis = db.session.scalars(
            db.select(Analysis).where(Analysis.consultation_id == consultation_id)
        ).first()
        if analysis is None:  # this test alone: analyse here, as the journey test does by hand
            from workshop.themes import services as themes

            job = themes.start_analysis(consultation_id, how="inline")
            analysis = db.session.get(Analysis, job.result_id)
        theme_id, analysis_id = analysis.themes[0].id, analysis.id
    root = f"/staff/consultations/{consultation_id}/themes/analyses/{analysis_id}"
    paths = [
        f"/staff/consultations/{consultation_id}",
        f"/staff/consultations/{consultation_id}/edit",
        "/staff/consultations/new",
        f"{root}/themes/{theme_id}",
        f"{root}/breakdown?attribute=age_group",
        f"{root}/compare?a=age_group:60s&a=age_group:70s&a=age_group:80_plus",
        f"{root}/duplicates",
    ]
    for path in paths:
        page.goto(base + path)
        assert_accessible(page)
