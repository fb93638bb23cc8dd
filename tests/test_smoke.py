from sqlalchemy import func, select

from tests.conftest import PASSWORD, post_form
from workshop.extensions import db
from workshop.models import AuditEntry, LoginFailure, User


def stored_login_traces(user_id: int) -> tuple[object, int, int]:
    db.session.expire_all()
    user = db.session.get(User, user_id)
    assert user is not None
    audits = db.session.scalar(select(func.count()).select_from(AuditEntry))
    failures = db.session.scalar(select(func.count()).select_from(LoginFailure))
    return user.last_login_at, audits or 0, failures or 0


def test_home_lists_open_consultation(client, make_consultation):
    make_consultation(title="みどり市DX推進計画（素案）への意見募集")
    page = client.get("/").get_data(as_text=True)
    assert "みどり市DX推進計画（素案）への意見募集" in page
    assert 'lang="ja"' in page


def test_login_needs_the_csrf_token_of_the_login_page(client, make_user):
    user = make_user()
    # the right password without the page's token: refused with a plain message, not logged in
    response = client.post("/staff/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400
    assert "ページを開き直してもう一度送信してください" in response.get_data(as_text=True)
    assert client.get("/staff/").status_code == 302  # still sent to the login page
    assert stored_login_traces(user.id) == (None, 0, 0)  # no login, no failure, no audit entry
    # with the token, a wrong password is a wrong password
    response = post_form(client, "/staff/login", {"email": user.email, "password": "nope"})
    assert response.status_code == 401
    assert "メールアドレスまたはパスワードが正しくありません。" in response.get_data(as_text=True)
    assert client.get("/staff/").status_code == 302
    # and the right one logs in
    response = post_form(client, "/staff/login", {"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/staff/").status_code == 200
