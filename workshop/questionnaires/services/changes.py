"""Storing a questionnaire, with the rules of what may change once answers are in.

The whole list of questions is applied at once, by the CLI from a file and by the web builder
(which edits one question of the list): one set of rules for both. Once a question has answers,
its type, its key and its scale stay; a number's range may only widen over the stored values;
"other" stays while other-answers exist; an option in use may be hidden, not deleted. Options
can always be added, relabelled (by code), reordered; texts, help and flags can change.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import distinct, func, select

from workshop import audit
from workshop.errors import NotFound
from workshop.extensions import db
from workshop.models import Answer, Consultation, Question, QuestionOption, QuestionType
from workshop.questionnaires.errors import QuestionLocked
from workshop.questionnaires.services.definitions import (
    TYPE_NAMES,
    OptionSpec,
    Problem,
    QuestionSpec,
    resolve_code,
    scale_points,
    validate_specs,
)
from workshop.questionnaires.services.profile import free_key
from workshop.questionnaires.services.questionnaire_file import spec_to_file
from workshop.transaction import transaction

CONSULTATION_NOT_FOUND = "この意見募集が見つかりません。"


def get_consultation_by_slug(slug: str) -> Consultation:
    consultation = db.session.scalars(select(Consultation).where(Consultation.slug == slug)).first()
    if consultation is None:
        raise NotFound(f"意見募集「{slug}」が見つかりません。")
    return consultation


@dataclass
class Usage:
    """What the stored answers of a consultation use: responses per question, answers per
    option, other-texts per question, and the lowest and highest stored number."""

    responses: dict[int, int] = field(default_factory=dict)
    option_answers: dict[int, int] = field(default_factory=dict)
    other_answers: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    number_range: dict[int, tuple[float, float]] = field(default_factory=dict)

    def is_answered(self, question: Question) -> bool:
        return self.responses.get(question.id, 0) > 0


def load_usage(consultation_id: int) -> Usage:
    """Two grouped queries over the answer index, however many responses there are."""
    usage = Usage()
    of_consultation = Answer.question_id.in_(
        select(Question.id).where(Question.consultation_id == consultation_id)
    )
    per_question = select(Answer.question_id, func.count(distinct(Answer.comment_id)))
    for question_id, count in db.session.execute(
        per_question.where(of_consultation).group_by(Answer.question_id)
    ):
        usage.responses[question_id] = count
    per_option = select(
        Answer.question_id,
        Answer.option_id,
        func.count(),
        func.count(Answer.other_text),
        func.min(Answer.number_value),
        func.max(Answer.number_value),
    ).where(of_consultation)
    rows = db.session.execute(per_option.group_by(Answer.question_id, Answer.option_id))
    for question_id, option_id, count, others, lowest, highest in rows:
        if option_id is not None:
            usage.option_answers[option_id] = count
        usage.other_answers[question_id] += others
        if lowest is not None and highest is not None:
            usage.number_range[question_id] = (lowest, highest)
    return usage


def spec_of(question: Question) -> QuestionSpec:
    is_scale = question.type is QuestionType.SCALE
    return QuestionSpec(
        key=question.key,
        type=question.type,
        text=question.text,
        help_text=question.help_text,
        is_required=question.is_required,
        is_attribute=question.is_attribute,
        about_respondent=question.profile is not None,
        has_other=question.has_other,
        options=()
        if is_scale
        else tuple(OptionSpec(o.label, o.code, o.is_hidden) for o in question.options),
        scale_min=question.scale_min,
        scale_max=question.scale_max,
        scale_labels=(question.scale_min_label or "", question.scale_max_label or ""),
        number_min=question.number_min,
        number_max=question.number_max,
        show_if_key=question.show_if_question.key if question.show_if_question else None,
        show_if_values=tuple(question.show_if_codes),
    )


def specs_of(consultation: Consultation) -> list[QuestionSpec]:
    return [spec_of(question) for question in consultation.questions]


def dump_questionnaire(consultation: Consultation) -> dict[str, Any]:
    return {"questions": [spec_to_file(spec) for spec in specs_of(consultation)]}


def _with_codes(spec: QuestionSpec, stored: Question | None) -> QuestionSpec:
    """Give new options a code: the stored option's of the same label, else the next number."""
    if spec.type is QuestionType.SCALE or not spec.options:
        return spec
    has_options = stored is not None and stored.type is not QuestionType.SCALE
    stored_options = stored.options if stored is not None and has_options else []
    by_label = {o.label: o.code for o in stored_options}
    taken = {o.code for o in stored_options} | {o.code for o in spec.options if o.code}
    next_number = max((int(code) for code in taken if code.isdigit()), default=0) + 1
    options: list[OptionSpec] = []
    used: set[str] = set()
    for option in spec.options:
        code = option.code or by_label.get(option.label)
        if code is None or code in used:
            code, next_number = str(next_number), next_number + 1
        used.add(code)
        options.append(dataclasses.replace(option, code=code))
    return dataclasses.replace(spec, options=tuple(options))


def _with_condition_codes(specs: list[QuestionSpec]) -> list[QuestionSpec]:
    """A condition names options by code; a hand-written file may name them by label."""
    by_key = {spec.key: spec for spec in specs}
    result = []
    for spec in specs:
        target = by_key.get(spec.show_if_key or "")
        if target is not None:
            codes = tuple(resolve_code(target, v) or v for v in spec.show_if_values)
            spec = dataclasses.replace(spec, show_if_values=codes)
        result.append(spec)
    return result


def prepared_specs(consultation: Consultation, specs: Sequence[QuestionSpec]) -> list[QuestionSpec]:
    """The specs checked, with every option's code and conditions by code."""
    validate_specs(specs)
    stored = {q.key: q for q in consultation.questions}
    with_codes = [_with_codes(spec, stored.get(spec.key)) for spec in specs]
    prepared = _with_condition_codes(with_codes)
    validate_specs(prepared)  # codes given to some options may meet codes written for others
    return prepared


def lock_problems(
    stored: Sequence[Question], specs: Sequence[QuestionSpec], usage: Usage
) -> list[Problem]:
    """Every change of `specs` that would break stored answers, in Japanese."""
    by_key = {spec.key: spec for spec in specs}
    problems: list[Problem] = []
    for question in stored:
        if not usage.is_answered(question):
            continue
        count = usage.responses[question.id]
        spec = by_key.get(question.key)
        name = f"「{question.key}」（{question.text[:30]}）"
        if spec is None:
            problems.append(Problem(f"{name}には回答が{count:,}件あるため、削除できません。"))
            continue
        if spec.type is not question.type:
            problems.append(
                Problem(
                    f"{name}には回答があるため、種類（{TYPE_NAMES[question.type]}）を"
                    f"{TYPE_NAMES[spec.type]}に変えられません。",
                    "type",
                )
            )
            continue
        if question.type is QuestionType.SCALE and (spec.scale_min, spec.scale_max) != (
            question.scale_min,
            question.scale_max,
        ):
            problems.append(
                Problem(
                    f"{name}には回答があるため、尺度の範囲（{question.scale_min}〜"
                    f"{question.scale_max}）を変えられません。両端の言葉は変えられます。",
                    "scale_min",
                )
            )
        stored_range = usage.number_range.get(question.id)
        if question.type is QuestionType.NUMBER and stored_range:
            lowest, highest = stored_range
            if (spec.number_min is not None and spec.number_min > lowest) or (
                spec.number_max is not None and spec.number_max < highest
            ):
                problems.append(
                    Problem(
                        f"{name}には{lowest:g}〜{highest:g}の回答があるため、"
                        "範囲をそれより狭くできません。",
                        "number_min",
                    )
                )
        if question.has_other and not spec.has_other and usage.other_answers[question.id]:
            problems.append(
                Problem(
                    f"{name}には「その他」の回答があるため、「その他」を外せません。", "has_other"
                )
            )
        codes = {o.code for o in spec.options}
        for option in question.options:
            if question.type is QuestionType.SCALE or option.code in codes:
                continue
            if usage.option_answers.get(option.id):
                problems.append(
                    Problem(
                        f"{name}の選択肢「{option.label}」は回答で選ばれているため削除できません。"
                        '非表示にしてください（一覧の「非表示にする」、ファイルでは "hidden": true）。',
                        "options",
                    )
                )
    return problems


def lock_reason(question: Question, usage: Usage) -> str | None:
    """Why a question cannot change freely, for its page; None while it has no answers."""
    if not usage.is_answered(question):
        return None
    count = usage.responses[question.id]
    return (
        f"回答が{count:,}件あるため、種類とkeyは変えられず、選択肢は削除できません"
        "（追加・並べ替え・非表示・文言の修正はできます）。"
        + ("尺度の範囲も変えられません。" if question.type is QuestionType.SCALE else "")
    )


def _set_fields(question: Question, spec: QuestionSpec) -> None:
    question.type = spec.type
    question.text = spec.text
    question.help_text = spec.help_text
    question.is_required = spec.is_required
    question.is_attribute = spec.is_attribute
    question.has_other = spec.has_other and spec.type is QuestionType.MULTIPLE
    question.scale_min, question.scale_max = spec.scale_min, spec.scale_max
    low, high = spec.scale_labels if spec.type is QuestionType.SCALE else ("", "")
    question.scale_min_label, question.scale_max_label = low or None, high or None
    question.number_min, question.number_max = spec.number_min, spec.number_max


def _wanted_options(spec: QuestionSpec) -> list[OptionSpec]:
    if spec.type is QuestionType.SCALE:
        return [OptionSpec(str(point), str(point)) for point in scale_points(spec)]
    return list(spec.options)


def _sync_options(question: Question, spec: QuestionSpec) -> None:
    wanted = _wanted_options(spec)
    codes = {o.code for o in wanted}
    for option in [o for o in question.options if o.code not in codes]:
        question.options.remove(option)  # unused: lock_problems refused the others
    db.session.flush()  # deletes before inserts: a freed code may be taken again
    stored = {o.code: o for o in question.options}
    for position, option_spec in enumerate(wanted):
        option = stored.get(option_spec.code or "") or QuestionOption(code=option_spec.code)
        if option not in question.options:
            question.options.append(option)
        option.position = position
        option.label = option_spec.label
        option.is_hidden = option_spec.is_hidden
    question.options.sort(key=lambda o: o.position)


def apply_profile_options(
    consultation: Consultation, question: Question, options: Sequence[OptionSpec], change: str
) -> None:
    """New options of a question about the respondent (年代, 地区, 市との関係): added, hidden,
    shown or deleted by the same rules as a questionnaire's; the question itself stays."""
    with transaction():
        spec = dataclasses.replace(spec_of(question), options=tuple(options))
        validate_specs([spec])
        spec = _with_codes(spec, question)
        validate_specs([spec])
        usage = load_usage(question.consultation_id)
        if problems := lock_problems([question], [spec], usage):
            raise QuestionLocked(problems)
        _sync_options(question, spec)
        audit.record(
            "questionnaire.update",
            f"consultation:{consultation.slug}",
            change=f"{change} {question.key}",
        )


def apply_questionnaire(
    consultation_id: int, specs: Sequence[QuestionSpec], change: str = ""
) -> list[Question]:
    """Store `specs` as the consultation's questions, in their order; all of it or nothing.
    `change` says in the audit log what was done (the web builder's one step), if not a file.

    Raises QuestionnaireInvalid (a bad definition) or QuestionLocked (stored answers)."""
    with transaction():
        consultation = db.session.get(Consultation, consultation_id)
        if consultation is None:
            raise NotFound(CONSULTATION_NOT_FOUND)
        specs = prepared_specs(consultation, specs)
        usage = load_usage(consultation_id)
        if problems := lock_problems(consultation.questions, specs, usage):
            raise QuestionLocked(problems)
        stored = {q.key: q for q in consultation.questions}
        keys = {spec.key for spec in specs}
        for about in consultation.profile_questions:  # a question of the city's takes its key
            if about.key in keys:
                about.key = free_key(
                    keys | {q.key for q in consultation.profile_questions}, about.key
                )
        for question in [q for q in consultation.questions if q.key not in keys]:
            consultation.questions.remove(question)
        db.session.flush()
        questions = []
        for position, spec in enumerate(specs):
            question = stored.get(spec.key) or Question(key=spec.key)
            if question not in consultation.questions:
                consultation.questions.append(question)
            question.position = position
            _set_fields(question, spec)
            _sync_options(question, spec)
            questions.append(question)
        consultation.questions.sort(key=lambda q: q.position)
        db.session.flush()
        by_key = {q.key: q for q in questions}
        for question, spec in zip(questions, specs, strict=True):
            target = by_key.get(spec.show_if_key or "")
            question.show_if_question = target
            question.show_if_codes = list(spec.show_if_values) if target else []
        audit.record(
            "questionnaire.update",
            f"consultation:{consultation.slug}",
            questions=len(questions),
            **({"change": change} if change else {}),
        )
    return questions
