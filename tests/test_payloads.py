"""Hostile input in every form and import: stored as typed, shown escaped, never executed."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from tests.conftest import csrf_token, post_form
from tests.test_consultations_staff import start_xlsx
from tests.test_imports import import_report
from tests.test_workshops import workshop_factory
from workshop.extensions import db
from workshop.models import Attachment, AuditEntry, Comment, Consultation, Registration, Role
from workshop.timeutil import today_tokyo

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'
SQL_LIKE = "'; DROP TABLE comment; -- \" OR 1=1 /*"
ODD_UNICODE = "𠮷野家の\u200bゼロ幅 e\u0301 🇯🇵 \u202e逆向き\u202c ｶﾀｶﾅ"
FORMULA = "=cmd|' /C calc'!A0"
PAYLOADS = [XSS, SQL_LIKE, ODD_UNICODE, FORMULA, "+1+1", "@SUM(A1)", "-2+3"]
TOKEN = re.compile(r'name="submission_token"[^>]*value="([^"]+)"')
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def make_workshop(app):
    return workshop_factory()


def assert_escaped(html: str) -> None:
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert "onerror=alert" not in html or "&lt;img" in html


def send_comment(client, consultation: Consultation, **fields):
    data = {"body": "公園にベンチを。", **fields}
    confirm = post_form(client, f"/consultations/{consultation.slug}/confirm", data)
    assert confirm.status_code == 200, confirm.get_data(as_text=True)
    assert_escaped(confirm.get_data(as_text=True))
    token = TOKEN.search(confirm.get_data(as_text=True))
    assert token
    path = f"/consultations/{consultation.slug}/comments"
    return post_form(client, path, {**data, "submission_token": token.group(1)})


def export_rows(client, consultation: Consultation) -> list[list[str]]:
    response = client.get(f"/staff/consultations/{consultation.id}/comments.csv")
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))


def assert_neutralised(cells: list[str]) -> None:
    for cell in cells:
        assert not cell.startswith(("=", "+", "-", "@")), cell


# ---------------------------------------------------------------- residents' forms


@pytest.mark.both_dbs
@pytest.mark.parametrize("payload", PAYLOADS)
def test_comment_payload_is_stored_as_typed_shown_escaped_and_exported_inert(
    client, login, make_consultation, payload
):
    consultation = make_consultation()
    response = send_comment(client, consultation, body=payload, name=payload)
    assert response.status_code == 303
    receipt = client.get(response.headers["Location"]).get_data(as_text=True)
    assert_escaped(receipt)
    comment = db.session.scalars(select(Comment)).one()
    assert comment.body == payload and comment.name == payload

    login(Role.PLANNER)
    assert_escaped(client.get(f"/staff/consultations/{consultation.id}/comments").text)
    rows = export_rows(client, consultation)
    assert_neutralised(rows[1])
    body = rows[1][rows[0].index("意見")]
    assert body in {payload, "'" + payload}
    xlsx = client.get(start_xlsx(client, consultation) + ".xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.data)).active
    cells = [str(v) for v in next(sheet.iter_rows(min_row=2, values_only=True)) if v]
    assert_neutralised(cells)


@pytest.mark.both_dbs
@pytest.mark.parametrize("payload", [XSS, SQL_LIKE, ODD_UNICODE, FORMULA])
def test_sign_up_payload_is_stored_as_typed_and_roster_is_inert(
    client, login, make_workshop, payload
):
    workshop = make_workshop(facilitators=[login(Role.FACILITATOR)])
    data = {"name": payload, "email": "hanako@example.jp", "district": payload}
    data["needs_other"] = payload
    response = post_form(client, f"/workshops/{workshop.id}/register", data)
    assert response.status_code == 303, response.get_data(as_text=True)
    status_page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert_escaped(status_page)
    registration = db.session.scalars(select(Registration)).one()
    assert registration.name == payload and registration.district == payload

    assert_escaped(client.get(f"/staff/workshops/{workshop.id}").text)
    roster = client.get(f"/staff/workshops/{workshop.id}/roster.csv")
    rows = list(csv.reader(io.StringIO(roster.data.decode("utf-8-sig"))))
    assert any(payload in cell for cell in rows[1])
    assert_neutralised(rows[1])


def test_malformed_utf8_in_a_form_is_answered_not_crashed(client, make_consultation):
    consultation = make_consultation()
    token = csrf_token(client).encode()
    body = b"csrf_token=" + token + b"&body=%FF%FE%80%C3%28abc&name=%ED%A0%80"
    response = client.post(
        f"/consultations/{consultation.slug}/confirm",
        data=body,
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code in {200, 400, 422}
    assert "abc" in response.get_data(as_text=True) or response.status_code != 200


@pytest.mark.parametrize(
    "path", ["/consultations/%FF%FE", "/consultations/..%2F..%2Fetc%2Fpasswd", "/workshops/r/%80"]
)
def test_odd_bytes_in_addresses_are_not_found(client, path):
    response = client.get(path)
    assert response.status_code in {400, 404}
    assert '<html lang="ja">' in response.get_data(as_text=True)


def test_sql_like_check_in_code_and_search_are_plain_text(client, login, make_workshop):
    workshop = make_workshop(facilitators=[login(Role.FACILITATOR)])
    path = f"/staff/workshops/{workshop.id}/check-in"
    response = post_form(client, path, {"code": SQL_LIKE})
    assert response.status_code in {400, 404, 409, 422}
    page = client.get(path, query_string={"q": SQL_LIKE + XSS})
    assert page.status_code == 200
    assert_escaped(page.get_data(as_text=True))


# ---------------------------------------------------------------- staff forms


def test_consultation_form_payloads_are_escaped_on_public_pages(client, login):
    login(Role.PLANNER)
    data = {
        "title": XSS,
        "slug": "safe-plan",
        "receipt_prefix": "PC",
        "opens_on": "2026-01-01",
        "closes_on": "2099-12-31",
        "summary": XSS + SQL_LIKE,
        "body": XSS + "\n\n[link](javascript:alert(1))\n\n<iframe src=//evil>",
        "sections": FORMULA,
        "districts": ODD_UNICODE,
    }
    response = post_form(client, "/staff/consultations/new", data)
    assert response.status_code == 303, response.get_data(as_text=True)
    for path in ("/", "/consultations/safe-plan"):
        page = client.get(path).get_data(as_text=True)
        assert_escaped(page)
        assert 'href="javascript:' not in page and "<iframe" not in page
    assert db.session.scalars(select(Consultation)).one().title == XSS


def test_proxy_entry_hide_reason_and_audit_page_are_escaped(client, login, make_consultation):
    consultation = make_consultation()
    login(Role.ADMIN)
    path = f"/staff/consultations/{consultation.id}/comments/new"
    data = {
        "channel": "paper",
        "received_on": today_tokyo().isoformat(),
        "body": FORMULA,
        "name": XSS,
    }
    response = post_form(client, path, data)
    assert response.status_code == 303, response.get_data(as_text=True)
    comment = db.session.scalars(select(Comment)).one()
    assert comment.body == FORMULA
    hide = f"/staff/consultations/{consultation.id}/comments/{comment.id}/hide"
    assert post_form(client, hide, {"reason": XSS}).status_code == 303
    assert_escaped(client.get(f"/staff/consultations/{consultation.id}/comments").text)
    assert_escaped(client.get("/staff/audit").text)
    assert_neutralised(export_rows(client, consultation)[1])


def test_workshop_form_and_walk_in_are_escaped_and_inert(
    client, login, make_consultation, make_workshop
):
    consultation = make_consultation()
    facilitator = login(Role.FACILITATOR)
    form = {
        "title": XSS,
        "description": XSS,
        "format": "in_person",
        "starts_at": "2099-05-01 10:00",
        "ends_at": "2099-05-01 12:00",
        "venue": SQL_LIKE,
        "map_url": "javascript:alert(1)",
        "capacity": "10",
        "questions": FORMULA,
    }
    refused = post_form(client, "/staff/workshops/new", form)
    assert refused.status_code == 400
    assert "https:// で始まる" in refused.get_data(as_text=True)
    assert_escaped(refused.get_data(as_text=True))
    response = post_form(client, "/staff/workshops/new", {**form, "map_url": ""})
    assert response.status_code == 303, response.get_data(as_text=True)
    assert_escaped(client.get(response.headers["Location"]).text)
    assert_escaped(client.get("/workshops/").text)

    workshop = make_workshop(consultation_id=consultation.id, facilitators=[facilitator])
    walk_in = {"name": XSS, "furigana": "", "district": FORMULA}
    post_form(client, f"/staff/workshops/{workshop.id}/walk-ins", walk_in)
    page = client.get(f"/staff/workshops/{workshop.id}/check-in").get_data(as_text=True)
    assert_escaped(page)
    roster = client.get(f"/staff/workshops/{workshop.id}/roster.csv")
    for row in csv.reader(io.StringIO(roster.data.decode("utf-8-sig"))):
        assert_neutralised(row)


# ---------------------------------------------------------------- CSV import


def import_csv(client, consultation: Consultation, raw: bytes, filename: str = "line.csv"):
    data = {
        "file": (io.BytesIO(raw), filename),
        "text_column": "ご意見",
        "id_column": "回答ID",
        "district": "地区",
        "channel": "line",
    }
    return post_form(
        client,
        f"/staff/consultations/{consultation.id}/import",
        data,
        content_type="multipart/form-data",
    )


def test_import_payloads_are_stored_as_typed_and_exported_inert(client, login, make_consultation):
    consultation = make_consultation()
    login(Role.PLANNER)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["回答ID", "ご意見", "地区"])
    for number, payload in enumerate(PAYLOADS, start=1):
        writer.writerow([f"X{number}", payload, payload])
    response = import_csv(client, consultation, buffer.getvalue().encode("utf-8"), "../../x.csv")
    assert f"取り込み {len(PAYLOADS)}件" in import_report(client, response)
    stored = set(db.session.scalars(select(Comment.body)))
    assert stored == set(PAYLOADS)
    assert_escaped(client.get(f"/staff/consultations/{consultation.id}/comments").text)
    for row in export_rows(client, consultation)[1:]:
        assert_neutralised(row)


@pytest.mark.parametrize(
    "raw",
    [
        b"\xff\xfe\x00\x00\x80\x81",  # neither UTF-8 nor Shift_JIS
        b"",  # empty file
        b"\x00\x00\x00",  # NUL bytes
        '回答ID,ご意見\r\nX1,"閉じない引用符\r\n'.encode(),
        b"\xef\xbb\xbf" + "ID,別の列\r\n1,a\r\n".encode(),  # the opinion column is missing
        ("ご意見\r\n" + "あ" * 200_000 + "\r\n").encode(),  # beyond the csv module's cell limit
    ],
)
def test_broken_csv_is_refused_in_japanese_with_nothing_saved(
    client, login, make_consultation, raw
):
    consultation = make_consultation()
    login(Role.PLANNER)
    response = import_csv(client, consultation, raw)
    assert response.status_code in {200, 400, 422}
    assert re.search(r"[ぁ-んァ-ン]", response.get_data(as_text=True))
    if response.status_code != 200:
        assert db.session.scalars(select(Comment)).first() is None


# ---------------------------------------------------------------- uploads and sizes


def upload(client, consultation: Consultation, content: bytes, filename: str):
    return post_form(
        client,
        f"/staff/consultations/{consultation.id}/attachments",
        {"title": "", "file": (io.BytesIO(content), filename)},
        content_type="multipart/form-data",
        follow_redirects=True,
    )


@pytest.mark.parametrize(
    "content",
    [b"MZ\x90\x00 not a pdf", b"<html><script>alert(1)</script></html>", b"", b"PK\x03\x04zip"],
)
def test_non_pdf_named_pdf_is_refused(client, login, make_consultation, content):
    consultation = make_consultation()
    login(Role.PLANNER)
    page = upload(client, consultation, content, "計画書.pdf").get_data(as_text=True)
    assert "PDF" in page and "追加しました" not in page
    assert db.session.scalars(select(Attachment)).first() is None


@pytest.mark.parametrize(
    "filename",
    ["../../../etc/passwd.pdf", "..\\..\\windows\\evil.pdf", "/tmp/abs.pdf", "a\x00b.pdf"],
)
def test_path_traversal_names_are_stored_under_generated_names(
    app, client, login, make_consultation, filename
):
    consultation = make_consultation()
    login(Role.PLANNER)
    page = upload(client, consultation, PDF, filename).get_data(as_text=True)
    attachment = db.session.scalars(select(Attachment)).one_or_none()
    if attachment is None:
        assert "PDF" in page  # refused with a message is fine; written outside is not
        return
    folder = Path(app.config["UPLOAD_FOLDER"])
    assert re.fullmatch(r"[0-9a-f]{32}\.pdf", attachment.stored_name)
    assert [p.name for p in folder.iterdir()] == [attachment.stored_name]
    assert "/" not in attachment.original_name
    served = client.get(f"/consultations/{consultation.slug}/attachments/{attachment.id}")
    assert served.status_code == 200 and served.data == PDF
    assert served.headers["X-Content-Type-Options"] == "nosniff"


def test_oversized_attachment_is_refused_in_japanese(app, client, login, make_consultation):
    consultation = make_consultation()
    login(Role.PLANNER)
    app.config["MAX_ATTACHMENT_BYTES"] = 1024
    page = upload(client, consultation, PDF + b"0" * 2048, "big.pdf").get_data(as_text=True)
    assert "MB以内" in page
    assert db.session.scalars(select(Attachment)).first() is None


@pytest.mark.parametrize("path", ["/consultations/{slug}/confirm", "/staff/login"])
def test_oversized_body_gets_the_japanese_413_page(app, client, make_consultation, path):
    consultation = make_consultation()
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024
    token = csrf_token(client)
    response = client.post(
        path.format(slug=consultation.slug),
        data={"csrf_token": token, "body": "あ" * 100_000},
    )
    assert response.status_code == 413
    assert "送信されたデータが大きすぎます" in response.get_data(as_text=True)
    assert db.session.scalars(select(Comment)).first() is None


def test_audit_entries_are_written_for_payload_logins(client):
    post_form(client, "/staff/login", {"email": XSS[:40] + "@x.jp", "password": SQL_LIKE})
    entry = db.session.scalars(select(AuditEntry)).one()
    assert entry.action == "staff.login_failed"
