"""Questionnaires, by sub-domain:

- definitions: a questionnaire as plain specs; the JSON file format; checks of a definition
- changes: storing the questions, with what may change once answers are in
- answers: a response's answers checked by the questions' rules, stored as rows, shown in words

Callers import from here; the modules import each other directly.
"""

from workshop.questionnaires.services.answers import (
    OTHER,
    AnswerInput,
    AnswerLine,
    CheckedAnswers,
    RawAnswer,
    answer_rows,
    answer_text,
    answers_in_words,
    answers_of,
    check_answers,
    condition_text,
    first_step_keys,
    is_shown,
    pending_questions,
    store_answers,
    stored_answers,
)
from workshop.questionnaires.services.changes import (
    Usage,
    apply_questionnaire,
    dump_questionnaire,
    get_consultation_by_slug,
    load_usage,
    lock_problems,
    lock_reason,
    spec_of,
    specs_of,
)
from workshop.questionnaires.services.definitions import (
    TYPE_NAMES,
    OptionSpec,
    QuestionSpec,
    parse_file,
    question_problems,
    spec_to_file,
    validate_specs,
)

__all__ = [
    "OTHER",
    "TYPE_NAMES",
    "AnswerInput",
    "AnswerLine",
    "CheckedAnswers",
    "OptionSpec",
    "QuestionSpec",
    "RawAnswer",
    "Usage",
    "answer_rows",
    "answer_text",
    "answers_in_words",
    "answers_of",
    "apply_questionnaire",
    "check_answers",
    "condition_text",
    "dump_questionnaire",
    "first_step_keys",
    "get_consultation_by_slug",
    "is_shown",
    "load_usage",
    "lock_problems",
    "lock_reason",
    "parse_file",
    "pending_questions",
    "question_problems",
    "spec_of",
    "spec_to_file",
    "specs_of",
    "store_answers",
    "stored_answers",
    "validate_specs",
]
