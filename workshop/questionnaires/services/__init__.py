"""Questionnaires, by sub-domain:

- definitions: a questionnaire as plain specs; the JSON file format; checks of a definition
- changes: storing the questions, with what may change once answers are in
- builder: the web builder's steps (add, edit, move, delete a question; options), each applied
  as the whole list by changes.apply_questionnaire
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
    raw_from_cell,
    raw_from_option_cells,
    store_answers,
    stored_answers,
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
    parse_file,
    question_problems,
    spec_to_file,
    validate_specs,
)

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
    "add_option",
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
    "load_usage",
    "lock_problems",
    "lock_reason",
    "move_question",
    "parse_file",
    "pending_questions",
    "question_problems",
    "raw_from_cell",
    "raw_from_option_cells",
    "save_question",
    "set_option_hidden",
    "spec_of",
    "spec_to_file",
    "specs_of",
    "store_answers",
    "stored_answers",
    "suggest_key",
    "validate_specs",
]
