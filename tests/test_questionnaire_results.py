"""Planners read a questionnaire's results: counts per question (SQL), a cross tab of two choice
questions, the page with its charts and tables, the cross tab's CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

import pytest
from flask import current_app
from flask.testing import FlaskClient

from tests.conftest import past
from workshop.consultations import services as consultations
from workshop.extensions import db
from workshop.models import (
    Answer,
    Channel,
    Consultation,
    Outcome,
    Profile,
    Question,
    QuestionOption,
    Role,
)
from workshop.questionnaires import services as questionnaires
from workshop.results.services import publishing, questionnaire, writing
from workshop.results.tallies import summarise
from workshop.themes import services as themes
from workshop.themes.levels import Level

DX_QUESTIONS = {
    "questions": [
        {"key": "age", "type": "single", "text": "年代", "attribute": True,
         "options": [{"code": "young", "label": "30代以下"}, {"code": "old", "label": "60代以上"}]},
        {"key": "smartphone", "type": "single", "text": "スマートフォンを使っていますか",
         "options": [{"code": "daily", "label": "毎日使っている"},
                     {"code": "never", "label": "使っていない"}]},
        {"key": "troubles", "type": "multiple", "other": True,
         "text": "市役所の手続きで困ったことは何ですか（いくつでも）",
         "options": [{"code": "hours", "label": "窓口の開いている時間に行けない"},
                     {"code": "forms", "label": "書類の書き方がわからない"},
                     {"code": "online", "label": "オンライン申請のやり方がわからない"}]},
        {"key": "satisfaction", "type": "scale", "text": "市のデジタル化への満足度",
         "min": 1, "max": 5, "labels": ["不満", "満足"]},
        {"key": "minutes", "type": "number", "text": "1日にスマートフォンを使う時間（分）",
         "min": 0, "max": 1440},
        {"key": "trouble_text", "type": "free_text", "text": "困っていることをお書きください"},
    ]
}  # fmt: skip

# age, smartphone, troubles (「その他」 as text), satisfaction, minutes, free text
RESPONSES: list[tuple[str, str, list[str], int, int | None, str]] = [
    ("young", "daily", ["online"], 4, 120, "電子申請の画面が見づらく、途中で入力が消えました。"),
    ("young", "daily", ["hours", "online"], 5, 200, ""),
    ("old", "never", ["hours", "forms"], 2, None, "窓口が平日しか開いていないので困ります。"),
    ("old", "never", ["forms", "その他:電話がつながらない"], 1, None, ""),
    ("old", "daily", ["hours"], 3, 30, "書類を何枚も書くのが大変です。"),
]


def set_up_questionnaire(consultation: Consultation) -> dict[str, Question]:
    questionnaires.apply_questionnaire(consultation.id, questionnaires.parse_file(DX_QUESTIONS))
    db.session.expire_all()
    return {q.key: q for q in questionnaire.questions_of(consultation.id)}


def add_response(consultation: Consultation, questions: dict[str, Question], row: tuple) -> None:
    age, phone, troubles, satisfaction, minutes, text = row
    with current_app.test_request_context():
        comment = consultations.enter_comment(
            consultation.id,
            consultations.CommentInput(body=text or "特にありません。"),
            channel=Channel.PAPER,
            received_on=past(3),
            staff_id=None,
        )
    answers: list[dict[str, Any]] = []

    def choose(key: str, code: str, **values: Any) -> None:
        option = questions[key].option_by_code(code)
        assert option is not None, (key, code)
        answers.append({"question_id": questions[key].id, "option_id": option.id, **values})

    choose("age", age)
    choose("smartphone", phone)
    for trouble in troubles:
        if trouble.startswith("その他:"):
            answers.append(
                {"question_id": questions["troubles"].id, "other_text": trouble.split(":")[1]}
            )
        else:
            choose("troubles", trouble)
    choose("satisfaction", str(satisfaction), number_value=satisfaction)
    if minutes is not None:
        answers.append({"question_id": questions["minutes"].id, "number_value": minutes})
    if text:
        answers.append({"question_id": questions["trouble_text"].id, "text_value": text})
    for values in answers:
        db.session.add(Answer(comment_id=comment.id, **values))
    db.session.commit()


@pytest.fixture
def survey(make_consultation: Callable[..., Consultation]) -> Consultation:
    consultation = make_consultation(slug="dx-survey")
    questions = set_up_questionnaire(consultation)
    for row in RESPONSES:
        add_response(consultation, questions, row)
    return consultation


def by_key(consultation: Consultation) -> dict[str, questionnaire.QuestionResult]:
    return {r.question.key: r for r in questionnaire.question_results(consultation.id)}


@pytest.mark.both_dbs
def test_counts_per_question_with_those_who_answered(survey: Consultation) -> None:
    results = by_key(survey)
    phone = results["smartphone"].tally
    assert phone is not None and phone.answered == 5
    assert [(o.label, o.count, phone.percent(o)) for o in phone.options] == [
        ("毎日使っている", 3, "60.0%"),
        ("使っていない", 2, "40.0%"),
    ]
    troubles = results["troubles"].tally
    assert troubles is not None and troubles.is_multiple and troubles.answered == 5
    assert [(o.code, o.count, troubles.percent(o)) for o in troubles.options] == [
        ("hours", 3, "60.0%"),
        ("forms", 2, "40.0%"),
        ("online", 2, "40.0%"),
        ("", 1, "20.0%"),  # その他
    ]
    scale = results["satisfaction"].tally
    assert scale is not None and scale.mean == pytest.approx(3.0)
    assert [o.count for o in scale.options] == [1, 1, 1, 1, 1]
    minutes = results["minutes"].summary
    assert minutes == summarise([120, 200, 30], key="minutes", text=minutes.text)
    assert (minutes.n, minutes.q1, minutes.median, minutes.q3) == (3, 75, 120, 160)
    assert results["trouble_text"].answered == 3


@pytest.mark.both_dbs
def test_cross_tab_counts_respondents_not_choices(survey: Consultation) -> None:
    tab = questionnaire.cross_tab(survey.id, "smartphone", "age")
    assert tab.count("daily", "young") == 2 and tab.count("never", "old") == 2
    assert [(o.code, o.count) for o in tab.rows] == [("daily", 3), ("never", 2)]
    assert [(o.code, o.count) for o in tab.columns] == [("young", 2), ("old", 3)]
    assert tab.row_share("never", "old") == 1.0 and tab.column_share("daily", "old") == 1 / 3
    # a multiple choice as rows: 5 respondents, though the cells add up to 8 choices
    multi = questionnaire.cross_tab(survey.id, "troubles", "smartphone")
    assert multi.total == 5 and sum(multi.counts.values()) == 8
    assert [(o.code, o.count) for o in multi.rows] == [
        ("hours", 3), ("forms", 2), ("online", 2), ("", 1),
    ]  # fmt: skip
    assert multi.count("", "never") == 1 and multi.row_share("hours", "daily") == 2 / 3


def test_cross_tab_refuses_text_questions_and_the_same_question_twice(survey: Consultation) -> None:
    with pytest.raises(questionnaire.NotAChoiceQuestion):
        questionnaire.cross_tab(survey.id, "smartphone", "trouble_text")
    with pytest.raises(questionnaire.NotAChoiceQuestion):
        questionnaire.cross_tab(survey.id, "age", "age")
    with pytest.raises(questionnaire.NotAChoiceQuestion):
        questionnaire.cross_tab(survey.id, "age", "no_such_question")


def test_the_page_shows_a_chart_and_a_table_per_question(
    client: FlaskClient, login: Callable[..., Any], survey: Consultation
) -> None:
    login(Role.PLANNER)
    response = client.get(f"/staff/consultations/{survey.id}/results/questions")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    # the questionnaire's five choice questions, then 年代, 地区 and 関係; a cross tab when asked
    assert page.count('<svg class="chart"') == 5 + 3
    assert '<td class="number" data-cell="daily:share">60.0%</td>' in page
    assert "割合は回答者数に対する割合、複数回答のため合計は100%を超えます。" in page
    assert "記入した人 3人" in page
    assert "中央値" in page and '<td class="number">75</td>' in page
    # the cross tab's form suggests the attribute 年代 by the next question
    assert '<option selected value="age">年代</option>' in page
    assert '<option selected value="smartphone">スマートフォンを使っていますか</option>' in page
    assert "両方に答えた人" not in page
    page = client.get(
        f"/staff/consultations/{survey.id}/results/questions?row=age&column=smartphone"
    ).get_data(as_text=True)
    assert "年代 × スマートフォンを使っていますか（両方に答えた人 5人）" in page
    assert 'data-cell="old:never">2' in page


def test_cross_tab_chosen_on_the_page_and_downloaded_as_csv(
    client: FlaskClient, login: Callable[..., Any], survey: Consultation
) -> None:
    login(Role.PLANNER)
    base = f"/staff/consultations/{survey.id}/results"
    page = client.get(f"{base}/questions?row=troubles&column=smartphone").get_data(as_text=True)
    assert (
        "市役所の手続きで困ったことは何ですか（いくつでも） × スマートフォンを使っていますか"
        in page
    )
    assert 'data-cell="hours:daily">2' in page
    response = client.get(f"{base}/crosstab.csv?row=troubles&column=smartphone")
    assert response.status_code == 200
    assert response.data.startswith(b"\xef\xbb\xbf")
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][4:] == ["回答者数", "行の割合(%)", "列の割合(%)"]
    assert [
        "hours",
        "窓口の開いている時間に行けない",
        "daily",
        "毎日使っている",
        "2",
        "66.7",
        "66.7",
    ] in rows
    assert ["", "その他", "never", "使っていない", "1", "100.0", "50.0"] in rows


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("row=age&column=age", "行と列には違う質問を選んでください。"),
        ("row=trouble_text&column=age", "一覧から選んでください"),
        ("row=%3Cscript%3Ealert(1)%3C/script%3E&column=age", "一覧から選んでください"),
        ("row=&column=age", "行の質問を選んでください。"),
        ("row=年代&column=ｓｍａｒｔｐｈｏｎｅ", "一覧から選んでください"),
    ],
)
def test_a_bad_cross_tab_choice_is_said_by_the_field(
    client: FlaskClient, login: Callable[..., Any], survey: Consultation, query: str, message: str
) -> None:
    login(Role.PLANNER)
    response = client.get(f"/staff/consultations/{survey.id}/results/questions?{query}")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page
    assert "<script>alert(1)" not in page
    assert "市のデジタル化への満足度" in page  # the rest of the page is still there


@pytest.mark.parametrize(
    "query", ["row=age&column=age", "row=minutes&column=age", "row=age", "row=x&column=y"]
)
def test_a_bad_cross_tab_csv_is_refused(
    client: FlaskClient, login: Callable[..., Any], survey: Consultation, query: str
) -> None:
    login(Role.PLANNER)
    response = client.get(f"/staff/consultations/{survey.id}/results/crosstab.csv?{query}")
    assert response.status_code in (400, 422)
    assert not response.data.startswith(b"\xef\xbb\xbf")


def test_a_consultation_without_questions_says_so(
    client: FlaskClient, login: Callable[..., Any], make_consultation: Callable[..., Consultation]
) -> None:
    login(Role.PLANNER)
    consultation = make_consultation()
    page = client.get(f"/staff/consultations/{consultation.id}/results/questions")
    assert page.status_code == 200
    assert "この意見募集にはアンケートの質問がありません。" in page.get_data(as_text=True)


def test_results_are_for_planners(
    client: FlaskClient, login: Callable[..., Any], survey: Consultation
) -> None:
    path = f"/staff/consultations/{survey.id}/results/questions"
    assert client.get(path).status_code == 302  # to the login page
    assert (
        client.get(
            f"/staff/consultations/{survey.id}/results/crosstab.csv?row=age&column=smartphone"
        ).status_code
        == 302
    )
    login(Role.FACILITATOR)
    assert client.get(path).status_code == 403
    assert client.get("/staff/consultations/9999/results/questions").status_code in (403, 404)


def test_hidden_options_with_answers_stay_in_the_counts(survey: Consultation) -> None:
    question = by_key(survey)["troubles"].question
    hidden = question.option_by_code("forms")
    assert hidden is not None
    hidden.is_hidden = True
    db.session.commit()
    tally = by_key(survey)["troubles"].tally
    assert tally is not None and ("forms", 2) in [(o.code, o.count) for o in tally.options]


def test_themes_of_the_comments_split_by_a_choice_question(
    client: FlaskClient, login: Callable[..., Any], survey: Consultation
) -> None:
    login(Role.PLANNER)
    path = f"/staff/consultations/{survey.id}/results/questions"
    assert "意見欄の意見は、まだテーマに分けていません" in client.get(path).get_data(as_text=True)
    job = themes.start_analysis(survey.id, how="inline", k=2)
    analysis = themes.latest_analysis(survey.id)
    assert analysis is not None, job.error
    split = questionnaire.themes_by_question(analysis, "smartphone")
    assert [(o.code, o.count) for o in split.rows] == [("daily", 3), ("never", 2)]
    # each comment is in one theme: a row's cells add up to its respondents, 100% of them
    for row in split.rows:
        assert sum(split.count(row.code, c.code) for c in split.columns) == row.count
        assert sum(split.row_share(row.code, c.code) for c in split.columns) == pytest.approx(1)
    assert sum(c.count for c in split.columns) == split.total == 5

    response = client.get(f"{path}?by=smartphone&level=small")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "スマートフォンを使っていますか × テーマ（両方に答えた人 5人）" in page
    for theme in analysis.themes:
        assert f'<th scope="col">{theme.label}</th>' in page
    # the large themes by default: each column sums its themes'
    assert analysis.large_themes
    large = questionnaire.themes_by_question(analysis, "smartphone", Level.LARGE)
    assert [c.label for c in large.columns][: len(analysis.large_themes)] == [
        t.label for t in analysis.large_themes
    ]
    assert sum(c.count for c in large.columns) == split.total == large.total
    page = client.get(f"{path}?by=smartphone").get_data(as_text=True)
    for theme in analysis.large_themes:
        assert f'<th scope="col">{theme.label}</th>' in page
    # a multiple choice: its respondents counted once per option they chose
    troubles = questionnaire.themes_by_question(analysis, "troubles")
    assert [(o.code, o.count) for o in troubles.rows] == [
        ("hours", 3), ("forms", 2), ("online", 2), ("", 1),
    ]  # fmt: skip
    refused = client.get(f"{path}?by=trouble_text")
    assert refused.status_code == 422 and "一覧から選んでください。" in refused.get_data(
        as_text=True
    )


def publish_with_responses(consultation: Consultation) -> None:
    """Analyse the comments and publish the results, each theme with the city's response."""
    themes.start_analysis(consultation.id, how="inline", k=2)
    analysis = themes.latest_analysis(consultation.id)
    assert analysis is not None
    for theme in analysis.themes:
        writing.save_response(
            consultation.id,
            theme.id,
            writing.ResponseInput(
                summary="手続きについてのご意見をいただきました。",
                response="窓口とオンラインの両方で手続きできるようにします。",
                outcome=Outcome.PARTLY,
            ),
            staff_id=None,
        )
    publishing.publish(consultation.id, analysis.id, staff_id=None)


def test_the_published_results_show_the_choice_charts_beside_the_themes(
    client: FlaskClient, make_consultation: Callable[..., Consultation]
) -> None:
    consultation = make_consultation(slug="dx-closed", opens_on=past(40), closes_on=past(1))
    questions = set_up_questionnaire(consultation)
    for row in RESPONSES:
        add_response(consultation, questions, row)
    assert themes.latest_analysis(consultation.id) is None
    publish_with_responses(consultation)
    page = client.get("/consultations/dx-closed/results").get_data(as_text=True)
    assert "アンケートの結果" in page
    # choices, the scale, the number, then 年代, 地区 and 関係
    assert page.count('<svg class="chart"') == 5 + 3
    assert '<td class="number" data-cell="daily:share">60.0%</td>' in page
    assert "意見の概要と市の考え方" in page
    # the answers of the free-text question are not published on this page
    assert "電子申請の画面が見づらく" not in page.split("お寄せいただいたご意見（テーマごと）")[0]


def test_in_another_language_the_citys_own_options_about_the_respondent_stay_japanese(
    client: FlaskClient, make_consultation: Callable[..., Consultation]
) -> None:
    """年代 in English reads 20s, but an age group the city added (90代以上) and its districts
    are the city's Japanese: shown as written, marked lang="ja" for a screen reader's voice."""
    consultation = make_consultation(slug="dx-ages", opens_on=past(40), closes_on=past(1))
    questions = set_up_questionnaire(consultation)
    for row in RESPONSES:
        add_response(consultation, questions, row)
    ages = consultation.profile_question(Profile.AGE_GROUP)
    assert ages is not None
    ages.options.append(QuestionOption(code="90_plus", label="90代以上", position=99))
    db.session.commit()
    for age_group in ("90代以上", "20代"):
        with current_app.test_request_context():
            consultations.enter_comment(
                consultation.id,
                consultations.CommentInput(
                    body="窓口の手続きをもっと早くしてほしい。",
                    age_group=age_group,
                    district="北山地区",
                ),
                channel=Channel.PAPER,
                received_on=past(3),
                staff_id=None,
            )
    publish_with_responses(consultation)
    page = client.get("/consultations/dx-ages/results?lang=en").get_data(as_text=True)
    assert '<th scope="row">20s</th>' in page
    assert '<th scope="row"><span lang="ja">90代以上</span></th>' in page
    assert '<th scope="row"><span lang="ja">北山地区</span></th>' in page
    japanese = client.get("/consultations/dx-ages/results?lang=ja").get_data(as_text=True)
    assert '<th scope="row">90代以上</th>' in japanese and '<th scope="row">20代</th>' in japanese
