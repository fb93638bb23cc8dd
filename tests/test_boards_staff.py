"""Facilitators' side of a live board: create, open, close, moderate, paper notes, groups,
the projector, the table card, the export, the command line and the open-data JSON."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from tests.conftest import post_form
from tests.test_boards import QUESTION, board_factory, post_note
from tests.test_workshops import workshop_factory
from workshop.boards.services import moderation, running
from workshop.extensions import db
from workshop.models import (
    AuditEntry,
    Board,
    BoardNote,
    Channel,
    Comment,
    Role,
    utcnow,
)


@pytest.fixture
def make_board(app):
    return board_factory()


@pytest.fixture
def facilitator_board(app, login, make_board):
    """A board of a workshop the logged-in facilitator runs."""
    user = login(Role.FACILITATOR)
    workshop = workshop_factory()(facilitators=(user,))
    return make_board(workshop=workshop)


def notes() -> list[BoardNote]:
    return list(db.session.scalars(select(BoardNote).order_by(BoardNote.id)))


def test_a_facilitator_creates_a_board_for_their_workshop(client, login):
    user = login(Role.FACILITATOR)
    workshop = workshop_factory()(facilitators=(user,))
    path = f"/staff/boards/workshops/{workshop.id}/new"
    assert client.get(path).status_code == 200
    empty = post_form(client, path, {"questions": ""})
    assert empty.status_code == 422 and "問いを1つ以上入力してください" in empty.get_data(
        as_text=True
    )
    response = post_form(
        client,
        path,
        {
            "questions": "困っていること\n\nあったらいいな",
            "tables": "Aテーブル\nBテーブル\nオンライン",
            "is_moderated": "y",
            "is_anonymous": "y",
        },
    )
    assert response.status_code == 303
    board = db.session.scalars(select(Board)).one()
    assert [q.text for q in board.questions] == ["困っていること", "あったらいいな"]
    assert [t.name for t in board.tables] == ["Aテーブル", "Bテーブル", "オンライン"]
    assert board.is_moderated and board.is_anonymous and board.status.value == "draft"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"{board.code[:3]}-{board.code[3:]}" in page and "受付を始める" in page
    listing = client.get(f"/staff/boards/workshops/{workshop.id}").get_data(as_text=True)
    assert board.code[:3] in listing


def test_a_facilitator_of_another_workshop_gets_404_everywhere(client, login, make_board):
    login(Role.FACILITATOR)
    board = make_board()
    for path in (
        f"/staff/boards/workshops/{board.workshop_id}",
        f"/staff/boards/workshops/{board.workshop_id}/new",
        f"/staff/boards/{board.id}",
        f"/staff/boards/{board.id}/moderation",
        f"/staff/boards/{board.id}/projector",
        f"/staff/boards/{board.id}/projector.json",
        f"/staff/boards/{board.id}/projector?part=live",
        f"/staff/boards/{board.id}/card",
        f"/staff/boards/{board.id}/notes.csv",
    ):
        assert client.get(path).status_code == 404, path
    assert post_form(client, f"/staff/boards/{board.id}/close", {}).status_code == 404
    db.session.refresh(board)
    assert board.is_open


def test_open_next_question_and_close(client, login, make_board):
    login(Role.PLANNER)
    board = make_board(questions=("一つ目", "二つ目", "三つ目"), is_open=False)
    base = f"/staff/boards/{board.id}"
    assert post_form(client, f"{base}/open", {}).status_code == 303
    assert post_form(client, f"{base}/question", {}).status_code == 303
    db.session.refresh(board)
    assert board.is_open and board.current_question.text == "二つ目"
    assert post_form(client, f"{base}/question", {"position": "0"}).status_code == 303
    db.session.refresh(board)
    assert board.current_question.text == "一つ目"
    assert post_form(client, f"{base}/question", {"position": "9"}).status_code == 303
    db.session.refresh(board)
    assert board.current_question.text == "一つ目"
    page = post_form(client, f"{base}/close", {}, follow_redirects=True).get_data(as_text=True)
    assert "意見募集がつながっていない" in page
    db.session.refresh(board)
    assert board.is_closed
    again = post_form(client, f"{base}/open", {}, follow_redirects=True)
    assert "終了したボードは開けません" in again.get_data(as_text=True)


def test_the_moderation_queue_approves_hides_with_a_reason_and_corrects(
    app, client, facilitator_board
):
    board = facilitator_board
    participant = app.test_client()
    post_note(participant, board, "駅前の窓口が混んでいる")
    post_note(participant, board, "職員の対応がひどい。○○課の山田は最低")
    post_note(participant, board, "電子申請のパスワードをすぐ忘れるる")
    first, second, third = notes()
    base = f"/staff/boards/{board.id}"
    queue = client.get(f"{base}/moderation").get_data(as_text=True)
    assert "確認待ち（3枚）" in queue
    assert post_form(client, f"{base}/notes/{first.id}/approve", {}).status_code == 303
    no_reason = post_form(client, f"{base}/notes/{second.id}/hide", {"reason": ""})
    assert no_reason.status_code == 303
    db.session.refresh(second)
    assert second.is_pending
    hidden = post_form(
        client, f"{base}/notes/{second.id}/hide", {"reason": "個人名が書かれているため"}
    )
    assert hidden.status_code == 303
    fixed = post_form(
        client, f"{base}/notes/{third.id}/correct", {"text": "電子申請のパスワードをすぐ忘れる"}
    )
    assert fixed.status_code == 303
    for note in (first, second, third):
        db.session.refresh(note)
    assert first.is_approved
    assert second.is_hidden and second.hidden_reason == "個人名が書かれているため"
    assert third.body == "電子申請のパスワードをすぐ忘れる"
    assert third.original_body == "電子申請のパスワードをすぐ忘れるる"
    # kept, never deleted; the facilitator sees the reason
    queue = client.get(f"{base}/moderation").get_data(as_text=True)
    assert "山田は最低" in queue and "個人名が書かれているため" in queue
    assert "元の文: 電子申請のパスワードをすぐ忘れるる" in queue
    # participants see the approved note only; its writer sees their hidden one marked
    stranger = app.test_client().get(f"/b/{board.code}").get_data(as_text=True)
    assert "駅前の窓口が混んでいる" in stranger and "山田" not in stranger
    own = participant.get(f"/b/{board.code}").get_data(as_text=True)
    assert "みんなには表示していません" in own
    actions = set(db.session.scalars(select(AuditEntry.action)))
    assert {"board.note.approve", "board.note.hide", "board.note.correct"} <= actions


def test_paper_notes_are_typed_in_as_entered_by_staff(app, client, facilitator_board):
    board = facilitator_board
    path = f"/staff/boards/{board.id}/paper"
    assert client.get(path).status_code == 200
    assert post_form(client, path, {"text": " \n "}).status_code == 422
    long = post_form(client, path, {"text": "紙の付箋\n" + "あ" * 141})
    assert long.status_code == 422 and "2行目" in long.get_data(as_text=True)
    assert notes() == []
    data = {
        "text": "バス停に時刻表の大きな掲示を\n・スマホ教室を土日にも\n",
        "question_id": str(board.questions[0].id),
        "table_id": str(board.tables[0].id),
    }
    assert post_form(client, path, data).status_code == 303
    entered = notes()
    assert len(entered) == 2
    assert all(
        n.is_entered_by_staff and n.is_approved and n.table.name == "Aテーブル" for n in entered
    )
    seen = app.test_client().get(f"/b/{board.code}").get_data(as_text=True)
    assert "バス停に時刻表の大きな掲示を" in seen and "紙の付箋" in seen


def test_the_projector_shows_approved_notes_by_group_and_nothing_private(
    app, client, facilitator_board
):
    board = facilitator_board
    board.is_anonymous = True
    db.session.commit()
    participant = app.test_client()
    post_form(participant, f"/b/{board.code}/nickname", {"nickname": "ひみつの名前"})
    post_note(participant, board, "見せてよい付箋")
    post_note(participant, board, "確認待ちの付箋")
    post_note(participant, board, "非表示の付箋")
    shown, _waiting, hidden = notes()
    moderation.approve(board.id, shown.id, staff_id=None)
    moderation.hide(board.id, hidden.id, "話題と関係ないため", staff_id=None)
    page = client.get(f"/staff/boards/{board.id}/projector")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert QUESTION in text and "見せてよい付箋" in text
    assert "確認待ちの付箋" not in text and "非表示の付箋" not in text
    assert "ひみつの名前" not in text and "話題と関係ない" not in text
    assert 'class="projector-count">1<' in text
    assert '<meta http-equiv="refresh"' in text
    data = client.get(f"/staff/boards/{board.id}/projector.json").get_json()
    assert data["total"] == 1 and len(data["groups"]) == 1
    assert [n["text"] for n in data["groups"][0]["notes"]] == ["見せてよい付箋"]
    assert data["groups"][0]["notes"][0]["nickname"] == ""
    part = client.get(f"/staff/boards/{board.id}/projector?part=live").get_data(as_text=True)
    assert "見せてよい付箋" in part and 'class="projector-count">1<' in part
    assert "<html" not in part and "確認待ちの付箋" not in part and "ひみつの名前" not in part
    version = data["version"]
    post_form(app.test_client(), f"/b/{board.code}/notes/{shown.id}/like", {})
    assert client.get(f"/staff/boards/{board.id}/projector.json").get_json()["version"] > version


def test_groups_are_renamed_and_notes_moved_and_the_name_survives_regrouping(
    app, client, facilitator_board
):
    board = facilitator_board
    board.is_moderated = False
    db.session.commit()
    participant = app.test_client()
    post_note(participant, board, "窓口の待ち時間が長い")
    post_note(participant, board, "スマホの操作がむずかしい")
    _first, second = notes()
    base = f"/staff/boards/{board.id}"
    assert client.get(f"{base}/groups").status_code == 200
    assert post_form(client, f"{base}/groups", {"name": "スマホ"}).status_code == 303
    page = client.get(f"{base}/groups").get_data(as_text=True)
    assert "スマホ（0枚）" in page  # shown to the facilitator, to move notes into
    screen = client.get(f"{base}/projector.json").get_json()
    # an empty group is not a theme on the projector yet
    assert "スマホ" not in {g["name"] for g in screen["groups"]}
    group = db.session.scalars(select(BoardNote.group_id)).first()
    assert post_form(client, f"{base}/groups/{group}/rename", {"name": ""}).status_code == 303
    assert post_form(client, f"{base}/groups/{group}/rename", {"name": "窓口"}).status_code == 303
    from workshop.models import BoardGroup

    smartphone = db.session.scalars(select(BoardGroup).where(BoardGroup.name == "スマホ")).one()
    moved = post_form(client, f"{base}/notes/{second.id}/move", {"group_id": str(smartphone.id)})
    assert moved.status_code == 303
    assert post_form(client, f"{base}/regroup", {}).status_code == 303
    text = client.get(f"{base}/projector").get_data(as_text=True)
    assert "窓口" in text and "スマホ" in text
    names = {
        g["name"]: g["count"] for g in client.get(f"{base}/projector.json").get_json()["groups"]
    }
    assert names == {"窓口": 1, "スマホ": 1}


def test_the_table_card_has_the_qr_code_and_the_code(client, facilitator_board):
    board = facilitator_board
    for size in ("a4", "a6"):
        page = client.get(f"/staff/boards/{board.id}/card?size={size}")
        assert page.status_code == 200
        text = page.get_data(as_text=True)
        assert "<svg" in text and f"{board.code[:3]}-{board.code[3:]}" in text
        assert f"card-{size}" in text and "Aテーブル" in text and "Bテーブル" in text
        assert "http://127.0.0.1:5000/b" in text


@pytest.mark.both_dbs
def test_closing_moves_approved_notes_into_the_consultation_once(
    app, client, login, make_board, make_consultation
):
    user = login(Role.FACILITATOR)
    consultation = make_consultation()
    workshop = workshop_factory()(
        facilitators=(user,),
        consultation_id=consultation.id,
        starts_at=utcnow() - timedelta(hours=1),
        ends_at=utcnow() + timedelta(hours=1),
    )
    board = make_board(workshop=workshop, questions=("困っていること", "あったらいいな"))
    participant = app.test_client()
    post_note(participant, board, "窓口の待ち時間が長い", table_id=str(board.tables[0].id))
    post_note(participant, board, "確認されないままの付箋")
    running.set_question(board.id)
    post_note(participant, board, "夜でも使えるオンライン相談")
    moderation.enter_paper_notes(
        board.id, "紙に書かれた意見", question_id=None, table_id=None, staff_id=user.id
    )
    first, waiting, third, _paper = notes()
    for note in (first, third):
        moderation.approve(board.id, note.id, staff_id=user.id)
    page = post_form(client, f"/staff/boards/{board.id}/close", {}, follow_redirects=True)
    assert "付箋3件を意見募集の意見" in page.get_data(as_text=True)
    comments = list(
        db.session.scalars(
            select(Comment).where(Comment.consultation_id == consultation.id).order_by(Comment.id)
        )
    )
    assert [c.body for c in comments] == [
        "窓口の待ち時間が長い",
        "夜でも使えるオンライン相談",
        "紙に書かれた意見",
    ]
    assert all(c.channel is Channel.WORKSHOP for c in comments)
    assert comments[0].extra["question"] == "困っていること"
    assert comments[0].extra["table"] == "Aテーブル"
    assert comments[1].extra["question"] == "あったらいいな" and "table" not in comments[1].extra
    assert comments[2].extra["entered_by_staff"] == "1" and comments[2].entered_by_id == user.id
    assert comments[0].extra["workshop_id"] == str(workshop.id)
    # closing again (the page, the command line) adds nothing
    again = post_form(client, f"/staff/boards/{board.id}/close", {}, follow_redirects=True)
    assert "新しく登録する付箋はありませんでした" in again.get_data(as_text=True)
    result = app.test_cli_runner().invoke(args=["boards", "close", board.code])
    assert "0 notes added" in result.output
    count = select(func.count(Comment.id)).where(Comment.consultation_id == consultation.id)
    assert db.session.scalar(count) == 3
    db.session.refresh(waiting)
    assert waiting.comment_id is None and waiting.is_pending
    # the workshop's opinion count includes them
    staff_page = client.get(f"/staff/workshops/{workshop.id}/opinions").get_data(as_text=True)
    assert "これまでに3件を登録しました" in staff_page


def test_the_export_holds_every_note_with_its_status(app, client, facilitator_board):
    board = facilitator_board
    participant = app.test_client()
    post_note(participant, board, "=SUM(A1:A2) 見せる付箋", table_id=str(board.tables[0].id))
    post_note(participant, board, "隠す付箋")
    shown, hidden = notes()
    moderation.approve(board.id, shown.id, staff_id=None)
    moderation.hide(board.id, hidden.id, "重複のため", staff_id=None)
    response = client.get(f"/staff/boards/{board.id}/notes.csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:5] == ["番号", "問い", "テーブル", "グループ", "付箋"]
    assert rows[1][4] == "'=SUM(A1:A2) 見せる付箋" and rows[1][2] == "Aテーブル"
    assert rows[2][6] == "非表示" and rows[2][7] == "重複のため"
    book = load_workbook(io.BytesIO(client.get(f"/staff/boards/{board.id}/notes.xlsx").data))
    cells = [c for row in book.active.iter_rows(values_only=True) for c in row]
    assert "隠す付箋" in cells and "表示中" in cells


# ---------------------------------------------------------------- command line and JSON


def test_the_cli_creates_an_open_board_and_prints_its_code(app):
    workshop = workshop_factory()()
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=[
            "boards", "create", "--workshop", str(workshop.id),
            "--question", "困っていること", "--question", "あったらいいな",
            "--tables", "3", "--no-moderation",
        ]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    code = result.output.strip()
    board = db.session.scalars(select(Board)).one()
    assert board.code == code and board.is_open and not board.is_moderated
    assert [t.name for t in board.tables] == ["Aテーブル", "Bテーブル", "Cテーブル"]
    assert len(board.questions) == 2
    missing = runner.invoke(args=["boards", "create", "--workshop", "999", "--question", "問い"])
    assert missing.exit_code != 0
    closed = runner.invoke(args=["boards", "close", code.lower()])
    assert closed.exit_code == 0 and "has no consultation" in closed.output
    unknown = runner.invoke(args=["boards", "close", "AAAAAA"])
    assert unknown.exit_code != 0 and "見つかりません" in unknown.output


def test_the_api_gives_counts_and_nothing_personal(app, client, make_board):
    board = make_board(is_anonymous=False)
    participant = app.test_client()
    post_form(participant, f"/b/{board.code}/nickname", {"nickname": "ひみつの名前"})
    post_note(participant, board, "見せる付箋")
    post_note(participant, board, "待っている付箋")
    moderation.approve(board.id, notes()[0].id, staff_id=None)
    response = client.get(f"/api/boards/{board.code.lower()}")
    assert response.status_code == 200
    data = response.get_json()
    assert data["status"] == "open" and data["participants"] == 1
    assert data["notes_approved"] == 1 and data["notes_pending"] == 1
    assert [theme["count"] for theme in data["themes"]] == [1]
    text = response.get_data(as_text=True)
    assert "ひみつの名前" not in text and "見せる付箋" not in text and "token" not in text
    missing = client.get("/api/boards/AAAAAA")
    assert missing.status_code == 404
    assert missing.get_json()["error"] == "unknown_board"


@pytest.mark.both_dbs
def test_a_cross_tab_splits_a_boards_comments_by_question_and_table(
    app, client, login, make_board, make_consultation
):
    from tests.test_results import DISASTER, SMARTPHONE, add_comment, analyse

    login(Role.PLANNER)
    consultation = make_consultation()
    for body in SMARTPHONE[:5] + DISASTER:
        add_comment(consultation, body)
    workshop = workshop_factory()(consultation_id=consultation.id)
    board = make_board(
        workshop=workshop, questions=("困っていること", "あったらいいな"), is_moderated=False
    )
    participant = app.test_client()
    post_note(participant, board, "スマホ教室が近くにない", table_id=str(board.tables[0].id))
    running.set_question(board.id)
    post_note(participant, board, "防災アプリで避難所の空きを知りたい")
    running.close_board(board.id)
    analysis = analyse(consultation)
    base = f"/staff/consultations/{consultation.id}/themes/analyses/{analysis.id}"
    page = client.get(f"{base}/breakdown?attribute=question")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "問い（ワークショップ）" in text and "あったらいいな" in text
    table = client.get(f"{base}/breakdown.csv?attribute=table").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(table.lstrip("\ufeff"))))
    value, count = rows[0].index("テーブル（ワークショップ）"), rows[0].index("件数")
    counted = {row[value]: 0 for row in rows[1:]}
    for row in rows[1:]:
        counted[row[value]] += int(row[count])
    assert counted == {"Aテーブル": 1, "回答なし": 11}


SMARTPHONE_NOTES = (
    "スマホ教室を公民館で開いてほしい",
    "スマホ教室を土日にも開いてほしい",
    "スマホ教室の回数を増やしてほしい",
)
DISASTER_NOTE = "防災アプリで避難所の情報を知りたい"


def test_notes_join_the_nearest_group_as_they_arrive(app, client, facilitator_board):
    board = facilitator_board
    board.is_moderated = False
    db.session.commit()
    participant = app.test_client()
    for text in (*SMARTPHONE_NOTES[:2], DISASTER_NOTE, SMARTPHONE_NOTES[2]):
        post_note(participant, board, text)
    group_of = {note.body: note.group_id for note in notes()}
    assert None not in group_of.values()
    assert len({group_of[text] for text in SMARTPHONE_NOTES}) == 1
    assert group_of[DISASTER_NOTE] != group_of[SMARTPHONE_NOTES[0]]
    data = client.get(f"/staff/boards/{board.id}/projector.json").get_json()
    assert [group["count"] for group in data["groups"]] == [3, 1]
    assert "スマホ" in data["groups"][0]["name"]


def test_regrouping_keeps_the_names_the_facilitator_set(app, client, facilitator_board):
    board = facilitator_board
    participant = app.test_client()
    for text in (*SMARTPHONE_NOTES, DISASTER_NOTE):
        post_note(participant, board, text)
    for note in notes():  # approved one by one, as a facilitator does
        moderation.approve(board.id, note.id, staff_id=None)
    smartphone = notes()[0].group_id
    base = f"/staff/boards/{board.id}"
    post_form(client, f"{base}/groups/{smartphone}/rename", {"name": "スマホ教室を身近に"})
    assert post_form(client, f"{base}/regroup", {}).status_code == 303
    data = client.get(f"{base}/projector.json").get_json()
    names = {group["name"]: group["count"] for group in data["groups"]}
    assert names["スマホ教室を身近に"] == 3
    assert sum(names.values()) == 4 and len(names) == 2
