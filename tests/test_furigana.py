"""ふりがな on resident pages: the switch, its cookie, and ruby that keeps the HTML whole."""

import re

import pytest
from markupsafe import Markup

from tests.conftest import post_form
from tests.test_workshops import workshop_factory
from workshop.preferences.furigana import ruby_in_html, ruby_text
from workshop.views import render_markdown

PLAN = (
    "## 計画の目的\n\n"
    "市は[行政手続きの案内](https://city.example.jp/tetsuzuki?a=1&b=2)を見直し、"
    "窓口の推進体制を整えます。\n\n"
    "- 住民票の写しを電子申請で\n"
    "- `御所見` は記号のまま\n"
)


def turn(client, to: str, next_path: str = "/"):
    return client.get("/furigana", query_string={"to": to, "next": next_path})


def ruby_of(word: str, reading: str) -> str:
    return f'<ruby>{word}<rp>（</rp><rt aria-hidden="true">{reading}</rt><rp>）</rp></ruby>'


@pytest.fixture
def plan(make_consultation):
    return make_consultation(
        title="御所見地区の行政手続き計画",
        body=PLAN,
        sections=("第1章 推進体制", "第2章 窓口"),
    )


def test_the_switch_sets_a_cookie_and_goes_back(client, plan):
    response = turn(client, "on", f"/consultations/{plan.slug}?link=abc")
    assert response.status_code == 303
    assert response.headers["Location"] == f"/consultations/{plan.slug}?link=abc"
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("furigana=1;")
    assert "Max-Age=31536000" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    response = turn(client, "off", f"/consultations/{plan.slug}")
    assert response.headers["Set-Cookie"].startswith("furigana=0;")


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example/",
        "\\\\evil.example",
        "/\t/evil.example",
        "/\n/evil.example",
        "javascript:alert(1)",
        "evil.example",
        "",
        "/" + "a" * 3000,
        "http:/evil.example",
    ],
)
def test_the_switch_never_leaves_the_site(client, target):
    response = turn(client, "on", target)
    assert response.status_code == 303
    assert response.headers["Location"] == "/"


def test_the_switch_keeps_a_japanese_path(client):
    response = turn(client, "on", "/consultations/計画?q=窓口")
    location = response.headers["Location"]
    assert location.startswith("/consultations/") and "evil" not in location


def test_plan_page_has_ruby_only_when_on(client, plan):
    off = client.get(f"/consultations/{plan.slug}").get_data(as_text=True)
    assert "<ruby>" not in off
    assert "ふりがな：<a" in off and '<strong aria-current="true">なし</strong>' in off
    turn(client, "on")
    on = client.get(f"/consultations/{plan.slug}").get_data(as_text=True)
    assert '<strong aria-current="true">あり</strong>' in on
    assert f"<h1>{ruby_of('御所見', 'ごしょみ')}{ruby_of('地区', 'ちく')}" in on
    assert ruby_of("推進", "すいしん") in on  # the plan's text and its section titles
    assert f"<li>{ruby_of('第', 'だい')}1{ruby_of('章', 'しょう')} " in on
    # the page's <title> stays plain text
    assert "<title>御所見地区の行政手続き計画｜" in on
    # the comment form's labels (for= kept) and hints
    label = re.search(r'<label for="body">(.*?)</label>', on)
    assert label and "<ruby>" in label.group(1)
    turn(client, "off")
    again = client.get(f"/consultations/{plan.slug}").get_data(as_text=True)
    assert "<ruby>" not in again


def test_links_in_the_plan_text_keep_working(client, plan):
    turn(client, "on")
    page = client.get(f"/consultations/{plan.slug}").get_data(as_text=True)
    link = re.search(
        r'<a href="https://city\.example\.jp/tetsuzuki\?a=1&amp;b=2"[^>]*>(.*?)</a>', page
    )
    assert link, page
    assert ruby_of("案内", "あんない") in link.group(1)
    assert 'rel="noopener noreferrer"' in link.group(0)
    # code stays as written
    assert "<code>御所見</code>" in page


def test_a_script_in_a_title_stays_escaped(client, make_consultation):
    plan = make_consultation(
        title='<script>alert("窓口")</script>計画',
        summary="<img src=x onerror=alert(1)>住民票",
        body="<script>alert(1)</script>\n\n[窓口](javascript:alert(1))",
        sections=('<b onmouseover="x">推進</b>',),
    )
    turn(client, "on")
    page = client.get(f"/consultations/{plan.slug}").get_data(as_text=True)
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#34;" in page
    assert "<img" not in page and "<b onmouseover" not in page
    assert 'href="javascript' not in page


def test_staff_pages_show_no_switch_and_no_ruby(client, login, plan):
    login()
    turn(client, "on")
    page = client.get(f"/staff/consultations/{plan.id}").get_data(as_text=True)
    assert "furigana-switch" not in page and "<ruby>" not in page
    assert "furigana-switch" not in client.get("/staff/login").get_data(as_text=True)


def test_a_page_answered_to_a_post_has_no_switch(client, plan):
    # a link cannot reload the confirmation page: the resident would lose what they wrote
    turn(client, "on")
    response = post_form(
        client,
        f"/consultations/{plan.slug}/confirm",
        {"body": "窓口の待ち時間を短くしてください。"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "窓口の待ち時間" in page
    assert "furigana-switch" not in page


def test_workshop_pages_have_ruby(client, app):
    workshop = workshop_factory()(
        title="大庭の公園を考える会", description="## 当日の流れ\n\n市から説明します。"
    )
    turn(client, "on")
    index = client.get("/workshops/").get_data(as_text=True)
    assert ruby_of("大庭", "おおば") in index
    page = client.get(f"/workshops/{workshop.id}").get_data(as_text=True)
    assert f"<h1>{ruby_of('大庭', 'おおば')}" in page
    assert ruby_of("説明", "せつめい") in page
    assert ruby_of("公園", "こうえん") in page
    # the applicant form's labels: for= still points at the field
    assert re.search(r'<label for="name">.*?<ruby>', page)


def test_ruby_text_escapes_every_part():
    html = ruby_text("窓口 <b>&\"'")
    assert html == f"{ruby_of('窓口', 'まどぐち')} &lt;b&gt;&amp;&#34;&#39;"


def test_ruby_in_html_changes_text_only():
    clean = str(render_markdown('[窓口の案内](https://x.example/?q="a"&r=1 "窓口") & 5 < 6 住民票'))
    html = ruby_in_html(clean)
    assert (
        re.sub(r"<rp>（</rp><rt aria-hidden=\"true\">[^<]*</rt><rp>）</rp>|</?ruby>", "", html)
        == clean
    )
    assert html.count("<ruby>") == 3


def test_the_filter_leaves_markup_alone_when_off(app):
    with app.test_request_context("/"):
        from workshop.preferences.furigana import ruby

        assert ruby(Markup("<p>窓口</p>")) == Markup("<p>窓口</p>")
        assert ruby("<p>窓口</p>") == "&lt;p&gt;窓口&lt;/p&gt;"
        assert ruby(None) == ""
