"""Real Chromium, as residents who do not use a mouse or who enlarge the page use the site."""

from __future__ import annotations

import email
import re
import time
from collections.abc import Callable
from email import policy
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from tests.browser_support import ARTIFACTS, assert_accessible, log_in_as, opened_page, sync_api
from workshop.demo import DEMO_WORKSHOP_TITLE
from workshop.extensions import db
from workshop.models import Comment, Registration

pytestmark = pytest.mark.browser
# the fixtures live_app, browser and page, shared with tests/test_browser.py
pytest_plugins = ["tests.browser_support"]

CONSULTATION = "/consultations/dx-plan-2026"
COMMENT = "役所の手続きをスマホでするとき、文字が小さくて読めません。文字を大きくできる画面にしてください。"

# Where focus is, how its indicator is drawn and what lies around it. The background is read
# just outside the outline, where the indicator meets the page (outlines are not hit-tested).
FOCUSED = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const rect = el.getBoundingClientRect();
  const ring = (parseFloat(style.outlineOffset) || 0) + (parseFloat(style.outlineWidth) || 0) + 1;
  let x = rect.left - ring, y = rect.top + rect.height / 2;
  if (x < 0) { x = rect.left + rect.width / 2; y = rect.top - ring; }
  if (y < 0) { y = rect.bottom + ring; }
  let background = 'rgb(255, 255, 255)';
  for (const node of document.elementsFromPoint(x, y)) {
    if (node === el || el.contains(node)) continue;
    const color = getComputedStyle(node).backgroundColor;
    if (color !== 'rgba(0, 0, 0, 0)' && color !== 'transparent') { background = color; break; }
  }
  // a region taller than the window (a long table that scrolls sideways) cannot fit in it:
  // it must show, and be uncovered, where it crosses the window
  const tall = rect.height > innerHeight;
  const middle = tall
    ? (Math.max(rect.top, 0) + Math.min(rect.bottom, innerHeight)) / 2
    : rect.top + rect.height / 2;
  const top = document.elementFromPoint(rect.left + rect.width / 2, middle);
  return {
    tag: el.tagName.toLowerCase(),
    id: el.id,
    className: typeof el.className === 'string' ? el.className : '',
    type: el.getAttribute('type') || '',
    text: (el.innerText || el.value || '').trim().slice(0, 60),
    label: el.labels && el.labels.length ? el.labels[0].innerText.trim() : '',
    inMain: !!el.closest('main'),
    checked: !!el.checked,
    outlineStyle: style.outlineStyle,
    outlineWidth: parseFloat(style.outlineWidth) || 0,
    outlineColor: style.outlineColor,
    boxShadow: style.boxShadow,
    background,
    inViewport: rect.left >= 0 && rect.right <= innerWidth && (tall
      ? rect.top < innerHeight && rect.bottom > 0
      : rect.top >= 0 && rect.bottom <= innerHeight),
    unobscured: !!top && (top === el || el.contains(top) || top.contains(el)),
  };
}"""

# Sideways scrolling, and text that sticks out of the page or is cut off by overflow: hidden.
LAYOUT_PROBLEMS = """() => {
  const problems = [];
  const root = document.documentElement;
  if (root.scrollWidth > root.clientWidth) {
    problems.push(`横スクロール: ${root.scrollWidth} > ${root.clientWidth}`);
  }
  const describe = (el) => `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}`
    + `${el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : ''}`
    + ` 「${(el.innerText || '').trim().slice(0, 30)}」`;
  for (const el of document.body.querySelectorAll('*')) {
    const style = getComputedStyle(el);
    if (style.display === 'none' || style.visibility === 'hidden') continue;
    const rect = el.getBoundingClientRect();
    // the visually-hidden pattern and the skip link parked off the page until it has focus
    if (rect.width <= 1 || rect.height <= 1 || rect.right <= 0) continue;
    const ownText = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    if (ownText && rect.right > root.clientWidth + 1) {
      problems.push(`はみ出し: ${describe(el)} 右端 ${Math.round(rect.right)}px`);
    }
    const clips = /hidden|clip/.test(style.overflowX + ' ' + style.overflowY);
    const cut = el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1;
    if (clips && cut && (el.innerText || '').trim()) {
      problems.push(`切れた文字: ${describe(el)}`);
    }
    if (ownText && style.textOverflow === 'ellipsis' && el.scrollWidth > el.clientWidth) {
      problems.push(`省略された文字: ${describe(el)}`);
    }
  }
  return problems;
}"""


def luminance(color: str) -> float:
    channels = [int(v) / 255 for v in re.findall(r"\d+(?:\.\d+)?", color)[:3]]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(one: str, other: str) -> float:
    light, dark = sorted((luminance(one), luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def indicator_colors(state: dict[str, Any]) -> list[str]:
    colors = []
    if state["outlineStyle"] != "none" and state["outlineWidth"] > 0:
        colors.append(state["outlineColor"])
    if state["boxShadow"] != "none":
        colors += re.findall(r"rgba?\([^)]*\)", state["boxShadow"])
    return colors


def describe(state: dict[str, Any]) -> str:
    return f"<{state['tag']} id={state['id']!r}> {state['label'] or state['text']!r}"


def assert_focus_visible(state: dict[str, Any]) -> None:
    where = describe(state)
    assert state["tag"] != "body", "Tab でフォーカスがページから外れた"
    colors = indicator_colors(state)
    assert colors, f"{where}: フォーカスの枠（outline か box-shadow）がない"
    # WCAG 1.4.11: the indicator needs 3:1 against what surrounds it
    best = max(contrast(color, state["background"]) for color in colors)
    assert best >= 3, (
        f"{where}: フォーカスの枠 {colors} と背景 {state['background']} の差が {best:.2f}:1"
    )
    assert state["inViewport"], f"{where}: フォーカスのある部品が画面の外にある"
    assert state["unobscured"], f"{where}: フォーカスのある部品がほかの要素に隠れている"


def press_tab(page: Any) -> dict[str, Any]:
    page.keyboard.press("Tab")
    state: dict[str, Any] = page.evaluate(FOCUSED)
    assert_focus_visible(state)
    return state


def tab_until(
    page: Any, wanted: Callable[[dict[str, Any]], bool], limit: int = 40
) -> dict[str, Any]:
    """Tab forward, checking every stop on the way, until the wanted element has focus."""
    visited = []
    for _ in range(limit):
        state = press_tab(page)
        if wanted(state):
            return state
        visited.append(describe(state))
    raise AssertionError(f"Tab で目的の部品に届かない。通った順: {visited}")


def arrow_to(page: Any, select_id: str, label: str) -> None:
    """A closed select answers the arrow keys: step down until the option shows."""
    for _ in range(20):
        shown = page.evaluate(
            "(id) => { const s = document.getElementById(id); return s.options[s.selectedIndex].text; }",
            select_id,
        )
        if shown == label:
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"{select_id}: 矢印キーで「{label}」を選べない")


def focus_is(page: Any, selector: str) -> bool:
    """Whether focus is on `selector`, waiting a little: autofocus and a followed in-page link
    move focus after the load event or keypress Playwright waits for, in a later task."""
    try:
        sync_api.expect(page.locator(selector)).to_be_focused(timeout=5000)
    except AssertionError:
        return False
    return True


def test_resident_sends_a_comment_with_the_keyboard_only(live_app, page):
    _, base = live_app
    page.goto(base + CONSULTATION)

    skip = press_tab(page)
    assert "skip-link" in skip["className"] and skip["text"] == "本文へ移動"
    page.screenshot(path=str(screenshots("keyboard") / "skip-link-focused.png"))
    page.keyboard.press("Enter")
    assert focus_is(page, "main#main"), "「本文へ移動」で本文にフォーカスが移らない"
    first = press_tab(page)
    assert first["inMain"], "本文へ移動したのに、次の Tab がヘッダーのメニューに戻った"

    body = tab_until(page, lambda s: s["id"] == "body")
    assert body["label"] == "ご意見"
    page.keyboard.type(COMMENT)

    section = press_tab(page)
    assert section["id"] == "section_id"
    page.keyboard.press("ArrowDown")
    chosen_section = page.evaluate("document.activeElement.selectedOptions[0].text")
    assert chosen_section.startswith("第1章")

    assert press_tab(page)["id"] == "age_group"
    arrow_to(page, "age_group", "70代")
    assert press_tab(page)["id"] == "district"
    arrow_to(page, "district", "北山地区")

    relation = press_tab(page)
    assert relation["type"] == "radio" and relation["label"] == "市内に住んでいる（在住）"
    page.keyboard.press("Space")
    assert page.evaluate("document.activeElement.checked")
    # a radio group is one stop: the next Tab leaves it for the name
    assert press_tab(page)["id"] == "name"
    page.keyboard.type("北山 はな")
    assert press_tab(page)["id"] == "email"
    page.keyboard.type("hana.kitayama@example.jp")
    submit = press_tab(page)
    assert submit["tag"] == "button" and submit["text"] == "確認画面へ進む"
    page.screenshot(path=str(screenshots("keyboard") / "submit-focused.png"))
    page.keyboard.press("Enter")

    page.get_by_role("heading", name="送信内容の確認").wait_for()
    confirm = page.locator(".confirm-list").inner_text()
    for shown in (
        COMMENT,
        chosen_section,
        "70代",
        "北山地区",
        "市内に住んでいる（在住）",
        "北山 はな",
    ):
        assert shown in confirm
    assert "skip-link" in press_tab(page)["className"]
    tab_until(page, lambda s: s["text"] == "この内容で送信する")
    page.keyboard.press("Enter")

    page.get_by_role("heading", name="ご意見を受け付けました").wait_for()
    assert re.fullmatch(r"DX-\d{4}-\d{6}", page.locator(".receipt-no").inner_text())
    back = tab_until(page, lambda s: s["text"] == "意見募集のページに戻る")
    assert back["tag"] == "a"


def assert_reflows(page: Any, name: str, button: str | None = None) -> None:
    problems = page.evaluate(LAYOUT_PROBLEMS)
    assert not problems, f"{name}: {problems}"
    if button:
        target = page.get_by_role("button", name=button)
        target.scroll_into_view_if_needed()
        assert target.is_visible()
        box = target.bounding_box()
        width, height = page.evaluate("[innerWidth, innerHeight]")
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, (
            f"{name}: 「{button}」が横に切れる"
        )
        assert box["y"] >= 0 and box["y"] + box["height"] <= height, (
            f"{name}: 「{button}」が縦に切れる"
        )


def walk_resident_pages(page: Any, base: str, check: Callable[..., None], tag: str) -> None:
    """Home, a consultation to its receipt, the workshops to a sign-up's status page."""
    page.goto(base + "/")
    check("home", "トップ")
    page.goto(base + CONSULTATION)
    check("consultation", "意見募集", "確認画面へ進む")
    page.get_by_label("ご意見", exact=True).fill(COMMENT)
    page.get_by_label("年代（任意）").select_option(label="80代以上")
    page.get_by_label("市内で働いている（在勤）").check()
    page.get_by_role("button", name="確認画面へ進む").click()
    page.get_by_role("heading", name="送信内容の確認").wait_for()
    check("confirm", "確認画面", "この内容で送信する")
    page.get_by_role("button", name="この内容で送信する").click()
    page.get_by_role("heading", name="ご意見を受け付けました").wait_for()
    check("receipt", "受付番号")

    page.goto(base + "/workshops/")
    check("workshops", "ワークショップの一覧")
    page.get_by_role("link", name=DEMO_WORKSHOP_TITLE).click()
    check("workshop", "ワークショップ", "申し込む")
    page.get_by_role("button", name="申し込む").click()
    page.get_by_role("heading", name="入力内容をご確認ください").wait_for()
    check("signup-errors", "申込フォームの誤り", "申し込む")
    page.get_by_label("お名前", exact=True).fill("南浜 さくら")
    page.get_by_label("メールアドレス", exact=True).fill(f"sakura.{tag}@example.jp")
    page.get_by_label("会場", exact=True).check()
    page.get_by_role("button", name="申し込む").click()
    page.locator(".receipt-no").wait_for()
    check("registration", "申込の確認", "変更を保存する")


def check_pages(
    page: Any, base: str, tag: str, text_size: Callable[[], None] | None = None
) -> None:
    def check(slug: str, name: str, button: str | None = None) -> None:
        if text_size:
            assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") >= 32
        assert_reflows(page, f"{tag} {name}", button)
        # a full-page screenshot puts the browser's font sizes back to default: the visible part
        # (after the button was scrolled to) shows the doubled text as a resident sees it
        page.screenshot(path=str(screenshots(tag) / f"{slug}.png"), full_page=text_size is None)

    walk_resident_pages(page, base, check, tag)


def screenshots(tag: str) -> Path:
    folder = ARTIFACTS / tag
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.mark.parametrize(
    ("tag", "viewport", "scale"),
    [
        # a 1280x800 window zoomed to 200%: 640 CSS px across, each drawn with 2 device pixels
        ("zoom200", {"width": 640, "height": 400}, 2),
        # WCAG 1.4.10: 1280 px at 400%, content must reflow into 320 CSS px without sideways scroll
        ("reflow320", {"width": 320, "height": 256}, 1),
    ],
)
def test_resident_pages_reflow_when_zoomed(live_app, browser, tag, viewport, scale):
    _, base = live_app
    with opened_page(
        browser, f"test_reflow_{tag}", viewport=viewport, device_scale_factor=scale
    ) as page:
        page.goto(base + "/")
        assert page.evaluate("[innerWidth, devicePixelRatio]") == [viewport["width"], scale]
        check_pages(page, base, tag)


def test_resident_pages_work_with_the_browser_text_size_doubled(live_app, browser):
    _, base = live_app
    with opened_page(
        browser, "test_text200", full_page=False, viewport={"width": 1280, "height": 800}
    ) as page:
        # the browser's own text-size setting (default 16px -> 32px), not a stylesheet of ours:
        # no inline style to inject, so the site's CSP stays on
        cdp = page.context.new_cdp_session(page)

        def double_text_size() -> None:
            cdp.send("Page.setFontSizes", {"fontSizes": {"standard": 32, "fixed": 26}})

        double_text_size()
        check_pages(page, base, "text200", double_text_size)


def outbox_link(app: Any, address: str, pattern: str) -> str:
    """The link in the newest e-mail to this address (sent by the request: wait a moment)."""
    outbox = Path(app.config["MAIL_OUTBOX"])
    for _ in range(50):
        for path in sorted(outbox.glob("*.eml"), key=lambda p: p.stat().st_mtime, reverse=True):
            message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
            if message["To"] != address:
                continue
            text = message.get_body(preferencelist=("plain",)).get_content()
            found = re.search(pattern, text)
            assert found, text
            return found.group(1)
        time.sleep(0.1)
    raise AssertionError(f"{address} へのメールが届いていない")


def sign_up(page: Any, base: str, name: str, address: str) -> str:
    page.goto(base + "/workshops/")
    page.get_by_role("link", name=DEMO_WORKSHOP_TITLE).click()
    page.get_by_label("お名前", exact=True).fill(name)
    page.get_by_label("メールアドレス", exact=True).fill(address)
    page.get_by_label("会場", exact=True).check()
    page.get_by_label("車椅子").check()
    page.get_by_role("button", name="申し込む").click()
    status = page.locator(".receipt-no").inner_text()
    assert status == "申込完了" or status.startswith("キャンセル待ち"), status
    return status


@pytest.mark.parametrize("javascript", [True, pytest.param(False, marks=pytest.mark.no_javascript)])
@pytest.mark.parametrize("form", ["comment", "sign-up"])
def test_a_form_sent_with_a_mistake_opens_at_its_messages(live_app, page, javascript, form):
    """On a phone the form sits below the plan's text or the programme: an answer shown from
    the top of the page would leave the resident thinking nothing happened."""
    _, base = live_app
    page.set_viewport_size({"width": 390, "height": 844})
    if form == "comment":
        page.goto(base + CONSULTATION)
        page.locator("#body").fill(COMMENT)
        page.locator("#email").fill("hana@@example.jp")
        page.get_by_role("button", name="確認画面へ進む").click()
    else:
        page.goto(base + "/workshops/")
        page.get_by_role("link", name=DEMO_WORKSHOP_TITLE).click()
        page.get_by_label("お名前", exact=True).fill("港 さくら")
        page.get_by_role("button", name="申し込む").click()
    summary = page.locator(".error-summary")
    sync_api.expect(summary).to_contain_text("入力内容をご確認ください")
    sync_api.expect(summary).to_be_in_viewport()
    assert page.evaluate("scrollY") > 0, "答えのページが先頭から表示され、メッセージが画面の外"


@pytest.mark.parametrize("javascript", [True, pytest.param(False, marks=pytest.mark.no_javascript)])
def test_resident_signs_up_and_opens_the_link_from_the_email(live_app, page, javascript):
    app, base = live_app
    address = f"taro.{'js' if javascript else 'nojs'}@example.jp"
    status = sign_up(page, base, "中央 太郎", address)
    status_url = outbox_link(app, address, r"取り消しはこちら.*\n(\S+)")
    assert status_url.startswith(base + "/workshops/r/")

    page.goto(status_url)
    assert page.locator(".receipt-no").inner_text() == status
    assert "中央 太郎" in page.locator(".period").inner_text()
    assert page.get_by_label("お名前", exact=True).input_value() == "中央 太郎"
    assert_accessible(page, javascript)


@pytest.mark.parametrize("javascript", [True, pytest.param(False, marks=pytest.mark.no_javascript)])
def test_facilitator_checks_in_a_resident_by_their_code(live_app, page, javascript):
    app, base = live_app
    address = f"jiro.{'js' if javascript else 'nojs'}@example.jp"
    name = f"受付 次郎{'' if javascript else '（JSなし）'}"
    assert sign_up(page, base, name, address) == "申込完了"
    workshop_url = page.get_by_role("link", name=DEMO_WORKSHOP_TITLE).get_attribute("href")
    workshop_id = workshop_url.rsplit("/", 1)[-1]
    code = outbox_link(app, address, r"受付コード: (\S+)")

    log_in_as(page, base, "facilitator@example.jp", "demo-facilitator-2026")
    page.goto(f"{base}/staff/workshops/{workshop_id}/check-in")
    # the code field has autofocus: a USB scanner (a keyboard to the browser) can type at once
    assert focus_is(page, "#code")
    page.keyboard.type(code)
    page.keyboard.press("Enter")
    # Enter only starts the POST: wait for the answer's flash, not whatever is on the page now
    flash = page.locator(".flash-success")
    sync_api.expect(flash).to_contain_text(f"{name}さんを受付しました（会場）。")
    assert "車椅子" in flash.inner_text()
    assert_accessible(page, javascript)

    page.get_by_label("お名前またはふりがな").fill(name)
    page.get_by_role("button", name="探す").click()
    row = page.get_by_role("row", name=re.compile(re.escape(name)))
    assert re.search(r"受付済み（\d+時\d\d分）", row.inner_text())
    assert_accessible(page, javascript)


def log_in_with_the_keyboard(page: Any, address: str, password: str) -> None:
    """On /staff/login: Tab to each field, type, and send the form with Enter."""
    field = tab_until(page, lambda s: s["id"] == "email")
    assert field["label"] == "メールアドレス"
    page.keyboard.type(address)
    field = press_tab(page)
    assert field["id"] == "password" and field["label"] == "パスワード"
    page.keyboard.type(password)
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="職員メニュー").wait_for()


def follow_link(page: Any, text: str, heading: str) -> None:
    """Tab to a link by its text (every stop checked) and open it with Enter."""
    link = tab_until(page, lambda s: s["tag"] == "a" and s["text"] == text)
    assert link["tag"] == "a"
    page.keyboard.press("Enter")
    # Enter only starts the navigation: the next Tab must wait for the new page
    page.get_by_role("heading", name=heading, exact=True).wait_for()


def test_facilitator_checks_in_a_resident_with_the_keyboard_only(live_app, browser, page):
    app, base = live_app
    name = "鍵盤 三郎"
    address = "saburo.keyboard@example.jp"
    # the resident signs up beforehand, in a browser of their own
    with opened_page(browser, "test_keyboard_checkin_signup") as resident:
        assert sign_up(resident, base, name, address) == "申込完了"
    code = outbox_link(app, address, r"受付コード: (\S+)")

    page.goto(f"{base}/staff/login")
    log_in_with_the_keyboard(page, "facilitator@example.jp", "demo-facilitator-2026")
    follow_link(
        page, "ワークショップの一覧（名簿・当日の受付・当日の意見）", "ワークショップの運営"
    )
    follow_link(page, DEMO_WORKSHOP_TITLE, DEMO_WORKSHOP_TITLE)
    follow_link(page, "当日の受付", "当日の受付")

    # the code field has autofocus: the facilitator (or a USB scanner) types at once
    assert focus_is(page, "#code"), "受付コードの欄にフォーカスがない"
    assert_focus_visible(page.evaluate(FOCUSED))
    page.keyboard.type(code)
    page.keyboard.press("Enter")

    flash = page.locator(".flash-success")
    sync_api.expect(flash).to_contain_text(f"{name}さんを受付しました（会場）。")
    assert "車椅子" in flash.inner_text()
    # back on the check-in page, ready for the next person's code
    assert focus_is(page, "#code"), "受付のあと、受付コードの欄にフォーカスが戻らない"
    with app.app_context():
        registration = db.session.scalars(
            select(Registration).where(Registration.email == address)
        ).one()
        assert registration.checked_in_at is not None
    assert_accessible(page)


def test_planner_hides_a_comment_with_the_keyboard_only(live_app, page):
    app, base = live_app
    reason = "特定の個人を誹謗する内容を含むため、公表しません。"

    page.goto(f"{base}/staff/login")
    log_in_with_the_keyboard(page, "planner@example.jp", "demo-planner-2026")
    closed_round = "みどり市DX推進計画（骨子案）への意見募集"
    follow_link(page, closed_round, closed_round)
    follow_link(page, "意見の一覧", "意見の一覧")

    # only the comments still published: the 公表 filter with the arrow keys, sent with Enter
    tab_until(page, lambda s: s["id"] == "hidden")
    arrow_to(page, "hidden", "公表する意見")
    # past the received-on dates, each a stop of its own, to the form's button
    button = tab_until(page, lambda s: s["tag"] == "button")
    assert button["text"] == "絞り込む"
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"hidden=no"))
    page.get_by_role("heading", name="意見の一覧").wait_for()

    summary = tab_until(page, lambda s: s["tag"] == "summary")
    assert summary["text"] == "公表しない意見にする"
    item = page.evaluate("document.activeElement.closest('li').id")
    comment_id = int(item.removeprefix("comment-"))
    receipt_no = page.locator(f"#{item} .meta strong").inner_text()
    page.keyboard.press("Enter")  # opens the <details>
    sync_api.expect(page.locator(f"#{item} details")).to_have_attribute("open", "")
    field = press_tab(page)
    assert field["id"] == f"reason-{comment_id}"
    assert field["label"].startswith("公表しない理由")
    page.keyboard.type(reason)
    button = press_tab(page)
    assert button["tag"] == "button" and button["text"] == "公表しない"
    page.keyboard.press("Enter")

    sync_api.expect(page.locator(".flash-success")).to_have_text(
        f"{receipt_no} を公表しない意見にしました。"
    )
    sync_api.expect(page.locator(f"#{item} .hidden-note")).to_have_text(
        f"公表しない意見（理由: {reason}）"
    )
    with app.app_context():
        comment = db.session.get(Comment, comment_id)
        assert comment is not None and comment.is_hidden
        assert comment.hidden_reason == reason
    assert_accessible(page)
