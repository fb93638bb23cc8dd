"""The web builder: one step on a consultation's questions (a question added, edited, moved or
deleted; an option added, hidden, shown or deleted).

Each step turns the stored questions into specs, changes one, and applies the whole list with
`apply_questionnaire`: the same checks and the same locks as a file loaded with the CLI. The
question being edited is checked first on its own (`question_problems`), so that each problem
can be shown by its field; what only the whole list shows comes back from `apply_questionnaire`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select

from workshop.errors import NotFound
from workshop.extensions import db
from workshop.models import Consultation, Question, QuestionOption, QuestionType
from workshop.questionnaires.errors import QuestionnaireInvalid
from workshop.questionnaires.services.changes import (
    Usage,
    apply_profile_options,
    apply_questionnaire,
    load_usage,
    lock_reason,
    specs_of,
)
from workshop.questionnaires.services.definitions import (
    OptionSpec,
    Problem,
    QuestionSpec,
    question_problems,
)

QUESTION_NOT_FOUND = "この質問が見つかりません。"
OPTION_NOT_FOUND = "この選択肢が見つかりません。"
OPTION_TYPES = (QuestionType.SINGLE, QuestionType.MULTIPLE)  # a scale's points are not options


@dataclass(frozen=True)
class Questionnaire:
    """A consultation's questions with what their stored answers use, for the builder's pages."""

    consultation: Consultation
    usage: Usage

    @property
    def questions(self) -> list[Question]:
        return self.consultation.questions

    def lock_reason(self, question: Question) -> str | None:
        return lock_reason(question, self.usage)

    def is_answered(self, question: Question) -> bool:
        return self.usage.is_answered(question)

    def option_in_use(self, option: QuestionOption) -> bool:
        return self.usage.option_answers.get(option.id, 0) > 0

    def dependents(self, question: Question) -> list[Question]:
        """The questions shown only after an answer to `question`."""
        return [q for q in self.questions if q.show_if_question_id == question.id]


def get_questionnaire(consultation_id: int) -> Questionnaire:
    consultation = db.session.get(Consultation, consultation_id)
    if consultation is None:
        raise NotFound("この意見募集が見つかりません。")
    return Questionnaire(consultation, load_usage(consultation_id))


def get_question(consultation_id: int, question_id: int, *, about_too: bool = False) -> Question:
    """A question of the questionnaire; ``about_too``: or one about the respondent (年代, ...),
    whose options alone may change."""
    question = db.session.scalars(
        select(Question).where(
            Question.id == question_id, Question.consultation_id == consultation_id
        )
    ).first()
    if question is None or (question.profile is not None and not about_too):
        raise NotFound(QUESTION_NOT_FOUND)
    return question


def suggest_key(consultation: Consultation) -> str:
    """q1, q2, ...: the first free one from the number the new question would have."""
    taken = {q.key for q in consultation.questions}
    number = len(taken) + 1
    taken |= {q.key for q in consultation.profile_questions}
    while f"q{number}" in taken:
        number += 1
    return f"q{number}"


def _kept_options(labels: Sequence[OptionSpec], stored: Question | None) -> tuple[OptionSpec, ...]:
    """The options written one per line, each keeping the code and the hidden mark of the stored
    option of the same label (so a key changed before any answer keeps its codes too)."""
    by_label = {o.label: o for o in stored.options} if stored is not None else {}
    kept = []
    for option in labels:
        old = by_label.get(option.label)
        if old is not None:
            option = OptionSpec(option.label, old.code, old.is_hidden)
        kept.append(option)
    return tuple(kept)


def _index_of(specs: Sequence[QuestionSpec], key: str) -> int:
    return next(i for i, spec in enumerate(specs) if spec.key == key)


def save_question(consultation_id: int, spec: QuestionSpec, question_id: int | None) -> str:
    """Add `spec` at the end (question_id None) or put it in place of the stored question;
    returns its key. Raises QuestionnaireInvalid whose problems name their fields."""
    found = get_questionnaire(consultation_id)
    consultation = found.consultation
    specs = specs_of(consultation)
    stored = get_question(consultation_id, question_id) if question_id is not None else None
    spec = dataclasses.replace(
        spec,
        key=spec.key or (stored.key if stored is not None else suggest_key(consultation)),
        options=_kept_options(spec.options, stored),
    )
    index = _index_of(specs, stored.key) if stored is not None else len(specs)
    earlier = {s.key: s for s in specs[:index]}
    problems = question_problems(spec, earlier)
    others = {s.key for i, s in enumerate(specs) if i != index}
    if spec.key in others:
        problems.append(Problem(f"key「{spec.key}」はほかの質問で使われています。", "key"))
    renamed = stored is not None and spec.key != stored.key
    if renamed and stored is not None and found.is_answered(stored):
        problems.append(Problem(f"回答があるため、key（{stored.key}）は変えられません。", "key"))
    if problems:
        raise QuestionnaireInvalid(problems)
    if stored is not None:
        specs[index] = spec
        if renamed:  # the conditions that name the old key follow it
            specs = [
                dataclasses.replace(s, show_if_key=spec.key) if s.show_if_key == stored.key else s
                for s in specs
            ]
        change = f"question.edit {spec.key}"
    else:
        specs.append(spec)
        change = f"question.add {spec.key}"
    apply_questionnaire(consultation_id, specs, change=change)
    return spec.key


def move_question(consultation_id: int, question_id: int, offset: int) -> None:
    """Move a question up (-1) or down (+1); a condition must stay after its question."""
    consultation = get_questionnaire(consultation_id).consultation
    question = get_question(consultation_id, question_id)
    specs = specs_of(consultation)
    index = _index_of(specs, question.key)
    target = index + offset
    if not 0 <= target < len(specs):
        return
    specs[index], specs[target] = specs[target], specs[index]
    moved, other = specs[target], specs[index]
    pair = (other, moved) if moved.show_if_key == other.key else (moved, other)
    first, then = pair
    if then.show_if_key == first.key:
        raise QuestionnaireInvalid(
            [
                f"「{then.key}」は「{first.key}」の答えで表示が決まる質問のため、"
                f"「{first.key}」より前には動かせません。"
            ]
        )
    direction = "up" if offset < 0 else "down"
    apply_questionnaire(consultation_id, specs, change=f"question.move_{direction} {question.key}")


def delete_question(consultation_id: int, question_id: int) -> str:
    """Delete a question with no answers and no question shown by its answers; returns its key."""
    found = get_questionnaire(consultation_id)
    question = get_question(consultation_id, question_id)
    if dependents := found.dependents(question):
        names = "、".join(f"問{q.position + 1}（{q.key}）" for q in dependents)
        raise QuestionnaireInvalid(
            [f"{names}の表示の条件に使われているため削除できません。先に条件を外してください。"]
        )
    specs = [s for s in specs_of(found.consultation) if s.key != question.key]
    apply_questionnaire(consultation_id, specs, change=f"question.delete {question.key}")
    return question.key


def _with_options(
    consultation_id: int, question_id: int, options: Sequence[OptionSpec], change: str
) -> None:
    consultation = get_questionnaire(consultation_id).consultation
    question = get_question(consultation_id, question_id, about_too=True)
    if question.profile is not None:
        apply_profile_options(consultation, question, options, change)
        return
    specs = specs_of(consultation)
    index = _index_of(specs, question.key)
    spec = dataclasses.replace(specs[index], options=tuple(options))
    earlier = {s.key: s for s in specs[:index]}
    if problems := question_problems(spec, earlier):
        raise QuestionnaireInvalid(problems)
    specs[index] = spec
    apply_questionnaire(consultation_id, specs, change=f"{change} {question.key}")


def _option(question: Question, option_id: int) -> QuestionOption:
    option = next((o for o in question.options if o.id == option_id), None)
    if option is None or question.type not in OPTION_TYPES:
        raise NotFound(OPTION_NOT_FOUND)
    return option


def add_option(consultation_id: int, question_id: int, label: str) -> None:
    question = get_question(consultation_id, question_id, about_too=True)
    options = [OptionSpec(o.label, o.code, o.is_hidden) for o in question.options]
    _with_options(consultation_id, question_id, [*options, OptionSpec(label)], "option.add")


def set_option_hidden(consultation_id: int, question_id: int, option_id: int, hidden: bool) -> str:
    """Hide an option from the form (its stored answers stay), or show it again; its label."""
    question = get_question(consultation_id, question_id, about_too=True)
    chosen = _option(question, option_id)
    options = [
        OptionSpec(o.label, o.code, hidden if o is chosen else o.is_hidden)
        for o in question.options
    ]
    change = "option.hide" if hidden else "option.show"
    _with_options(consultation_id, question_id, options, change)
    return chosen.label


def delete_option(consultation_id: int, question_id: int, option_id: int) -> str:
    """Delete an option no answer chose (lock_problems refuses the others); its label."""
    question = get_question(consultation_id, question_id, about_too=True)
    chosen = _option(question, option_id)
    options = [
        OptionSpec(o.label, o.code, o.is_hidden) for o in question.options if o is not chosen
    ]
    _with_options(consultation_id, question_id, options, "option.delete")
    return chosen.label
