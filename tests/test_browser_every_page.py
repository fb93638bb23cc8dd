"""axe over every page the app serves, and the resident pages' other checks.

The resident pages are workshop/accessibility/pages.py's RESIDENT_PAGES, the list the policy
page (/accessibility) shows: each test here goes through the pages that name its check, so
the policy says what these tests do. Every other GET route of the url_map is a staff page (or
the staff login), checked with axe. A route that is not an HTML page (a file, an image, JSON,
a switch that redirects) must be named in NOT_PAGES, so nothing is left out by forgetting it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from tests.browser_support import (
    AXE_QUICKLY,
    AXE_SCRIPT,
    assert_accessible,
    log_in_as,
    opened_page,
)
from tests.conftest import attach_pdf
from tests.test_browser_access import LAYOUT_PROBLEMS, press_tab
from tests.test_results import write_all
from workshop.accessibility.pages import (
    NARROW_WIDTH,
    RESIDENT_PAGES,
    Check,
    CheckedPage,
    pages_with,
)
from workshop.boards.cookies import COOKIE
from workshop.extensions import db
from workshop.models import QuestionType
from workshop.preferences import furigana, text_size
from workshop.preferences.language import EASY_JAPANESE, TRANSLATED
from workshop.questionnaires.services import OptionSpec, QuestionSpec, apply_questionnaire

pytestmark = pytest.mark.browser
pytest_plugins = ["tests.browser_support"]

# files and data, not pages: axe has nothing to read in them
NOT_PAGES = {
    "api.consultation",
    "api.consultation_results",
    "api.theme_comments",
    "api.workshop",
    "api.board",
    "boards_staff.projector_json",
    "boards_staff.projector_events",
    "boards.board_events",
    "boards_staff.export_notes",
    "consultations.attachment",
    "results.results_csv",
    "results.results_xlsx",
    "consultations_staff.export_csv",
    "consultations_staff.export_xlsx",
    "consultations_staff.export_job_json",
    "consultations_staff.import_job_json",
    "consultations_staff.export_xlsx_file",
    "consultations_staff.links_csv",
    "themes_staff.breakdown_csv",
    "results_staff.cross_tab_csv",
    "themes_staff.theme_wordcloud",
    "themes_staff.wordcloud",
    "themes_staff.job_json",
    "workshops_staff.export_roster",
    "workshops.calendar",
    # the reading switches: a cookie, then back to the page they were on
    "preferences.furigana",
    "preferences.text_size",
}
# the builder's pages (アンケートの設問) with a hidden option, a scale and a condition
QUESTIONS = [
    QuestionSpec(
        key="smartphone",
        type=QuestionType.SINGLE,
        text="スマートフォンを使っていますか。",
        is_required=True,
        is_attribute=True,
        options=(
            OptionSpec("毎日使っている"),
            OptionSpec("ときどき使う"),
            OptionSpec("使っていない"),
            OptionSpec("持っていない", is_hidden=True),
        ),
    ),
    QuestionSpec(
        key="satisfaction",
        type=QuestionType.SCALE,
        text="市のホームページの使いやすさは。",
        scale_min=1,
        scale_max=5,
        scale_labels=("使いにくい", "使いやすい"),
    ),
    QuestionSpec(
        key="why_not",
        type=QuestionType.FREE_TEXT,
        text="スマートフォンを使わない理由を教えてください。",
        show_if_key="smartphone",
        show_if_values=("使っていない",),
    ),
]
PHONE = {"width": NARROW_WIDTH, "height": 740}
# axe without each node's selectors, ancestry and XPath: a tenth less time over the 90 pages
# in other languages, where color-contrast on the results pages takes most of it; a page
# with a violation is checked again by assert_accessible, for its full report
# the words change from one language to the next and the colours do not: colour contrast, two
# thirds of axe's time on these pages, is checked in the first language only (at a phone's
# width; test_resident_pages_pass_axe checks it in Japanese at a PC's)
AXE_WITHOUT_CONTRAST = {**AXE_QUICKLY, "rules": {"color-contrast": {"enabled": False}}}


def demo_values(app: Flask) -> dict[str, Any]:
    """One real object for every URL part: the closed round analysed, answered and published,
    a comment with its receipt and a PDF on the open round, a resident's sign-up."""
    from workshop import jobs
    from workshop.boards import cookies as board_cookies
    from workshop.boards.services import notes
    from workshop.consultations import import_jobs, imports
    from workshop.consultations import services as consultations
    from workshop.models import (
        Board,
        BoardGroup,
        Channel,
        Consultation,
        JobKind,
        ParticipationMode,
        Workshop,
    )
    from workshop.models.boards import new_participant_token
    from workshop.results.services import publishing
    from workshop.themes import services as themes
    from workshop.workshops.services import links, signup

    with app.app_context():
        closed = db.session.scalars(
            select(Consultation).where(Consultation.slug == "dx-outline-2026")
        ).one()
        job = themes.start_analysis(closed.id, how="inline")
        db.session.refresh(job)
        analysis = themes.get_analysis(closed.id, job.result_id)
        write_all(analysis)
        publishing.publish(closed.id, analysis.id, staff_id=None)
        questions = apply_questionnaire(closed.id, QUESTIONS)
        open_plan = consultations.get_consultation_by_slug("dx-plan-2026")
        receipt = consultations.submit_comment(
            open_plan,
            consultations.CommentInput(body="図書館の本をスマホで予約できるようにしてください。"),
            submission_token="every-page-test-0001",
        )
        attachment = attach_pdf(open_plan.id, "計画の素案（全文）")
        export = jobs.enqueue(JobKind.COMMENTS_XLSX, consultation_id=closed.id, how="inline")
        upload = imports.keep_upload(closed.id, "ID,意見\r\n1,駅前に駐輪場を\r\n".encode())
        app.config["JOBS_MODE"] = "inline"  # the import's page shows its report at once
        try:
            imported = import_jobs.start_import(
                closed,
                upload,
                imports.Mapping(text_column="意見", id_column="ID"),
                Channel.IMPORT,
                staff_id=None,
            )
        finally:
            app.config.pop("JOBS_MODE")
        workshop = db.session.scalars(select(Workshop)).first()
        assert workshop is not None
        registration = signup.register(
            workshop.id,
            signup.Applicant(
                name="西田 和子",
                furigana="にしだ かずこ",
                email="kazuko.nishida@example.jp",
                mode=ParticipationMode.VENUE,
            ),
        )
        board = db.session.scalars(select(Board)).first()
        assert board is not None
        token = new_participant_token()
        note = notes.post_note(board.id, token, "バスの時刻をスマホで調べられると助かる")
        group_id = db.session.scalars(select(BoardGroup.id)).first()
        return {
            "board_id": board.id,
            "code": board.code,
            "note_id": note.id,
            "group_id": group_id,
            "board_cookie": board_cookies.sign({board.id: token}),
            "consultation_id": closed.id,
            "question_id": questions[-1].id,  # its form shows the condition's fields
            "slug": closed.slug,
            "analysis_id": analysis.id,
            "theme_id": analysis.themes[0].id,
            "number": analysis.themes[0].number,
            "job_id": job.id,
            "export_job_id": export.id,
            "import_job_id": imported.id,
            "attachment_id": attachment.id,
            "workshop_id": workshop.id,
            "registration_id": registration.id,
            "token": links.status_token(registration),
            "receipt": (open_plan.slug, receipt.receipt_token),
            "extension": "csv",
        }


def path_for(app: Flask, endpoint: str, values: dict[str, Any]) -> str:
    """The page's address with the demo objects; fails on a route it cannot fill."""
    rule = next(app.url_map.iter_rules(endpoint))
    parts = dict(values)
    if endpoint == "consultations.receipt":
        parts["slug"], parts["token"] = values["receipt"]
    if endpoint == "consultations_staff.export_job":
        parts["job_id"] = values["export_job_id"]
    if endpoint == "consultations_staff.import_job":
        parts["job_id"] = values["import_job_id"]
    built = rule.build({k: v for k, v in parts.items() if k in rule.arguments})
    assert built is not None, f"{endpoint}: no value for {rule.arguments}"
    path = built[1]
    if endpoint == "themes_staff.breakdown":
        path += "?attribute=age_group"
    if endpoint == "themes_staff.compare":
        path += "?a=age_group:60s&a=age_group:70s&a=age_group:80_plus"
    return path


def page_endpoints(app: Flask) -> tuple[set[str], set[str]]:
    """(pages outside /staff, staff pages and the staff login) among the GET routes."""
    public: set[str] = set()
    staff: set[str] = set()
    for rule in app.url_map.iter_rules():
        if "GET" not in (rule.methods or ()) or rule.endpoint == "static":
            continue
        if rule.endpoint in NOT_PAGES:
            continue
        (staff if rule.rule.startswith("/staff") else public).add(rule.endpoint)
    return public, staff


@pytest.fixture(scope="module")
def site(live_app: tuple[Flask, str]) -> tuple[Flask, str, dict[str, Any]]:
    app, base = live_app
    return app, base, demo_values(app)


@contextmanager
def resident_page(
    browser: Any, site: tuple[Flask, str, dict[str, Any]], name: str, **options: Any
) -> Iterator[Any]:
    """A fresh browser as a resident's, with cookies set (the reading switches' among them)."""
    cookies: dict[str, str] = options.pop("cookies", {})
    _, base, values = site
    with opened_page(browser, name, **options) as page:
        # the participant's phone: the cookie that opens their own note's page
        cookies = {COOKIE: values["board_cookie"], **cookies}
        page.context.add_cookies(
            [{"name": key, "value": value, "url": base} for key, value in cookies.items()]
        )
        yield page


def open_each(page: Any, site: tuple[Flask, str, dict[str, Any]], check: Check) -> Iterator[str]:
    """Open every resident page that names ``check``; yields each page's name as it is shown."""
    app, base, values = site
    checked: list[CheckedPage] = pages_with(check)
    assert checked, check
    for resident in checked:
        path = path_for(app, resident.endpoint, values)
        response = page.goto(base + path)
        assert response is not None and response.status == 200, path
        yield f"{resident.name} {path}"


def test_the_resident_pages_are_every_page_outside_staff(site):
    app, _, _ = site
    public, _ = page_endpoints(app)
    assert {page.endpoint for page in RESIDENT_PAGES} == public


def test_resident_pages_pass_axe(browser, site):
    with resident_page(browser, site, "every-page-public") as page:
        for _ in open_each(page, site, Check.AXE):
            assert_accessible(page)


def test_resident_pages_pass_axe_with_furigana(browser, site):
    on = {furigana.COOKIE: "1"}
    with resident_page(browser, site, "every-page-furigana", cookies=on) as page:
        for name in open_each(page, site, Check.FURIGANA):
            assert page.locator(".furigana-switch strong").inner_text() == "あり", name
            assert_accessible(page)


def test_resident_pages_fit_a_phone(browser, site):
    with resident_page(browser, site, "every-page-360", viewport=PHONE) as page:
        for name in open_each(page, site, Check.NARROW):
            problems = page.evaluate(LAYOUT_PROBLEMS)
            assert not problems, f"{name}: {problems}"


def test_resident_pages_in_large_text_fit_a_phone_and_pass_axe(browser, site):
    large = {text_size.COOKIE: text_size.LARGE}
    with resident_page(
        browser, site, "every-page-360-large", viewport=PHONE, cookies=large
    ) as page:
        for name in open_each(page, site, Check.LARGE_TEXT):
            assert page.evaluate("document.documentElement.className") == "text-large", name
            problems = page.evaluate(LAYOUT_PROBLEMS)
            assert not problems, f"{name}: {problems}"
            assert_accessible(page)


def test_resident_pages_in_each_language_pass_axe_and_fit_a_phone(browser, site):
    """Every page in the six other languages at a phone's width: axe, and nothing wider than
    the screen (English, Vietnamese and Portuguese words are longer than Japanese, and the
    language menu must wrap). やさしい日本語 has ふりがな on by default: axe reads the ruby."""
    app, base, values = site
    with resident_page(browser, site, "every-page-languages", viewport=PHONE) as page:
        # axe loaded with each page, instead of sent over after it
        page.context.add_init_script(script=AXE_SCRIPT)
        for resident in pages_with(Check.LANGUAGES):
            path = path_for(app, resident.endpoint, values)
            for language in TRANSLATED:
                name = f"{resident.name} {path} {language.name}"
                query = "&" if "?" in path else "?"
                response = page.goto(f"{base}{path}{query}lang={language.code}")
                assert response is not None and response.status == 200, name
                assert page.evaluate("document.documentElement.lang") == language.html_lang, name
                if language is EASY_JAPANESE:
                    assert page.locator(".furigana-switch strong").inner_text() == "あり", name
                    assert page.locator("main ruby, header ruby").count(), name
                problems = page.evaluate(LAYOUT_PROBLEMS)
                assert not problems, f"{name}: {problems}"
                options = AXE_QUICKLY if language is TRANSLATED[0] else AXE_WITHOUT_CONTRAST
                if page.evaluate("(o) => axe.run(o).then(r => r.violations.length)", options):
                    assert_accessible(page)
                    raise AssertionError(f"{name}: axe ({options}) found violations")


def test_resident_pages_can_be_gone_through_with_the_keyboard(browser, site):
    """From the skip link to the footer's last link with Tab, the focus ring seen at each stop."""
    with resident_page(browser, site, "every-page-keyboard") as page:
        for name in open_each(page, site, Check.KEYBOARD):
            assert press_tab(page)["text"] == "本文へ移動", name
            last = page.locator("footer a").last
            for _ in range(300):
                press_tab(page)
                if last.evaluate("(el) => el === document.activeElement"):
                    break
            else:
                raise AssertionError(f"{name}: Tab でページの最後のリンクまで進めない")


def test_resident_pages_show_without_javascript(browser, site):
    with resident_page(browser, site, "every-page-no-js", java_script_enabled=False) as page:
        for name in open_each(page, site, Check.NO_JAVASCRIPT):
            assert page.locator("h1").first.is_visible(), name
            assert page.locator("main").inner_text().strip(), name


def test_staff_pages_pass_axe(browser, site):
    app, base, values = site
    _, staff = page_endpoints(app)
    paths = sorted(path_for(app, endpoint, values) for endpoint in staff)
    assert len(paths) >= 20, paths
    with opened_page(browser, "every-page-staff") as page:
        response = page.goto(base + "/staff/login")  # opened before logging in
        assert response is not None and response.status == 200
        assert_accessible(page)
        log_in_as(page, base, "admin@example.jp", "demo-admin-2026")
        for path in paths:
            if path == "/staff/login":
                continue
            response = page.goto(base + path)
            assert response is not None and response.status == 200, path
            assert_accessible(page)
