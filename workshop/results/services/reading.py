"""What residents read: the counts by channel, the themes with the city's response and their
comments, masked and numbered in the order received (hidden ones get no number)."""

from __future__ import annotations

import unicodedata
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar

from flask_babel import gettext as _
from sqlalchemy import Select, func, select

from workshop import masks
from workshop.errors import NotFound
from workshop.extensions import db
from workshop.labels import CHANNEL, OUTCOME
from workshop.models import Analysis, Channel, Comment, Consultation, Outcome, ThemeAssignment
from workshop.results.services.publishing import published_analysis
from workshop.results.services.writing import responses
from workshop.timeutil import as_tokyo

AnySelect = TypeVar("AnySelect", bound=Select[*tuple[Any, ...]])

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
    # the free-text question whose answers the themes group (None: the comments' own text)
    question_text: str | None = None

    @property
    def published_on(self) -> date | None:
        return as_tokyo(self.published_at).date() if self.published_at else None


def person_key(email: str | None, name: str | None) -> tuple[str, str] | None:
    """Same non-empty e-mail = same submitter; else same name; None: the comment is its own."""
    email = (email or "").strip().lower()
    if email:
        return ("email", email)
    name = "".join(unicodedata.normalize("NFKC", name or "").split())
    if name:
        return ("name", name)
    return None


def snapshot_of(analysis_id: int, stmt: AnySelect) -> AnySelect:
    """``stmt`` over the comments of the snapshot with their theme (comments received later
    are not in the snapshot)."""
    return stmt.join(ThemeAssignment, ThemeAssignment.comment_id == Comment.id).where(
        ThemeAssignment.analysis_id == analysis_id
    )


@dataclass(frozen=True)
class Counts:
    channels: tuple[ChannelCount, ...]
    comments: int
    submitters: int
    hidden: int


def snapshot_counts(analysis_id: int) -> Counts:
    """Comments and submitters by channel, counted over one row per channel, e-mail, name and
    hidden flag (not one per comment)."""
    stmt = select(Comment.channel, Comment.email, Comment.name, Comment.is_hidden, func.count())
    groups = (Comment.channel, Comment.email, Comment.name, Comment.is_hidden)
    comments: Counter[Channel] = Counter()
    alone: Counter[Channel] = Counter()  # comments with neither e-mail nor name: one person each
    people: dict[Channel, set[tuple[str, str]]] = {}
    hidden = 0
    for channel, email, name, is_hidden, n in db.session.execute(
        snapshot_of(analysis_id, stmt).group_by(*groups)
    ):
        comments[channel] += n
        hidden += n if is_hidden else 0
        key = person_key(email, name)
        if key is None:
            alone[channel] += n
        else:
            people.setdefault(channel, set()).add(key)
    return Counts(
        channels=tuple(
            ChannelCount(
                channel,
                CHANNEL[channel],
                comments[channel],
                len(people.get(channel, ())) + alone[channel],
            )
            for channel in Channel
            if comments[channel]
        ),
        comments=sum(comments.values()),
        submitters=len(set().union(*people.values())) + sum(alone.values()),
        hidden=hidden,
    )


def published_counts(analysis_id: int) -> Counter[int]:
    """theme id -> how many of its comments are published (not hidden)."""
    stmt = select(ThemeAssignment.theme_id, func.count()).select_from(Comment)
    stmt = snapshot_of(analysis_id, stmt).where(Comment.is_hidden.is_(False))
    rows = db.session.execute(stmt.group_by(ThemeAssignment.theme_id))
    return Counter({theme_id: n for theme_id, n in rows})


def numbered_comments(
    analysis: Analysis, *, first: int | None = None, theme_id: int | None = None, skip: int = 0
) -> dict[int, list[PublishedComment]]:
    """theme id -> its published comments from position ``skip`` + 1 (the ``first`` of them;
    None: all), masked, with their number: 1, 2, ... in the order received over all themes
    (hidden ones get none)."""
    if first == 0:
        return {}
    stmt = select(ThemeAssignment.theme_id, Comment.id).select_from(Comment)
    stmt = snapshot_of(analysis.id, stmt).where(Comment.is_hidden.is_(False))
    # two integers a comment, in one pass: cheaper than numbering with window functions
    found: list[tuple[int, int, int]] = []  # (theme id, number, comment id)
    positions: Counter[int] = Counter()
    order = stmt.order_by(Comment.received_on, Comment.id)
    for number, (theme, comment_id) in enumerate(db.session.execute(order), start=1):
        positions[theme] += 1
        if theme_id not in (None, theme):
            continue
        if skip < positions[theme] and (first is None or positions[theme] <= skip + first):
            found.append((theme, number, comment_id))
    # the grouped text: the comment's, or its answer to the analysed free-text question
    texts = masks.masked_texts((comment_id for _, _, comment_id in found), analysis.question_id)
    shown: dict[int, list[PublishedComment]] = {}
    for theme, number, comment_id in found:
        shown.setdefault(theme, []).append(PublishedComment(number, texts[comment_id]))
    return shown


def build_results(
    consultation: Consultation,
    analysis: Analysis,
    published_at: datetime | None = None,
    *,
    per_theme: int | None = COMMENTS_PER_THEME,
) -> Results:
    """The results of a snapshot with the first ``per_theme`` comments of each theme, masked
    (None: every comment, for open data; 0: none, for the table)."""
    counts = snapshot_counts(analysis.id)
    published = published_counts(analysis.id)
    shown = numbered_comments(analysis, first=per_theme)
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
                count=published[theme.id],
                comments=tuple(shown.get(theme.id, ())),
            )
        )
    return Results(
        consultation=consultation,
        analysis_id=analysis.id,
        published_at=published_at,
        channels=counts.channels,
        total_comments=counts.comments,
        total_submitters=counts.submitters,
        hidden_comments=counts.hidden,
        themes=tuple(theme_results),
        question_text=analysis.question.text if analysis.question else None,
    )


def published_results(slug: str, *, per_theme: int | None = COMMENTS_PER_THEME) -> Results:
    """The published results; ``per_theme`` as in build_results."""
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
        raise NotFound(_("このテーマは見つかりません。"))
    theme = themes[number - 1]
    count = published_counts(publication.analysis.id)[theme.id]
    pages = max(-(-count // per_page), 1)
    page = min(max(page, 1), pages)
    shown = numbered_comments(
        publication.analysis, first=per_page, theme_id=theme.id, skip=(page - 1) * per_page
    )
    return ThemePage(
        consultation=consultation,
        number=number,
        label=theme.label,
        count=count,
        comments=tuple(shown.get(theme.id, ())),
        page=page,
        pages=pages,
    )
