"""The conversation with a resident in LINE, as a pure function: what they said, where they
were, and what the city knows of them in; the replies, where they are now, and what to store
out. No database, no LINE: the background job does both around it (issue 15).

Steps: consent (nothing is stored before 「同意する」) → age group and district, asked once
(「設定」 asks again) → choosing an open consultation → writing, in as many messages as needed,
until 「送信」 → a summary to confirm → the receipt. 「ワークショップ」, at any step: choosing a
workshop open for sign-up → the way to take part (hybrid only) → a name for the reception →
a summary to confirm → the sign-up, with the same seats and waiting list as the web.
「やめる」 at any step cancels and keeps nothing of the draft; 「意見を送る」 starts a comment
afresh; 「使い方」 explains the account and leaves whatever is under way as it was (these and
「ワークショップ」 「設定」 are also the rich menu's buttons). Every step also works by typing: a
quick reply is only a shortcut.
"""

from __future__ import annotations

import enum
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from workshop.labels import AGE_GROUP, AGE_GROUP_ALIASES
from workshop.line import asking
from workshop.line_api import QUICK_REPLY_MAX
from workshop.models import AgeGroup, Question
from workshop.models.consultations import COMMENT_MAX_CHARS
from workshop.questionnaires.services.answers import (
    REQUIRED_MESSAGE,
    AnswerInput,
    RawAnswer,
    answers_in_words,
)

AGREE, DISAGREE = "同意する", "同意しない"
CANCEL, SETTINGS, COMMENT, SEND, YES, FIX, SKIP = (
    "やめる", "設定", "意見を送る", "送信", "この内容で送る", "書き直す", "答えない",
)  # fmt: skip
WORKSHOPS, APPLY = "ワークショップ", "申し込む"
HELP = "使い方"  # with 意見を送る, ワークショップ and 設定: the rich menu's four buttons
NAME_MAX_CHARS = 100  # as the web form's name

CONSENT_TEXT = (
    "みどり市の「まちの声」です。LINEで市へのご意見を送ったり、ワークショップに申し込んだりできます。\n"
    "送っていただいた内容と、年代・地区は、市のサーバーにだけ保存します（LINEの会社には残りません）。"
    "保存の期間は、市の文書の決まりに従います。ご意見にはお名前は要りません"
    "（ワークショップに申し込むときだけ、受付で使うお名前を伺います）。\n"
    "よろしければ「同意する」を押してください。"
)
NOT_TEXT = "ごめんなさい、文字のメッセージだけを受け付けています。スタンプや写真、位置情報は読み取れません。"
HELP_TEXT = (
    "「まちの声」の使い方です。画面の下のメニューを押すか、同じ言葉を送ってください。\n"
    f"・{COMMENT}：市の計画にご意見を送れます。計画を番号で選んで書き、"
    f"書き終えたら「{SEND}」を押します。\n"
    f"・{WORKSHOPS}：参加できるワークショップを選んで申し込めます。\n"
    f"・{SETTINGS}：年代と地区を変えられます。\n"
    f"・{CANCEL}：とちゅうでやめます。書きかけの内容は保存しません。"
)


class Step(enum.StrEnum):
    IDLE = "idle"
    AGE = "age"
    DISTRICT = "district"
    CHOOSE = "choose"
    ANSWER = "answer"  # a question of the consultation's questionnaire
    WRITE = "write"
    CONFIRM = "confirm"
    PICK_WORKSHOP = "pick_workshop"
    MODE = "mode"
    NAME = "name"
    SIGN_UP = "sign_up"


@dataclass(frozen=True)
class Consultation:
    """An open consultation as the conversation shows it."""

    id: int
    title: str
    url: str
    districts: tuple[str, ...] = ()
    questions: tuple[Question, ...] = ()  # its questionnaire, asked before the free text


@dataclass(frozen=True)
class WorkshopOffer:
    """A workshop open for sign-up as the conversation shows it."""

    id: int
    title: str
    when: str  # 2026年12月17日（木）14:00〜16:00
    where: str  # the venue, オンライン, or both
    url: str
    seats: str  # 残り5席 / 満席（キャンセル待ちで申し込めます）
    # the ways to take part, (value, label); more than one for a hybrid workshop
    modes: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Person:
    """What the city keeps of a LINE user who agreed (None: has not agreed, keeps nothing)."""

    age_group: AgeGroup | None = None
    district: str | None = None
    step: Step = Step.IDLE
    consultation_id: int | None = None
    draft: tuple[str, ...] = ()
    # the questionnaire being answered: the answers as typed, the questions asked so far
    given: tuple[asking.Given, ...] = ()
    asked: tuple[str, ...] = ()
    # a sign-up being made (kept only until it is sent or cancelled)
    workshop_id: int | None = None
    mode: str | None = None
    name: str = ""


@dataclass(frozen=True)
class Reply:
    text: str
    quick: tuple[str, ...] = ()


@dataclass(frozen=True)
class Submit:
    """A comment to store, with the receipt number in the next reply."""

    consultation_id: int
    body: str
    age_group: AgeGroup | None
    district: str | None
    answers: tuple[AnswerInput, ...] = ()


@dataclass(frozen=True)
class SignUp:
    """A sign-up to make, its result (seat or waiting list) in the next reply."""

    workshop_id: int
    mode: str | None
    name: str
    age_group: AgeGroup | None
    district: str | None


@dataclass(frozen=True)
class Outcome:
    person: Person | None  # None: keep nothing (not agreed, or 「同意しない」)
    replies: tuple[Reply, ...]
    submit: Submit | None = None
    forget: bool = False  # 「同意しない」 after agreeing: remove what is kept
    sign_up: SignUp | None = None


@dataclass(frozen=True)
class Town:
    """What the conversation offers: the open consultations, the city's districts and the
    workshops open for sign-up."""

    consultations: tuple[Consultation, ...]
    districts: tuple[str, ...] = field(default=())
    workshops: tuple[WorkshopOffer, ...] = field(default=())


def normalised(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


def respond(person: Person | None, text: str | None, town: Town) -> Outcome:
    """The next turn. `text` None: a sticker, an image or a location."""
    if text is None:
        return Outcome(person, (Reply(NOT_TEXT),))
    said = normalised(text)
    if person is None:
        if said == AGREE:
            return ask_age(Person(), "ありがとうございます。")
        if said == HELP:
            return Outcome(None, (Reply(HELP_TEXT), Reply(CONSENT_TEXT, (AGREE, DISAGREE))))
        return Outcome(None, (Reply(CONSENT_TEXT, (AGREE, DISAGREE)),))
    if said == DISAGREE:
        return Outcome(
            None, (Reply("保存していた設定を消しました。またいつでもどうぞ。"),), forget=True
        )
    if said == CANCEL:
        return Outcome(
            at_rest(person), (Reply("やめました。書きかけの内容は保存していません。", (COMMENT,)),)
        )
    if said == SETTINGS:
        return ask_age(person, "年代と地区を設定し直します。")
    if said == WORKSHOPS:
        return offer_workshops(at_rest(person), town, "")
    if said == HELP:
        return explain(person)
    if said == COMMENT:
        lead = "書きかけの内容は保存していません。" if is_busy(person) else ""
        return offer(at_rest(person), town, lead)
    if person.step is Step.WRITE:  # the comment is kept as typed, not normalised
        return write(person, text.strip(), said, town)
    step = STEPS.get(person.step)
    return step(person, said, town) if step else offer(person, town, "")


def at_rest(person: Person) -> Person:
    """The person with nothing under way: no draft, no sign-up being made."""
    return replace(
        person,
        step=Step.IDLE,
        consultation_id=None,
        draft=(),
        given=(),
        asked=(),
        workshop_id=None,
        mode=None,
        name="",
    )


def is_busy(person: Person) -> bool:
    """A comment, its questionnaire's answers or a sign-up are under way: a new start
    would drop them."""
    return bool(person.draft or person.given or person.workshop_id)


def explain(person: Person) -> Outcome:
    """How to use the account; whatever is under way stays as it was."""
    if person.step is Step.IDLE:
        return Outcome(person, (Reply(HELP_TEXT, (COMMENT, WORKSHOPS, SETTINGS)),))
    text = f"{HELP_TEXT}\n\nいまの続きは、そのまま送ってください。"
    return Outcome(person, (Reply(text, (CANCEL,)),))


def ask_age(person: Person, lead: str) -> Outcome:
    labels = tuple(AGE_GROUP.values())
    text = f"{lead}\n年代を教えてください（答えたくないときは「{SKIP}」）。"
    return Outcome(replace(person, step=Step.AGE), (Reply(text, (*labels, SKIP)),))


def answer_age(person: Person, said: str, town: Town) -> Outcome:
    if said == SKIP:
        return ask_district(replace(person, age_group=None), town)
    group = AGE_GROUP_ALIASES.get(said) or AGE_GROUP_ALIASES.get(said.replace("歳", ""))
    if group is None:
        labels = tuple(AGE_GROUP.values())
        return Outcome(person, (Reply("ボタンから年代を選んでください。", (*labels, SKIP)),))
    return ask_district(replace(person, age_group=group), town)


def ask_district(person: Person, town: Town) -> Outcome:
    if not town.districts:
        return offer(replace(person, district=None), town, "設定しました。")
    quick = buttons(town.districts, SKIP)
    text = f"お住まいの地区を教えてください（答えたくないときは「{SKIP}」）。"
    return Outcome(replace(person, step=Step.DISTRICT), (Reply(text, quick),))


def answer_district(person: Person, said: str, town: Town) -> Outcome:
    if said == SKIP:
        return offer(replace(person, district=None), town, "設定しました。")
    if said not in town.districts:
        quick = buttons(town.districts, SKIP)
        return Outcome(person, (Reply("一覧にある地区を選ぶか、入力してください。", quick),))
    return offer(replace(person, district=said), town, "設定しました。")


def offer(person: Person, town: Town, lead: str) -> Outcome:
    """The open consultations to choose from, numbered."""
    if not town.consultations:
        idle = replace(person, step=Step.IDLE)
        return Outcome(
            idle, (Reply(f"{lead}\nいまご意見を募集している計画はありません。".strip()),)
        )
    lines = [f"{n}. {c.title}\n{c.url}" for n, c in enumerate(town.consultations, start=1)]
    text = f"{lead}\nどの計画にご意見を送りますか。番号を送ってください。\n\n" + "\n".join(lines)
    numbers = tuple(str(n) for n in range(1, len(town.consultations) + 1))
    return Outcome(
        replace(person, step=Step.CHOOSE, consultation_id=None, draft=()),
        (Reply(text.strip(), buttons(numbers, CANCEL)),),
    )


def choose(person: Person, said: str, town: Town) -> Outcome:
    chosen = {str(n): c for n, c in enumerate(town.consultations, start=1)}.get(said)
    if chosen is None:
        return offer(person, town, "番号で選んでください。")
    started = replace(at_rest(person), consultation_id=chosen.id)
    if chosen.questions:
        lead = f"「{chosen.title}」のアンケートです（{len(chosen.questions)}問まで）。"
        return ask_next(started, chosen, lead)
    return ask_to_write(started, chosen)


def ask_to_write(person: Person, chosen: Consultation) -> Outcome:
    if chosen.questions:
        text = (
            "最後に、ご意見があれば書いてください。何回かに分けて送っても構いません。"
            f"書き終えたら、またはご意見がなければ「{SEND}」を押してください"
            f"（{COMMENT_MAX_CHARS:,}文字まで）。"
        )
    else:
        text = (
            f"「{chosen.title}」へのご意見を書いてください。何回かに分けて送っても構いません。"
            f"書き終えたら「{SEND}」を押してください（{COMMENT_MAX_CHARS:,}文字まで）。"
        )
    return Outcome(replace(person, step=Step.WRITE, draft=()), (Reply(text, (SEND, CANCEL)),))


def ask_next(person: Person, chosen: Consultation, lead: str = "") -> Outcome:
    """The next question whose condition the answers so far meet; then the free text."""
    question = asking.next_question(chosen.questions, person.given, person.asked)
    if question is None:
        return ask_to_write(person, chosen)
    number = chosen.questions.index(question) + 1
    text, quick, controls = asking.asking(question, number, SKIP)
    asked_now = replace(person, step=Step.ANSWER, asked=(*person.asked, question.key))
    reply = Reply(f"{lead}\n{text}".strip(), buttons(quick, *controls, CANCEL))
    return Outcome(asked_now, (reply,))


def answer(person: Person, said: str, town: Town) -> Outcome:
    """The answer to the question just asked, checked by the questionnaire's rules."""
    chosen = find(town.consultations, person.consultation_id)
    question = current_question(person, chosen)
    if chosen is None or question is None:
        return Outcome(
            at_rest(person),
            (Reply("この意見募集は締め切られたため、送れませんでした。", (COMMENT,)),),
        )
    raw = RawAnswer() if said == SKIP else asking.read(question, said)
    if said == SKIP and question.is_required:
        problem: str | None = REQUIRED_MESSAGE
    else:
        given = asking.given_with(person.given, question.key, raw)
        problem = asking.check(chosen.questions, given, person.asked).problems.get(question.key)
    if problem is not None:
        number = chosen.questions.index(question) + 1
        text, quick, controls = asking.asking(question, number, SKIP)
        reply = Reply(f"{problem}\n\n{text}", buttons(quick, *controls, CANCEL))
        return Outcome(person, (reply,))
    return ask_next(replace(person, given=given), chosen)


def current_question(person: Person, chosen: Consultation | None) -> Question | None:
    if chosen is None or not person.asked:
        return None
    return next((q for q in chosen.questions if q.key == person.asked[-1]), None)


def write(person: Person, text: str, said: str, town: Town) -> Outcome:
    if said == SEND:
        if not person.draft and not person.given:
            return Outcome(
                person, (Reply("まだ何も書かれていません。ご意見を送ってください。", (CANCEL,)),)
            )
        return summary(replace(person, step=Step.CONFIRM), town)
    draft = (*person.draft, text)
    length = len("\n".join(draft))
    if length > COMMENT_MAX_CHARS:
        over = Reply(
            f"ご意見は{COMMENT_MAX_CHARS:,}文字までです（いま{length:,}文字）。"
            f"いまのメッセージは入れていません。短くして送るか、「{SEND}」を押してください。",
            (SEND, CANCEL),
        )
        return Outcome(person, (over,))
    return Outcome(
        replace(person, draft=draft),
        (
            Reply(
                f"受け取りました（{length:,}文字）。続けて書くか、「{SEND}」を押してください。",
                (SEND, CANCEL),
            ),
        ),
    )


def summary(person: Person, town: Town) -> Outcome:
    chosen = find(town.consultations, person.consultation_id)
    title = chosen.title if chosen else "（募集が終わりました）"
    age = AGE_GROUP[person.age_group] if person.age_group else "回答なし"
    answered = ""
    if chosen and chosen.questions:
        checked = asking.check(chosen.questions, person.given, person.asked)
        lines = answers_in_words(chosen.questions, checked.answers)
        answered = "".join(
            f"問{line.number}　{line.question.text}：{line.text}\n" for line in lines
        )
        answered = f"\nアンケート：\n{answered}"
    text = (
        f"次の内容で送ります。よろしいですか。\n\n意見募集：{title}\n年代：{age}\n"
        f"地区：{person.district or '回答なし'}\n{answered}\nご意見：\n"
        + ("\n".join(person.draft) or "（なし）")
    )
    return Outcome(person, (Reply(text, (YES, FIX, CANCEL)),))


def confirm(person: Person, said: str, town: Town) -> Outcome:
    if said == FIX:
        again = replace(person, step=Step.WRITE, draft=())
        return Outcome(
            again,
            (
                Reply(
                    f"書き直してください。書き終えたら「{SEND}」を押してください。", (SEND, CANCEL)
                ),
            ),
        )
    if said not in (YES, SEND, "はい"):
        return summary(person, town)
    chosen = find(town.consultations, person.consultation_id)
    idle = at_rest(person)
    if chosen is None:
        return Outcome(
            idle, (Reply("この意見募集は締め切られたため、送れませんでした。", (COMMENT,)),)
        )
    checked = asking.check(chosen.questions, person.given, person.asked)
    submit = Submit(
        chosen.id,
        "\n".join(person.draft),
        person.age_group,
        person.district,
        checked.answers,
    )
    return Outcome(idle, (), submit=submit)


def find(consultations: Sequence[Consultation], consultation_id: int | None) -> Consultation | None:
    return next((c for c in consultations if c.id == consultation_id), None)


def buttons(choices: Sequence[str], *controls: str) -> tuple[str, ...]:
    """Quick replies: the choices, then the controls (答えない, やめる). LINE shows at most 13:
    with more choices the controls stay, and a choice beyond the buttons is typed."""
    return (*choices[: QUICK_REPLY_MAX - len(controls)], *controls)


# ---------------------------------------------------------------- workshop sign-ups


def offer_workshops(person: Person, town: Town, lead: str) -> Outcome:
    """The workshops open for sign-up, numbered, with their seats."""
    if not town.workshops:
        text = f"{lead}\nいま申し込めるワークショップはありません。".strip()
        return Outcome(at_rest(person), (Reply(text, (COMMENT,)),))
    lines = [
        f"{n}. {w.title}\n{w.when}\n{w.where}　{w.seats}\n{w.url}"
        for n, w in enumerate(town.workshops, start=1)
    ]
    text = f"{lead}\nどのワークショップに申し込みますか。番号を送ってください。\n\n" + "\n\n".join(
        lines
    )
    numbers = tuple(str(n) for n in range(1, len(town.workshops) + 1))
    return Outcome(
        replace(at_rest(person), step=Step.PICK_WORKSHOP),
        (Reply(text.strip(), buttons(numbers, CANCEL)),),
    )


def pick_workshop(person: Person, said: str, town: Town) -> Outcome:
    chosen = {str(n): w for n, w in enumerate(town.workshops, start=1)}.get(said)
    if chosen is None:
        return offer_workshops(person, town, "番号で選んでください。")
    picked = replace(person, workshop_id=chosen.id, mode=None)
    if len(chosen.modes) > 1:
        return ask_mode(picked, chosen, "")
    mode = chosen.modes[0][0] if chosen.modes else None
    return ask_name(replace(picked, mode=mode))


def ask_mode(person: Person, workshop: WorkshopOffer, lead: str) -> Outcome:
    labels = tuple(label for _, label in workshop.modes)
    text = f"{lead}\n「{workshop.title}」には、どの方法で参加しますか。".strip()
    return Outcome(replace(person, step=Step.MODE), (Reply(text, (*labels, CANCEL)),))


def answer_mode(person: Person, said: str, town: Town) -> Outcome:
    workshop = find_workshop(town, person.workshop_id)
    if workshop is None:
        return offer_workshops(person, town, "このワークショップの申込は締め切られました。")
    mode = next((value for value, label in workshop.modes if said in (label, value)), None)
    if mode is None:
        return ask_mode(person, workshop, "ボタンから選んでください。")
    return ask_name(replace(person, mode=mode))


def ask_name(person: Person) -> Outcome:
    text = "受付でお呼びするお名前を送ってください（ニックネームでも構いません）。"
    return Outcome(replace(person, step=Step.NAME), (Reply(text, (CANCEL,)),))


def answer_name(person: Person, said: str, town: Town) -> Outcome:
    if not said:
        return ask_name(person)
    if len(said) > NAME_MAX_CHARS:
        text = f"お名前は{NAME_MAX_CHARS}文字までです。短くして送ってください。"
        return Outcome(person, (Reply(text, (CANCEL,)),))
    return sign_up_summary(replace(person, step=Step.SIGN_UP, name=said), town)


def sign_up_summary(person: Person, town: Town) -> Outcome:
    workshop = find_workshop(town, person.workshop_id)
    if workshop is None:
        return offer_workshops(person, town, "このワークショップの申込は締め切られました。")
    how = dict(workshop.modes).get(person.mode or "", "")
    age = AGE_GROUP[person.age_group] if person.age_group else "回答なし"
    text = (
        f"次の内容で申し込みます。よろしいですか。\n\n{workshop.title}\n日時：{workshop.when}\n"
        + (f"参加の方法：{how}\n" if len(workshop.modes) > 1 else f"場所：{workshop.where}\n")
        + f"お名前：{person.name}\n年代：{age}\n席：{workshop.seats}\n\n"
        "キャンセル待ちから参加できるようになったときと、開催の前に、このLINEでお知らせします。"
        "そのため、ワークショップが終わるまで、LINEの利用者IDをこの申込とともに市のサーバーに保存します。"
    )
    return Outcome(person, (Reply(text, (APPLY, CANCEL)),))


def confirm_sign_up(person: Person, said: str, town: Town) -> Outcome:
    if said not in (APPLY, YES, "はい"):
        return sign_up_summary(person, town)
    workshop = find_workshop(town, person.workshop_id)
    if workshop is None:
        return offer_workshops(
            at_rest(person), town, "このワークショップの申込は締め切られました。"
        )
    sign_up = SignUp(workshop.id, person.mode, person.name, person.age_group, person.district)
    return Outcome(at_rest(person), (), sign_up=sign_up)


def find_workshop(town: Town, workshop_id: int | None) -> WorkshopOffer | None:
    return next((w for w in town.workshops if w.id == workshop_id), None)


# what is said at each step goes to (Step.WRITE, which keeps the text as typed, is apart)
STEPS: dict[Step, Callable[[Person, str, Town], Outcome]] = {
    Step.AGE: answer_age,
    Step.DISTRICT: answer_district,
    Step.CHOOSE: choose,
    Step.ANSWER: answer,
    Step.CONFIRM: confirm,
    Step.PICK_WORKSHOP: pick_workshop,
    Step.MODE: answer_mode,
    Step.NAME: answer_name,
    Step.SIGN_UP: confirm_sign_up,
}
