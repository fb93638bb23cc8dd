"""Who may open what: one matrix over every route, residents' signed links, personal data.

The matrix lists every endpoint of the app with the outcome each actor gets for each method;
a new route without a row fails the first test. Every request is real (POSTs carry the CSRF
token) and built from real objects, with data that passes the gate but changes nothing a
later request needs.
"""

from __future__ import annotations

import io
import json
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask, current_app
from flask.testing import FlaskClient
from itsdangerous import URLSafeTimedSerializer
from openpyxl import load_workbook
from sqlalchemy import select
from werkzeug.routing import Rule

from tests.conftest import PASSWORD, attach_pdf, past, post_form
from tests.test_results import DISASTER, SMARTPHONE, add_comment, analyse, write_all
from tests.test_workshops import workshop_factory
from workshop.boards import cookies as board_cookies
from workshop.boards.services import moderation, notes, running
from workshop.boards.services.setup import BoardInput, create_board
from workshop.consultations import exports, import_jobs, imports
from workshop.consultations.services import LinkInput, create_links
from workshop.extensions import db
from workshop.models import (
    Answer,
    BoardGroup,
    Channel,
    Comment,
    Job,
    QuestionType,
    Registration,
    RegistrationStatus,
    Role,
    User,
    utcnow,
)
from workshop.models.boards import new_participant_token
from workshop.questionnaires.services import OptionSpec, QuestionSpec, apply_questionnaire
from workshop.results.services import publishing
from workshop.workshops import tokens
from workshop.workshops.errors import CannotCheckIn
from workshop.workshops.services import access, checkin, links, signup

ANONYMOUS = "anonymous"
RESIDENT = "resident"  # no login; holds the signed links of their own registration
FACILITATOR = "facilitator"  # assigned to the workshop the URLs point at
OTHER_FACILITATOR = "other_facilitator"  # a facilitator of other workshops
PLANNER = "planner"
ADMIN = "admin"
ACTORS = (ANONYMOUS, RESIDENT, FACILITATOR, OTHER_FACILITATOR, PLANNER, ADMIN)
VISITORS = (ANONYMOUS, RESIDENT)
STAFF = (FACILITATOR, OTHER_FACILITATOR, PLANNER, ADMIN)
PLANNERS = (PLANNER, ADMIN)
ADMINS = (ADMIN,)
ROLES = {
    FACILITATOR: Role.FACILITATOR,
    OTHER_FACILITATOR: Role.FACILITATOR,
    PLANNER: Role.PLANNER,
    ADMIN: Role.ADMIN,
}

LOGIN = "login"  # 302 to /staff/login
Outcome = int | str
Expect = dict[str, dict[str, Outcome]]  # method -> actor -> outcome


def public(**by_method: int) -> Expect:
    """Open to everyone, logged in or not."""
    return {method.upper(): dict.fromkeys(ACTORS, status) for method, status in by_method.items()}


def own_link(**by_method: int) -> Expect:
    """A resident's signed link: only its holder gets in; a forged one is 404 for anyone."""
    return {
        method.upper(): {actor: status if actor == RESIDENT else 404 for actor in ACTORS}
        for method, status in by_method.items()
    }


def staff(allowed: tuple[str, ...], **by_method: int) -> Expect:
    """A staff page: visitors go to the login page, other roles get 403."""
    return {
        method.upper(): {
            actor: status if actor in allowed else LOGIN if actor in VISITORS else 403
            for actor in ACTORS
        }
        for method, status in by_method.items()
    }


def assigned(**by_method: int) -> Expect:
    """A page of one workshop: a facilitator not assigned to it gets 404, as if it did not exist."""
    return {
        method: {
            actor: 404 if actor == OTHER_FACILITATOR else status for actor, status in row.items()
        }
        for method, row in staff(STAFF, **by_method).items()
    }


@dataclass(frozen=True)
class Row:
    expect: Expect
    # POST fields; "{name}" is filled from the world's values
    data: dict[str, str] = field(default_factory=dict)
    # URL part -> key of World.values, where the default key (the part's own name) will not do
    parts: dict[str, str] = field(default_factory=dict)
    query: str = ""


# Every endpoint but 'static'. The POST data passes the login and role check, then fails
# validation or is refused (422, 409, 303 back with a message), so no row spoils a later one.
MATRIX: dict[str, Row] = {
    # ------------------------------------------------------------ residents: consultations
    "consultations.index": Row(public(get=200)),
    "consultations.show_consultation": Row(public(get=200)),
    "consultations.attachment": Row(public(get=200)),
    "consultations.paper_form": Row(public(get=200)),
    "consultations.confirm": Row(public(post=422)),
    "consultations.submit": Row(public(post=422)),
    "consultations.receipt": Row(own_link(get=200), parts={"token": "receipt_token"}),
    "results.show": Row(public(get=200), parts={"slug": "results_slug"}),
    "results.print_page": Row(public(get=200), parts={"slug": "results_slug"}),
    "results.theme": Row(public(get=200), parts={"slug": "results_slug", "number": "theme_number"}),
    "results.results_csv": Row(public(get=200), parts={"slug": "results_slug"}),
    "results.results_xlsx": Row(public(get=200), parts={"slug": "results_slug"}),
    # ------------------------------------------------------------ open data
    "api.consultation": Row(public(get=200)),
    "api.consultation_results": Row(public(get=200), parts={"slug": "results_slug"}),
    "api.theme_comments": Row(
        public(get=200), parts={"slug": "results_slug", "number": "theme_number"}
    ),
    "api.workshop": Row(public(get=200)),
    # ------------------------------------------------------------ residents: workshops
    "workshops.index": Row(public(get=200)),
    "workshops.show": Row(public(get=200)),
    "workshops.register": Row(public(post=422)),
    "workshops.registration": Row(own_link(get=200)),
    "workshops.update_registration": Row(own_link(post=422)),
    "workshops.calendar": Row(own_link(get=200)),
    # the POST really cancels: the resident's spare registration, at another workshop
    "workshops.cancel": Row(own_link(get=200, post=303), parts={"token": "spare_token"}),
    # ------------------------------------------------------------ login
    "auth.login": Row(public(get=200, post=422)),
    "auth.logout": Row(staff(STAFF, post=302)),  # runs last: it ends the staff sessions
    # ------------------------------------------------------------ staff: home and audit log
    "staff.dashboard": Row(staff(STAFF, get=200)),
    "staff.audit_log": Row(staff(ADMINS, get=200)),
    # ------------------------------------------------------------ staff: consultations
    "consultations_staff.new_consultation": Row(staff(PLANNERS, get=200, post=422)),
    "consultations_staff.show": Row(staff(PLANNERS, get=200)),
    "consultations_staff.edit_consultation": Row(staff(PLANNERS, get=200, post=422)),
    "consultations_staff.add_attachment": Row(staff(PLANNERS, post=303)),
    "consultations_staff.comments": Row(staff(PLANNERS, get=200)),
    "consultations_staff.enter_comment": Row(staff(PLANNERS, get=200, post=422)),
    "consultations_staff.hide_comment": Row(
        staff(PLANNERS, post=303)
    ),  # no reason: back with a message
    "consultations_staff.unhide_comment": Row(
        staff(PLANNERS, post=303)
    ),  # the comment was not hidden
    "consultations_staff.export_csv": Row(staff(PLANNERS, get=200)),
    # the Excel file: a job writes it (inline in tests); the world has one that is done
    "consultations_staff.export_xlsx": Row(staff(PLANNERS, post=303)),
    "consultations_staff.export_job": Row(
        staff(PLANNERS, get=200), parts={"job_id": "export_job_id"}
    ),
    "consultations_staff.export_job_json": Row(
        staff(PLANNERS, get=200), parts={"job_id": "export_job_id"}
    ),
    "consultations_staff.export_xlsx_file": Row(
        staff(PLANNERS, get=200), parts={"job_id": "export_job_id"}
    ),
    "consultations_staff.import_comments": Row(staff(PLANNERS, get=200, post=422)),
    # an upload is imported by a job (inline in tests); the world has one that is done
    "consultations_staff.import_job": Row(
        staff(PLANNERS, get=200), parts={"job_id": "import_job_id"}
    ),
    "consultations_staff.import_job_json": Row(
        staff(PLANNERS, get=200), parts={"job_id": "import_job_id"}
    ),
    # no uploaded file waits under that token: back to the first step with a message
    "consultations_staff.import_mapped": Row(staff(PLANNERS, post=303)),
    "consultations_staff.links": Row(staff(PLANNERS, get=200, post=422)),  # nothing filled in
    "consultations_staff.links_csv": Row(staff(PLANNERS, get=200)),
    "consultations_staff.revoke_link": Row(staff(PLANNERS, post=303)),
    # ------------------------------------------------------------ staff: themes
    "themes_staff.overview": Row(staff(PLANNERS, get=200)),
    "themes_staff.analyze": Row(
        staff(PLANNERS, post=303), data={"k": "0"}
    ),  # bad k: nothing starts
    "themes_staff.job": Row(staff(PLANNERS, get=200)),
    "themes_staff.job_json": Row(staff(PLANNERS, get=200)),
    "themes_staff.theme": Row(staff(PLANNERS, get=200)),
    "themes_staff.rename": Row(staff(PLANNERS, post=422)),
    "themes_staff.city_theme": Row(staff(PLANNERS, post=400)),  # the analysis is published: refused
    "themes_staff.merge": Row(staff(PLANNERS, post=422)),
    "themes_staff.move": Row(staff(PLANNERS, post=422)),
    "themes_staff.wordcloud": Row(staff(PLANNERS, get=200)),
    "themes_staff.theme_wordcloud": Row(staff(PLANNERS, get=200)),
    "themes_staff.breakdown": Row(staff(PLANNERS, get=200)),
    "themes_staff.breakdown_csv": Row(staff(PLANNERS, get=200), query="?attribute=district"),
    "themes_staff.compare": Row(staff(PLANNERS, get=200)),
    "themes_staff.duplicates": Row(staff(PLANNERS, get=200)),
    # ------------------------------------------------------------ staff: results
    "results_staff.edit": Row(staff(PLANNERS, get=200)),
    "results_staff.questions": Row(staff(PLANNERS, get=200)),
    # the world's consultation has no questions: a cross tab of two keys it lacks is refused
    "results_staff.cross_tab_csv": Row(staff(PLANNERS, get=400), query="?row=age&column=district"),
    "results_staff.save_response": Row(staff(PLANNERS, post=422), data={"theme_id": "{theme_id}"}),
    "results_staff.publish": Row(staff(PLANNERS, post=422)),
    "results_staff.carry_over": Row(staff(PLANNERS, post=303)),
    # a consultation never published: refused with a message, the published one stays
    "results_staff.withdraw": Row(
        staff(PLANNERS, post=303), parts={"consultation_id": "unpublished_id"}
    ),
    # ------------------------------------------------------------ staff: questionnaire builder
    "questionnaires_staff.questions": Row(staff(PLANNERS, get=200)),
    # nothing filled in: the question's text is missing, nothing stored
    "questionnaires_staff.new_question": Row(staff(PLANNERS, get=200, post=422)),
    "questionnaires_staff.edit_question": Row(staff(PLANNERS, get=200, post=422)),
    # the only question is first and last: up and down change nothing
    "questionnaires_staff.move_up": Row(staff(PLANNERS, post=303)),
    "questionnaires_staff.move_down": Row(staff(PLANNERS, post=303)),
    # the question and its option have an answer: refused with the reason
    "questionnaires_staff.delete_question": Row(staff(PLANNERS, post=303)),
    "questionnaires_staff.delete_option": Row(staff(PLANNERS, post=303)),
    "questionnaires_staff.add_option": Row(staff(PLANNERS, post=303)),  # no label: a message
    # hiding one of the two options is refused (one would be left); showing it changes nothing
    "questionnaires_staff.hide_option": Row(staff(PLANNERS, post=303)),
    "questionnaires_staff.show_option": Row(staff(PLANNERS, post=303)),
    # ------------------------------------------------------------ staff: translated summaries
    # nothing filled in: every language's summary stays as it was (none), back to the page
    "summaries_staff.consultation": Row(staff(PLANNERS, get=200, post=303)),
    "summaries_staff.workshop": Row(assigned(get=200, post=303)),
    # ------------------------------------------------------------ staff: workshops
    "workshops_staff.index": Row(staff(STAFF, get=200)),
    "workshops_staff.new_workshop": Row(staff(STAFF, get=200, post=422)),
    "workshops_staff.show": Row(assigned(get=200)),
    "workshops_staff.edit_workshop": Row(assigned(get=200, post=422)),
    "workshops_staff.export_roster": Row(assigned(get=200)),
    "workshops_staff.register": Row(assigned(get=200, post=422)),
    "workshops_staff.check_in": Row(assigned(get=200, post=422)),
    # the waitlisted registration: "cannot check in", nothing changes
    "workshops_staff.check_in_by_name": Row(assigned(post=409)),
    "workshops_staff.walk_in": Row(assigned(post=422)),
    "workshops_staff.opinions": Row(assigned(get=200, post=422)),
    # ------------------------------------------------------------ live boards: participants
    # the board's code opens it for anyone; the resident's cookie opens only their own notes
    "boards.join": Row(public(get=200)),
    # ------------------------------------------------------------ preferences (a cookie, back)
    "preferences.furigana": Row(public(get=303)),
    "preferences.text_size": Row(public(get=303)),
    # ------------------------------------------------------------ the accessibility policy
    "accessibility.policy": Row(public(get=200)),
    # ------------------------------------------------------------ LINE (off: no channel secret)
    "line.webhook": Row(public(post=404)),
    "line_staff.status": Row(staff(PLANNERS, get=200)),
    "boards.show": Row(public(get=200)),
    "boards.board_events": Row(public(get=200)),  # an event stream; ends at once in the tests
    "boards.post_note": Row(public(post=422)),  # no text: nothing stored
    "boards.nickname": Row(public(post=422), data={"nickname": "名" * 21}),
    "boards.edit_note": Row(own_link(get=200, post=422)),
    # the POST really deletes: the resident's spare note
    "boards.delete_note": Row(own_link(post=303), parts={"note_id": "spare_note_id"}),
    # 共感 on a paper note everyone sees: once per participant, each actor is one
    "boards.like": Row(public(post=303), parts={"note_id": "paper_note_id"}),
    "api.board": Row(public(get=200)),
    # ------------------------------------------------------------ live boards: facilitators
    "boards_staff.index": Row(assigned(get=200)),
    "boards_staff.new_board": Row(assigned(get=200, post=422)),
    "boards_staff.show": Row(assigned(get=200)),
    "boards_staff.open_board": Row(assigned(post=303)),  # open already: nothing changes
    # a board closed before: closing again adds nothing
    "boards_staff.close_board": Row(assigned(post=303), parts={"board_id": "closed_board_id"}),
    "boards_staff.set_question": Row(assigned(post=303)),  # the last question: refused
    "boards_staff.card": Row(assigned(get=200)),
    "boards_staff.moderation_queue": Row(assigned(get=200)),
    "boards_staff.approve": Row(assigned(post=303), parts={"note_id": "paper_note_id"}),
    # no reason, no text, no name, no group: back with a message
    "boards_staff.hide": Row(assigned(post=303), parts={"note_id": "paper_note_id"}),
    "boards_staff.correct": Row(assigned(post=303), parts={"note_id": "paper_note_id"}),
    "boards_staff.paper": Row(assigned(get=200, post=422)),
    "boards_staff.groups": Row(assigned(get=200)),
    "boards_staff.regroup": Row(assigned(post=303)),
    "boards_staff.rename_group": Row(assigned(post=303)),
    "boards_staff.add_group": Row(assigned(post=303)),
    "boards_staff.move_note": Row(assigned(post=303), parts={"note_id": "paper_note_id"}),
    "boards_staff.projector_page": Row(assigned(get=200)),
    "boards_staff.projector_json": Row(assigned(get=200)),
    "boards_staff.projector_events": Row(assigned(get=200)),
    "boards_staff.export_notes": Row(assigned(get=200)),
}


# ---------------------------------------------------------------- the world the URLs point at


COMMENTERS = [
    ("秘匿 甲太郎", "kou.hitoku@commenter.example.jp"),
    ("内緒 乙美", "otsu.naisho@commenter.example.jp"),
    ("非公開 丙助", "hei.hikoukai@commenter.example.jp"),
]
# SMARTPHONE[5] of tests/test_results.py: a phone number and an e-mail inside the text
BODY_PERSONAL_DATA = ("090-1234-5678", "taro@example.jp")
REGISTRANTS = [
    ("緑川 花子", "みどりかわ はなこ", "hanako.midorikawa@resident.example.jp", "080-5555-0101"),
    ("青山 次郎", "あおやま じろう", "jiro.aoyama@resident.example.jp", "080-5555-0202"),
]


@dataclass
class World:
    # URL part -> value; a dict value holds one per actor (each holds their own link)
    values: dict[str, Any]
    commenter_data: tuple[str, ...]  # names and e-mails of commenters, and what their texts hold
    registrant_data: tuple[str, ...]  # name, e-mail, phone of the resident, then of the other
    first: Registration  # the resident's, confirmed
    second: Registration  # someone else's, on the waiting list

    def hidden_from(self, actor: str) -> tuple[str, ...]:
        """What a visitor must never read: the resident sees only their own registration.
        A facilitator of other workshops sees no commenter and no registrant of this one."""
        if actor in VISITORS:
            others = self.registrant_data[3:] if actor == RESIDENT else self.registrant_data
            return self.commenter_data + others
        if actor == OTHER_FACILITATOR:
            return self.commenter_data + self.registrant_data
        return ()

    def url(self, rule: Rule, actor: str, row: Row) -> str:
        parts = {}
        for name in rule.arguments:
            value = self.values[row.parts.get(name, name)]
            parts[name] = value[actor] if isinstance(value, dict) else value
        built = rule.build(parts)
        assert built, rule
        return built[1] + row.query

    def form(self, row: Row) -> dict[str, str]:
        plain = {k: v for k, v in self.values.items() if not isinstance(v, dict)}
        return {name: value.format(**plain) for name, value in row.data.items()}


def applicant(name: str, furigana: str, email: str, phone: str) -> signup.Applicant:
    return signup.Applicant(name=name, furigana=furigana, email=email, phone=phone)


def forged(registration: Registration) -> str:
    """What someone without the link could make: the right payload, the wrong key."""
    return URLSafeTimedSerializer("guessed-secret", salt=tokens.STATUS_SALT).dumps(
        [registration.id, registration.access_key]
    )


def per_actor(own: str, others: str) -> dict[str, str]:
    return {actor: own if actor == RESIDENT else others for actor in ACTORS}


@pytest.fixture
def signed_up(app: Flask) -> tuple[Registration, Registration, Registration]:
    """A workshop with one seat: the resident's confirmed registration and another person's
    on the waiting list; and the resident's spare registration at a second workshop."""
    make = workshop_factory()
    workshop = make(capacity=1)
    spare = make(title="駅前広場の使い方を考えるワークショップ（2回目）")
    # the confirmation mail builds links to the status page, which needs a request
    with current_app.test_request_context():
        first = signup.register(workshop.id, applicant(*REGISTRANTS[0]))
        second = signup.register(workshop.id, applicant(*REGISTRANTS[1]))
        extra = signup.register(spare.id, applicant(*REGISTRANTS[0]))
    assert first.is_confirmed and second.is_waitlisted
    return first, second, extra


@pytest.fixture
def staff_users(app: Flask, make_user: Callable[..., User]) -> dict[str, User]:
    return {actor: make_user(role) for actor, role in ROLES.items()}


@pytest.fixture
def world(
    app: Flask,
    make_consultation: Callable[..., Any],
    signed_up: tuple[Registration, Registration, Registration],
    staff_users: dict[str, User],
) -> World:
    """A closed consultation with named commenters, analysed and published, with a PDF;
    an open one with the resident's comment; the workshop of `signed_up`, linked to it and
    run by the facilitator (the other facilitator runs the spare workshop)."""
    closed = make_consultation(opens_on=past(40), closes_on=past(1))
    assert all(value in SMARTPHONE[5] for value in BODY_PERSONAL_DATA)
    for i, body in enumerate(SMARTPHONE + DISASTER):
        name, email = COMMENTERS[i % len(COMMENTERS)]
        add_comment(closed, body, name=name, email=email)
    analysis = analyse(closed)
    write_all(analysis)
    publishing.publish(closed.id, analysis.id, staff_id=None)
    job_id = db.session.scalar(select(Job.id).where(Job.consultation_id == closed.id))
    export_job = exports.start_xlsx(closed, staff_id=staff_users[PLANNER].id)
    upload = imports.keep_upload(closed.id, "ID,意見\r\nX1,ベンチを増やしてほしい。\r\n".encode())
    import_job = import_jobs.start_import(
        closed,
        upload,
        imports.Mapping(text_column="意見", id_column="ID"),
        Channel.IMPORT,
        staff_id=staff_users[PLANNER].id,
    )
    open_plan = make_consultation()
    receipt = add_comment(open_plan, "駅前の駐輪場を増やしてほしい。")
    attachment = attach_pdf(open_plan.id, "計画の素案")
    first, second, extra = signed_up
    first.workshop.consultation_id = closed.id
    access.assign_facilitators(first.workshop, [staff_users[FACILITATOR]])
    access.assign_facilitators(extra.workshop, [staff_users[OTHER_FACILITATOR]])
    db.session.commit()
    comment_id = db.session.scalar(select(Comment.id).where(Comment.consultation_id == closed.id))
    (question,) = apply_questionnaire(
        closed.id,
        [
            QuestionSpec(
                key="smartphone",
                type=QuestionType.SINGLE,
                text="スマートフォンを使っていますか。",
                options=(OptionSpec("使っている"), OptionSpec("使っていない")),
            )
        ],
    )
    answered_option = question.options[0]
    db.session.add(Answer(comment_id=comment_id, question=question, option=answered_option))
    db.session.commit()
    board = create_board(
        first.workshop_id, BoardInput(questions=("困っていること",), is_open=True), staff_id=None
    )
    closed_board = create_board(
        first.workshop_id, BoardInput(questions=("前回の問い",), is_open=True), staff_id=None
    )
    running.close_board(closed_board.id)
    resident_token = new_participant_token()
    own_note = notes.post_note(board.id, resident_token, "窓口の待ち時間が長い")
    spare_note = notes.post_note(board.id, resident_token, "はがす予定の付箋")
    (paper_note,) = moderation.enter_paper_notes(
        board.id, "紙に書かれた付箋", question_id=None, table_id=None, staff_id=None
    )
    (group_id,) = db.session.scalars(select(BoardGroup.id))
    (answer_link,) = create_links(closed.id, LinkInput(label="抽出パネル", max_uses=1))
    values: dict[str, Any] = {
        "consultation_id": closed.id,
        "unpublished_id": open_plan.id,
        "slug": open_plan.slug,
        "results_slug": closed.slug,
        "attachment_id": attachment.id,
        "comment_id": comment_id,
        "analysis_id": analysis.id,
        "theme_id": analysis.themes[0].id,
        "theme_number": 1,
        "job_id": job_id,
        "export_job_id": export_job.id,
        "import_job_id": import_job.id,
        "workshop_id": first.workshop_id,
        "registration_id": second.id,
        "extension": "csv",
        "token": per_actor(links.status_token(first), forged(first)),
        "spare_token": per_actor(links.status_token(extra), forged(extra)),
        "receipt_token": per_actor(receipt.receipt_token, secrets.token_urlsafe(24)),
        "board_id": board.id,
        "closed_board_id": closed_board.id,
        "code": board.code,
        "note_id": own_note.id,
        "spare_note_id": spare_note.id,
        "paper_note_id": paper_note.id,
        "group_id": group_id,
        "link_id": answer_link.id,
        "question_id": question.id,
        "option_id": answered_option.id,
        "board_cookie": board_cookies.sign({board.id: resident_token}),
    }
    return World(
        values=values,
        commenter_data=tuple(x for pair in COMMENTERS for x in pair) + BODY_PERSONAL_DATA,
        registrant_data=tuple(
            x for name, _, email, phone in REGISTRANTS for x in (name, email, phone)
        ),
        first=first,
        second=second,
    )


def log_in(client: FlaskClient, user: User) -> FlaskClient:
    response = post_form(client, "/staff/login", {"email": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


@pytest.fixture
def clients(app: Flask, staff_users: dict[str, User]) -> dict[str, FlaskClient]:
    """One client per actor, each staff member logged in once."""
    made = {actor: app.test_client() for actor in ACTORS}
    for actor, user in staff_users.items():
        log_in(made[actor], user)
    return made


def rules_by_endpoint(app: Flask) -> dict[str, Rule]:
    found: dict[str, Rule] = {}
    for rule in app.url_map.iter_rules():
        if rule.endpoint != "static":
            assert rule.endpoint not in found, f"{rule.endpoint} has two rules"
            found[rule.endpoint] = rule
    return found


def methods(rule: Rule) -> set[str]:
    return set(rule.methods or ()) - {"HEAD", "OPTIONS"}


def send(client: FlaskClient, method: str, url: str, data: dict[str, str]) -> Any:
    if method == "GET":
        return client.get(url)
    return post_form(client, url, data)


def outcome_of(response: Any) -> Outcome:
    location = response.headers.get("Location", "")
    if response.status_code == 302 and location.startswith("/staff/login"):
        return LOGIN
    return int(response.status_code)


def text_of(response: Any) -> str:
    """What a person could read in the response, a spreadsheet's cells included."""
    data = response.get_data()
    if response.mimetype.endswith("spreadsheetml.sheet"):
        book = load_workbook(io.BytesIO(data), read_only=True)
        cells = (c for sheet in book for row in sheet.iter_rows(values_only=True) for c in row)
        return "\n".join(str(c) for c in cells if c is not None)
    return data.decode("utf-8", errors="replace")


# ---------------------------------------------------------------- the matrix


def test_the_matrix_lists_every_route_with_its_methods(app):
    rules = rules_by_endpoint(app)
    assert set(MATRIX) == set(rules), "add a row to MATRIX for every new route"
    for endpoint, rule in rules.items():
        assert set(MATRIX[endpoint].expect) == methods(rule), endpoint
        for method, by_actor in MATRIX[endpoint].expect.items():
            assert set(by_actor) == set(ACTORS), (endpoint, method)
            # a signed link for a registration never stands in for a staff login
            if rule.rule.startswith("/staff/") and endpoint != "auth.login":
                assert by_actor[ANONYMOUS] == by_actor[RESIDENT] == LOGIN, endpoint
                assert by_actor[ADMIN] not in (LOGIN, 403), endpoint


@pytest.mark.both_dbs
def test_every_route_answers_each_actor_as_the_matrix_says(app, world, clients):
    rules = rules_by_endpoint(app)
    # the resident's phone holds the cookie of their own notes on the board
    clients[RESIDENT].set_cookie(board_cookies.COOKIE, world.values["board_cookie"])
    # logging out ends the staff sessions, so it comes last
    order = sorted(MATRIX, key=lambda endpoint: endpoint == "auth.logout")
    failures = []
    count = 0
    for endpoint in order:
        row = MATRIX[endpoint]
        rule = rules[endpoint]
        for method in ("GET", "POST"):
            for actor, expected in row.expect.get(method, {}).items():
                url = world.url(rule, actor, row)
                response = send(clients[actor], method, url, world.form(row))
                count += 1
                got = outcome_of(response)
                if got != expected:
                    failures.append(f"{method} {url} as {actor}: expected {expected}, got {got}")
                hidden = world.hidden_from(actor)
                if hidden:
                    text = text_of(response)
                    leaked = [value for value in hidden if value in text]
                    if leaked:
                        failures.append(f"{method} {url} as {actor} shows {leaked}")
    assert not failures, "\n".join(failures)
    assert count == sum(len(row.expect) for row in MATRIX.values()) * len(ACTORS)
    # the rows that pass the gate changed nothing a later row needed
    assert publishing.is_published(world.values["consultation_id"])
    db.session.refresh(world.first)
    assert world.first.status is RegistrationStatus.CONFIRMED
    db.session.refresh(world.second)
    assert world.second.status is RegistrationStatus.WAITLISTED
    assert world.second.checked_in_at is None


# ---------------------------------------------------------------- residents' signed links


def status_url(token: str, suffix: str = "") -> str:
    return f"/workshops/r/{token}{suffix}"


def sign(registration_id: int, access_key: str) -> str:
    """Signed with the app's own secret: only the access key can tell the registrations apart."""
    return tokens.sign(tokens.STATUS_SALT, registration_id, access_key)


def test_a_link_opens_only_its_own_registration(app, client, signed_up):
    mine, theirs, _ = signed_up
    own = links.status_token(mine)
    page = client.get(status_url(own))
    assert page.status_code == 200 and REGISTRANTS[0][0] in page.get_data(as_text=True)
    attempts = {
        # my key with their number, and their number with my key's signature
        "their id, my key": sign(theirs.id, mine.access_key),
        "my id, their key": sign(mine.id, theirs.access_key),
        # the check-in code is signed too, but for the door, not for the status page
        "my check-in code": links.check_in_token(mine),
        "a guessed secret": forged(theirs),
        "tampered signature": own[:-4] + ("AAAA" if not own.endswith("AAAA") else "BBBB"),
        "tampered payload": "x" + own[1:],
        "no signature": own.rsplit(".", 2)[0],
        "garbage": "not-a-token",
    }
    for what, token in attempts.items():
        for suffix in ("", "/calendar.ics", "/cancel"):
            response = client.get(status_url(token, suffix))
            assert response.status_code == 404, (what, suffix)
            body = response.get_data(as_text=True)
            assert REGISTRANTS[1][0] not in body and REGISTRANTS[1][2] not in body, what
            assert response.headers["Cache-Control"] == "no-store"
        assert post_form(client, status_url(token, "/cancel"), {}).status_code == 404, what
        change = {"name": "乗っ取り", "email": "evil@example.jp"}
        assert post_form(client, status_url(token), change).status_code == 404, what
    db.session.refresh(theirs)
    assert theirs.status is RegistrationStatus.WAITLISTED and theirs.name == REGISTRANTS[1][0]


def test_an_expired_link_is_refused(app, client, signed_up):
    mine, _, _ = signed_up
    app.config["WORKSHOP_LINK_MAX_AGE"] = -1
    for suffix in ("", "/calendar.ics", "/cancel"):
        response = client.get(status_url(links.status_token(mine), suffix))
        assert response.status_code == 410, suffix
        assert REGISTRANTS[0][0] not in response.get_data(as_text=True)


def test_the_link_of_a_cancelled_registration_shows_it_cancelled_and_changes_nothing(
    app, client, signed_up
):
    mine, theirs, _ = signed_up
    own = links.status_token(mine)
    assert post_form(client, status_url(own, "/cancel"), {}).status_code == 303
    db.session.refresh(theirs)
    assert theirs.is_confirmed  # the seat went to the next person
    page = client.get(status_url(own))
    assert page.status_code == 200 and "取り消し済み" in page.get_data(as_text=True)
    again = post_form(client, status_url(own, "/cancel"), {}, follow_redirects=True)
    assert "すでに取り消されています" in again.get_data(as_text=True)
    change = {"name": "緑川 花子", "furigana": "みどりかわ はなこ", "email": REGISTRANTS[0][2]}
    assert post_form(client, status_url(own), change).status_code == 409
    # the check-in code of a cancelled registration opens no door
    db.session.refresh(mine)
    with pytest.raises(CannotCheckIn):
        checkin.check_in(mine.workshop_id, code=links.check_in_token(mine))
    # and the link still names only its own registration
    assert REGISTRANTS[1][0] not in page.get_data(as_text=True)


def test_a_resident_link_opens_no_staff_page(app, client, signed_up):
    mine, _, _ = signed_up
    own = links.status_token(mine)
    assert client.get(status_url(own)).status_code == 200
    assert client.get(status_url(own, "/cancel")).status_code == 200
    staff_rules = [r for r in app.url_map.iter_rules() if r.rule.startswith("/staff/")]
    assert len(staff_rules) > 40
    for rule in staff_rules:
        if rule.endpoint == "auth.login":
            continue
        parts = {name: "csv" if name == "extension" else 1 for name in rule.arguments}
        path = rule.build(parts)
        assert path
        for method in methods(rule):
            # the link itself in the query or in a form field makes no difference
            url = f"{path[1]}?token={own}"
            response = send(client, method, url, {"token": own})
            assert outcome_of(response) == LOGIN, (method, url)


# ---------------------------------------------------------------- personal data


def test_a_facilitator_never_sees_commenters_personal_data(app, world, clients):
    """Facilitators run workshops: the roster is theirs, the public-comment pool is not."""
    facilitator = clients[FACILITATOR]
    # the same-day opinions of a workshop go into the pool the commenters wrote to
    workshop = world.first.workshop
    workshop.starts_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    entered = post_form(
        facilitator,
        f"/staff/workshops/{workshop.id}/opinions",
        {"text": "公園に日陰がほしい", "table": "Aテーブル"},
    )
    assert entered.status_code == 303
    rules = rules_by_endpoint(app)
    opened = []
    for endpoint, rule in rules.items():
        if "GET" not in methods(rule):
            continue
        row = MATRIX[endpoint]
        url = world.url(rule, FACILITATOR, row)
        response = facilitator.get(url)
        if response.status_code == 200:
            opened.append(endpoint)
        text = text_of(response)
        for value in world.commenter_data:
            assert value not in text, (url, value)
    # the pages a facilitator needs do open, and do show the registrants
    assert {
        "workshops_staff.index",
        "workshops_staff.show",
        "workshops_staff.export_roster",
        "workshops_staff.check_in",
        "workshops_staff.opinions",
    } <= set(opened)
    roster = facilitator.get(f"/staff/workshops/{workshop.id}").get_data(as_text=True)
    assert REGISTRANTS[0][0] in roster and REGISTRANTS[0][2] in roster
    # searching the check-in list by a commenter's name finds no one
    search = facilitator.get(f"/staff/workshops/{workshop.id}/check-in?q={COMMENTERS[0][0]}")
    assert "見つかりませんでした" in search.get_data(as_text=True)
    # and nothing that holds comments opened
    for endpoint in opened:
        assert not endpoint.startswith(("consultations_staff.", "themes_staff.", "results_staff."))
        assert endpoint != "staff.audit_log"
    # the check above can see the data: a planner's export holds every commenter's e-mail
    export = clients[PLANNER].get(
        f"/staff/consultations/{world.values['consultation_id']}/comments.csv"
    )
    assert all(email in text_of(export) for _, email in COMMENTERS)


def test_admin_only_pages_refuse_planners_and_facilitators(app, clients):
    admin_only = [
        endpoint
        for endpoint, row in MATRIX.items()
        if any(by_actor[PLANNER] == 403 for by_actor in row.expect.values())
    ]
    assert admin_only == ["staff.audit_log"]
    for actor, expected in ((FACILITATOR, 403), (PLANNER, 403), (ADMIN, 200)):
        response = clients[actor].get("/staff/audit")
        assert response.status_code == expected, actor
        if expected == 403:
            assert "権限がありません" in response.get_data(as_text=True)


def test_a_deactivated_or_demoted_account_loses_access_at_once(app, clients):
    planner = clients[PLANNER]
    assert planner.get("/staff/consultations/new").status_code == 200
    user = db.session.scalars(select(User).where(User.role == Role.PLANNER)).one()
    user.role = Role.FACILITATOR
    db.session.commit()
    assert planner.get("/staff/consultations/new").status_code == 403
    assert planner.get("/staff/workshops/").status_code == 200
    user.active = False
    db.session.commit()
    # the session cookie is still there; the account behind it no longer counts
    assert outcome_of(planner.get("/staff/workshops/")) == LOGIN
    assert outcome_of(planner.get("/staff/")) == LOGIN


def keys_of(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for key, inner in value.items():
            yield key
            yield from keys_of(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from keys_of(inner)


def test_open_data_has_no_personal_data(app, client, world):
    api = [r for r in app.url_map.iter_rules() if r.endpoint.startswith("api.")]
    assert len(api) == 5
    for rule in api:
        url = world.url(rule, ANONYMOUS, MATRIX[rule.endpoint])
        response = client.get(url)
        assert response.status_code == 200 and response.is_json, url
        payload = response.get_json()
        text = json.dumps(payload, ensure_ascii=False)
        for value in world.commenter_data + world.registrant_data:
            assert value not in text, (url, value)
        names = {key.lower() for key in keys_of(payload)}
        assert not names & {"email", "name", "phone", "furigana", "mail", "receipt_token"}, url
    published = client.get(f"/api/consultations/{world.values['results_slug']}/results")
    texts = [c["text"] for t in published.get_json()["themes"] for c in t["comments"]]
    assert len(texts) == len(SMARTPHONE + DISASTER)  # the comments are there, masked
