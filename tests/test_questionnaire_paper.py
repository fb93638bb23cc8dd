"""The printable paper form: the questions in order with boxes, conditions in words, the
comment box, the questions about the respondent and the receipt space."""

from __future__ import annotations

import re

from sqlalchemy import select

from tests.test_questionnaires import DX_SURVEY, load
from workshop.extensions import db
from workshop.models import Audience, Question


def paper(client, consultation) -> str:
    response = client.get(f"/consultations/{consultation.slug}/paper")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_every_question_in_order_with_its_boxes(app, client, make_consultation, tmp_path):
    consultation = make_consultation()
    assert load(app, consultation.slug, DX_SURVEY, tmp_path).exit_code == 0
    trouble = db.session.scalars(select(Question).where(Question.key == "trouble")).one()
    trouble.options[1].is_hidden = True  # 書類の書き方: no longer offered
    db.session.commit()
    page = paper(client, consultation)
    titles = [f"問{n}　{q['text']}" for n, q in enumerate(DX_SURVEY["questions"], start=1)]
    positions = [page.index(title) for title in titles]
    assert positions == sorted(positions)
    assert '問1　スマートフォンを使っていますか。<span class="mark">（必須）</span>' in page
    assert "問1で「使っていない」と答えた方にお聞きします。" in page
    assert "あてはまるものすべてに ✓（複数選択可）" in page
    assert "窓口の待ち時間" in page and "書類の書き方" not in page
    assert re.search(r"その他（<span class=\"blank-line short\"></span>）", page)
    assert "1（使いにくい）" in page and "5（使いやすい）" in page
    assert "（0〜100）" in page  # the number's range
    assert "問7　そのほか、ご意見があればお書きください" in page
    assert "受付欄（職員記入）" in page and "受付番号" in page and "入力者" in page
    assert "北山地区" in page  # the consultation's districts
    assert page.count('class="box"') >= 20


def test_a_consultation_without_questions_has_a_comment_box(client, make_consultation):
    consultation = make_consultation()
    page = paper(client, consultation)
    assert "ご意見をお書きください" in page and "問1" not in page
    assert "あなたについて" in page


def test_a_question_text_is_printed_as_text(app, client, make_consultation, tmp_path):
    consultation = make_consultation()
    data = {"questions": [{"key": "q1", "type": "short_text", "text": "<script>alert(1)</script>"}]}
    assert load(app, consultation.slug, data, tmp_path).exit_code == 0
    page = paper(client, consultation)
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page


def test_unknown_and_staff_only(client, make_consultation):
    assert client.get("/consultations/no-such-plan/paper").status_code == 404
    consultation = make_consultation()
    consultation.audience = Audience.STAFF
    db.session.commit()
    response = client.get(f"/consultations/{consultation.slug}/paper")
    assert response.status_code == 302 and "/staff/login" in response.headers["Location"]


def test_the_form_page_links_to_the_paper_form(client, make_consultation):
    consultation = make_consultation()
    page = client.get(f"/consultations/{consultation.slug}").get_data(as_text=True)
    assert f'href="/consultations/{consultation.slug}/paper"' in page
