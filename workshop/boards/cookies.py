"""The participant's private cookie: a signed map of board id -> random token, one per board.

It is the only thing that says "these notes are mine": no account, no e-mail. Signed, so a
token cannot be made up; random per board, so one board's cookie never opens another board.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, g, request
from itsdangerous import BadSignature, URLSafeSerializer
from werkzeug.wrappers import Response

from workshop.models.boards import new_participant_token

COOKIE = "machikoe_board"
SALT = "board-participant"
MAX_BOARDS = 20  # the boards a phone remembers; the oldest is forgotten first
MAX_AGE = 30 * 24 * 3600  # a workshop is one afternoon; its notes stay editable until it closes


def serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def sign(tokens: dict[int, str]) -> str:
    return serializer().dumps({str(board_id): token for board_id, token in tokens.items()})


def read_tokens() -> dict[int, str]:
    raw = request.cookies.get(COOKIE)
    if not raw:
        return {}
    try:
        payload: Any = serializer().loads(raw)
    except BadSignature:
        return {}
    if not isinstance(payload, dict):
        return {}
    return {
        int(key): value
        for key, value in payload.items()
        if isinstance(key, str) and key.isdigit() and isinstance(value, str) and value
    }


def token_for(board_id: int) -> str | None:
    """This browser's token on the board, if it has been there."""
    new = g.get("new_board_tokens", {})
    return new.get(board_id) or read_tokens().get(board_id)


def token_or_new(board_id: int) -> str:
    """This browser's token on the board; a new one (sent back in the cookie) on a first visit."""
    found = token_for(board_id)
    if found:
        return found
    token = new_participant_token()
    g.new_board_tokens = {**g.get("new_board_tokens", {}), board_id: token}
    return token


def remember_new_tokens(response: Response) -> Response:
    new: dict[int, str] = g.get("new_board_tokens", {})
    if not new:
        return response
    tokens = {**read_tokens(), **new}
    kept = dict(list(tokens.items())[-MAX_BOARDS:])
    response.set_cookie(
        COOKIE,
        sign(kept),
        max_age=MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
    )
    return response


def limit_key() -> str:
    """Whom the post limit counts: this browser (its cookie), or its address without one."""
    raw = request.cookies.get(COOKIE)
    return f"board-cookie:{raw[-24:]}" if raw else f"board-address:{request.remote_addr}"
