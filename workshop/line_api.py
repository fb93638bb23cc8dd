"""LINE's Messaging API (line-bot-sdk v3) at LINE_API_BASE: replies to what a resident sent,
and messages pushed to a resident later (a move up from a waiting list, a reminder).

A neutral module like mail.py: the LINE conversation replies through it and the workshops
push through it, and it imports neither; `line setup-richmenu` uses its client. The SDK is imported when a message goes out, not
at start-up (about 0.3 s).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol, cast
from urllib.parse import urlsplit, urlunsplit

from flask import current_app

log = logging.getLogger(__name__)
MESSAGES_PER_CALL = 5  # LINE takes at most 5 messages a reply or push
QUICK_LABEL_MAX = 20  # characters of a quick-reply button's label
QUICK_REPLY_MAX = 13  # quick-reply buttons LINE shows under a message
LINE_API_HOST, LINE_DATA_HOST = "api.line.me", "api-data.line.me"


class Said(Protocol):
    """A text message, with quick-reply buttons that send their own label."""

    @property
    def text(self) -> str: ...

    @property
    def quick(self) -> tuple[str, ...]: ...


@dataclass(frozen=True)
class Message:
    text: str
    quick: tuple[str, ...] = ()


def user_hash(user_id: str) -> str:
    """How a LINE user is known here: an HMAC of their LINE id with the app's key."""
    key = str(current_app.config["SECRET_KEY"]).encode("utf-8")
    return hmac.new(key, user_id.encode("utf-8"), hashlib.sha256).hexdigest()


def seal(user_id: str) -> str:
    """A LINE id encrypted with a key made from the app's (Fernet): kept only where the city
    must write to the resident later (a workshop registration), never in the clear."""
    return _fernet().encrypt(user_id.encode("utf-8")).decode("ascii")


def unseal(sealed: str) -> str:
    return _fernet().decrypt(sealed.encode("ascii")).decode("utf-8")


def _fernet() -> Any:
    from cryptography.fernet import Fernet

    secret = str(current_app.config["SECRET_KEY"]).encode("utf-8")
    key = hashlib.sha256(b"machikoe line user id\0" + secret).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def is_on() -> bool:
    config = current_app.config
    return bool(config.get("LINE_CHANNEL_SECRET") and config.get("LINE_CHANNEL_ACCESS_TOKEN"))


def reply(reply_token: str, messages: Sequence[Said]) -> None:
    """Answer an event (its reply token is good for one reply, about a minute)."""
    from linebot.v3.messaging import MessagingApi, ReplyMessageRequest

    with api_client() as client:
        MessagingApi(client).reply_message(
            ReplyMessageRequest(replyToken=reply_token, messages=_messages(messages))
        )


def push(user_id: str, messages: Sequence[Said]) -> bool:
    """Send to a resident unasked; False when the channel is off or LINE's API fails (the
    caller's work stands: a push is a courtesy beside the web page and the e-mail)."""
    if not is_on():
        return False
    from linebot.v3.messaging import MessagingApi, PushMessageRequest

    try:
        with api_client() as client:
            MessagingApi(client).push_message(
                PushMessageRequest(to=user_id, messages=_messages(messages))
            )
    except Exception as error:  # LINE down or the user blocked the account
        log.warning("LINE push failed: %s: %s", type(error).__name__, error)
        return False
    return True


def api_client(host: str | None = None) -> Any:
    """The SDK's client for LINE_API_BASE (or `host`), with the channel's access token."""
    from linebot.v3.messaging import ApiClient, Configuration

    config = current_app.config
    return ApiClient(
        Configuration(
            host=host or api_base(),
            access_token=str(config["LINE_CHANNEL_ACCESS_TOKEN"] or ""),
        )
    )


def api_base() -> str:
    return str(current_app.config["LINE_API_BASE"]).rstrip("/")


def data_base() -> str:
    """Where images and other content go: LINE serves them from api-data.line.me, not
    api.line.me. A city's relay or our stand-in takes both at LINE_API_BASE."""
    base = urlsplit(api_base())
    if base.hostname != LINE_API_HOST:
        return api_base()
    return urlunsplit(base._replace(netloc=base.netloc.replace(LINE_API_HOST, LINE_DATA_HOST)))


def _messages(messages: Sequence[Said]) -> Any:
    from linebot.v3.messaging import MessageAction, QuickReply, QuickReplyItem, TextMessage

    return cast(
        Any,
        [
            TextMessage(
                text=message.text,
                quick_reply=QuickReply(
                    items=[
                        QuickReplyItem(
                            action=MessageAction(label=label[:QUICK_LABEL_MAX], text=label)
                        )
                        for label in message.quick
                    ]
                )
                if message.quick
                else None,
            )
            for message in messages[:MESSAGES_PER_CALL]
        ],
    )
