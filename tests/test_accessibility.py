"""ウェブアクセシビリティ方針 (/accessibility): built from the list the browser tests go through."""

import html
import importlib.util
import re
from pathlib import Path

import pytest

from workshop.accessibility import pages
from workshop.accessibility.pages import CHECKS, RESIDENT_PAGES, Check, url_pattern


def policy(client) -> str:
    response = client.get("/accessibility")
    assert response.status_code == 200
    return html.unescape(response.get_data(as_text=True))


def test_the_policy_states_its_target_scope_tools_date_and_contact(client):
    page = policy(client)
    assert "<h1>ウェブアクセシビリティ方針</h1>" in page
    assert "JIS X 8341-3:2016" in page and "適合レベル AA に準拠することを目標にします" in page
    assert "職員が使うページ" in page and "対象に含みません" in page
    assert f"axe-core {pages.AXE_CORE_VERSION}" in page and "ヘッドレス Chromium" in page
    assert "2026年12月4日" in page
    assert "みどり市の担当の課にお知らせください" in page


def test_the_city_contact_comes_from_the_config(app, client):
    app.config["ACCESSIBILITY_CONTACT"] = "みどり市 デジタル推進課（電話 0123-45-6789）"
    assert "デジタル推進課（電話 0123-45-6789）" in policy(client)


def test_every_checked_page_and_its_checks_are_on_the_policy(app, client):
    page = policy(client)
    assert f"全部で {len(RESIDENT_PAGES)} 種類のページです" in page
    with app.test_request_context():
        shown = {check: description.translated() for check, description in CHECKS.items()}
    assert shown[Check.NARROW].label == "幅 360 px"
    for description in shown.values():
        assert f"<dt>{description.label}</dt>" in page and description.how in page
    cards = re.findall(r'<li class="card">(.*?)</li>', page, re.S)
    assert len(cards) == len(RESIDENT_PAGES)
    for checked, card in zip(RESIDENT_PAGES, cards, strict=True):
        assert f"<h3>{checked.name}</h3>" in card
        assert f"<code>{url_pattern(app, checked.endpoint)}</code>" in card
        labels = "、".join(shown[check].label for check in checked.checks)
        assert f"<dd>{labels}</dd>" in card


def test_the_address_hides_the_variable_parts(app):
    assert url_pattern(app, "consultations.index") == "/"
    assert url_pattern(app, "results.theme") == "/consultations/…/results/themes/…"


def test_every_check_is_described():
    assert set(CHECKS) == set(Check)


def test_the_browser_tests_go_through_the_same_list():
    every_page = pytest.importorskip("tests.test_browser_every_page")
    assert every_page.RESIDENT_PAGES is RESIDENT_PAGES


def test_every_page_outside_staff_is_on_the_list(app):
    """A new resident page must be added to RESIDENT_PAGES (or NOT_PAGES, if it is a file)."""
    every_page = pytest.importorskip("tests.test_browser_every_page")
    public, staff = every_page.page_endpoints(app)
    assert {checked.endpoint for checked in RESIDENT_PAGES} == public
    assert not public & staff


def test_the_axe_version_is_the_one_the_browser_tests_run():
    spec = importlib.util.find_spec("axe_playwright_python")
    if spec is None or spec.origin is None:
        pytest.skip("axe-playwright-python not installed (the browser tests' package)")
    bundled = Path(spec.origin).parent / "axe.min.js"
    header = bundled.read_text(encoding="utf-8")[:200]
    found = re.search(r"axe v(\d+\.\d+\.\d+)", header)
    assert found, header
    assert found.group(1) == pages.AXE_CORE_VERSION


def test_resident_pages_link_the_policy_and_staff_pages_do_not(client, login):
    link = '<a href="/accessibility">ウェブアクセシビリティ方針</a>'
    for path in ("/", "/workshops/", "/accessibility"):
        assert link in client.get(path).get_data(as_text=True), path
    login()
    assert link not in client.get("/staff/").get_data(as_text=True)
    assert link in client.get("/").get_data(as_text=True)
