"""The shared text helpers: what is kept of typed text, and LIKE searches for what was typed."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from workshop.extensions import db
from workshop.models import Role, User
from workshop.text import LIKE_ESCAPE, clean_text, like_contains


def test_clean_text_keeps_the_text_without_control_characters_or_windows_line_ends():
    assert clean_text("  駅前の\r\n駐輪場\x00が\x1b足りません\r ") == "駅前の\n駐輪場が足りません"
    assert clean_text(None) == ""


@pytest.mark.both_dbs
def test_like_contains_treats_percent_and_underscore_as_typed(app):
    for email, name in [
        ("a@example.jp", "満足度100%の公園"),
        ("b@example.jp", "満足度100点の公園"),
        ("c@example.jp", "区画_A の花壇"),
        ("d@example.jp", "区画BA の花壇"),
        ("e@example.jp", "バックスラッシュ\\の件"),
    ]:
        db.session.add(User(email=email, display_name=name, password_hash="-", role=Role.PLANNER))
    db.session.commit()

    def found(typed: str) -> list[str]:
        stmt = select(User.email).where(
            User.display_name.like(like_contains(typed), escape=LIKE_ESCAPE)
        )
        return sorted(db.session.scalars(stmt))

    assert found("100%") == ["a@example.jp"]
    assert found("区画_") == ["c@example.jp"]
    assert found("\\の") == ["e@example.jp"]
    assert found("満足度") == ["a@example.jp", "b@example.jp"]
