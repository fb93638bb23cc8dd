from tests.conftest import post_form


def test_home_lists_open_consultation(client, make_consultation):
    make_consultation(title="みどり市DX推進計画（素案）への意見募集")
    page = client.get("/").get_data(as_text=True)
    assert "みどり市DX推進計画（素案）への意見募集" in page
    assert 'lang="ja"' in page


def test_login_page_has_csrf(client):
    assert (
        post_form(client, "/staff/login", {"email": "x@example.jp", "password": "nope"}).status_code
        == 401
    )
