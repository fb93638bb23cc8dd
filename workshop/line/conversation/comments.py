"""A comment: choosing an open consultation, its questionnaire's questions one by one,
writing in as many messages as needed until 「送信」, the summary to confirm, then the
comment to store."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from workshop.labels import AGE_GROUP
from workshop.line import asking
from workshop.line.conversation.state import (
    Consultation,
    Outcome,
    Person,
    Reply,
    Step,
    Submit,
    Town,
    at_rest,
    buttons,
)
from workshop.line.conversation.words import CANCEL, COMMENT, FIX, SEND, SKIP, YES
from workshop.models import Question
from workshop.models.consultations import COMMENT_MAX_CHARS
from workshop.questionnaires.services.answer_storage import answers_in_words
from workshop.questionnaires.services.answers import REQUIRED_MESSAGE, RawAnswer


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
