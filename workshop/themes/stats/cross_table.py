"""A cross table: themes (rows) × the values of one attribute (columns), with its shares
and its CSV in long form."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from workshop.themes.stats.attributes import is_attribute
from workshop.themes.stats.counting import CommentRow


def share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


@dataclass(frozen=True)
class CrossTable:
    """Counts of themes (rows) × values of one attribute (columns).

    A multiple choice question counts a comment once under each option its writer chose, so
    a row's cells can add up to more than its comments: the row shares are of the theme's
    comments (``theme_totals``), not of the cells.
    """

    attribute: str
    theme_ids: tuple[int, ...]
    values: tuple[str, ...]
    counts: Mapping[tuple[int, str], int]
    theme_totals: Mapping[int, int]  # comments per theme

    def count(self, theme_id: int, value: str) -> int:
        return self.counts.get((theme_id, value), 0)

    def row_total(self, theme_id: int) -> int:
        return self.theme_totals.get(theme_id, 0)

    def column_total(self, value: str) -> int:
        return sum(self.count(theme_id, value) for theme_id in self.theme_ids)

    @property
    def total(self) -> int:
        return sum(self.theme_totals.values())

    def row_share(self, theme_id: int, value: str) -> float:
        """Of this theme's comments, the share from people with this value."""
        return share(self.count(theme_id, value), self.row_total(theme_id))

    def column_share(self, theme_id: int, value: str) -> float:
        """Of the comments of people with this value, the share about this theme."""
        return share(self.count(theme_id, value), self.column_total(value))

    def theme_share(self, theme_id: int) -> float:
        return share(self.row_total(theme_id), self.total)


def cross_table(
    rows: Iterable[CommentRow], attribute: str, theme_ids: Sequence[int], values: Sequence[str]
) -> CrossTable:
    if not is_attribute(attribute):
        raise ValueError(f"unknown attribute {attribute!r}")
    counts: Counter[tuple[int, str]] = Counter()
    totals: Counter[int] = Counter()
    for row in rows:
        totals[row.theme_id] += row.count
        for value in row.values(attribute):
            counts[row.theme_id, value] += row.count
    return CrossTable(attribute, tuple(theme_ids), tuple(values), dict(counts), dict(totals))


def cross_table_csv(
    table: CrossTable,
    values: Mapping[str, str],
    names: Mapping[int, str],
    attribute_name: str,
    *,
    theme_heading: str = "テーマ",
    parents: Mapping[int, str] | None = None,
) -> tuple[tuple[str, ...], list[tuple[str | int | float, ...]]]:
    """Header and rows in long form (one row per theme and value), shares in percent;
    ``parents`` (theme id -> its large theme's name) adds a first column 大きなテーマ."""
    header = (
        theme_heading,
        attribute_name,
        "件数",
        f"{theme_heading}の中の割合(%)",
        f"{attribute_name}の中の割合(%)",
    )
    rows: list[tuple[str | int | float, ...]] = [
        (
            names[theme_id],
            label,
            table.count(theme_id, value),
            round(100 * table.row_share(theme_id, value), 1),
            round(100 * table.column_share(theme_id, value), 1),
        )
        for theme_id in table.theme_ids
        for value, label in values.items()
    ]
    if parents is None:
        return header, rows
    per_theme = len(values)
    with_parents = [
        (parents.get(table.theme_ids[index // per_theme], ""), *row)
        for index, row in enumerate(rows)
    ]
    return ("大きなテーマ", *header), with_parents
