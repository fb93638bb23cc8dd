"""Bar charts drawn on the server as SVG: readable without JavaScript, no inline style or script.

Each chart is an image with a <title> and a short description; the pages also show
the same numbers in a table, which is what screen readers and printouts rely on.
Colours are CSS classes (static/css/site.css), so a strict CSP needs nothing inline.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import count

from markupsafe import Markup, escape

from workshop.themes.stats import Comparison, CrossTable, share

WIDTH = 360  # about the width of a phone, so the text is not scaled down there
ROW = 52  # label line + bar
BAR = 20
LABEL_CHARS = 20  # what fits on one line at the chart's font size
FONT_PX = 17  # the charts' text size (static/css/themes.css: .chart text)
SERIES = 8  # colours .series-0 … .series-7 in site.css

_ids = count(1)


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str  # the value as people read it, e.g. 「12件（30.0%）」


@dataclass(frozen=True)
class Part:
    series: int  # colour index, e.g. the theme's position
    label: str
    value: float  # share of the whole bar, 0–1
    text: str


@dataclass(frozen=True)
class StackedBar:
    label: str
    parts: tuple[Part, ...]
    text: str  # e.g. 「12件」


def short(label: str, limit: int = LABEL_CHARS) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def text_width(text: str) -> float:
    """About how wide a text is at the charts' 17 px bold: a full-width character (漢字, 件,
    （）) takes the font's size, a digit, a point or a per cent sign about 0.6 of it."""
    return sum(FONT_PX if ord(char) > 0x2E7F else 0.6 * FONT_PX for char in text)


def number(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def svg(title: str, description: str, height: float, body: list[str]) -> Markup:
    """The <svg> shell: role="img" with its own title and description, ids unique on the page."""
    uid = next(_ids)
    head = (
        f'<svg class="chart" viewBox="0 0 {WIDTH} {number(height)}" role="img" '
        f'aria-labelledby="chart-{uid}-title chart-{uid}-desc" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="chart-{uid}-title">{escape(title)}</title>'
        f'<desc id="chart-{uid}-desc">{escape(description)}</desc>'
    )
    return Markup(head + "".join(body) + "</svg>")


def bar_chart(bars: Sequence[Bar], *, title: str, description: str = "") -> Markup:
    """Horizontal bars, the label above each bar and the value at its end."""
    top = max((bar.value for bar in bars), default=0) or 1
    # leave space for the longest value text (174件（36.4%）) after the longest bar
    room = WIDTH - 8 - max((text_width(bar.text) for bar in bars), default=0)
    body = []
    for index, bar in enumerate(bars):
        y = index * ROW
        width = max(room * bar.value / top, 1 if bar.value else 0)
        body.append(
            f"<g><title>{escape(bar.label)}: {escape(bar.text)}</title>"
            f'<text class="chart-label" x="0" y="{y + 18}">{escape(short(bar.label))}</text>'
            f'<rect class="bar" x="0" y="{y + 25}" width="{number(width)}" height="{BAR}"/>'
            f'<text class="chart-value" x="{number(width + 6)}" y="{y + 41}">{escape(bar.text)}</text></g>'
        )
    return svg(title, description, max(len(bars), 1) * ROW + 4, body)


def stacked_chart(bars: Sequence[StackedBar], *, title: str, description: str = "") -> Markup:
    """One 100% bar per group, split into coloured parts (e.g. the themes of 60代)."""
    room = WIDTH - 70
    body = []
    for index, bar in enumerate(bars):
        y = index * ROW
        body.append(
            f'<text class="chart-label" x="0" y="{y + 18}">{escape(short(bar.label))}</text>'
            f'<text class="chart-value" x="{room + 6}" y="{y + 41}">{escape(bar.text)}</text>'
        )
        x = 0.0
        for part in bar.parts:
            width = room * part.value
            if width <= 0:
                continue
            body.append(
                f'<rect class="series-{part.series % SERIES}" x="{number(x)}" y="{y + 25}" '
                f'width="{number(width)}" height="{BAR}">'
                f"<title>{escape(bar.label)}・{escape(part.label)}: {escape(part.text)}</title></rect>"
            )
            x += width
    return svg(title, description, max(len(bars), 1) * ROW + 4, body)


def diverging_chart(
    bars: Sequence[Bar], *, title: str, left: str, right: str, description: str = ""
) -> Markup:
    """Bars from a middle line: positive values to the right, negative to the left.

    Beside a bar only the signed number fits (「+45.8」); the bar's <title> has its full text.
    """
    middle = WIDTH / 2
    top = max((abs(bar.value) for bar in bars), default=0) or 1
    room = middle - 60
    body = [
        f'<text class="chart-axis" x="0" y="16">← {escape(short(left, 14))}</text>',
        f'<text class="chart-axis" x="{WIDTH}" y="16" text-anchor="end">{escape(short(right, 14))} →</text>',
    ]
    offset = 26
    for index, bar in enumerate(bars):
        y = offset + index * ROW
        width = room * abs(bar.value) / top
        if bar.value >= 0:
            x, text_x, anchor = middle, middle + width + 4, "start"
        else:
            x, text_x, anchor = middle - width, middle - width - 4, "end"
        body.append(
            f"<g><title>{escape(bar.label)}: {escape(bar.text)}</title>"
            f'<text class="chart-label" x="0" y="{y + 18}">{escape(short(bar.label))}</text>'
            f'<rect class="{"bar-a" if bar.value >= 0 else "bar-b"}" x="{number(x)}" y="{y + 25}" '
            f'width="{number(max(width, 1 if bar.value else 0))}" height="{BAR}"/>'
            f'<text class="chart-value" x="{number(text_x)}" y="{y + 41}" text-anchor="{anchor}">'
            f"{signed(bar.value)}</text>"
            f'<line class="chart-axis-line" x1="{middle}" y1="{y + 22}" x2="{middle}" y2="{y + ROW}"/></g>'
        )
    return svg(title, description, offset + max(len(bars), 1) * ROW + 4, body)


def signed(value: float) -> str:
    """「+45.8」「−45.8」「±0」 with a real minus sign, which reads better than a hyphen."""
    text = number(abs(value))
    if text == "0":
        return "±0"
    return ("+" if value > 0 else "−") + text


# ---------------------------------------------------------------- the charts of the theme pages


def percent(part: int, whole: int) -> str:
    return f"{100 * share(part, whole):.1f}%"


def points(difference: float) -> str:
    """A difference of shares in percentage points, with its sign: 「+12.5ポイント」."""
    value = round(100 * difference, 1)
    sign = "+" if value > 0 else "−" if value < 0 else "±"
    return f"{sign}{abs(value):.1f}ポイント"


def size_chart(
    sizes: Sequence[tuple[str, int]], total: int, title: str = "テーマごとの意見の件数"
) -> Markup:
    """Comments per theme: label and count, in the order given."""
    return bar_chart(
        [Bar(label, size, f"{size}件（{percent(size, total)}）") for label, size in sizes],
        title=title,
        description="横棒の長さが件数です。同じ数字を下の表にも載せています。",
    )


def cross_table_chart(
    table: CrossTable, values: Mapping[str, str], names: Mapping[int, str], attribute_name: str
) -> Markup:
    """One 100% bar per attribute value, split by theme (the column shares of the table)."""
    bars = [
        StackedBar(
            label,
            tuple(
                Part(
                    position,
                    names[theme_id],
                    table.column_share(theme_id, value),
                    f"{table.count(theme_id, value)}件（{100 * table.column_share(theme_id, value):.1f}%）",
                )
                for position, theme_id in enumerate(table.theme_ids)
            ),
            f"{table.column_total(value)}件",
        )
        for value, label in values.items()
    ]
    return stacked_chart(
        bars,
        title=f"{attribute_name}ごとのテーマの割合",
        description="横棒1本が1つのグループの意見全体（100%）で、色がテーマです。数字は下の表にあります。",
    )


def comparison_chart(
    result: Comparison, names: Mapping[int, str], a_name: str, b_name: str
) -> Markup:
    return diverging_chart(
        [
            Bar(names[line.theme_id], 100 * line.difference, points(line.difference))
            for line in result.lines
        ],
        title="グループAとBのテーマの割合の差（ポイント）",
        left="Bの方が多い",
        right="Aの方が多い",
        description=f"A: {a_name}、B: {b_name}。右に伸びる棒はAの方が、左に伸びる棒はBの方が多く挙げたテーマです。",
    )
