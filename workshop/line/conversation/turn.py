"""One turn of the conversation: nothing is kept before the consent; the words that work at
any step (「同意しない」 「やめる」 「設定」 「ワークショップ」 「使い方」 「意見を送る」); then what is
said goes to the step's own answer."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

from workshop.line.conversation.comments import (
    answer,
    choose,
    confirm,
    offer,
    write,
)
from workshop.line.conversation.settings import answer_age, answer_district, ask_age
from workshop.line.conversation.signups import (
    answer_mode,
    answer_name,
    confirm_sign_up,
    offer_workshops,
    pick_workshop,
)
from workshop.line.conversation.state import Outcome, Person, Reply, Step, Town, at_rest, is_busy
from workshop.line.conversation.words import (
    AGREE,
    CANCEL,
    COMMENT,
    CONSENT_TEXT,
    DISAGREE,
    HELP,
    HELP_TEXT,
    NOT_TEXT,
    SETTINGS,
    WORKSHOPS,
)


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


def explain(person: Person) -> Outcome:
    """How to use the account; whatever is under way stays as it was."""
    if person.step is Step.IDLE:
        return Outcome(person, (Reply(HELP_TEXT, (COMMENT, WORKSHOPS, SETTINGS)),))
    text = f"{HELP_TEXT}\n\nいまの続きは、そのまま送ってください。"
    return Outcome(person, (Reply(text, (CANCEL,)),))


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
