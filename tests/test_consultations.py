"""A resident reads a consultation and comments: confirm, submit, receipt; and every bad input."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from tests.conftest import csrf_token, future, past, post_form
from workshop.extensions import db
from workshop.models import Comment, Profile
from workshop.questionnaires.services import profile_labels

RECEIPT = re.compile(r"DX-\d{4}-\d{6}")
TOKEN = re.compile(r'name="submission_token" value="([^"]+)"')


def comment_count() -> int:
    return db.session.scalar(select(func.count(Comment.id))) or 0


def confirm(client, consultation, **fields):
    data = {"body": "スマホ教室を公民館でも開いてほしいです。", **fields}
    return post_form(client, f"/consultations/{consultation.slug}/confirm", data)


def submit(client, consultation, token: str | None = None, **fields):
    data = {"body": "スマホ教室を公民館でも開いてほしいです。", **fields}
    page = confirm(client, consultation, **fields).get_data(as_text=True)
    token = token or TOKEN.search(page).group(1)
    return post_form(
        client,
        f"/consultations/{consultation.slug}/comments",
        {**data, "submission_token": token, "action": "submit"},
    )


def test_open_consultation_page_shows_form_and_sections(client, make_consultation):
    consultation = make_consultation()
    page = client.get(f"/consultations/{consultation.slug}").get_data(as_text=True)
    assert "ご意見を書く" in page
    assert "第2章 基本目標" in page
    assert "確認画面へ進む" in page


def test_confirmation_page_shows_text_and_stores_nothing(client, make_consultation):
    consultation = make_consultation()
    response = confirm(client, consultation, age_group="70s", district="北山地区")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "送信内容の確認" in page
    assert "スマホ教室を公民館でも開いてほしいです。" in page
    assert "70代" in page and "北山地区" in page
    assert comment_count() == 0


@pytest.mark.both_dbs
def test_submit_gives_receipt_number_on_screen(client, make_consultation):
    consultation = make_consultation()
    response = submit(client, consultation, relation="resident")
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "ご意見を受け付けました" in page
    receipt = RECEIPT.search(page).group(0)
    comment = db.session.scalars(select(Comment)).one()
    assert comment.receipt_no == receipt
    assert comment.receipt_no.endswith("-000001")
    assert comment.channel.value == "web"


@pytest.mark.both_dbs
def test_receipt_numbers_count_up_per_consultation(client, make_consultation):
    first, second = make_consultation(), make_consultation(receipt_prefix="KO")
    for _ in range(2):
        submit(client, first)
    submit(client, second)
    numbers = sorted(db.session.scalars(select(Comment.receipt_no)))
    assert [n[-6:] for n in numbers] == ["000001", "000002", "000001"]
    assert numbers[-1].startswith("KO-")


@pytest.mark.both_dbs
def test_double_submit_of_one_confirmation_stores_once(client, make_consultation):
    consultation = make_consultation()
    page = confirm(client, consultation).get_data(as_text=True)
    token = TOKEN.search(page).group(1)
    data = {
        "body": "スマホ教室を公民館でも開いてほしいです。",
        "submission_token": token,
        "action": "submit",
    }
    first = post_form(client, f"/consultations/{consultation.slug}/comments", data)
    again = post_form(client, f"/consultations/{consultation.slug}/comments", data)
    assert first.headers["Location"] == again.headers["Location"]
    assert comment_count() == 1


@pytest.mark.both_dbs
def test_submit_keeps_the_chosen_section_and_district(client, make_consultation):
    consultation = make_consultation()
    section = consultation.sections[1]
    response = submit(client, consultation, section_id=str(section.id), district="南浜地区")
    assert response.status_code == 303
    comment = db.session.scalars(select(Comment)).one()
    assert comment.section_id == section.id
    assert profile_labels([comment.id])[comment.id] == {Profile.DISTRICT: "南浜地区"}
    # a section of another consultation is refused on the final submit too
    other = make_consultation(receipt_prefix="KO")
    page = confirm(client, consultation).get_data(as_text=True)
    refused = post_form(
        client,
        f"/consultations/{consultation.slug}/comments",
        {
            "body": "スマホ教室を公民館でも開いてほしいです。",
            "section_id": str(other.sections[0].id),
            "submission_token": TOKEN.search(page).group(1),
            "action": "submit",
        },
    )
    assert refused.status_code == 422 and "一覧から選んでください" in refused.get_data(as_text=True)
    assert comment_count() == 1


@pytest.mark.both_dbs
def test_a_repeated_confirmation_leaves_no_gap_in_receipt_numbers(client, make_consultation):
    consultation = make_consultation()
    page = confirm(client, consultation).get_data(as_text=True)
    data = {
        "body": "スマホ教室を公民館でも開いてほしいです。",
        "submission_token": TOKEN.search(page).group(1),
        "action": "submit",
    }
    for _ in range(3):  # the resident presses 送信 three times
        post_form(client, f"/consultations/{consultation.slug}/comments", data)
    submit(client, consultation, body="図書館の予約をスマホでできるようにしてください。")
    numbers = sorted(db.session.scalars(select(Comment.receipt_no)))
    assert [n[-6:] for n in numbers] == ["000001", "000002"]


def test_reload_after_the_close_still_shows_the_receipt(client, make_consultation):
    consultation = make_consultation(opens_on=past(30), closes_on=future(0))
    page = confirm(client, consultation).get_data(as_text=True)
    data = {
        "body": "スマホ教室を公民館でも開いてほしいです。",
        "submission_token": TOKEN.search(page).group(1),
        "action": "submit",
    }
    first = post_form(client, f"/consultations/{consultation.slug}/comments", data)
    consultation.closes_on = past(1)  # midnight passed before the resident reloaded
    db.session.commit()
    again = post_form(client, f"/consultations/{consultation.slug}/comments", data)
    assert again.status_code == 303
    assert again.headers["Location"] == first.headers["Location"]
    late = post_form(
        client,
        f"/consultations/{consultation.slug}/comments",
        {**data, "submission_token": "another-confirmation-page-0001"},
    )
    assert late.status_code == 409 and "締め切りました" in late.get_data(as_text=True)
    assert comment_count() == 1


def test_edit_button_returns_to_filled_form(client, make_consultation):
    consultation = make_consultation()
    response = post_form(
        client,
        f"/consultations/{consultation.slug}/comments",
        {"body": "バスの時刻をLINEで知りたい", "submission_token": "x" * 32, "action": "edit"},
    )
    page = response.get_data(as_text=True)
    assert "バスの時刻をLINEで知りたい</textarea>" in page
    assert comment_count() == 0


def test_receipt_mail_is_written_to_outbox(app, client, make_consultation, tmp_path):
    consultation = make_consultation()
    submit(client, consultation, email="hanako@example.jp", name="緑川 花子")
    outbox = list((tmp_path / "outbox").glob("*.eml"))
    assert len(outbox) == 1
    from email import message_from_bytes
    from email.policy import default

    message = message_from_bytes(outbox[0].read_bytes(), policy=default)
    assert message["To"] == "hanako@example.jp"
    assert "受付番号" in message["Subject"]
    body = message.get_content()
    assert "緑川 花子 様" in body
    assert RECEIPT.search(body)


def test_no_mail_without_address(client, make_consultation, tmp_path):
    submit(client, make_consultation())
    assert not (tmp_path / "outbox").exists() or not list((tmp_path / "outbox").iterdir())


BAD_INPUTS = [
    ({"body": ""}, "ご意見を入力してください。"),
    ({"body": "   \n  "}, "ご意見を入力してください。"),
    ({"body": "あ" * 4001}, "4,000文字以内で入力してください（いま4,001文字です）。"),
    ({"email": "hanako.example.jp"}, "メールアドレスの形をご確認ください"),
    ({"email": "a" * 250 + "@example.jp"}, "メールアドレスが長すぎます。"),
    ({"age_group": "120s"}, "一覧から選んでください。"),
    ({"district": "火星地区"}, "一覧から選んでください。"),
    ({"section_id": "99999"}, "一覧から選んでください。"),
    ({"section_id": "第1章"}, "一覧から選んでください。"),
    ({"relation": "tourist"}, "一覧から選んでください。"),
    ({"name": "名" * 101}, "お名前は100文字以内"),
]


@pytest.mark.parametrize(("fields", "message"), BAD_INPUTS)
def test_bad_input_gets_message_next_to_field_and_nothing_stored(
    client, make_consultation, fields, message
):
    consultation = make_consultation()
    response = confirm(client, consultation, **fields)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in page
    assert 'aria-invalid="true"' in page
    assert "入力内容をご確認ください" in page
    # the summary's link leads to a control that exists (for a radio group, its first button)
    target = re.search(r'class="error-summary".*?href="#([^"]+)"', page, re.S)
    assert target and f'id="{target.group(1)}"' in page
    assert comment_count() == 0


@pytest.mark.both_dbs
def test_exactly_4000_characters_is_accepted(client, make_consultation):
    consultation = make_consultation()
    assert submit(client, consultation, body="あ" * 4000).status_code == 303
    assert len(db.session.scalars(select(Comment)).one().body) == 4000


@pytest.mark.parametrize(("fields", "message"), BAD_INPUTS)
def test_tampered_final_post_gets_the_forms_message_next_to_the_field(
    client, make_consultation, fields, message
):
    """A field changed after the confirmation page gets the same message, by the same field,
    as on the form, and nothing is stored."""
    consultation = make_consultation()
    data = {"body": "スマホ教室を公民館でも開いてほしいです。", "name": "北山 はな", **fields}
    response = post_form(
        client,
        f"/consultations/{consultation.slug}/comments",
        {**data, "submission_token": "y" * 32, "action": "submit"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in page and "入力内容をご確認ください" in page
    (field,) = fields
    error = re.search(rf'<p class="error-message" id="{field}-error">([^<]*)</p>', page)
    assert error and message in error.group(1)
    assert f'aria-describedby="{field}-error"' in page or f"{field}-hint {field}-error" in page
    if field != "name":
        assert 'value="北山 はな"' in page  # what was fine is kept, not lost
    assert comment_count() == 0


@pytest.mark.parametrize("token", ["", "short", "z" * 65])
def test_final_post_without_a_confirmation_pages_token_is_refused(client, make_consultation, token):
    consultation = make_consultation()
    body = "図書館の予約をスマホでできるようにしてほしいです。"
    response = post_form(
        client,
        f"/consultations/{consultation.slug}/comments",
        {"body": body, "submission_token": token, "action": "submit"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "確認画面からもう一度送信してください。" in page
    assert f"{body}</textarea>" in page
    assert comment_count() == 0


def test_spaces_around_the_address_and_the_select_placeholder_are_accepted(
    client, make_consultation
):
    consultation = make_consultation()
    page = client.get(f"/consultations/{consultation.slug}").get_data(as_text=True)
    placeholder = re.search(r'<option[^>]*value="([^"]*)"[^>]*>選ばない（全体について）', page)
    assert placeholder
    response = submit(
        client, consultation, email="  hanako@example.jp ", section_id=placeholder.group(1)
    )
    assert response.status_code == 303
    comment = db.session.scalars(select(Comment)).one()
    assert comment.email == "hanako@example.jp" and comment.section_id is None


def test_missing_csrf_token_is_refused(client, make_consultation):
    consultation = make_consultation()
    response = client.post(f"/consultations/{consultation.slug}/confirm", data={"body": "意見"})
    assert response.status_code == 400
    assert "ページを開き直して" in response.get_data(as_text=True)
    response = client.post(
        f"/consultations/{consultation.slug}/comments",
        data={"body": "意見", "submission_token": "z" * 32, "action": "submit"},
    )
    assert response.status_code == 400
    assert comment_count() == 0


@pytest.mark.parametrize(
    ("opens", "closes", "message"),
    [(future(3), future(40), "まだ始まっていません"), (past(40), past(1), "締め切りました")],
)
def test_closed_period_refuses_comment(client, make_consultation, opens, closes, message):
    consultation = make_consultation(opens_on=opens, closes_on=closes)
    page = client.get(f"/consultations/{consultation.slug}").get_data(as_text=True)
    assert message in page and "確認画面へ進む" not in page
    response = confirm(client, consultation)
    assert response.status_code == 409
    token_response = post_form(
        client,
        f"/consultations/{consultation.slug}/comments",
        {"body": "意見です", "submission_token": "w" * 32, "action": "submit"},
    )
    assert token_response.status_code == 409
    assert message in token_response.get_data(as_text=True)
    assert comment_count() == 0


def test_script_payload_is_stored_as_typed_and_shown_escaped(client, make_consultation):
    consultation = make_consultation()
    payload = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    page = confirm(client, consultation, body=payload).get_data(as_text=True)
    assert "<script>alert" not in page
    assert "&lt;script&gt;" in page
    response = submit(client, consultation, body=payload)
    receipt_page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "<script>alert" not in receipt_page and "<img src=x" not in receipt_page
    assert db.session.scalars(select(Comment)).one().body == payload


@pytest.mark.both_dbs
@pytest.mark.parametrize(
    "body",
    [
        "ＤＸの推進に賛成です。１２３",  # full-width letters and digits
        "スマホ教室ありがとう😊👍🏽 家族👨‍👩‍👧も喜んでいます",  # emoji with modifiers and ZWJ
        "が\u3099んばって",  # combining dakuten
        "改行\r\nを含む\r意見",  # Windows and old Mac line ends
    ],
)
def test_odd_unicode_is_kept(client, make_consultation, body):
    consultation = make_consultation()
    assert submit(client, consultation, body=body).status_code == 303
    stored = db.session.scalars(select(Comment)).one().body
    assert stored == body.replace("\r\n", "\n").replace("\r", "\n")


@pytest.mark.both_dbs
def test_control_characters_are_dropped_not_refused(client, make_consultation):
    consultation = make_consultation()
    assert submit(client, consultation, body="意見\x00です\x07").status_code == 303
    assert db.session.scalars(select(Comment)).one().body == "意見です"


def test_receipt_page_needs_the_token(client, make_consultation):
    consultation = make_consultation()
    submit(client, consultation)
    assert client.get(f"/consultations/{consultation.slug}/receipt/guess").status_code == 404


def test_unknown_consultation_is_404_in_japanese(client):
    response = client.get("/consultations/no-such-plan")
    assert response.status_code == 404
    assert "ページが見つかりません" in response.get_data(as_text=True)


@pytest.mark.both_dbs
def test_api_returns_consultation_json(client, make_consultation):
    consultation = make_consultation(slug="dx-plan-2026")
    submit(client, consultation)
    data = client.get("/api/consultations/dx-plan-2026").get_json()
    assert data == {
        "slug": "dx-plan-2026",
        "title": "みどり市DX推進計画（素案）",
        "opens": consultation.opens_on.isoformat(),
        "closes": consultation.closes_on.isoformat(),
        "status": "open",
        "comment_count": 1,
    }
    assert client.get("/api/consultations/nothing").status_code == 404


def test_markdown_body_is_rendered_without_raw_html(client, make_consultation):
    consultation = make_consultation(
        body="## 計画のポイント\n\n- **書かない窓口**\n\n<script>alert(1)</script>\n\n[動画](javascript:alert(1))"
    )
    page = client.get(f"/consultations/{consultation.slug}").get_data(as_text=True)
    assert "<h2>計画のポイント</h2>" in page
    assert "<strong>書かない窓口</strong>" in page
    assert "<script>alert(1)</script>" not in page
    assert 'href="javascript:' not in page


def test_csrf_token_comes_from_the_session(client, make_consultation):
    consultation = make_consultation()
    token = csrf_token(client, f"/consultations/{consultation.slug}")
    other = client.application.test_client()
    response = other.post(
        f"/consultations/{consultation.slug}/confirm", data={"csrf_token": token, "body": "意見"}
    )
    assert response.status_code == 400
