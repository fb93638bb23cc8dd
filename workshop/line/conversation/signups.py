"""A workshop sign-up: choosing a workshop open for sign-up, the way to take part (hybrid
only), a name for the reception, the summary to confirm, then the sign-up to make (the same
seats and waiting list as the web)."""

from __future__ import annotations

from dataclasses import replace

from workshop.labels import AGE_GROUP
from workshop.line.conversation.state import (
    Outcome,
    Person,
    Reply,
    SignUp,
    Step,
    Town,
    WorkshopOffer,
    at_rest,
    buttons,
)
from workshop.line.conversation.words import APPLY, CANCEL, COMMENT, YES

NAME_MAX_CHARS = 100  # as the web form's name


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
