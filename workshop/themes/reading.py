"""Reading a snapshot for the planners' pages: comments of a theme, word clouds, duplicates.

Nothing here writes to the database; word cloud images are cached under instance/.
"""

from __future__ import annotations

import hashlib
import json
import re
import tempfile
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import chain
from pathlib import Path

from flask import current_app
from flask_sqlalchemy.pagination import Pagination
from markupsafe import Markup, escape
from sqlalchemy import ColumnElement, Text, cast, func, select

from workshop import masks
from workshop.extensions import db
from workshop.models import Analysis, Answer, AnswerTokens, Comment, CommentTokens, ThemeAssignment
from workshop.text import LIKE_ESCAPE, like_contains

TOP_WORDS = 10


def highlight(text: str, terms: Iterable[str]) -> Markup:
    """Escaped text with each term wrapped in <mark>; longer terms first so 防災アプリ beats 防災."""
    words = sorted({term for term in terms if term.strip()}, key=len, reverse=True)
    if not words:
        return escape(text)
    pattern = re.compile("|".join(re.escape(word) for word in words), re.IGNORECASE)
    parts: list[str] = []
    cursor = 0
    for match in pattern.finditer(text):
        parts.append(str(escape(text[cursor : match.start()])))
        parts.append(f"<mark>{escape(match.group())}</mark>")
        cursor = match.end()
    parts.append(str(escape(text[cursor:])))
    return Markup("".join(parts))


def theme_comments(
    analysis: Analysis, theme_id: int, query: str = "", *, page: int = 1, per_page: int = 50
) -> Pagination:
    """One page of a theme's comments in receipt order, those whose grouped text (the comment,
    or its answer to the analysis's question) contains ``query`` if given."""
    stmt = (
        select(Comment)
        .join(ThemeAssignment, ThemeAssignment.comment_id == Comment.id)
        .where(ThemeAssignment.analysis_id == analysis.id, ThemeAssignment.theme_id == theme_id)
        .order_by(Comment.id)
    )
    patterns = [like_contains(word) for word in query.split()]
    if analysis.question_id is None:
        stmt = stmt.where(*(Comment.body.ilike(p, escape=LIKE_ESCAPE) for p in patterns))
    else:
        stmt = stmt.join(
            Answer,
            (Answer.comment_id == Comment.id) & (Answer.question_id == analysis.question_id),
        ).where(*(Answer.text_value.ilike(p, escape=LIKE_ESCAPE) for p in patterns))
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False)


def comments_by_id(comment_ids: Iterable[int]) -> dict[int, Comment]:
    ids = sorted(set(comment_ids))
    if not ids:
        return {}
    return {c.id: c for c in db.session.scalars(select(Comment).where(Comment.id.in_(ids)))}


def member_ids(analysis_id: int, theme_id: int) -> list[int]:
    """The comment ids of one theme, in comment order (services.members() reads every theme)."""
    stmt = (
        select(ThemeAssignment.comment_id)
        .where(ThemeAssignment.analysis_id == analysis_id, ThemeAssignment.theme_id == theme_id)
        .order_by(ThemeAssignment.comment_id)
    )
    return list(db.session.scalars(stmt))


def moved_comment_ids(analysis_id: int) -> set[int]:
    stmt = select(ThemeAssignment.comment_id).where(
        ThemeAssignment.analysis_id == analysis_id, ThemeAssignment.moved_by_planner.is_(True)
    )
    return set(db.session.scalars(stmt))


# ---------------------------------------------------------------- word clouds


def token_frequencies(comment_ids: Sequence[int], question_id: int | None = None) -> Counter[str]:
    """How often each stored token occurs in these comments (or in their answers to
    ``question_id``): the analysis stored them."""
    tokens, of_text = token_store(question_id)
    frequencies: Counter[str] = Counter()
    for start in range(0, len(comment_ids), 5000):
        chunk = comment_ids[start : start + 5000]
        stmt = select(joined_token_lists(tokens)).where(tokens.comment_id.in_(chunk), *of_text)
        frequencies.update(count_tokens(db.session.scalar(stmt)))
    return frequencies


TokenTable = type[CommentTokens] | type[AnswerTokens]


def token_store(question_id: int | None) -> tuple[TokenTable, tuple[ColumnElement[bool], ...]]:
    """Where the tokens of a grouped text are kept, and what picks that text's rows: the
    comments' table, or the answers' table with the question."""
    if question_id is None:
        return CommentTokens, ()
    return AnswerTokens, (AnswerTokens.question_id == question_id,)


def joined_token_lists(tokens: TokenTable) -> ColumnElement[str]:
    """The stored JSON token lists of a group of texts, joined by commas by the database."""
    return func.aggregate_strings(cast(tokens.tokens, Text), ",")


def count_tokens(joined: str | None) -> Counter[str]:
    """Token counts of joined_token_lists(): one JSON parse for the group, not one a comment
    (at 50,000 comments, 3 times faster)."""
    if not joined:
        return Counter()
    return Counter(chain.from_iterable(json.loads(f"[{joined}]")))


def top_words(frequencies: Counter[str], limit: int = TOP_WORDS) -> list[str]:
    return [word for word, _ in frequencies.most_common(limit)]


def wordcloud_dir() -> Path:
    return Path(current_app.instance_path) / "wordclouds"


def draw_wordclouds(analysis: Analysis, groups: Mapping[int, Sequence[int]]) -> int:
    """Draw (and cache) the word cloud of the whole analysis and of each theme ahead, as the
    pages would on first view; ``groups`` is theme id -> comment ids. The number drawn."""
    everyone = [i for ids in groups.values() for i in ids]
    drawn = int(wordcloud_png(wordcloud_dir(), analysis, None, everyone) is not None)
    for theme_id, ids in groups.items():
        drawn += wordcloud_png(wordcloud_dir(), analysis, theme_id, ids) is not None
    return drawn


def wordcloud_png(
    cache_dir: Path, analysis: Analysis, theme_id: int | None, comment_ids: Sequence[int]
) -> bytes | None:
    """PNG of the word cloud, cached on disk; None when the comments have no stored tokens.

    The key holds the comment ids too: a planner's move or merge changes a theme's cloud.
    """
    digest = hashlib.sha256(",".join(map(str, sorted(comment_ids))).encode()).hexdigest()[:16]
    path = cache_dir / f"{analysis.id}-{theme_id or 'all'}-{digest}.png"
    if path.is_file():
        return path.read_bytes()
    frequencies = token_frequencies(comment_ids, analysis.question_id)
    if not frequencies:
        return None
    from nlp.wordcloud import render_wordcloud

    png = render_wordcloud(frequencies, width=640, height=400)
    cache_dir.mkdir(parents=True, exist_ok=True)
    # a file of our own, then a rename: a parallel request never reads a half-written image
    with tempfile.NamedTemporaryFile(dir=cache_dir, suffix=".tmp", delete=False) as partial:
        partial.write(png)
    Path(partial.name).replace(path)
    return png


# ---------------------------------------------------------------- near duplicates


@dataclass(frozen=True)
class DuplicateGroup:
    """Near-identical comments (組織的な同一意見, form letters): one opinion with a count."""

    comment_ids: tuple[int, ...]
    text: str  # the first comment, masked
    theme_id: int | None

    @property
    def size(self) -> int:
        return len(self.comment_ids)


@dataclass(frozen=True)
class DuplicatePage:
    groups: list[DuplicateGroup]  # this page's, largest first
    total: int  # groups in the analysis
    page: int
    pages: int


def duplicate_sizes(analysis: Analysis) -> dict[int, int]:
    """comment id -> the size of its near-duplicate group, for comments in one."""
    return {i: len(group) for group in analysis.duplicate_groups if len(group) > 1 for i in group}


def duplicate_groups(analysis: Analysis, page: int = 1, per_page: int = 50) -> DuplicatePage:
    """One page of the near-duplicate groups, largest first: a form letter sent 3,000 times is
    one row with its count, and only this page's texts are read and masked."""
    groups = sorted(
        (tuple(group) for group in analysis.duplicate_groups if group), key=len, reverse=True
    )
    pages = max(-(-len(groups) // per_page), 1)
    page = min(max(page, 1), pages)
    shown = groups[(page - 1) * per_page : page * per_page]
    firsts = [group[0] for group in shown]
    texts = masks.masked_texts(firsts, analysis.question_id)
    stmt = select(ThemeAssignment.comment_id, ThemeAssignment.theme_id).where(
        ThemeAssignment.analysis_id == analysis.id, ThemeAssignment.comment_id.in_(firsts)
    )
    themes = {comment_id: theme_id for comment_id, theme_id in db.session.execute(stmt)}
    return DuplicatePage(
        groups=[
            DuplicateGroup(
                comment_ids=group, text=texts.get(group[0], ""), theme_id=themes.get(group[0])
            )
            for group in shown
        ],
        total=len(groups),
        page=page,
        pages=pages,
    )


def frequencies_by_theme(analysis: Analysis) -> dict[int, Counter[str]]:
    """theme id -> token counts of its comments (or answers), in one query."""
    tokens, of_text = token_store(analysis.question_id)
    stmt = (
        select(ThemeAssignment.theme_id, joined_token_lists(tokens))
        .join(tokens, tokens.comment_id == ThemeAssignment.comment_id)
        .where(ThemeAssignment.analysis_id == analysis.id, *of_text)
        .group_by(ThemeAssignment.theme_id)
    )
    return {theme_id: count_tokens(joined) for theme_id, joined in db.session.execute(stmt)}


@dataclass(frozen=True)
class Quote:
    comment_id: int
    text: str  # masked
    is_hidden: bool  # 公表しない意見


def representatives(analysis: Analysis, per_theme: int = 3) -> dict[int, list[Quote]]:
    """theme id -> its representative comments, masked; those a planner moved away are left out."""
    candidates = [i for theme in analysis.themes for i in theme.representative_ids]
    stmt = select(ThemeAssignment.comment_id, ThemeAssignment.theme_id).where(
        ThemeAssignment.analysis_id == analysis.id, ThemeAssignment.comment_id.in_(candidates)
    )
    now_in = {comment_id: theme_id for comment_id, theme_id in db.session.execute(stmt)}
    wanted = {
        theme.id: [i for i in theme.representative_ids if now_in.get(i) == theme.id][:per_theme]
        for theme in analysis.themes
    }
    ids = [i for theme_ids in wanted.values() for i in theme_ids]
    texts = masks.masked_texts(ids, analysis.question_id)
    hidden = set(
        db.session.scalars(select(Comment.id).where(Comment.id.in_(ids), Comment.is_hidden))
    )
    return {
        theme_id: [Quote(i, texts[i], i in hidden) for i in theme_ids if i in texts]
        for theme_id, theme_ids in wanted.items()
    }


def theme_sizes(analysis_id: int) -> dict[int, int]:
    """theme id -> how many comments it has now, by GROUP BY."""
    stmt = (
        select(ThemeAssignment.theme_id, func.count())
        .where(ThemeAssignment.analysis_id == analysis_id)
        .group_by(ThemeAssignment.theme_id)
    )
    return {theme_id: n for theme_id, n in db.session.execute(stmt)}
