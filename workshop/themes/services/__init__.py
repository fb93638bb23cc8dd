"""Theme analysis of a consultation, by sub-domain:

- tokens: Janome tokens and masks of the comments, made ahead by a job
- analysis: running an analysis as a job, and storing its themes and large themes
- lookup: finding analyses, themes, their members and the running job
- corrections: the planner's renames, merges, moves and city themes, replayed on later analyses

Callers import from here; the modules import each other directly.
"""

from workshop.themes.services.analysis import (
    MIN_COMMENTS,
    OTHER_LABEL,
    earlier_assignments,
    run_analysis,
    start_analysis,
    store_themes,
)
from workshop.themes.services.corrections import (
    apply_correction,
    body_hash,
    ensure_not_published,
    jaccard,
    mark_city_theme,
    matching_theme,
    merge_themes,
    move_comment,
    record,
    rename_theme,
    replay_corrections,
)
from workshop.themes.services.lookup import (
    get_analysis,
    get_theme,
    job_question,
    latest_analysis,
    members,
    running_job,
    text_question,
    text_questions,
    theme_sizes,
)
from workshop.themes.services.tokens import (
    chunks,
    load_token_cache,
    mask_new_comments,
    reporting,
    run_tokens,
    store_tokens,
)

__all__ = [
    "MIN_COMMENTS",
    "OTHER_LABEL",
    "apply_correction",
    "body_hash",
    "chunks",
    "earlier_assignments",
    "ensure_not_published",
    "get_analysis",
    "get_theme",
    "jaccard",
    "job_question",
    "latest_analysis",
    "load_token_cache",
    "mark_city_theme",
    "mask_new_comments",
    "matching_theme",
    "members",
    "merge_themes",
    "move_comment",
    "record",
    "rename_theme",
    "replay_corrections",
    "reporting",
    "run_analysis",
    "run_tokens",
    "running_job",
    "start_analysis",
    "store_themes",
    "store_tokens",
    "text_question",
    "text_questions",
    "theme_sizes",
]
