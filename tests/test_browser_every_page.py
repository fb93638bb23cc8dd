"""axe over every page the app serves: each GET route of the url_map, filled from the demo data.

A new page is checked as soon as it has a route; a route that is not an HTML page (a file, an
image, JSON) must be named in NOT_PAGES, so nothing is left out by forgetting it.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from tests.browser_support import assert_accessible, log_in_as, opened_page
from tests.conftest import attach_pdf
from tests.test_results import write_all
from workshop.boards.cookies import COOKIE
from workshop.extensions import db
from workshop.models import QuestionType
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
    "consultations_staff.export_xlsx_file",
    "consultations_staff.links_csv",
    "themes_staff.breakdown_csv",
    "results_staff.cross_tab_csv",
    "themes_staff.theme_wordcloud",
    "themes_staff.wordcloud",
    "themes_staff.job_json",
    "workshops_staff.export_roster",
    "workshops.calendar",
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
# a resident's own pages and the staff login: opened without logging in
RESIDENT_PAGES_WITHOUT_LOGIN = {"auth.login"}


def demo_values(app: Flask) -> dict[str, Any]:
    """One real object for every URL part: the closed round analysed, answered and published,
    a comment with its receipt and a PDF on the open round, a resident's sign-up."""
    from workshop import jobs
    from workshop.boards import cookies as board_cookies
    from workshop.boards.services import notes
    from workshop.consultations import services as consultations
    from workshop.models import (
        Board,
        BoardGroup,
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
            "attachment_id": attachment.id,
            "workshop_id": workshop.id,
            "registration_id": registration.id,
            "token": links.status_token(registration),
            "receipt": (open_plan.slug, receipt.receipt_token),
            "extension": "csv",
        }


def page_paths(app: Flask, values: dict[str, Any]) -> tuple[list[str], list[str]]:
    """(pages anyone may open, staff pages) for every GET route; fails on a route it cannot fill."""
    public: list[str] = []
    staff: list[str] = []
    for rule in app.url_map.iter_rules():
        if "GET" not in (rule.methods or ()) or rule.endpoint == "static":
            continue
        if rule.endpoint in NOT_PAGES:
            continue
        parts = dict(values)
        if rule.endpoint == "consultations.receipt":
            parts["slug"], parts["token"] = values["receipt"]
        if rule.endpoint == "consultations_staff.export_job":
            parts["job_id"] = values["export_job_id"]
        built = rule.build({k: v for k, v in parts.items() if k in rule.arguments})
        assert built is not None, f"{rule.endpoint}: no value for {rule.arguments}"
        path = built[1]
        if rule.endpoint == "themes_staff.breakdown":
            path += "?attribute=age_group"
        if rule.endpoint == "themes_staff.compare":
            path += "?a=age_group:60s&a=age_group:70s&a=age_group:80_plus"
        is_staff = path.startswith("/staff") and rule.endpoint not in RESIDENT_PAGES_WITHOUT_LOGIN
        (staff if is_staff else public).append(path)
    return public, staff


def test_every_page_passes_axe(live_app, browser):
    app, base = live_app
    values = demo_values(app)
    public, staff = page_paths(app, values)
    assert len(public) >= 10 and len(staff) >= 20, (public, staff)
    with opened_page(browser, "every-page-public") as page:
        # the participant's phone: the cookie that opens their own note's page
        page.context.add_cookies([{"name": COOKIE, "value": values["board_cookie"], "url": base}])
        for path in public:
            response = page.goto(base + path)
            assert response is not None and response.status == 200, path
            assert_accessible(page)
    with opened_page(browser, "every-page-staff") as page:
        log_in_as(page, base, "admin@example.jp", "demo-admin-2026")
        for path in staff:
            response = page.goto(base + path)
            assert response is not None and response.status == 200, path
            assert_accessible(page)
