from tests.conftest import PASSWORD, post_form


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
    # with the token, a wrong password is a wrong password
    response = post_form(client, "/staff/login", {"email": user.email, "password": "nope"})
    assert response.status_code == 401
    assert "メールアドレスまたはパスワードが正しくありません。" in response.get_data(as_text=True)
    assert client.get("/staff/").status_code == 302
    # and the right one logs in
    response = post_form(client, "/staff/login", {"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/staff/").status_code == 200
