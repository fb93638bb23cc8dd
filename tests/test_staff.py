"""Staff: login, the role matrix for every staff route, consultations, proxy entry, hide, export."""

from __future__ import annotations

import io
import re

import pytest
from click.testing import Result
from sqlalchemy import func, select

from tests.conftest import PASSWORD, future, past, post_form
from workshop.consultations import exports, import_jobs, imports, services
from workshop.extensions import db
from workshop.models import Attachment, Channel, Comment, Consultation, Role, User
from workshop.timeutil import today_tokyo

# every staff route, with the roles that may open it (admin may open all)
STAFF_ROUTES = [
    ("GET", "/staff/", {Role.PLANNER, Role.FACILITATOR}),
    ("GET", "/staff/audit", set()),
    ("GET", "/staff/consultations/new", {Role.PLANNER}),
    ("POST", "/staff/consultations/new", {Role.PLANNER}),
    ("GET", "/staff/consultations/{id}", {Role.PLANNER}),
    ("GET", "/staff/consultations/{id}/edit", {Role.PLANNER}),
    ("POST", "/staff/consultations/{id}/edit", {Role.PLANNER}),
    ("POST", "/staff/consultations/{id}/attachments", {Role.PLANNER}),
    ("GET", "/staff/consultations/{id}/comments", {Role.PLANNER}),
    ("GET", "/staff/consultations/{id}/comments/new", {Role.PLANNER}),
    ("POST", "/staff/consultations/{id}/comments/new", {Role.PLANNER}),
    ("POST", "/staff/consultations/{id}/comments/{comment}/hide", {Role.PLANNER}),
    ("POST", "/staff/consultations/{id}/comments/{comment}/unhide", {Role.PLANNER}),
    ("GET", "/staff/consultations/{id}/comments.csv", {Role.PLANNER}),
    ("POST", "/staff/consultations/{id}/comments.xlsx", {Role.PLANNER}),
    ("GET", "/staff/consultations/{id}/exports/{job}", {Role.PLANNER}),
    ("GET", "/staff/consultations/{id}/exports/{job}.json", {Role.PLANNER}),
    ("GET", "/staff/consultations/{id}/exports/{job}.xlsx", {Role.PLANNER}),
    ("GET", "/staff/consultations/{id}/import", {Role.PLANNER}),
    ("POST", "/staff/consultations/{id}/import", {Role.PLANNER}),
    ("POST", "/staff/consultations/{id}/import/columns", {Role.PLANNER}),
    ("GET", "/staff/consultations/{id}/imports/{job}", {Role.PLANNER}),
    ("GET", "/staff/consultations/{id}/imports/{job}.json", {Role.PLANNER}),
    ("GET", "/staff/consultations/{id}/links", {Role.PLANNER}),
    ("POST", "/staff/consultations/{id}/links", {Role.PLANNER}),
    ("GET", "/staff/consultations/{id}/links.csv", {Role.PLANNER}),
    ("POST", "/staff/consultations/{id}/links/{link}/revoke", {Role.PLANNER}),
]


def paper_comment(consultation: Consultation, body: str = "紙で出した意見です。", **kw) -> Comment:
    return services.enter_comment(
        consultation.id,
        services.CommentInput(body=body, **kw),
        channel=Channel.PAPER,
        received_on=today_tokyo(),
        staff_id=db.session.scalars(select(User.id)).first(),
    )


def test_every_staff_route_is_covered_by_the_matrix(app):
    staff_rules = {
        (method, re.sub(r"<(?:int:)?(\w+)>", "{}", rule.rule))
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/staff/")
        and rule.endpoint.startswith(("staff.", "consultations_staff."))
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    listed = {(method, re.sub(r"\{\w+\}", "{}", path)) for method, path, _ in STAFF_ROUTES}
    assert staff_rules == listed


@pytest.mark.parametrize("role", [None, Role.FACILITATOR, Role.PLANNER, Role.ADMIN])
@pytest.mark.parametrize(("method", "path", "allowed"), STAFF_ROUTES)
def test_role_matrix(client, login, make_consultation, make_user, role, method, path, allowed):
    consultation = make_consultation()
    make_user(Role.ADMIN)  # someone to have entered the paper comment
    comment = paper_comment(consultation)
    if role is not None:
        login(role)
    job_id = 0
    if "{job}" in path:  # an Excel file or an import by a planner (jobs run inline in tests)
        planner = db.session.scalars(select(User.id)).first()
        if "/imports/" in path:
            upload = imports.keep_upload(
                consultation.id, "ID,意見\r\n1,バスを増やして\r\n".encode()
            )
            mapping = imports.Mapping(text_column="意見", id_column="ID")
            job = import_jobs.start_import(
                consultation, upload, mapping, Channel.IMPORT, staff_id=planner
            )
        else:
            job = exports.start_xlsx(consultation, staff_id=planner)
        job_id = job.id
    (link,) = services.create_links(consultation.id, services.LinkInput(label="", max_uses=1))
    url = path.format(id=consultation.id, comment=comment.id, job=job_id, link=link.id)
    if method == "GET":
        response = client.get(url)
    else:
        response = post_form(client, url, {"reason": "テスト"})
    if role is None:
        assert response.status_code == 302
        assert "/staff/login" in response.headers["Location"]
    elif role is Role.ADMIN or role in allowed:
        assert response.status_code not in (
            302,
            401,
            403,
        ) or "/staff/login" not in response.headers.get("Location", "")
        assert response.status_code != 403
    else:
        assert response.status_code == 403
        assert "権限がありません" in response.get_data(as_text=True)


def test_wrong_password_gets_japanese_message(client, make_user):
    user = make_user()
    response = post_form(
        client, "/staff/login", {"email": user.email, "password": "wrong-password"}
    )
    assert response.status_code == 401
    assert "メールアドレスまたはパスワードが正しくありません" in response.get_data(as_text=True)


def test_login_ignores_email_case_and_redirects_only_inside(client, make_user):
    user = make_user()
    response = post_form(
        client,
        "/staff/login?next=https://evil.example/",
        {"email": user.email.upper(), "password": PASSWORD},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/staff/"


def test_users_create_cli_prompts_for_password(app):
    runner = app.test_cli_runner()
    result: Result = runner.invoke(
        args=["users", "create", "kikaku@city.example.jp", "--role", "planner"],
        input="long-enough-pass\nlong-enough-pass\n",
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalars(select(User)).one()
    assert user.role is Role.PLANNER
    assert user.password_hash != "long-enough-pass" and user.check_password("long-enough-pass")
    short = runner.invoke(
        args=["users", "create", "b@city.example.jp", "--role", "admin"], input="short\nshort\n"
    )
    assert short.exit_code != 0 and "10文字以上" in short.output


def consultation_form(**overrides):
    data = {
        "title": "みどり市子育て支援計画（素案）",
        "slug": "kosodate-2027",
        "receipt_prefix": "KO",
        "opens_on": past(1).isoformat(),
        "closes_on": future(40).isoformat(),
        "summary": "子育て支援の計画です。",
        "body": "## 概要\n\n保育園の申請をオンラインにします。",
        "sections": "第1章 はじめに\n第2章 保育園の申請",
        "districts": "中央地区\n北山地区",
        "video_url": "",
    }
    data.update(overrides)
    return data


@pytest.mark.both_dbs
def test_planner_creates_consultation(client, login):
    login(Role.PLANNER)
    response = post_form(client, "/staff/consultations/new", consultation_form())
    assert response.status_code == 303
    consultation = db.session.scalars(select(Consultation)).one()
    assert [s.heading for s in consultation.sections] == ["第1章 はじめに", "第2章 保育園の申請"]
    assert consultation.districts == ["中央地区", "北山地区"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "意見募集を作成しました" in page
    assert "行政手続法" not in page


def test_short_period_warns_but_saves(client, login):
    login(Role.PLANNER)
    response = post_form(
        client,
        "/staff/consultations/new",
        consultation_form(closes_on=future(10).isoformat()),
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "行政手続法第39条" in page
    assert db.session.scalar(select(func.count(Consultation.id))) == 1


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"title": ""}, "件名を入力してください"),
        ({"slug": "DX Plan!"}, "スラッグは半角の小文字英数字"),
        ({"opens_on": "2026-13-45"}, "日付は 2026-11-23 の形で"),
        ({"closes_on": past(30).isoformat()}, "締切日は開始日より後"),
        ({"video_url": "http://example.jp/v"}, "https:// で始まる"),
        ({"title": "計" * 201}, "200文字以内"),
    ],
)
def test_bad_consultation_input(client, login, overrides, message):
    login(Role.PLANNER)
    response = post_form(client, "/staff/consultations/new", consultation_form(**overrides))
    assert response.status_code in (400, 422)
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Consultation.id))) == 0


def test_duplicate_slug_is_refused(client, login, make_consultation):
    make_consultation(slug="kosodate-2027")
    login(Role.PLANNER)
    response = post_form(client, "/staff/consultations/new", consultation_form())
    assert response.status_code == 409
    assert "既に使われています" in response.get_data(as_text=True)


def test_section_with_comments_cannot_be_dropped(client, login, make_consultation):
    consultation = make_consultation()
    first = consultation.sections[0]
    paper_comment(consultation, section_id=first.id)
    login(Role.PLANNER)
    form = consultation_form(slug=consultation.slug, sections="第2章 基本目標\n第3章 新しい章")
    response = post_form(client, f"/staff/consultations/{consultation.id}/edit", form)
    assert response.status_code == 400
    assert "意見が寄せられているため、削除できません" in response.get_data(as_text=True)
    db.session.expire_all()
    assert [s.heading for s in consultation.sections] == ["第1章 計画の概要", "第2章 基本目標"]


def test_consultations_create_cli(app):
    result = app.test_cli_runner().invoke(
        args=[
            "consultations", "create", "--slug", "dx-2027", "--title", "DX推進計画（素案）",
            "--opens", "2027-01-05", "--closes", "2027-01-20", "--prefix", "DX",
        ]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "created consultation" in result.output
    assert "30日以上" in result.output  # the 16-day period is warned about
    consultation = db.session.scalars(select(Consultation)).one()
    assert consultation.closes_on.isoformat() == "2027-01-20"


def test_consultations_create_cli_without_prefix_picks_a_free_one(app, make_consultation):
    make_consultation(receipt_prefix="PC")
    runner = app.test_cli_runner()
    dates = ["--opens", "2027-01-05", "--closes", "2027-02-20"]
    first = runner.invoke(
        args=["consultations", "create", "--slug", "parks-2027", "--title", "公園計画", *dates]
    )
    assert first.exit_code == 0, first.output
    assert "receipt prefix: PC2" in first.output
    second = runner.invoke(
        args=["consultations", "create", "--slug", "roads-2027", "--title", "道路計画", *dates]
    )
    assert second.exit_code == 0, second.output
    assert "receipt prefix: PC3" in second.output
    prefixes = db.session.scalars(select(Consultation.receipt_prefix).order_by(Consultation.id))
    assert list(prefixes) == ["PC", "PC2", "PC3"]


PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def upload(client, consultation, content: bytes, name: str):
    return post_form(
        client,
        f"/staff/consultations/{consultation.id}/attachments",
        {"title": "素案 本編", "file": (io.BytesIO(content), name)},
        content_type="multipart/form-data",
        follow_redirects=True,
    )


def test_pdf_attachment_is_stored_under_generated_name(app, client, login, make_consultation):
    consultation = make_consultation()
    login(Role.PLANNER)
    page = upload(client, consultation, PDF, "../../etc/素案.pdf").get_data(as_text=True)
    assert "資料を追加しました" in page
    attachment = db.session.scalars(select(Attachment)).one()
    assert re.fullmatch(r"[0-9a-f]{32}\.pdf", attachment.stored_name)
    assert attachment.original_name == "素案.pdf"
    public = client.get(f"/consultations/{consultation.slug}/attachments/{attachment.id}")
    assert public.status_code == 200 and public.data == PDF
    assert public.mimetype == "application/pdf"


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"MZ\x90\x00 not a pdf", "plan.pdf", "PDFファイルとして読み取れませんでした"),
        (PDF, "plan.exe", "PDFファイルだけです"),
    ],
)
def test_bad_attachment_is_refused(app, client, login, make_consultation, content, name, message):
    consultation = make_consultation()
    login(Role.PLANNER)
    page = upload(client, consultation, content, name).get_data(as_text=True)
    assert message in page
    assert db.session.scalar(select(func.count(Attachment.id))) == 0


def test_oversized_attachment_is_refused(app, client, login, make_consultation):
    app.config["MAX_ATTACHMENT_BYTES"] = 1000
    consultation = make_consultation()
    login(Role.PLANNER)
    page = upload(client, consultation, PDF + b"0" * 2000, "big.pdf").get_data(as_text=True)
    assert "MB以内" in page
    assert db.session.scalar(select(func.count(Attachment.id))) == 0


def proxy_form(**overrides):
    data = {
        "channel": "paper",
        "received_on": today_tokyo().isoformat(),
        "body": "郵送で失礼します。市役所の窓口で手続きの相談ができると安心です。",
        "age_group": "80_plus",
        "district": "北山地区",
    }
    data.update(overrides)
    return data


@pytest.mark.both_dbs
def test_proxy_entry_gets_receipt_number(client, login, make_consultation):
    consultation = make_consultation()
    staff = login(Role.PLANNER)
    response = post_form(
        client,
        f"/staff/consultations/{consultation.id}/comments/new",
        proxy_form(),
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert re.search(r"受付番号は DX-\d{4}-000001 です", page)
    comment = db.session.scalars(select(Comment)).one()
    assert comment.channel is Channel.PAPER
    assert comment.entered_by_id == staff.id


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"received_on": future(1).isoformat()}, "未来の日付"),
        ({"received_on": past(30).isoformat()}, "募集期間"),
        ({"received_on": "昨日"}, "日付は 2026-11-23 の形で"),
        ({"channel": "web"}, "一覧から選んでください"),
        ({"body": ""}, "ご意見を入力してください"),
    ],
)
def test_bad_proxy_entry(client, login, make_consultation, overrides, message):
    consultation = make_consultation()
    login(Role.PLANNER)
    response = post_form(
        client, f"/staff/consultations/{consultation.id}/comments/new", proxy_form(**overrides)
    )
    assert response.status_code in (400, 422)
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Comment.id))) == 0


def test_paper_comment_after_close_with_postmark_in_period(client, login, make_consultation):
    consultation = make_consultation(opens_on=past(40), closes_on=past(2))
    login(Role.PLANNER)
    response = post_form(
        client,
        f"/staff/consultations/{consultation.id}/comments/new",
        proxy_form(received_on=past(3).isoformat(), channel="fax"),
    )
    assert response.status_code == 303
    comment = db.session.scalars(select(Comment)).one()
    assert comment.received_on == past(3)
    assert comment.channel is Channel.FAX


def test_admin_reads_the_audit_log(client, login, make_consultation):
    consultation = make_consultation()
    login(Role.ADMIN)
    comment = paper_comment(consultation, "公表しない理由を記録する")
    post_form(
        client,
        f"/staff/consultations/{consultation.id}/comments/{comment.id}/hide",
        {"reason": "個人情報を含むため"},
    )
    client.get(f"/staff/consultations/{consultation.id}/comments.csv")
    page = client.get("/staff/audit").get_data(as_text=True)
    assert "comment.hide" in page and "個人情報を含むため" in page
    assert "comments.export" in page and "staff.login" in page


def test_receipt_prefix_of_another_consultation_is_refused(client, login, make_consultation):
    make_consultation(receipt_prefix="KO", title="みどり市公共施設計画（素案）")
    login(Role.PLANNER)
    response = post_form(client, "/staff/consultations/new", consultation_form(receipt_prefix="KO"))
    assert response.status_code == 400
    assert "「KO」は「みどり市公共施設計画（素案）」で使われています" in response.get_data(
        as_text=True
    )
    assert db.session.scalar(select(func.count(Consultation.id))) == 1
