"""Theme analysis of a consultation: run it as a job, keep it as a snapshot, replay corrections."""

from __future__ import annotations

import hashlib
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from sqlalchemy import delete, insert, select, update

from workshop import audit, jobs, masks
from workshop.errors import DomainError, NotFound
from workshop.extensions import db
from workshop.models import (
    Analysis,
    AnalysisParams,
    AnalysisTheme,
    Change,
    CityTheme,
    Comment,
    CommentTokens,
    Correction,
    Job,
    JobKind,
    JobStatus,
    LargeTheme,
    Merge,
    Move,
    Publication,
    Regrouping,
    Rename,
    ThemeAssignment,
)
from workshop.themes.errors import NothingToExtend

if TYPE_CHECKING:
    from nlp import ThemeResult

MIN_COMMENTS = 5
OTHER_LABEL = "その他"


def body_hash(body: str) -> str:
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


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


def start_tokens(consultation_id: int, *, how: str | None = None) -> Job:
    """Tokenize a consultation's new comments now (CLI import) or in the background (web)."""
    return jobs.enqueue(JobKind.TOKENS, consultation_id=consultation_id, how=how)


def reporting(
    progress: jobs.Progress, start: int, end: int, doing: str = "単語に分けています"
) -> Callable[[int, int], None]:
    """Janome's progress as the job's, written at most every 2 seconds: it is also the job's
    heartbeat, so 50,000 comments (a minute and a half) are not taken for a dead runner."""
    last = 0.0

    def report(done: int, total: int) -> None:
        nonlocal last
        now = time.monotonic()
        if now - last < 2 and done < total:
            return
        last = now
        share = done / total if total else 1
        progress(start + round((end - start) * share), f"{doing}（{done:,} / {total:,}件）")

    return report


def run_tokens(job: Job, progress: jobs.Progress) -> None:
    """Janome is the slow step: do it when comments arrive, so 分析する only clusters."""
    from nlp import Analyzer, tokenize_many

    assert job.consultation_id is not None
    rows = db.session.execute(
        select(Comment.id, Comment.body)
        .where(Comment.consultation_id == job.consultation_id)
        .order_by(Comment.id)
    ).all()
    ids = [row.id for row in rows]
    texts = [row.body for row in rows]
    analyzer = Analyzer()
    keys = [analyzer.cache_key(text) for text in texts]
    cache = load_token_cache(ids)
    known = set(cache)
    missing = [text for text, key in zip(texts, keys, strict=True) if key not in known]
    progress(10, f"新しい意見 {len(missing)}件を単語に分けています")
    if missing:
        tokenize_many(missing, analyzer, cache=cache, on_progress=reporting(progress, 10, 55))
    masked = mask_new_comments(job.consultation_id, progress, 55, 90)
    progress(90, "保存しています")
    store_tokens(ids, keys, cache, known)
    masks.save_masks(masked)
    db.session.commit()


def mask_new_comments(
    consultation_id: int, progress: jobs.Progress, start: int, end: int
) -> list[masks.Masked]:
    """Pages show comments masked: mask the new ones now, once (Janome again, as slow)."""
    unmasked = masks.unmasked_comments(consultation_id)
    progress(start, f"新しい意見 {len(unmasked)}件の個人情報を伏せています")
    return masks.mask_comments(
        unmasked, on_progress=reporting(progress, start, end, "個人情報を伏せています")
    )


def run_analysis(job: Job, progress: jobs.Progress) -> int:
    """Tokenize what is new, cluster (or place the new comments into the earlier themes),
    store the snapshot with its large themes, replay the planner's corrections."""
    from nlp import Analyzer, SeedTheme, analyze, extend
    from nlp.duplicates import find_near_duplicates

    started = time.perf_counter()
    assert job.consultation_id is not None
    rows = db.session.execute(
        select(Comment.id, Comment.body)
        .where(Comment.consultation_id == job.consultation_id)
        .order_by(Comment.id)
    ).all()
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


def load_token_cache(comment_ids: Sequence[int]) -> dict[str, tuple[str, ...]]:
    cache: dict[str, tuple[str, ...]] = {}
    for chunk in chunks(comment_ids, 5000):
        stmt = select(CommentTokens.cache_key, CommentTokens.tokens).where(
            CommentTokens.comment_id.in_(chunk)
        )
        for key, tokens in db.session.execute(stmt):
            cache[key] = tuple(tokens)
    return cache


def store_tokens(
    ids: Sequence[int], keys: Sequence[str], cache: dict[str, tuple[str, ...]], known: set[str]
) -> None:
    """Keep the tokens of comments tokenized in this run (new, or changed dictionary)."""
    fresh = [(i, k) for i, k in zip(ids, keys, strict=True) if k not in known and k in cache]
    if not fresh:
        return
    fresh_ids = [i for i, _ in fresh]
    for chunk in chunks(fresh_ids, 5000):
        db.session.execute(delete(CommentTokens).where(CommentTokens.comment_id.in_(chunk)))
    db.session.execute(
        insert(CommentTokens),
        [{"comment_id": i, "cache_key": k, "tokens": list(cache[k])} for i, k in fresh],
    )


def chunks(items: Sequence[int], size: int) -> Iterable[Sequence[int]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


# ---------------------------------------------------------------- reading a snapshot


def running_job(consultation_id: int) -> Job | None:
    # a job whose runner died must not block the next analysis: fail it first
    jobs.sweep_stale(consultation_id)
    stmt = (
        select(Job)
        .where(
            Job.consultation_id == consultation_id,
            Job.kind == JobKind.ANALYSIS,
            Job.status.in_([JobStatus.QUEUED, JobStatus.RUNNING]),
        )
        .order_by(Job.id.desc())
    )
    return db.session.scalars(stmt).first()


def latest_analysis(consultation_id: int) -> Analysis | None:
    stmt = (
        select(Analysis)
        .where(Analysis.consultation_id == consultation_id)
        .order_by(Analysis.id.desc())
        .limit(1)
    )
    return db.session.scalars(stmt).first()


def get_analysis(consultation_id: int, analysis_id: int) -> Analysis:
    analysis = db.session.get(Analysis, analysis_id)
    if analysis is None or analysis.consultation_id != consultation_id:
        raise NotFound("この分析は見つかりません。")
    return analysis


def get_theme(analysis: Analysis, theme_id: int) -> AnalysisTheme:
    theme = next((t for t in analysis.themes if t.id == theme_id), None)
    if theme is None:
        raise NotFound("このテーマは見つかりません。")
    return theme


def members(analysis_id: int) -> dict[int, list[int]]:
    """theme id -> comment ids, in comment order."""
    stmt = (
        select(ThemeAssignment.theme_id, ThemeAssignment.comment_id)
        .where(ThemeAssignment.analysis_id == analysis_id)
        .order_by(ThemeAssignment.comment_id)
    )
    result: dict[int, list[int]] = defaultdict(list)
    for theme_id, comment_id in db.session.execute(stmt):
        result[theme_id].append(comment_id)
    return result


def theme_sizes(analysis: Analysis) -> dict[int, int]:
    return {theme_id: len(ids) for theme_id, ids in members(analysis.id).items()}


# ---------------------------------------------------------------- corrections


def jaccard(a: set[int], b: set[int]) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


def matching_theme(
    analysis: Analysis,
    comment_ids: Iterable[int],
    groups: dict[int, list[int]],
    minimum: float = 0.5,
) -> AnalysisTheme | None:
    """The theme of this snapshot that holds (nearly) the same comments as a theme of an earlier one."""
    wanted = set(comment_ids)
    best, best_score = None, 0.0
    for theme in analysis.themes:
        score = jaccard(wanted, set(groups.get(theme.id, ())))
        if score > best_score:
            best, best_score = theme, score
    return best if best_score >= minimum else None


def record(consultation_id: int, change: Change, staff_id: int | None) -> None:
    correction = Correction.of(change, consultation_id=consultation_id, staff_id=staff_id)
    scalars = {k: v for k, v in correction.payload.items() if not isinstance(v, list)}
    audit.record(f"theme.{change.kind}", f"consultation:{consultation_id}", **scalars)
    db.session.add(correction)


def ensure_not_published(analysis: Analysis) -> None:
    """A published analysis is what residents read: correcting it would change the public page."""
    stmt = select(Publication.id).where(Publication.analysis_id == analysis.id)
    if db.session.scalar(stmt) is not None:
        raise DomainError(
            "この分析は公表済みのため修正できません。もう一度分析してから修正し、"
            "公表し直してください（修正は新しい分析に引き継がれます）。"
        )


def rename_theme(analysis: Analysis, theme_id: int, label: str, *, staff_id: int | None) -> None:
    ensure_not_published(analysis)
    label = label.strip()
    if not label:
        raise DomainError("テーマの名前を入力してください。")
    if len(label) > 200:
        raise DomainError("テーマの名前は200文字以内にしてください。")
    theme = get_theme(analysis, theme_id)
    change = Rename(comment_ids=members(analysis.id).get(theme.id, []), label=label)
    apply_correction(analysis, change)
    record(analysis.consultation_id, change, staff_id)
    db.session.commit()


def merge_themes(
    analysis: Analysis, source_id: int, target_id: int, *, staff_id: int | None
) -> None:
    ensure_not_published(analysis)
    if source_id == target_id:
        raise DomainError("同じテーマどうしは統合できません。")
    source, target = get_theme(analysis, source_id), get_theme(analysis, target_id)
    groups = members(analysis.id)
    change = Merge(source_ids=groups.get(source.id, []), target_ids=groups.get(target.id, []))
    apply_correction(analysis, change)
    record(analysis.consultation_id, change, staff_id)
    db.session.commit()


def move_comment(
    analysis: Analysis, comment_id: int, target_id: int, *, staff_id: int | None
) -> None:
    ensure_not_published(analysis)
    target = get_theme(analysis, target_id)
    assignment = db.session.get(ThemeAssignment, (analysis.id, comment_id))
    if assignment is None:
        raise NotFound("この意見はこの分析に含まれていません。")
    groups = members(analysis.id)
    change = Move(
        comment_id=comment_id,
        body_hash=assignment.body_hash,
        target_ids=[i for i in groups.get(target.id, []) if i != comment_id],
        target_label=target.label,
    )
    assignment.theme_id = target.id
    assignment.moved_by_planner = True
    record(analysis.consultation_id, change, staff_id)
    db.session.commit()


def mark_city_theme(
    analysis: Analysis, theme_id: int, is_city_theme: bool, *, staff_id: int | None
) -> None:
    ensure_not_published(analysis)
    theme = get_theme(analysis, theme_id)
    change = CityTheme(comment_ids=members(analysis.id).get(theme.id, []), value=is_city_theme)
    apply_correction(analysis, change)
    record(analysis.consultation_id, change, staff_id)
    db.session.commit()


def apply_correction(analysis: Analysis, change: Change) -> bool:
    """Apply one correction to a snapshot; False where its themes or comments are gone."""
    groups = members(analysis.id)
    if isinstance(change, Rename | CityTheme):
        theme = matching_theme(analysis, change.comment_ids, groups)
        if theme is None:
            return False
        if isinstance(change, Rename):
            theme.label = change.label
        else:
            theme.is_city_theme = change.value
        return True
    if isinstance(change, Merge):
        source = matching_theme(analysis, change.source_ids, groups)
        target = matching_theme(analysis, change.target_ids, groups)
        if source is None or target is None or source is target:
            return False
        db.session.execute(
            update(ThemeAssignment)
            .where(
                ThemeAssignment.analysis_id == analysis.id, ThemeAssignment.theme_id == source.id
            )
            .values(theme_id=target.id)
        )
        analysis.themes.remove(source)
        db.session.flush()
        return True
    assignment = db.session.get(ThemeAssignment, (analysis.id, change.comment_id))
    if assignment is None or assignment.body_hash != change.body_hash:
        return False  # the comment changed or is not in this snapshot: the move no longer holds
    target = matching_theme(analysis, change.target_ids, groups, minimum=0.3)
    if target is None:
        return False
    assignment.theme_id = target.id
    assignment.moved_by_planner = True
    return True


def replay_corrections(analysis: Analysis) -> int:
    db.session.flush()
    stmt = (
        select(Correction)
        .where(Correction.consultation_id == analysis.consultation_id)
        .order_by(Correction.id)
    )
    applied = 0
    for correction in db.session.scalars(stmt):
        applied += apply_correction(analysis, correction.change())
        db.session.flush()
    return applied
