"""Result types of a theme analysis (frozen dataclasses)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from nlp.features import FittedFeatures

CommentId = int | str

OTHER_THEME_ID = 0
PARENT_ID_START = 1001  # large themes are numbered 1001, 1002, ...


@dataclass(frozen=True)
class SeedTheme:
    """A theme the city names up front, e.g. デジタルデバイド対策 with a few keywords."""

    name: str
    keywords: tuple[str, ...] = ()


@dataclass(frozen=True)
class Theme:
    """A sub-theme (discovered or seeded), その他, or a large theme holding sub-themes.

    Sub-theme ids are 1, 2, ... (0 is その他) and do not depend on the order of
    the input; large themes have ids from ``PARENT_ID_START`` on.
    """

    id: int
    label: str  # a phrase (窓口の待ち時間) or joined keywords (スマホ教室・高齢者・相談)
    keywords: tuple[tuple[str, float], ...]  # distinctive terms, best weight 1.0
    comment_ids: tuple[CommentId, ...]
    representative_ids: tuple[CommentId, ...]  # most typical comments first
    size: int
    share: float  # size / number of comments
    is_other: bool = False  # the その他 bucket: tiny themes and comments without content words
    seed_name: str | None = None  # set when the theme came from a SeedTheme
    parent_id: int | None = None  # its large theme; None for その他 and for large themes
    summary: tuple[str, ...] = ()  # 2-3 sentences quoted from its comments, personal data masked
    label_is_phrase: bool = False  # the label is a phrase from the comments, not keywords


@dataclass(frozen=True)
class KScore:
    """One point of the curve used to choose the number of themes."""

    k: int
    score: float


@dataclass(frozen=True)
class ThemeResult:
    themes: tuple[Theme, ...]  # sub-themes: seeded, discovered, then その他
    assignments: Mapping[CommentId, int]  # comment id -> (sub-)theme id
    theme_ids: tuple[int, ...]  # theme id of each input text, in input order
    n_themes: int  # number of themes found by clustering (seed themes and その他 excluded)
    k_scores: tuple[KScore, ...] = field(default=())  # empty when k was given
    parents: tuple[Theme, ...] = field(default=())  # large themes, each holding sub-themes
    # what was fitted, for a later extend(); None when no comment had content words
    features: FittedFeatures | None = field(default=None, compare=False, repr=False)

    def theme(self, theme_id: int) -> Theme:
        """The sub-theme or large theme with this id (KeyError if there is none)."""
        for theme in (*self.themes, *self.parents):
            if theme.id == theme_id:
                return theme
        raise KeyError(theme_id)

    def children(self, parent_id: int) -> tuple[Theme, ...]:
        """The sub-themes of a large theme, largest first."""
        return tuple(theme for theme in self.themes if theme.parent_id == parent_id)
