"""A resident answers a consultation's questionnaire on the web: the form, its next step
without JavaScript, the confirmation page, the stored answers, the receipt; every bad input.
Staff enter a paper form with the same questions."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy import func, select

from tests.conftest import post_form
from tests.test_questionnaires import DX_SURVEY, load
from workshop.extensions import db
from workshop.models import Answer, Channel, Comment, Consultation, Question, Role

TOKEN = re.compile(r'name="submission_token" value="([^"]+)"')
FIRST_STEP = "smartphone trouble satisfaction years idea"


@pytest.fixture
def survey(app, make_consultation, tmp_path) -> Consultation:
    consultation = make_consultation()
    result = load(app, consultation.slug, DX_SURVEY, tmp_path)
    assert result.exit_code == 0, result.output
    return consultation


def codes(consultation: Consultation, key: str) -> dict[str, str]:
    """label -> code of a question's options."""
    question = db.session.scalars(
        select(Question).where(Question.consultation_id == consultation.id, Question.key == key)
    ).one()
    return {o.label: o.code for o in question.options}


def confirm(client, consultation, data: dict[str, Any]):
    return post_form(client, f"/consultations/{consultation.slug}/confirm", data)


def submit(client, consultation, data: dict[str, Any]):
    page = confirm(client, consultation, data).get_data(as_text=True)
    match = TOKEN.search(page)
    assert match, page
    return post_form(
        client,
        f"/consultations/{consultation.slug}/comments",
        {**data, "submission_token": match.group(1), "action": "submit"},
    )


def full_answer(consultation: Consultation) -> dict[str, Any]:
    phone = codes(consultation, "smartphone")
    trouble = codes(consultation, "trouble")
    return {
        "asked": FIRST_STEP,
        "q_smartphone": phone["毎日使っている"],
        "q_trouble": [trouble["窓口の待ち時間"], trouble["開庁時間"], "other"],
        "q_trouble_other": "駐車場が狭い",
        "q_satisfaction": "4",
        "q_years": "１２",  # full-width digits, as a phone's Japanese keyboard types them
        "q_idea": "手続きを一度で済ませたい",
        "body": "",
    }


def stored_rows(comment_id: int) -> list[tuple[str, str | None, Any, Any, Any]]:
    stmt = (
        select(Question.key, Answer.option_id, Answer.other_text, Answer.number_value)
        .join(Question, Answer.question_id == Question.id)
        .where(Answer.comment_id == comment_id)
    )
    return list(db.session.execute(stmt))


def answer_count() -> int:
    return db.session.scalar(select(func.count(Answer.id))) or 0


def comment_count() -> int:
    return db.session.scalar(select(func.count(Comment.id))) or 0


def test_the_form_shows_the_questions_in_order_and_hides_a_conditional_one(client, survey):
    page = client.get(f"/consultations/{survey.slug}").get_data(as_text=True)
    labels = [
        "問1　スマートフォンを使っていますか。（必須）",
        "問2　行政の手続き",
        "問3　市のホームページ",
    ]
    positions = [page.index(label) for label in labels]
    assert positions == sorted(positions)
    # 問5 is asked only of those who do not use a smartphone: in the page, hidden
    assert re.search(r'id="question-why_not"[^>]*data-show-if="smartphone"[^>]*hidden', page)
    assert "問1で「使っていない」と答えた方にお聞きします。" in page
    assert "1（使いにくい）" in page and "5（使いやすい）" in page
    assert "js/questionnaire.js" in page
    assert "そのほか、ご意見があればお書きください（任意）" in page


@pytest.mark.both_dbs
def test_answers_are_confirmed_stored_and_shown_on_the_receipt(client, survey):
    data = full_answer(survey)
    page = confirm(client, survey, data).get_data(as_text=True)
    assert "送信内容の確認" in page
    assert "窓口の待ち時間、開庁時間、その他（駐車場が狭い）" in page
    assert "4" in page and "12" in page
    assert answer_count() == 0  # the confirmation page stores nothing

    response = submit(client, survey, data)
    assert response.status_code == 303
    receipt = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "問2　行政の手続きで困ったことは何ですか。" in receipt
    assert "窓口の待ち時間、開庁時間、その他（駐車場が狭い）" in receipt
    assert "手続きを一度で済ませたい" in receipt

    comment = db.session.scalars(select(Comment)).one()
    assert comment.body == "" and comment.channel is Channel.WEB
    rows = stored_rows(comment.id)
    by_key: dict[str, list] = {}
    for key, option_id, other, number in rows:
        by_key.setdefault(key, []).append((option_id is not None, other, number))
    assert sorted(by_key["trouble"]) == [
        (False, "駐車場が狭い", None),
        (True, None, None),
        (True, None, None),
    ]
    assert by_key["satisfaction"] == [(True, None, 4.0)]
    assert by_key["years"] == [(False, None, 12.0)]
    assert "why_not" not in by_key  # not asked: its condition was not met
    text = db.session.scalar(select(Answer.text_value).where(Answer.text_value.is_not(None)))
    assert text == "手続きを一度で済ませたい"


def test_without_javascript_a_conditional_question_is_the_next_step(client, survey):
    data = full_answer(survey) | {"q_smartphone": codes(survey, "smartphone")["使っていない"]}
    step = confirm(client, survey, data)
    page = step.get_data(as_text=True)
    assert step.status_code == 200
    assert "追加の質問" in page and "送信内容の確認" not in page
    # now shown, and what was already answered is kept
    assert re.search(r'id="question-why_not"[^>]*>', page)
    assert not re.search(r'id="question-why_not"[^>]*hidden', page)
    assert 'value="駐車場が狭い"' in page
    asked = re.search(r'name="asked" type="hidden" value="([^"]*)"', page)
    assert asked and "why_not" in asked.group(1).split()

    data |= {"asked": asked.group(1), "q_why_not": "使い方を聞ける人が近くにいないからです。"}
    response = submit(client, survey, data)
    assert response.status_code == 303
    keys = {row[0] for row in stored_rows(db.session.scalars(select(Comment.id)).one())}
    assert "why_not" in keys


def test_with_javascript_the_question_shown_at_once_goes_straight_to_confirmation(client, survey):
    data = full_answer(survey) | {
        "q_smartphone": codes(survey, "smartphone")["使っていない"],
        "asked": FIRST_STEP + " why_not",  # the script added it when the choice was made
        "q_why_not": "画面の文字が小さくて読めません。",
    }
    page = confirm(client, survey, data).get_data(as_text=True)
    assert "送信内容の確認" in page and "画面の文字が小さくて読めません。" in page


def test_an_answer_to_a_question_not_called_for_is_dropped(client, survey):
    data = full_answer(survey) | {"q_why_not": "この答えは使われません。"}
    response = submit(client, survey, data)
    assert response.status_code == 303
    assert "この答えは使われません。" not in client.get(response.headers["Location"]).get_data(
        as_text=True
    )
    assert (
        db.session.scalar(select(func.count()).where(Answer.text_value.like("%使われません%"))) == 0
    )


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"q_smartphone": ""}, "q_smartphone", "この質問は回答が必要です。"),
        ({"q_smartphone": "no-such-option"}, "q_smartphone", "選択肢から選んでください。"),
        ({"q_satisfaction": "9"}, "q_satisfaction", "選択肢から選んでください。"),
        ({"q_years": "150"}, "q_years", "0から100までの数字で入力してください。"),
        ({"q_years": "たくさん"}, "q_years", "数字で入力してください"),
        (
            {"q_trouble_other": ""},
            "q_trouble",
            "「その他」を選んだときは、内容を入力してください。",
        ),
        ({"q_trouble_other": "あ" * 201}, "q_trouble", "200文字以内"),
        ({"q_idea": "い" * 201}, "q_idea", "200文字以内で入力してください（いま201文字です）。"),
    ],
)
def test_a_bad_answer_gets_its_message_by_the_field_and_nothing_is_stored(
    client, survey, change, field, message
):
    data = full_answer(survey) | change
    response = confirm(client, survey, data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in page
    # the message is linked to its question, and the summary links to it
    assert f'id="{field}-error"' in page
    assert re.search(rf'href="#{field}(-0)?"', page)
    # the other answers are kept as they were
    assert ('value="１２"' if field == "q_idea" else 'value="手続きを一度で済ませたい"') in page
    assert comment_count() == 0 and answer_count() == 0


@pytest.mark.both_dbs
def test_a_response_may_be_answers_only_but_not_empty(client, survey):
    nothing = {"asked": FIRST_STEP, "body": ""}
    required_missing = confirm(client, survey, nothing).get_data(as_text=True)
    assert "この質問は回答が必要です。" in required_missing

    page = confirm(client, survey, full_answer(survey)).get_data(as_text=True)
    assert "送信内容の確認" in page and "回答なし" in page  # the empty ご意見


def test_a_tampered_final_post_is_checked_again(client, survey):
    data = full_answer(survey)
    page = confirm(client, survey, data).get_data(as_text=True)
    token = TOKEN.search(page).group(1)  # type: ignore[union-attr]
    response = post_form(
        client,
        f"/consultations/{survey.slug}/comments",
        data | {"q_years": "-5", "submission_token": token, "action": "submit"},
    )
    assert response.status_code == 422
    assert "0から100までの数字で入力してください。" in response.get_data(as_text=True)
    assert comment_count() == 0 and answer_count() == 0


def test_script_in_an_answer_is_stored_as_typed_and_shown_escaped(client, survey):
    payload = '<script>alert("x")</script>'
    data = full_answer(survey) | {"q_idea": payload, "q_trouble_other": payload}
    page = confirm(client, survey, data).get_data(as_text=True)
    assert payload not in page and "&lt;script&gt;" in page
    response = submit(client, survey, data)
    receipt = client.get(response.headers["Location"]).get_data(as_text=True)
    assert payload not in receipt
    assert (
        db.session.scalar(select(Answer.text_value).where(Answer.text_value.is_not(None)))
        == payload
    )


def test_an_option_hidden_by_staff_is_no_longer_offered_or_accepted(client, survey):
    question = db.session.scalars(select(Question).where(Question.key == "trouble")).one()
    hidden = question.options[0]
    hidden.is_hidden = True
    db.session.commit()
    page = client.get(f"/consultations/{survey.slug}").get_data(as_text=True)
    assert "窓口の待ち時間" not in page
    response = confirm(client, survey, full_answer(survey) | {"q_trouble": [hidden.code]})
    assert response.status_code == 422


@pytest.mark.both_dbs
def test_staff_enter_a_paper_form_with_every_question_and_none_required(client, survey, login):
    login(Role.PLANNER)
    path = f"/staff/consultations/{survey.id}/comments/new"
    page = client.get(path).get_data(as_text=True)
    # every question is shown to staff, the conditional one too (a paper form has them all)
    assert "問5　スマートフォンを使わない理由" in page
    assert not re.search(r'id="question-why_not"[^>]*hidden', page)
    today = db.session.get(Consultation, survey.id).opens_on.isoformat()  # type: ignore[union-attr]
    phone = codes(survey, "smartphone")
    response = post_form(
        client,
        path,
        {
            "channel": Channel.PAPER.value,
            "received_on": today,
            "body": "紙の申請書は残してください。",
            # 問1 left empty on paper is entered as it is; 問4 written with a comma
            "q_years": "1,0",
            "q_why_not": "ここは問1が空なので使われません。",
            "q_satisfaction": "2",
        },
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    comment = db.session.scalars(select(Comment)).one()
    assert comment.channel is Channel.PAPER
    keys = sorted(row[0] for row in stored_rows(comment.id))
    assert keys == ["satisfaction", "years"]
    assert phone  # the required question was left empty and nothing refused it


def test_a_consultation_without_questions_keeps_its_form(client, make_consultation):
    consultation = make_consultation()
    page = client.get(f"/consultations/{consultation.slug}").get_data(as_text=True)
    assert "questionnaire.js" not in page and 'name="asked"' not in page
    response = confirm(client, consultation, {"body": ""})
    assert response.status_code == 422
    assert "ご意見を入力してください。" in response.get_data(as_text=True)


@pytest.mark.both_dbs
def test_a_response_of_answers_only_is_not_read_by_the_theme_analysis(client, survey):
    from workshop.themes.services.tokens import comment_bodies

    submit(client, survey, full_answer(survey))
    submit(client, survey, full_answer(survey) | {"body": "窓口の待ち時間を短くしてください。"})
    bodies = [row.body for row in comment_bodies(survey.id)]
    assert comment_count() == 2
    assert bodies == ["窓口の待ち時間を短くしてください。"]
