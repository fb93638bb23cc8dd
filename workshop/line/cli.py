"""flask line ...: forget a LINE user; play a conversation without a LINE account; set up
the account's rich menu."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from workshop import audit
from workshop.errors import DomainError
from workshop.line.services import people
from workshop.line.services import richmenu as richmenu_setup
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
            response = client.post(
                "/line/webhook",
                data=body,
                headers={
                    "Content-Type": "application/json",
                    "X-Line-Signature": sign(secret, body),
                },
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


@line.command("setup-richmenu")
@click.option(
    "--dry-run",
    "folder",
    type=click.Path(file_okay=False, path_type=Path),
    help="write richmenu.json and richmenu.png to this folder; contact nothing",
)
def setup_richmenu(folder: Path | None) -> None:
    """Create the account's rich menu (意見を送る / ワークショップ / 設定 / 使い方) with its
    image, and make it the menu every friend sees."""
    try:
        if folder is None:
            richmenu_setup.check_channel()  # before drawing, to say so at once
        drawn = richmenu_setup.draw()
        size = drawn.menu["size"]
        click.echo(f"リッチメニュー「{drawn.menu['name']}」（{size['width']}×{size['height']}）:")
        for area in drawn.menu["areas"]:
            x, y, action = area["bounds"]["x"], area["bounds"]["y"], area["action"]
            place = ("左" if x == 0 else "右") + ("上" if y == 0 else "下")  # two rows of two
            click.echo(f"  {place}　{action['label']}（押すと「{action['text']}」と送ります）")
        if folder is not None:
            menu_file, image_file = richmenu_setup.write(drawn, folder)
            click.echo(f"書き出しました（LINE には送っていません）: {menu_file}, {image_file}")
            return
        richmenu_setup.set_up(drawn, click.echo)
    except DomainError as error:
        raise click.ClickException(error.message) from error


def delivery(
    user: str,
    text: str,
    number: int,
    *,
    event_id: str | None = None,
    reply_token: str | None = None,
    redelivery: bool = False,
) -> bytes:
    """One text message from `user` as LINE delivers it; the same `event_id` with
    `redelivery` is LINE's later delivery of an event (bench/line_load.py sends both)."""
    event = {
        "type": "message",
        "mode": "active",
        "timestamp": int(time.time() * 1000),
        "source": {"type": "user", "userId": user},
        "webhookEventId": event_id or f"SIM{secrets.token_hex(10)}{number:04d}",
        "deliveryContext": {"isRedelivery": redelivery},
        "replyToken": reply_token or secrets.token_hex(16),
        "message": {"id": str(number), "type": "text", "quoteToken": "q", "text": text},
    }
    payload = {"destination": "U" + "0" * 32, "events": [event]}
    return json.dumps(payload, ensure_ascii=False).encode("utf-8")


def sign(secret: str, body: bytes) -> str:
    """X-Line-Signature: the body's HMAC-SHA256 with the channel secret, in base64."""
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()
