"""A resident uses a live board, reads the published results and answers a questionnaire in
another language: the pages' own words are translated, the city's data stays in Japanese."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from tests.conftest import post_form
from tests.language_support import leftover_japanese
from tests.test_boards import NOTE, QUESTION, make_board, post_note  # noqa: F401
from tests.test_questionnaire_form import (
    answer_count,
    codes,
    comment_count,
    confirm,
    full_answer,
    survey,  # noqa: F401
)
from tests.test_questionnaires import DX_SURVEY
from tests.test_results import closed, published  # noqa: F401
from workshop.boards import shared_notes
from workshop.extensions import db
from workshop.models import Board, BoardNote, Consultation
from workshop.results.services import reading

NICKNAME = "みどり"
CITY = "みどり市"  # the city's name, in the header and footer


def board_data(board: Board) -> list[str]:
    """What the workshop's staff and the residents wrote: the title, the question, the tables'
    names, the notes and nicknames."""
    notes = db.session.scalars(select(BoardNote.body)).all()
    return [
        CITY,
        board.title or board.workshop.title,
        QUESTION,
        *(table.name for table in board.tables),
        *notes,
        NICKNAME,
    ]


def survey_data(consultation: Consultation) -> list[str]:
    """The city's questions and options as written (DX_SURVEY), the title and places."""
    data = [CITY, consultation.title, consultation.summary, *consultation.districts]
    data += [section.heading for section in consultation.sections]
    for question in DX_SURVEY["questions"]:
        data += [question["text"], question.get("help", ""), *question.get("options", [])]
        labels = question.get("labels", [])
        data += [f"{point}（{label}）" for point, label in zip((1, 5), labels, strict=False)]
        data += [f"「{option}」" for option in question.get("options", [])]
    return [value for value in data if value]


def questions_of(page: str) -> str:
    """The questionnaire's part of the comment form: its questions with their labels, hints,
    options and messages (the rest of the form is the consultation's, tested beside it)."""
    start = page.index('<div class="question')
    return page[start : page.index('for="body"', start)]


@pytest.mark.parametrize("lang", ["en", "zh", "ko", "vi", "pt"])
def test_the_board_pages_have_no_japanese_interface_text(client, make_board, lang):  # noqa: F811
    board = make_board(questions=(QUESTION, "公民館でやってみたいことは何ですか"))
    client.get(f"/?lang={lang}")
    join = client.get("/b").get_data(as_text=True)
    assert not leftover_japanese(join, [CITY]), leftover_japanese(join, [CITY], lang=lang)
    unknown = client.get("/b?code=XXXXXX")
    assert unknown.status_code == 404
    assert not leftover_japanese(unknown.get_data(as_text=True), [CITY])
    assert post_note(client, board).status_code == 303
    post_form(client, f"/b/{board.code}/nickname", {"nickname": NICKNAME})
    # someone else's note, to see the 共感 button
    other = client.application.test_client()
    other.get(f"/b/{board.code}?lang={lang}")
    post_form(other, f"/b/{board.code}/notes", {"text": "駅前にベンチを増やしてほしい"})
    page = client.get(f"/b/{board.code}").get_data(as_text=True)
    data = board_data(board)
    assert not leftover_japanese(page, data), leftover_japanese(page, data)
    part = client.get(f"/b/{board.code}?part=notes").get_data(as_text=True)
    html_tag = page[: page.index(">", page.index("<html")) + 1]  # the fragment's language
    assert not leftover_japanese(html_tag + part, data)
    note = db.session.scalars(select(BoardNote).where(BoardNote.body == NOTE)).one()
    edit = client.get(f"/b/{board.code}/notes/{note.id}/edit").get_data(as_text=True)
    assert not leftover_japanese(edit, data), leftover_japanese(edit, data)
    too_long = post_form(client, f"/b/{board.code}/notes/{note.id}/edit", {"text": "あ" * 141})
    assert too_long.status_code == 422
    assert not leftover_japanese(too_long.get_data(as_text=True), [*data, "あ" * 141])


def test_a_board_in_english_says_what_to_do_in_english(client, make_board):  # noqa: F811
    board = make_board()
    page = client.get(f"/b/{board.code}?lang=en").get_data(as_text=True)
    assert "Post a note" in page and "Everyone's notes" in page
    assert 'data-live-updated="Updated."' in page
    assert f'lang="ja">{QUESTION}' in page  # the question is read with a Japanese voice
    empty = post_note(client, board, text="  ")
    assert empty.status_code == 422
    assert "Please write something on the note." in empty.get_data(as_text=True)
    assert post_note(client, board).status_code == 303
    sent = client.get(f"/b/{board.code}").get_data(as_text=True)
    assert "Your note is posted." in sent
    assert db.session.scalar(select(func.count(BoardNote.id))) == 1


def test_everyones_notes_are_kept_per_language(client, make_board):  # noqa: F811
    """The list rendered once per board version is not served in another language."""
    board = make_board()
    post_note(client, board)
    shared_notes.forget()
    japanese = client.get(f"/b/{board.code}?lang=ja").get_data(as_text=True)
    english = client.get(f"/b/{board.code}?lang=en").get_data(as_text=True)
    assert "みんなの付箋" in japanese and "みんなの付箋" not in english
    assert "Everyone's notes" in english


def results_data(consultation: Consultation) -> list[str]:
    results = reading.published_results(consultation.slug)
    data = [CITY, consultation.title]
    for theme in results.themes:
        data += [theme.label, theme.summary, theme.response]
        data += [comment.text for comment in theme.comments]
    return data


@pytest.mark.parametrize("lang", ["en", "zh", "ko", "vi", "pt"])
def test_the_results_pages_have_no_japanese_interface_text(client, published, lang):  # noqa: F811
    client.get(f"/?lang={lang}")
    data = results_data(published)
    slug = published.slug
    for path in (
        f"/consultations/{slug}/results",
        f"/consultations/{slug}/results/print",
        f"/consultations/{slug}/results/themes/1",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        page = response.get_data(as_text=True)
        assert not leftover_japanese(page, data), (
            path,
            leftover_japanese(page, data),
        )


def test_results_not_yet_published_say_so_in_english(client, closed):  # noqa: F811
    response = client.get(f"/consultations/{closed.slug}/results?lang=en")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "Not published yet" in page
    assert not leftover_japanese(page, [CITY, closed.title])


def test_the_results_in_english_read_as_english(client, published):  # noqa: F811
    page = client.get(f"/consultations/{published.slug}/results?lang=en").get_data(as_text=True)
    assert "Summary of comments and the city's response" in page
    assert re.search(r"<td class=\"number\">\d+ comments?</td>", page)
    assert '<html lang="en"' in page


def test_the_questionnaire_form_and_paper_in_english(client, survey):  # noqa: F811
    client.get("/?lang=en")
    data = survey_data(survey)
    form = client.get(f"/consultations/{survey.slug}").get_data(as_text=True)
    assert "Q1 スマートフォンを使っていますか。 (required)" in form
    asked = questions_of(form)
    assert not leftover_japanese(asked, data), leftover_japanese(asked, data)
    paper = client.get(f"/consultations/{survey.slug}/paper").get_data(as_text=True)
    assert "Answer form" in paper
    receipt_space = re.search(r'<table class="receipt-space".*?</table>', paper, re.S)
    assert receipt_space and 'lang="ja"' in receipt_space.group(0)  # for the city's staff
    rest = paper.replace(receipt_space.group(0), "")
    assert not leftover_japanese(rest, data), leftover_japanese(rest, data)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"q_smartphone": ""}, "Please answer this question."),
        ({"q_smartphone": "no-such-option"}, "Please choose one of the options."),
        ({"q_years": "150"}, "Please enter a number from 0 to 100."),
        ({"q_years": "たくさん"}, "Please enter a number (for example 30)."),
    ],
)
def test_a_questionnaire_error_is_in_english(client, survey, change, message):  # noqa: F811
    client.get("/?lang=en")
    response = confirm(client, survey, full_answer(survey) | change)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in page
    data = [*survey_data(survey), "駐車場が狭い", "手続きを一度で済ませたい", "たくさん", "１２"]
    asked = questions_of(page)
    assert not leftover_japanese(asked, data), leftover_japanese(asked, data)
    assert comment_count() == 0 and answer_count() == 0


def test_easy_japanese_on_a_board_and_a_questionnaire(client, make_board, survey):  # noqa: F811
    board = make_board()
    page = client.get(f"/b/{board.code}?lang=easy").get_data(as_text=True)
    assert '<html lang="ja"' in page
    assert "<ruby>" in page and "ふせん" in page  # 付箋 read out
    assert not re.search(r'="[^"]*<ruby>', page)  # never inside an attribute
    phone = codes(survey, "smartphone")
    assert phone
    answered = confirm(client, survey, full_answer(survey) | {"q_smartphone": ""})
    assert answered.status_code == 422
    text = re.sub(r"<rt[^>]*>.*?</rt>|<[^>]+>", "", answered.get_data(as_text=True))
    assert "この 質問には 答えて ください。" in text
