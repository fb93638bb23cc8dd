"""Two segments of respondents compared: each theme's share in A and in B, how a segment is
described in words, and the comparisons planners ask for most."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from workshop.themes.stats.attributes import ATTRIBUTE_LABELS, UNANSWERED, is_attribute
from workshop.themes.stats.counting import CommentRow
from workshop.themes.stats.cross_table import share


@dataclass(frozen=True)
class Segment:
    """Comments whose attributes match: any of the values within an attribute, all attributes."""

    values: Mapping[str, frozenset[str]]  # attribute -> accepted values

    @classmethod
    def parse(cls, pairs: Iterable[str]) -> Segment:
        """From form values such as "age_group:60s"."""
        values: dict[str, set[str]] = {}
        for pair in pairs:
            attribute, _, value = pair.partition(":")
            if is_attribute(attribute):
                values.setdefault(attribute, set()).add(value)
        return cls({attribute: frozenset(accepted) for attribute, accepted in values.items()})

    @property
    def is_empty(self) -> bool:
        return not self.values

    def matches(self, row: CommentRow) -> bool:
        """Every attribute has one of its accepted values (for a multiple choice: at least
        one of the options chosen is accepted)."""
        return all(row.values(attribute) & accepted for attribute, accepted in self.values.items())


@dataclass(frozen=True)
class ComparisonLine:
    theme_id: int
    count_a: int
    count_b: int
    share_a: float  # of segment A's comments, the share in this theme
    share_b: float

    @property
    def difference(self) -> float:
        """A's share minus B's share: positive where A raises the theme more."""
        return self.share_a - self.share_b


@dataclass(frozen=True)
class Comparison:
    n_a: int
    n_b: int
    lines: tuple[ComparisonLine, ...]  # by difference, largest first


def compare(
    rows: Sequence[CommentRow], theme_ids: Sequence[int], a: Segment, b: Segment | None
) -> Comparison:
    """Shares of each theme in segment A and in segment B (None or empty: everyone not in A)."""
    in_a = [row for row in rows if a.matches(row)]
    if b is None or b.is_empty:
        in_b = [row for row in rows if not a.matches(row)]
    else:
        in_b = [row for row in rows if b.matches(row)]
    counts_a, counts_b = theme_counts(in_a), theme_counts(in_b)
    n_a, n_b = sum(counts_a.values()), sum(counts_b.values())
    lines = [
        ComparisonLine(
            theme_id=theme_id,
            count_a=counts_a[theme_id],
            count_b=counts_b[theme_id],
            share_a=share(counts_a[theme_id], n_a),
            share_b=share(counts_b[theme_id], n_b),
        )
        for theme_id in theme_ids
    ]
    order = {theme_id: position for position, theme_id in enumerate(theme_ids)}
    lines.sort(key=lambda line: (-line.difference, order[line.theme_id]))
    return Comparison(n_a=n_a, n_b=n_b, lines=tuple(lines))


def theme_counts(rows: Iterable[CommentRow]) -> Counter[int]:
    counts: Counter[int] = Counter()
    for row in rows:
        counts[row.theme_id] += row.count
    return counts


def describe(
    segment: Segment,
    labels: Mapping[str, Mapping[str, str]],
    names: Mapping[str, str] = ATTRIBUTE_LABELS,
) -> str:
    """「年代: 60代・70代、地区: 中央地区」; labels is attribute -> value -> label."""
    parts = []
    for attribute in names:
        accepted = segment.values.get(attribute)
        if not accepted:
            continue
        value_names = labels.get(attribute, {})
        ordered = [label for value, label in value_names.items() if value in accepted]
        ordered += sorted(value for value in accepted if value not in value_names)
        parts.append(f"{names[attribute]}: {'・'.join(ordered)}")
    return "、".join(parts)


def presets(labels: Mapping[str, Mapping[str, str]]) -> list[tuple[str, dict[str, list[str]]]]:
    """The comparisons planners ask for most, as form values, where the analysis has the values."""
    found = []
    ages = [value for value in labels.get("age_group", {}) if value != UNANSWERED]
    older = [value for value in ages if value in ("60s", "70s", "80_plus")]
    younger = [value for value in ages if value not in older]
    if older and younger:
        found.append(
            (
                "60代以上と59歳以下",
                {
                    "a": [f"age_group:{value}" for value in older],
                    "b": [f"age_group:{value}" for value in younger],
                },
            )
        )
    channels = labels.get("channel", {})
    if "workshop" in channels and "web" in channels:
        found.append(("ワークショップとウェブ", {"a": ["channel:workshop"], "b": ["channel:web"]}))
    districts = [value for value in labels.get("district", {}) if value != UNANSWERED]
    if len(districts) > 1:
        first = districts[0]
        name = labels["district"][first]
        found.append((f"{name}とそれ以外の地区", {"a": [f"district:{first}"], "b": []}))
    return found
