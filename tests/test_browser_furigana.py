"""ふりがな in real Chromium: the switch without JavaScript, and what a screen reader gets.

Chromium 156 exposes <ruby> as a node of role Ruby. The reading (<rt>) is aria-hidden: it is no
text node and no description, and every name leaves it out, those of headings, links and form
fields and that of a section named by its heading (aria-labelledby, which without it gave
「内容ないよう」), so the word is read once. (Playwright's own aria snapshot and get_by_role names do include the
<rt> text: they compute names from the DOM, not from the browser's tree, so this test reads
Chromium's tree through the DevTools protocol.)
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser_support import assert_accessible

pytestmark = pytest.mark.browser
pytest_plugins = ["tests.browser_support"]

CONSULTATION = "/consultations/dx-plan-2026"
# the text as read: the DOM text without <rt> and <rp>
READ_TEXT = """(selector) => {
  const copy = document.querySelector(selector).cloneNode(true);
  copy.querySelectorAll('rt, rp, script, noscript, [hidden]').forEach((el) => el.remove());
  return copy.textContent;
}"""


def ax_nodes(page: Any) -> list[dict[str, Any]]:
    session = page.context.new_cdp_session(page)
    try:
        return [
            n for n in session.send("Accessibility.getFullAXTree")["nodes"] if not n.get("ignored")
        ]
    finally:
        session.detach()


def value(node: dict[str, Any], key: str) -> str:
    return str(node.get(key, {}).get("value", ""))


def texts_under(nodes: list[dict[str, Any]], role: str, name: str) -> str:
    """The StaticText under the node of ``role`` and ``name``, in reading order."""
    by_id = {n["nodeId"]: n for n in nodes}
    top = next(n for n in nodes if value(n, "role") == role and value(n, "name") == name)
    out: list[str] = []

    def walk(node: dict[str, Any]) -> None:
        if value(node, "role") == "StaticText":
            out.append(value(node, "name"))
            return
        for child in node.get("childIds", []):
            if child in by_id:
                walk(by_id[child])

    walk(top)
    return "".join(out)


def squeezed(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.no_javascript
def test_furigana_switch_works_without_javascript_and_is_remembered(live_app, page):
    _, base = live_app
    page.goto(f"{base}{CONSULTATION}")
    assert page.locator("ruby").count() == 0
    page.get_by_role("link", name="ふりがな あり").click()
    page.wait_for_url(f"{base}{CONSULTATION}")
    assert page.locator("main ruby").count() > 20
    assert page.locator(".furigana-switch strong").inner_text() == "あり"
    page.goto(f"{base}/workshops/")
    assert page.locator("main h2 ruby").count() > 0  # remembered on the next page
    page.get_by_role("link", name="ふりがな なし").click()
    page.wait_for_url(f"{base}/workshops/")
    assert page.locator("ruby").count() == 0


def test_a_screen_reader_reads_each_word_once(live_app, page):
    _, base = live_app
    page.goto(f"{base}/furigana?to=on&next={CONSULTATION}")
    page.wait_for_url(f"{base}{CONSULTATION}")
    readings = page.locator("main rt").all_inner_texts()
    assert len(readings) > 20
    nodes = ax_nodes(page)
    rubies = [n for n in nodes if value(n, "role") == "Ruby"]
    assert len(rubies) == page.locator("ruby").count()  # header, main and footer
    # a reading is neither text nor description: the word alone is read
    assert not [value(n, "description") for n in rubies if value(n, "description")]
    # the plan's text, as Chromium gives it, is the page's text without readings
    body = squeezed(page.evaluate(READ_TEXT, ".consultation-body"))
    assert page.locator(".consultation-body ruby").count() > 20
    assert squeezed(texts_under(nodes, "region", "内容")) == body
    # names are computed without readings: the heading, the comment field, the links
    title = squeezed(page.evaluate(READ_TEXT, "h1"))
    assert "<rt " in page.locator("h1").inner_html()
    assert any(value(n, "role") == "heading" and squeezed(value(n, "name")) == title for n in nodes)
    label = squeezed(page.evaluate(READ_TEXT, "label[for=body]"))
    assert "<rt " in page.locator("label[for=body]").inner_html()
    textbox = [
        n for n in nodes if value(n, "role") == "textbox" and squeezed(value(n, "name")) == label
    ]
    assert textbox, label
    names = " ".join(value(n, "name") for n in nodes)
    assert "（" + readings[0] + "）" not in names  # the <rp> parentheses are not read either
    assert_accessible(page)


def test_links_keep_working_with_furigana(live_app, page):
    _, base = live_app
    page.goto(f"{base}/furigana?to=on&next=/workshops/")
    link = page.locator("main h2 a").first
    assert link.locator("ruby").count() > 0
    link.click()
    page.wait_for_url(re.compile(rf"{re.escape(base)}/workshops/\d+$"))
    assert page.locator("h1 ruby").count() > 0
    assert_accessible(page)
