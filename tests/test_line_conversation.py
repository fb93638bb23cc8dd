"""The LINE conversation as a pure function: consent, settings asked once, choosing, writing
in several messages, confirming; 「やめる」 anywhere; what is not text; overlong text."""

from __future__ import annotations

from workshop.line import conversation as talk
from workshop.line.conversation import Consultation, Outcome, Person, Step, Town
from workshop.models import AgeGroup
from workshop.models.consultations import COMMENT_MAX_CHARS

TOWN = Town(
    consultations=(
        Consultation(
            1, "みどり市DX推進計画（素案）", "https://city.example.jp/consultations/dx-plan"
        ),
        Consultation(2, "地域公共交通計画", "https://city.example.jp/consultations/bus"),
    ),
    districts=("中央地区", "北山地区"),
)


def say(person: Person | None, *texts: str | None) -> Outcome:
    outcome = Outcome(person, ())
    for text in texts:
        assert outcome.submit is None, "a comment was sent before the last message"
        outcome = talk.respond(outcome.person, text, TOWN)
    return outcome


def test_nothing_is_kept_before_the_resident_agrees():
    first = talk.respond(None, "こんにちは", TOWN)
    assert first.person is None
    assert "市のサーバーにだけ保存します" in first.replies[0].text
    assert first.replies[0].quick == (talk.AGREE, talk.DISAGREE)
    assert talk.respond(None, talk.DISAGREE, TOWN).person is None


def test_a_whole_comment_conversation():
    outcome = say(
        None, talk.AGREE, "70代", "北山地区", "２",  # a full-width 2, as a phone may type it
        "バスの本数を増やしてほしいです。", "特に夕方の便が少ないです。", talk.SEND, talk.YES,
    )  # fmt: skip
    assert outcome.submit == talk.Submit(
        consultation_id=2,
        body="バスの本数を増やしてほしいです。\n特に夕方の便が少ないです。",
        age_group=AgeGroup.AGE_70S,
        district="北山地区",
    )
    assert outcome.person is not None and outcome.person.step is Step.IDLE
    assert outcome.person.draft == ()
    # the settings are asked once: the next comment goes straight to the list
    again = talk.respond(outcome.person, "意見を送る", TOWN)
    assert again.person is not None and again.person.step is Step.CHOOSE
    assert "1. みどり市DX推進計画（素案）" in again.replies[0].text


def test_the_summary_shows_what_will_be_sent():
    outcome = say(None, talk.AGREE, talk.SKIP, talk.SKIP, "1", "窓口を増やして", talk.SEND)
    text = outcome.replies[0].text
    assert "意見募集：みどり市DX推進計画（素案）" in text
    assert "年代：回答なし" in text and "地区：回答なし" in text and "窓口を増やして" in text
    assert outcome.replies[0].quick == (talk.YES, talk.FIX, talk.CANCEL)


def test_cancel_at_any_step_keeps_no_draft():
    for steps in ([], ["1"], ["1", "書きかけ"], ["1", "書きかけ", talk.SEND]):
        outcome = say(None, talk.AGREE, "30代", "中央地区", *steps, talk.CANCEL)
        assert outcome.submit is None
        assert outcome.person is not None
        assert outcome.person.draft == () and outcome.person.step is Step.IDLE
        assert "やめました" in outcome.replies[0].text


def test_stickers_images_and_locations_get_a_polite_message():
    person = say(None, talk.AGREE, "30代", "中央地区", "1", "書きかけ").person
    outcome = talk.respond(person, None, TOWN)
    assert outcome.replies[0].text == talk.NOT_TEXT
    assert outcome.person == person  # the draft is kept as it was


def test_overlong_text_is_refused_with_the_limit():
    person = say(None, talk.AGREE, "30代", "中央地区", "1", "あ" * (COMMENT_MAX_CHARS - 10)).person
    outcome = talk.respond(person, "い" * 20, TOWN)
    assert f"{COMMENT_MAX_CHARS:,}文字まで" in outcome.replies[0].text
    assert outcome.person == person


def test_unknown_answers_ask_again():
    assert "ボタンから年代を選んでください" in say(None, talk.AGREE, "百歳").replies[0].text
    district = say(None, talk.AGREE, "30代", "火星地区")
    assert "一覧にある地区" in district.replies[0].text
    number = say(None, talk.AGREE, "30代", "中央地区", "9")
    assert "番号で選んでください" in number.replies[0].text
    empty = say(None, talk.AGREE, "30代", "中央地区", "1", talk.SEND)
    assert "まだ何も書かれていません" in empty.replies[0].text


def test_settings_again_and_leaving():
    person = say(None, talk.AGREE, "30代", "中央地区").person
    again = say(person, talk.SETTINGS, "40代", "北山地区").person
    assert again is not None and again.age_group is AgeGroup.AGE_40S
    assert again.district == "北山地区"
    gone = talk.respond(again, talk.DISAGREE, TOWN)
    assert gone.person is None and gone.forget


def test_a_consultation_closed_meanwhile_is_not_sent():
    person = say(None, talk.AGREE, "30代", "中央地区", "2", "本文", talk.SEND).person
    closed = Town(consultations=TOWN.consultations[:1], districts=TOWN.districts)
    outcome = talk.respond(person, talk.YES, closed)
    assert outcome.submit is None and "締め切られた" in outcome.replies[0].text


def test_quick_replies_stay_within_lines_limit():
    many = Town(consultations=TOWN.consultations, districts=tuple(f"{n}丁目" for n in range(20)))
    person = talk.respond(None, talk.AGREE, many).person
    outcome = talk.respond(person, "30代", many)
    quick = outcome.replies[0].quick
    assert len(quick) == talk.QUICK_REPLY_MAX
    assert quick[-1] == talk.SKIP  # 答えない stays a button however many districts there are
    # a district beyond the buttons can still be typed
    typed = talk.respond(outcome.person, "19丁目", many)
    assert typed.person is not None and typed.person.district == "19丁目"


def test_a_workshop_sign_up_step_by_step():
    offer = talk.WorkshopOffer(
        7, "駅前広場ワークショップ", "2026年12月17日（木）14時00分〜16時00分", "市民会館",
        "https://city.example.jp/workshops/7", "残り3席", (("venue", "会場"),),
    )  # fmt: skip
    town = talk.Town((), workshops=(offer,))
    person = talk.Person(age_group=AgeGroup.AGE_40S)
    listing = talk.respond(person, "ワークショップ", town)
    assert listing.person is not None and listing.person.step is talk.Step.PICK_WORKSHOP
    assert talk.respond(listing.person, "9", town).person.step is talk.Step.PICK_WORKSHOP
    naming = talk.respond(listing.person, "1", town)
    assert naming.person.step is talk.Step.NAME and naming.person.mode == "venue"
    too_long = talk.respond(naming.person, "あ" * 101, town)
    assert "100文字まで" in too_long.replies[0].text and too_long.person == naming.person
    summary = talk.respond(naming.person, "はなこ", town)
    assert "場所：市民会館" in summary.replies[0].text
    done = talk.respond(summary.person, "申し込む", town)
    assert done.sign_up == talk.SignUp(7, "venue", "はなこ", AgeGroup.AGE_40S, None)
    assert done.person == talk.Person(age_group=AgeGroup.AGE_40S)  # nothing under way kept


def test_how_to_use_explains_the_menu_and_keeps_what_is_under_way():
    person = say(None, talk.AGREE, "30代", "中央地区", "1", "書きかけの意見").person
    outcome = talk.respond(person, "使い方", TOWN)
    assert "「まちの声」の使い方です" in outcome.replies[0].text
    assert "ワークショップ：参加できるワークショップを選んで申し込めます" in outcome.replies[0].text
    assert "いまの続きは、そのまま送ってください" in outcome.replies[0].text
    assert outcome.person == person  # the draft is not touched, nor joined with 「使い方」
    done = say(outcome.person, "続きの文です", talk.SEND, talk.YES)
    assert done.submit is not None and done.submit.body == "書きかけの意見\n続きの文です"
    at_rest = say(None, talk.AGREE, "30代", "中央地区", talk.CANCEL).person
    idle = talk.respond(at_rest, "使い方", TOWN)
    assert idle.replies[0].quick == (talk.COMMENT, talk.WORKSHOPS, talk.SETTINGS)


def test_how_to_use_before_agreeing_keeps_nothing_and_asks_for_consent():
    outcome = talk.respond(None, "使い方", TOWN)
    assert outcome.person is None
    assert "「まちの声」の使い方です" in outcome.replies[0].text
    assert "市のサーバーにだけ保存します" in outcome.replies[1].text
    assert outcome.replies[1].quick == (talk.AGREE, talk.DISAGREE)


def test_send_a_comment_from_any_step_starts_afresh():
    writing = say(None, talk.AGREE, "30代", "中央地区", "2", "書きかけ").person
    outcome = talk.respond(writing, "意見を送る", TOWN)
    assert outcome.person is not None and outcome.person.step is Step.CHOOSE
    assert outcome.person.draft == ()  # not a line of the comment
    assert outcome.replies[0].text.startswith("書きかけの内容は保存していません。")
    assert "1. みどり市DX推進計画（素案）" in outcome.replies[0].text
    fresh = talk.respond(say(None, talk.AGREE, "30代", "中央地区").person, "意見を送る", TOWN)
    assert fresh.replies[0].text.startswith("どの計画にご意見を送りますか")


def test_many_options_keep_the_skip_and_cancel_buttons():
    """A question with more options than LINE's 13 buttons: 答えない and やめる stay buttons;
    the last options are typed (their numbers are in the message)."""
    from workshop.line import asking
    from workshop.models import Question, QuestionOption, QuestionType

    question = Question(
        key="place",
        type=QuestionType.SINGLE,
        text="よく行く公共施設はどこですか",
        is_required=False,
    )
    question.options = [
        QuestionOption(code=f"p{n}", label=f"施設{n}", position=n) for n in range(1, 16)
    ]
    text, quick, controls = asking.asking(question, 1, talk.SKIP)
    assert "15. 施設15" in text and controls == (talk.SKIP,)
    sent = talk.buttons(quick, *controls, talk.CANCEL)
    assert len(sent) == talk.QUICK_REPLY_MAX
    assert sent[-2:] == (talk.SKIP, talk.CANCEL)
    assert sent[0] == "施設1"
