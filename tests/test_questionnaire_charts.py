"""The questionnaire's charts and their arithmetic: shares, quartiles, label wrapping, and the
table that goes with each chart."""

from __future__ import annotations

import re

import pytest
from flask import Flask, render_template_string

from workshop.results import charts
from workshop.results.tallies import (
    ChoiceTally,
    CrossTab,
    NumberSummary,
    OptionCount,
    format_number,
    summarise,
)

SMARTPHONE = ChoiceTally(
    key="smartphone",
    text="スマートフォンを使っていますか",
    answered=200,
    options=(
        OptionCount("daily", "毎日使っている", 120),
        OptionCount("sometimes", "ときどき使っている", 50),
        OptionCount("never", "使っていない", 30),
    ),
)
TROUBLES = ChoiceTally(
    key="troubles",
    text="行政手続きで困ったことは何ですか（いくつでも）",
    answered=100,
    options=(
        OptionCount("hours", "窓口の開いている時間に行けない", 70),
        OptionCount("forms", "書類の書き方がわからない", 45),
        OptionCount("online", "オンライン申請のやり方がわからない・途中で止まってしまう", 30),
        OptionCount("", "その他", 5),
    ),
    is_multiple=True,
)


def test_shares_are_of_those_who_answered_and_exceed_100_for_multiple_choice() -> None:
    assert [TROUBLES.percent(o) for o in TROUBLES.options] == ["70.0%", "45.0%", "30.0%", "5.0%"]
    assert sum(TROUBLES.share(o) for o in TROUBLES.options) == pytest.approx(1.5)
    assert [SMARTPHONE.percent(o) for o in SMARTPHONE.options] == ["60.0%", "25.0%", "15.0%"]


def test_a_question_nobody_answered_has_shares_of_zero_not_an_error() -> None:
    empty = ChoiceTally("q", "質問", 0, (OptionCount("a", "はい", 0),))
    assert empty.percent(empty.options[0]) == "0.0%"
    assert "0人" in charts.choice_chart(empty)


@pytest.mark.parametrize(
    ("values", "q1", "median", "q3"),
    [
        ([1, 2, 3, 4], 1.75, 2.5, 3.25),
        ([5, 1, 4, 2, 3], 2, 3, 4),
        ([10], 10, 10, 10),
        ([0, 100], 25, 50, 75),
    ],
)
def test_quartiles_interpolate_between_sorted_answers(
    values: list[float], q1: float, median: float, q3: float
) -> None:
    summary = summarise(values)
    assert (summary.q1, summary.median, summary.q3) == (q1, median, q3)
    assert summary.minimum == min(values) and summary.maximum == max(values)


def test_number_summary_rows_read_in_japanese() -> None:
    summary = summarise([3, 1, 2, 10], key="years", text="市内に住んで何年ですか")
    assert summary.rows() == [
        ("回答者数", "4人"),
        ("平均", "4"),
        ("最小", "1"),
        ("第1四分位（25%）", "1.75"),
        ("中央値", "2.5"),
        ("第3四分位（75%）", "4.75"),
        ("最大", "10"),
    ]
    assert format_number(1234.5) == "1,234.5"
    assert format_number(None) == "—"
    assert NumberSummary("k", "質問", 0).rows() == [("回答者数", "0人")]


def test_long_japanese_labels_wrap_on_two_lines_and_are_cut_with_an_ellipsis() -> None:
    assert charts.wrap("使っていない") == ["使っていない"]
    long = "オンライン申請のやり方がわからない・途中で止まってしまう"
    lines = charts.wrap(long)
    assert len(lines) == 2
    assert lines[0].endswith("・")  # broken after the 中黒, not in the middle of a word
    assert "".join(lines) == long
    very_long = "窓口の開いている時間に行けない、" * 4
    lines = charts.wrap(very_long)
    assert len(lines) == 2 and lines[-1].endswith("…")
    assert all(charts.text_width(line) <= charts.LINE_WIDTH for line in lines)
    # half-width letters and digits take about half the room of kanji
    assert charts.wrap("LINE・Web・FAX・メール（2024年度から）") == [
        "LINE・Web・FAX・メール（2024年度から）"
    ]


def svg_numbers(markup: str, attribute: str) -> list[float]:
    return [float(v) for v in re.findall(rf'<rect class="bar"[^>]* {attribute}="([\d.]+)"', markup)]


def test_choice_chart_is_an_image_with_a_title_and_bars_by_count() -> None:
    svg = str(charts.choice_chart(TROUBLES))
    assert 'role="img"' in svg and 'viewBox="0 0 360 ' in svg
    assert "<title" in svg and "行政手続きで困ったこと" in svg
    assert "複数回答のため、割合の合計は100%を超えます" in svg
    widths = svg_numbers(svg, "width")
    assert widths[0] == max(widths) and widths == sorted(widths, reverse=True)
    assert "70人（70.0%）" in svg
    # the cut label keeps its full text in the bar's own title
    assert (
        "<title>オンライン申請のやり方がわからない・途中で止まってしまう: 30人（30.0%）</title>"
        in svg
    )


def test_labels_are_escaped_in_the_chart() -> None:
    tally = ChoiceTally(
        "q", "<b>質問</b>", 1, (OptionCount("x", '<script>alert("x")</script>', 1),)
    )
    svg = str(charts.choice_chart(tally))
    assert "<script>" not in svg and "<b>" not in svg
    assert "&lt;script&gt;" in svg


def test_scale_chart_has_a_column_per_point_and_the_end_labels() -> None:
    scale = ChoiceTally(
        "satisfaction",
        "市のデジタル化に満足していますか",
        100,
        tuple(
            OptionCount(str(p), str(p), c)
            for p, c in zip(range(1, 6), (10, 20, 30, 25, 15), strict=True)
        ),
        mean=3.15,
    )
    svg = str(charts.scale_chart(scale, "不満", "満足"))
    heights = svg_numbers(svg, "height")
    assert len(heights) == 5 and heights[2] == max(heights)
    assert "不満" in svg and "満足" in svg and "平均 3.15" in svg


def test_number_chart_draws_the_box_between_the_quartiles() -> None:
    summary = summarise([0, 25, 50, 75, 100], text="1日にスマホを使う時間（分）")
    svg = str(charts.number_chart(summary))
    box = re.search(r'<rect class="box" x="([\d.]+)"[^>]* width="([\d.]+)"', svg)
    assert box is not None
    x, width = float(box[1]), float(box[2])
    assert x == pytest.approx(16 + 328 * 0.25) and width == pytest.approx(328 * 0.5)
    assert "中央値 50" in svg
    assert "まだ回答がありません" in charts.number_chart(NumberSummary("k", "質問", 0))


CROSS = CrossTab(
    row_key="smartphone",
    row_text="スマホの利用",
    column_key="age",
    column_text="年代",
    rows=(OptionCount("daily", "毎日使っている", 60), OptionCount("never", "使っていない", 40)),
    columns=(OptionCount("young", "30代以下", 50), OptionCount("old", "60代以上", 50)),
    counts={
        ("daily", "young"): 45,
        ("daily", "old"): 15,
        ("never", "young"): 5,
        ("never", "old"): 35,
    },
    total=100,
)


def test_cross_tab_row_and_column_shares() -> None:
    assert CROSS.row_share("never", "old") == pytest.approx(35 / 40)
    assert CROSS.column_share("never", "old") == pytest.approx(35 / 50)
    header, rows = CROSS.csv_rows()
    assert header[:2] == ("スマホの利用（コード）", "スマホの利用")
    assert ("never", "使っていない", "old", "60代以上", 35, 87.5, 70.0) in rows
    svg = str(charts.cross_tab_chart(CROSS))
    assert "使っていない・60代以上: 35人（87.5%）" in svg


def test_a_cross_tab_by_a_multiple_choice_has_no_100_percent_bars() -> None:
    multiple = CrossTab(**{**CROSS.__dict__, "column_is_multiple": True})
    assert charts.cross_tab_chart(multiple) is None


def test_macros_put_the_numbers_in_a_real_table(app: Flask) -> None:
    template = (
        '{% from "results/_questions.html" import choice_result, cross_tab %}'
        "{{ choice_result(tally, chart, 'q-troubles') }}{{ cross_tab(tab, tab_chart, 'x') }}"
    )
    with app.test_request_context():
        page = render_template_string(
            template,
            tally=TROUBLES,
            chart=charts.choice_chart(TROUBLES),
            tab=CROSS,
            tab_chart=charts.cross_tab_chart(CROSS),
        )
    assert (
        '<caption id="q-troubles-caption">行政手続きで困ったことは何ですか（いくつでも）（回答者 100人・複数回答）</caption>'
        in page
    )
    assert '<th scope="row">窓口の開いている時間に行けない</th>' in page
    assert '<td class="number" data-cell="hours:share">70.0%</td>' in page
    assert "割合は回答者数に対する割合、複数回答のため合計は100%を超えます。" in page
    assert re.search(r'data-cell="never:old">35\s*<span class="share">行 87.5%</span>', page)
