"""Real headless Chromium: a resident answers a questionnaire on a 360 px phone, with and
without JavaScript, and axe finds nothing on the form, the confirmation page or the receipt."""

from __future__ import annotations

import pytest

from tests.browser_support import ARTIFACTS, assert_accessible, opened_page
from tests.test_questionnaires import open_survey

pytestmark = pytest.mark.browser
pytest_plugins = ["tests.browser_support"]

SLUG = "dx-survey-browser"
PHONE = {"viewport": {"width": 360, "height": 740}}


@pytest.fixture(scope="module")
def survey_url(live_app) -> str:
    app, base = live_app
    with app.app_context():
        open_survey(
            SLUG,
            "デジタル化についてのアンケート",
            "QBT",
            summary="市の手続きのデジタル化について、皆さんのご意見をお聞きします。",
            districts=("中央地区", "北山地区"),
        )
    return f"{base}/consultations/{SLUG}"


def answer_first_step(page, *, phone: str) -> None:
    page.get_by_role("radio", name=phone).check()
    page.get_by_role("checkbox", name="窓口の待ち時間").check()
    page.get_by_role("radio", name="4", exact=True).check()
    page.get_by_label("問4　市に住んで何年ですか。（任意）").fill("12")


def test_a_resident_answers_on_a_phone_with_javascript(browser, survey_url):
    with opened_page(browser, "questionnaire-phone-js", **PHONE) as page:
        page.goto(survey_url)
        why_not = page.locator("#question-why_not")
        assert why_not.is_hidden()
        assert_accessible(page)
        answer_first_step(page, phone="使っていない")
        # the conditional question appears as soon as the choice is made
        why_not.wait_for(state="visible")
        page.get_by_label("問5　スマートフォンを使わない理由を教えてください。（任意）").fill(
            "使い方を聞ける人が近くにいないからです。"
        )
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        page.screenshot(path=str(ARTIFACTS / "questionnaire-phone-form.png"), full_page=True)
        page.get_by_role("button", name="確認画面へ進む").click()
        page.get_by_role("heading", name="送信内容の確認").wait_for()
        assert "使い方を聞ける人が近くにいないからです。" in page.content()
        assert_accessible(page)
        page.get_by_role("button", name="この内容で送信する").click()
        page.get_by_role("heading", name="ご意見を受け付けました").wait_for()
        assert "窓口の待ち時間" in page.locator(".confirm-list").inner_text()
        assert_accessible(page)


def test_changing_the_choice_hides_the_question_again(browser, survey_url):
    with opened_page(browser, "questionnaire-hide-again", **PHONE) as page:
        page.goto(survey_url)
        page.get_by_role("radio", name="使っていない").check()
        page.locator("#question-why_not").wait_for(state="visible")
        page.get_by_role("radio", name="毎日使っている").check()
        page.locator("#question-why_not").wait_for(state="hidden")
        assert page.locator("input[name=asked]").input_value().split() == [
            "smartphone",
            "trouble",
            "satisfaction",
            "years",
            "idea",
        ]


def test_without_javascript_the_question_comes_as_a_next_step(browser, survey_url):
    with opened_page(browser, "questionnaire-no-js", java_script_enabled=False, **PHONE) as page:
        page.goto(survey_url)
        assert page.locator("#question-why_not").is_hidden()
        answer_first_step(page, phone="使っていない")
        page.get_by_role("button", name="確認画面へ進む").click()
        # the same form again, with the question the answer called for
        page.locator("#more-questions").wait_for()
        question = page.get_by_label("問5　スマートフォンを使わない理由を教えてください。（任意）")
        assert question.is_visible()
        assert page.get_by_role("radio", name="使っていない").is_checked()
        question.fill("文字が小さくて読めません。")
        page.get_by_role("button", name="確認画面へ進む").click()
        page.get_by_role("heading", name="送信内容の確認").wait_for()
        page.get_by_role("button", name="この内容で送信する").click()
        page.get_by_role("heading", name="ご意見を受け付けました").wait_for()
        assert "文字が小さくて読めません。" in page.content()


def test_a_required_question_left_empty_is_linked_from_the_summary(browser, survey_url):
    with opened_page(browser, "questionnaire-error", **PHONE) as page:
        page.goto(survey_url)
        page.get_by_role("button", name="確認画面へ進む").click()
        page.get_by_role("heading", name="入力内容をご確認ください").wait_for()
        link = page.get_by_role(
            "link", name="問1　スマートフォンを使っていますか。（必須）", exact=False
        )
        assert "この質問は回答が必要です。" in link.inner_text()
        link.click()
        focused = page.evaluate("document.activeElement.name")
        assert focused == "q_smartphone"
        assert_accessible(page)
