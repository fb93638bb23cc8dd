"""Large themes over the themes, summaries, and re-analysis that keeps the earlier themes."""

from __future__ import annotations

import pytest
from sqlalchemy import select

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


@pytest.mark.both_dbs
def test_extend_keeps_earlier_comments_theme_numbers_and_the_planners_name(
    consultation_with_four_topics,
):
    first = analyse(consultation_with_four_topics)
    before = numbers_by_comment(first)
    renamed = next(t for t in first.themes if not t.is_other)
    services.rename_theme(first, renamed.id, "バスと通院の足", staff_id=None)
    late = enter(consultation_with_four_topics.id, LATE_BUS_COMMENT, 0)

    second = analyse(consultation_with_four_topics, regrouping=Regrouping.EXTEND)
    after = numbers_by_comment(second)
    assert second.regrouping is Regrouping.EXTEND
    assert second.n_comments == 101
    assert {i: after[i] for i in before} == before
    assert late.id in after
    kept = next(t for t in second.themes if t.number == renamed.number)
    assert kept.label == "バスと通院の足"
    assert {t.number for t in second.large_themes} == {t.number for t in first.large_themes}


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
