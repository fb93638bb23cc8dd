"""How a LINE user is known here: only as an HMAC of their LINE id with the app's key."""

from __future__ import annotations

import hashlib
import hmac

from flask import current_app


def user_hash(user_id: str) -> str:
    """The only form in which a LINE user id is kept."""
    key = str(current_app.config["SECRET_KEY"]).encode("utf-8")
    return hmac.new(key, user_id.encode("utf-8"), hashlib.sha256).hexdigest()
