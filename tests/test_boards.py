"""Participants of a live board: join by code, post 付箋, edit and delete their own, 共感.

No account, no e-mail, no JavaScript needed; bad input gets a clear message and stores nothing.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from tests.conftest import csrf_token, post_form
from tests.test_workshops import workshop_factory
from workshop import create_app
from workshop.boards import cookies
from workshop.boards.services import running
from workshop.boards.services.setup import BoardInput, create_board
from workshop.extensions import db
from workshop.models import Board, BoardNote, BoardParticipant, NoteLike, NoteStatus
from workshop.models.boards import CODE_ALPHABET

QUESTION = "行政のデジタル化で、いちばん困っていることは何ですか"
NOTE = "電子申請の画面の文字が小さくて読みにくい"


def board_factory():
    """Open boards with one question and two tables, of a new workshop unless told; shared
    with the staff tests."""
    make_workshop = workshop_factory()

    def make(*, workshop=None, **overrides) -> Board:
        fields = {"questions": (QUESTION,), "tables": ("Aテーブル", "Bテーブル"), "is_open": True}
        fields.update(overrides)
        workshop = workshop or make_workshop()
        return create_board(workshop.id, BoardInput(**fields), staff_id=None)

    return make


@pytest.fixture
def make_board(app):
    return board_factory()


def post_note(client, board, text=NOTE, **extra):
    return post_form(client, f"/b/{board.code}/notes", {"text": text, **extra})


def page_of(client, board) -> str:
    return client.get(f"/b/{board.code}").get_data(as_text=True)


def note_count() -> int:
    return db.session.scalar(select(func.count(BoardNote.id))) or 0


def only_note() -> BoardNote:
    return db.session.scalars(select(BoardNote)).one()


# ---------------------------------------------------------------- joining


def test_a_new_board_has_a_six_character_code_without_look_alikes(make_board):
    codes = {make_board().code for _ in range(20)}
    assert len(codes) == 20
    for code in codes:
        assert len(code) == 6 and set(code) <= set(CODE_ALPHABET)
        assert not set(code) & set("0O1IL2Z5S8B")


@pytest.mark.parametrize(
    "typed", ["{code}", "{lower}", " {a}-{b} ", "{a} {b}", "{wide}", "{a}ー{b}"]
)
def test_typing_the_code_opens_the_board_however_it_is_written(client, make_board, typed):
    board = make_board()
    code = board.code
    wide = "".join(chr(ord(c) + 0xFEE0) for c in code)  # 全角, as a Japanese keyboard types
    value = typed.format(code=code, lower=code.lower(), a=code[:3], b=code[3:], wide=wide)
    response = client.get("/b", query_string={"code": value})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/b/{code}")


def test_the_qr_address_opens_the_board_and_a_typed_one_goes_to_it(client, make_board):
    board = make_board()
    page = client.get(f"/b/{board.code}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert QUESTION in text and "付箋を貼る" in text and "更新" in text
    typed = client.get(f"/b/{board.code[:3].lower()}-{board.code[3:].lower()}")
    assert typed.status_code == 303 and typed.headers["Location"].endswith(f"/b/{board.code}")


def test_an_unknown_code_says_so_on_the_join_page(client, make_board):
    make_board()
    for typed in ("AAAAAA", "ABC", "<script>"):
        response = client.get("/b", query_string={"code": typed})
        assert response.status_code == 404
        text = response.get_data(as_text=True)
        assert "このコードのボードは見つかりません" in text
        assert "<script>" not in text
    assert client.get("/b", query_string={"code": " "}).status_code == 422
    assert client.get("/b/AAAAAA").status_code == 404
    assert client.get("/b").status_code == 200


# ---------------------------------------------------------------- posting


def test_a_posted_note_shows_at_once_to_its_writer_as_waiting(client, app, make_board):
    board = make_board()
    response = post_note(client, board, table_id=str(board.tables[1].id))
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "付箋を貼りました" in page and "進行役が確認したあと" in page
    assert NOTE in page and "確認待ち" in page and "Bテーブル" in page
    note = only_note()
    assert note.status is NoteStatus.PENDING and note.table_id == board.tables[1].id
    # nobody else sees it before a facilitator does
    assert NOTE not in page_of(app.test_client(), board)


def test_without_moderation_everyone_sees_the_note_at_once(client, app, make_board):
    board = make_board(is_moderated=False)
    post_note(client, board)
    assert only_note().status is NoteStatus.APPROVED
    assert NOTE in page_of(app.test_client(), board)


def test_the_live_part_is_the_notes_lists_alone_and_keeps_the_flash(client, app, make_board):
    """board-live.js swaps in ?part=notes: the lists, never the post form, and it does not
    eat the message that the next full page shows."""
    board = make_board(is_moderated=False)
    other = app.test_client()
    post_note(other, board)
    post_form(client, f"/b/{board.code}/nickname", {"nickname": "みどり"})
    part = client.get(f"/b/{board.code}?part=notes")
    assert part.status_code == 200 and part.headers["Cache-Control"] == "no-store"
    text = part.get_data(as_text=True)
    assert 'id="board-live"' in text
    assert NOTE in text and "みんなの付箋 1枚" in text and "共感する（+1）" in text
    assert (
        "<html" not in text
        and "付箋に書くこと" not in text
        and "ニックネームを保存しました" not in text
    )
    assert "ニックネームを保存しました" in page_of(client, board)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "付箋に書く内容を入力してください"),
        ("   \n\u3000 ", "付箋に書く内容を入力してください"),
        ("\u200b\u200b\u202e", "付箋に書く内容を入力してください"),
        ("あ" * 141, "付箋は140文字までです（いま141文字）"),
    ],
)
def test_an_empty_or_too_long_note_is_refused_and_nothing_is_stored(
    client, make_board, text, message
):
    board = make_board()
    response = post_note(client, board, text)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert note_count() == 0
    assert db.session.scalar(select(func.count(BoardParticipant.id))) == 0


def test_a_note_of_140_characters_is_taken(client, make_board):
    board = make_board()
    assert post_note(client, board, "い" * 140).status_code == 303
    assert len(only_note().body) == 140


def test_html_is_kept_as_text_and_shown_escaped(client, make_board):
    board = make_board(is_moderated=False)
    text = '<script>alert("x")</script><b>太字</b>'
    post_note(client, board, text)
    assert only_note().body == text
    page = page_of(client, board)
    assert "<script>alert" not in page and "<b>太字" not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page


def test_odd_unicode_is_cleaned_before_it_is_stored(client, make_board):
    board = make_board()
    # a NUL, zero-width spaces, a right-to-left override, a decomposed が
    post_note(client, board, "\x00駅前\u200bに\u202eベンチか\u3099ほしい\ufeff")
    assert only_note().body == "駅前にベンチがほしい"
    # emoji sequences keep their joiner
    post_note(client, board, "家族で使える👨\u200d👩\u200d👧窓口")
    assert "👨\u200d👩\u200d👧" in db.session.scalars(select(BoardNote.body)).all()[-1]


def test_a_table_that_is_not_on_the_board_is_refused(client, make_board):
    board = make_board()
    other = make_board()
    response = post_note(client, board, table_id=str(other.tables[0].id))
    assert response.status_code == 422
    assert "一覧から選んでください" in response.get_data(as_text=True)
    assert note_count() == 0


def test_a_closed_or_not_yet_open_board_takes_no_notes(client, make_board):
    closed = make_board()
    running.close_board(closed.id)
    response = post_note(client, closed)
    assert response.status_code == 409
    assert "このボードは終了しました" in response.get_data(as_text=True)
    draft = make_board(is_open=False)
    response = post_note(client, draft)
    assert response.status_code == 409
    assert "まだ始まっていません" in response.get_data(as_text=True)
    assert note_count() == 0
    assert "付箋を貼る</button>" not in page_of(client, closed)


def test_a_post_without_the_csrf_token_is_refused(client, make_board):
    board = make_board()
    client.get(f"/b/{board.code}")
    response = client.post(f"/b/{board.code}/notes", data={"text": NOTE})
    assert response.status_code == 400
    assert "送信の有効期限が切れたか" in response.get_data(as_text=True)
    assert note_count() == 0


def test_a_note_goes_to_the_current_question(client, make_board):
    board = make_board(questions=("一つ目の問い", "二つ目の問い"), is_moderated=False)
    post_note(client, board, "最初の付箋")
    running.set_question(board.id)
    assert "二つ目の問い" in page_of(client, board)
    post_note(client, board, "次の付箋")
    notes = db.session.scalars(select(BoardNote).order_by(BoardNote.id)).all()
    assert [n.question.text for n in notes] == ["一つ目の問い", "二つ目の問い"]


# ---------------------------------------------------------------- rate limit


@pytest.fixture
def limited(app):
    limited_app = create_app({**app.config, "RATELIMIT_ENABLED": True})
    yield limited_app
    create_app(dict(app.config))  # the limiter is module-level: leave it as the other tests expect


def test_posting_too_fast_is_refused_per_participant(limited, make_board):
    board = make_board()
    client = limited.test_client()
    client.get(f"/b/{board.code}")
    for number in range(6):
        assert post_note(client, board, f"付箋{number}").status_code == 303
    response = post_note(client, board, "七枚目")
    assert response.status_code == 429
    assert "短い時間にたくさんの送信がありました" in response.get_data(as_text=True)
    assert note_count() == 6
    # someone else in the same room (same address) still posts
    neighbour = limited.test_client()
    neighbour.get(f"/b/{board.code}")
    assert post_note(neighbour, board, "隣の人の付箋").status_code == 303


# ---------------------------------------------------------------- own notes


def note_id_on(page: str) -> int:
    return int(re.search(r'id="note-(\d+)"', page).group(1))


def test_the_writer_edits_and_deletes_their_note_and_no_one_else_can(client, app, make_board):
    board = make_board(is_moderated=False)
    post_note(client, board)
    note = only_note()
    other = app.test_client()
    other.get(f"/b/{board.code}")
    edit = f"/b/{board.code}/notes/{note.id}/edit"
    assert other.get(edit).status_code == 404
    assert post_form(other, edit, {"text": "乗っ取り"}).status_code == 404
    assert post_form(other, f"/b/{board.code}/notes/{note.id}/delete", {}).status_code == 404
    assert client.get(edit).status_code == 200
    assert post_form(client, edit, {"text": ""}).status_code == 422
    assert post_form(client, edit, {"text": "文字を大きくしてほしい"}).status_code == 303
    db.session.refresh(note)
    assert note.body == "文字を大きくしてほしい"
    assert post_form(client, f"/b/{board.code}/notes/{note.id}/delete", {}).status_code == 303
    assert note_count() == 0


def test_an_edit_under_moderation_is_checked_again(client, make_board):
    board = make_board()
    post_note(client, board)
    note = only_note()
    note.status = NoteStatus.APPROVED
    db.session.commit()
    post_form(client, f"/b/{board.code}/notes/{note.id}/edit", {"text": "直した付箋"})
    db.session.refresh(note)
    assert note.status is NoteStatus.PENDING


def test_notes_cannot_be_changed_after_the_board_closes(client, make_board):
    board = make_board()
    post_note(client, board)
    note = only_note()
    running.close_board(board.id)
    response = post_form(client, f"/b/{board.code}/notes/{note.id}/edit", {"text": "後から"})
    assert response.status_code == 409
    assert "終了しました" in response.get_data(as_text=True)
    post_form(client, f"/b/{board.code}/notes/{note.id}/delete", {})
    db.session.refresh(note)
    assert note.body == NOTE


def test_one_boards_cookie_never_opens_another_boards_notes(client, app, make_board):
    first = make_board(is_moderated=False)
    second = make_board(is_moderated=False)
    post_note(client, first)
    note = only_note()
    # the same browser on the second board: a stranger there
    assert client.get(f"/b/{second.code}/notes/{note.id}/edit").status_code == 404
    # and another browser with the first board's cookie copied over opens it on the first only
    tokens = {first.id: note.participant.token}
    thief = app.test_client()
    thief.set_cookie(cookies.COOKIE, "x" + create_cookie(app, tokens)[1:])
    assert thief.get(f"/b/{first.code}/notes/{note.id}/edit").status_code == 404
    assert client.get(f"/b/{first.code}/notes/{note.id}/edit").status_code == 200


def create_cookie(app, tokens) -> str:
    with app.test_request_context():
        return cookies.sign(tokens)


def test_a_nickname_is_shown_unless_the_board_is_anonymous(client, app, make_board):
    for anonymous in (False, True):
        board = make_board(is_moderated=False, is_anonymous=anonymous)
        if not anonymous:
            assert (
                post_form(
                    client, f"/b/{board.code}/nickname", {"nickname": "みどりっこ"}
                ).status_code
                == 303
            )
        else:
            assert "ニックネーム（なくてもかまいません）" not in page_of(client, board)
            post_form(client, f"/b/{board.code}/nickname", {"nickname": "みどりっこ"})
        post_note(client, board)
        seen = page_of(app.test_client(), board)
        assert ("みどりっこ" in seen) is not anonymous


def test_a_too_long_nickname_is_refused(client, make_board):
    board = make_board()
    response = post_form(client, f"/b/{board.code}/nickname", {"nickname": "な" * 21})
    assert response.status_code == 422
    assert "ニックネームは20文字以内" in response.get_data(as_text=True)


# ---------------------------------------------------------------- 共感


def test_a_like_counts_once_per_participant(client, app, make_board):
    board = make_board(is_moderated=False)
    writer = app.test_client()
    post_note(writer, board)
    note = only_note()
    like = f"/b/{board.code}/notes/{note.id}/like"
    client.get(f"/b/{board.code}")
    assert post_form(client, like, {}).status_code == 303
    again = post_form(client, like, {})
    assert again.status_code == 409
    assert "もう共感しています" in again.get_data(as_text=True)
    own = post_form(writer, like, {})
    assert own.status_code == 409 and "自分の付箋には共感できません" in own.get_data(as_text=True)
    db.session.refresh(note)
    assert note.like_count == 1
    assert db.session.scalar(select(func.count(NoteLike.id))) == 1
    assert "共感 1" in page_of(client, board) and "共感しました" in page_of(client, board)


def test_a_waiting_or_hidden_note_cannot_be_liked(client, app, make_board):
    board = make_board()
    post_note(app.test_client(), board)
    note = only_note()
    client.get(f"/b/{board.code}")
    assert post_form(client, f"/b/{board.code}/notes/{note.id}/like", {}).status_code == 404
    db.session.refresh(note)
    assert note.like_count == 0


def test_the_participant_page_needs_no_javascript(client, make_board):
    board = make_board()
    page = page_of(client, board)
    # one script, only adding live updates (tests/test_browser_boards.py runs the page without)
    assert re.findall(r"<script[^>]*>", page) == ['<script src="/static/js/board-live.js" defer>']
    assert f'action="/b/{board.code}/notes"' in page and 'method="post"' in page
    assert f'href="/b/{board.code}"' in page  # 更新
    assert csrf_token(client, f"/b/{board.code}")


@pytest.mark.both_dbs
def test_a_double_tap_on_the_first_post_makes_one_participant(app, make_board, monkeypatch):
    """The second request did not see the first one's participant yet: its insert fails on the
    unique token, and it carries on with the first one's row."""
    from workshop.boards.services import notes, participants

    board = make_board(is_moderated=False)
    db.session.add(BoardParticipant(board_id=board.id, token="same-phone"))
    db.session.commit()
    real_find = participants.find
    calls = []

    def late_find(found_board, token):
        calls.append(token)
        return None if len(calls) == 1 else real_find(found_board, token)

    monkeypatch.setattr(participants, "find", late_find)
    note = notes.post_note(board.id, "same-phone", NOTE)
    assert note.participant.token == "same-phone"
    assert db.session.scalar(select(func.count(BoardParticipant.id))) == 1


def test_the_page_shows_the_newest_hundred_notes_of_many(client, make_board):
    from workshop.boards.services import notes

    board = make_board(is_moderated=False)
    writer = "one-busy-writer"
    for number in range(1, 106):
        notes.post_note(board.id, writer, f"付箋その{number}番")
    page = page_of(client, board)
    assert "みんなの付箋（105枚）" in page and "新しい100枚を表示しています" in page
    assert "付箋その105番" in page and "付箋その5番<" not in page


def test_everyones_list_is_rendered_once_per_version_and_each_sees_their_own_like_rows(
    client, app, make_board
):
    """At each change hundreds of phones fetch the same list: it is rendered once per version
    of the board (workshop/boards/shared_notes.py), and each participant still sees their
    own 共感 rows in it."""
    from workshop.boards import shared_notes

    board = make_board(is_moderated=False)
    writer, reader, late = app.test_client(), client, app.test_client()
    post_note(writer, board, text="ベンチを増やしてほしい")
    note = only_note()
    parts = {
        name: who.get(f"/b/{board.code}?part=notes").get_data(as_text=True)
        for name, who in (("writer", writer), ("reader", reader), ("late", late))
    }
    with app.test_request_context():
        assert len(shared_notes.kept().lists) == 1  # three fetches, one rendering
    own = '<span class="hint">あなたの付箋</span>'
    assert own in parts["writer"] and "共感する（+1）" not in parts["writer"]
    assert "共感する（+1）" in parts["reader"] and own not in parts["reader"]
    assert parts["reader"].count('name="csrf_token"') == 1
    assert "<!--like:" not in parts["reader"]

    # a 共感 is a new version: the count changes for everyone, the row only for the one who liked
    assert post_form(reader, f"/b/{board.code}/notes/{note.id}/like", {}).status_code == 303
    after_reader = reader.get(f"/b/{board.code}?part=notes").get_data(as_text=True)
    after_late = late.get(f"/b/{board.code}?part=notes").get_data(as_text=True)
    assert "共感 1" in after_reader and "共感しました" in after_reader
    assert "共感 1" in after_late and "共感する（+1）" in after_late
    with app.test_request_context():
        assert len(shared_notes.kept().lists) == 2
