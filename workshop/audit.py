"""Audit log of staff actions. Call record() inside the service's transaction, before its commit,
so that the action and its log entry are saved together or not at all."""

from __future__ import annotations

from typing import Any

from flask import has_request_context, request
from flask_login import current_user
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import select

from workshop.extensions import db
from workshop.models.audit import AuditEntry
from workshop.models.staff import User


def record(action: str, target: str = "", **details: Any) -> AuditEntry:
    """Log an action of the staff member signed in to this request (none outside one)."""
    return record_for(None, action, target, **details)


def record_for(actor: User | None, action: str, target: str = "", **details: Any) -> AuditEntry:
    """Log an action of ``actor`` (a job running what a staff member started, outside any
    request); None: of the staff member signed in, as record()."""
    user_id, email, ip = None, "", ""
    if has_request_context():
        ip = request.remote_addr or ""
        if current_user and current_user.is_authenticated:
            user_id, email = current_user.id, current_user.email
    if actor is not None:
        user_id, email = actor.id, actor.email
    entry = AuditEntry(
        user_id=user_id, user_email=email, action=action, target=target, details=details, ip=ip
    )
    db.session.add(entry)
    return entry


def latest_entries(per_page: int) -> Pagination:
    """The page of the log asked for in the request (?page=), newest entry first."""
    stmt = select(AuditEntry).order_by(AuditEntry.id.desc())
    return db.paginate(stmt, per_page=per_page, error_out=False)
