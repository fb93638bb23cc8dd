"""Who may open a staff page: logged in, and with one of the roles (admin may open all)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask_login import current_user, login_required

from workshop.errors import Forbidden
from workshop.extensions import db, login_manager
from workshop.models import Role, User

F = TypeVar("F", bound=Callable[..., Any])

STAFF = (Role.ADMIN, Role.PLANNER, Role.FACILITATOR)


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    return db.session.get(User, int(user_id)) if user_id.isdigit() else None


def role_required(*roles: Role) -> Callable[[F], F]:
    def decorator(view: F) -> F:
        @wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.has_role(*roles):
                raise Forbidden()
            return view(*args, **kwargs)

        return cast(F, wrapped)

    return decorator
