"""Facilitators run only the workshops they are assigned to; planners assign them."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, func, select, text

from tests.conftest import PASSWORD, post_form
from tests.test_workshops import sign_up, workshop_factory
from tests.test_workshops_staff import workshop_form
from workshop import create_app
from workshop.auth import services as auth_services
from workshop.extensions import db
from workshop.models import AuditEntry, Registration, Role, Workshop, utcnow
from workshop.workshops.services import events, signup

CSRF_VALUE = re.compile(r'(name="csrf_token"[^>]*value=")[^"]+"')


@pytest.fixture
def make_workshop(app):
    return workshop_factory()


def log_in(client, user):
    response = post_form(client, "/staff/login", {"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return user


def workshop_rules(app):
    """Every staff page of one workshop: the workshops_staff blueprint's rules that take its id."""
    rules = [
        rule
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("workshops_staff.")
        and rule.rule.startswith("/staff/")
        and "workshop_id" in rule.arguments
    ]
    assert len(rules) >= 8
    return rules


def staff_urls(app, workshop_id, registration_id):
    for rule in workshop_rules(app):
        values = {"workshop_id": workshop_id, "registration_id": registration_id}
        values["extension"] = "csv"
        path = rule.build({name: values[name] for name in rule.arguments})[1]
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            yield rule.endpoint, method, path


def send(client, method, path):
    return client.get(path) if method == "GET" else post_form(client, path, {})


def page_text(response):
    return CSRF_VALUE.sub(r'\1"', response.get_data(as_text=True))


def ticked(form: str) -> set[str]:
    """The ids whose facilitator checkbox is ticked."""
    boxes = re.findall(r"<input [^>]*name=\"facilitator_ids\"[^>]*>", form)
    return {re.search(r'value="([^"]*)"', box).group(1) for box in boxes if " checked" in box}


def test_unassigned_facilitator_gets_404_on_every_page_of_the_workshop(
    app, client, make_user, make_workshop
):
    facilitator = make_user(Role.FACILITATOR)
    # started an hour ago, so that opinions of the day could be entered
    workshop = make_workshop(starts_at=utcnow() - timedelta(hours=1))
    make_workshop(title="自分の担当の意見交換会", facilitators=[facilitator])
    with app.test_request_context():
        registration = signup.register(
            workshop.id,
            signup.Applicant(name="緑川 花子", email="hanako@example.jp", phone="080-5555-0101"),
            now=utcnow() - timedelta(days=1),
        )
    seq = db.session.get(Workshop, workshop.id).registration_seq
    log_in(client, facilitator)
    client.get("/staff/")  # shows the login message, which would differ below
    missing = page_text(client.get("/staff/workshops/9999"))
    checked = 0
    for endpoint, method, path in staff_urls(app, workshop.id, registration.id):
        response = send(client, method, path)
        assert response.status_code == 404, (endpoint, method)
        # the same page as for a workshop that does not exist: nothing tells them apart
        assert page_text(response) == missing, (endpoint, method)
        assert "緑川 花子" not in missing and "080-5555-0101" not in missing
        checked += 1
    assert checked >= 12
    db.session.expire_all()
    assert db.session.get(Registration, registration.id).checked_in_at is None
    assert db.session.scalar(select(func.count(Registration.id))) == 1  # no walk-in, no phone
    assert db.session.get(Workshop, workshop.id).registration_seq == seq  # no lock was taken


def test_assigned_facilitator_opens_every_page_of_their_workshop(
    app, client, make_user, make_workshop
):
    facilitator = make_user(Role.FACILITATOR)
    workshop = make_workshop(facilitators=[facilitator])
    sign_up(client, workshop)
    registration = db.session.scalars(select(Registration)).one()
    log_in(client, facilitator)
    for endpoint, method, path in staff_urls(app, workshop.id, registration.id):
        response = send(client, method, path)
        if method == "GET":
            assert response.status_code == 200, endpoint
        else:
            # an empty form passes the gate and is refused for its content, or checks in
            assert response.status_code in {303, 400, 409, 422}, (endpoint, response.status_code)


@pytest.mark.parametrize("role", [Role.PLANNER, Role.ADMIN])
def test_planners_and_admins_open_every_workshop(app, client, make_user, make_workshop, role):
    workshop = make_workshop(facilitators=[make_user(Role.FACILITATOR)])
    other = make_workshop(title="担当のいない説明会")
    log_in(client, make_user(role))
    listing = client.get("/staff/workshops/").get_data(as_text=True)
    assert '<th scope="col">担当</th>' in listing
    assert workshop.title in listing and other.title in listing
    for found in (workshop, other):
        assert client.get(f"/staff/workshops/{found.id}").status_code == 200
        assert client.get(f"/staff/workshops/{found.id}/check-in").status_code == 200


def test_the_list_shows_only_the_facilitators_own_workshops(client, make_user, make_workshop):
    facilitator = make_user(Role.FACILITATOR)
    make_workshop(title="北山地区の防災ワークショップ", facilitators=[facilitator])
    make_workshop(
        title="南浜地区の子育てワークショップ", facilitators=[make_user(Role.FACILITATOR)]
    )
    make_workshop(title="担当のいない説明会")
    log_in(client, facilitator)
    page = client.get("/staff/workshops/").get_data(as_text=True)
    assert "北山地区の防災ワークショップ" in page
    assert "南浜地区の子育てワークショップ" not in page
    assert "担当のいない説明会" not in page
    assert "担当のワークショップだけを表示しています。" in page


def test_a_facilitator_without_workshops_is_told_whom_to_ask(client, login, make_workshop):
    make_workshop()
    login(Role.FACILITATOR)
    page = client.get("/staff/workshops/").get_data(as_text=True)
    assert (
        "担当のワークショップはまだありません。企画担当の職員に割り当てを依頼してください。" in page
    )
    assert "駅前広場の使い方を考えるワークショップ" not in page


def test_a_workshop_a_facilitator_creates_is_theirs(client, login, make_user):
    colleague = make_user(Role.FACILITATOR)
    facilitator = login(Role.FACILITATOR)
    # the form has no facilitator field for them; a hand-made POST is ignored
    form = client.get("/staff/workshops/new").get_data(as_text=True)
    assert "担当のファシリテーター" not in form
    data = workshop_form(facilitator_ids=str(colleague.id))
    response = post_form(client, "/staff/workshops/new", data)
    assert response.status_code == 303
    workshop = db.session.scalars(select(Workshop)).one()
    assert [user.id for user in workshop.facilitators] == [facilitator.id]
    assert client.get(response.headers["Location"]).status_code == 200
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "workshop.facilitators")
    ).one()
    assert entry.details == {"added": [facilitator.email], "removed": []}


def test_planner_assigns_and_unassigns_facilitators_on_the_edit_form(
    client, login, make_user, make_workshop
):
    first = make_user(Role.FACILITATOR)
    second = make_user(Role.FACILITATOR)
    gone = make_user(Role.FACILITATOR)
    gone.active = False
    db.session.commit()
    workshop = make_workshop(facilitators=[first])
    planner = login(Role.PLANNER)
    path = f"/staff/workshops/{workshop.id}/edit"
    form = client.get(path).get_data(as_text=True)
    assert "<legend>担当のファシリテーター</legend>" in form
    assert first.email in form and second.email in form
    assert gone.email not in form and planner.email not in form
    assert ticked(form) == {str(first.id)}

    data = workshop_form(title=workshop.title, format="in_person", online_capacity="")
    moved = post_form(client, path, {**data, "facilitator_ids": [str(second.id)]})
    assert moved.status_code == 303
    db.session.refresh(workshop)
    assert [user.id for user in workshop.facilitators] == [second.id]

    post_form(client, path, data)  # no box ticked: nobody runs it
    db.session.refresh(workshop)
    assert workshop.facilitators == []

    entries = db.session.scalars(
        select(AuditEntry)
        .where(AuditEntry.action == "workshop.facilitators")
        .order_by(AuditEntry.id)
    ).all()
    assert [e.details for e in entries][-2:] == [
        {"added": [second.email], "removed": [first.email]},
        {"added": [], "removed": [second.email]},
    ]
    assert entries[-1].user_email == planner.email


def test_planner_cannot_assign_a_planner_or_a_made_up_id(client, login, make_user, make_workshop):
    workshop = make_workshop()
    planner = login(Role.PLANNER)
    data = workshop_form(title=workshop.title, format="in_person", online_capacity="")
    path = f"/staff/workshops/{workshop.id}/edit"
    for value in (str(planner.id), "9999", "abc"):
        response = post_form(client, path, {**data, "facilitator_ids": value})
        assert response.status_code == 422, value
        assert "一覧から選んでください。" in response.get_data(as_text=True)
    db.session.refresh(workshop)
    assert workshop.facilitators == []


def test_a_facilitator_cannot_change_who_runs_their_workshop(client, make_user, make_workshop):
    facilitator = make_user(Role.FACILITATOR)
    colleague = make_user(Role.FACILITATOR)
    workshop = make_workshop(facilitators=[facilitator])
    log_in(client, facilitator)
    path = f"/staff/workshops/{workshop.id}/edit"
    form = client.get(path).get_data(as_text=True)
    assert 'name="facilitator_ids"' not in form
    assert f"担当のファシリテーター: {facilitator.display_name}" in form
    data = workshop_form(title="題名を変えました", format="in_person", online_capacity="")
    for value in ([str(colleague.id)], [str(facilitator.id), str(colleague.id)], []):
        response = post_form(client, path, {**data, "facilitator_ids": value})
        assert response.status_code == 303
        db.session.refresh(workshop)
        assert [user.id for user in workshop.facilitators] == [facilitator.id]
    assert workshop.title == "題名を変えました"  # the rest of the form was saved
    assert not db.session.scalars(
        select(AuditEntry).where(
            AuditEntry.action == "workshop.facilitators", AuditEntry.user_id == facilitator.id
        )
    ).all()


def test_the_service_ignores_a_facilitators_assignment(make_user, make_workshop):
    facilitator = make_user(Role.FACILITATOR)
    colleague = make_user(Role.FACILITATOR)
    workshop = make_workshop(facilitators=[facilitator])
    data = events.WorkshopInput(
        title=workshop.title,
        starts_at=workshop.starts_at,
        ends_at=workshop.ends_at,
        format=workshop.format,
        capacity=workshop.capacity,
        facilitator_ids=(colleague.id,),
    )
    events.update_workshop(workshop.id, data, staff_id=facilitator.id)
    assert [user.id for user in workshop.facilitators] == [facilitator.id]
    created = events.create_workshop(data, staff_id=facilitator.id)
    assert [user.id for user in created.facilitators] == [facilitator.id]


def test_a_deactivated_facilitator_stays_assigned_until_a_planner_removes_them(
    client, login, make_user, make_workshop
):
    facilitator = make_user(Role.FACILITATOR)
    workshop = make_workshop(facilitators=[facilitator])
    facilitator.active = False
    db.session.commit()
    login(Role.PLANNER)
    path = f"/staff/workshops/{workshop.id}/edit"
    form = client.get(path).get_data(as_text=True)
    assert f"{facilitator.email}）（利用停止中）" in form
    data = workshop_form(title=workshop.title, format="in_person", online_capacity="")
    post_form(client, path, {**data, "facilitator_ids": [str(facilitator.id)]})
    db.session.refresh(workshop)
    assert [user.id for user in workshop.facilitators] == [facilitator.id]


def test_cli_assigns_facilitators_by_email(app, make_user):
    first = make_user(Role.FACILITATOR, "shinko@city.example.jp")
    second = make_user(Role.FACILITATOR, "kakari@city.example.jp")
    make_user(Role.PLANNER, "kikaku@city.example.jp")
    runner = app.test_cli_runner()
    args = ["workshops", "create", "--title", "CLIの説明会", "--starts", "2030-05-10T10:00"]
    args += ["--capacity", "30", "--format", "in_person"]
    result = runner.invoke(
        args=[*args, "--facilitator", "SHINKO@city.example.jp", "--facilitator", second.email]
    )
    assert result.exit_code == 0, result.output
    workshop = db.session.get(Workshop, int(result.output.strip()))
    assert {user.id for user in workshop.facilitators} == {first.id, second.id}
    for email in ("kikaku@city.example.jp", "nobody@city.example.jp"):
        refused = runner.invoke(args=[*args, "--facilitator", email])
        assert refused.exit_code != 0
        assert "有効なファシリテーターのアカウントではありません" in refused.output
    assert db.session.scalar(select(func.count(Workshop.id))) == 1


def test_demo_facilitator_runs_the_demo_workshop_once(app):
    runner = app.test_cli_runner()
    for _ in range(2):
        assert runner.invoke(args=["demo", "load"]).exit_code == 0
    workshop = db.session.scalars(select(Workshop)).one()
    assert [user.email for user in workshop.facilitators] == ["facilitator@example.jp"]
    # a demo database from before assignments gets its facilitator on the next load
    workshop.facilitators = []
    db.session.commit()
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    db.session.refresh(workshop)
    assert [user.email for user in workshop.facilitators] == ["facilitator@example.jp"]


def test_deleting_a_workshop_or_an_account_removes_the_assignment(make_user, make_workshop):
    facilitator = make_user(Role.FACILITATOR)
    workshop = make_workshop(facilitators=[facilitator])
    kept = make_workshop(title="残る説明会", facilitators=[facilitator])
    db.session.execute(text("DELETE FROM workshop WHERE id = :id"), {"id": workshop.id})
    db.session.commit()
    assert db.session.scalar(text("SELECT count(*) FROM workshop_facilitator")) == 1
    db.session.execute(text('DELETE FROM "user" WHERE id = :id'), {"id": facilitator.id})
    db.session.commit()
    assert db.session.scalar(text("SELECT count(*) FROM workshop_facilitator")) == 0
    assert db.session.get(Workshop, kept.id) is not None


def test_the_migration_assigns_each_workshop_to_its_facilitator_creator(tmp_path, monkeypatch):
    monkeypatch.setenv("MACHIKOE_INSTANCE", str(tmp_path))
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'm.sqlite3'}", "SECRET_KEY": "x"})
    with app.app_context():
        upgrade(revision="0007_job_heartbeat")
        engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
        with engine.begin() as connection:
            connection.execute(
                text(
                    'INSERT INTO "user" (id, email, display_name, password_hash, role, active,'
                    " created_at) VALUES (1, 'f@city.example.jp', 'f', 'x', 'facilitator', 1,"
                    " '2026-01-01'), (2, 'p@city.example.jp', 'p', 'x', 'planner', 1,"
                    " '2026-01-01')"
                )
            )
            for workshop_id, creator in ((1, 1), (2, 2), (3, None), (4, 1)):
                connection.execute(
                    text(
                        "INSERT INTO workshop (id, title, description, access, accessibility,"
                        " starts_at, ends_at, format, venue, capacity, online_capacity,"
                        " has_waitlist, questions, registration_seq, opinion_batches,"
                        " created_at, created_by_id) VALUES (:id, 'w', '', '', '',"
                        " '2026-01-01', '2026-01-01', 'online', '', 1, 0, 1, '[]', 0, 0,"
                        " '2026-01-01', :creator)"
                    ),
                    {"id": workshop_id, "creator": creator},
                )
        upgrade()
        with engine.connect() as connection:
            rows = connection.execute(
                text("SELECT workshop_id, user_id FROM workshop_facilitator ORDER BY workshop_id")
            ).all()
        engine.dispose()
        db.engine.dispose()
    # the facilitator keeps the workshops they made; the planner's and the CLI's get nobody
    assert [tuple(row) for row in rows] == [(1, 1), (4, 1)]


def test_planners_see_who_runs_each_workshop_on_the_list_and_the_roster(
    client, login, make_workshop
):
    ueda = auth_services.create_user("ueda@city.example.jp", PASSWORD, Role.FACILITATOR, "上田 進")
    mori = auth_services.create_user("mori@city.example.jp", PASSWORD, Role.FACILITATOR, "森 明子")
    staffed = make_workshop(title="北山地区のスマホ相談会", facilitators=[ueda, mori])
    unstaffed = make_workshop(title="南浜地区の意見交換会")
    login(Role.PLANNER)

    listing = client.get("/staff/workshops/").get_data(as_text=True)
    assert '<th scope="col">担当</th>' in listing
    rows = {
        title: row
        for row in re.findall(r"<tr>.*?</tr>", listing, re.S)
        for title in (staffed.title, unstaffed.title)
        if title in row
    }
    assert "上田 進、森 明子" in rows[staffed.title]
    assert "まだ決まっていません" in rows[unstaffed.title]

    roster = client.get(f"/staff/workshops/{staffed.id}").get_data(as_text=True)
    assert "担当のファシリテーター: 上田 進、森 明子" in roster
    assert f'href="/staff/workshops/{staffed.id}/edit">編集の画面で変える' in roster


def test_a_facilitator_sees_their_colleagues_on_the_roster_without_the_change_link(
    client, make_user, make_workshop
):
    facilitator = make_user(Role.FACILITATOR)
    colleague = make_user(Role.FACILITATOR)
    workshop = make_workshop(facilitators=[facilitator, colleague])
    log_in(client, facilitator)
    roster = client.get(f"/staff/workshops/{workshop.id}").get_data(as_text=True)
    assert f"担当のファシリテーター: {facilitator.display_name}、{colleague.display_name}" in roster
    assert "編集の画面で変える" not in roster
    # their own list shows only their workshops, so it has no column of names
    assert '<th scope="col">担当</th>' not in client.get("/staff/workshops/").text
