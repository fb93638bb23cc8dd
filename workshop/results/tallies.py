"""What a questionnaire's results are made of: counts per option, a number's summary, a cross
tab of two choice questions. Plain values, no database: the SQL that fills them is in
results/services/questionnaire.py, the charts that draw them in results/charts.py, so the
arithmetic (shares, quartiles) can be checked by hand in tests.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import ngettext

from workshop.preferences.language import format_number as number_in_language
from workshop.text import N_

OTHER_CODE = ""  # the 「その他」 line of a multiple choice: answers with a text and no option
OTHER_LABEL = N_("その他")  # a resident's page shows it in its language
MULTIPLE_NOTE = "回答者数に対する割合、複数回答のため合計は100%を超えます"


def share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def percent(part: int, whole: int) -> str:
    return f"{100 * share(part, whole):.1f}%"


@dataclass(frozen=True)
class OptionCount:
    code: str
    label: str
    count: int  # respondents who chose it
    # the app's own words in the page's language (10代), not a label the city wrote (90代以上,
    # a district's name), which stays Japanese and is marked so on other languages' pages
    in_page_language: bool = False


@dataclass(frozen=True)
class ChoiceTally:
    """One choice or scale question: who answered it and how many chose each option."""

    key: str
    text: str
    answered: int  # respondents with at least one answer to this question
    options: tuple[OptionCount, ...]
    is_multiple: bool = False
    mean: float | None = None  # scales: the mean of the points chosen
    # the app's own words in the page's language (年代, 地区, 関係), not the city's Japanese
    in_page_language: bool = False

    def share(self, option: OptionCount) -> float:
        """Of those who answered the question, the share who chose this option; for a
        multiple choice the shares add up to more than 100%."""
        return share(option.count, self.answered)

    def percent(self, option: OptionCount) -> str:
        return percent(option.count, self.answered)

    @property
    def chosen(self) -> int:
        return sum(option.count for option in self.options)


@dataclass(frozen=True)
class NumberSummary:
    """A number question: n, mean and the five numbers of a box plot."""

    key: str
    text: str
    n: int
    mean: float | None = None
    minimum: float | None = None
    q1: float | None = None
    median: float | None = None
    q3: float | None = None
    maximum: float | None = None

    def rows(self) -> list[tuple[str, str]]:
        """The summary as label and value, for the table under the chart, in the page's
        language (Japanese on staff pages and outside a request)."""
        people = ngettext("%(count)s人", "%(count)s人", self.n, count=number_in_language(self.n))
        if not self.n:
            return [(_("回答者数"), people)]
        return [
            (_("回答者数"), people),
            (_("平均"), format_number(self.mean)),
            (_("最小"), format_number(self.minimum)),
            (_("第1四分位（25%）"), format_number(self.q1)),
            (_("中央値"), format_number(self.median)),
            (_("第3四分位（75%）"), format_number(self.q3)),
            (_("最大"), format_number(self.maximum)),
        ]


def format_number(value: float | None) -> str:
    if value is None:
        return "—"
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return text if text not in ("-0", "") else "0"


def quantile_positions(n: int, q: float) -> tuple[int, int, float]:
    """The 1-based ranks of the two sorted values around quantile q and the weight of the
    upper one: linear interpolation between order statistics, as numpy's default and
    PostgreSQL's percentile_cont."""
    exact = (n - 1) * q
    low = math.floor(exact)
    return low + 1, min(low + 2, n), exact - low


def quantile(values_at: Mapping[int, float], n: int, q: float) -> float:
    """Quantile q from the sorted values at the ranks quantile_positions() named."""
    low, high, weight = quantile_positions(n, q)
    return values_at[low] + (values_at[high] - values_at[low]) * weight


QUARTILES = (0.25, 0.5, 0.75)


def ranks_needed(n: int) -> set[int]:
    """The ranks of the sorted values that the three quartiles read (at most six)."""
    ranks: set[int] = set()
    for q in QUARTILES:
        low, high, _ = quantile_positions(n, q)
        ranks.update((low, high))
    return ranks


def summarise(values: Sequence[float], *, key: str = "", text: str = "") -> NumberSummary:
    """A summary from the values themselves: for tests and small lists; the pages read only
    count, mean, min, max and the ranks they need from SQL."""
    ordered = sorted(values)
    n = len(ordered)
    if not n:
        return NumberSummary(key, text, 0)
    at = {rank: ordered[rank - 1] for rank in ranks_needed(n)}
    return NumberSummary(
        key,
        text,
        n,
        mean=sum(ordered) / n,
        minimum=ordered[0],
        q1=quantile(at, n, 0.25),
        median=quantile(at, n, 0.5),
        q3=quantile(at, n, 0.75),
        maximum=ordered[-1],
    )


@dataclass(frozen=True)
class CrossTab:
    """Respondents by the options of two choice questions (rows × columns).

    A multiple choice respondent counts once in each option chosen, so the totals are
    respondents (counted in SQL), not sums of the cells.
    """

    row_key: str
    row_text: str
    column_key: str
    column_text: str
    rows: tuple[OptionCount, ...]  # count: respondents with this row option who answered both
    columns: tuple[OptionCount, ...]
    counts: Mapping[tuple[str, str], int]  # (row code, column code) -> respondents
    total: int  # respondents who answered both questions
    row_is_multiple: bool = False
    column_is_multiple: bool = False

    def count(self, row: str, column: str) -> int:
        return self.counts.get((row, column), 0)

    def row_total(self, row: str) -> int:
        return next((o.count for o in self.rows if o.code == row), 0)

    def column_total(self, column: str) -> int:
        return next((o.count for o in self.columns if o.code == column), 0)

    def row_share(self, row: str, column: str) -> float:
        """Of the respondents with this row option, the share with this column option."""
        return share(self.count(row, column), self.row_total(row))

    def column_share(self, row: str, column: str) -> float:
        """Of the respondents with this column option, the share with this row option."""
        return share(self.count(row, column), self.column_total(column))

    def csv_rows(self) -> tuple[tuple[str, ...], list[tuple[str | int | float, ...]]]:
        """Header and rows in long form (one row per pair of options), codes beside labels,
        shares in percent."""
        header = (
            f"{self.row_text}（コード）",
            self.row_text,
            f"{self.column_text}（コード）",
            self.column_text,
            "回答者数",
            "行の割合(%)",
            "列の割合(%)",
        )
        rows: list[tuple[str | int | float, ...]] = [
            (
                row.code,
                row.label,
                column.code,
                column.label,
                self.count(row.code, column.code),
                round(100 * self.row_share(row.code, column.code), 1),
                round(100 * self.column_share(row.code, column.code), 1),
            )
            for row in self.rows
            for column in self.columns
        ]
        return header, rows
