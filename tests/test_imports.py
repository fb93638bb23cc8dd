"""CSV import of survey exports: the encodings cities use, re-imports, bad rows, the web form."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from flask import current_app, has_request_context
from sqlalchemy import func, select

from tests.conftest import post_form
from workshop.consultations import import_jobs, imports
from workshop.extensions import db
from workshop.models import (
    AuditEntry,
    Channel,
    Comment,
    Job,
    JobKind,
    JobStatus,
    Profile,
    Role,
)
from workshop.questionnaires.services import profile_labels

LINE_EXPORT = (
    "回答ID,回答日時,年代,お住まいの地区,市との関係,ご意見\r\n"
    "L-001,2026/11/20 10:15,70代,北山地区,在住,スマホの使い方を教えてくれる場所が近くにほしい\r\n"
    'L-002,2026/11/21 08:02,30代,駅前地区,在勤,"保育園の申請を、夜でもスマホでできるようにしてください。"\r\n'
    'L-003,2026/11/21 21:40,100代,中央地区,在住,"防災アプリの通知が\r\n多すぎて困ります"\r\n'
    "L-004,2026/11/22 12:00,40代,南浜地区,その他,\r\n"
    'L-005,2026年11月22日,=1+1,東台地区,在学,=HYPERLINK("http://example.invalid")\r\n'
)


def write(tmp_path, text: str, encoding: str):
    path = tmp_path / f"line-{encoding}.csv"
    path.write_bytes(text.encode(encoding))
    return path


def import_cli(app, path, slug, *options):
    """flask comments import PATH --consultation SLUG OPTIONS..."""
    return app.test_cli_runner().invoke(
        args=["comments", "import", str(path), "--consultation", slug, *options]
    )


def run_import(app, path, slug, *extra):
    return import_cli(
        app, path, slug,
        "--text-column", "ご意見", "--id-column", "回答ID",
        "--attr", "age_group=年代", "--attr", "district=お住まいの地区",
        "--attr", "relation=市との関係", "--attr", "received_on=回答日時",
        "--channel", "line", *extra,
    )  # fmt: skip


def import_on_the_web(client, consultation, content: bytes, **fields):
    """The staff import page's form, sent with a LINE export as line.csv."""
    return post_form(
        client,
        f"/staff/consultations/{consultation.id}/import",
        {"file": (io.BytesIO(content), "line.csv"), "channel": "line", **fields},
        content_type="multipart/form-data",
    )


def import_report(client, response) -> str:
    """An upload is imported by a job: the page it sends the planner to, with the report."""
    assert response.status_code == 303, response.get_data(as_text=True)
    assert "/imports/" in response.headers["Location"]
    return client.get(response.headers["Location"]).get_data(as_text=True)


@pytest.mark.both_dbs
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp932"])
def test_import_reads_each_encoding(app, make_consultation, tmp_path, encoding):
    consultation = make_consultation()
    result = run_import(app, write(tmp_path, LINE_EXPORT, encoding), consultation.slug)
    assert result.exit_code == 0, result.output
    assert "imported: 4" in result.output
    assert "row 5: skipped: 意見の列が空です" in result.output
    assert "年代「100代」を読み取れない" in result.output
    comments = db.session.scalars(select(Comment).order_by(Comment.id)).all()
    assert comments[0].body == "スマホの使い方を教えてくれる場所が近くにほしい"
    about = profile_labels([c.id for c in comments])
    assert about[comments[0].id] == {
        Profile.AGE_GROUP: "70代",
        Profile.DISTRICT: "北山地区",
        Profile.RELATION: "在住",
    }
    assert comments[0].received_on.isoformat() == "2026-11-20"
    assert comments[0].channel is Channel.LINE
    assert comments[0].external_id == "L-001"
    assert comments[2].body == "防災アプリの通知が\n多すぎて困ります"
    assert Profile.AGE_GROUP not in about.get(comments[2].id, {})
    assert comments[3].body == '=HYPERLINK("http://example.invalid")'  # stored as typed
    assert all(c.receipt_no.startswith("DX-") for c in comments)


@pytest.mark.both_dbs
def test_importing_the_same_file_twice_adds_nothing(app, make_consultation, tmp_path):
    consultation = make_consultation()
    path = write(tmp_path, LINE_EXPORT, "cp932")
    run_import(app, path, consultation.slug)
    second = run_import(app, path, consultation.slug)
    assert "imported: 0  already imported: 4" in second.output
    assert db.session.scalar(select(func.count(Comment.id))) == 4


@pytest.mark.both_dbs
def test_without_id_column_the_row_content_identifies_it(app, make_consultation, tmp_path):
    consultation = make_consultation()
    path = write(tmp_path, "意見\n回覧板を電子化してほしい\n回覧板は紙のままがいい\n", "utf-8")
    args = [
        "comments",
        "import",
        str(path),
        "--consultation",
        consultation.slug,
        "--text-column",
        "意見",
    ]
    runner = app.test_cli_runner()
    assert "imported: 2" in runner.invoke(args=args).output
    assert "imported: 0  already imported: 2" in runner.invoke(args=args).output


@pytest.mark.parametrize(
    ("content", "column", "message"),
    [
        (b"", "ご意見", "ファイルが空です"),
        ("番号,感想\n1,よい\n".encode(), "ご意見", "列「ご意見」が見つかりません"),
        (b"\xff\xfe\x00\x00garbage\x81", "ご意見", "文字コードを読み取れませんでした"),
    ],
)
def test_bad_files_are_refused_with_reason(
    app, make_consultation, tmp_path, content, column, message
):
    consultation = make_consultation()
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    result = import_cli(app, path, consultation.slug, "--text-column", column)
    assert result.exit_code != 0
    assert message in result.output
    assert db.session.scalar(select(func.count(Comment.id))) == 0


def test_unknown_consultation_is_refused(app, tmp_path):
    path = write(tmp_path, LINE_EXPORT, "utf-8")
    result = run_import(app, path, "no-such-plan")
    assert result.exit_code != 0 and "見つかりません" in result.output


@pytest.mark.both_dbs
def test_planner_imports_through_the_web(client, login, make_consultation):
    consultation = make_consultation()
    login(Role.PLANNER)
    response = import_on_the_web(
        client,
        consultation,
        LINE_EXPORT.encode("utf-8-sig"),
        text_column="ご意見",
        id_column="回答ID",
        age_group="年代",
        district="お住まいの地区",
    )
    # the import runs as a job: the planner is sent to its page, which has the report
    assert response.status_code == 303
    job_page = response.headers["Location"]
    assert f"/staff/consultations/{consultation.id}/imports/" in job_page
    page = client.get(job_page).get_data(as_text=True)
    assert "取り込み 4件" in page
    assert "5行目: 意見の列が空です" in page
    assert "utf-8-sig" in page and "別のファイルを取り込む" in page
    assert db.session.scalar(select(func.count(Comment.id))) == 4
    # the kept file (names, addresses) is gone once imported
    assert not list((Path(current_app.instance_path) / imports.PENDING_FOLDER).glob("*"))
    # the new comments were handed on to be tokenized and masked
    kinds = db.session.scalars(select(Job.kind).order_by(Job.id)).all()
    assert kinds == [JobKind.COMMENTS_IMPORT, JobKind.TOKENS]
    status = client.get(job_page + ".json").get_json()
    assert status["status"] == "done" and status["progress"] == 100


@pytest.mark.both_dbs
def test_an_import_job_runs_outside_any_request(app, make_consultation, make_user):
    """As in an RQ worker or a job process: no request, the planner known from the job."""
    consultation = make_consultation()
    planner = make_user(Role.PLANNER)
    with app.app_context():
        assert not has_request_context()
        upload = imports.keep_upload(consultation.id, LINE_EXPORT.encode("cp932"))
        mapping = imports.Mapping(text_column="ご意見", id_column="回答ID")
        job = import_jobs.start_import(
            consultation, upload, mapping, Channel.LINE, staff_id=planner.id
        )
        assert job.status is JobStatus.DONE, job.error
        report = import_jobs.report_of(job)
        assert report is not None and (report.imported, report.encoding) == (4, "cp932")
        entry = db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "comments.import")
        ).one()
        assert (entry.user_id, entry.details["imported"]) == (planner.id, 4)


@pytest.mark.both_dbs
def test_an_import_that_fails_in_its_job_says_why_and_keeps_nothing(
    client, login, make_consultation
):
    consultation = make_consultation()
    login(Role.PLANNER)
    # the header is fine, a later cell is beyond what the CSV reader takes
    content = LINE_EXPORT + "L-006,2026/11/23,20代,北山地区,在住," + "あ" * 200_000 + "\r\n"
    response = import_on_the_web(
        client, consultation, content.encode("utf-8"), text_column="ご意見", id_column="回答ID"
    )
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "取り込めませんでした" in page and "とても長いセル" in page
    assert db.session.scalar(select(func.count(Comment.id))) == 0
    assert not list((Path(current_app.instance_path) / imports.PENDING_FOLDER).glob("*"))


def test_an_import_job_page_belongs_to_its_consultation(client, login, make_consultation):
    consultation, other = make_consultation(), make_consultation()
    login(Role.PLANNER)
    response = import_on_the_web(
        client, consultation, LINE_EXPORT.encode("utf-8"), text_column="ご意見", id_column="回答ID"
    )
    job_id = response.headers["Location"].rsplit("/", 1)[1]
    assert client.get(f"/staff/consultations/{other.id}/imports/{job_id}").status_code == 404
    assert client.get(f"/staff/consultations/{consultation.id}/imports/999").status_code == 404
    xlsx = post_form(client, f"/staff/consultations/{consultation.id}/comments.xlsx", {})
    xlsx_job = xlsx.headers["Location"].rsplit("/", 1)[1]
    assert (
        client.get(f"/staff/consultations/{consultation.id}/imports/{xlsx_job}").status_code == 404
    )


@pytest.mark.both_dbs
def test_an_import_is_in_the_audit_log_with_who_and_how_many(client, login, make_consultation):
    consultation = make_consultation()
    login(Role.ADMIN)
    import_on_the_web(
        client, consultation, LINE_EXPORT.encode("utf-8"), text_column="ご意見", id_column="回答ID"
    )
    page = client.get("/staff/audit").get_data(as_text=True)
    assert "comments.import" in page
    assert f"consultation:{consultation.slug}" in page
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "comments.import")
    ).one()
    assert entry.user_email and entry.details["imported"] == 4
    assert entry.details["channel"] == "line"


def test_web_import_with_wrong_column_saves_nothing(client, login, make_consultation):
    consultation = make_consultation()
    login(Role.PLANNER)
    response = import_on_the_web(
        client, consultation, LINE_EXPORT.encode("cp932"), text_column="意見本文"
    )
    assert response.status_code == 400
    assert "列「意見本文」が見つかりません" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Comment.id))) == 0


@pytest.mark.both_dbs
def test_the_sweep_removes_uploads_left_waiting_and_old_exports(app, make_consultation):
    """A planner who never came back to the column step leaves residents' data in instance/:
    the cron sweep removes it once a day old, and keeps what is newer."""
    import os
    import time

    from workshop.consultations import exports

    consultation = make_consultation()
    with app.test_request_context():
        old = imports.keep_upload(consultation.id, LINE_EXPORT.encode())
        new = imports.keep_upload(consultation.id, LINE_EXPORT.encode())
        folder = Path(current_app.instance_path) / imports.PENDING_FOLDER
        day_ago = time.time() - imports.PENDING_KEEP_SECONDS - 60
        os.utime(folder / f"{consultation.id}-{old}.csv", (day_ago, day_ago))
        export = exports.exports_folder() / "999.xlsx"
        export.parent.mkdir(parents=True, exist_ok=True)
        export.write_bytes(b"PK")
        long_ago = time.time() - exports.keep_seconds() - 60
        os.utime(export, (long_ago, long_ago))
    result = app.test_cli_runner().invoke(args=["jobs", "sweep"])
    assert result.exit_code == 0, result.output
    assert "uploads waiting for their columns: 1 expired file(s) removed" in result.output
    assert "Excel exports: 1 expired file(s) removed" in result.output
    assert [p.name for p in folder.glob("*.csv")] == [f"{consultation.id}-{new}.csv"]
    assert not export.exists()
