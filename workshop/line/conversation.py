"""The conversation with a resident in LINE, as a pure function: what they said, where they
were, and what the city knows of them in; the replies, where they are now, and what to store
out. No database, no LINE: the background job does both around it (issue 15).

Steps: consent (nothing is stored before 「同意する」) → age group and district, asked once
(「設定」 asks again) → choosing an open consultation → writing, in as many messages as needed,
until 「送信」 → a summary to confirm → the receipt. 「やめる」 at any step cancels and keeps
nothing of the draft. Every step also works by typing: a quick reply is only a shortcut.
"""

from __future__ import annotations

import enum
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from workshop.labels import AGE_GROUP, AGE_GROUP_ALIASES
from workshop.models import AgeGroup
from workshop.models.consultations import COMMENT_MAX_CHARS

AGREE, DISAGREE = "同意する", "同意しない"
CANCEL, SETTINGS, COMMENT, SEND, YES, FIX, SKIP = (
    "やめる", "設定", "意見を送る", "送信", "この内容で送る", "書き直す", "答えない",
)  # fmt: skip
# LINE shows at most 13 quick-reply buttons
QUICK_REPLY_MAX = 13

CONSENT_TEXT = (
    "みどり市の「まちの声」です。LINEで市へのご意見を送れます。\n"
    "送っていただいた内容と、年代・地区は、市のサーバーにだけ保存します（LINEの会社には残りません）。"
    "保存の期間は、市の文書の決まりに従います。お名前は聞きません。\n"
    "よろしければ「同意する」を押してください。"
)
NOT_TEXT = "ごめんなさい、文字のメッセージだけを受け付けています。スタンプや写真、位置情報は読み取れません。"


class Step(enum.StrEnum):
    IDLE = "idle"
    AGE = "age"
    DISTRICT = "district"
    CHOOSE = "choose"
    WRITE = "write"
    CONFIRM = "confirm"


@dataclass(frozen=True)
class Consultation:
    """An open consultation as the conversation shows it."""

    id: int
    title: str
    url: str
    districts: tuple[str, ...] = ()


@dataclass(frozen=True)
class Person:
    """What the city keeps of a LINE user who agreed (None: has not agreed, keeps nothing)."""

    age_group: AgeGroup | None = None
    district: str | None = None
    step: Step = Step.IDLE
    consultation_id: int | None = None
    draft: tuple[str, ...] = ()


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


@dataclass(frozen=True)
class Outcome:
    person: Person | None  # None: keep nothing (not agreed, or 「同意しない」)
    replies: tuple[Reply, ...]
    submit: Submit | None = None
    forget: bool = False  # 「同意しない」 after agreeing: remove what is kept


@dataclass(frozen=True)
class Town:
    """What the conversation offers: the open consultations and the city's districts."""

    consultations: tuple[Consultation, ...]
    districts: tuple[str, ...] = field(default=())


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
        return Outcome(None, (Reply(CONSENT_TEXT, (AGREE, DISAGREE)),))
    if said == DISAGREE:
        return Outcome(
            None, (Reply("保存していた設定を消しました。またいつでもどうぞ。"),), forget=True
        )
    if said == CANCEL:
        idle = replace(person, step=Step.IDLE, consultation_id=None, draft=())
        return Outcome(idle, (Reply("やめました。書きかけの内容は保存していません。", (COMMENT,)),))
    if said == SETTINGS:
        return ask_age(person, "年代と地区を設定し直します。")
    if person.step is Step.AGE:
        return answer_age(person, said, town)
    if person.step is Step.DISTRICT:
        return answer_district(person, said, town)
    if person.step is Step.CHOOSE:
        return choose(person, said, town)
    if person.step is Step.WRITE:
        return write(person, text.strip(), said, town)
    if person.step is Step.CONFIRM:
        return confirm(person, said, town)
    return offer(person, town, "")


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
    quick = buttons((*town.districts, SKIP))
    text = f"お住まいの地区を教えてください（答えたくないときは「{SKIP}」）。"
    return Outcome(replace(person, step=Step.DISTRICT), (Reply(text, quick),))


def answer_district(person: Person, said: str, town: Town) -> Outcome:
    if said == SKIP:
        return offer(replace(person, district=None), town, "設定しました。")
    if said not in town.districts:
        quick = buttons((*town.districts, SKIP))
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
        (Reply(text.strip(), buttons((*numbers, CANCEL))),),
    )


def choose(person: Person, said: str, town: Town) -> Outcome:
    chosen = {str(n): c for n, c in enumerate(town.consultations, start=1)}.get(said)
    if chosen is None:
        return offer(person, town, "番号で選んでください。")
    text = (
        f"「{chosen.title}」へのご意見を書いてください。何回かに分けて送っても構いません。"
        f"書き終えたら「{SEND}」を押してください（{COMMENT_MAX_CHARS:,}文字まで）。"
    )
    writing = replace(person, step=Step.WRITE, consultation_id=chosen.id, draft=())
    return Outcome(writing, (Reply(text, (SEND, CANCEL)),))


def write(person: Person, text: str, said: str, town: Town) -> Outcome:
    if said == SEND:
        if not person.draft:
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
    text = (
        f"次の内容で送ります。よろしいですか。\n\n意見募集：{title}\n年代：{age}\n"
        f"地区：{person.district or '回答なし'}\n\nご意見：\n" + "\n".join(person.draft)
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
    idle = replace(person, step=Step.IDLE, consultation_id=None, draft=())
    if chosen is None:
        return Outcome(
            idle, (Reply("この意見募集は締め切られたため、送れませんでした。", (COMMENT,)),)
        )
    submit = Submit(chosen.id, "\n".join(person.draft), person.age_group, person.district)
    return Outcome(idle, (), submit=submit)


def find(consultations: Sequence[Consultation], consultation_id: int | None) -> Consultation | None:
    return next((c for c in consultations if c.id == consultation_id), None)


def buttons(labels: Sequence[str]) -> tuple[str, ...]:
    """Quick replies: LINE shows at most 13; with more choices, typing still works."""
    return tuple(labels[:QUICK_REPLY_MAX])
