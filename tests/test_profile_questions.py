"""年代・お住まいの地区・市との関係 as ordinary choice questions of every consultation: the city
changes their options on the questions page, residents answer them on the comment form as
before, and they are counted, filtered and cross-tabulated like any choice question."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from tests.conftest import post_form
from tests.test_consultations import confirm, submit
from tests.test_questionnaires import DX_SURVEY, load, questions_of
from workshop.consultations import services as consultation_services
from workshop.extensions import db
from workshop.models import AgeGroup, Channel, Comment, Consultation, Profile, QuestionOption, Role
from workshop.questionnaires.services import AnswerInput, profile_labels
from workshop.timeutil import today_tokyo


def questions_page(consultation: Consultation) -> str:
    return f"/staff/consultations/{consultation.id}/questions"


def about(consultation_id: int, profile: Profile) -> Any:
    db.session.expire_all()
    found = db.session.get(Consultation, consultation_id)
    assert found is not None
    question = found.profile_question(profile)
    assert question is not None
    return question


def option_id(question: Any, label: str) -> int:
    return next(o.id for o in question.options if o.label == label)


def paper(consultation: Consultation, **about_them: Any) -> Comment:
    return consultation_services.enter_comment(
        consultation.id,
        consultation_services.CommentInput(body="紙で届いた意見です。", **about_them),
        channel=Channel.PAPER,
        received_on=today_tokyo(),
        staff_id=None,
    )


def test_every_new_consultation_asks_the_three_with_the_first_options(make_consultation):
    consultation = make_consultation()
    keys = [(q.key, q.profile, q.is_attribute) for q in consultation.profile_questions]
    assert keys == [
        ("age_group", Profile.AGE_GROUP, True),
        ("district", Profile.DISTRICT, True),
        ("relation", Profile.RELATION, True),
    ]
    assert consultation.questions == []  # no questionnaire: the form is as it always was
    ages = [o.label for o in about(consultation.id, Profile.AGE_GROUP).options]
    assert ages[0] == "10代以下" and ages[-1] == "80代以上" and len(ages) == 8
    assert consultation.districts == ["中央地区", "北山地区", "南浜地区"]


@pytest.mark.both_dbs
def test_a_planner_adds_an_age_group_and_residents_choose_it(client, login, make_consultation):
    consultation = make_consultation()
    login(Role.PLANNER)
    question = about(consultation.id, Profile.AGE_GROUP)
    page = client.get(questions_page(consultation)).get_data(as_text=True)
    assert "あなたについての質問" in page and "「年代」に追加する選択肢" in page
    response = post_form(
        client, f"{questions_page(consultation)}/{question.id}/options", {"label": "90代以上"}
    )
    assert response.status_code == 303
    question = about(consultation.id, Profile.AGE_GROUP)
    added = question.options[-1]
    assert added.label == "90代以上" and added.code not in {"", "80_plus"}
    client.get("/staff/logout")
    form = client.get(f"/consultations/{consultation.slug}").get_data(as_text=True)
    assert f'<option value="{added.code}">90代以上</option>' in form
    page = confirm(client, consultation, age_group=added.code).get_data(as_text=True)
    assert "<dd>90代以上</dd>" in page
    assert submit(client, consultation, age_group=added.code).status_code == 303
    comment = db.session.scalars(select(Comment)).one()
    assert profile_labels([comment.id])[comment.id] == {Profile.AGE_GROUP: "90代以上"}


def test_a_district_in_use_is_hidden_not_deleted_and_the_form_stops_offering_it(
    client, login, make_consultation
):
    consultation = make_consultation()
    paper(consultation, district="北山地区")
    login(Role.PLANNER)
    question = about(consultation.id, Profile.DISTRICT)
    north, south = option_id(question, "北山地区"), option_id(question, "南浜地区")
    url = f"{questions_page(consultation)}/{question.id}/options"
    page = client.get(questions_page(consultation)).get_data(as_text=True)
    assert "回答で選ばれているため削除できません。" in page
    refused = post_form(client, f"{url}/{north}/delete", {}, follow_redirects=True)
    assert "回答が" in refused.get_data(as_text=True)
    assert post_form(client, f"{url}/{north}/hide", {}).status_code == 303
    deleted = post_form(client, f"{url}/{south}/delete", {}, follow_redirects=True)
    assert "選択肢「南浜地区」を削除しました。" in deleted.get_data(as_text=True)  # never chosen
    question = about(consultation.id, Profile.DISTRICT)
    assert [(o.label, o.is_hidden) for o in question.options] == [
        ("中央地区", False),
        ("北山地区", True),
    ]
    form = client.get(f"/consultations/{consultation.slug}").get_data(as_text=True)
    assert "中央地区" in form and "北山地区" not in form
    # the answer keeps its meaning: still 北山地区 in the list and its filter
    listed = client.get(f"/staff/consultations/{consultation.id}/comments?district=北山地区")
    assert "紙で届いた意見です。" in listed.get_data(as_text=True)


def test_the_consultation_form_lists_districts_and_hides_one_in_use(
    client, login, make_consultation
):
    consultation = make_consultation()
    paper(consultation, district="南浜地区")
    consultation_services.update_consultation(
        consultation.id,
        consultation_services.ConsultationInput(
            slug=consultation.slug,
            title=consultation.title,
            opens_on=consultation.opens_on,
            closes_on=consultation.closes_on,
            receipt_prefix=consultation.receipt_prefix,
            districts=("港町地区", "中央地区"),
        ),
    )
    question = about(consultation.id, Profile.DISTRICT)
    assert [(o.label, o.is_hidden) for o in question.options] == [
        ("港町地区", False),
        ("中央地区", False),
        ("南浜地区", True),  # answered: hidden, not deleted
    ]
    assert db.session.get(Consultation, consultation.id).districts == [
        "港町地区",
        "中央地区",
    ]


def test_a_district_outside_the_list_is_refused_and_nothing_is_stored(client, make_consultation):
    consultation = make_consultation()
    page = confirm(client, consultation, district="月面地区")
    assert page.status_code == 422
    with pytest.raises(consultation_services.CommentInvalid):
        paper(consultation, district="月面地区")
    with pytest.raises(consultation_services.CommentInvalid):
        paper(consultation, age_group="200s")
    assert db.session.scalars(select(Comment)).all() == []


def test_without_a_list_a_typed_district_is_kept_as_a_hidden_option(make_consultation):
    consultation = make_consultation(districts=())
    first = paper(consultation, district="港町")
    second = paper(consultation, district="港町")
    question = about(consultation.id, Profile.DISTRICT)
    assert [(o.label, o.is_hidden) for o in question.options] == [("港町", True)]
    labels = profile_labels([first.id, second.id])
    assert labels[first.id] == labels[second.id] == {Profile.DISTRICT: "港町"}


def test_the_questions_about_the_respondent_cannot_be_edited_moved_or_deleted(
    client, login, make_consultation
):
    consultation = make_consultation()
    login(Role.PLANNER)
    question = about(consultation.id, Profile.RELATION)
    base = f"{questions_page(consultation)}/{question.id}"
    assert client.get(f"{base}/edit").status_code == 404
    assert post_form(client, f"{base}/delete", {}).status_code == 404
    assert post_form(client, f"{base}/up", {}).status_code == 404
    assert len(about(consultation.id, Profile.RELATION).options) == 4


def test_a_questionnaire_may_use_the_key_age_group(app, make_consultation, tmp_path):
    """A city's own question keyed age_group takes the key; the question about the respondent
    moves aside to age_group_2, and its answers stay."""
    consultation = make_consultation()
    kept = paper(consultation, age_group="30s")
    survey = {"questions": [{"key": "age_group", "type": "number", "text": "年齢を教えてください"}]}
    result = load(app, consultation.slug, survey, tmp_path, "age.json")
    assert result.exit_code == 0, result.output
    question = about(consultation.id, Profile.AGE_GROUP)
    assert question.key == "age_group_2"
    assert profile_labels([kept.id])[kept.id] == {Profile.AGE_GROUP: "30代"}


@pytest.mark.both_dbs
def test_age_group_cross_tabulates_with_a_question_of_the_questionnaire(
    app, client, login, make_consultation, tmp_path
):
    consultation = make_consultation()
    load(app, consultation.slug, DX_SURVEY, tmp_path)
    smartphone = next(q for q in questions_of(consultation.id) if q.key == "smartphone")
    code_of = {o.label: o.code for o in smartphone.options}
    for age, use in (("70s", "使っていない"), ("70s", "使っていない"), ("30s", "毎日使っている")):
        consultation_services.enter_comment(
            consultation.id,
            consultation_services.CommentInput(
                body="",
                age_group=age,
                answers=(AnswerInput("smartphone", (code_of[use],)),),
            ),
            channel=Channel.PAPER,
            received_on=today_tokyo(),
            staff_id=None,
        )
    login(Role.PLANNER)
    page = client.get(
        f"/staff/consultations/{consultation.id}/results/questions",
        query_string={"row": "age_group", "column": "smartphone"},
    ).get_data(as_text=True)
    assert "年代 × " in page and "（両方に答えた人 3人）" in page
    assert f'data-cell="70s:{code_of["使っていない"]}">2' in page


def test_line_settings_this_consultation_does_not_offer_are_left_out_not_refused(
    make_consultation,
):
    """LINE asks 年代・地区 once for every consultation; a comment to one whose city deleted
    that age group, or does not list that district, is taken without them."""
    from workshop.line import conversation as talk
    from workshop.line.services.processing import store_comment
    from workshop.questionnaires import services as questionnaires

    consultation = make_consultation()
    question = about(consultation.id, Profile.AGE_GROUP)
    questionnaires.delete_option(consultation.id, question.id, option_id(question, "10代以下"))
    submit = talk.Submit(
        consultation.id, "通学路の街灯を増やしてほしい。", AgeGroup.UNDER_20, "港町"
    )
    reply = store_comment(submit, "01HZ0EXAMPLE000000000000009")
    comment = db.session.scalars(select(Comment)).one()
    assert comment.receipt_no in reply.text
    assert profile_labels([comment.id]) == {}


def test_the_paper_form_in_another_language_keeps_an_added_age_group_in_japanese(
    client, make_consultation
):
    """The first age groups are printed in the reader's language; one the city added is its
    own Japanese, marked lang="ja" (a screen reader reads it with a Japanese voice)."""
    consultation = make_consultation()
    question = about(consultation.id, Profile.AGE_GROUP)
    question.options.append(QuestionOption(code="90_plus", label="90代以上", position=99))
    db.session.commit()
    english = client.get(f"/consultations/{consultation.slug}/paper?lang=en")
    page = english.get_data(as_text=True)
    assert "</span>20s</li>" in page
    assert '</span><span lang="ja">90代以上</span></li>' in page
    japanese = client.get(f"/consultations/{consultation.slug}/paper?lang=ja")
    page = japanese.get_data(as_text=True)
    assert "</span>20代</li>" in page and "</span>90代以上</li>" in page
