"""Survey files (a LINE or web-form export) imported into a questionnaire: `comments import
--question KEY=COLUMN`, one cell or one column per option, in the encodings cities use."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from sqlalchemy import func, select

from tests.test_questionnaires import DX_SURVEY, load
from workshop.extensions import db
from workshop.models import Answer, Comment, Consultation, Question, QuestionOption

pytestmark = pytest.mark.both_dbs

HEADER = ["回答ID", "スマホ", "困りごと", "満足度", "年数", "一言", "ご意見"]
ROWS = [
    [
        "L-1",
        "毎日使っている",
        "窓口の待ち時間、開庁時間",
        "4",
        "12",
        "予約したい",
        "窓口を増やして",
    ],
    ["L-2", "使っていない", "書類の書き方, 駐車場が狭い", "2", "３０", "", "紙も残して"],
    ["L-3", "たまに", "開庁時間", "5", "", "", "スマホ教室を"],  # たまに: no option
    ["L-4", "ときどき使う", "", "", "", "", ""],  # answers only
    ["L-5", "", "", "", "", "", ""],  # nothing but an id: skipped
]
QUESTIONS = (
    "smartphone=スマホ",
    "trouble=困りごと",
    "satisfaction=満足度",
    "years=年数",
    "idea=一言",
)


@pytest.fixture
def survey(app, make_consultation, tmp_path) -> Consultation:
    consultation = make_consultation()
    result = load(app, consultation.slug, DX_SURVEY, tmp_path)
    assert result.exit_code == 0, result.output
    return consultation


def write(tmp_path, rows: list[list[str]], encoding: str, header: list[str] = HEADER):
    path = tmp_path / f"survey-{encoding}.csv"
    buffer = io.StringIO()
    csv.writer(buffer).writerows([header, *rows])
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def run_import(app, consultation: Consultation, path, *options: str):
    args = ["comments", "import", str(path), "--consultation", consultation.slug]
    return app.test_cli_runner().invoke(args=[*args, "--id-column", "回答ID", *options])


def with_questions(text_column: bool = True) -> list[str]:
    options = [part for q in QUESTIONS for part in ("--question", q)]
    return options + (["--text-column", "ご意見"] if text_column else [])


def answers_by_row() -> dict[str, dict[str, Any]]:
    stmt = (
        select(Comment.external_id, Question.key, QuestionOption.label, Answer)
        .join(Answer, Answer.comment_id == Comment.id)
        .join(Question, Answer.question_id == Question.id)
        .outerjoin(QuestionOption, Answer.option_id == QuestionOption.id)
    )
    found: dict[str, dict[str, Any]] = {}
    for external_id, key, label, answer in db.session.execute(stmt):
        value = label or answer.other_text or answer.text_value or answer.number_value
        found.setdefault(external_id, {}).setdefault(key, []).append(value)
    return {row: {k: sorted(v, key=str) for k, v in keys.items()} for row, keys in found.items()}


@pytest.mark.parametrize("encoding", ["utf-8-sig", "cp932"])
def test_a_line_export_is_imported_with_its_answers(app, survey, tmp_path, encoding):
    path = write(tmp_path, ROWS, encoding)
    result = run_import(app, survey, path, *with_questions(), "--channel", "line")
    assert result.exit_code == 0, result.output
    assert "imported: 4" in result.output and "skipped: 1" in result.output
    # the unknown choice is said with its row number; the rest of that row is kept
    assert (
        "row 4: note: 質問「smartphone」の「たまに」: 選択肢から選んでください。" in result.output
    )
    found = answers_by_row()
    assert found["L-1"] == {
        "idea": ["予約したい"],
        "satisfaction": ["4"],
        "smartphone": ["毎日使っている"],
        "trouble": ["窓口の待ち時間", "開庁時間"],
        "years": [12.0],
    }
    # 駐車場が狭い is no option: it goes to その他 with its words; full-width digits read
    assert found["L-2"]["trouble"] == ["書類の書き方", "駐車場が狭い"]
    assert found["L-2"]["years"] == [30.0]
    assert "smartphone" not in found["L-3"] and found["L-3"]["trouble"] == ["開庁時間"]
    assert found["L-4"] == {"smartphone": ["ときどき使う"]}
    bodies = dict(db.session.execute(select(Comment.external_id, Comment.body)).all())
    assert bodies["L-4"] == "" and bodies["L-1"] == "窓口を増やして"
    # 使っていない calls for 問5: not in the file, nothing is made up
    assert "why_not" not in found["L-2"]


def test_the_same_file_again_adds_nothing(app, survey, tmp_path):
    path = write(tmp_path, ROWS, "utf-8-sig")
    assert run_import(app, survey, path, *with_questions()).exit_code == 0
    answers = db.session.scalar(select(func.count(Answer.id)))
    again = run_import(app, survey, path, *with_questions())
    assert "imported: 0  already imported: 4" in again.output
    assert db.session.scalar(select(func.count(Answer.id))) == answers


def test_answers_only_without_a_comment_column(app, survey, tmp_path):
    path = write(tmp_path, ROWS, "utf-8-sig")
    result = run_import(app, survey, path, *with_questions(text_column=False))
    assert result.exit_code == 0, result.output
    assert "imported: 4" in result.output
    assert set(db.session.scalars(select(Comment.body))) == {""}


def test_a_multiple_choice_with_one_column_per_option(app, survey, tmp_path):
    header = ["回答ID", "困りごと：窓口の待ち時間", "困りごと：書類の書き方", "困りごと：開庁時間"]
    rows = [["M-1", "○", "", "1"], ["M-2", "", "書類の書き方", ""], ["M-3", "0", "", ""]]
    path = write(tmp_path, rows, "cp932", header)
    result = run_import(app, survey, path, "--question", "trouble=困りごと*")
    assert result.exit_code == 0, result.output
    found = answers_by_row()
    assert found["M-1"]["trouble"] == ["窓口の待ち時間", "開庁時間"]
    assert found["M-2"]["trouble"] == ["書類の書き方"]
    assert "M-3" not in found  # 0 is not chosen: nothing in the row, skipped
    assert "imported: 2" in result.output


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--question", "no_such=スマホ"], "この意見募集にない質問です: no_such"),
        (["--question", "smartphone=ありません"], "列「ありません」が見つかりません"),
        (["--question", "smartphone=スマホ*"], "複数選択の質問にだけ使えます"),
        (["--question", "trouble=ない列*"], "「ない列」で始まる列が見つかりません"),
        (["--question", "smartphone"], "use NAME=COLUMN"),
        ([], "意見の列か、質問の列を指定してください"),
    ],
)
def test_a_bad_mapping_is_said_and_nothing_is_stored(app, survey, tmp_path, options, message):
    path = write(tmp_path, ROWS, "utf-8-sig")
    result = run_import(app, survey, path, *options)
    assert result.exit_code != 0
    assert message in result.output
    assert db.session.scalar(select(func.count(Comment.id))) == 0


def test_a_per_option_column_that_names_no_option_is_refused(app, survey, tmp_path):
    header = ["回答ID", "困りごと：窓口の待ち時間", "困りごと：駐車場"]
    path = write(tmp_path, [["X-1", "1", "1"]], "utf-8-sig", header)
    result = run_import(app, survey, path, "--question", "trouble=困りごと*")
    assert result.exit_code != 0
    assert (
        "列「困りごと：駐車場」は、質問「trouble」のどの選択肢にも当たりません。" in result.output
    )
    assert db.session.scalar(select(func.count(Comment.id))) == 0


def test_script_in_a_cell_is_kept_as_text(app, survey, tmp_path):
    payload = "<script>alert(1)</script>"
    path = write(tmp_path, [["S-1", "毎日使っている", "", "", "", payload, ""]], "utf-8-sig")
    assert run_import(app, survey, path, *with_questions()).exit_code == 0
    assert (
        db.session.scalar(select(Answer.text_value).where(Answer.text_value.is_not(None)))
        == payload
    )


def test_a_planner_maps_questions_on_the_web(client, login, survey, tmp_path):
    from tests.test_imports import import_on_the_web
    from workshop.models import Role

    login(Role.PLANNER)
    page = client.get(f"/staff/consultations/{survey.id}/import").get_data(as_text=True)
    assert "アンケートの質問の列" in page and "<code>smartphone</code>" in page
    data = write(tmp_path, ROWS, "cp932").read_bytes()
    response = import_on_the_web(
        client, survey, data, id_column="回答ID", question_columns="\n".join(QUESTIONS)
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200, page
    assert "取り込み 4件" in page
    assert "4行目: 質問「smartphone」の「たまに」: 選択肢から選んでください。" in page
    assert answers_by_row()["L-1"]["trouble"] == ["窓口の待ち時間", "開庁時間"]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"question_columns": "smartphone"},
            "「smartphone」は「質問のkey=列名」の形で書いてください。",
        ),
        ({"question_columns": ""}, "意見が入っている列の名前を入力してください"),
        ({"question_columns": "nothing=スマホ"}, "この意見募集にない質問です: nothing"),
    ],
)
def test_a_bad_web_mapping_is_said_by_the_field(client, login, survey, tmp_path, fields, message):
    from tests.test_imports import import_on_the_web
    from workshop.models import Role

    login(Role.PLANNER)
    data = write(tmp_path, ROWS, "utf-8-sig").read_bytes()
    response = import_on_the_web(client, survey, data, id_column="回答ID", **fields)
    assert response.status_code in (400, 422)
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Comment.id))) == 0
