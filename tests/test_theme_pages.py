"""Planners' theme pages: overview, one theme, breakdown, comparison, corrections, access."""

from __future__ import annotations

import csv
import io
import re

import pytest
from sqlalchemy import select

from tests.conftest import PASSWORD, post_form
from tests.test_themes import DISASTER, SMARTPHONE
from workshop.consultations import services as consultations
from workshop.extensions import db
from workshop.models import (
    AgeGroup,
    Analysis,
    Channel,
    Comment,
    CommentMask,
    CommentTokens,
    Correction,
    Job,
    JobStatus,
    Relation,
    Role,
    ThemeAssignment,
)
from workshop.themes import services, stats
from workshop.timeutil import today_tokyo

A = AgeGroup
# Hand-checked attributes: the smartphone comments come mostly from older residents at
# workshops, the disaster comments from people in their 20s-40s on the web.
PHONE_ATTRS = [
    (A.AGE_60S, "中央地区", Relation.RESIDENT, Channel.WORKSHOP),
    (A.AGE_60S, "中央地区", Relation.RESIDENT, Channel.WORKSHOP),
    (A.AGE_70S, "中央地区", Relation.RESIDENT, Channel.WORKSHOP),
    (A.AGE_70S, "中央地区", Relation.RESIDENT, Channel.WORKSHOP),
    (A.AGE_80_PLUS, "中央地区", Relation.RESIDENT, Channel.WORKSHOP),
    (A.AGE_30S, "北山地区", Relation.RESIDENT, Channel.WORKSHOP),
    (A.AGE_30S, "北山地区", Relation.RESIDENT, Channel.WEB),
    (A.AGE_40S, "北山地区", Relation.RESIDENT, Channel.WEB),
]
DISASTER_ATTRS = [
    (A.AGE_30S, "南浜地区", Relation.RESIDENT, Channel.WEB),
    (A.AGE_30S, "南浜地区", Relation.RESIDENT, Channel.WEB),
    (A.AGE_30S, "南浜地区", Relation.WORKER, Channel.WEB),
    (A.AGE_40S, "南浜地区", Relation.WORKER, Channel.WEB),
    (A.AGE_20S, "南浜地区", Relation.STUDENT, Channel.WEB),
    (A.AGE_60S, "南浜地区", Relation.RESIDENT, Channel.WEB),
    (None, "中央地区", Relation.RESIDENT, Channel.PAPER),
    (None, None, None, Channel.PAPER),
]
PHONE_NUMBER = "090-1234-5678"


@pytest.fixture
def analysed(app, make_consultation):
    """16 comments with known attributes, analysed inline into 2 themes (about 2 seconds)."""
    consultation = make_consultation()
    bodies = list(SMARTPHONE)
    bodies[0] += f"連絡は山田花子さん（{PHONE_NUMBER}）まで。"
    ids = []
    for body, (age, district, relation, channel) in zip(
        bodies + DISASTER, PHONE_ATTRS + DISASTER_ATTRS, strict=True
    ):
        comment = consultations.enter_comment(
            consultation.id,
            consultations.CommentInput(
                body=body, age_group=age, district=district, relation=relation
            ),
            channel=channel,
            received_on=today_tokyo(),
            staff_id=None,
        )
        ids.append(comment.id)
    job = services.start_analysis(consultation.id, how="inline", k=2)
    db.session.refresh(job)
    assert job.status is JobStatus.DONE, job.error
    analysis = db.session.get(Analysis, job.result_id)
    phone = theme_of(analysis, ids[0])
    disaster = theme_of(analysis, ids[8])
    # the numbers below hold only if the analysis splits the two topics cleanly
    assert {theme_of(analysis, i) for i in ids[:8]} == {phone}
    assert {theme_of(analysis, i) for i in ids[8:]} == {disaster}
    return consultation, analysis, phone, disaster, ids


def about_rows(consultation, analysis):
    """The snapshot's rows with the answers about the respondent (年代, 地区, 関係)."""
    attributes = stats.Attributes.of(consultation)
    return stats.fetch_rows(analysis.id, attributes.questions(stats.PROFILE_ATTRIBUTES))


def theme_of(analysis, comment_id):
    return db.session.get(ThemeAssignment, (analysis.id, comment_id)).theme_id


def base(consultation):
    return f"/staff/consultations/{consultation.id}/themes"


def analysis_url(consultation, analysis):
    return f"{base(consultation)}/analyses/{analysis.id}"


def cell(page: str, key: str) -> str:
    """The count and shares shown in one cell of the cross table, spaces squeezed."""
    match = re.search(rf'data-cell="{re.escape(key)}">(.*?)</td>', page, re.S)
    assert match, key
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(1)).split())


# ---------------------------------------------------------------- pure numbers


def row(theme, age="", district="", relation="", channel="web", count=1):
    """Comments with these answers about the respondent (none: not answered)."""
    given = {"age_group": age, "district": district, "relation": relation}
    answers = {name: frozenset({value}) for name, value in given.items() if value}
    return stats.CommentRow(theme, channel, count, answers=answers)


def test_cross_table_counts_and_shares_by_hand():
    rows = [row(1, "60s"), row(1, "60s"), row(1, "30s"), row(2, "30s"), row(2, "30s"), row(2)]
    table = stats.cross_table(rows, "age_group", [1, 2], ["30s", "60s", ""])
    assert table.count(1, "60s") == 2 and table.count(2, "60s") == 0
    assert table.row_total(1) == 3 and table.column_total("30s") == 3 and table.total == 6
    assert table.row_share(1, "30s") == pytest.approx(1 / 3)
    assert table.column_share(1, "30s") == pytest.approx(1 / 3)
    assert table.column_share(2, "") == 1.0
    assert table.theme_share(2) == 0.5


def test_compare_ranks_themes_by_difference_in_share():
    rows = [row(1, "60s"), row(1, "70s"), row(2, "70s"), row(1, "30s"), row(2, "30s"), row(3)]
    older = stats.Segment.parse(["age_group:60s", "age_group:70s"])
    result = stats.compare(rows, [1, 2, 3], older, None)
    assert (result.n_a, result.n_b) == (3, 3)
    first, second, third = result.lines
    assert first.theme_id == 1 and first.difference == pytest.approx(2 / 3 - 1 / 3)
    assert (second.theme_id, second.difference) == (2, 0)
    assert third.theme_id == 3 and third.difference == pytest.approx(-1 / 3)


def test_a_row_stands_for_as_many_comments_as_it_counts():
    # fetch_rows gives one row per theme and combination of attributes, with its count
    counted = [row(1, "60s", count=2), row(1, "30s"), row(2, "30s")]
    table = stats.cross_table(counted, "age_group", [1, 2], ["30s", "60s"])
    assert (table.count(1, "60s"), table.row_total(1), table.total) == (2, 3, 4)
    older = stats.Segment.parse(["age_group:60s"])
    result = stats.compare(counted, [1, 2], older, None)
    assert (result.n_a, result.n_b) == (2, 2)
    assert result.lines[0].theme_id == 1 and result.lines[0].share_a == 1.0


def test_segment_is_or_within_an_attribute_and_across_attributes():
    segment = stats.Segment.parse(["age_group:60s", "age_group:70s", "district:中央地区"])
    assert segment.matches(row(1, "70s", "中央地区"))
    assert not segment.matches(row(1, "70s", "北山地区"))
    assert not segment.matches(row(1, "30s", "中央地区"))


# ---------------------------------------------------------------- hand-checked example


@pytest.mark.both_dbs
def test_cross_table_by_age_group(client, login, analysed):
    consultation, analysis, phone, disaster, _ = analysed
    rows = about_rows(consultation, analysis)
    values = list(stats.present_values(rows, "age_group"))
    assert values == ["20s", "30s", "40s", "60s", "70s", "80_plus", ""]
    table = stats.cross_table(rows, "age_group", [phone, disaster], values)
    assert [table.count(phone, v) for v in values] == [0, 2, 1, 2, 2, 1, 0]
    assert [table.count(disaster, v) for v in values] == [1, 3, 1, 1, 0, 0, 2]

    login(Role.PLANNER)
    page = client.get(f"{analysis_url(consultation, analysis)}/breakdown").get_data(as_text=True)
    assert "テーマ × 年代" in page and "回答なし" in page
    assert cell(page, f"{phone}:30s") == "2 列 40.0% 行 25.0%"
    assert cell(page, f"{phone}:60s") == "2 列 66.7% 行 25.0%"
    assert cell(page, f"{disaster}:") == "2 列 100.0% 行 25.0%"
    assert cell(page, f"{disaster}:total") == "8 50.0%"
    assert cell(page, "total:30s") == "5"
    assert cell(page, "total:total") == "16"
    assert '<svg class="chart"' in page and 'role="img"' in page
    assert '<caption id="cross-caption">' in page and 'scope="row"' in page


def test_cross_table_by_district_relation_and_channel(client, login, analysed):
    consultation, analysis, phone, disaster, _ = analysed
    login(Role.PLANNER)
    url = f"{analysis_url(consultation, analysis)}/breakdown"
    page = client.get(url, query_string={"attribute": "district"}).get_data(as_text=True)
    # districts by their option's code: 中央地区 d1, 北山地区 d2, 南浜地区 d3, in the city's order
    assert cell(page, f"{phone}:d1") == "5 列 83.3% 行 62.5%"
    assert cell(page, f"{disaster}:d3") == "6 列 100.0% 行 75.0%"
    assert "南浜地区" in page
    page = client.get(url, query_string={"attribute": "relation"}).get_data(as_text=True)
    assert cell(page, f"{disaster}:worker") == "2 列 100.0% 行 25.0%"
    assert cell(page, "total:resident") == "12"
    page = client.get(url, query_string={"attribute": "channel"}).get_data(as_text=True)
    assert cell(page, f"{phone}:workshop") == "6 列 100.0% 行 75.0%"
    assert cell(page, f"{phone}:web") == "2 列 25.0% 行 25.0%"
    bad = client.get(url, query_string={"attribute": "password"})
    assert bad.status_code == 422 and "一覧から選んでください" in bad.get_data(as_text=True)


def test_cross_table_csv(client, login, analysed):
    consultation, analysis, phone, _, _ = analysed
    login(Role.PLANNER)
    response = client.get(
        f"{analysis_url(consultation, analysis)}/breakdown.csv",
        query_string={"attribute": "age_group"},
    )
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    # each theme's large theme comes first
    assert rows[0] == [
        "大きなテーマ",
        "テーマ",
        "年代",
        "件数",
        "テーマの中の割合(%)",
        "年代の中の割合(%)",
    ]
    label = db.session.get(Analysis, analysis.id).themes[0].label
    by_key = {(r[1], r[2]): r[3:] for r in rows[1:]}
    phone_label = next(t.label for t in analysis.themes if t.id == phone)
    assert by_key[(phone_label, "60代")] == ["2", "25.0", "66.7"]
    assert len(rows) == 1 + 2 * 7 and label


def test_compare_older_with_younger(client, login, analysed):
    consultation, analysis, phone, disaster, _ = analysed
    rows = about_rows(consultation, analysis)
    older = stats.Segment.parse(["age_group:60s", "age_group:70s", "age_group:80_plus"])
    younger = stats.Segment.parse(["age_group:20s", "age_group:30s", "age_group:40s"])
    result = stats.compare(rows, [phone, disaster], older, younger)
    assert (result.n_a, result.n_b) == (6, 8)
    top, bottom = result.lines
    assert (top.theme_id, top.count_a, top.count_b) == (phone, 5, 3)
    assert top.difference == pytest.approx(5 / 6 - 3 / 8)
    assert (bottom.theme_id, bottom.count_a, bottom.count_b) == (disaster, 1, 5)

    login(Role.PLANNER)
    page = client.get(
        f"{analysis_url(consultation, analysis)}/compare",
        query_string=[
            ("a", "age_group:60s"),
            ("a", "age_group:70s"),
            ("a", "age_group:80_plus"),
            ("b", "age_group:20s"),
            ("b", "age_group:30s"),
            ("b", "age_group:40s"),
        ],
    ).get_data(as_text=True)
    assert "年代: 60代・70代・80代以上（6件）" in page
    assert "年代: 20代・30代・40代（8件）" in page
    assert "+45.8ポイント" in page and "−45.8ポイント" in page
    assert "83.3%" in page and "37.5%" in page
    assert page.index(f'data-theme="{phone}"') < page.index(f'data-theme="{disaster}"')


def test_compare_with_everyone_else(client, login, analysed):
    consultation, analysis, phone, disaster, _ = analysed
    login(Role.PLANNER)
    url = f"{analysis_url(consultation, analysis)}/compare"
    page = client.get(url, query_string={"a": "district:d3"}).get_data(as_text=True)  # 南浜地区
    assert "A以外のすべての人（10件）" in page
    # 南浜: 0 of 6 about phones; everyone else: 8 of 10
    assert "−80.0ポイント" in page and "+80.0ポイント" in page
    assert page.index(f'data-theme="{disaster}"') < page.index(f'data-theme="{phone}"')
    page = client.get(url, query_string=[("a", "channel:workshop"), ("b", "channel:web")])
    assert "+75.0ポイント" in page.get_data(as_text=True)


def test_compare_refuses_bad_segments(client, login, analysed):
    consultation, analysis, _, _, _ = analysed
    login(Role.PLANNER)
    url = f"{analysis_url(consultation, analysis)}/compare"
    first = client.get(url)
    assert first.status_code == 200 and "60代以上と59歳以下" in first.get_data(as_text=True)
    empty = client.get(url, query_string={"b": "channel:web"})
    assert empty.status_code == 422
    assert "グループAの条件を1つ以上選んでください" in empty.get_data(as_text=True)
    same = client.get(url, query_string={"a": "channel:web", "b": "channel:web"})
    assert same.status_code == 422 and "同じ条件" in same.get_data(as_text=True)
    forged = client.get(url, query_string={"a": "age_group:<script>"})
    assert forged.status_code == 422 and "<script>" not in forged.get_data(as_text=True)


# ---------------------------------------------------------------- overview and one theme


@pytest.mark.both_dbs  # the token counts are joined by the database (aggregate_strings)
def test_overview_shows_chart_keywords_and_masked_representatives(client, login, analysed):
    consultation, analysis, phone, _, ids = analysed
    theme = next(t for t in analysis.themes if t.id == phone)
    theme.representative_ids = [ids[0], *theme.representative_ids]
    db.session.commit()
    login(Role.PLANNER)
    page = client.get(f"{base(consultation)}/").get_data(as_text=True)
    assert "テーマの一覧" in page and '<svg class="chart"' in page
    assert "大きなテーマ（" in page and "8件（50.0%）" in page
    assert "代表的な意見" in page and "ワードクラウドのワードクラウド" not in page
    assert PHONE_NUMBER not in page and "山田花子" not in page
    assert "〔電話番号〕" in page
    assert re.search(r'alt="意見全体のワードクラウド。よく出る言葉: [^"]*スマホ', page)
    assert "style=" not in page and "onclick" not in page and "<script>" not in page


@pytest.mark.both_dbs
def test_theme_page_lists_all_comments_with_search_and_highlighting(client, login, analysed):
    consultation, analysis, phone, disaster, _ = analysed
    login(Role.PLANNER)
    url = f"{analysis_url(consultation, analysis)}/themes/{disaster}"
    page = client.get(url).get_data(as_text=True)
    assert page.count('class="comment-item') == 8
    assert "<mark>防災</mark>" in page or "<mark>避難所</mark>" in page
    found = client.get(url, query_string={"q": "多言語"}).get_data(as_text=True)
    assert found.count('class="comment-item') == 1
    assert "<mark>多言語</mark>" in found and "「多言語」を含む意見: 1件" in found
    none = client.get(url, query_string={"q": "100%_"}).get_data(as_text=True)
    assert "「100%_」を含む意見はこのテーマにありません" in none
    phone_page = client.get(f"{analysis_url(consultation, analysis)}/themes/{phone}")
    text = phone_page.get_data(as_text=True)
    assert "〔電話番号〕" in text and PHONE_NUMBER not in text
    assert client.get(f"{analysis_url(consultation, analysis)}/themes/999999").status_code == 404


def test_word_clouds_are_png_and_cached(app, client, login, analysed):
    consultation, analysis, phone, _, _ = analysed
    login(Role.PLANNER)
    whole = client.get(f"{analysis_url(consultation, analysis)}/wordcloud.png")
    assert whole.status_code == 200 and whole.mimetype == "image/png"
    assert whole.data.startswith(b"\x89PNG")
    one = client.get(f"{analysis_url(consultation, analysis)}/themes/{phone}/wordcloud.png")
    assert one.status_code == 200 and one.data != whole.data
    from pathlib import Path

    cached = list((Path(app.instance_path) / "wordclouds").glob(f"{analysis.id}-*.png"))
    assert len(cached) == 2


def test_the_analysis_job_draws_every_word_cloud_ahead(app, client, login, make_consultation):
    from pathlib import Path

    app.config["WORDCLOUDS_AHEAD"] = True
    consultation = make_consultation()
    for body in SMARTPHONE + DISASTER:
        consultations.enter_comment(
            consultation.id,
            consultations.CommentInput(body=body),
            channel=Channel.PAPER,
            received_on=today_tokyo(),
            staff_id=None,
        )
    job = services.start_analysis(consultation.id, how="inline", k=2)
    db.session.refresh(job)
    assert job.status is JobStatus.DONE, job.error
    analysis = db.session.get(Analysis, job.result_id)
    folder = Path(app.instance_path) / "wordclouds"
    drawn = {path.name: path.read_bytes() for path in folder.glob(f"{analysis.id}-*.png")}
    themes = [theme for theme in analysis.themes if services.members(analysis.id).get(theme.id)]
    assert len(drawn) == 1 + len(themes)  # the whole analysis and each theme with comments
    login(Role.PLANNER)
    for theme in themes:  # the page is served the image drawn by the job
        png = client.get(f"{analysis_url(consultation, analysis)}/themes/{theme.id}/wordcloud.png")
        assert png.data in drawn.values()
    whole = client.get(f"{analysis_url(consultation, analysis)}/wordcloud.png")
    assert whole.data in drawn.values()
    assert len(list(folder.glob(f"{analysis.id}-*.png"))) == len(drawn)  # nothing drawn again


def test_without_tokens_the_page_says_no_image_yet(client, login, analysed):
    consultation, analysis, phone, _, _ = analysed
    db.session.execute(CommentTokens.__table__.delete())
    db.session.commit()
    login(Role.PLANNER)
    page = client.get(f"{base(consultation)}/").get_data(as_text=True)
    assert "まだ画像を作れません" in page and "wordcloud.png" not in page
    theme_page = client.get(f"{analysis_url(consultation, analysis)}/themes/{phone}")
    assert "まだ画像を作れません" in theme_page.get_data(as_text=True)
    png = client.get(f"{analysis_url(consultation, analysis)}/themes/{phone}/wordcloud.png")
    assert png.status_code == 404


def test_duplicate_groups_are_shown_with_their_count(client, login, analysed):
    consultation, analysis, _, _, ids = analysed
    analysis.duplicate_groups = [[ids[0], ids[1], ids[2]]]
    db.session.commit()
    login(Role.PLANNER)
    page = client.get(f"{analysis_url(consultation, analysis)}/duplicates").get_data(as_text=True)
    assert "同一意見のグループ（1グループ" in page and "3件" in page
    assert "〔電話番号〕" in page and PHONE_NUMBER not in page
    theme_page = client.get(
        f"{analysis_url(consultation, analysis)}/themes/{theme_of(analysis, ids[0])}"
    )
    assert theme_page.get_data(as_text=True).count("同一意見（3件のグループ）") == 3


def test_duplicate_groups_are_paged_and_long_groups_folded(client, login, analysed):
    consultation, analysis, _, _, ids = analysed
    # 51 groups: the largest (all 16 comments) first, then 50 pairs of two
    analysis.duplicate_groups = [list(ids[:2])] * 50 + [list(ids)]
    db.session.commit()
    login(Role.PLANNER)
    url = f"{analysis_url(consultation, analysis)}/duplicates"
    first = client.get(url).get_data(as_text=True)
    assert "同一意見のグループ（51グループ、件数の多い順・1／2ページ）" in first
    assert first.count('<td class="number">') == 50
    assert first.index("16件") < first.index("2件")
    # the 16 receipt numbers of the largest group are folded after the first five
    receipts = [db.session.get(Comment, i).receipt_no for i in ids]
    assert all(number in first for number in receipts[:5])
    assert receipts[5] not in first and "ほか11件" in first
    assert "次のページ" in first
    second = client.get(url, query_string={"page": 2}).get_data(as_text=True)
    assert second.count('<td class="number">') == 1 and "前のページ" in second


# ---------------------------------------------------------------- masked once


def test_analysis_stores_every_comment_masked(analysed):
    _, _, _, _, ids = analysed
    stored = {row.comment_id: row.text for row in db.session.scalars(select(CommentMask))}
    assert set(stored) == set(ids)
    assert "〔氏名〕さん（〔電話番号〕）" in stored[ids[0]]
    assert stored[ids[8]] == db.session.get(Comment, ids[8]).body


def test_pages_show_the_stored_masked_text(client, login, analysed):
    consultation, analysis, phone, _, ids = analysed
    # a stored text under the current masking version is what the page shows
    row = db.session.get(CommentMask, ids[1])
    row.text = "保存してある伏せ字の文面です。"
    db.session.commit()
    login(Role.PLANNER)
    url = f"{analysis_url(consultation, analysis)}/themes/{phone}"
    assert "保存してある伏せ字の文面です。" in client.get(url).get_data(as_text=True)


def test_masked_text_is_made_again_for_new_rules_or_a_new_comment(client, login, analysed):
    consultation, analysis, phone, _, ids = analysed
    # stored under an earlier masking version: the phone number was not masked then
    row = db.session.get(CommentMask, ids[0])
    row.cache_key, row.text = "0" * 64, db.session.get(Comment, ids[0]).body
    db.session.delete(db.session.get(CommentMask, ids[2]))  # not masked yet
    db.session.commit()
    login(Role.PLANNER)
    page = client.get(f"{analysis_url(consultation, analysis)}/themes/{phone}")
    text = page.get_data(as_text=True)
    assert PHONE_NUMBER not in text and "〔電話番号〕" in text
    db.session.expire_all()
    assert "〔電話番号〕" in db.session.get(CommentMask, ids[0]).text
    assert db.session.get(CommentMask, ids[2]) is not None


# ---------------------------------------------------------------- corrections


def test_rename_theme_and_show_the_label_escaped(client, login, analysed):
    consultation, analysis, phone, _, _ = analysed
    login(Role.PLANNER)
    url = f"{analysis_url(consultation, analysis)}/themes/{phone}"
    response = post_form(
        client, f"{url}/rename", {"label": "<script>alert(1)</script>高齢者のスマホ"}
    )
    assert response.status_code == 303
    page = client.get(url).get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;高齢者のスマホ" in page
    assert "<script>alert(1)" not in page
    overview = client.get(f"{base(consultation)}/").get_data(as_text=True)
    assert "<script>alert(1)" not in overview
    assert db.session.scalar(select(Correction.kind)) == "rename"


@pytest.mark.parametrize(
    ("label", "message"),
    [
        ("", "テーマの名前を入力してください"),
        ("　 ", "テーマの名前を入力してください"),
        ("長" * 201, "200文字以内"),
    ],
)
def test_rename_refuses_bad_labels(client, login, analysed, label, message):
    consultation, analysis, phone, _, _ = analysed
    login(Role.PLANNER)
    url = f"{analysis_url(consultation, analysis)}/themes/{phone}"
    response = post_form(client, f"{url}/rename", {"label": label})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and message in page
    assert 'aria-describedby="label-hint label-error"' in page
    assert db.session.scalar(select(Correction.id)) is None


def test_corrections_without_csrf_token_are_refused(client, login, analysed):
    consultation, analysis, phone, disaster, ids = analysed
    login(Role.PLANNER)
    url = analysis_url(consultation, analysis)
    posts = [
        (f"{url}/themes/{phone}/rename", {"label": "新しい名前"}),
        (f"{url}/themes/{phone}/city-theme", {"is_city_theme": "y"}),
        (f"{url}/merge", {"source": phone, "target": disaster}),
        (f"{url}/comments/{ids[0]}/move", {"target": disaster}),
    ]
    for path, data in posts:
        response = client.post(path, data=data)
        assert response.status_code == 400, path
        assert "送信の有効期限が切れたか" in response.get_data(as_text=True)
    assert db.session.scalar(select(Correction.id)) is None
    assert theme_of(analysis, ids[0]) == phone


def test_merge_two_themes(client, login, analysed):
    consultation, analysis, phone, disaster, _ = analysed
    login(Role.PLANNER)
    response = post_form(
        client,
        f"{analysis_url(consultation, analysis)}/merge",
        {"source": phone, "target": disaster},
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "統合しました" in page and page.count('class="comment-item') == 16
    assert set(services.members(analysis.id)) == {disaster}


def test_merge_refuses_the_same_theme_and_strangers(client, login, analysed, make_consultation):
    consultation, analysis, phone, _, _ = analysed
    login(Role.PLANNER)
    url = f"{analysis_url(consultation, analysis)}/merge"
    same = post_form(client, url, {"source": phone, "target": phone})
    assert same.status_code == 422
    assert "同じテーマどうしは統合できません" in same.get_data(as_text=True)
    missing = post_form(client, url, {"source": phone})
    assert missing.status_code == 422 and "統合先のテーマを選んでください" in missing.get_data(
        as_text=True
    )
    stranger = post_form(client, url, {"source": phone, "target": 999999})
    assert stranger.status_code == 422 and "一覧からテーマを選んでください" in stranger.get_data(
        as_text=True
    )
    words = post_form(client, url, {"source": phone, "target": "abc"})
    assert words.status_code == 422 and "一覧からテーマを選んでください" in words.get_data(
        as_text=True
    )
    other = make_consultation()
    assert (
        post_form(
            client,
            f"{base(other)}/analyses/{analysis.id}/merge",
            {"source": phone, "target": phone},
        ).status_code
        == 404
    )
    assert db.session.scalar(select(Correction.id)) is None


def test_move_a_comment_to_another_theme(client, login, analysed):
    consultation, analysis, phone, disaster, ids = analysed
    login(Role.PLANNER)
    response = post_form(
        client,
        f"{analysis_url(consultation, analysis)}/comments/{ids[1]}/move",
        {"target": disaster, "from_theme": phone},
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "に移しました" in page and page.count('class="comment-item') == 7
    assert theme_of(analysis, ids[1]) == disaster
    moved = client.get(f"{analysis_url(consultation, analysis)}/themes/{disaster}")
    assert "担当者が移動" in moved.get_data(as_text=True)


def test_move_refuses_a_theme_of_another_analysis(client, login, analysed):
    consultation, analysis, phone, disaster, ids = analysed
    job = services.start_analysis(consultation.id, how="inline", k=2)
    db.session.refresh(job)
    newer = db.session.get(Analysis, job.result_id)
    login(Role.PLANNER)
    url = f"{analysis_url(consultation, analysis)}/comments/{ids[1]}/move"
    response = post_form(client, url, {"target": newer.themes[0].id, "from_theme": phone})
    assert response.status_code == 422
    assert "一覧からテーマを選んでください" in response.get_data(as_text=True)
    assert theme_of(analysis, ids[1]) == phone
    stranger = post_form(
        client, f"{analysis_url(consultation, analysis)}/comments/999999/move", {"target": disaster}
    )
    assert stranger.status_code == 404
    assert "この意見はこの分析に含まれていません" in stranger.get_data(as_text=True)


def test_mark_city_theme_survives_reanalysis(client, login, analysed):
    consultation, analysis, phone, _, ids = analysed
    login(Role.PLANNER)
    url = f"{analysis_url(consultation, analysis)}/themes/{phone}/city-theme"
    response = post_form(client, url, {"is_city_theme": "y"}, follow_redirects=True)
    assert "市のテーマにしました" in response.get_data(as_text=True)
    post_form(
        client,
        f"{analysis_url(consultation, analysis)}/themes/{phone}/rename",
        {"label": "デジタルデバイド対策"},
    )
    job = services.start_analysis(consultation.id, how="inline", k=2)
    db.session.refresh(job)
    newer = db.session.get(Analysis, job.result_id)
    page = client.get(f"{base(consultation)}/").get_data(as_text=True)
    theme = next(t for t in newer.themes if t.id == theme_of(newer, ids[0]))
    assert theme.is_city_theme and theme.label == "デジタルデバイド対策"
    assert "デジタルデバイド対策" in page and "市のテーマ" in page
    off = post_form(client, url, {}, follow_redirects=True)
    assert "市のテーマの印を外しました" in off.get_data(as_text=True)


# ---------------------------------------------------------------- who may open the pages


def test_every_theme_page_is_for_planners_only(app, analysed, make_user):
    consultation, analysis, phone, _, ids = analysed
    job_id = db.session.scalar(select(Job.id))
    values = {
        "consultation_id": consultation.id,
        "analysis_id": analysis.id,
        "theme_id": phone,
        "comment_id": ids[0],
        "job_id": job_id,
    }
    rules = [rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith("themes_staff.")]
    assert len(rules) >= 15
    users = {role: make_user(role) for role in (Role.FACILITATOR, Role.PLANNER, Role.ADMIN)}
    clients = {None: app.test_client()}
    for role, user in users.items():
        clients[role] = app.test_client()
        response = post_form(
            clients[role], "/staff/login", {"email": user.email, "password": PASSWORD}
        )
        assert response.status_code == 302
    for rule in rules:
        built = rule.build(values)
        assert built, rule
        path = built[1]
        method = "POST" if "POST" in rule.methods else "GET"
        for role, client in clients.items():
            if method == "POST":
                # a bad theme count and no form values: nothing is started or changed
                response = post_form(client, path, {"k": "0"})
            else:
                response = client.get(path)
            if role is None:
                assert response.status_code == 302, (rule.endpoint, role)
                assert "/staff/login" in response.headers["Location"]
            elif role is Role.FACILITATOR:
                assert response.status_code == 403, (rule.endpoint, role)
            else:
                assert response.status_code != 403, (rule.endpoint, role, response.status_code)
                assert response.status_code < 500, (rule.endpoint, role)
    # an empty city-theme form is a valid "not a city theme"; nothing else was changed
    assert set(db.session.scalars(select(Correction.kind))) <= {"city_theme"}


def test_a_bar_chart_leaves_room_for_its_longest_value():
    """The value after the longest bar (174件（36.4%）) stays inside the chart's width."""
    from workshop.themes import charts

    bars = [charts.Bar("個人情報", 174, "174件（36.4%）"), charts.Bar("交通", 99, "99件（20.7%）")]
    svg = str(charts.bar_chart(bars, title="テーマごとの件数"))
    x = float(re.search(r'class="chart-value" x="([\d.]+)"', svg).group(1))
    assert x + charts.text_width("174件（36.4%）") <= charts.WIDTH
