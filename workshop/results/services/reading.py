"""What residents read: the counts by channel, the themes with the city's response and their
comments, masked and numbered in the order received (hidden ones get no number)."""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from sqlalchemy import select

from workshop import masks
from workshop.errors import NotFound
from workshop.extensions import db
from workshop.labels import CHANNEL, OUTCOME
from workshop.models import Analysis, Channel, Comment, Consultation, Outcome, ThemeAssignment
from workshop.results.services.publishing import published_analysis
from workshop.results.services.writing import responses
from workshop.timeutil import as_tokyo

# comments shown under each theme on the results pages; the theme's own page lists them all
COMMENTS_PER_THEME = 20


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
