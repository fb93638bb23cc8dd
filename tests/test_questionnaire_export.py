"""The comment export of a questionnaire: one row per response, one column per question (a
multiple choice one per option), labels and codes, CSV (UTF-8 with BOM) and XLSX alike."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from tests.test_consultations_staff import start_xlsx
from tests.test_questionnaire_form import codes, full_answer, submit, survey  # noqa: F401
from workshop.consultations.exports import HEADER
from workshop.extensions import db
from workshop.models import Question, Role


def answered(client, survey, **change) -> None:  # noqa: F811
    response = submit(client, survey, full_answer(survey) | change)
    assert response.status_code == 303, response.get_data(as_text=True)


def csv_rows(client, survey) -> list[list[str]]:  # noqa: F811
    response = client.get(f"/staff/consultations/{survey.id}/comments.csv")
    data = response.get_data()
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM: Excel opens it as UTF-8
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


@pytest.mark.both_dbs
def test_each_question_has_its_columns_after_the_comments(client, login, survey):  # noqa: F811
    answered(client, survey)
    answered(client, survey, q_smartphone=codes(survey, "smartphone")["使っていない"],
             asked="smartphone trouble satisfaction years idea why_not",
             q_why_not="<script>x</script>", q_trouble=[], q_trouble_other="",
             q_years="", q_idea="=SUM(A1)")  # fmt: skip
    login(Role.PLANNER)
    header, first, second = csv_rows(client, survey)
    answers = header[len(HEADER) :]
    assert answers == [
        "問1 スマートフォンを使っていますか。",
        "問1 コード（smartphone）",
        "問2 行政の手続きで困ったことは何ですか。：窓口の待ち時間",
        "問2 行政の手続きで困ったことは何ですか。：書類の書き方",
        "問2 行政の手続きで困ったことは何ですか。：開庁時間",
        "問2 行政の手続きで困ったことは何ですか。：その他の内容",
        "問3 市のホームページの使いやすさは。（1 使いにくい〜5 使いやすい）",
        "問4 市に住んで何年ですか。",
        "問5 スマートフォンを使わない理由を教えてください。",
        "問6 一言でいうと、市に望むことは。",
    ]
    phone = codes(survey, "smartphone")
    cells = dict(zip(answers, first[len(HEADER) :], strict=True))
    assert cells["問1 スマートフォンを使っていますか。"] == "毎日使っている"
    assert cells["問1 コード（smartphone）"] == phone["毎日使っている"]
    assert [cells[h] for h in answers[2:5]] == ["1", "0", "1"]
    assert cells[answers[5]] == "駐車場が狭い"
    assert cells["問3 市のホームページの使いやすさは。（1 使いにくい〜5 使いやすい）"] == "4"
    assert cells["問4 市に住んで何年ですか。"] == "12"
    assert cells["問5 スマートフォンを使わない理由を教えてください。"] == ""  # not asked
    later = dict(zip(answers, second[len(HEADER) :], strict=True))
    assert [later[h] for h in answers[2:6]] == ["", "", "", ""]  # not answered: empty, not 0
    assert later["問5 スマートフォンを使わない理由を教えてください。"] == "<script>x</script>"
    assert later["問6 一言でいうと、市に望むことは。"] == "'=SUM(A1)"  # a formula, kept as text


@pytest.mark.both_dbs
def test_a_hidden_option_keeps_its_column(client, login, survey):  # noqa: F811
    answered(client, survey)
    question = db.session.scalars(select(Question).where(Question.key == "trouble")).one()
    question.options[0].is_hidden = True
    db.session.commit()
    login(Role.PLANNER)
    header, row = csv_rows(client, survey)
    at = header.index("問2 行政の手続きで困ったことは何ですか。：窓口の待ち時間")
    assert row[at] == "1"


@pytest.mark.both_dbs
def test_the_excel_file_has_the_same_columns(client, login, survey):  # noqa: F811
    answered(client, survey)
    login(Role.PLANNER)
    job_page = start_xlsx(client, survey)
    sheet = load_workbook(io.BytesIO(client.get(f"{job_page}.xlsx").data)).active
    header, row = list(sheet.iter_rows(values_only=True))
    assert list(header[: len(HEADER)]) == list(HEADER)
    cells = dict(zip(header[len(HEADER) :], row[len(HEADER) :], strict=True))
    assert cells["問1 スマートフォンを使っていますか。"] == "毎日使っている"
    assert cells["問2 行政の手続きで困ったことは何ですか。：開庁時間"] == 1
    assert cells["問1 コード（smartphone）"] == codes(survey, "smartphone")["毎日使っている"]
    assert cells["問3 市のホームページの使いやすさは。（1 使いにくい〜5 使いやすい）"] == 4
    assert cells["問4 市に住んで何年ですか。"] == 12
    assert cells["問5 スマートフォンを使わない理由を教えてください。"] is None  # not asked


FORMULAS = ["=SUM(A1)", "+1", "-1", "@SUM(A1)"]


def formula_answers(client, survey) -> None:  # noqa: F811
    """One response per formula-like start: in the その他 text, the short and the long text."""
    phone = codes(survey, "smartphone")
    for formula in FORMULAS:
        answered(client, survey, q_smartphone=phone["使っていない"],
                 asked="smartphone trouble satisfaction years idea why_not",
                 q_trouble=["other"], q_trouble_other=formula, q_idea=formula,
                 q_why_not=f"{formula}<script>alert(1)</script>")  # fmt: skip


@pytest.mark.both_dbs
def test_a_formula_in_an_answer_is_kept_as_text_in_the_csv(client, login, survey):  # noqa: F811
    formula_answers(client, survey)
    login(Role.PLANNER)
    header, *rows = csv_rows(client, survey)
    other = header.index("問2 行政の手続きで困ったことは何ですか。：その他の内容")
    idea = header.index("問6 一言でいうと、市に望むことは。")
    why_not = header.index("問5 スマートフォンを使わない理由を教えてください。")
    for formula, row in zip(FORMULAS, rows, strict=True):
        assert (row[other], row[idea]) == (f"'{formula}", f"'{formula}")
        assert row[why_not] == f"'{formula}<script>alert(1)</script>"  # HTML stays text


@pytest.mark.both_dbs
def test_a_formula_in_an_answer_is_kept_as_text_in_the_excel_file(client, login, survey):  # noqa: F811
    formula_answers(client, survey)
    login(Role.PLANNER)
    job_page = start_xlsx(client, survey)
    data = client.get(f"{job_page}.xlsx").data
    sheet = load_workbook(io.BytesIO(data)).active
    header, *rows = list(sheet.iter_rows(values_only=True))
    other = header.index("問2 行政の手続きで困ったことは何ですか。：その他の内容")
    idea = header.index("問6 一言でいうと、市に望むことは。")
    why_not = header.index("問5 スマートフォンを使わない理由を教えてください。")
    for formula, row in zip(FORMULAS, rows, strict=True):
        assert (row[other], row[idea]) == (f"'{formula}", f"'{formula}")
        assert row[why_not] == f"'{formula}<script>alert(1)</script>"
    # no cell is a formula: openpyxl reads a formula back as its text, a string cell as "s"
    cells = load_workbook(io.BytesIO(data)).active.iter_rows(min_row=2)
    assert all(cell.data_type != "f" for row in cells for cell in row)


@pytest.mark.both_dbs
def test_a_consultation_without_questions_exports_as_before(client, login, make_consultation):
    consultation = make_consultation()
    login(Role.PLANNER)
    (header,) = csv_rows(client, consultation)
    assert header == list(HEADER)


def test_the_comments_page_says_how_the_answers_are_written(
    client,
    login,
    survey,  # noqa: F811
    make_consultation,
):
    login(Role.PLANNER)
    page = client.get(f"/staff/consultations/{survey.id}/comments").get_data(as_text=True)
    assert 'id="export-answers"' in page
    assert "1（選んだ）か0（選ばなかった）" in page
    plain = make_consultation()
    page = client.get(f"/staff/consultations/{plain.id}/comments").get_data(as_text=True)
    assert 'id="export-answers"' not in page
