"""One answer for every error: a page for people, JSON for the open-data API; one transaction."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from workshop.errors import DomainError, Forbidden, NotFound
from workshop.extensions import db
from workshop.lookup import get_or_404
from workshop.models import Consultation, Role, User
from workshop.transaction import transaction


def test_unknown_page_is_a_japanese_error_page(client):
    response = client.get("/consultations/no-such-plan")
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert "ページが見つかりません" in page
    assert "トップページに戻る" in page


@pytest.mark.parametrize(
    "path",
    [
        "/api/consultations/no-such-plan",
        "/api/consultations/no-such-plan/results",
        "/api/workshops/999",
        "/api/no-such-endpoint",
    ],
)
def test_api_errors_are_json(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert body["error"] == "not_found"
    assert "見つかりません" in body["message"]


def test_api_wrong_method_is_json(client, make_consultation):
    make_consultation(slug="dx-plan")
    response = client.post("/api/consultations/dx-plan")
    assert response.status_code == 405
    assert response.get_json()["error"] == "method_not_allowed"


def test_domain_error_raised_in_a_route_gets_its_status_and_message(app, client):
    @app.get("/raises-forbidden")
    def raises_forbidden():
        raise Forbidden("この意見募集は担当の職員だけが見られます。")

    response = client.get("/raises-forbidden")
    assert response.status_code == 403
    assert "この意見募集は担当の職員だけが見られます。" in response.get_data(as_text=True)


def test_get_or_404(app, make_consultation):
    consultation = make_consultation()
    assert get_or_404(Consultation, consultation.id) is consultation
    with pytest.raises(NotFound):
        get_or_404(Consultation, consultation.id + 1000)


def staff(letter: str, name: str) -> User:
    return User(
        email=f"{letter}@city.example.jp", display_name=name, password_hash="x", role=Role.PLANNER
    )


def count_users() -> int:
    return db.session.scalar(select(func.count()).select_from(User)) or 0


@pytest.mark.both_dbs
def test_transaction_commits_the_whole_block(app):
    before = count_users()
    with transaction():
        db.session.add(staff("a", "青木"))
        db.session.add(staff("b", "坂本"))
    db.session.remove()  # a new session sees only what was committed
    assert count_users() == before + 2


@pytest.mark.both_dbs
def test_transaction_rolls_back_everything_when_the_block_fails(app):
    before = count_users()
    with pytest.raises(DomainError), transaction():
        db.session.add(staff("c", "千葉"))
        db.session.flush()  # written to the database inside the transaction
        raise DomainError("途中で失敗しました。")
    db.session.remove()
    assert count_users() == before


@pytest.mark.both_dbs
def test_transaction_rolls_back_when_the_commit_itself_fails(app):
    with transaction():
        db.session.add(staff("d", "土屋"))
    before = count_users()
    # the unique e-mail is found only when the commit flushes: the session is rolled back,
    # so it stays usable and nothing of the block is kept
    with pytest.raises(IntegrityError), transaction():
        db.session.add(staff("e", "江口"))
        db.session.add(staff("d", "土屋"))
    assert count_users() == before
    db.session.remove()
    assert count_users() == before
