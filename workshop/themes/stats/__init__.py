"""Themes by respondents' attributes: a cross table and a comparison of two segments.

The rows of a snapshot are counted in one GROUP BY query (one row per theme and combination of
attributes, a few thousand at most, whatever the number of comments); everything after that
is pure functions over those rows, so the numbers can be checked by hand in tests.

attributes.py says what can be counted (Attributes.of() adds a consultation's choice
questions), counting.py fetches the counted rows, cross_table.py and comparison.py are the
two views of them.
"""

from workshop.themes.stats.attributes import (
    ATTRIBUTE_LABELS,
    ATTRIBUTES,
    EXTRA_ATTRIBUTES,
    FIXED,
    OTHER_LABEL,
    OTHER_VALUE,
    PROFILE_ATTRIBUTES,
    QUESTION_PREFIX,
    UNANSWERED,
    UNANSWERED_LABEL,
    Attributes,
    is_attribute,
    question_attribute,
    value_labels,
)
from workshop.themes.stats.comparison import (
    Comparison,
    ComparisonLine,
    Segment,
    compare,
    describe,
    presets,
)
from workshop.themes.stats.counting import (
    CommentRow,
    attribute_labels,
    fetch_rows,
    present_values,
    regroup_rows,
)
from workshop.themes.stats.cross_table import CrossTable, cross_table, cross_table_csv, share

__all__ = [
    "ATTRIBUTES",
    "ATTRIBUTE_LABELS",
    "EXTRA_ATTRIBUTES",
    "FIXED",
    "OTHER_LABEL",
    "OTHER_VALUE",
    "PROFILE_ATTRIBUTES",
    "QUESTION_PREFIX",
    "UNANSWERED",
    "UNANSWERED_LABEL",
    "Attributes",
    "CommentRow",
    "Comparison",
    "ComparisonLine",
    "CrossTable",
    "Segment",
    "attribute_labels",
    "compare",
    "cross_table",
    "cross_table_csv",
    "describe",
    "fetch_rows",
    "is_attribute",
    "present_values",
    "presets",
    "question_attribute",
    "regroup_rows",
    "share",
    "value_labels",
]
