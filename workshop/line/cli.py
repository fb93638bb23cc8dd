"""flask line ...: forget a LINE user; play a conversation without a LINE account."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time

import click
from flask import current_app
from flask.cli import AppGroup

from workshop import audit
from workshop.line.services import people
from workshop.line.standin import StandIn
from workshop.transaction import transaction

# what `line simulate` says, one message a turn (the replies come from the app itself)
SCRIPT = (
    "こんにちは",
    "同意する",
    "70代",
    "北山地区",
    "1",
    "スマホ教室を公民館でも開いてほしいです。",
    "平日の夜だと通いやすいです。",
    "送信",
    "この内容で送る",
)


@click.group(cls=AppGroup, help="LINE 公式アカウント (the LINE channel)")
def line() -> None:
    pass


@line.command("forget")
@click.argument("user_hash")
def forget(user_hash: str) -> None:
    """Remove a LINE user's settings (by the hash staff see); their comments stay, anonymous."""
    with transaction():
        if not people.forget(user_hash):
            raise click.ClickException("この LINE 利用者の設定はありません（すでに消えています）。")
        audit.record("line.forget", f"line_user:{user_hash[:12]}")
    click.echo("設定を消しました。送られた意見は、だれのものか分からない意見として残ります。")


@line.command("simulate")
@click.option("--say", "said", multiple=True, help="a message of your own (repeatable)")
def simulate(said: tuple[str, ...]) -> None:
    """Play a conversation against this app, as LINE would deliver it, and print each
    message. The replies go to a local stand-in for LINE's API; a confirmed comment is stored
    in this database like any other (channel LINE)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    secret = app.config.get("LINE_CHANNEL_SECRET") or secrets.token_hex(16)
    user = "U" + secrets.token_hex(16)
    with StandIn() as stand_in:
        app.config.update(
            LINE_CHANNEL_SECRET=secret,
            LINE_CHANNEL_ACCESS_TOKEN=app.config.get("LINE_CHANNEL_ACCESS_TOKEN") or "simulate",
            LINE_API_BASE=stand_in.url,
            JOBS_MODE="inline",
        )
        client = app.test_client()
        for number, text in enumerate(said or SCRIPT, start=1):
            click.echo(f"住民: {text}")
            before = len(stand_in.calls)
            body = delivery(user, text, number)
            signature = base64.b64encode(
                hmac.new(secret.encode(), body, hashlib.sha256).digest()
            ).decode()
            response = client.post(
                "/line/webhook",
                data=body,
                headers={"Content-Type": "application/json", "X-Line-Signature": signature},
            )
            if response.status_code != 200:
                raise click.ClickException(f"webhook answered {response.status_code}")
            for call in range(before, len(stand_in.calls)):
                for message in stand_in.messages(call):
                    click.echo("市　: " + message["text"].replace("\n", "\n      "))
                    quick = message.get("quickReply") or {}
                    labels = [i["action"]["label"] for i in quick.get("items", [])]
                    if labels:
                        click.echo(f"      [{' / '.join(labels)}]")
            click.echo("")


def delivery(user: str, text: str, number: int) -> bytes:
    event = {
        "type": "message",
        "mode": "active",
        "timestamp": int(time.time() * 1000),
        "source": {"type": "user", "userId": user},
        "webhookEventId": f"SIM{secrets.token_hex(10)}{number:04d}",
        "deliveryContext": {"isRedelivery": False},
        "replyToken": secrets.token_hex(16),
        "message": {"id": str(number), "type": "text", "quoteToken": "q", "text": text},
    }
    payload = {"destination": "U" + "0" * 32, "events": [event]}
    return json.dumps(payload, ensure_ascii=False).encode("utf-8")
