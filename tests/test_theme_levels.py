"""Large themes over the themes, summaries, and re-analysis that keeps the earlier themes."""

from __future__ import annotations

import csv
import html
import io
import re

import numpy as np
import pytest
from sqlalchemy import select

from nlp import FittedFeatures
from tests.conftest import post_form
from tests.nlp_texts import four_topics
from workshop.consultations import services as consultations
from workshop.extensions import db
from workshop.models import (
    AgeGroup,
    Analysis,
    AnalysisTheme,
    Channel,
    Comment,
    JobStatus,
    Regrouping,
    Role,
    ThemeAssignment,
)
from workshop.themes import services
from workshop.themes.errors import NothingToExtend
from workshop.timeutil import today_tokyo

AGES = (AgeGroup.AGE_30S, AgeGroup.AGE_60S, AgeGroup.AGE_70S)
DISTRICTS = ("中央地区", "北山地区", "南浜地区")
# a comment that arrives after the first analysis: one more about the community bus
LATE_BUS_COMMENT = (
    "コミュニティバスの運行本数が少なく、通院に使えません。バス停の時刻表も見直してほしい。"
)


def enter(consultation_id: int, body: str, index: int) -> Comment:
    return consultations.enter_comment(
        consultation_id,
        consultations.CommentInput(
            body=body, age_group=AGES[index % 3], district=DISTRICTS[index % 3 - 1]
        ),
        channel=Channel.PAPER,
        received_on=today_tokyo(),
        staff_id=None,
    )


@pytest.fixture
def consultation_with_four_topics(app, make_consultation):
    """100 comments on four topics (25 each), with age groups and districts."""
    consultation = make_consultation()
    texts, _ = four_topics(n_each=25)
    for index, body in enumerate(texts):
        enter(consultation.id, body, index)
    return consultation


def analyse(consultation, **kwargs) -> Analysis:
    job = services.start_analysis(consultation.id, how="inline", **kwargs)
    db.session.refresh(job)
    assert job.status is JobStatus.DONE, job.error
    return db.session.get(Analysis, job.result_id)


def numbers_by_comment(analysis: Analysis) -> dict[int, int]:
    stmt = (
        select(ThemeAssignment.comment_id, AnalysisTheme.number)
        .join(AnalysisTheme, AnalysisTheme.id == ThemeAssignment.theme_id)
        .where(ThemeAssignment.analysis_id == analysis.id)
    )
    return dict(db.session.execute(stmt).all())


@pytest.mark.both_dbs
def test_analysis_stores_large_themes_whose_counts_add_up(consultation_with_four_topics):
    analysis = analyse(consultation_with_four_topics)
    sizes = services.theme_sizes(analysis)
    assert len(analysis.large_themes) >= 2
    for large in analysis.large_themes:
        assert large.children, large.label
        assert large.label
    in_large = sum(sizes.get(t.id, 0) for large in analysis.large_themes for t in large.children)
    other = sum(sizes.get(t.id, 0) for t in analysis.themes if t.is_other)
    assert in_large + other == analysis.n_comments == 100
    for theme in analysis.themes:
        assert (theme.parent is None) == theme.is_other, theme.label


def test_summary_sentences_come_from_the_themes_own_comments(consultation_with_four_topics):
    analysis = analyse(consultation_with_four_topics)
    groups = services.members(analysis.id)
    bodies = dict(db.session.execute(select(Comment.id, Comment.body)).all())
    named = [t for t in analysis.themes if not t.is_other]
    assert named
    for theme in named:
        sentences = theme.summary_sentences
        assert 2 <= len(sentences) <= 3, theme.label
        own = [bodies[i] for i in groups[theme.id]]
        for sentence in sentences:
            assert any(sentence.rstrip("…") in body for body in own), sentence


def themes_url(consultation) -> str:
    return f"/staff/consultations/{consultation.id}/themes"


def text_of(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


@pytest.mark.both_dbs
def test_extend_keeps_earlier_comments_theme_numbers_and_the_planners_name(
    client, login, consultation_with_four_topics
):
    consultation = consultation_with_four_topics
    login(Role.PLANNER)
    first = analyse(consultation)
    before = numbers_by_comment(first)
    renamed = next(t for t in first.themes if not t.is_other)
    post_form(
        client,
        f"{themes_url(consultation)}/analyses/{first.id}/themes/{renamed.id}/rename",
        {"label": "バスと通院の足"},
    )
    late = enter(consultation.id, LATE_BUS_COMMENT, 0)

    page = client.get(f"{themes_url(consultation)}/").get_data(as_text=True)
    # once there is an analysis, placing the new comments is what the form does unless asked
    assert re.search(r'value="extend"[^>]*checked|checked[^>]*value="extend"', page)
    assert "最初から分け直す" in page
    response = post_form(client, f"{themes_url(consultation)}/analyze", {"regrouping": "extend"})
    assert response.status_code == 303

    second = db.session.scalars(select(Analysis).order_by(Analysis.id.desc())).first()
    assert second.id != first.id and second.regrouping is Regrouping.EXTEND
    after = numbers_by_comment(second)
    assert second.n_comments == 101
    assert {i: after[i] for i in before} == before
    assert late.id in after
    kept = next(t for t in second.themes if t.number == renamed.number)
    assert kept.label == "バスと通院の足"
    assert {t.number for t in second.large_themes} == {t.number for t in first.large_themes}
    # every name the analysis gave is kept, a phrase still a phrase (extend() got them)
    assert {t.number: (t.original_label, t.label_is_phrase) for t in second.themes} == {
        t.number: (t.original_label, t.label_is_phrase) for t in first.themes
    }
    assert {t.number: t.label for t in second.large_themes} == {
        t.number: t.label for t in first.large_themes
    }
    page = client.get(f"{themes_url(consultation)}/").get_data(as_text=True)
    assert "バスと通院の足" in page


def test_extend_places_new_comments_in_the_features_the_earlier_analysis_fitted(
    consultation_with_four_topics,
):
    consultation = consultation_with_four_topics
    first = analyse(consultation)
    assert first.features is not None
    earlier = FittedFeatures.from_bytes(first.features)
    late = enter(consultation.id, LATE_BUS_COMMENT, 0)
    second = analyse(consultation, regrouping=Regrouping.EXTEND)
    assert second.features is not None
    extended = FittedFeatures.from_bytes(second.features)
    assert extended.projection is not None
    assert np.array_equal(extended.projection, earlier.projection)
    assert late.id in numbers_by_comment(second)


@pytest.mark.both_dbs
def test_an_analysis_stored_before_features_were_kept_is_still_extended(
    consultation_with_four_topics,
):
    consultation = consultation_with_four_topics
    first = analyse(consultation)
    before = numbers_by_comment(first)
    first.features = None  # as analyses stored before migration 0022
    db.session.commit()
    late = enter(consultation.id, LATE_BUS_COMMENT, 0)
    second = analyse(consultation, regrouping=Regrouping.EXTEND)
    after = numbers_by_comment(second)
    assert {i: after[i] for i in before} == before
    assert late.id in after
    assert second.features is not None  # fitted once; the next extend uses them
    kept = FittedFeatures.from_bytes(second.features).projection
    third = analyse(consultation, regrouping=Regrouping.EXTEND)
    assert np.array_equal(FittedFeatures.from_bytes(third.features).projection, kept)
    # only the newest analysis keeps its features: they are megabytes at city scale
    db.session.expire_all()
    stored = db.session.execute(select(Analysis.id, Analysis.features.is_not(None))).all()
    assert {analysis_id: has for analysis_id, has in stored} == {
        first.id: False,
        second.id: False,
        third.id: True,
    }


def test_extend_with_a_new_theme_count_is_refused(client, login, consultation_with_four_topics):
    consultation = consultation_with_four_topics
    login(Role.PLANNER)
    analyse(consultation)
    page = post_form(
        client,
        f"{themes_url(consultation)}/analyze",
        {"regrouping": "extend", "k": "3"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "「最初から分け直す」を選んでください" in page
    assert len(db.session.scalars(select(Analysis)).all()) == 1


def test_overview_opens_on_large_themes_with_their_themes_counts_and_summaries(
    client, login, consultation_with_four_topics
):
    consultation = consultation_with_four_topics
    analysis = analyse(consultation)
    sizes = services.theme_sizes(analysis)
    login(Role.PLANNER)
    page = client.get(f"{themes_url(consultation)}/").get_data(as_text=True)
    assert page.index("大きなテーマ（") < page.index("テーマごとの代表的な意見")
    for large in analysis.large_themes:
        section = re.search(
            rf'<section class="large-theme" id="large-{large.id}".*?</section>', page, re.S
        ).group(0)
        heading = text_of(re.search(r"<h3.*?</h3>", section, re.S).group(0))
        total = sum(sizes.get(t.id, 0) for t in large.children)
        assert heading.startswith(f"{large.label} {total}件")
        for theme in large.children:
            item = text_of(
                re.search(
                    rf"<li class=\"theme-item\">(?:(?!</li>).)*?>{re.escape(theme.label)}</a>.*?</li>",
                    section,
                    re.S,
                ).group(0)
            )
            assert f"{sizes[theme.id]}件" in item
            assert theme.keywords[0][0] in item
            assert theme.summary_sentences[0] in item
        link = f"/analyses/{analysis.id}/themes/{large.children[0].id}"
        assert link in section
    theme = analysis.large_themes[0].children[0]
    theme_page = client.get(
        f"{themes_url(consultation)}/analyses/{analysis.id}/themes/{theme.id}"
    ).get_data(as_text=True)
    assert "意見の要約" in theme_page
    for sentence in theme.summary_sentences:
        assert html.escape(sentence, quote=False) in theme_page
    assert theme.parent.label in theme_page


def cell(page: str, key: str) -> int:
    match = re.search(rf'data-cell="{re.escape(key)}">\s*(\d+)', page)
    assert match, key
    return int(match.group(1))


def test_breakdown_at_either_level_adds_up(client, login, consultation_with_four_topics):
    consultation = consultation_with_four_topics
    analysis = analyse(consultation)
    login(Role.PLANNER)
    url = f"{themes_url(consultation)}/analyses/{analysis.id}/breakdown"
    small = client.get(url, query_string={"attribute": "district"}).get_data(as_text=True)
    large = client.get(url, query_string={"attribute": "district", "level": "large"})
    assert large.status_code == 200
    large_page = large.get_data(as_text=True)
    assert "大きなテーマ × 地区" in large_page
    # the switch is a plain link back to the themes, keeping the attribute
    links = re.findall(r'href="([^"]*/breakdown\?[^"]*)"', html.unescape(large_page))
    assert any("level=small" in link and "attribute=district" in link for link in links)
    for large_theme in analysis.large_themes:
        assert large_theme.label in large_page
        for district in ("d1", "d2", "d3"):  # the districts' options, in the city's order
            children = sum(cell(small, f"{t.id}:{district}") for t in large_theme.children)
            assert cell(large_page, f"{large_theme.id}:{district}") == children
    assert cell(large_page, "total:total") == cell(small, "total:total") == 100

    response = client.get(f"{url}.csv", query_string={"attribute": "district", "level": "large"})
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][0] == "大きなテーマ" and rows[0][1] == "地区"
    assert {r[0] for r in rows[1:]} >= {t.label for t in analysis.large_themes}


def test_compare_at_the_large_level(client, login, consultation_with_four_topics):
    consultation = consultation_with_four_topics
    analysis = analyse(consultation)
    login(Role.PLANNER)
    url = f"{themes_url(consultation)}/analyses/{analysis.id}/compare"
    only_level = client.get(url, query_string={"level": "large"})
    assert only_level.status_code == 200
    assert "条件を1つ以上" not in only_level.get_data(as_text=True)
    query = {"a": ["age_group:60s", "age_group:70s"], "level": "large"}
    page = client.get(url, query_string=query).get_data(as_text=True)
    small = client.get(url, query_string={"a": query["a"]}).get_data(as_text=True)

    def counts(page: str) -> dict[str, tuple[int, int]]:
        found = {}
        for row in re.findall(r'<tr data-theme="\d+">(.*?)</tr>', page, re.S):
            cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
            found[text_of(cells[0])] = (int(text_of(cells[1])), int(text_of(cells[3])))
        return found

    large_counts, small_counts = counts(page), counts(small)
    assert "大きなテーマごとの件数と割合" in page
    for large in analysis.large_themes:
        a = sum(small_counts[t.label][0] for t in large.children)
        b = sum(small_counts[t.label][1] for t in large.children)
        assert large_counts[large.label] == (a, b)


def test_export_names_each_comments_large_theme(app, consultation_with_four_topics, tmp_path):
    analysis = analyse(consultation_with_four_topics)
    out = tmp_path / "themes.csv"
    result = app.test_cli_runner().invoke(
        args=["themes", "export", consultation_with_four_topics.slug, "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(out.read_text("utf-8-sig"))))
    themes = {t.id: t for t in analysis.themes}
    assert len(rows) == 100
    for row in rows:
        theme = themes[int(row["theme_id"])]
        if theme.parent is None:
            assert row["parent_id"] == row["parent_label"] == ""
        else:
            assert int(row["parent_id"]) == theme.parent.number >= 1001
            assert row["parent_label"] == theme.parent.label


def test_fresh_analysis_is_still_what_the_planner_gets_without_asking(
    consultation_with_four_topics,
):
    analyse(consultation_with_four_topics)
    second = analyse(consultation_with_four_topics)
    assert second.regrouping is Regrouping.FRESH


def test_extend_needs_an_earlier_analysis(consultation_with_four_topics):
    with pytest.raises(NothingToExtend):
        services.start_analysis(
            consultation_with_four_topics.id, regrouping=Regrouping.EXTEND, how="inline"
        )
