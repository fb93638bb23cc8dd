from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, func, select

from workshop import audit
from workshop.errors import DomainError
from workshop.extensions import db
from workshop.models import LoginFailure, Role, User, utcnow
from workshop.transaction import transaction

MIN_PASSWORD_LENGTH = 10


class LoginFailed(DomainError):
    message = "メールアドレスまたはパスワードが正しくありません。"
    status = 401


class LoginLocked(DomainError):
    # the same words whether or not the address belongs to a member of staff
    message = (
        "ログインの失敗が続いたため、しばらくログインできません。"
        "15分ほどたってから、もう一度お試しください。"
    )
    status = 429


class UserExists(DomainError):
    message = "このメールアドレスの職員は既に登録されています。"
    status = 409


class WeakPassword(DomainError):
    message = f"パスワードは{MIN_PASSWORD_LENGTH}文字以上にしてください。"


def find_user(email: str) -> User | None:
    stmt = select(User).where(func.lower(User.email) == email.strip().lower())
    return db.session.scalars(stmt).first()


def authenticate(email: str, password: str) -> User:
    address = email.strip().lower()[:254]
    now = utcnow()
    if locked_until(address, now) is not None:
        # a refused try is logged but not counted: the lock ends on time for the real owner
        with transaction():
            audit.record("staff.login_locked", "", email=address)
        raise LoginLocked()
    user = find_user(address)
    if user is None or not user.active or not user.check_password(password):
        record_failure(address, now)
        raise LoginFailed()
    with transaction():
        db.session.execute(delete(LoginFailure).where(LoginFailure.email == address))
        user.last_login_at = now
        audit.record("staff.login", f"user:{user.id}", email=user.email)
    return user


def recent_failures(address: str, now: datetime) -> list[datetime]:
    window = timedelta(seconds=current_app.config["LOGIN_FAILURE_WINDOW_SECONDS"])
    stmt = select(LoginFailure.at).where(
        LoginFailure.email == address, LoginFailure.at > now - window
    )
    return sorted(db.session.scalars(stmt))


def locked_until(address: str, now: datetime) -> datetime | None:
    """The end of the lock-out when the address has too many recent failures, else None."""
    failures = recent_failures(address, now)
    if len(failures) < current_app.config["LOGIN_MAX_FAILURES"]:
        return None
    until = failures[-1] + timedelta(seconds=current_app.config["LOGIN_LOCKOUT_SECONDS"])
    return until if until > now else None


def record_failure(address: str, now: datetime) -> None:
    """Saved before LoginFailed is raised: the failure itself is what must be kept."""
    window = timedelta(seconds=current_app.config["LOGIN_FAILURE_WINDOW_SECONDS"])
    with transaction():
        db.session.execute(delete(LoginFailure).where(LoginFailure.at <= now - window))  # spent
        db.session.add(LoginFailure(email=address, at=now))
        audit.record("staff.login_failed", "", email=address)
        if locked_until(address, now) is not None:
            audit.record("staff.login_lockout", "", email=address)


def create_user(email: str, password: str, role: Role, display_name: str | None = None) -> User:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise WeakPassword()
    if find_user(email) is not None:
        raise UserExists()
    user = User(
        email=email.strip().lower(),
        display_name=display_name or email.split("@")[0],
        role=role,
    )
    user.set_password(password)
    with transaction():
        db.session.add(user)
    return user
