"""A consultation's questionnaire answered inside LINE: each question as a message with quick
replies, typed numbers and labels read as the web form reads them, conditions and required
questions kept, the answers stored with the comment as Answer rows."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.test_line import USER_A, USER_B, Resident, comments, line_api  # noqa: F401
from workshop.extensions import db
from workshop.models import Answer, Channel, Question
from workshop.questionnaires import services as questionnaires

QUESTIONS = {
    "questions": [
        {"key": "smartphone", "type": "single", "text": "スマートフォンを使っていますか",
         "required": True,
         "options": [{"code": "daily", "label": "毎日使っている"},
                     {"code": "never", "label": "使っていない"}]},
        {"key": "why_not", "type": "short_text", "text": "使っていない理由を教えてください",
         "show_if": {"smartphone": ["never"]}},
        {"key": "troubles", "type": "multiple", "other": True,
         "text": "市役所の手続きで困ったこと（いくつでも）",
         "options": [{"code": "hours", "label": "窓口の時間に行けない"},
                     {"code": "forms", "label": "書類の書き方がわからない"},
                     {"code": "online", "label": "オンライン申請がわからない"}]},
        {"key": "satisfaction", "type": "scale", "text": "市のデジタル化への満足度",
         "min": 1, "max": 5, "labels": ["不満", "満足"]},
        {"key": "minutes", "type": "number", "text": "1日にスマートフォンを使う時間（分）",
         "min": 0, "max": 1440},
    ]
}  # fmt: skip


@pytest.fixture
def survey(line_api):  # noqa: F811
    """The fixture's open consultation, with the questionnaire."""
    from workshop.models import Consultation

    consultation = db.session.scalars(select(Consultation)).one()
    questionnaires.apply_questionnaire(consultation.id, questionnaires.parse_file(QUESTIONS))
    db.session.expire_all()
    return consultation


def start(resident: Resident) -> None:
    for said in ("こんにちは", "同意する", "60代", "中央地区", "1"):
        resident.says(said)


def answers_of(comment_id: int) -> dict[str, list[object]]:
    rows = db.session.execute(
        select(Question.key, Answer)
        .join(Question, Question.id == Answer.question_id)
        .where(Answer.comment_id == comment_id)
        .order_by(Answer.id)
    ).all()
    found: dict[str, list[object]] = {}
    for key, answer in rows:
        value = (
            answer.option.code
            if answer.option
            else answer.other_text or answer.text_value or answer.number_value
        )
        found.setdefault(key, []).append(value)
    return {key: sorted(values, key=str) for key, values in found.items()}  # any order


@pytest.mark.both_dbs
def test_a_questionnaire_answered_in_line(client, line_api, survey):  # noqa: F811
    hana = Resident(client, USER_A)
    start(hana)
    first = line_api.texts()[-1]
    assert "アンケートです" in first and "問1　スマートフォンを使っていますか" in first
    assert line_api.quick() == ["毎日使っている", "使っていない", "やめる"]  # required: no skip
    hana.says("答えない")
    assert "この質問は回答が必要です" in line_api.texts()[-1]
    hana.says("9")
    assert "選択肢から選んでください" in line_api.texts()[-1] and "問1" in line_api.texts()[-1]
    hana.says("1")  # by its number: 毎日使っている; 問2 is for those who do not use one
    troubles = line_api.texts()[-1]
    assert "問3　市役所の手続きで困ったこと" in troubles and "（例: 1、3）" in troubles
    hana.says("２、電話がつながらない")  # a full-width number and 「その他」
    scale = line_api.texts()[-1]
    assert "問4" in scale and line_api.quick()[:5] == ["1（不満）", "2", "3", "4", "5（満足）"]
    hana.says("4")
    hana.says("2000")
    assert "0から1,440までの数字で入力してください" in line_api.texts()[-1]
    hana.says("１２０")
    assert "ご意見がなければ「送信」" in line_api.texts()[-1]
    hana.says("送信")  # no free text: the answers are enough
    summary = line_api.texts()[-1]
    assert "問1　スマートフォンを使っていますか：毎日使っている" in summary
    assert "書類の書き方がわからない" in summary and "電話がつながらない" in summary
    assert "問2" not in summary  # not asked
    assert "ご意見：\n（なし）" in summary
    hana.says("この内容で送る")
    (comment,) = comments()
    assert comment.channel is Channel.LINE and comment.body == ""
    assert answers_of(comment.id) == {
        "smartphone": ["daily"],
        "troubles": ["forms", "電話がつながらない"],
        "satisfaction": ["4"],
        "minutes": [120.0],
        # what the resident set up in LINE first (60代, 中央地区), as the answers about them
        "age_group": ["60s"],
        "district": ["d1"],
    }
    assert f"受付番号は {comment.receipt_no} です" in line_api.texts()[-1]


def test_a_condition_asks_the_follow_up_and_cancel_keeps_nothing(
    client,
    line_api,  # noqa: F811
    survey,
):
    taro = Resident(client, USER_B)
    start(taro)
    taro.says("使っていない")
    assert "問2　使っていない理由を教えてください" in line_api.texts()[-1]
    taro.says("操作が難しそうだから")
    taro.says("やめる")
    assert comments() == []
    # a new start asks from the first question again, with nothing of the first try
    taro.says("意見を送る")
    taro.says("1")
    assert "問1" in line_api.texts()[-1]
    for said in ("使っていない", "答えない", "1、3", "5", "答えない"):
        taro.says(said)
    taro.says("バスの中でも手続きできると助かります。")
    taro.says("送信")
    taro.says("この内容で送る")
    (comment,) = comments()
    assert comment.body == "バスの中でも手続きできると助かります。"
    assert answers_of(comment.id) == {
        "smartphone": ["never"],
        "troubles": ["hours", "online"],
        "satisfaction": ["5"],
        "age_group": ["60s"],
        "district": ["d1"],
    }
