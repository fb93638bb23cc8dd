"""Who may answer: anyone, the holder of a private link (once, or a set number of times), or
the city's staff (once each, anonymously if so set). The links are made by planners."""

from __future__ import annotations

import csv
import io
import re

import pytest
from sqlalchemy import func, select

from tests.conftest import post_form
from workshop.extensions import db
from workshop.models import AnswerLink, Audience, Comment, Consultation, Role, StaffResponse

TOKEN = re.compile(r'name="submission_token" value="([^"]+)"')
BODY = "アンケートの結果を市の広報でも教えてください。"
NEEDS_LINK = "市からお送りしたリンクからお答えいただけます"
USED_UP = "回答できる回数に達したため使えません"


def comment_count() -> int:
    return db.session.scalar(select(func.count(Comment.id))) or 0


def set_audience(consultation: Consultation, audience: Audience, anonymous: bool = False) -> None:
    consultation.audience = audience
    consultation.staff_anonymous = anonymous
    db.session.commit()


def make_link(consultation: Consultation, max_uses: int = 1) -> AnswerLink:
    link = AnswerLink(
        consultation_id=consultation.id, label="抽出パネル", max_uses=max_uses, uses=0
    )
    db.session.add(link)
    db.session.commit()
    return link


def confirm_page(client, consultation: Consultation, link: str = "") -> tuple[int, str]:
    data = {"body": BODY} | ({"link": link} if link else {})
    response = post_form(client, f"/consultations/{consultation.slug}/confirm", data)
    return response.status_code, response.get_data(as_text=True)


def submit_from(client, consultation: Consultation, page: str, link: str = ""):
    data = {"body": BODY, "submission_token": TOKEN.search(page).group(1), "action": "submit"}  # type: ignore[union-attr]
    return post_form(client, f"/consultations/{consultation.slug}/comments", data | {"link": link})


def answer(client, consultation: Consultation, link: str = ""):
    _, page = confirm_page(client, consultation, link)
    return submit_from(client, consultation, page, link)


@pytest.mark.both_dbs
def test_only_public_consultations_are_listed(client, make_consultation):
    public = make_consultation(title="公開の意見募集")
    by_link = make_consultation(title="パネル調査（リンクの方のみ）")
    staff = make_consultation(title="職員DX研修アンケート")
    set_audience(by_link, Audience.LINK)
    set_audience(staff, Audience.STAFF)
    page = client.get("/").get_data(as_text=True)
    assert public.title in page
    assert by_link.title not in page and staff.title not in page


def test_without_a_link_the_page_says_how_to_answer_and_takes_nothing(client, make_consultation):
    consultation = make_consultation()
    set_audience(consultation, Audience.LINK)
    assert client.get(f"/consultations/{consultation.slug}").headers["Referrer-Policy"] == (
        "same-origin"  # the site's own policy where no token is in the address
    )
    for link in ("", "not-a-real-token", "x" * 500):
        response = client.get(f"/consultations/{consultation.slug}?link={link}")
        page = response.get_data(as_text=True)
        assert response.status_code == 403
        assert NEEDS_LINK in page and 'name="body"' not in page
        status, _ = confirm_page(client, consultation, link)
        assert status == 403
    assert comment_count() == 0


@pytest.mark.both_dbs
def test_a_one_use_link_answers_once_and_a_double_click_is_one_answer(client, make_consultation):
    consultation = make_consultation()
    set_audience(consultation, Audience.LINK)
    link = make_link(consultation)
    response = client.get(f"/consultations/{consultation.slug}?link={link.token}")
    assert response.status_code == 200
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert f'name="link" value="{link.token}"' in response.get_data(as_text=True)

    _, page = confirm_page(client, consultation, link.token)
    first = submit_from(client, consultation, page, link.token)
    again = submit_from(client, consultation, page, link.token)  # the same page, sent twice
    assert first.status_code == again.status_code == 303
    assert first.headers["Location"] == again.headers["Location"]
    db.session.refresh(link)
    assert link.uses == 1 and comment_count() == 1

    # a new answer by the same link is refused, and says why
    status, page = confirm_page(client, consultation, link.token)
    assert status == 403 and USED_UP in page
    assert comment_count() == 1


@pytest.mark.both_dbs
def test_a_shared_link_takes_its_set_number_of_answers(client, make_consultation):
    consultation = make_consultation()
    set_audience(consultation, Audience.LINK)
    link = make_link(consultation, max_uses=3)
    for _ in range(3):
        assert answer(client, consultation, link.token).status_code == 303
    refused = answer_or_page(client, consultation, link.token)
    assert USED_UP in refused
    assert comment_count() == 3


def answer_or_page(client, consultation: Consultation, link: str) -> str:
    status, page = confirm_page(client, consultation, link)
    assert status == 403
    return page


@pytest.mark.both_dbs
def test_a_link_used_up_between_confirmation_and_submit_stores_nothing(client, make_consultation):
    consultation = make_consultation()
    set_audience(consultation, Audience.LINK)
    link = make_link(consultation)
    _, page = confirm_page(client, consultation, link.token)
    _, other_page = confirm_page(client, consultation, link.token)  # a second tab
    assert submit_from(client, consultation, page, link.token).status_code == 303
    late = submit_from(client, consultation, other_page, link.token)
    assert late.status_code == 403 and USED_UP in late.get_data(as_text=True)
    assert comment_count() == 1


def test_a_revoked_link_is_refused(client, make_consultation, login):
    consultation = make_consultation()
    set_audience(consultation, Audience.LINK)
    link = make_link(consultation)
    login(Role.PLANNER)
    response = post_form(
        client, f"/staff/consultations/{consultation.id}/links/{link.id}/revoke", {}
    )
    assert response.status_code == 303
    client.post("/staff/logout", data={})
    status, page = confirm_page(client, consultation, link.token)
    assert status == 403 and USED_UP in page


def test_staff_only_asks_for_a_login(client, make_consultation):
    consultation = make_consultation()
    set_audience(consultation, Audience.STAFF)
    response = client.get(f"/consultations/{consultation.slug}")
    assert response.status_code == 302
    assert "/staff/login" in response.headers["Location"]
    status, _ = confirm_page(client, consultation)
    assert status == 403
    assert comment_count() == 0


@pytest.mark.both_dbs
def test_anonymous_staff_answers_once_and_nothing_ties_the_answer_to_them(
    client, make_consultation, login
):
    consultation = make_consultation(title="職員DX研修アンケート")
    set_audience(consultation, Audience.STAFF, anonymous=True)
    user = login(Role.FACILITATOR)
    page = client.get(f"/consultations/{consultation.slug}").get_data(as_text=True)
    assert "回答は<strong>匿名</strong>で、あなたのアカウントと結びつけずに保存します" in page
    assert "職員DX研修アンケート" in client.get("/staff/").get_data(as_text=True)

    assert answer(client, consultation).status_code == 303
    comment = db.session.scalars(select(Comment)).one()
    assert comment.entered_by_id is None and comment.name is None
    record = db.session.get(StaffResponse, (consultation.id, user.id))
    assert record is not None and record.comment_id is None

    again = client.get(f"/consultations/{consultation.slug}").get_data(as_text=True)
    assert "すでに回答していただいています" in again and 'name="body"' not in again
    status, _ = confirm_page(client, consultation)
    assert status == 409
    assert comment_count() == 1


@pytest.mark.both_dbs
def test_named_staff_answers_are_kept_with_the_account(client, make_consultation, login):
    consultation = make_consultation()
    set_audience(consultation, Audience.STAFF, anonymous=False)
    user = login(Role.PLANNER)
    page = client.get(f"/consultations/{consultation.slug}").get_data(as_text=True)
    assert "あなたの職員アカウントと一緒に記録します" in page
    assert answer(client, consultation).status_code == 303
    record = db.session.get(StaffResponse, (consultation.id, user.id))
    assert record is not None
    assert record.comment_id == db.session.scalars(select(Comment.id)).one()


@pytest.mark.both_dbs
def test_anonymity_cannot_change_once_answers_are_in(client, make_consultation, login):
    consultation = make_consultation()
    set_audience(consultation, Audience.STAFF, anonymous=True)
    login(Role.PLANNER)
    assert answer(client, consultation).status_code == 303
    edit = f"/staff/consultations/{consultation.id}/edit"
    form = client.get(edit).get_data(as_text=True)
    assert 'value="staff" checked' in form or re.search(r'checked[^>]*value="staff"', form)
    data = {
        "title": consultation.title,
        "slug": consultation.slug,
        "receipt_prefix": consultation.receipt_prefix,
        "opens_on": consultation.opens_on.isoformat(),
        "closes_on": consultation.closes_on.isoformat(),
        "audience": "staff",
        # staff_anonymous unticked
    }
    response = post_form(client, edit, data)
    assert "匿名で集めるかどうかは変えられません" in response.get_data(as_text=True)
    db.session.refresh(consultation)
    assert consultation.staff_anonymous is True


@pytest.mark.both_dbs
def test_planners_make_links_and_download_them(app, client, make_consultation, login):
    consultation = make_consultation()
    set_audience(consultation, Audience.LINK)
    login(Role.PLANNER)
    path = f"/staff/consultations/{consultation.id}/links"
    response = post_form(client, path, {"label": "第二中学校3年", "max_uses": "３５", "count": "2"})
    assert response.status_code == 303
    links = db.session.scalars(select(AnswerLink).order_by(AnswerLink.id)).all()
    assert [(link.label, link.max_uses) for link in links] == [
        ("第二中学校3年 1", 35),
        ("第二中学校3年 2", 35),
    ]
    assert len({link.token for link in links}) == 2
    page = client.get(path).get_data(as_text=True)
    assert links[0].token in page

    download = client.get(path.replace("/links", "/links.csv"))
    rows = list(csv.reader(io.StringIO(download.get_data().decode("utf-8-sig"))))
    base = app.config["PUBLIC_BASE_URL"].rstrip("/")
    assert rows[0] == ["名前", "リンク", "回答できる回数", "回答された回数"]
    assert rows[1][1] == f"{base}/consultations/{consultation.slug}?link={links[0].token}"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"max_uses": "0", "count": "1"}, "回答できる回数は1から10,000までです。"),
        ({"max_uses": "たくさん", "count": "1"}, "数字で入力してください"),
        ({"max_uses": "", "count": "1"}, "回答できる回数を数字で入力してください。"),
        ({"max_uses": "1", "count": "1001"}, "一度に作れるリンクは1から1,000までです。"),
        (
            {"max_uses": "1", "count": "1", "label": "あ" * 101},
            "名前は100文字以内で入力してください。",
        ),
    ],
)
def test_bad_link_requests_are_said_by_the_field(client, make_consultation, login, data, message):
    consultation = make_consultation()
    login(Role.PLANNER)
    response = post_form(client, f"/staff/consultations/{consultation.id}/links", data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(AnswerLink.id))) == 0


def test_links_need_a_planner_and_a_csrf_token(client, make_consultation, login):
    consultation = make_consultation()
    path = f"/staff/consultations/{consultation.id}/links"
    assert client.get(path).status_code == 302  # to the login page
    login(Role.FACILITATOR)
    assert client.get(path).status_code == 403
    client.post("/staff/logout", data={})
    login(Role.PLANNER)
    response = client.post(path, data={"max_uses": "1", "count": "1"})
    assert response.status_code == 400
    assert db.session.scalar(select(func.count(AnswerLink.id))) == 0
