"""年代 and 地区, asked once after the consent and again at 「設定」; then on to the open
consultations."""

from __future__ import annotations

from dataclasses import replace

from workshop.labels import AGE_GROUP, AGE_GROUP_ALIASES
from workshop.line.conversation.comments import offer
from workshop.line.conversation.state import Outcome, Person, Reply, Step, Town, buttons
from workshop.line.conversation.words import SKIP


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
