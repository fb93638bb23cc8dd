"""文字の大きさ（標準／大きい）: the switch beside ふりがな, its cookie, and the class on <html>."""

import re

import pytest

from tests.conftest import post_form


def turn(client, to: str, next_path: str = "/"):
    return client.get("/text-size", query_string={"to": to, "next": next_path})


def html_tag(page: str) -> str:
    found = re.search(r"<html[^>]*>", page)
    assert found, page[:200]
    return found.group(0)


def switch(page: str) -> str:
    found = re.search(r'<p class="text-size-switch">.*?</p>', page)
    assert found, "文字の大きさの切り替えがない"
    return found.group(0)


@pytest.fixture
def plan(make_consultation):
    return make_consultation(title="公園の計画", body="公園に木陰のベンチを増やします。")


def test_the_switch_sets_a_cookie_and_goes_back(client, plan):
    response = turn(client, "large", f"/consultations/{plan.slug}?link=abc")
    assert response.status_code == 303
    assert response.headers["Location"] == f"/consultations/{plan.slug}?link=abc"
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("text_size=large;")
    assert "Max-Age=31536000" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    response = turn(client, "standard", f"/consultations/{plan.slug}")
    assert response.headers["Set-Cookie"].startswith("text_size=standard;")


def test_anything_but_large_is_the_standard_size(client):
    assert turn(client, "huge").headers["Set-Cookie"].startswith("text_size=standard;")


def test_the_switch_is_a_plain_link_not_a_form(client):
    # a link: nothing to send, no token, works without JavaScript; a POST is not answered
    assert client.post("/text-size?to=large&next=/").status_code == 405
    page = client.get("/").get_data(as_text=True)
    assert 'href="/text-size?to=large&amp;next=/"' in switch(page)


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example/",
        "\\\\evil.example",
        "/\t/evil.example",
        "javascript:alert(1)",
        "evil.example",
        "",
        "http:/evil.example",
    ],
)
def test_the_switch_never_leaves_the_site(client, target):
    response = turn(client, "large", target)
    assert response.status_code == 303
    assert response.headers["Location"] == "/"


def test_large_text_puts_a_class_on_the_page_and_is_remembered(client, plan):
    page = client.get(f"/consultations/{plan.slug}").get_data(as_text=True)
    assert "text-large" not in html_tag(page)
    assert '<strong aria-current="true">標準</strong>' in switch(page)
    assert 'aria-label="文字の大きさ 大きい"' in switch(page)

    turn(client, "large", f"/consultations/{plan.slug}")
    for path in (f"/consultations/{plan.slug}", "/workshops/", "/"):
        page = client.get(path).get_data(as_text=True)
        assert html_tag(page) == '<html lang="ja" class="text-large">', path
        assert '<strong aria-current="true">大きい</strong>' in switch(page)
        assert 'aria-label="文字の大きさ 標準"' in switch(page)

    turn(client, "standard")
    assert "text-large" not in html_tag(client.get("/").get_data(as_text=True))


def test_the_switch_goes_back_to_the_page_it_is_on(client, plan):
    page = client.get(f"/consultations/{plan.slug}?link=abc").get_data(as_text=True)
    assert f"next=/consultations/{plan.slug}?link%3Dabc" in switch(page)


def test_staff_pages_have_no_switch_and_keep_their_size(client, login, plan):
    login()
    turn(client, "large")
    page = client.get(f"/staff/consultations/{plan.id}").get_data(as_text=True)
    assert "text-size-switch" not in page and "text-large" not in html_tag(page)
    assert "text-size-switch" not in client.get("/staff/login").get_data(as_text=True)


def test_a_page_answered_to_a_post_keeps_large_text_without_the_switch(client, plan):
    turn(client, "large")
    response = post_form(
        client, f"/consultations/{plan.slug}/confirm", {"body": "ベンチを日陰に置いてください。"}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "ベンチを日陰に" in page
    assert "text-size-switch" not in page
    assert "text-large" in html_tag(page)


def test_the_stylesheet_enlarges_the_root_size():
    from workshop.config import PROJECT_ROOT

    css = (PROJECT_ROOT / "static" / "css" / "site.css").read_text(encoding="utf-8")
    assert re.search(r":root\.text-large \{ font-size: 1[3-9]\d(\.\d+)?%; \}", css)
