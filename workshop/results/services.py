"""The city's response (意見の概要と市の考え方): write it per theme, publish one analysis, export it."""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

from sqlalchemy import select

from workshop import audit, masks, tabular
from workshop.consultations import services as consultations
from workshop.errors import DomainError, NotFound
from workshop.extensions import db
from workshop.labels import CHANNEL, OUTCOME
from workshop.models import (
    Analysis,
    AnalysisTheme,
    Channel,
    Comment,
    Consultation,
    Outcome,
    Publication,
    ThemeAssignment,
    ThemeResponse,
)
from workshop.models.base import utcnow
from workshop.text import clean_text
from workshop.themes import services as themes
from workshop.timeutil import as_tokyo, format_date, today_tokyo

SUMMARY_MAX_CHARS = 2000
RESPONSE_MAX_CHARS = 4000
TABLE_HEADER = ("番号", "テーマ", "意見の概要", "市の考え方", "反映状況", "件数")
# comments shown under each theme on the results pages; the theme's own page lists them all
COMMENTS_PER_THEME = 20


class NotPublished(NotFound):
    message = "この意見募集の結果は、まだ公表していません。"


class PublishTooEarly(DomainError):
    status = 409


# ---------------------------------------------------------------- staff: write the responses


@dataclass(frozen=True)
class ResponseInput:
    summary: str
    response: str
    outcome: Outcome


def list_analyses(consultation_id: int) -> list[Analysis]:
    stmt = (
        select(Analysis)
        .where(Analysis.consultation_id == consultation_id)
        .order_by(Analysis.id.desc())
    )
    return list(db.session.scalars(stmt))


def get_publication(consultation_id: int) -> Publication | None:
    stmt = select(Publication).where(Publication.consultation_id == consultation_id)
    return db.session.scalars(stmt).first()


def chosen_analysis(consultation_id: int, analysis_id: int | None = None) -> Analysis | None:
    """The analysis asked for; else the published one; else the latest."""
    if analysis_id is not None:
        return themes.get_analysis(consultation_id, analysis_id)
    publication = get_publication(consultation_id)
    if publication is not None:
        return publication.analysis
    return themes.latest_analysis(consultation_id)


def responses(analysis: Analysis) -> dict[int, ThemeResponse]:
    """theme id -> the city's response written for it."""
    theme_ids = [theme.id for theme in analysis.themes]
    if not theme_ids:
        return {}
    stmt = select(ThemeResponse).where(ThemeResponse.theme_id.in_(theme_ids))
    return {row.theme_id: row for row in db.session.scalars(stmt)}


def theme_of_consultation(consultation_id: int, theme_id: int) -> AnalysisTheme:
    theme = db.session.get(AnalysisTheme, theme_id)
    if theme is None or theme.analysis.consultation_id != consultation_id:
        raise NotFound("このテーマは見つかりません。")
    return theme


def validate_response(data: ResponseInput) -> ResponseInput:
    summary = clean_text(data.summary)
    response = clean_text(data.response)
    if not summary:
        raise DomainError("意見の概要を入力してください。")
    if len(summary) > SUMMARY_MAX_CHARS:
        raise DomainError(f"意見の概要は{SUMMARY_MAX_CHARS:,}文字以内で入力してください。")
    if not response:
        raise DomainError("市の考え方を入力してください。")
    if len(response) > RESPONSE_MAX_CHARS:
        raise DomainError(f"市の考え方は{RESPONSE_MAX_CHARS:,}文字以内で入力してください。")
    return ResponseInput(summary=summary, response=response, outcome=Outcome(data.outcome))


def save_response(
    consultation_id: int, theme_id: int, data: ResponseInput, *, staff_id: int | None
) -> ThemeResponse:
    theme = theme_of_consultation(consultation_id, theme_id)
    clean = validate_response(data)
    row = db.session.scalars(
        select(ThemeResponse).where(ThemeResponse.theme_id == theme.id)
    ).first()
    if row is None:
        row = ThemeResponse(theme_id=theme.id)
        db.session.add(row)
    row.summary = clean.summary
    row.response = clean.response
    row.outcome = clean.outcome
    row.updated_by_id = staff_id
    audit.record(
        "results.response",
        f"consultation:{consultation_id}",
        analysis_id=theme.analysis_id,
        theme_id=theme.id,
        outcome=clean.outcome.value,
    )
    db.session.commit()
    return row


def previous_with_responses(analysis: Analysis) -> Analysis | None:
    """The latest earlier analysis of the consultation that has responses written."""
    stmt = (
        select(Analysis)
        .join(AnalysisTheme, AnalysisTheme.analysis_id == Analysis.id)
        .join(ThemeResponse, ThemeResponse.theme_id == AnalysisTheme.id)
        .where(Analysis.consultation_id == analysis.consultation_id, Analysis.id < analysis.id)
        .order_by(Analysis.id.desc())
        .limit(1)
    )
    return db.session.scalars(stmt).first()


def carry_over_responses(consultation_id: int, source_id: int, target_id: int) -> int:
    """Copy responses to the themes of a newer analysis that hold (nearly) the same comments.

    A theme that already has a response keeps it; returns how many were copied.
    """
    source = themes.get_analysis(consultation_id, source_id)
    target = themes.get_analysis(consultation_id, target_id)
    if source.id == target.id:
        raise DomainError("同じ分析からは引き継げません。")
    source_groups = themes.members(source.id)
    target_groups = themes.members(target.id)
    already = responses(target)
    copied = 0
    for theme_id, row in responses(source).items():
        match = themes.matching_theme(target, source_groups.get(theme_id, []), target_groups)
        if match is None or match.id in already:
            continue
        copy = ThemeResponse(
            theme_id=match.id, summary=row.summary, response=row.response, outcome=row.outcome
        )
        db.session.add(copy)
        already[match.id] = copy
        copied += 1
    audit.record(
        "results.carry_over",
        f"consultation:{consultation_id}",
        source_id=source.id,
        target_id=target.id,
        copied=copied,
    )
    db.session.commit()
    return copied


# ---------------------------------------------------------------- staff: publish, withdraw


def ensure_closed(consultation: Consultation) -> None:
    if today_tokyo() <= consultation.closes_on:
        raise PublishTooEarly(
            "募集期間が終わってから公表できます"
            f"（締切は{format_date(consultation.closes_on)}です）。"
        )


def publish(consultation_id: int, analysis_id: int, *, staff_id: int | None) -> Publication:
    """Freeze one analysis as the published results; publishing again replaces the earlier one."""
    consultation = consultations.get_consultation(consultation_id)
    ensure_closed(consultation)
    analysis = themes.get_analysis(consultation.id, analysis_id)
    if not analysis.themes:
        raise DomainError("この分析にはテーマがありません。")
    written = responses(analysis)
    missing = [t.label for t in analysis.themes if t.id not in written]
    if missing:
        raise DomainError(
            "意見の概要と市の考え方がまだ入っていないテーマがあります"
            f"（{len(missing)}件: {'、'.join(missing[:5])}）。"
        )
    publication = get_publication(consultation.id)
    if publication is None:
        publication = Publication(consultation_id=consultation.id, analysis_id=analysis.id)
        db.session.add(publication)
    publication.analysis_id = analysis.id
    publication.published_by_id = staff_id
    publication.published_at = utcnow()
    audit.record("results.publish", f"consultation:{consultation.slug}", analysis_id=analysis.id)
    db.session.commit()
    return publication


def withdraw(consultation_id: int) -> None:
    consultation = consultations.get_consultation(consultation_id)
    publication = get_publication(consultation.id)
    if publication is None:
        raise DomainError("この意見募集の結果は公表していません。")
    audit.record(
        "results.withdraw",
        f"consultation:{consultation.slug}",
        analysis_id=publication.analysis_id,
    )
    db.session.delete(publication)
    db.session.commit()


# ---------------------------------------------------------------- what is published


@dataclass(frozen=True)
class ChannelCount:
    channel: Channel
    label: str
    comments: int
    submitters: int


@dataclass(frozen=True)
class PublishedComment:
    number: int  # 1, 2, ... in the order received; no receipt number, no name
    text: str  # masked


@dataclass(frozen=True)
class ThemeResult:
    number: int
    label: str
    summary: str
    response: str
    outcome: Outcome | None
    outcome_label: str
    count: int  # its comments that are published
    comments: tuple[PublishedComment, ...]  # the first of them (all of them for open data)

    @property
    def more(self) -> int:
        """Published comments of the theme not in ``comments``."""
        return self.count - len(self.comments)


@dataclass(frozen=True)
class Results:
    consultation: Consultation
    analysis_id: int
    published_at: datetime | None
    channels: tuple[ChannelCount, ...]
    total_comments: int
    total_submitters: int
    hidden_comments: int
    themes: tuple[ThemeResult, ...]

    @property
    def published_on(self) -> date | None:
        return as_tokyo(self.published_at).date() if self.published_at else None


class SnapshotRow(Protocol):
    id: int
    channel: Channel
    email: str | None
    name: str | None
    is_hidden: bool
    theme_id: int


def submitter_key(comment: SnapshotRow) -> tuple[str, str]:
    """Same non-empty e-mail = same submitter; else same name; else each comment is one."""
    email = (comment.email or "").strip().lower()
    if email:
        return ("email", email)
    name = "".join(unicodedata.normalize("NFKC", comment.name or "").split())
    if name:
        return ("name", name)
    return ("comment", str(comment.id))


def snapshot_rows(analysis: Analysis) -> Sequence[SnapshotRow]:
    """The comments of the snapshot, in the order received, with their theme: the columns
    that count, not the bodies (comments received later are not in the snapshot)."""
    stmt = (
        select(
            Comment.id,
            Comment.channel,
            Comment.email,
            Comment.name,
            Comment.is_hidden,
            ThemeAssignment.theme_id,
        )
        .join(ThemeAssignment, ThemeAssignment.comment_id == Comment.id)
        .where(ThemeAssignment.analysis_id == analysis.id)
        .order_by(Comment.received_on, Comment.id)
    )
    return db.session.execute(stmt).all()


def published_numbers(
    analysis: Analysis, rows: Sequence[SnapshotRow]
) -> dict[int, list[tuple[int, int]]]:
    """theme id -> (number, comment id) of its published comments; hidden ones get no number."""
    numbered: dict[int, list[tuple[int, int]]] = {theme.id: [] for theme in analysis.themes}
    number = 0
    for row in rows:
        if row.is_hidden or row.theme_id not in numbered:
            continue
        number += 1
        numbered[row.theme_id].append((number, row.id))
    return numbered


def channel_counts(rows: Sequence[SnapshotRow]) -> tuple[ChannelCount, ...]:
    comments: Counter[Channel] = Counter(row.channel for row in rows)
    people: dict[Channel, set[tuple[str, str]]] = {}
    for row in rows:
        people.setdefault(row.channel, set()).add(submitter_key(row))
    return tuple(
        ChannelCount(channel, CHANNEL[channel], comments[channel], len(people[channel]))
        for channel in Channel
        if comments[channel]
    )


def build_results(
    consultation: Consultation,
    analysis: Analysis,
    published_at: datetime | None = None,
    *,
    per_theme: int | None = COMMENTS_PER_THEME,
) -> Results:
    """The results of a snapshot with the first ``per_theme`` comments of each theme, masked
    (None: every comment, for open data)."""
    rows = snapshot_rows(analysis)
    numbered = published_numbers(analysis, rows)
    shown = {theme_id: pairs[:per_theme] for theme_id, pairs in numbered.items()}
    texts = masks.masked_texts(i for pairs in shown.values() for _, i in pairs)
    written = responses(analysis)
    theme_results = []
    for position, theme in enumerate(analysis.themes, start=1):
        row = written.get(theme.id)
        theme_results.append(
            ThemeResult(
                number=position,
                label=theme.label,
                summary=row.summary if row else "",
                response=row.response if row else "",
                outcome=row.outcome if row else None,
                outcome_label=OUTCOME[row.outcome] if row else "",
                count=len(numbered[theme.id]),
                comments=tuple(PublishedComment(n, texts[i]) for n, i in shown[theme.id]),
            )
        )
    return Results(
        consultation=consultation,
        analysis_id=analysis.id,
        published_at=published_at,
        channels=channel_counts(rows),
        total_comments=len(rows),
        total_submitters=len({submitter_key(row) for row in rows}),
        hidden_comments=sum(row.is_hidden for row in rows),
        themes=tuple(theme_results),
    )


def published_analysis(slug: str) -> tuple[Consultation, Publication]:
    consultation = consultations.get_consultation_by_slug(slug)
    publication = get_publication(consultation.id)
    if publication is None:
        raise NotPublished()
    return consultation, publication


def published_results(slug: str, *, per_theme: int | None = COMMENTS_PER_THEME) -> Results:
    consultation, publication = published_analysis(slug)
    return build_results(
        consultation, publication.analysis, publication.published_at, per_theme=per_theme
    )


@dataclass(frozen=True)
class ThemePage:
    """One page of the published comments of one theme."""

    consultation: Consultation
    number: int
    label: str
    count: int
    comments: tuple[PublishedComment, ...]
    page: int
    pages: int


def published_theme(slug: str, number: int, page: int = 1, per_page: int = 100) -> ThemePage:
    consultation, publication = published_analysis(slug)
    themes = publication.analysis.themes
    if not 1 <= number <= len(themes):
        raise NotFound("このテーマは見つかりません。")
    theme = themes[number - 1]
    numbered = published_numbers(publication.analysis, snapshot_rows(publication.analysis))
    pairs = numbered[theme.id]
    pages = max(-(-len(pairs) // per_page), 1)
    page = min(max(page, 1), pages)
    shown = pairs[(page - 1) * per_page : page * per_page]
    texts = masks.masked_texts(i for _, i in shown)
    return ThemePage(
        consultation=consultation,
        number=number,
        label=theme.label,
        count=len(pairs),
        comments=tuple(PublishedComment(n, texts[i]) for n, i in shown),
        page=page,
        pages=pages,
    )


def is_published(consultation_id: int) -> bool:
    return get_publication(consultation_id) is not None


# ---------------------------------------------------------------- exports and open data


def table_rows(results: Results) -> list[tuple[tabular.Cell, ...]]:
    return [
        (t.number, t.label, t.summary, t.response, t.outcome_label, t.count) for t in results.themes
    ]


def results_csv(results: Results) -> bytes:
    return tabular.to_csv(TABLE_HEADER, table_rows(results))


def results_xlsx(results: Results) -> bytes:
    return tabular.to_xlsx(TABLE_HEADER, table_rows(results), title="意見の概要と市の考え方")


def results_json(results: Results) -> dict[str, Any]:
    consultation = results.consultation
    return {
        "slug": consultation.slug,
        "title": consultation.title,
        "opens": consultation.opens_on.isoformat(),
        "closes": consultation.closes_on.isoformat(),
        "published_at": results.published_at.isoformat() if results.published_at else None,
        "comment_count": results.total_comments,
        "submitter_count": results.total_submitters,
        "hidden_comment_count": results.hidden_comments,
        "channels": [
            {
                "channel": c.channel.value,
                "label": c.label,
                "comments": c.comments,
                "submitters": c.submitters,
            }
            for c in results.channels
        ],
        "themes": [
            {
                "number": t.number,
                "theme": t.label,
                "summary": t.summary,
                "response": t.response,
                "outcome": t.outcome.value if t.outcome else None,
                "outcome_label": t.outcome_label,
                "count": t.count,
                "comments": [{"number": c.number, "text": c.text} for c in t.comments],
            }
            for t in results.themes
        ],
    }
