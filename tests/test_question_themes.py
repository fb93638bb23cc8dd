"""A free-text question's answers are grouped into themes of their own, apart from the
comment's text: 「困っていること」 has its themes, the opinion box its own, and each is read,
corrected, extended and split by a choice question like any analysis."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.conftest import post_form
from tests.test_theme_pages import cell
from workshop import jobs
from workshop.consultations import services as consultations
from workshop.extensions import db
from workshop.models import (
    Analysis,
    AnswerMask,
    AnswerTokens,
    Channel,
    CommentTokens,
    Correction,
    JobKind,
    JobStatus,
    Outcome,
    Regrouping,
    Role,
    ThemeAssignment,
)
from workshop.questionnaires import services as questionnaires
from workshop.results.services import publishing, writing
from workshop.themes import services
from workshop.timeutil import today_tokyo

QUESTIONS = {
    "questions": [
        {"key": "smartphone", "type": "single", "text": "スマートフォンを使っていますか",
         "options": [{"code": "daily", "label": "毎日使っている"},
                     {"code": "never", "label": "使っていない"}]},
        {"key": "trouble", "type": "free_text", "text": "市役所の手続きで困っていること"},
        {"key": "wish", "type": "free_text", "text": "市へのご要望"},
    ]
}  # fmt: skip

PHONE_NUMBER = "090-8765-4321"
# what troubles people at the city hall: the counter's waiting, and the online forms
WAITING = [
    "窓口の待ち時間が長くて、昼休みのうちに手続きが終わらない。",
    "住民票を取るだけなのに窓口で一時間も待たされた。",
    "窓口の待ち時間を短くしてほしい。番号札の呼び出しが遅い。",
    "平日しか窓口が開いていないので、仕事を休んで長い時間待つことになる。",
    "転入の手続きで窓口をいくつも回り、待ち時間が長かった。",
    "窓口で長く待つのがつらい。待ち時間の目安を教えてほしい。",
    "子どもを連れて窓口で待つのは大変。待ち時間を減らしてほしい。",
    "窓口の待ち時間が長く、高齢の母が疲れてしまった。",
]
ONLINE = [
    "オンライン申請の画面がわかりにくく、途中で入力をあきらめた。",
    "マイナンバーカードでのオンライン申請がうまくいかない。",
    "オンライン申請のパスワードを何度も入力させられて困った。",
    "スマホでオンライン申請をしたら、エラーが出て最初からやり直しになった。",
    "オンライン申請の入力項目が多すぎて、どこまで書けばよいかわからない。",
    "オンライン申請でマイナンバーカードが読み取れなかった。",
    "オンライン申請の説明が難しい言葉ばかりでわかりにくい。",
    "オンライン申請の途中で画面が固まり、入力がすべて消えた。",
]
# the opinion box speaks of something else, so a mix-up of the two texts would show
BODY = "公園のベンチを増やしてほしい。"
# by response: the smartphone answer
SMARTPHONE = ["never"] * 6 + ["daily", "daily"] + ["daily"] * 7 + ["never"]


def answer(key: str, *, codes: tuple[str, ...] = (), text: str | None = None):
    return questionnaires.AnswerInput(key=key, codes=codes, text=text)


def respond(consultation, trouble: str | None, phone: str, body: str = BODY) -> int:
    answers = [answer("smartphone", codes=(phone,))]
    if trouble is not None:
        answers.append(answer("trouble", text=trouble))
    comment = consultations.enter_comment(
        consultation.id,
        consultations.CommentInput(body=body, answers=tuple(answers)),
        channel=Channel.PAPER,
        received_on=today_tokyo(),
        staff_id=None,
    )
    return comment.id


@pytest.fixture
def surveyed(app, make_consultation):
    consultation = make_consultation()
    questionnaires.apply_questionnaire(consultation.id, questionnaires.parse_file(QUESTIONS))
    db.session.expire_all()
    troubles = list(WAITING) + list(ONLINE)
    troubles[0] += f"連絡は佐藤一郎（{PHONE_NUMBER}）まで。"
    ids = [
        respond(consultation, trouble, phone)
        for trouble, phone in zip(troubles, SMARTPHONE, strict=True)
    ]
    # a response that left the question empty has no text to group
    respond(consultation, None, "daily", body="特になし")
    trouble = next(q for q in consultation.questions if q.key == "trouble")
    return consultation, trouble, ids


def analyse(consultation, question, **options) -> Analysis:
    job = services.start_analysis(
        consultation.id, how="inline", question_id=question.id if question else None, **options
    )
    db.session.refresh(job)
    assert job.status is JobStatus.DONE, job.error
    return db.session.get(Analysis, job.result_id)


def theme_of(analysis, comment_id):
    return db.session.get(ThemeAssignment, (analysis.id, comment_id)).theme_id


def overview(consultation, key=None):
    url = f"/staff/consultations/{consultation.id}/themes/"
    return f"{url}?question={key}" if key else url


def test_a_planner_analyses_a_free_text_question_on_its_own(client, login, surveyed):
    consultation, trouble, ids = surveyed
    login(Role.PLANNER)
    page = client.get(overview(consultation)).get_data(as_text=True)
    # the page offers each text to analyse, the opinion box first
    assert 'aria-current="page">意見欄（自由記述）</a>' in page
    assert "?question=trouble" in page and "?question=wish" in page
    assert "?question=smartphone" not in page  # a choice question has no text to group

    page = client.get(overview(consultation, "trouble")).get_data(as_text=True)
    assert "<h1>テーマ分析：市役所の手続きで困っていること</h1>" in page
    assert "まだ分析していません。回答をテーマに分けるには" in page
    assert 'name="question" type="hidden" value="trouble"' in page

    response = post_form(
        client,
        f"/staff/consultations/{consultation.id}/themes/analyze",
        {"question": "trouble", "k": "2"},
    )
    assert response.status_code == 303
    job_page = response.headers["Location"]
    done = client.get(job_page, query_string={"go": "1"})
    assert done.status_code == 303
    assert done.headers["Location"].endswith("?question=trouble")

    analysis = services.latest_analysis(consultation.id, trouble.id)
    assert analysis is not None and analysis.question_id == trouble.id
    assert analysis.n_comments == 16  # the empty answer is not grouped
    # the two troubles are told apart, whatever the opinion box said
    waiting, online = theme_of(analysis, ids[0]), theme_of(analysis, ids[8])
    assert {theme_of(analysis, i) for i in ids[:8]} == {waiting} != {online}
    assert {theme_of(analysis, i) for i in ids[8:]} == {online}
    # the opinion box is not analysed by it
    assert services.latest_analysis(consultation.id) is None
    assert "まだ分析していません。意見をテーマに分けるには" in client.get(
        overview(consultation)
    ).get_data(as_text=True)

    page = client.get(overview(consultation, "trouble")).get_data(as_text=True)
    assert "（回答 16件、テーマ" in page
    assert "オンライン申請" in page and BODY not in page
    assert PHONE_NUMBER not in page  # representatives are masked like comments

    theme_url = (
        f"/staff/consultations/{consultation.id}/themes/analyses/{analysis.id}/themes/{waiting}"
    )
    page = client.get(theme_url).get_data(as_text=True)
    assert "「<strong>市役所の手続きで困っていること</strong>」への回答のテーマです。" in page
    assert "住民票を取るだけなのに" in page and BODY not in page
    assert PHONE_NUMBER not in page and "佐藤一郎" not in page
    assert "?question=trouble" in page  # back to this text's overview
    # the search reads the answers, not the opinion box
    found = client.get(theme_url, query_string={"q": "住民票"}).get_data(as_text=True)
    assert "<mark>住民票</mark>を取るだけなのに" in found and "番号札" not in found
    assert "住民票を取るだけなのに" not in client.get(
        theme_url, query_string={"q": "ベンチ"}
    ).get_data(as_text=True)

    # the answers' tokens and masked texts are kept apart from the comments'
    stored = db.session.scalars(select(AnswerTokens).where(AnswerTokens.question_id == trouble.id))
    assert len(list(stored)) == 16
    mask = db.session.get(AnswerMask, (ids[0], trouble.id))
    assert mask is not None and PHONE_NUMBER not in mask.text and "窓口の待ち時間" in mask.text

    cloud = client.get(
        f"/staff/consultations/{consultation.id}/themes/analyses/{analysis.id}/wordcloud.png"
    )
    assert cloud.status_code == 200 and cloud.mimetype == "image/png"


def test_an_unknown_or_choice_question_is_not_found(client, login, surveyed):
    consultation, _, _ = surveyed
    login(Role.PLANNER)
    for key in ("nothing", "smartphone"):
        assert client.get(overview(consultation, key)).status_code == 404
        response = post_form(
            client, f"/staff/consultations/{consultation.id}/themes/analyze", {"question": key}
        )
        assert response.status_code == 404
    assert db.session.scalar(select(Analysis.id)) is None


def test_too_few_answers_are_refused_with_the_word_answers(app, make_consultation):
    consultation = make_consultation()
    questionnaires.apply_questionnaire(consultation.id, questionnaires.parse_file(QUESTIONS))
    db.session.expire_all()
    for trouble in WAITING[:3]:
        respond(consultation, trouble, "daily")
    trouble_question = next(q for q in consultation.questions if q.key == "trouble")
    job = services.start_analysis(consultation.id, how="inline", question_id=trouble_question.id)
    db.session.refresh(job)
    assert job.status is JobStatus.FAILED
    assert "日本語の回答が5件以上必要です（いま3件）" in (job.error or "")


@pytest.mark.both_dbs  # corrections and assignments are found by the database
def test_renames_and_extending_stay_with_their_own_text(surveyed):
    consultation, trouble, ids = surveyed
    first = analyse(consultation, trouble, k=2)
    comments = analyse(consultation, None, k=2)
    waiting = theme_of(first, ids[0])
    services.rename_theme(first, waiting, "窓口の待ち時間", staff_id=None)
    correction = db.session.scalars(select(Correction)).one()
    assert correction.question_id == trouble.id

    # a late answer is placed into the question's themes; the earlier ones keep theirs
    late = respond(consultation, "窓口の待ち時間がとても長く、何度も足を運んだ。", "never")
    extended = analyse(consultation, trouble, regrouping=Regrouping.EXTEND)
    assert extended.question_id == trouble.id
    assert extended.params["previous_id"] == first.id
    renamed = next(t for t in extended.themes if t.label == "窓口の待ち時間")
    assert theme_of(extended, late) == renamed.id
    assert {theme_of(extended, i) for i in ids[:8]} == {renamed.id}
    # only the newest analysis of each text keeps its fitted features
    db.session.expire_all()
    assert db.session.get(Analysis, comments.id).features is not None
    assert db.session.get(Analysis, first.id).features is None

    # the opinion box's next analysis neither extends nor is renamed by the question's
    again = analyse(consultation, None, regrouping=Regrouping.EXTEND)
    assert again.params["previous_id"] == comments.id
    assert "窓口の待ち時間" not in {t.label for t in again.themes}


@pytest.mark.both_dbs  # the codes a response chose are joined by the database
def test_a_questions_themes_split_by_a_choice_question(client, login, surveyed):
    consultation, trouble, ids = surveyed
    analysis = analyse(consultation, trouble, k=2)
    waiting, online = theme_of(analysis, ids[0]), theme_of(analysis, ids[8])
    login(Role.PLANNER)
    url = f"/staff/consultations/{consultation.id}/themes/analyses/{analysis.id}/breakdown"
    page = client.get(url, query_string={"attribute": "q.smartphone"}).get_data(as_text=True)
    assert "「<strong>市役所の手続きで困っていること</strong>」への回答を分けたテーマです。" in page
    assert cell(page, f"{waiting}:never") == "6 列 85.7% 行 75.0%"
    assert cell(page, f"{online}:never") == "1 列 14.3% 行 12.5%"
    assert cell(page, "total:total") == "16"  # the response with no answer is not counted

    response = client.get(f"{url}.csv", query_string={"attribute": "q.smartphone"})
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    never = [row[3] for row in rows[1:] if row[2] == "使っていない"]
    assert sorted(never) == ["1", "6"]  # by theme, as on the page


def test_cli_analyses_and_exports_a_question(app, surveyed, tmp_path):
    consultation, _, ids = surveyed
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["themes", "analyze", consultation.slug, "--question", "trouble", "--k", "2"]
    )
    assert result.exit_code == 0, result.output
    assert "16 comments" in result.output
    out = tmp_path / "trouble.csv"
    result = runner.invoke(
        args=["themes", "export", consultation.slug, "--question", "trouble", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert [int(r["comment_id"]) for r in rows] == ids
    result = runner.invoke(args=["themes", "analyze", consultation.slug, "--question", "wish"])
    assert result.exit_code != 0 and "回答が5件以上必要です（いま0件）" in result.output
    result = runner.invoke(args=["themes", "analyze", consultation.slug, "--question", "nope"])
    assert result.exit_code != 0 and "自由記述の質問は見つかりません" in result.output


def test_the_results_page_splits_a_questions_themes(client, login, surveyed):
    consultation, trouble, ids = surveyed
    login(Role.PLANNER)
    path = f"/staff/consultations/{consultation.id}/results/questions"
    page = client.get(path, query_string={"by": "smartphone", "text": "trouble"})
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "「市役所の手続きで困っていること」の回答は、まだテーマに分けていません" in text
    # each free-text question links to its own themes
    assert (
        f'href="/staff/consultations/{consultation.id}/themes/?question=trouble">'
        "「市役所の手続きで困っていること」の回答のテーマを見る</a>"
    ) in text
    assert "?question=trouble" in text  # where to analyse it

    analysis = analyse(consultation, trouble, k=2)
    waiting = theme_of(analysis, ids[0])
    text = client.get(path, query_string={"by": "smartphone", "text": "trouble"}).get_data(
        as_text=True
    )
    assert "（「市役所の手続きで困っていること」の回答 16件）を使います。" in text
    label = next(t.label for t in analysis.themes if t.id == waiting)
    assert label in text
    # the opinion box has no analysis of its own yet
    text = client.get(path, query_string={"by": "smartphone"}).get_data(as_text=True)
    assert "意見欄の意見は、まだテーマに分けていません" in text
    # a text that is no free-text question is refused by the form
    bad = client.get(path, query_string={"by": "smartphone", "text": "smartphone"})
    assert bad.status_code == 422


def test_a_questions_themes_can_be_published_with_its_answers(client, surveyed):
    consultation, trouble, _ = surveyed
    analysis = analyse(consultation, trouble, k=2)
    for theme in analysis.themes:
        writing.save_response(
            consultation.id,
            theme.id,
            writing.ResponseInput(
                summary="手続きの不便さについてのご意見をいただきました。",
                response="窓口の混雑状況をウェブで知らせ、申請の画面も見直します。",
                outcome=Outcome.PARTLY,
            ),
            staff_id=None,
        )
    consultation.opens_on = today_tokyo() - timedelta(days=30)
    consultation.closes_on = today_tokyo() - timedelta(days=1)
    db.session.commit()
    publishing.publish(consultation.id, analysis.id, staff_id=None)

    page = client.get(f"/consultations/{consultation.slug}/results").get_data(as_text=True)
    assert "テーマは、質問「市役所の手続きで困っていること」へのご回答をまとめたものです。" in page
    # the published texts are the answers, masked, not the opinion box
    assert "住民票を取るだけなのに" in page and BODY not in page
    assert PHONE_NUMBER not in page and "佐藤一郎" not in page
    theme_page = client.get(f"/consultations/{consultation.slug}/results/themes/1")
    assert theme_page.status_code == 200 and BODY not in theme_page.get_data(as_text=True)
    english = client.get(f"/consultations/{consultation.slug}/results?lang=en").get_data(
        as_text=True
    )
    assert "The themes group the answers to the question" in english


def test_the_tokens_job_prepares_the_answers_ahead(surveyed):
    consultation, trouble, ids = surveyed
    job = jobs.enqueue(JobKind.TOKENS, consultation_id=consultation.id, how="inline")
    db.session.refresh(job)
    assert job.status is JobStatus.DONE, job.error
    stored = db.session.scalars(select(AnswerTokens).where(AnswerTokens.question_id == trouble.id))
    assert {row.comment_id for row in stored} == set(ids)
    mask = db.session.get(AnswerMask, (ids[0], trouble.id))
    assert mask is not None and PHONE_NUMBER not in mask.text
    # the comments' own text is prepared as before, apart from the answers
    assert db.session.get(CommentTokens, ids[0]).tokens != stored_tokens(ids[0], trouble.id)
    # the analysis reads them and stores no second copy
    analysis = analyse(consultation, trouble, k=2)
    assert analysis.n_comments == 16
    assert db.session.scalar(select(func.count()).select_from(AnswerTokens)) == 16


def stored_tokens(comment_id, question_id):
    return db.session.get(AnswerTokens, (comment_id, question_id)).tokens
