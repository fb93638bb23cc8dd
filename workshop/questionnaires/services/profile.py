"""The questions about the respondent that every consultation asks (年代, お住まいの地区, 市との
関係): ordinary single-choice questions marked ``Question.profile``, whose options the city
may change like any other (add, hide one in use), answered and counted as answer rows.

Callers name an answer by its option's code or its label (a LINE conversation's AgeGroup, a
file's 「70代」, a workshop's district); the age groups and relations also by the short forms
people type in files (labels.AGE_GROUP_ALIASES)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, select

from workshop.extensions import db
from workshop.labels import (
    AGE_GROUP,
    AGE_GROUP_ALIASES,
    RELATION,
    RELATION_ALIASES,
    RELATION_SHORT,
)
from workshop.models import (
    Answer,
    Consultation,
    Profile,
    Question,
    QuestionOption,
    QuestionType,
)
from workshop.questionnaires.services.answers import AnswerInput
from workshop.text import clean_text
from workshop.validation import CHOICE_MESSAGE

# each question's text
PROFILE_TEXTS = {
    Profile.AGE_GROUP: "年代",
    Profile.DISTRICT: "お住まいの地区",
    Profile.RELATION: "市との関係",
}
# a city's first options; the districts are the consultation's own (set_districts: d1, d2, ...)
DEFAULT_OPTIONS = {
    Profile.AGE_GROUP: [(group.value, label) for group, label in AGE_GROUP.items()],
    Profile.RELATION: [(relation.value, label) for relation, label in RELATION.items()],
}
ALIASES: dict[Profile, Mapping[str, str]] = {
    Profile.AGE_GROUP: {alias: group.value for alias, group in AGE_GROUP_ALIASES.items()},
    Profile.RELATION: {alias: relation.value for alias, relation in RELATION_ALIASES.items()},
    Profile.DISTRICT: {},
}
DISTRICT_MAX_CHARS = 100
# tables and exports name the first relations by their short word, as they always did (在住)
SHORT_LABELS = {RELATION[relation]: short for relation, short in RELATION_SHORT.items()}


def short_label(label: str) -> str:
    return SHORT_LABELS.get(label, label)


def free_key(taken: set[str], wanted: str) -> str:
    key, number = wanted, 1
    while key in taken:
        number += 1
        key = f"{wanted}_{number}"
    taken.add(key)
    return key


def add_profile_questions(consultation: Consultation) -> None:
    """A new consultation's three questions about the respondent, after its own questions; its
    districts are listed by set_districts()."""
    taken = {q.key for q in consultation.questions}
    position = max((q.position for q in consultation.questions), default=-1)
    for offset, profile in enumerate(Profile, start=1):
        consultation.profile_questions.append(
            Question(
                position=position + offset,
                key=free_key(taken, profile.value),
                type=QuestionType.SINGLE,
                text=PROFILE_TEXTS[profile],
                is_attribute=True,
                profile=profile,
                options=[
                    QuestionOption(position=n, code=code, label=label)
                    for n, (code, label) in enumerate(DEFAULT_OPTIONS.get(profile, []))
                ],
            )
        )


def offered_choices(question: Question | None) -> list[tuple[str, object]]:
    """A form's choices: the options not hidden, as (value, label); the city's own labels are
    shown as written, the first ones in the page's language. A district's value is its name,
    as it always was (option_for reads either)."""
    if question is None:
        return []
    by_name = question.profile is Profile.DISTRICT
    return [(o.label if by_name else o.code, _l(o.label)) for o in question.visible_options]


def option_for(question: Question, value: str) -> QuestionOption | None:
    """The option a value names: by code, by label, or by a short form people type."""
    value = clean_text(value)
    by_code = question.option_by_code(value)
    if by_code is not None:
        return by_code
    by_label = next((o for o in question.options if o.label == value), None)
    if by_label is not None:
        return by_label
    alias = ALIASES[question.profile].get(value) if question.profile else None
    return question.option_by_code(alias) if alias else None


def profile_answers(
    consultation: Consultation, values: Mapping[Profile, str | None]
) -> tuple[tuple[AnswerInput, ...], dict[str, str]]:
    """The answers that values given by name make, and a problem for each value that is not
    one of the question's options (by the profile's name, as a form's field is named)."""
    answers: list[AnswerInput] = []
    problems: dict[str, str] = {}
    for profile, value in values.items():
        if not value or not clean_text(value):
            continue
        question = consultation.profile_question(profile)
        option = option_for(question, value) if question else None
        if question is None or option is None:
            problems[profile.value] = CHOICE_MESSAGE
            continue
        answers.append(AnswerInput(key=question.key, codes=(option.code,)))
    return tuple(answers), problems


def option_in_use(option_id: int) -> bool:
    return bool(db.session.scalar(select(exists().where(Answer.option_id == option_id))))


def set_districts(consultation: Consultation, names: Iterable[str]) -> None:
    """The districts a resident chooses from, in order. A district no longer listed is deleted,
    or hidden if answers name it (they keep their meaning); one listed again is shown again."""
    question = consultation.profile_question(Profile.DISTRICT)
    if question is None:
        return
    wanted = list(dict.fromkeys(n for n in (clean_text(n) for n in names) if n))
    by_label = {o.label: o for o in question.options}
    kept: list[QuestionOption] = []
    for name in wanted:
        option = by_label.pop(name, None) or new_district(question, name)
        option.is_hidden = False
        kept.append(option)
    for option in by_label.values():
        if option.id is not None and option_in_use(option.id):
            option.is_hidden = True
            kept.append(option)
        else:
            question.options.remove(option)
    for position, option in enumerate(kept):
        option.position = position
    question.options.sort(key=lambda o: o.position)


def new_district(question: Question, name: str) -> QuestionOption:
    codes = {o.code for o in question.options}
    number = len(question.options) + 1
    while f"d{number}" in codes:
        number += 1
    option = QuestionOption(
        code=f"d{number}", label=name[:DISTRICT_MAX_CHARS], position=len(question.options)
    )
    question.options.append(option)
    return option


def keep_district(consultation: Consultation, name: str | None) -> None:
    """A district a survey file names that the consultation does not list: kept as a hidden
    option (not offered on the form), so that the row keeps what the resident wrote and is
    counted under it."""
    question = consultation.profile_question(Profile.DISTRICT)
    name = clean_text(name or "")[:DISTRICT_MAX_CHARS]
    if question is None or not name:
        return
    if option_for(question, name) is None:
        new_district(question, name).is_hidden = True
        db.session.flush()


def known_here(consultation: Consultation, profile: Profile, value: str | None) -> str | None:
    """A value a resident set once for every consultation (LINE's 年代・地区), kept where this
    consultation has it among its options (a district also where the city lists none); else
    None, so that the comment is taken without it rather than refused."""
    if not value:
        return None
    if profile is Profile.DISTRICT and not consultation.districts:
        return value
    question = consultation.profile_question(profile)
    return value if question is not None and option_for(question, value) is not None else None


def accept_district(consultation: Consultation, name: str | None) -> None:
    """Where the city lists no districts, a district given by name (typed from a paper form,
    a workshop table, LINE) is kept as written; where it lists some, only those pass."""
    if name and not consultation.districts:
        keep_district(consultation, name)


def profile_labels(comment_ids: Sequence[int]) -> dict[int, dict[Profile, str]]:
    """Each comment's answers about the respondent, as the options' labels (short_label)."""
    if not comment_ids:
        return {}
    stmt = (
        select(Answer.comment_id, Question.profile, QuestionOption.label)
        .join(Question, Question.id == Answer.question_id)
        .join(QuestionOption, QuestionOption.id == Answer.option_id)
        .where(Answer.comment_id.in_(comment_ids), Question.profile.is_not(None))
        .order_by(Answer.comment_id, Question.position)
    )
    found: dict[int, dict[Profile, str]] = {}
    for comment_id, profile, label in db.session.execute(stmt):
        if profile is not None:  # the query asks for these only
            found.setdefault(comment_id, {})[profile] = short_label(label)
    return found
