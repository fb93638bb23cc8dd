"""The two levels of an analysis: large themes (like a plan's 基本目標) and the themes under them.

Counts at the large level are the sums of the themes' counts: a row of the breakdown or the
comparison is keyed by the large theme's id, and その他 (a theme without a large theme) is
keyed by OTHER_KEY, which neither table uses as an id.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass

from workshop.models import Analysis, AnalysisTheme, LargeTheme

OTHER_KEY = 0
OTHER_LABEL = "その他"


class Level(enum.StrEnum):
    LARGE = "large"
    SMALL = "small"


LEVEL_LABELS = {Level.LARGE: "大きなテーマ", Level.SMALL: "小さなテーマ"}


@dataclass(frozen=True)
class ThemeLevel:
    """The rows of one level: their keys in page order, names, and each theme's row."""

    level: Level
    keys: tuple[int, ...]
    labels: Mapping[int, str]
    key_of: Mapping[int, int]  # AnalysisTheme.id -> key of its row
    themes: Mapping[int, AnalysisTheme]  # key -> the theme, where a row is one theme
    large_themes: Mapping[int, LargeTheme]  # key -> the large theme, at the large level

    def regroup(self, sizes: Mapping[int, int]) -> dict[int, int]:
        """Counts by theme id -> counts by row key."""
        counts: dict[int, int] = {}
        for theme_id, count in sizes.items():
            key = self.key_of.get(theme_id, theme_id)
            counts[key] = counts.get(key, 0) + count
        return counts


def parse_level(value: str | None, analysis: Analysis) -> Level:
    """The level asked for (?level=large|small); the themes themselves by default, as the
    breakdown showed them before large themes, and for an analysis made before them."""
    if not analysis.large_themes or not value:
        return Level.SMALL
    try:
        return Level(value)
    except ValueError:
        return Level.SMALL


def theme_level(analysis: Analysis, level: Level) -> ThemeLevel:
    if level is Level.SMALL or not analysis.large_themes:
        return ThemeLevel(
            level=Level.SMALL,
            keys=tuple(theme.id for theme in analysis.themes),
            labels={theme.id: theme.label for theme in analysis.themes},
            key_of={theme.id: theme.id for theme in analysis.themes},
            themes={theme.id: theme for theme in analysis.themes},
            large_themes={},
        )
    loose = [theme for theme in analysis.themes if theme.parent_id is None]
    keys = [large.id for large in analysis.large_themes] + ([OTHER_KEY] if loose else [])
    labels = {large.id: large.label for large in analysis.large_themes}
    if loose:
        labels[OTHER_KEY] = loose[0].label if len(loose) == 1 else OTHER_LABEL
    return ThemeLevel(
        level=Level.LARGE,
        keys=tuple(keys),
        labels=labels,
        key_of={theme.id: theme.parent_id or OTHER_KEY for theme in analysis.themes},
        themes={OTHER_KEY: loose[0]} if len(loose) == 1 else {},
        large_themes={large.id: large for large in analysis.large_themes},
    )
