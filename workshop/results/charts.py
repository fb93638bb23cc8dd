"""A questionnaire's charts, drawn on the server as SVG: horizontal bars for choices, columns
for a scale, a box plot for a number, 100% bars for a cross tab.

Like the theme pages' charts (themes/charts.py, whose <svg> shell this reuses), each is an
image with a title and a description (role="img"); the numbers are in a real table beside it
(templates/results/_questions.html), which is what screen readers and printouts read. The
viewBox is a phone's width, so that on a 360 px screen the text is not scaled down; colours
are CSS classes (static/css/themes.css). Long Japanese labels wrap onto a second line and are
cut with 「…」 after it; the full label is in the bar's own <title> and in the table.
The words a chart adds (its description, 人, 平均) are in the page's language: Japanese on staff
pages, the resident's own on the published results.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from flask_babel import gettext as _
from flask_babel import ngettext
from markupsafe import Markup, escape

from workshop.preferences.language import format_number as number_in_language
from workshop.results.tallies import (
    OTHER_CODE,
    ChoiceTally,
    CrossTab,
    NumberSummary,
    OptionCount,
    format_number,
)
from workshop.themes.charts import SERIES, WIDTH, Part, StackedBar, number, stacked_chart, svg

LINE = 20  # one line of label text at the chart's font size (17px)
BAR = 20
LINE_WIDTH = 20.0  # full-width characters per line: 360px at 17px, less a margin
MAX_LINES = 2
VALUE_ROOM = 150  # for 「12,345人（100.0%）」 after the longest bar


def char_width(char: str) -> float:
    """Width in full-width characters: kanji and kana 1, ASCII letters and digits about half."""
    return 1.0 if unicodedata.east_asian_width(char) in "WFA" else 0.55


def text_width(text: str) -> float:
    return sum(char_width(char) for char in text)


BREAK_AFTER = "、。・，,）)」』/／ 　"


def wrap(label: str, width: float = LINE_WIDTH, lines: int = MAX_LINES) -> list[str]:
    """The label in lines of at most `width` full-width characters, broken after punctuation
    near the end of a line where there is some; beyond `lines` lines it is cut with 「…」."""
    label = " ".join(label.split())
    result: list[str] = []
    rest = label
    while rest and len(result) < lines:
        if text_width(rest) <= width:
            result.append(rest)
            rest = ""
            break
        used, cut = 0.0, 0
        for index, char in enumerate(rest):
            if used + char_width(char) > width:
                break
            used += char_width(char)
            cut = index + 1
        # a break after 、 or ） in the last third of the line reads better than mid-word
        nice = max(rest.rfind(mark, 0, cut) for mark in BREAK_AFTER)
        if nice >= cut * 2 // 3:
            cut = nice + 1
        result.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        last = result[-1]
        while last and text_width(last) + 1 > width:
            last = last[:-1]
        result[-1] = last + "…"
    return result


def label_lines(lines: Sequence[str], y: float, *, x: float = 0, css: str = "chart-label") -> str:
    spans = "".join(
        f'<tspan x="{number(x)}" dy="{0 if index == 0 else LINE}">{escape(line)}</tspan>'
        for index, line in enumerate(lines)
    )
    return f'<text class="{css}" x="{number(x)}" y="{number(y)}">{spans}</text>'


def people(count: int) -> str:
    return ngettext("%(count)s人", "%(count)s人", count, count=number_in_language(count))


def option_label(option: OptionCount) -> str:
    """An option's label as the city wrote it; the 「その他」 line in the page's language."""
    return _("その他") if option.code == OTHER_CODE else option.label


def choice_chart(tally: ChoiceTally) -> Markup:
    """One bar per option (その他 included), its length the option's count, with the count and
    the share of those who answered at its end."""
    top = max((option.count for option in tally.options), default=0) or 1
    room = WIDTH - VALUE_ROOM
    body = []
    y = 0.0
    for option in tally.options:
        label = option_label(option)
        lines = wrap(label)
        text = _(
            "%(people)s（%(share)s）", people=people(option.count), share=tally.percent(option)
        )
        bar_y = y + 6 + LINE * len(lines)
        width = max(room * option.count / top, 1 if option.count else 0)
        body.append(
            f"<g><title>{escape(label)}: {escape(text)}</title>"
            + label_lines(lines, y + 17)
            + f'<rect class="bar" x="0" y="{number(bar_y)}" width="{number(width)}" height="{BAR}"/>'
            f'<text class="chart-value" x="{number(width + 6)}" y="{number(bar_y + 16)}">'
            f"{escape(text)}</text></g>"
        )
        y = bar_y + BAR + 12
    if tally.is_multiple:
        description = _(
            "回答者 %(people)s。横棒の長さが人数です。同じ数字を表にも載せています。"
            "複数回答のため、割合の合計は100%%を超えます。",
            people=people(tally.answered),
        )
    else:
        description = _(
            "回答者 %(people)s。横棒の長さが人数です。同じ数字を表にも載せています。",
            people=people(tally.answered),
        )
    return svg(tally.text, description, max(y, LINE) + 4, body)


def scale_chart(tally: ChoiceTally, low_label: str = "", high_label: str = "") -> Markup:
    """A column per point of the scale, left to right, its height the share who chose it; the
    end labels (「不満」「満足」) under the first and the last column."""
    points = tally.options
    slots = max(len(points), 1)
    slot = WIDTH / slots
    column = min(slot * 0.7, 56)
    top_share = max((tally.share(option) for option in points), default=0) or 1
    plot_top, plot_bottom = 24.0, 164.0
    body = [
        f'<line class="chart-axis-line" x1="0" y1="{plot_bottom}" x2="{WIDTH}" y2="{plot_bottom}"/>'
    ]
    for index, option in enumerate(points):
        centre = slot * index + slot / 2
        height = (plot_bottom - plot_top) * tally.share(option) / top_share
        if option.count:
            height = max(height, 1)
        text = _(
            "%(people)s（%(share)s）", people=people(option.count), share=tally.percent(option)
        )
        body.append(
            f"<g><title>{escape(option_label(option))}: {escape(text)}</title>"
            f'<rect class="bar" x="{number(centre - column / 2)}" y="{number(plot_bottom - height)}" '
            f'width="{number(column)}" height="{number(height)}"/>'
            f'<text class="chart-value" x="{number(centre)}" y="{number(plot_bottom - height - 6)}" '
            f'text-anchor="middle">{escape(tally.percent(option).removesuffix("%"))}</text>'
            f'<text class="chart-label" x="{number(centre)}" y="{number(plot_bottom + 20)}" '
            f'text-anchor="middle">{escape(option.code)}</text></g>'
        )
    if low_label:
        lines = wrap(low_label, width=8)
        body.append(label_lines(lines, plot_bottom + 42, css="chart-axis"))
    if high_label:
        lines = wrap(high_label, width=8)
        spans = "".join(
            f'<tspan x="{WIDTH}" dy="{0 if i == 0 else LINE}">{escape(line)}</tspan>'
            for i, line in enumerate(lines)
        )
        body.append(
            f'<text class="chart-axis" x="{WIDTH}" y="{plot_bottom + 42}" text-anchor="end">'
            f"{spans}</text>"
        )
    people_text = people(tally.answered)
    if tally.mean is not None:
        description = _(
            "回答者 %(people)s。平均 %(mean)s。柱の高さが選んだ人の割合（%%）です。"
            "同じ数字を表にも載せています。",
            people=people_text,
            mean=format_number(tally.mean),
        )
    else:
        description = _(
            "回答者 %(people)s。柱の高さが選んだ人の割合（%%）です。同じ数字を表にも載せています。",
            people=people_text,
        )
    return svg(tally.text, description, plot_bottom + 42 + LINE * 2, body)


def number_chart(summary: NumberSummary) -> Markup:
    """A box plot: the line from the smallest to the largest answer, the box from the first to
    the third quartile, a thick line at the median and a diamond at the mean."""
    if not summary.n or summary.minimum is None or summary.maximum is None:
        return svg(summary.text, _("まだ回答がありません。"), LINE * 2, [])
    low, high = summary.minimum, summary.maximum
    span = (high - low) or 1.0
    margin = 16.0

    def x(value: float | None) -> float:
        return margin + (WIDTH - 2 * margin) * ((value if value is not None else low) - low) / span

    middle = 60.0
    q1, median, q3 = x(summary.q1), x(summary.median), x(summary.q3)
    body = [
        f'<line class="chart-axis-line" x1="{number(x(low))}" y1="{middle}" x2="{number(x(high))}" y2="{middle}"/>',
        f'<line class="chart-axis-line" x1="{number(x(low))}" y1="{middle - 12}" x2="{number(x(low))}" y2="{middle + 12}"/>',
        f'<line class="chart-axis-line" x1="{number(x(high))}" y1="{middle - 12}" x2="{number(x(high))}" y2="{middle + 12}"/>',
        f'<rect class="box" x="{number(q1)}" y="{middle - 18}" width="{number(max(q3 - q1, 1))}" height="36"/>',
        f'<line class="median" x1="{number(median)}" y1="{middle - 18}" x2="{number(median)}" y2="{middle + 18}"/>',
        f'<text class="chart-value" x="{number(median)}" y="{middle - 26}" text-anchor="middle">'
        f"{escape(_('中央値'))} {escape(format_number(summary.median))}</text>",
        f'<text class="chart-axis" x="{number(x(low))}" y="{middle + 40}">{escape(_("最小"))} '
        f"{escape(format_number(low))}</text>",
        f'<text class="chart-axis" x="{number(x(high))}" y="{middle + 40}" text-anchor="end">'
        f"{escape(_('最大'))} {escape(format_number(high))}</text>",
    ]
    if summary.mean is not None:
        mx = x(summary.mean)
        body.append(
            f'<path class="mean" d="M{number(mx)} {middle - 7}l7 7l-7 7l-7 -7z">'
            f"<title>{escape(_('平均'))} {escape(format_number(summary.mean))}</title></path>"
        )
    description = _(
        "回答者 %(people)s。箱は真ん中の半数（第1四分位から第3四分位）、"
        "太い線が中央値、ひし形が平均です。数字は表にあります。",
        people=people(summary.n),
    )
    return svg(summary.text, description, middle + 52, body)


def cross_tab_chart(tab: CrossTab) -> Markup | None:
    """One 100% bar per row option, split by the column options (the row shares); None when
    the column question is a multiple choice, whose shares do not add up to one bar."""
    if tab.column_is_multiple:
        return None
    bars = [
        StackedBar(
            row.label,
            tuple(
                Part(
                    position,
                    column.label,
                    tab.row_share(row.code, column.code),
                    f"{people(tab.count(row.code, column.code))}"
                    f"（{100 * tab.row_share(row.code, column.code):.1f}%）",
                )
                for position, column in enumerate(tab.columns)
            ),
            f"{row.count:,}",  # beside the bar only the number fits; 人 is in the table
        )
        for row in tab.rows
    ]
    description = (
        f"横棒1本が「{tab.row_text}」の選択肢1つを選んだ人全体（100%）で、"
        f"色が「{tab.column_text}」の選択肢です。数字は表にあります。"
    )
    return stacked_chart(bars, title=f"{tab.row_text} × {tab.column_text}", description=description)


def series_class(position: int) -> str:
    return f"series-{position % SERIES}"
