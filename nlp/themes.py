"""Result types of a theme analysis (frozen dataclasses)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

CommentId = int | str


@dataclass(frozen=True)
class SeedTheme:
    """A theme the city names up front, e.g. デジタルデバイド対策 with a few keywords."""

    name: str
    keywords: tuple[str, ...] = ()


@dataclass(frozen=True)
class Theme:
    id: int  # 1, 2, ... ; 0 is その他
    label: str  # e.g. スマホ教室・高齢者・相談
    keywords: tuple[tuple[str, float], ...]  # distinctive terms, best weight 1.0
    comment_ids: tuple[CommentId, ...]
    representative_ids: tuple[CommentId, ...]  # most typical comments first
    size: int
    share: float  # size / number of comments
    is_other: bool = False  # the その他 bucket: tiny themes and comments without content words
    seed_name: str | None = None  # set when the theme came from a SeedTheme


@dataclass(frozen=True)
class KScore:
    """One point of the curve used to choose the number of themes."""

    k: int
    score: float


@dataclass(frozen=True)
class ThemeResult:
    themes: tuple[Theme, ...]
    assignments: Mapping[CommentId, int]  # comment id -> theme id
    theme_ids: tuple[int, ...]  # theme id of each input text, in input order
    n_themes: int  # number of themes found by clustering (seed themes and その他 excluded)
    k_scores: tuple[KScore, ...] = field(default=())  # empty when k was given

    def theme(self, theme_id: int) -> Theme:
        return next(theme for theme in self.themes if theme.id == theme_id)
