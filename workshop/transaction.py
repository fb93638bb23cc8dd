"""One unit of work, one place that commits or rolls back."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from workshop.extensions import db


@contextmanager
def transaction() -> Iterator[None]:
    """Commit what the block did, or roll all of it back if anything in it raises.

    Services wrap each change in ``with transaction():``; routes never commit or roll back,
    so a failure half-way leaves nothing half-saved.
    """
    try:
        yield
        db.session.commit()  # a commit that fails (a unique constraint at flush) rolls back too
    except BaseException:
        db.session.rollback()
        raise
