"""Questionnaires, by sub-domain:

- definitions: a questionnaire as plain specs, and the checks of a definition
- questionnaire_file: the JSON file format (questions load / dump), read into specs
- changes: storing the questions, with what may change once answers are in
- builder: the web builder's steps (add, edit, move, delete a question; options), each applied
  as the whole list by changes.apply_questionnaire
- answers: a response's answers read from what was typed, ticked or in a file's cell, and
  checked by the questions' rules
- answer_storage: checked answers stored as rows, and read back
- answer_words: answers in words (confirmation, receipt, scale choices, export columns)
- profile: the questions about the respondent every consultation asks (年代, 地区, 市との関係)

Callers import from here; the modules import each other directly.
"""

from workshop.questionnaires.services.answer_storage import (
    AnswerLine,
    answer_rows,
    answers_in_words,
    answers_of,
    store_answers,
    stored_answers,
)
from workshop.questionnaires.services.answer_words import (
    answer_cells,
    answer_header,
    answer_text,
    scale_choices,
)
from workshop.questionnaires.services.answers import (
    OTHER,
    AnswerInput,
    CheckedAnswers,
    RawAnswer,
    check_answers,
    condition_text,
    first_step_keys,
    is_shown,
    pending_questions,
    raw_from_cell,
    raw_from_option_cells,
)
from workshop.questionnaires.services.builder import (
    OPTION_TYPES,
    Questionnaire,
    add_option,
    delete_option,
    delete_question,
    get_question,
    get_questionnaire,
    move_question,
    save_question,
    set_option_hidden,
    suggest_key,
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
    Problem,
    QuestionSpec,
    question_problems,
    validate_specs,
)
from workshop.questionnaires.services.profile import (
    accept_district,
    add_profile_questions,
    keep_district,
    offered_choices,
    profile_answers,
    profile_labels,
    set_districts,
)
from workshop.questionnaires.services.questionnaire_file import parse_file, spec_to_file

__all__ = [
    "OPTION_TYPES",
    "OTHER",
    "TYPE_NAMES",
    "AnswerInput",
    "AnswerLine",
    "CheckedAnswers",
    "OptionSpec",
    "Problem",
    "QuestionSpec",
    "Questionnaire",
    "RawAnswer",
    "Usage",
    "accept_district",
    "add_option",
    "add_profile_questions",
    "answer_cells",
    "answer_header",
    "answer_rows",
    "answer_text",
    "answers_in_words",
    "answers_of",
    "apply_questionnaire",
    "check_answers",
    "condition_text",
    "delete_option",
    "delete_question",
    "dump_questionnaire",
    "first_step_keys",
    "get_consultation_by_slug",
    "get_question",
    "get_questionnaire",
    "is_shown",
    "keep_district",
    "load_usage",
    "lock_problems",
    "lock_reason",
    "move_question",
    "offered_choices",
    "parse_file",
    "pending_questions",
    "profile_answers",
    "profile_labels",
    "question_problems",
    "raw_from_cell",
    "raw_from_option_cells",
    "save_question",
    "scale_choices",
    "set_districts",
    "set_option_hidden",
    "spec_of",
    "spec_to_file",
    "specs_of",
    "store_answers",
    "stored_answers",
    "suggest_key",
    "validate_specs",
]
