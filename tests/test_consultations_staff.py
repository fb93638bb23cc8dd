"""A consultation's comment list for staff: its filters (a GET form), pages, hiding, exports."""

from __future__ import annotations

import contextvars
import csv
import io
import os
import time
from datetime import date
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy import func, select

from tests.conftest import PASSWORD, past, post_form
from tests.test_imports import import_on_the_web
from tests.test_staff import paper_comment
from workshop import jobs
from workshop.consultations import services
from workshop.extensions import db
from workshop.models import (
    AuditEntry,
    Channel,
    Comment,
    Consultation,
    Job,
    JobKind,
    JobStatus,
    Role,
    User,
    utcnow,
)


def received(consultation: Consultation, body: str, on: date, channel: Channel) -> Comment:
    return services.enter_comment(
        consultation.id,
        services.CommentInput(body=body),
        channel=channel,
        received_on=on,
        staff_id=db.session.scalars(select(User.id)).first(),
    )


def listed(client, consultation: Consultation, query: str = "") -> str:
    response = client.get(f"/staff/consultations/{consultation.id}/comments{query}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


@pytest.fixture
def three_days(make_consultation, login):
    """A consultation with a comment received by post, by fax and at the counter, a day apart."""
    consultation = make_consultation(opens_on=past(10))
    login(Role.PLANNER)
    received(consultation, "郵送の意見です。バス停に屋根がほしい。", past(3), Channel.PAPER)
    received(consultation, "ファクスの意見です。図書館の開館を延ばして。", past(2), Channel.FAX)
    received(consultation, "窓口の意見です。公園のトイレを直して。", past(1), Channel.COUNTER)
    return consultation


def test_comment_list_filters_by_date_range_and_channel(client, three_days):
    page = listed(client, three_days, f"?received_from={past(2)}&received_to={past(1)}")
    assert "<p>2件" in page
    assert "図書館" in page and "公園のトイレ" in page and "バス停" not in page
    page = listed(client, three_days, f"?received_to={past(3)}")
    assert "バス停" in page and "図書館" not in page
    page = listed(client, three_days, "?channel=fax")
    assert "図書館" in page and "バス停" not in page and "公園のトイレ" not in page


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?received_from=2026-02-30", "日付は 2026-11-23 の形で入力してください。"),
        ("?received_to=きのう", "日付は 2026-11-23 の形で入力してください。"),
        ("?channel=carrier-pigeon", "経路: 一覧から選んでください。"),
        ("?age_group=200s", "年代: 一覧から選んでください。"),
        ("?relation=alien", "市との関係: 一覧から選んでください。"),
        ("?hidden=maybe", "公表: 一覧から選んでください。"),
        ("?district=月面地区", "地区: 一覧から選んでください。"),
        ("?section=999999", "章・節: 一覧から選んでください。"),
        ("?q=" + "あ" * 201, "探す言葉は200文字以内で入力してください。"),
    ],
)
def test_bad_filter_is_named_and_not_applied(client, three_days, query, message):
    page = listed(client, three_days, query)
    assert "絞り込みの条件をご確認ください" in page
    assert "使わずに一覧を表示しています" in page
    assert message in page
    assert "<p>3件" in page and "バス停" in page and "図書館" in page and "公園のトイレ" in page


def test_reversed_date_range_is_named_and_not_applied(client, three_days):
    page = listed(client, three_days, f"?received_from={past(1)}&received_to={past(3)}")
    assert "受付日の範囲が逆です" in page
    assert "<p>3件" in page and "バス停" in page and "公園のトイレ" in page


def test_a_bad_filter_leaves_the_good_ones_applied(client, three_days):
    page = listed(client, three_days, f"?channel=fax&received_from={past(1)}x")
    assert "日付は 2026-11-23 の形で入力してください。" in page
    assert "<p>1件" in page and "図書館" in page and "バス停" not in page
    # the form shows what was asked: the good choice selected, the bad date as typed
    assert '<option selected value="fax">' in page
    assert f'value="{past(1)}x"' in page


def test_without_districts_the_commented_district_is_still_a_filter(
    client, make_consultation, login
):
    consultation = make_consultation(districts=())
    login(Role.PLANNER)
    paper_comment(consultation, "駅前の駐輪場を広げて", district="駅前地区")
    paper_comment(consultation, "海沿いの防潮堤を高く", district="海辺地区")
    page = listed(client, consultation, "?district=駅前地区")
    assert "駐輪場" in page and "防潮堤" not in page
    assert "絞り込みの条件をご確認ください" not in page


def test_comment_list_filters_and_searches(client, login, make_consultation):
    consultation = make_consultation()
    login(Role.PLANNER)
    paper_comment(consultation, "防災無線が聞こえにくい", district="南浜地区")
    paper_comment(consultation, "スマホ教室を増やして", district="北山地区")
    base = f"/staff/consultations/{consultation.id}/comments"
    page = client.get(base + "?district=南浜地区").get_data(as_text=True)
    assert "防災無線" in page and "スマホ教室" not in page
    page = client.get(base + "?q=スマホ").get_data(as_text=True)
    assert "スマホ教室" in page and "防災無線" not in page
    page = client.get(base + "?q=100%").get_data(as_text=True)
    assert "条件に合う意見はありません" in page


def test_comment_list_pages(client, login, make_consultation):
    consultation = make_consultation()
    login(Role.PLANNER)
    for number in range(25):
        paper_comment(consultation, f"意見その{number}")
    base = f"/staff/consultations/{consultation.id}/comments"
    first = client.get(base).get_data(as_text=True)
    assert "25件（1／2ページ）" in first and "次のページ" in first
    second = client.get(base + "?page=2").get_data(as_text=True)
    assert "意見その24" in second and "意見その0<" not in second


@pytest.mark.both_dbs
def test_hide_keeps_comment_with_reason(client, login, make_consultation):
    consultation = make_consultation()
    staff = login(Role.PLANNER)
    comment = paper_comment(consultation, "特定の職員の実名を挙げた誹謗中傷を含む意見")
    url = f"/staff/consultations/{consultation.id}/comments/{comment.id}/hide"
    assert post_form(client, url, {"reason": ""}, follow_redirects=True).status_code == 200
    db.session.refresh(comment)
    assert not comment.is_hidden
    page = post_form(client, url, {"reason": "個人を誹謗する内容のため"}, follow_redirects=True)
    assert "公表しない意見にしました" in page.get_data(as_text=True)
    db.session.refresh(comment)
    assert comment.is_hidden and comment.hidden_reason == "個人を誹謗する内容のため"
    assert comment.hidden_by_id == staff.id
    assert db.session.scalar(select(func.count(Comment.id))) == 1
    unhide = f"/staff/consultations/{consultation.id}/comments/{comment.id}/unhide"
    post_form(client, unhide, {})
    db.session.refresh(comment)
    assert not comment.is_hidden


def test_hide_comment_of_other_consultation_is_404(client, login, make_consultation):
    first, second = make_consultation(), make_consultation()
    login(Role.PLANNER)
    comment = paper_comment(first)
    url = f"/staff/consultations/{second.id}/comments/{comment.id}/hide"
    assert post_form(client, url, {"reason": "理由"}).status_code == 404


@pytest.mark.both_dbs
def test_csv_export_opens_in_excel_and_neutralises_formulas(client, login, make_consultation):
    consultation = make_consultation()
    login(Role.PLANNER)
    paper_comment(consultation, "=cmd|' /C calc'!A0", age_group=None)
    paper_comment(consultation, "デジタル化に賛成です、ただし紙も残して。\n2行目")
    response = client.get(f"/staff/consultations/{consultation.id}/comments.csv")
    assert response.status_code == 200
    assert response.data.startswith(b"\xef\xbb\xbf")
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][:5] == ["受付番号", "受付日", "経路", "章・節", "意見"]
    assert rows[1][4] == "'=cmd|' /C calc'!A0"
    assert rows[2][4] == "デジタル化に賛成です、ただし紙も残して。\n2行目"
    assert rows[2][2] == "紙（郵送・持参）"


@pytest.mark.both_dbs
def test_csv_export_is_streamed_in_pieces_of_500_rows(client, login, make_consultation):
    consultation = make_consultation()
    login(Role.PLANNER)
    lines = ["回答ID,ご意見"] + [
        f"L{n},{n}番目の回答です。駅前の駐輪場を増やしてほしい。" for n in range(1, 1201)
    ]
    import_on_the_web(
        client, consultation, "\n".join(lines).encode(), text_column="ご意見", id_column="回答ID"
    )
    # as under gunicorn: no app context around the request, which pushes its own and ends it
    # before the server reads the body; the pieces are read after, one by one
    server = contextvars.Context()
    url = f"/staff/consultations/{consultation.id}/comments.csv"
    response = server.run(FlaskClient.open, client, url, buffered=False)
    assert "Content-Length" not in response.headers
    pieces = server.run(list, response.response)
    server.run(response.close)
    assert len(pieces) == 3  # rows 1-500, 501-1000 and the last 200
    assert pieces[0].startswith(b"\xef\xbb\xbf") and not pieces[1].startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(b"".join(pieces).decode("utf-8-sig"))))
    assert len(rows) == 1201
    assert rows[1200][4] == "1200番目の回答です。駅前の駐輪場を増やしてほしい。"
    assert rows[1200][rows[0].index("外部ID")] == "L1200"
    assert rows[1200][rows[0].index("言語")] == "日本語"
    # who took the residents' comments is recorded once the download starts
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.action == "comments.export")
        )
        == 1
    )


def exports_logged() -> int:
    return (
        db.session.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.action == "comments.export")
        )
        or 0
    )


def start_xlsx(client: FlaskClient, consultation: Consultation) -> str:
    """Press the Excel button of the comment list: the job runs (inline in tests), and the
    answer is its page."""
    page = listed(client, consultation)
    assert f'action="/staff/consultations/{consultation.id}/comments.xlsx"' in page
    response = post_form(client, f"/staff/consultations/{consultation.id}/comments.xlsx", {})
    assert response.status_code == 303
    assert f"/staff/consultations/{consultation.id}/exports/" in response.headers["Location"]
    return response.headers["Location"]


def test_xlsx_export_is_a_job_whose_page_offers_the_file(client, login, make_consultation):
    consultation = make_consultation()
    login(Role.PLANNER)
    paper_comment(consultation, "@SUM(1+1) 行政手続きをオンラインに")
    paper_comment(consultation, "窓口の待ち時間を短くしてほしい。")
    job_page = start_xlsx(client, consultation)
    page = client.get(job_page).get_data(as_text=True)
    assert "完了" in page and "状況を更新する" not in page
    assert exports_logged() == 0  # the file is made, nobody has taken it yet
    link = f"{job_page}.xlsx"
    assert f'href="{link}"' in page

    response = client.get(link)
    assert response.status_code == 200
    assert response.mimetype == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith(f"attachment; filename*=UTF-8''{consultation.slug}-comments-")
    assert disposition.endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(response.data)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][0] == "受付番号" and values[0][4] == "意見"
    assert len(values) == 3
    assert values[1][4] == "'@SUM(1+1) 行政手続きをオンラインに"  # shown as text, not run
    assert values[2][4] == "窓口の待ち時間を短くしてほしい。"
    # who took the residents' comments is recorded, at each download
    assert exports_logged() == 1
    entry = db.session.scalars(select(AuditEntry)).all()[-1]
    assert entry.target == f"consultation:{consultation.slug}"
    assert entry.details == {"format": "xlsx"}


def test_xlsx_job_page_says_how_far_it_is_in_plain_japanese(client, login, make_consultation):
    consultation = make_consultation()
    user = login(Role.PLANNER)
    job = Job(
        kind=JobKind.COMMENTS_XLSX,
        consultation_id=consultation.id,
        created_by_id=user.id,
        status=JobStatus.RUNNING,
        progress=40,
        message="Excelファイルを作成しています（2000／5000件）",
        heartbeat_at=utcnow(),
    )
    db.session.add(job)
    db.session.commit()
    job_page = f"/staff/consultations/{consultation.id}/exports/{job.id}"
    page = client.get(job_page).get_data(as_text=True)
    assert "Excelファイルを作成しています（2000／5000件）" in page
    assert f'href="{job_page}"' in page and "状況を更新する" in page  # works without JavaScript
    assert "ダウンロードする" not in page
    status = client.get(f"{job_page}.json").json
    assert status["status"] == "running" and status["progress"] == 40
    assert client.get(f"{job_page}.xlsx").status_code == 404  # no file before it is done

    jobs.fail(job.id, "処理中にエラーが起きました（OSError: ディスクがいっぱいです）")
    page = client.get(job_page).get_data(as_text=True)
    assert "Excelファイルを作成できませんでした。" in page and "ディスクがいっぱいです" in page
    assert "状況を更新する" not in page
    assert client.get(f"{job_page}.xlsx").status_code == 404
    assert exports_logged() == 0


def test_xlsx_export_needs_the_csrf_token_and_a_planner(
    app, client, login, make_consultation, make_user
):
    consultation = make_consultation()
    login(Role.PLANNER)
    paper_comment(consultation, "窓口の待ち時間を短くしてほしい。")
    refused = client.post(f"/staff/consultations/{consultation.id}/comments.xlsx")
    assert refused.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(Job)) == 0
    job_page = start_xlsx(client, consultation)

    # a facilitator may not start one, see one or take its file; a resident is sent to log in
    facilitator = app.test_client()
    user = make_user(Role.FACILITATOR)
    post_form(facilitator, "/staff/login", {"email": user.email, "password": PASSWORD})
    resident = app.test_client()
    for url in (job_page, f"{job_page}.json", f"{job_page}.xlsx"):
        assert facilitator.get(url).status_code == 403
        assert "/staff/login" in resident.get(url).headers["Location"]
    start = f"/staff/consultations/{consultation.id}/comments.xlsx"
    assert post_form(facilitator, start, {}).status_code == 403
    assert db.session.scalar(select(func.count()).select_from(Job)) == 1
    assert exports_logged() == 0


def test_xlsx_export_of_an_unknown_job_or_another_consultation_is_404(
    client, login, make_consultation
):
    consultation = make_consultation()
    other = make_consultation()
    login(Role.PLANNER)
    job_page = start_xlsx(client, consultation)
    job_id = int(job_page.rsplit("/", 1)[1])
    for consultation_id, job in ((consultation.id, job_id + 1), (other.id, job_id)):
        for suffix in ("", ".json", ".xlsx"):
            url = f"/staff/consultations/{consultation_id}/exports/{job}{suffix}"
            assert client.get(url).status_code == 404
    assert exports_logged() == 0


def test_an_excel_file_is_deleted_once_it_is_older_than_the_keep_time(
    app, client, login, make_consultation
):
    consultation = make_consultation()
    login(Role.PLANNER)
    paper_comment(consultation, "窓口の待ち時間を短くしてほしい。")
    job_page = start_xlsx(client, consultation)
    page = client.get(job_page).get_data(as_text=True)
    assert "作成から24時間でサーバーから削除します" in page
    first = exports_path(app, job_page)
    assert first.is_file()
    # a piece left by a run that crashed, a day old, and the finished file made 25 hours ago
    folder = first.parent
    leftover = folder / "999999.part"
    leftover.write_bytes(b"half")
    day_old = time.time() - 25 * 3600
    for path in (first, leftover):
        os.utime(path, (day_old, day_old))

    page = client.get(job_page).get_data(as_text=True)
    assert "24時間を過ぎたため削除しました" in page
    assert "ダウンロードする" not in page and "もう一度作成する" in page
    assert client.get(f"{job_page}.xlsx").status_code == 404
    assert not first.exists()
    assert exports_logged() == 0

    # the next export removes what is left over and keeps its own new file
    second_page = start_xlsx(client, consultation)
    second = exports_path(app, second_page)
    assert second.is_file() and not leftover.exists()
    assert client.get(f"{second_page}.xlsx").status_code == 200


def exports_path(app: Flask, job_page: str) -> Path:
    job_id = int(job_page.rsplit("/", 1)[1])
    return Path(app.instance_path) / "exports" / f"{job_id}.xlsx"
