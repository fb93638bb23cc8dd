"""The workshop lists ask the database a fixed number of questions, however many workshops."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event, select

from tests.conftest import post_form
from tests.test_workshops import sign_up, workshop_factory
from workshop.extensions import db
from workshop.models import Registration, Role, WorkshopFormat
from workshop.workshops.services import links

pytestmark = pytest.mark.both_dbs


@pytest.fixture
def make_workshop(app):
    return workshop_factory()


@contextmanager
def counted_queries() -> Iterator[list[str]]:
    """Every SQL statement sent while the block runs."""
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def queries_for(client, path: str) -> int:
    with counted_queries() as statements:
        assert client.get(path).status_code == 200
    return len(statements)


def add_signed_up_workshops(client, make_workshop, count: int) -> None:
    """Workshops of every format, each with a confirmed sign-up and one on the waiting list."""
    formats = [WorkshopFormat.IN_PERSON, WorkshopFormat.ONLINE, WorkshopFormat.HYBRID]
    for n in range(count):
        workshop = make_workshop(
            title=f"地区別意見交換会 第{n + 1}回",
            format=formats[n % 3],
            capacity=1,
            online_capacity=1,
        )
        sign_up(client, workshop, f"first{n}@example.jp", mode="venue")
        sign_up(client, workshop, f"second{n}@example.jp", mode="venue")


@pytest.mark.parametrize(
    ("path", "role", "bound"),
    [("/workshops/", None, 3), ("/staff/workshops/", Role.PLANNER, 5)],
)
def test_list_queries_do_not_grow_with_the_workshops(
    client, login, make_workshop, path, role, bound
):
    if role is not None:
        login(role)
    add_signed_up_workshops(client, make_workshop, 1)
    one = queries_for(client, path)
    add_signed_up_workshops(client, make_workshop, 6)
    seven = queries_for(client, path)
    assert seven == one
    assert one <= bound


def test_public_list_shows_the_seats_of_each_workshop_and_mode(client, make_workshop):
    full = make_workshop(title="満席の回", capacity=1)
    sign_up(client, full, "a@example.jp")
    sign_up(client, full, "b@example.jp")
    make_workshop(title="空きのある回", capacity=3)
    hybrid = make_workshop(
        title="ハイブリッドの回", format=WorkshopFormat.HYBRID, capacity=2, online_capacity=2
    )
    sign_up(client, hybrid, "c@example.jp", mode="online")
    page = client.get("/workshops/").get_data(as_text=True)
    cards = {title: page.split(title, 1)[1][:400] for title in ("満席の回", "空きのある回")}
    assert "満席・キャンセル待ち受付中" in cards["満席の回"]
    assert "残り3席" in cards["空きのある回"]
    assert "会場: 残り2席、オンライン: 残り1席" in page


def number_cells(page: str, title: str) -> list[str]:
    """The number columns of the staff list's row for one workshop."""
    row = page.split(f">{title}</a>", 1)[1].split("</tr>", 1)[0]
    return [cell.split("</td>", 1)[0] for cell in row.split('<td class="number">')[1:]]


def test_staff_list_shows_registered_waitlisted_and_checked_in(client, login, make_workshop):
    facilitator = login(Role.FACILITATOR)
    workshop = make_workshop(capacity=2, facilitators=[facilitator])
    make_workshop(title="別の回", capacity=5, facilitators=[facilitator])
    for address in ("a@example.jp", "b@example.jp", "c@example.jp"):
        sign_up(client, workshop, address)
    first = db.session.scalars(select(Registration).filter_by(email="a@example.jp")).one()
    code = links.check_in_token(first)
    post_form(client, f"/staff/workshops/{workshop.id}/check-in", {"code": code})
    page = client.get("/staff/workshops/").get_data(as_text=True)
    assert number_cells(page, workshop.title) == ["2／2", "1", "1"]
    assert number_cells(page, "別の回") == ["0／5", "0", "0"]
