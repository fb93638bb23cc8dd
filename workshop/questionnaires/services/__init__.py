"""Questionnaires, by sub-domain:

- definitions: a questionnaire as plain specs; the JSON file format; checks of a definition
- changes: storing the questions, with what may change once answers are in

Callers import from here; the modules import each other directly.
"""

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
    "TYPE_NAMES",
    "OptionSpec",
    "QuestionSpec",
    "Usage",
    "apply_questionnaire",
    "dump_questionnaire",
    "get_consultation_by_slug",
    "load_usage",
    "lock_problems",
    "lock_reason",
    "parse_file",
    "question_problems",
    "spec_of",
    "spec_to_file",
    "specs_of",
    "validate_specs",
]
