"""Signed links for residents (status page) and check-in codes: no login, no guessing."""

from __future__ import annotations

from typing import Any

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from workshop.errors import DomainError
from workshop.text import N_

STATUS_SALT = "workshop-registration"
CHECK_IN_SALT = "workshop-check-in"
DEFAULT_MAX_AGE = 400 * 24 * 3600  # a workshop is announced months ahead; links outlive it a little


class InvalidToken(DomainError):
    message = N_(
        "このリンクは正しくないか、有効期限が切れています。申込のときのメールをご確認ください。"
    )
    status = 404
    code = "invalid_link"


class ExpiredToken(InvalidToken):
    message = N_("このリンクは有効期限が切れています。お手数ですが、担当課にお問い合わせください。")
    status = 410
    code = "expired_link"


def serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def sign(salt: str, registration_id: int, access_key: str) -> str:
    return serializer(salt).dumps([registration_id, access_key])


def read(salt: str, token: str) -> tuple[int, str]:
    max_age = current_app.config.get("WORKSHOP_LINK_MAX_AGE", DEFAULT_MAX_AGE)
    try:
        payload: Any = serializer(salt).loads(token.strip(), max_age=max_age)
    except SignatureExpired as error:
        raise ExpiredToken() from error
    except BadSignature as error:
        raise InvalidToken() from error
    if (
        not isinstance(payload, list)
        or len(payload) != 2
        or not isinstance(payload[0], int)
        or not isinstance(payload[1], str)
    ):
        raise InvalidToken()
    return payload[0], payload[1]
