"""A consultation's questionnaire: the file format (questions load / dump) and what may change
once answers are in. The resident's form: test_questionnaire_form.py."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import func, select

from workshop.consultations import services as consultation_services
from workshop.extensions import db
from workshop.models import Answer, Channel, Comment, Question, QuestionOption, QuestionType
from workshop.timeutil import today_tokyo

DX_SURVEY: dict[str, Any] = {
    "questions": [
        {
            "key": "smartphone",
            "type": "single",
            "text": "スマートフォンを使っていますか。",
            "options": ["毎日使っている", "ときどき使う", "使っていない"],
            "required": True,
            "attribute": True,
        },
        {
            "key": "trouble",
            "type": "multiple",
            "text": "行政の手続きで困ったことは何ですか。",
            "help": "当てはまるものをすべて選んでください。",
            "options": ["窓口の待ち時間", "書類の書き方", "開庁時間"],
            "other": True,
        },
        {
            "key": "satisfaction",
            "type": "scale",
            "text": "市のホームページの使いやすさは。",
            "min": 1,
            "max": 5,
            "labels": ["使いにくい", "使いやすい"],
        },
        {"key": "years", "type": "number", "text": "市に住んで何年ですか。", "min": 0, "max": 100},
        {
            "key": "why_not",
            "type": "free_text",
            "text": "スマートフォンを使わない理由を教えてください。",
            "show_if": {"smartphone": ["使っていない"]},
        },
        {"key": "idea", "type": "short_text", "text": "一言でいうと、市に望むことは。"},
    ]
}


def open_survey(slug: str, title: str, receipt_prefix: str, **fields: Any) -> int:
    """An open consultation with DX_SURVEY's questions, in the app context; its id."""
    from datetime import timedelta

    from workshop.questionnaires.services import apply_questionnaire, parse_file

    today = today_tokyo()
    consultation, _ = consultation_services.create_consultation(
        consultation_services.ConsultationInput(
            slug=slug,
            title=title,
            opens_on=today - timedelta(days=1),
            closes_on=today + timedelta(days=20),
            receipt_prefix=receipt_prefix,
            **fields,
        )
    )
    apply_questionnaire(consultation.id, parse_file(DX_SURVEY))
    db.session.commit()
    return consultation.id


def load(app, slug: str, data: Any, tmp_path, name: str = "survey.json"):
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return app.test_cli_runner().invoke(args=["questions", "load", slug, str(path)])


def dump(app, slug: str) -> dict[str, Any]:
    result = app.test_cli_runner().invoke(args=["questions", "dump", slug])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def questions_of(consultation_id: int) -> list[Question]:
    """The questionnaire's questions (not the three about the respondent every form asks)."""
    db.session.expire_all()
    stmt = select(Question).where(
        Question.consultation_id == consultation_id, Question.profile.is_(None)
    )
    return list(db.session.scalars(stmt.order_by(Question.position)))


def answer(consultation, **values: Any) -> Comment:
    """A paper response with answers, stored as the staff's proxy entry stores a comment."""
    comment = consultation_services.enter_comment(
        consultation.id,
        consultation_services.CommentInput(body="紙のアンケートで回答しました。"),
        channel=Channel.PAPER,
        received_on=today_tokyo(),
        staff_id=None,
    )
    for question in questions_of(consultation.id):
        if question.key not in values:
            continue
        value = values[question.key]
        if question.type in (QuestionType.SINGLE, QuestionType.MULTIPLE):
            for label in [value] if isinstance(value, str) else value:
                option = next(o for o in question.options if o.label == label)
                db.session.add(Answer(comment_id=comment.id, question=question, option=option))
        elif question.type is QuestionType.SCALE:
            option = question.option_by_code(str(value))
            db.session.add(
                Answer(comment_id=comment.id, question=question, option=option, number_value=value)
            )
        elif question.type is QuestionType.NUMBER:
            db.session.add(Answer(comment_id=comment.id, question=question, number_value=value))
        else:
            db.session.add(Answer(comment_id=comment.id, question=question, text_value=value))
    db.session.commit()
    return comment


@pytest.mark.both_dbs
def test_a_file_loads_in_order_and_dumps_back_with_codes(app, make_consultation, tmp_path):
    consultation = make_consultation()
    result = load(app, consultation.slug, DX_SURVEY, tmp_path)
    assert result.exit_code == 0, result.output
    assert "6問を保存しました" in result.output

    questions = questions_of(consultation.id)
    assert [q.key for q in questions] == [q["key"] for q in DX_SURVEY["questions"]]
    smartphone, trouble, satisfaction, years, why_not, _ = questions
    assert [(o.code, o.label) for o in smartphone.options] == [
        ("1", "毎日使っている"),
        ("2", "ときどき使う"),
        ("3", "使っていない"),
    ]
    assert smartphone.is_required and smartphone.is_attribute
    assert trouble.has_other and trouble.help_text == "当てはまるものをすべて選んでください。"
    assert [o.code for o in satisfaction.options] == ["1", "2", "3", "4", "5"]
    assert (satisfaction.scale_min_label, satisfaction.scale_max_label) == (
        "使いにくい",
        "使いやすい",
    )
    assert (years.number_min, years.number_max) == (0, 100)
    # a condition written with a label is stored with the option's code
    assert why_not.show_if_question_id == smartphone.id
    assert why_not.show_if_codes == ["3"]

    dumped = dump(app, consultation.slug)
    assert dumped["questions"][0]["options"][2] == {"code": "3", "label": "使っていない"}
    assert dumped["questions"][4]["show_if"] == {"smartphone": ["3"]}
    # what was dumped loads again without a change, and dumps the same
    assert load(app, consultation.slug, dumped, tmp_path, "again.json").exit_code == 0
    assert dump(app, consultation.slug) == dumped
    assert [o.id for o in questions_of(consultation.id)[0].options] == [
        o.id for o in smartphone.options
    ]


def test_a_label_reloaded_keeps_its_code_and_new_options_get_new_ones(
    app, make_consultation, tmp_path
):
    consultation = make_consultation()
    load(app, consultation.slug, DX_SURVEY, tmp_path)
    changed = json.loads(json.dumps(DX_SURVEY))
    changed["questions"][0]["options"] = ["使っていない", "タブレットだけ使う", "毎日使っている"]
    result = load(app, consultation.slug, changed, tmp_path, "changed.json")
    assert result.exit_code == 0, result.output
    options = questions_of(consultation.id)[0].options
    assert [(o.code, o.label) for o in options] == [
        ("3", "使っていない"),
        ("4", "タブレットだけ使う"),
        ("1", "毎日使っている"),
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"items": []}, '{"questions": [ … ]} の形'),
        ({"questions": [{"key": "q1", "type": "radio", "text": "年代は"}]}, "type は single"),
        ({"questions": [{"key": "q1", "type": "short_text"}]}, "質問文を入力してください"),
        ({"questions": [{"key": "1番", "type": "short_text", "text": "地区は"}]}, "key は英字"),
        (
            {
                "questions": [
                    {"key": "q1", "type": "short_text", "text": "地区は"},
                    {"key": "q1", "type": "short_text", "text": "年代は"},
                ]
            },
            "key「q1」が2回",
        ),
        (
            {"questions": [{"key": "q1", "type": "single", "text": "年代は", "options": ["10代"]}]},
            "選択肢を2つ以上",
        ),
        (
            {
                "questions": [
                    {"key": "q1", "type": "single", "text": "年代は", "options": ["10代", "10代"]}
                ]
            },
            "同じ選択肢が2回あります: 10代",
        ),
        (
            {"questions": [{"key": "q1", "type": "scale", "text": "満足度は", "min": 5, "max": 1}]},
            "2段階から11段階まで",
        ),
        (
            {"questions": [{"key": "q1", "type": "scale", "text": "満足度", "options": ["高い"]}]},
            "尺度の質問には options を書かず",
        ),
        (
            {"questions": [{"key": "q1", "type": "number", "text": "年数", "min": 10, "max": 1}]},
            "最小値が最大値より大きく",
        ),
        (
            {"questions": [{"key": "q1", "type": "short_text", "text": "地区", "other": True}]},
            "「その他」は複数選択の質問にだけ",
        ),
        (
            {"questions": [{"key": "q1", "type": "short_text", "text": "地区", "colour": "赤"}]},
            "知らない項目があります: colour",
        ),
        (
            {
                "questions": [
                    {"key": "q2", "type": "free_text", "text": "理由", "show_if": {"q1": ["はい"]}},
                    {
                        "key": "q1",
                        "type": "single",
                        "text": "使う？",
                        "options": ["はい", "いいえ"],
                    },
                ]
            },
            "この質問より前にある質問の key",
        ),
        (
            {
                "questions": [
                    {
                        "key": "q1",
                        "type": "single",
                        "text": "使う？",
                        "options": ["はい", "いいえ"],
                    },
                    {
                        "key": "q2",
                        "type": "free_text",
                        "text": "理由",
                        "show_if": {"q1": ["たぶん"]},
                    },
                ]
            },
            "「q1」にない選択肢があります: たぶん",
        ),
        (
            {
                "questions": [
                    {"key": "q1", "type": "short_text", "text": "地区"},
                    {"key": "q2", "type": "free_text", "text": "理由", "show_if": {"q1": ["中央"]}},
                ]
            },
            "選択肢のある質問（単一・複数選択、尺度）だけ",
        ),
    ],
)
def test_a_bad_file_is_refused_with_its_problem_and_nothing_is_stored(
    app, make_consultation, tmp_path, data, message
):
    consultation = make_consultation()
    result = load(app, consultation.slug, data, tmp_path)
    assert result.exit_code != 0
    assert message in result.output
    assert questions_of(consultation.id) == []


def test_a_file_that_is_not_json_or_a_slug_that_does_not_exist(app, make_consultation, tmp_path):
    consultation = make_consultation()
    path = tmp_path / "broken.json"
    path.write_text('{"questions": [', encoding="utf-8")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["questions", "load", consultation.slug, str(path)])
    assert result.exit_code != 0 and "JSON として読めません" in result.output
    result = load(app, "no-such-plan", DX_SURVEY, tmp_path)
    assert result.exit_code != 0 and "見つかりません" in result.output


@pytest.mark.both_dbs
def test_once_answered_a_question_cannot_be_deleted_or_change_its_type(
    app, make_consultation, tmp_path
):
    consultation = make_consultation()
    load(app, consultation.slug, DX_SURVEY, tmp_path)
    answer(consultation, smartphone="使っていない", years=12)
    before = dump(app, consultation.slug)

    copy = json.loads(json.dumps(before))
    without = {"questions": [q for q in copy["questions"] if q["key"] != "smartphone"]}
    for question in without["questions"]:
        question.pop("show_if", None)
    result = load(app, consultation.slug, without, tmp_path, "without.json")
    assert result.exit_code != 0
    assert (
        "「smartphone」（スマートフォンを使っていますか。）には回答が1件あるため、削除できません"
        in (result.output)
    )

    retyped = json.loads(json.dumps(before))
    retyped["questions"][3]["type"] = "short_text"
    del retyped["questions"][3]["min"], retyped["questions"][3]["max"]
    result = load(app, consultation.slug, retyped, tmp_path, "retyped.json")
    assert result.exit_code != 0
    assert "種類（数値）を短い文章に変えられません" in result.output
    assert dump(app, consultation.slug) == before

    # a question nobody answered yet can still go
    unanswered = {"questions": [q for q in before["questions"] if q["key"] != "idea"]}
    assert load(app, consultation.slug, unanswered, tmp_path, "fewer.json").exit_code == 0
    assert [q.key for q in questions_of(consultation.id)][-1] == "why_not"


def test_an_option_in_use_can_be_hidden_not_deleted_and_options_can_be_added(
    app, make_consultation, tmp_path
):
    consultation = make_consultation()
    load(app, consultation.slug, DX_SURVEY, tmp_path)
    answer(consultation, trouble=["書類の書き方"])
    data = dump(app, consultation.slug)
    trouble = data["questions"][1]

    trouble["options"] = [o for o in trouble["options"] if o["label"] != "書類の書き方"]
    result = load(app, consultation.slug, data, tmp_path, "deleted.json")
    assert result.exit_code != 0
    assert "選択肢「書類の書き方」は回答で選ばれているため削除できません" in result.output
    assert '"hidden": true' in result.output

    data = dump(app, consultation.slug)
    trouble = data["questions"][1]
    trouble["options"][1]["hidden"] = True
    trouble["options"] = [o for o in trouble["options"] if o["label"] != "開庁時間"]  # unused
    trouble["options"].append("オンライン申請の方法")
    assert load(app, consultation.slug, data, tmp_path, "hidden.json").exit_code == 0
    question = questions_of(consultation.id)[1]
    assert [(o.code, o.label, o.is_hidden) for o in question.options] == [
        ("1", "窓口の待ち時間", False),
        ("2", "書類の書き方", True),
        ("4", "オンライン申請の方法", False),
    ]
    assert [o.label for o in question.visible_options] == ["窓口の待ち時間", "オンライン申請の方法"]
    # the stored answer still points at its (hidden) option
    stored = db.session.scalars(select(Answer).where(Answer.question_id == question.id)).one()
    assert stored.option is not None and stored.option.label == "書類の書き方"


def test_once_answered_a_scale_keeps_its_range_and_a_number_only_widens(
    app, make_consultation, tmp_path
):
    consultation = make_consultation()
    load(app, consultation.slug, DX_SURVEY, tmp_path)
    answer(consultation, satisfaction=4, years=35)
    data = dump(app, consultation.slug)
    data["questions"][2]["max"] = 7
    data["questions"][3]["max"] = 30
    result = load(app, consultation.slug, data, tmp_path, "ranges.json")
    assert result.exit_code != 0
    assert "尺度の範囲（1〜5）を変えられません" in result.output
    assert "35〜35の回答があるため、範囲をそれより狭くできません" in result.output

    data = dump(app, consultation.slug)
    data["questions"][2]["labels"] = ["とても使いにくい", "とても使いやすい"]
    data["questions"][3]["max"] = 120
    assert load(app, consultation.slug, data, tmp_path, "wider.json").exit_code == 0
    years = questions_of(consultation.id)[3]
    assert years.number_max == 120


def test_other_stays_while_other_answers_exist(app, make_consultation, tmp_path):
    consultation = make_consultation()
    load(app, consultation.slug, DX_SURVEY, tmp_path)
    comment = answer(consultation)
    trouble = questions_of(consultation.id)[1]
    db.session.add(Answer(comment_id=comment.id, question=trouble, other_text="駐車場が狭い"))
    db.session.commit()
    data = dump(app, consultation.slug)
    data["questions"][1]["other"] = False
    result = load(app, consultation.slug, data, tmp_path, "no-other.json")
    assert result.exit_code != 0
    assert "「その他」の回答があるため、「その他」を外せません" in result.output


def test_deleting_a_comment_deletes_its_answers_and_options_stay(app, make_consultation, tmp_path):
    consultation = make_consultation()
    load(app, consultation.slug, DX_SURVEY, tmp_path)
    comment = answer(
        consultation, smartphone="毎日使っている", trouble=["開庁時間", "書類の書き方"]
    )
    assert db.session.scalar(select(func.count()).select_from(Answer)) == 3
    db.session.delete(db.session.get(Comment, comment.id))
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(Answer)) == 0
    options = select(func.count(QuestionOption.id)).join(Question).where(Question.profile.is_(None))
    assert db.session.scalar(options) == 3 + 3 + 5
