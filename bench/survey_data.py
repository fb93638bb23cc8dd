"""The demo's DX questionnaire and its generated answers, for the benches: the generator lives
with the demo data (workshop/demo_data/survey.py); see there."""

from workshop.demo_data.survey import (
    HEADER,
    QUESTION_COLUMNS,
    TEXT_COLUMN,
    generate,
    questionnaire,
    write_csv,
)

__all__ = ["HEADER", "QUESTION_COLUMNS", "TEXT_COLUMN", "generate", "questionnaire", "write_csv"]
