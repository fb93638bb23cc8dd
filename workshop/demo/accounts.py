"""The demo's staff accounts, one for each role (their passwords are in the README)."""

from __future__ import annotations

from workshop.auth import services as auth_services
from workshop.models import Role

DEMO_USERS = (
    ("admin@example.jp", "管理者（デモ）", Role.ADMIN, "demo-admin-2026"),
    ("planner@example.jp", "企画 花子（デモ）", Role.PLANNER, "demo-planner-2026"),
    ("facilitator@example.jp", "進行 太郎（デモ）", Role.FACILITATOR, "demo-facilitator-2026"),
)


def load_users() -> None:
    for email, name, role, password in DEMO_USERS:
        if auth_services.find_user(email) is None:
            auth_services.create_user(email, password, role, name)
