"""Finding one row by its id, or the 404 the app answers for it."""

from __future__ import annotations

from typing import Any, TypeVar

from workshop.errors import NotFound
from workshop.extensions import db

Row = TypeVar("Row")


def get_or_404(model: type[Row], ident: Any, message: str | None = None) -> Row:
    """The row with this primary key; NotFound (answered as 404 by the app) if there is none."""
    found = db.session.get(model, ident)
    if found is None:
        raise NotFound(message)
    return found
