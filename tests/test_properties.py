"""Any input to the comment form, the sign-up form and the CSV import: no 500, nothing half-saved."""

from __future__ import annotations

import csv
import io
import re

import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from tests.conftest import csrf_token
from tests.test_workshops import workshop_factory
from workshop.consultations import imports
from workshop.consultations.services import clean_text
from workshop.errors import DomainError
from workshop.extensions import db
from workshop.models import Comment, Registration

# function-scoped fixtures are fine here: each example counts rows before and after itself
PROPERTY_SETTINGS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
TOKEN = re.compile(r'name="submission_token"[^>]*value="([^"]+)"')
HOSTILE = st.sampled_from(
    [
        '<script>alert("x")</script>',
        "'; DROP TABLE comment; --",
        "=cmd|' /C calc'!A0",
        "\x00\x1f\x7f",
        "\u202e\u200b𠮷🇯🇵",
        " ",
        "a" * 5000,
    ]
)
ANY_TEXT = st.one_of(HOSTILE, st.text(max_size=300))
CHOICE = st.one_of(st.just(""), st.text(max_size=20), st.sampled_from(["20s", "70s", "resident"]))


def count(model: type) -> int:
    db.session.rollback()  # see what the requests committed, not a stale snapshot
    return db.session.scalar(select(func.count()).select_from(model)) or 0


@pytest.fixture
def consultation(make_consultation):
    # one per test, shared by its examples (fixtures run once per test under hypothesis)
    return make_consultation()


@pytest.fixture
def workshop(app):
    return workshop_factory()(capacity=1000)


@PROPERTY_SETTINGS
@given(
    body=ANY_TEXT,
    name=ANY_TEXT,
    email=st.one_of(st.emails(), ANY_TEXT),
    district=st.one_of(st.sampled_from(["中央地区", "北山地区"]), CHOICE),
    age_group=CHOICE,
    relation=CHOICE,
    section=st.one_of(st.just(""), st.text(max_size=5), st.integers().map(str)),
)
def test_comment_form_saves_all_or_nothing(
    client, consultation, body, name, email, district, age_group, relation, section
):
    token = csrf_token(client)
    data = {
        "csrf_token": token,
        "body": body,
        "name": name,
        "email": email,
        "district": district,
        "age_group": age_group,
        "relation": relation,
        "section_id": section,
    }
    before = count(Comment)
    confirm = client.post(f"/consultations/{consultation.slug}/confirm", data=data)
    assert confirm.status_code in {200, 422}
    if confirm.status_code == 422:
        assert count(Comment) == before
        return
    submission = TOKEN.search(confirm.get_data(as_text=True))
    assert submission
    path = f"/consultations/{consultation.slug}/comments"
    response = client.post(path, data={**data, "submission_token": submission.group(1)})
    assert response.status_code in {303, 400, 409, 422}
    if response.status_code != 303:
        assert count(Comment) == before
        return
    event("comment saved")
    assert count(Comment) == before + 1
    comment = db.session.scalars(select(Comment).order_by(Comment.id.desc())).first()
    assert comment is not None
    assert comment.body == clean_text(body)
    assert comment.receipt_no and comment.consultation_id == consultation.id


@PROPERTY_SETTINGS
@given(
    name=ANY_TEXT,
    furigana=st.one_of(st.just(""), st.just("みどりかわ はなこ"), ANY_TEXT),
    email=st.one_of(st.emails(), ANY_TEXT),
    phone=st.one_of(st.just(""), ANY_TEXT),
    district=ANY_TEXT,
    needs=st.lists(CHOICE, max_size=3),
    needs_other=ANY_TEXT,
    age_group=CHOICE,
)
@example(  # an empty first value once hid the check of the others: a 500 on Need("")
    name="花子",
    furigana="",
    email="hanako@example.jp",
    phone="",
    district="",
    needs=["", "bogus"],
    needs_other="",
    age_group="",
)
def test_sign_up_form_saves_all_or_nothing(
    client, workshop, name, furigana, email, phone, district, needs, needs_other, age_group
):
    data = {
        "csrf_token": csrf_token(client),
        "name": name,
        "furigana": furigana,
        "email": email,
        "phone": phone,
        "district": district,
        "needs": needs,
        "needs_other": needs_other,
        "age_group": age_group,
    }
    before = count(Registration)
    response = client.post(f"/workshops/{workshop.id}/register", data=data)
    assert response.status_code in {303, 400, 409, 422}
    if response.status_code != 303:
        assert count(Registration) == before
        return
    event("registration saved")
    assert count(Registration) == before + 1
    registration = db.session.scalars(select(Registration).order_by(Registration.id.desc())).first()
    assert registration is not None
    assert registration.name == clean_text(name)
    assert registration.email == clean_text(email).lower()


def to_csv(rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue()


CELL = st.one_of(HOSTILE, st.text(max_size=40), st.sampled_from(["20代", "在住", "2026/4/1"]))
ROWS = st.lists(st.lists(CELL, min_size=0, max_size=6), max_size=8)
ENCODED = st.one_of(
    ROWS.map(lambda rows: to_csv([["回答ID", "ご意見", "年代", "地区"], *rows]).encode("utf-8")),
    ROWS.map(lambda rows: to_csv([["ご意見", "受付日"], *rows]).encode("cp932", "replace")),
    st.binary(max_size=400),
)


@PROPERTY_SETTINGS
@given(raw=ENCODED, with_id=st.booleans())
def test_csv_import_saves_all_or_nothing(consultation, raw, with_id):
    attributes = {"age_group": "年代", "district": "地区"} if with_id else {"received_on": "受付日"}
    mapping = imports.Mapping(
        text_column="ご意見", id_column="回答ID" if with_id else None, attributes=attributes
    )
    before = count(Comment)
    try:
        report = imports.import_comments(consultation.slug, raw, mapping)
    except DomainError as error:
        db.session.rollback()
        assert error.message and error.status < 500
        assert count(Comment) == before
        return
    event(f"imported {min(report.imported, 1)}+ rows")
    assert count(Comment) == before + report.imported
    for comment in db.session.scalars(
        select(Comment).where(Comment.consultation_id == consultation.id)
    ):
        assert comment.body and comment.body == clean_text(comment.body)
        assert comment.external_id
