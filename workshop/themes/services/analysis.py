"""Running a theme analysis as a job and keeping it as a snapshot (themes, large themes, assignments)."""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from flask import current_app
from sqlalchemy import insert, select, update

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
    from nlp import FittedFeatures, ThemeResult
from workshop.themes.services.corrections import body_hash, replay_corrections
from workshop.themes.services.lookup import get_analysis, latest_analysis, members, same_text
from workshop.themes.services.tokens import (
    Text,
    comment_bodies,
    is_japanese,
    load_token_cache,
    mask_new_comments,
    reporting,
    store_tokens,
    tag_languages,
    text_noun,
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
    question_id: int | None = None,
) -> Job:
    """Start an analysis of the comments (or of the answers to the free-text question
    ``question_id``); ``Regrouping.EXTEND`` places only the texts that are new since the
    latest analysis of the same (raises NothingToExtend when there is none)."""
    themes = tuple((name, tuple(keywords)) for name, keywords in seed_themes)
    previous_id = None
    if regrouping is Regrouping.EXTEND:
        previous = latest_analysis(consultation_id, question_id)
        if previous is None:
            raise NothingToExtend()
        previous_id = previous.id
    params = AnalysisParams(
        k=k,
        seed_themes=themes,
        seed=seed,
        regrouping=regrouping,
        previous_id=previous_id,
        question_id=question_id,
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
    params = AnalysisParams.from_json(job.params or {})
    question_id = params.question_id
    tag_languages(job.consultation_id)
    every = comment_bodies(job.consultation_id, question_id)
    rows = [row for row in every if is_japanese(row.language)]
    if len(rows) < MIN_COMMENTS:
        raise DomainError(
            f"分析するには日本語の{text_noun(question_id)}が{MIN_COMMENTS}件以上必要です（いま{len(rows)}件）。"
        )
    others = language_groups(every)
    ids = [row.id for row in rows]
    texts = [row.body for row in rows]
    hashes = {row.id: body_hash(row.body) for row in every}
    progress(5, f"{len(rows)}件の意見を読み込みました")

    analyzer = Analyzer()
    keys = [analyzer.cache_key(text) for text in texts]
    cache = load_token_cache(ids, question_id)
    known = set(cache)
    progress(10, f"単語に分けています（新しい文章 {sum(k not in known for k in keys)}件）")
    previous = None
    if params.regrouping is Regrouping.EXTEND and params.previous_id is not None:
        previous = get_analysis(job.consultation_id, params.previous_id)
    if previous is not None:
        result = extend(
            texts,
            ids,
            previous=earlier_assignments(previous, {i: hashes[i] for i in ids}),
            parents={t.number: t.parent.number for t in previous.themes if t.parent},
            names=phrase_names(previous),
            seed=params.seed,
            token_cache=cache,
            analyzer=analyzer,
            on_progress=reporting(progress, 10, 50),
            features=fitted_features(previous),
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
    groups = find_near_duplicates([row.body for row in every], [row.id for row in every])
    masked = mask_new_comments(job.consultation_id, progress, 75, 85, question_id)
    # the last progress report: from here the session writes, and SQLite has one writer at a time
    progress(85, "結果を保存しています")
    store_tokens(ids, keys, cache, known, question_id)
    masks.save_masks(masked, question_id)

    analysis = Analysis(
        consultation_id=job.consultation_id,
        question_id=question_id,
        params=params.to_json(),
        n_comments=len(every),
        n_themes=result.n_themes + len(others),
        k_scores=[[score.k, score.score] for score in result.k_scores],
        duplicate_groups=[list(group.ids) for group in groups],
        features=result.features.to_bytes() if result.features else None,
        created_by_id=job.created_by_id,
    )
    db.session.add(analysis)
    with db.session.no_autoflush:  # a theme joins its large theme before the analysis
        by_number = store_themes(analysis, result, previous)
        by_number |= store_language_groups(analysis, others)
    db.session.flush()
    numbers = {comment_id: result.assignments[comment_id] for comment_id in ids} | {
        comment_id: LANGUAGE_NUMBERS[code]
        for code, members in others.items()
        for comment_id in members
    }
    db.session.execute(
        insert(ThemeAssignment),
        [
            {
                "analysis_id": analysis.id,
                "comment_id": comment_id,
                "theme_id": by_number[number].id,
                "body_hash": hashes[comment_id],
            }
            for comment_id, number in numbers.items()
        ],
    )
    replay_corrections(analysis)
    # only the newest analysis is extended: the earlier ones' fitted features (about 20 MB at
    # 50,000 comments) are let go; extending an earlier one fits them again
    db.session.execute(
        update(Analysis)
        .where(Analysis.consultation_id == job.consultation_id, Analysis.id != analysis.id)
        .where(same_text(Analysis.question_id, question_id), Analysis.features.is_not(None))
        .values(features=None)
    )
    analysis.seconds = round(time.perf_counter() - started, 2)
    db.session.commit()
    if current_app.config["WORDCLOUDS_AHEAD"]:
        progress(95, "ワードクラウドを描いています")
        reading.draw_wordclouds(analysis, members(analysis.id))
    return analysis.id


def fitted_features(analysis: Analysis) -> FittedFeatures | None:
    """What ``analysis`` fitted, for extending it; None for an analysis stored before they
    were kept, or in another format: extending it fits them again (and keeps them)."""
    from nlp import FittedFeatures

    if analysis.features is None:
        return None
    try:
        return FittedFeatures.from_bytes(analysis.features)
    except ValueError:
        return None


# the theme numbers of the language groups, apart from the pipeline's (0, 1, 2, ...): the same
# language keeps its number from one analysis to the next
LANGUAGE_NUMBERS = {code: 900_001 + n for n, code in enumerate(("en", "zh", "ko", "vi", "pt"))}
LANGUAGE_GROUP_NUMBERS = frozenset(LANGUAGE_NUMBERS.values())


def language_groups(rows: Sequence[Text]) -> dict[str, list[int]]:
    """language -> the ids of the comments written in it, for the languages other than
    Japanese (Janome reads Japanese only): each becomes a group of its own."""
    groups: dict[str, list[int]] = {}
    for row in rows:
        if not is_japanese(row.language):
            groups.setdefault(str(row.language), []).append(row.id)
    return {code: groups[code] for code in LANGUAGE_NUMBERS if code in groups}


def store_language_groups(
    analysis: Analysis, groups: Mapping[str, Sequence[int]]
) -> dict[int, AnalysisTheme]:
    """A theme per language, after the pipeline's: 「ベトナム語の意見」, its first comments as
    its representatives. No keywords or summary: those come from Janome."""
    from nlp.language import LANGUAGE_NAMES

    found: dict[int, AnalysisTheme] = {}
    for code, comment_ids in groups.items():
        label = f"{LANGUAGE_NAMES[code]}の意見"
        theme = AnalysisTheme(
            number=LANGUAGE_NUMBERS[code],
            position=len(analysis.themes),
            label=label,
            original_label=label,
            keywords=[],
            representative_ids=list(comment_ids[:3]),
            language=code,
        )
        analysis.themes.append(theme)
        found[theme.number] = theme
    return found


def earlier_assignments(previous: Analysis, hashes: Mapping[int, str]) -> dict[int | str, int]:
    """comment id -> theme number in an earlier analysis, as the planner left it (moves and
    merges included); a comment changed since then is placed again like a new one. Only the
    pipeline's themes: a language group is made again by store_language_groups()."""
    stmt = (
        select(ThemeAssignment.comment_id, ThemeAssignment.body_hash, AnalysisTheme.number)
        .join(AnalysisTheme, AnalysisTheme.id == ThemeAssignment.theme_id)
        .where(ThemeAssignment.analysis_id == previous.id)
    )
    kept: dict[int | str, int] = {  # nlp takes int or str ids
        comment_id: number
        for comment_id, stored_hash, number in db.session.execute(stmt)
        if hashes.get(comment_id) == stored_hash and number not in LANGUAGE_GROUP_NUMBERS
    }
    return kept


def phrase_names(analysis: Analysis) -> dict[int, str]:
    """The phrase names the analysis gave its themes and large themes, by the pipeline's ids:
    extending it keeps them (store_themes keeps every earlier name and seed name)."""
    names = {t.number: t.original_label for t in analysis.themes if t.label_is_phrase}
    return names | {t.number: t.label for t in analysis.large_themes if t.label_is_phrase}


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
