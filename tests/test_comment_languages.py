"""Comments written in other languages: kept as written, tagged with their language, found
by the staff list's filter and in the export, and grouped per language in the theme analysis
(Janome reads Japanese only), never dropped."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import select, update

from tests.test_consultations import submit
from tests.test_themes import DISASTER, SMARTPHONE, add_paper_comment
from workshop.extensions import db
from workshop.models import (
    Analysis,
    Comment,
    JobStatus,
    Regrouping,
    Role,
    ThemeAssignment,
)
from workshop.themes import services as themes

VIETNAMESE = [
    "Tôi muốn có lớp học dùng điện thoại thông minh ở nhà văn hóa gần nhà.",
    "Thủ tục ở tòa thị chính quá khó hiểu đối với người nước ngoài như tôi.",
    "Xin hãy làm trang web của thành phố bằng tiếng Việt nữa.",
]
ENGLISH = [
    "Please add English guidance to the online application for childcare.",
    "The city office should open on Saturdays for people who work on weekdays.",
]


@pytest.mark.both_dbs
def test_a_comment_in_vietnamese_is_kept_as_written_and_tagged(client, make_consultation):
    consultation = make_consultation()
    response = submit(client, consultation, body=VIETNAMESE[0])
    assert response.status_code == 303
    receipt = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "ご意見を受け付けました" in receipt and VIETNAMESE[0] in receipt
    submit(client, consultation)  # the helper's Japanese comment
    stored = db.session.scalars(select(Comment).order_by(Comment.id)).all()
    assert [(c.body, c.language) for c in stored] == [
        (VIETNAMESE[0], "vi"),
        ("スマホ教室を公民館でも開いてほしいです。", "ja"),
    ]


def test_the_staff_list_filters_by_language_and_the_export_says_it(
    client, login, make_consultation
):
    consultation = make_consultation()
    add_paper_comment(consultation, VIETNAMESE[1])
    add_paper_comment(consultation, ENGLISH[0])
    add_paper_comment(consultation, SMARTPHONE[0])
    login(Role.PLANNER)
    url = f"/staff/consultations/{consultation.id}/comments"
    page = client.get(url, query_string={"language": "vi"}).get_data(as_text=True)
    assert "1件" in page and VIETNAMESE[1] in page and ENGLISH[0] not in page
    assert '<p class="comment-text" lang="vi">' in page and "ベトナム語" in page
    everyone = client.get(url).get_data(as_text=True)
    assert "3件" in everyone and '<option value="vi">ベトナム語</option>' in everyone
    bad = client.get(url, query_string={"language": "xx"})
    assert "一覧から選んでください" in bad.get_data(as_text=True)

    export = client.get(f"{url}.csv").data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(export)))
    column = rows[0].index("言語")
    assert [row[column] for row in rows[1:]] == ["ベトナム語", "英語", "日本語"]


def analyse(consultation, regrouping: Regrouping = Regrouping.FRESH) -> Analysis:
    job = themes.start_analysis(consultation.id, how="inline", k=2, regrouping=regrouping)
    db.session.refresh(job)
    assert job.status is JobStatus.DONE, job.error
    analysis = db.session.get(Analysis, job.result_id)
    assert analysis is not None
    return analysis


def members(analysis: Analysis) -> dict[str, set[str]]:
    """theme label -> the bodies of its comments."""
    rows = db.session.execute(
        select(ThemeAssignment.theme_id, Comment.body)
        .join(Comment, Comment.id == ThemeAssignment.comment_id)
        .where(ThemeAssignment.analysis_id == analysis.id)
    ).all()
    labels = {theme.id: theme.label for theme in analysis.themes}
    found: dict[str, set[str]] = {}
    for theme_id, body in rows:
        found.setdefault(labels[theme_id], set()).add(body)
    return found


@pytest.mark.both_dbs
def test_the_analysis_groups_other_languages_apart_and_counts_them(
    client, login, make_consultation
):
    consultation = make_consultation()
    for body in SMARTPHONE + DISASTER + VIETNAMESE[:2] + ENGLISH:
        add_paper_comment(consultation, body)
    # two stored before languages were told apart: the job tags them first
    db.session.execute(
        update(Comment)
        .where(Comment.body.in_([VIETNAMESE[1], SMARTPHONE[0]]))
        .values(language=None)
    )
    db.session.commit()

    analysis = analyse(consultation)
    found = members(analysis)
    assert found["ベトナム語の意見"] == set(VIETNAMESE[:2])
    assert found["英語の意見"] == set(ENGLISH)
    japanese = set(SMARTPHONE + DISASTER)
    assert set().union(*(v for k, v in found.items() if not k.endswith("語の意見"))) == japanese
    assert analysis.n_comments == 20  # none dropped
    group = next(t for t in analysis.themes if t.language == "vi")
    assert group.parent is None and group.keywords == []
    assert db.session.scalar(select(Comment.language).where(Comment.body == VIETNAMESE[1])) == "vi"

    login(Role.PLANNER)
    base = f"/staff/consultations/{consultation.id}/themes"
    overview = client.get(f"{base}/").get_data(as_text=True)
    assert "ベトナム語の意見" in overview and "英語の意見" in overview
    page = client.get(f"{base}/analyses/{analysis.id}/themes/{group.id}").get_data(as_text=True)
    assert VIETNAMESE[0] in page and VIETNAMESE[1] in page and ENGLISH[0] not in page
    breakdown = client.get(
        f"{base}/analyses/{analysis.id}/breakdown", query_string={"attribute": "channel"}
    ).get_data(as_text=True)
    assert f'data-cell="{group.id}:paper">2' in breakdown

    # 1 % more comments, re-analysed in the app: the new one joins its language's group
    add_paper_comment(consultation, VIETNAMESE[2])
    extended = analyse(consultation, Regrouping.EXTEND)
    assert members(extended)["ベトナム語の意見"] == set(VIETNAMESE)
    assert {t.number for t in extended.themes if t.language} == {
        t.number for t in analysis.themes if t.language
    }
