"""Running a theme analysis as a job and keeping it as a snapshot (themes, large themes, assignments)."""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from flask import current_app
from sqlalchemy import insert, select

from workshop import jobs, masks
from workshop.errors import DomainError
from workshop.extensions import db
from workshop.models import (
    Analysis,
    AnalysisParams,
    AnalysisTheme,
    Job,
    JobKind,
    LargeTheme,
    Regrouping,
    ThemeAssignment,
)
from workshop.themes import reading
from workshop.themes.errors import NothingToExtend

if TYPE_CHECKING:
    from nlp import ThemeResult
from workshop.themes.services.corrections import body_hash, replay_corrections
from workshop.themes.services.lookup import get_analysis, latest_analysis, members
from workshop.themes.services.tokens import (
    comment_bodies,
    load_token_cache,
    mask_new_comments,
    reporting,
    store_tokens,
)

MIN_COMMENTS = 5


OTHER_LABEL = "その他"


def start_analysis(
    consultation_id: int,
    *,
    k: int | None = None,
    seed_themes: Sequence[tuple[str, Sequence[str]]] = (),
    seed: int = 0,
    regrouping: Regrouping = Regrouping.FRESH,
    staff_id: int | None = None,
    how: str | None = None,
) -> Job:
    """Start an analysis; ``Regrouping.EXTEND`` places only the comments that are new since
    the latest analysis (raises NothingToExtend when there is none)."""
    themes = tuple((name, tuple(keywords)) for name, keywords in seed_themes)
    previous_id = None
    if regrouping is Regrouping.EXTEND:
        previous = latest_analysis(consultation_id)
        if previous is None:
            raise NothingToExtend()
        previous_id = previous.id
    params = AnalysisParams(
        k=k, seed_themes=themes, seed=seed, regrouping=regrouping, previous_id=previous_id
    )
    return jobs.enqueue(
        JobKind.ANALYSIS,
        consultation_id=consultation_id,
        params=params,
        staff_id=staff_id,
        how=how,
    )


def run_analysis(job: Job, progress: jobs.Progress) -> int:
    """Tokenize what is new, cluster (or place the new comments into the earlier themes),
    store the snapshot with its large themes, replay the planner's corrections."""
    from nlp import Analyzer, SeedTheme, analyze, extend
    from nlp.duplicates import find_near_duplicates

    started = time.perf_counter()
    assert job.consultation_id is not None
    rows = comment_bodies(job.consultation_id)
    if len(rows) < MIN_COMMENTS:
        raise DomainError(f"分析するには意見が{MIN_COMMENTS}件以上必要です（いま{len(rows)}件）。")
    ids = [row.id for row in rows]
    texts = [row.body for row in rows]
    hashes = {comment_id: body_hash(text) for comment_id, text in zip(ids, texts, strict=True)}
    progress(5, f"{len(rows)}件の意見を読み込みました")

    analyzer = Analyzer()
    keys = [analyzer.cache_key(text) for text in texts]
    cache = load_token_cache(ids)
    known = set(cache)
    progress(10, f"単語に分けています（新しい意見 {sum(k not in known for k in keys)}件）")
    params = AnalysisParams.from_json(job.params or {})
    previous = None
    if params.regrouping is Regrouping.EXTEND and params.previous_id is not None:
        previous = get_analysis(job.consultation_id, params.previous_id)
    if previous is not None:
        result = extend(
            texts,
            ids,
            previous=earlier_assignments(previous, hashes),
            parents={t.number: t.parent.number for t in previous.themes if t.parent},
            seed=params.seed,
            token_cache=cache,
            analyzer=analyzer,
            on_progress=reporting(progress, 10, 50),
        )
    else:
        result = analyze(
            texts,
            ids,
            k=params.k,
            seed_themes=[SeedTheme(name, keywords) for name, keywords in params.seed_themes],
            seed=params.seed,
            token_cache=cache,
            analyzer=analyzer,
            on_progress=reporting(progress, 10, 50),
        )
    progress(70, "テーマを作りました。同じ内容の意見を探しています")
    groups = find_near_duplicates(texts, ids)
    masked = mask_new_comments(job.consultation_id, progress, 75, 85)
    # the last progress report: from here the session writes, and SQLite has one writer at a time
    progress(85, "結果を保存しています")
    store_tokens(ids, keys, cache, known)
    masks.save_masks(masked)

    analysis = Analysis(
        consultation_id=job.consultation_id,
        params=params.to_json(),
        n_comments=len(ids),
        n_themes=result.n_themes,
        k_scores=[[score.k, score.score] for score in result.k_scores],
        duplicate_groups=[list(group.ids) for group in groups],
        created_by_id=job.created_by_id,
    )
    db.session.add(analysis)
    with db.session.no_autoflush:  # a theme joins its large theme before the analysis
        by_number = store_themes(analysis, result, previous)
    db.session.flush()
    db.session.execute(
        insert(ThemeAssignment),
        [
            {
                "analysis_id": analysis.id,
                "comment_id": comment_id,
                "theme_id": by_number[result.assignments[comment_id]].id,
                "body_hash": hashes[comment_id],
            }
            for comment_id in ids
        ],
    )
    replay_corrections(analysis)
    analysis.seconds = round(time.perf_counter() - started, 2)
    db.session.commit()
    if current_app.config["WORDCLOUDS_AHEAD"]:
        progress(95, "ワードクラウドを描いています")
        reading.draw_wordclouds(analysis, members(analysis.id))
    return analysis.id


def earlier_assignments(previous: Analysis, hashes: Mapping[int, str]) -> dict[int | str, int]:
    """comment id -> theme number in an earlier analysis, as the planner left it (moves and
    merges included); a comment changed since then is placed again like a new one."""
    stmt = (
        select(ThemeAssignment.comment_id, ThemeAssignment.body_hash, AnalysisTheme.number)
        .join(AnalysisTheme, AnalysisTheme.id == ThemeAssignment.theme_id)
        .where(ThemeAssignment.analysis_id == previous.id)
    )
    kept: dict[int | str, int] = {  # nlp takes int or str ids
        comment_id: number
        for comment_id, stored_hash, number in db.session.execute(stmt)
        if hashes.get(comment_id) == stored_hash
    }
    return kept


def store_themes(
    analysis: Analysis, result: ThemeResult, previous: Analysis | None
) -> dict[int, AnalysisTheme]:
    """The large themes (largest first) and the themes of a result, by the pipeline's ids.

    When extending ``previous``, a theme or large theme that was there keeps its earlier name
    (and seed name), so 1 % more comments do not rename it; the planner's renames are
    replayed afterwards like on any analysis.
    """
    earlier = {t.number: t for t in previous.themes} if previous else {}
    earlier_large = {t.number: t for t in previous.large_themes} if previous else {}
    sizes = {theme.id: theme.size for theme in result.themes}
    parent_sizes = {
        parent.id: sum(sizes[child.id] for child in result.children(parent.id))
        for parent in result.parents
    }
    large_by_number: dict[int, LargeTheme] = {}
    ordered_parents = sorted(result.parents, key=lambda p: (-parent_sizes[p.id], p.id))
    for position, parent in enumerate(ordered_parents):
        kept = earlier_large.get(parent.id)
        large = LargeTheme(
            number=parent.id,
            position=position,
            label=kept.label if kept else parent.label,
            label_is_phrase=kept.label_is_phrase if kept else parent.label_is_phrase,
            keywords=[[term, round(weight, 4)] for term, weight in parent.keywords],
            summary="\n".join(parent.summary),
        )
        analysis.large_themes.append(large)
        large_by_number[parent.id] = large
    ordered = sorted(result.themes, key=lambda t: (t.is_other, -t.size))
    by_number: dict[int, AnalysisTheme] = {}
    for position, theme in enumerate(ordered):
        before = earlier.get(theme.id)
        seed_name = before.seed_name if before else theme.seed_name
        original = before.original_label if before else theme.label
        is_phrase = before.label_is_phrase if before else theme.label_is_phrase
        row = AnalysisTheme(
            number=theme.id,
            position=position,
            label=OTHER_LABEL if theme.is_other else (seed_name or original),
            original_label=OTHER_LABEL if theme.is_other else original,
            keywords=[[term, round(weight, 4)] for term, weight in theme.keywords],
            representative_ids=[int(i) for i in theme.representative_ids],
            is_other=theme.is_other,
            seed_name=seed_name,
            label_is_phrase=is_phrase and not theme.is_other,
            summary="\n".join(theme.summary),
            parent=large_by_number.get(theme.parent_id) if theme.parent_id else None,
        )
        analysis.themes.append(row)
        by_number[theme.id] = row
    return by_number
