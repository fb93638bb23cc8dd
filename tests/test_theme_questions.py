"""Themes split by the questionnaire's choice questions: 「困っていること」 of those who answered
「スマホを使っていない」, as a cross table, a CSV and a comparison of two groups."""

from __future__ import annotations

import csv
import io

import pytest

from tests.test_theme_pages import analysed, analysis_url, cell  # noqa: F401 (a fixture)
from workshop.extensions import db
from workshop.models import Answer, Role
from workshop.questionnaires import services as questionnaires
from workshop.themes import stats

QUESTIONS = {
    "questions": [
        {"key": "smartphone", "type": "single", "text": "スマートフォンを使っていますか",
         "options": [{"code": "daily", "label": "毎日使っている"},
                     {"code": "never", "label": "使っていない"}]},
        {"key": "troubles", "type": "multiple", "other": True,
         "text": "市役所の手続きで困ったこと（いくつでも）",
         "options": [{"code": "hours", "label": "窓口の時間に行けない"},
                     {"code": "forms", "label": "書類の書き方がわからない"},
                     {"code": "online", "label": "オンライン申請がわからない"}]},
        {"key": "minutes", "type": "number", "text": "1日にスマートフォンを使う時間（分）"},
        {"key": "wish", "type": "free_text", "text": "市へのご要望"},
    ]
}  # fmt: skip

# by comment (the fixture's 8 smartphone comments, then its 8 disaster comments):
# the smartphone question, and the troubles chosen ("other:..." is the その他 box)
SMARTPHONE = ["never"] * 5 + ["daily", "daily", None] + ["daily"] * 6 + ["never", None]
TROUBLES = [
    ["hours", "forms"],
    ["forms"],
    ["forms", "online"],
    ["other:電話がつながらない"],
    [],
    [],
    [],
    [],
    ["online"],
    ["online", "hours"],
] + [[]] * 6


@pytest.fixture
def answered(analysed):  # noqa: F811
    consultation, analysis, phone, disaster, ids = analysed
    questionnaires.apply_questionnaire(consultation.id, questionnaires.parse_file(QUESTIONS))
    db.session.expire_all()
    questions = {q.key: q for q in consultation.questions}
    for comment_id, phone_answer, troubles in zip(ids, SMARTPHONE, TROUBLES, strict=True):
        if phone_answer:
            option = questions["smartphone"].option_by_code(phone_answer)
            db.session.add(Answer(comment_id=comment_id, question_id=option.question_id,
                                  option_id=option.id))  # fmt: skip
        for trouble in troubles:
            if trouble.startswith("other:"):
                db.session.add(
                    Answer(
                        comment_id=comment_id,
                        question_id=questions["troubles"].id,
                        other_text=trouble.removeprefix("other:"),
                    )
                )
                continue
            option = questions["troubles"].option_by_code(trouble)
            db.session.add(Answer(comment_id=comment_id, question_id=option.question_id,
                                  option_id=option.id))  # fmt: skip
    db.session.commit()
    return consultation, analysis, phone, disaster


@pytest.mark.both_dbs  # the codes a response chose are joined by the database
def test_themes_by_a_single_choice_question(client, login, answered):
    consultation, analysis, phone, disaster = answered
    login(Role.PLANNER)
    url = f"{analysis_url(consultation, analysis)}/breakdown"
    menu = client.get(url).get_data(as_text=True)
    assert '<option value="q.smartphone">問「スマートフォンを使っていますか」</option>' in menu
    # number and text questions are no attribute to split by
    assert 'value="q.minutes"' not in menu and 'value="q.wish"' not in menu

    page = client.get(url, query_string={"attribute": "q.smartphone"}).get_data(as_text=True)
    assert "テーマ × 問「スマートフォンを使っていますか」" in page
    assert cell(page, f"{phone}:never") == "5 列 83.3% 行 62.5%"
    assert cell(page, f"{phone}:daily") == "2 列 25.0% 行 25.0%"
    assert cell(page, f"{disaster}:daily") == "6 列 75.0% 行 75.0%"
    assert cell(page, f"{disaster}:") == "1 列 50.0% 行 12.5%"
    assert cell(page, "total:never") == "6" and cell(page, "total:total") == "16"
    assert 'id="multiple-note"' not in page
    assert page.index("毎日使っている") < page.index("使っていない") < page.index("回答なし")


@pytest.mark.both_dbs
def test_a_multiple_choice_counts_each_option_chosen(client, login, answered):
    consultation, analysis, phone, disaster = answered
    login(Role.PLANNER)
    url = f"{analysis_url(consultation, analysis)}/breakdown"
    page = client.get(url, query_string={"attribute": "q.troubles"}).get_data(as_text=True)
    assert 'id="multiple-note"' in page
    # the first comment chose two options and counts under both; the row stays 8 comments
    assert cell(page, f"{phone}:forms") == "3 列 100.0% 行 37.5%"
    assert cell(page, f"{phone}:hours") == "1 列 50.0% 行 12.5%"
    assert cell(page, f"{phone}:online") == "1 列 33.3% 行 12.5%"
    assert cell(page, f"{phone}:*other") == "1 列 100.0% 行 12.5%"
    assert cell(page, f"{phone}:total") == "8 50.0%"
    assert cell(page, f"{disaster}:online") == "2 列 66.7% 行 25.0%"
    assert cell(page, "total:total") == "16"
    assert "その他" in page

    response = client.get(f"{url}.csv", query_string={"attribute": "q.troubles"})
    assert response.status_code == 200
    assert "-q-troubles-" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][-4:] == [
        "問「市役所の手続きで困ったこと（いくつでも）」",
        "件数",
        "テーマの中の割合(%)",
        "問「市役所の手続きで困ったこと（いくつでも）」の中の割合(%)",
    ]
    phone_label = next(t.label for t in analysis.themes if t.id == phone)
    by_key = {(r[-5], r[-4]): r[-3:] for r in rows[1:]}
    assert by_key[(phone_label, "書類の書き方がわからない")] == ["3", "37.5", "100.0"]


def test_a_text_question_is_refused_as_an_attribute(client, login, answered):
    consultation, analysis, _, _ = answered
    login(Role.PLANNER)
    url = f"{analysis_url(consultation, analysis)}/breakdown"
    for attribute in ("q.wish", "q.minutes", "q.nothing", "q."):
        page = client.get(url, query_string={"attribute": attribute})
        assert page.status_code == 422, attribute
        assert "一覧から選んでください" in page.get_data(as_text=True)
        assert client.get(f"{url}.csv", query_string={"attribute": attribute}).status_code == 400


def test_compare_by_answers(client, login, answered):
    consultation, analysis, phone, disaster = answered
    login(Role.PLANNER)
    url = f"{analysis_url(consultation, analysis)}/compare"
    first = client.get(url).get_data(as_text=True)
    assert "問「スマートフォンを使っていますか」" in first and 'value="q.smartphone:never"' in first

    page = client.get(
        url, query_string=[("a", "q.smartphone:never"), ("b", "q.smartphone:daily")]
    ).get_data(as_text=True)
    assert "問「スマートフォンを使っていますか」: 使っていない（6件）" in page
    assert "問「スマートフォンを使っていますか」: 毎日使っている（8件）" in page
    assert "+58.3ポイント" in page  # 5 of 6 against 2 of 8
    assert page.index(f'data-theme="{phone}"') < page.index(f'data-theme="{disaster}"')

    # a multiple choice: anyone who chose the option, against everyone else
    page = client.get(url, query_string={"a": "q.troubles:forms"}).get_data(as_text=True)
    assert "書類の書き方がわからない（3件）" in page and "A以外のすべての人（13件）" in page
    assert "+61.5ポイント" in page  # 3 of 3 against 5 of 13

    # a question and an attribute together: 使っていない and 60代以上
    both = [("a", "q.smartphone:never")] + [
        ("a", f"age_group:{age}") for age in ("60s", "70s", "80_plus")
    ]
    page = client.get(url, query_string=both).get_data(as_text=True)
    assert (
        "年代: 60代・70代・80代以上、問「スマートフォンを使っていますか」: 使っていない（5件）"
        in (page)
    )


def test_segments_of_a_multiple_choice_match_any_option_chosen():
    row = stats.CommentRow(1, "web", answers={"q.t": frozenset({"forms", "hours"})})
    assert stats.Segment.parse(["q.t:forms"]).matches(row)
    assert stats.Segment.parse(["q.t:online", "q.t:hours"]).matches(row)
    assert not stats.Segment.parse(["q.t:online"]).matches(row)
    assert not stats.Segment.parse(["q.t:forms", "age_group:30s"]).matches(row)
    unanswered = stats.CommentRow(2, "web")
    assert stats.Segment.parse(["q.t:"]).matches(unanswered)
    table = stats.cross_table([row, unanswered], "q.t", [1, 2], ["forms", "hours", ""])
    assert (table.count(1, "forms"), table.count(1, "hours"), table.row_total(1)) == (1, 1, 1)
    assert table.total == 2 and table.row_share(1, "forms") == 1.0
