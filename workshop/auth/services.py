from __future__ import annotations

from sqlalchemy import func, select

from workshop import audit
from workshop.errors import DomainError
from workshop.extensions import db
from workshop.models import Role, User, utcnow

MIN_PASSWORD_LENGTH = 10


class LoginFailed(DomainError):
    message = "メールアドレスまたはパスワードが正しくありません。"
    status = 401


class UserExists(DomainError):
    message = "このメールアドレスの職員は既に登録されています。"
    status = 409


class WeakPassword(DomainError):
    message = f"パスワードは{MIN_PASSWORD_LENGTH}文字以上にしてください。"


def find_user(email: str) -> User | None:
    stmt = select(User).where(func.lower(User.email) == email.strip().lower())
    return db.session.scalars(stmt).first()


def authenticate(email: str, password: str) -> User:
    user = find_user(email)
    if user is None or not user.active or not user.check_password(password):
        raise LoginFailed()
    user.last_login_at = utcnow()
    audit.record("staff.login", f"user:{user.id}", email=user.email)
    db.session.commit()
    return user


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
    db.session.add(user)
    db.session.commit()
    return user
