"""The planner's corrections (rename, merge, move, city theme), recorded and replayed on later analyses."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from sqlalchemy import select, update

from workshop import audit
from workshop.errors import DomainError, NotFound
from workshop.extensions import db
from workshop.models import (
    Analysis,
    AnalysisTheme,
    Change,
    CityTheme,
    Correction,
    Merge,
    Move,
    Publication,
    Rename,
    ThemeAssignment,
)
from workshop.themes.services.lookup import get_theme, members, same_text
from workshop.transaction import transaction


def body_hash(body: str) -> str:
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


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


def record(analysis: Analysis, change: Change, staff_id: int | None) -> None:
    """Keep a correction for the later analyses of the same text."""
    consultation_id = analysis.consultation_id
    correction = Correction.of(
        change,
        consultation_id=consultation_id,
        question_id=analysis.question_id,
        staff_id=staff_id,
    )
    scalars = {k: v for k, v in correction.payload.items() if not isinstance(v, list)}
    if analysis.question_id is not None:
        scalars["question_id"] = analysis.question_id
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
    with transaction():
        apply_correction(analysis, change)
        record(analysis, change, staff_id)


def merge_themes(
    analysis: Analysis, source_id: int, target_id: int, *, staff_id: int | None
) -> None:
    ensure_not_published(analysis)
    if source_id == target_id:
        raise DomainError("同じテーマどうしは統合できません。")
    source, target = get_theme(analysis, source_id), get_theme(analysis, target_id)
    groups = members(analysis.id)
    change = Merge(source_ids=groups.get(source.id, []), target_ids=groups.get(target.id, []))
    with transaction():
        apply_correction(analysis, change)
        record(analysis, change, staff_id)


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
    with transaction():
        assignment.theme_id = target.id
        assignment.moved_by_planner = True
        record(analysis, change, staff_id)


def mark_city_theme(
    analysis: Analysis, theme_id: int, is_city_theme: bool, *, staff_id: int | None
) -> None:
    ensure_not_published(analysis)
    theme = get_theme(analysis, theme_id)
    change = CityTheme(comment_ids=members(analysis.id).get(theme.id, []), value=is_city_theme)
    with transaction():
        apply_correction(analysis, change)
        record(analysis, change, staff_id)


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
        .where(same_text(Correction.question_id, analysis.question_id))
        .order_by(Correction.id)
    )
    applied = 0
    for correction in db.session.scalars(stmt):
        applied += apply_correction(analysis, correction.change())
        db.session.flush()
    return applied
