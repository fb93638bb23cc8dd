"""Survey files (a LINE or web-form export) imported into a questionnaire: `comments import
--question KEY=COLUMN`, one cell or one column per option, in the encodings cities use."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from tests.test_imports import import_report
from tests.test_questionnaires import DX_SURVEY, load
from workshop.consultations.imports import PENDING_FOLDER
from workshop.extensions import db
from workshop.models import Answer, Comment, Consultation, Question, QuestionOption

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


@pytest.mark.both_dbs
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


@pytest.mark.both_dbs
def test_the_same_file_again_adds_nothing(app, survey, tmp_path):
    path = write(tmp_path, ROWS, "utf-8-sig")
    assert run_import(app, survey, path, *with_questions()).exit_code == 0
    answers = db.session.scalar(select(func.count(Answer.id)))
    again = run_import(app, survey, path, *with_questions())
    assert "imported: 0  already imported: 4" in again.output
    assert db.session.scalar(select(func.count(Answer.id))) == answers


@pytest.mark.both_dbs
def test_answers_only_without_a_comment_column(app, survey, tmp_path):
    path = write(tmp_path, ROWS, "utf-8-sig")
    result = run_import(app, survey, path, *with_questions(text_column=False))
    assert result.exit_code == 0, result.output
    assert "imported: 4" in result.output
    assert set(db.session.scalars(select(Comment.body))) == {""}


@pytest.mark.both_dbs
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


@pytest.mark.both_dbs
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
    page = import_report(client, response)
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


WEB_HEADER = [
    "回答ID",
    "スマートフォンを使っていますか。",
    "困ったこと：窓口の待ち時間",
    "困ったこと：書類の書き方",
    "困ったこと：開庁時間",
    "satisfaction",
    "住んで何年",
    "ご意見",
]
WEB_ROWS = [
    ["W-1", "毎日使っている", "○", "", "1", "4", "12", "窓口を増やして"],
    ["W-2", "たまに", "", "書類の書き方", "", "2", "３０", ""],  # たまに: no option
    ["W-3", "", "", "", "", "", "", ""],  # nothing but an id: skipped
]
SELECTED = re.compile(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', re.S)


def selected_columns(page: str) -> dict[str, str]:
    """Each select of the page and the value chosen ahead ("" when none)."""
    found = {}
    for name, options in SELECTED.findall(page):
        chosen = re.search(r'<option selected value="([^"]*)"', options)
        found[name] = chosen.group(1) if chosen else ""
    return found


def upload_for_columns(client, login, survey, tmp_path, encoding="cp932", **fields):
    from tests.test_imports import import_on_the_web
    from workshop.models import Role

    login(Role.PLANNER)
    data = write(tmp_path, WEB_ROWS, encoding, WEB_HEADER).read_bytes()
    response = import_on_the_web(client, survey, data, **fields)
    page = response.get_data(as_text=True)
    assert response.status_code == 200, page
    return page


def field_names(survey: Consultation) -> dict[str, str]:
    return {q.key: f"question_{q.id}" for q in survey.questions}


def map_columns(client, survey, page: str, choices: dict[str, str], csrf: bool = True):
    data = {"upload": re.search(r'name="upload" type="hidden" value="([^"]+)"', page).group(1)}
    data |= {name: value for name, value in selected_columns(page).items()}
    data |= choices
    if csrf:
        data["csrf_token"] = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)[1]
    return client.post(f"/staff/consultations/{survey.id}/import/columns", data=data)


@pytest.mark.both_dbs
@pytest.mark.parametrize("encoding", ["utf-8-sig", "cp932"])
def test_the_web_import_asks_for_each_questions_column(
    app, client, login, survey, tmp_path, encoding
):
    page = upload_for_columns(client, login, survey, tmp_path, encoding, id_column="回答ID")
    names = field_names(survey)
    chosen = selected_columns(page)
    # a column named as the question's text or key is chosen ahead; the rest is left to choose
    assert chosen[names["smartphone"]] == "スマートフォンを使っていますか。"
    assert chosen[names["satisfaction"]] == "satisfaction"
    assert chosen[names["years"]] == ""
    assert chosen["id_column"] == "回答ID"  # typed on the first step
    # the per-option columns are offered as one choice, and every select has its label
    assert "「困ったこと」で始まる列（選択肢ごとの列）" in page
    assert f'<label for="{names["trouble"]}">問2 行政の手続きで困ったことは何ですか。' in page
    assert db.session.scalar(select(func.count(Comment.id))) == 0  # nothing yet

    response = map_columns(
        client,
        survey,
        page,
        {names["trouble"]: "困ったこと*", names["years"]: "住んで何年", "text_column": "ご意見"},
    )
    result = import_report(client, response)
    assert "取り込み 2件" in result and "取り込めなかった行 1件" in result
    assert "3行目: 質問「smartphone」の「たまに」: 選択肢から選んでください。" in result
    found = answers_by_row()
    assert found["W-1"] == {
        "satisfaction": ["4"],
        "smartphone": ["毎日使っている"],
        "trouble": ["窓口の待ち時間", "開庁時間"],
        "years": [12.0],
    }
    assert found["W-2"] == {"satisfaction": ["2"], "trouble": ["書類の書き方"], "years": [30.0]}
    # the waiting file is gone once imported: the same step again is refused, nothing added
    again = map_columns(client, survey, page, {names["years"]: "住んで何年"})
    assert again.status_code == 303 and "/imports/" not in again.headers["Location"]
    assert db.session.scalar(select(func.count(Comment.id))) == 2
    assert not list((Path(app.instance_path) / PENDING_FOLDER).glob("*.csv"))


@pytest.mark.both_dbs
def test_the_same_file_mapped_again_on_the_web_adds_nothing(client, login, survey, tmp_path):
    for _ in range(2):
        page = upload_for_columns(client, login, survey, tmp_path, id_column="回答ID")
        report = import_report(client, map_columns(client, survey, page, {}))
    assert "取り込み 0件、取り込み済みのため省略 2件" in report
    assert db.session.scalar(select(func.count(Comment.id))) == 2


@pytest.mark.parametrize(
    ("choices", "field", "message"),
    [
        # a column not in the file (a forged form): the select's own message
        ({"smartphone": "ない列"}, "smartphone", "一覧から選んでください。"),
        ({"smartphone": "<script>alert(1)</script>"}, "smartphone", "一覧から選んでください。"),
        # per-option columns are offered for a multiple choice only
        ({"smartphone": "困ったこと*"}, "smartphone", "一覧から選んでください。"),
        ({"text_column": "列\u200bの名前"}, "text_column", "一覧から選んでください。"),
    ],
)
def test_a_bad_column_choice_is_said_by_its_field(
    client, login, survey, tmp_path, choices, field, message
):
    page = upload_for_columns(client, login, survey, tmp_path, id_column="回答ID")
    names = field_names(survey)
    data = {names.get(key, key): value for key, value in choices.items()}
    response = map_columns(client, survey, page, data)
    result = response.get_data(as_text=True)
    assert response.status_code == 422
    target = names.get(field, field)
    assert f'id="{target}-error"' in result and message in result
    assert f'href="#{target}"' in result  # the summary links to the field
    assert "<script>alert(1)</script>" not in result
    assert db.session.scalar(select(func.count(Comment.id))) == 0


def test_no_column_at_all_is_said(client, login, survey, tmp_path):
    page = upload_for_columns(client, login, survey, tmp_path)
    names = field_names(survey)
    response = map_columns(client, survey, page, {name: "" for name in names.values()})
    result = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "意見の列か、質問の列を1つ以上選んでください。" in result
    assert db.session.scalar(select(func.count(Comment.id))) == 0


def test_the_column_step_without_csrf_stores_nothing(client, login, survey, tmp_path):
    page = upload_for_columns(client, login, survey, tmp_path, id_column="回答ID")
    response = map_columns(client, survey, page, {}, csrf=False)
    assert response.status_code in (400, 422)
    assert db.session.scalar(select(func.count(Comment.id))) == 0
    # the file still waits: with the token the same step goes through
    import_report(client, map_columns(client, survey, page, {}))
    assert db.session.scalar(select(func.count(Comment.id))) == 2


@pytest.mark.parametrize("upload", ["", "../../config", "x" * 30, "a/b" * 10])
def test_an_unknown_or_forged_upload_is_refused(client, login, survey, upload):
    from tests.conftest import post_form
    from workshop.models import Role

    login(Role.PLANNER)
    path = f"/staff/consultations/{survey.id}/import/columns"
    response = post_form(client, path, {"upload": upload})
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "もう一度ファイルを選んでください" in page


def test_an_uploaded_file_is_kept_for_its_consultation_only(
    client, login, survey, make_consultation, tmp_path
):
    page = upload_for_columns(client, login, survey, tmp_path)
    other = make_consultation()
    token = re.search(r'name="upload" type="hidden" value="([^"]+)"', page).group(1)
    from tests.conftest import post_form

    response = post_form(
        client, f"/staff/consultations/{other.id}/import/columns", {"upload": token}
    )
    assert response.status_code == 303
    assert db.session.scalar(select(func.count(Comment.id))) == 0


def test_a_per_option_column_that_names_no_option_is_said_by_the_field(
    client, login, survey, tmp_path
):
    from tests.test_imports import import_on_the_web
    from workshop.models import Role

    login(Role.PLANNER)
    header = ["回答ID", "困ったこと：窓口の待ち時間", "困ったこと：駐車場"]
    data = write(tmp_path, [["P-1", "1", "1"]], "utf-8-sig", header).read_bytes()
    page = import_on_the_web(client, survey, data).get_data(as_text=True)
    trouble = field_names(survey)["trouble"]
    response = map_columns(client, survey, page, {trouble: "困ったこと*"})
    result = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'id="{trouble}-error"' in result
    assert "列「困ったこと：駐車場」は、質問「trouble」のどの選択肢にも当たりません。" in result
    assert db.session.scalar(select(func.count(Comment.id))) == 0


def test_every_separator_and_mark_a_survey_tool_writes(app, survey, tmp_path):
    header = ["回答ID", "困りごと", "困りごと：窓口の待ち時間", "困りごと：開庁時間"]
    rows = [
        ["S-1", "窓口の待ち時間；開庁時間", "", ""],
        ["S-2", "書類の書き方，開庁時間", "", ""],
        ["S-3", "1;3", "", ""],  # the options' numbers
    ]
    path = write(tmp_path, rows, "utf-8-sig", header)
    assert run_import(app, survey, path, "--question", "trouble=困りごと").exit_code == 0
    found = answers_by_row()
    assert found["S-1"]["trouble"] == ["窓口の待ち時間", "開庁時間"]
    assert found["S-2"]["trouble"] == ["書類の書き方", "開庁時間"]
    assert found["S-3"]["trouble"] == ["窓口の待ち時間", "開庁時間"]

    marks = ["●", "✓", "TRUE", "はい", "〇", "窓口の待ち時間"]
    rows = [[f"K-{n}", "", mark, ""] for n, mark in enumerate(marks)]
    rows.append(["K-9", "", "0", " "])  # 0 and blank: not chosen, nothing in the row
    path = write(tmp_path, rows, "utf-8", header)  # ✓ is not in Shift_JIS
    result = run_import(app, survey, path, "--question", "trouble=困りごと：*")
    assert result.exit_code == 0, result.output
    found = answers_by_row()
    assert all(found[f"K-{n}"]["trouble"] == ["窓口の待ち時間"] for n in range(len(marks)))
    assert "K-9" not in found
