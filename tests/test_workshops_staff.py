"""Facilitators: create and edit, roster and export, check-in, walk-ins, opinions, reminders, CLI."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from email import message_from_bytes, policy

import pytest
from openpyxl import load_workbook

from tests.conftest import post_form
from tests.test_workshops import body_of, outbox, sign_up, workshop_factory
from workshop.extensions import db
from workshop.models import (
    Channel,
    Comment,
    Registration,
    RegistrationStatus,
    Role,
    Workshop,
    WorkshopFormat,
    utcnow,
)
from workshop.timeutil import as_tokyo
from workshop.workshops.services import links, seats


@pytest.fixture
def make_workshop(app):
    return workshop_factory()


def workshop_form(**overrides):
    start = as_tokyo(utcnow() + timedelta(days=14)).replace(hour=13, minute=30)
    data = {
        "title": "子育て世代と考える公園の未来",
        "format": "hybrid",
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "capacity": "20",
        "online_capacity": "10",
        "has_waitlist": "y",
        "venue": "南浜コミュニティセンター",
        "online_url": "https://meet.example.jp/park",
        "questions": "公園でしてみたいこと\nふだん使っている公園",
    }
    data.update(overrides)
    return data


def test_anonymous_visitors_are_sent_to_login(client, make_workshop):
    workshop = make_workshop()
    for path in ("/staff/workshops/", f"/staff/workshops/{workshop.id}/check-in"):
        response = client.get(path)
        assert response.status_code == 302
        assert "/staff/login" in response.headers["Location"]


def test_facilitator_dashboard_links_to_workshops(client, login):
    login(Role.FACILITATOR)
    page = client.get("/staff/").get_data(as_text=True)
    assert "準備中" not in page
    assert "ワークショップの一覧" in page


def test_facilitator_creates_a_hybrid_workshop_in_tokyo_time(client, login):
    login(Role.FACILITATOR)
    response = post_form(client, "/staff/workshops/new", workshop_form(), follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "ワークショップを作成しました。" in page
    workshop = db.session.query(Workshop).one()
    assert as_tokyo(workshop.starts_at).hour == 13
    assert workshop.online_capacity == 10
    assert workshop.questions == ["公園でしてみたいこと", "ふだん使っている公園"]
    public = client.get(f"/workshops/{workshop.id}").get_data(as_text=True)
    assert "公園でしてみたいこと（任意）" in public
    assert "13時30分" in public


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"title": ""}, "題名を入力してください。"),
        ({"starts_at": "来週の土曜日"}, "日時は 2026-12-05 13:30 の形で入力してください。"),
        ({"capacity": "0"}, "定員は1〜10,000人で入力してください。"),
        ({"format": "metaverse"}, "一覧から選んでください。"),
    ],
)
def test_bad_workshop_form_is_explained(client, login, overrides, message):
    login(Role.FACILITATOR)
    response = post_form(client, "/staff/workshops/new", workshop_form(**overrides))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db.session.query(Workshop).count() == 0


def test_end_before_start_is_refused(client, login):
    login(Role.FACILITATOR)
    data = workshop_form()
    data["ends_at"], data["starts_at"] = data["starts_at"], data["ends_at"]
    response = post_form(client, "/staff/workshops/new", data)
    assert response.status_code == 400
    assert "終了日時は開始日時より後にしてください。" in response.get_data(as_text=True)


def test_raising_capacity_promotes_the_waiting_list(app, client, login, make_workshop):
    facilitator = login(Role.FACILITATOR)
    workshop = make_workshop(capacity=1, facilitators=[facilitator])
    sign_up(client, workshop, "a@example.jp")
    sign_up(client, workshop, "b@example.jp")
    form = client.get(f"/staff/workshops/{workshop.id}/edit").get_data(as_text=True)
    assert "駅前広場の使い方を考えるワークショップ" in form
    data = workshop_form(title=workshop.title, format="in_person", capacity="2", online_capacity="")
    page = post_form(client, f"/staff/workshops/{workshop.id}/edit", data, follow_redirects=True)
    assert "キャンセル待ちの1人を参加に繰り上げ" in page.get_data(as_text=True)
    assert outbox(app)[-1]["To"] == "b@example.jp"
    assert seats.count_status(workshop.id, RegistrationStatus.WAITLISTED) == 0


def test_roster_export_is_in_furigana_order_with_needs_summary(client, login, make_workshop):
    facilitator = login(Role.FACILITATOR)
    workshop = make_workshop(facilitators=[facilitator])
    sign_up(
        client,
        workshop,
        "w@example.jp",
        name="渡辺 和子",
        furigana="わたなべ かずこ",
        needs=["childcare"],
    )
    sign_up(
        client,
        workshop,
        "a@example.jp",
        name="青木 一郎",
        furigana="アオキ イチロウ",
        needs=["childcare", "captioning"],
    )
    sign_up(client, workshop, "k@example.jp", name="=HYPERLINK(1)", furigana="かとう")
    page = client.get(f"/staff/workshops/{workshop.id}").get_data(as_text=True)
    assert "託児: 2人" in page and "要約筆記: 1人" in page and "手話通訳: 0人" in page
    assert page.index("青木 一郎") < page.index("渡辺 和子")

    csv_bytes = client.get(f"/staff/workshops/{workshop.id}/roster.csv").get_data()
    assert csv_bytes.startswith(b"\xef\xbb\xbf")
    lines = csv_bytes.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("ふりがな,お名前,状況")
    assert [line.split(",")[1] for line in lines[1:]] == [
        "青木 一郎",
        "'=HYPERLINK(1)",
        "渡辺 和子",
    ]

    xlsx = client.get(f"/staff/workshops/{workshop.id}/roster.xlsx").get_data()
    sheet = load_workbook(io.BytesIO(xlsx)).active
    assert next(sheet.iter_rows(min_row=2, values_only=True))[1] == "青木 一郎"


def test_phone_sign_up_through_staff_needs_no_email(app, client, login, make_workshop):
    workshop = make_workshop(facilitators=[login(Role.FACILITATOR)])
    data = {
        "name": "東台 トメ",
        "furigana": "ひがしだい とめ",
        "phone": "0123-45-6789",
        "email": "",
    }
    page = post_form(
        client, f"/staff/workshops/{workshop.id}/registrations/new", data, follow_redirects=True
    )
    assert "東台 トメさんの申込を受け付けました（申込完了）。" in page.get_data(as_text=True)
    assert db.session.query(Registration).one().email is None
    assert outbox(app) == []


def check_in_code(client, app, workshop, address):
    sign_up(client, workshop, address)
    registration = db.session.query(Registration).filter_by(email=address).one()
    return links.check_in_token(registration)


def test_check_in_by_scanned_code_then_twice(app, client, login, make_workshop):
    workshop = make_workshop(facilitators=[login(Role.FACILITATOR)])
    sign_up(client, workshop, "hanako@example.jp")
    # the code the resident got by mail (signed with the time, so not made again here)
    code = re.search(r"受付コード: (\S+)", body_of(outbox(app)[0])).group(1)
    page = client.get(f"/staff/workshops/{workshop.id}/check-in").get_data(as_text=True)
    assert "受付コード" in page and "<script>" not in page.split("checkin-scan.js")[0][-200:]
    path = f"/staff/workshops/{workshop.id}/check-in"
    first = post_form(client, path, {"code": code + "\n"}, follow_redirects=True)
    assert "緑川 花子さんを受付しました（会場）。" in first.get_data(as_text=True)
    second = post_form(client, path, {"code": code})
    assert second.status_code == 409
    assert "すでに受付済みです" in second.get_data(as_text=True)
    assert seats.count_checked_in(workshop.id) == 1


def test_check_in_refuses_bad_codes(app, client, login, make_workshop):
    workshop = make_workshop(facilitators=[login(Role.FACILITATOR)])
    other = make_workshop(title="別の意見交換会")
    code = check_in_code(client, app, other, "hanako@example.jp")
    path = f"/staff/workshops/{workshop.id}/check-in"
    wrong = post_form(client, path, {"code": code})
    assert wrong.status_code == 409 and "別のワークショップのもの" in wrong.get_data(as_text=True)
    tampered = post_form(client, path, {"code": code[:-4] + "AAAA"})
    assert "受付コードを読み取れませんでした" in tampered.get_data(as_text=True)
    empty = post_form(client, path, {"code": ""})
    assert empty.status_code == 422
    assert seats.count_checked_in(other.id) == 0


def test_waitlisted_person_cannot_be_checked_in(app, client, login, make_workshop):
    workshop = make_workshop(capacity=1, facilitators=[login(Role.FACILITATOR)])
    sign_up(client, workshop, "a@example.jp")
    code = check_in_code(client, app, workshop, "b@example.jp")
    response = post_form(client, f"/staff/workshops/{workshop.id}/check-in", {"code": code})
    assert response.status_code == 409
    assert "キャンセル待ちのため、受付できません" in response.get_data(as_text=True)


def test_search_by_furigana_in_katakana_and_check_in_by_button(app, client, login, make_workshop):
    workshop = make_workshop(facilitators=[login(Role.FACILITATOR)])
    sign_up(client, workshop, "hanako@example.jp")
    page = client.get(f"/staff/workshops/{workshop.id}/check-in?q=ミドリカワ").get_data(
        as_text=True
    )
    assert "緑川 花子さんを受付" in page
    registration = db.session.query(Registration).one()
    done = post_form(
        client,
        f"/staff/workshops/{workshop.id}/check-in/{registration.id}",
        {},
        follow_redirects=True,
    )
    assert "緑川 花子さんを受付しました" in done.get_data(as_text=True)
    none = client.get(f"/staff/workshops/{workshop.id}/check-in?q=やまだ").get_data(as_text=True)
    assert "見つかりませんでした" in none


def test_walk_in_is_added_and_checked_in(client, login, make_workshop):
    workshop = make_workshop(facilitators=[login(Role.FACILITATOR)])
    data = {"name": "当日 来太", "furigana": "とうじつ らいた", "age_group": "70s"}
    page = post_form(
        client, f"/staff/workshops/{workshop.id}/walk-ins", data, follow_redirects=True
    )
    assert "当日 来太さんを当日参加として受付しました。" in page.get_data(as_text=True)
    registration = db.session.query(Registration).one()
    assert registration.is_walk_in and registration.checked_in_at is not None
    assert "定員" not in page.get_data(as_text=True).split("当日参加として受付しました。")[1][:200]
    bad = post_form(client, f"/staff/workshops/{workshop.id}/walk-ins", {"name": ""})
    assert bad.status_code == 422 and "お名前を入力してください。" in bad.get_data(as_text=True)


def test_opinions_of_the_day_go_into_the_linked_consultation(
    client, login, make_workshop, make_consultation
):
    consultation = make_consultation()
    workshop = make_workshop(
        consultation_id=consultation.id,
        starts_at=utcnow() - timedelta(hours=1),
        ends_at=utcnow() + timedelta(hours=1),
        facilitators=[login(Role.FACILITATOR)],
    )
    text = "・公園に日陰がほしい\n\n2. 夜の照明を明るく\r\n<b>ボール遊びができる場所</b>\n"
    data = {
        "text": text,
        "table": "Aテーブル",
        "age_group": "30s",
        "attributes": "子育て中の方が中心",
    }
    page = post_form(
        client, f"/staff/workshops/{workshop.id}/opinions", data, follow_redirects=True
    )
    assert "3件の意見を登録しました" in page.get_data(as_text=True)
    comments = db.session.query(Comment).order_by(Comment.id).all()
    assert [c.body for c in comments] == [
        "公園に日陰がほしい",
        "夜の照明を明るく",
        "<b>ボール遊びができる場所</b>",
    ]
    assert {c.channel for c in comments} == {Channel.WORKSHOP}
    assert comments[0].extra["table"] == "Aテーブル"
    assert comments[0].extra["table_attributes"] == "子育て中の方が中心"
    assert comments[0].receipt_no.startswith("DX-")


def test_opinions_refused_before_the_day_or_without_consultation(
    client, login, make_workshop, make_consultation
):
    facilitator = login(Role.FACILITATOR)
    unlinked = make_workshop(starts_at=utcnow() - timedelta(hours=1), facilitators=[facilitator])
    page = client.get(f"/staff/workshops/{unlinked.id}/opinions").get_data(as_text=True)
    assert "意見募集がつながっていません" in page
    future = make_workshop(consultation_id=make_consultation().id, facilitators=[facilitator])
    response = post_form(client, f"/staff/workshops/{future.id}/opinions", {"text": "賛成です"})
    assert response.status_code == 400
    assert "開催前のため" in response.get_data(as_text=True)
    assert db.session.query(Comment).count() == 0


def test_reminders_go_once_to_workshops_within_48_hours(app, client, make_workshop):
    soon = make_workshop(
        starts_at=utcnow() + timedelta(hours=30), ends_at=utcnow() + timedelta(hours=32)
    )
    later = make_workshop(title="来月の意見交換会")
    sign_up(client, soon, "soon@example.jp")
    sign_up(client, later, "later@example.jp")
    before = len(outbox(app))
    runner = app.test_cli_runner()
    first = runner.invoke(args=["workshops", "send-reminders"])
    assert first.exit_code == 0, first.output
    assert "sent 1 reminders" in first.output
    second = runner.invoke(args=["workshops", "send-reminders"])
    assert "sent 0 reminders" in second.output
    reminders = outbox(app)[before:]
    assert len(reminders) == 1
    assert reminders[0]["Subject"] == "【まもなく開催】駅前広場の使い方を考えるワークショップ"
    assert reminders[0]["To"] == "soon@example.jp"
    assert "/workshops/r/" in body_of(reminders[0])


def test_cli_creates_a_workshop_and_prints_its_id(app):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=[
            "workshops",
            "create",
            "--title",
            "CLIで作った説明会",
            "--starts",
            "2030-05-10T10:00",
            "--capacity",
            "30",
            "--format",
            "hybrid",
        ]
    )
    assert result.exit_code == 0, result.output
    workshop = db.session.get(Workshop, int(result.output.strip()))
    assert workshop is not None and workshop.format is WorkshopFormat.HYBRID
    assert as_tokyo(workshop.starts_at).hour == 10
    bad = runner.invoke(
        args=[
            "workshops",
            "create",
            "--title",
            "x",
            "--starts",
            "明日",
            "--capacity",
            "3",
            "--format",
            "online",
        ]
    )
    assert bad.exit_code != 0


def test_mail_goes_through_a_real_smtp_server(app, client, make_workshop, smtp_server):
    workshop = make_workshop()
    sign_up(client, workshop)
    assert len(smtp_server.messages) == 1
    message = message_from_bytes(smtp_server.messages[0], policy=policy.default)
    assert message["Subject"] == "【申込完了】駅前広場の使い方を考えるワークショップ"
    assert "緑川 花子 様" in body_of(message)
    assert outbox(app) == []


def test_planner_sees_the_workshop_list_with_numbers(client, login, make_workshop):
    workshop = make_workshop(capacity=2)
    sign_up(client, workshop)
    login(Role.PLANNER)
    page = client.get("/staff/workshops/").get_data(as_text=True)
    assert "駅前広場の使い方を考えるワークショップ" in page
    assert "1／2" in page
    assert client.get("/staff/workshops/new").status_code == 200


def test_unknown_registration_for_check_in_button_is_404(client, login, make_workshop):
    workshop = make_workshop(facilitators=[login(Role.FACILITATOR)])
    assert post_form(client, f"/staff/workshops/{workshop.id}/check-in/999", {}).status_code == 404


def test_walk_in_beyond_capacity_is_allowed_with_a_warning(client, login, make_workshop):
    workshop = make_workshop(capacity=1, facilitators=[login(Role.FACILITATOR)])
    sign_up(client, workshop)
    data = {"name": "飛込 参加", "furigana": "とびこみ さんか"}
    page = post_form(
        client, f"/staff/workshops/{workshop.id}/walk-ins", data, follow_redirects=True
    )
    text = page.get_data(as_text=True)
    assert "飛込 参加さんを当日参加として受付しました。" in text
    assert "会場の定員（1人）を超えています（いま2人）。" in text


def test_check_in_and_roster_export_are_in_the_audit_log(app, client, login, make_workshop):
    from sqlalchemy import select

    from workshop.extensions import db
    from workshop.models import AuditEntry

    workshop = make_workshop(facilitators=[login(Role.FACILITATOR)])
    code = check_in_code(client, app, workshop, "audit@example.jp")
    post_form(client, f"/staff/workshops/{workshop.id}/check-in", {"code": code})
    client.get(f"/staff/workshops/{workshop.id}/roster.csv")
    actions = set(db.session.scalars(select(AuditEntry.action)))
    assert {"workshop.check_in", "workshop.roster_export"} <= actions
