"""Who runs which workshop: planners and admins see every workshop, a facilitator their own."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from workshop import audit
from workshop.errors import DomainError, NotFound
from workshop.extensions import db
from workshop.models import Role, User, Workshop
from workshop.workshops.services.lookup import NOT_FOUND, get_workshop


def sees_all_workshops(user: User) -> bool:
    """Planners and admins see and assign every workshop; a facilitator only their own."""
    return user.has_role(Role.PLANNER)


def can_run(user: User, workshop: Workshop) -> bool:
    return sees_all_workshops(user) or any(f.id == user.id for f in workshop.facilitators)


def workshops_for(user: User) -> list[Workshop]:
    stmt = (
        select(Workshop)
        .options(selectinload(Workshop.facilitators))  # the list names them, in one query
        .order_by(Workshop.starts_at.desc())
    )
    if not sees_all_workshops(user):
        stmt = stmt.where(Workshop.facilitators.any(User.id == user.id))
    return list(db.session.scalars(stmt))


def workshop_for(user: User, workshop_id: int) -> Workshop:
    """The workshop if this staff member may run it; NotFound alike whether it exists or not."""
    workshop = get_workshop(workshop_id)
    if not can_run(user, workshop):
        raise NotFound(NOT_FOUND)
    return workshop


def facilitator_choices(workshop: Workshop | None = None) -> list[User]:
    """Active facilitators, and whoever is assigned now (so saving keeps them)."""
    stmt = select(User).where(User.role == Role.FACILITATOR, User.active.is_(True))
    users = {user.id: user for user in db.session.scalars(stmt)}
    for user in workshop.facilitators if workshop else ():
        users.setdefault(user.id, user)
    return sorted(users.values(), key=lambda user: (user.display_name, user.id))


def chosen_facilitators(ids: tuple[int, ...], workshop: Workshop | None = None) -> list[User]:
    wanted = set(ids)
    users = [user for user in facilitator_choices(workshop) if user.id in wanted]
    if len(users) != len(wanted):
        raise DomainError("選ばれたファシリテーターは見つかりません。")
    return users


def assign_facilitators(workshop: Workshop, users: list[User]) -> None:
    """Set who runs the workshop; the caller commits, with the change in the audit log."""
    before = {user.id: user for user in workshop.facilitators}
    after = {user.id: user for user in users}
    if before.keys() == after.keys():
        return
    workshop.facilitators = sorted(after.values(), key=lambda user: user.id)
    audit.record(
        "workshop.facilitators",
        f"workshop:{workshop.id}",
        added=[after[i].email for i in sorted(after.keys() - before.keys())],
        removed=[before[i].email for i in sorted(before.keys() - after.keys())],
    )


def acting_staff(staff_id: int | None) -> User | None:
    return db.session.get(User, staff_id) if staff_id is not None else None


def may_assign(staff: User | None) -> bool:
    """The command line (no staff) and planners may; a facilitator's choice is ignored."""
    return staff is None or sees_all_workshops(staff)
