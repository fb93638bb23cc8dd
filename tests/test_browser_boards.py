"""The live board in real Chromium: two phones and a projector see each other's changes without
reloading (Server-Sent Events, static/js/board-live.js); the phone page also works without
JavaScript."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from tests.browser_support import ARTIFACTS, assert_accessible, log_in_as, opened_page, sync_api
from workshop.boards.services import grouping, moderation, notes
from workshop.boards.services.setup import BoardInput, create_board
from workshop.demo import DEMO_WORKSHOP_TITLE
from workshop.extensions import db
from workshop.models import Board, BoardNote, Workshop

# the fixtures live_app and browser, shared with tests/test_browser.py
pytest_plugins = ["tests.browser_support"]

expect = sync_api.expect
PHONE: dict[str, Any] = {"viewport": {"width": 360, "height": 780}}
PROJECTOR: dict[str, Any] = {"viewport": {"width": 1280, "height": 720}}


def new_board(app: Any, question: str, *, moderated: bool) -> tuple[int, str]:
    """An open board on the demo workshop (its facilitator is assigned): its id and code."""
    with app.app_context():
        workshop = db.session.scalars(
            select(Workshop).where(Workshop.title == DEMO_WORKSHOP_TITLE)
        ).one()
        board = create_board(
            workshop.id,
            BoardInput(questions=(question,), is_moderated=moderated, is_open=True),
            staff_id=None,
        )
        return board.id, board.code


def join(page: Any, base: str, code: str) -> None:
    page.goto(f"{base}/b")
    page.get_by_label("ボードのコード").fill(f"{code[:3]}-{code[3:]}".lower())
    page.get_by_role("button", name="参加する").click()
    page.get_by_role("heading", name="付箋を貼る").wait_for()


def post(page: Any, text: str) -> None:
    page.get_by_label("付箋に書くこと").fill(text)
    page.get_by_role("button", name="付箋を貼る").click()
    expect(page.locator(".flash-success")).to_contain_text("付箋を貼りました")


def test_notes_likes_and_hiding_reach_the_other_pages_live(live_app, browser):
    app, base = live_app
    board_id, code = new_board(
        app, "駅前の広場で、休日に何があったらうれしいですか。", moderated=False
    )
    note = "木かげのベンチを増やして、座って話せる場所にしてほしい"
    draft = "朝市を月に一度"
    with (
        opened_page(browser, "board-projector", full_page=False, **PROJECTOR) as projector,
        opened_page(browser, "board-phone-a", **PHONE) as phone_a,
        opened_page(browser, "board-phone-b", **PHONE) as phone_b,
    ):
        log_in_as(projector, base, "facilitator@example.jp", "demo-facilitator-2026")
        projector.goto(f"{base}/staff/boards/{board_id}/projector")
        expect(projector.locator(".projector-empty")).to_be_visible()
        join(phone_a, base, code)
        join(phone_b, base, code)
        # B is halfway through a note of their own when A's arrives
        typing = phone_b.get_by_label("付箋に書くこと")
        typing.fill(draft)
        typing.focus()

        post(phone_a, note)
        on_screen = projector.locator(".projector-note", has_text=note)
        expect(on_screen).to_be_visible(timeout=10_000)
        on_b = phone_b.locator("#board-live .note", has_text=note)
        expect(on_b).to_be_visible(timeout=10_000)
        assert typing.input_value() == draft
        assert phone_b.evaluate("document.activeElement.name") == "text"
        expect(phone_b.locator("#live-status")).to_contain_text("みんなの付箋 1枚", timeout=15_000)
        assert_accessible(phone_b)
        assert_accessible(projector)

        # B's 共感 (a form post on B's page) rises on the projector without a reload
        on_b.get_by_role("button", name="共感する（+1）").click()
        expect(phone_b.locator(".flash-success")).to_contain_text("共感しました")
        expect(on_screen.locator(".projector-meta")).to_contain_text("共感 1", timeout=10_000)
        ARTIFACTS.mkdir(exist_ok=True)
        projector.screenshot(path=str(ARTIFACTS / "board-projector-notes.png"))

        # the facilitator hides it from another tab: it leaves the projector
        moderation = projector.context.new_page()
        moderation.goto(f"{base}/staff/boards/{board_id}/moderation")
        moderation.get_by_label("表示しない理由").first.fill("個人が特定できる内容のため")
        moderation.get_by_role("button", name="非表示にする").first.click()
        expect(moderation.locator(".flash-success")).to_contain_text("非表示にしました")
        expect(on_screen).to_have_count(0, timeout=10_000)
        expect(projector.locator(".projector-empty")).to_be_visible()
        expect(phone_a.locator("#board-live .note-status.hidden")).to_be_visible(timeout=10_000)


def test_phone_page_without_javascript_joins_posts_and_refreshes(live_app, browser):
    app, base = live_app
    board_id, code = new_board(
        app, "子育て世代が住みやすい町に必要なことは何ですか。", moderated=True
    )
    note = "雨の日に子どもが遊べる屋内の広場がほしい"
    with (
        opened_page(browser, "board-phone-nojs", java_script_enabled=False, **PHONE) as phone,
        opened_page(browser, "board-phone-other", java_script_enabled=False, **PHONE) as other,
    ):
        join(phone, base, code)
        post(phone, note)
        mine = phone.locator(".own-notes .note", has_text=note)
        expect(mine).to_contain_text("確認待ち")
        join(other, base, code)
        expect(other.locator("#board-live")).not_to_contain_text(note)
        with app.app_context():
            note_id = db.session.scalars(
                select(BoardNote.id).where(BoardNote.board_id == board_id)
            ).one()
            moderation.approve(board_id, note_id, staff_id=None)
        phone.get_by_role("link", name="更新（最新の付箋を見る）").click()
        expect(mine).to_contain_text("表示中・共感 0")
        other.get_by_role("link", name="更新（最新の付箋を見る）").click()
        expect(other.locator("#board-live .note", has_text=note)).to_be_visible()


def test_facilitator_drags_a_note_onto_another_group(live_app, browser):
    app, base = live_app
    board_id, _ = new_board(app, "町の移動で困っていることは何ですか。", moderated=False)
    note_text = "夜のバスが少なくて、駅から家まで帰るのが大変です"
    with app.app_context():
        question_id = db.session.get(Board, board_id).current_question.id
        note = notes.post_note(board_id, "browser-drag-participant", note_text)
        note_id, first_group = note.id, note.group_id
        target = grouping.add_group(board_id, question_id, "バスと電車").id
    with opened_page(browser, "board-groups-drag") as page:
        log_in_as(page, base, "facilitator@example.jp", "demo-facilitator-2026")
        page.goto(f"{base}/staff/boards/{board_id}/groups")
        expect(page.locator("#drag-hint")).to_be_visible()
        source = page.locator(f"li[data-note-id='{note_id}']")
        page.drag_and_drop(f"li[data-note-id='{note_id}']", f"section[data-group-id='{target}'] h2")
        expect(page.locator(".flash-success")).to_contain_text("付箋を移しました")
        moved = page.locator(f"section[data-group-id='{target}'] li[data-note-id='{note_id}']")
        expect(moved).to_contain_text(note_text)
        expect(source).to_have_count(1)  # moved, not copied
        assert_accessible(page)
    with app.app_context():
        assert db.session.get(BoardNote, note_id).group_id == target != first_group
