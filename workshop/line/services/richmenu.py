"""The city's rich menu at LINE (`flask line setup-richmenu`): drawn here
(workshop/line/richmenu.py), then created through the Messaging API (line-bot-sdk), its
image uploaded to LINE's content host (api-data.line.me, or LINE_API_BASE for a relay),
and made the menu every friend of the account sees.

The SDK and the drawing's font lookup are imported when the menu is made, not at start-up.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from flask import current_app

from workshop import line_api
from workshop.line import richmenu
from workshop.line.errors import ChannelOff, LineApiFailed

JSON_FILE, IMAGE_FILE = "richmenu.json", "richmenu.png"


@dataclass(frozen=True)
class Drawn:
    menu: dict[str, Any]  # the body of LINE's "create rich menu"
    png: bytes


@dataclass(frozen=True)
class SetUp:
    rich_menu_id: str
    image_bytes: int
    replaced: str | None  # the menu that was the default before


def draw() -> Drawn:
    from nlp.wordcloud import japanese_font_path  # imports wordcloud: only when drawing

    name = f"{current_app.config['CITY_NAME']} まちの声"
    return Drawn(richmenu.menu(name), richmenu.draw(japanese_font_path()))


def write(drawn: Drawn, folder: Path) -> tuple[Path, Path]:
    """The menu's JSON and image in `folder` (made if missing), for a look before sending."""
    folder.mkdir(parents=True, exist_ok=True)
    menu_file, image_file = folder / JSON_FILE, folder / IMAGE_FILE
    menu_file.write_text(json.dumps(drawn.menu, ensure_ascii=False, indent=2) + "\n", "utf-8")
    image_file.write_bytes(drawn.png)
    return menu_file, image_file


def set_up(drawn: Drawn, report: Callable[[str], None]) -> SetUp:
    """Create the menu, upload its image, make it the default; `report` is told each step
    as it is done, so that a failure midway leaves a record of what LINE already has."""
    check_channel()
    from linebot.v3.messaging import MessagingApi, MessagingApiBlob, RichMenuRequest

    with line_api.api_client() as client:
        previous = default_rich_menu(MessagingApi(client))
        request = RichMenuRequest.from_dict(drawn.menu)
        created = calling(
            "リッチメニューを作る", lambda: MessagingApi(client).create_rich_menu(request)
        )
    rich_menu_id = str(created.rich_menu_id)
    report(f"リッチメニューを作りました: {rich_menu_id}")
    left = f"作ったリッチメニュー {rich_menu_id} は、まだ使われていません。"
    with line_api.api_client(line_api.data_base()) as client:
        calling(
            "画像を登録する",
            lambda: MessagingApiBlob(client).set_rich_menu_image(
                rich_menu_id, drawn.png, _headers={"Content-Type": "image/png"}
            ),
            left,
        )
    size = drawn.menu["size"]
    report(
        f"画像を登録しました（PNG {size['width']}×{size['height']}、{len(drawn.png) // 1024} KB）"
    )
    with line_api.api_client() as client:
        calling(
            "既定のリッチメニューにする",
            lambda: MessagingApi(client).set_default_rich_menu(rich_menu_id),
            left,
        )
    report("友だち全員の既定のリッチメニューにしました（トーク画面の下に出ます）。")
    if previous:
        report(
            f"これまでの既定のリッチメニュー {previous} に代わりました（LINE には残っています）。"
        )
    return SetUp(rich_menu_id, len(drawn.png), previous)


def default_rich_menu(api: Any) -> str | None:
    """The id of the menu every friend sees now; None when there is none."""
    from linebot.v3.messaging import ApiException

    def ask() -> str | None:
        try:
            return str(api.get_default_rich_menu_id().rich_menu_id)
        except ApiException as error:
            if error.status == 404:  # LINE's answer when no menu is the default
                return None
            raise

    return cast(str | None, calling("いまの既定のリッチメニューを調べる", ask))


def check_channel() -> None:
    if not line_api.is_on():
        raise ChannelOff()


def calling(step: str, call: Callable[[], Any], left: str = "") -> Any:
    """LINE's answer to `call`; a refusal or no answer becomes a message in Japanese."""
    from linebot.v3.messaging import ApiException
    from urllib3.exceptions import HTTPError

    try:
        return call()
    except ApiException as error:
        said = line_message(error.body)
        raise LineApiFailed(
            f"{step}ところで、LINE の API がエラーを返しました（{error.status}）: {said} {left}".strip()
        ) from error
    except (HTTPError, OSError) as error:
        raise LineApiFailed(
            f"{step}ところで、LINE の API に接続できませんでした（{line_api.api_base()}）。{left}"
        ) from error


def line_message(body: Any) -> str:
    """LINE's own words from an error's body ({"message": ..., "details": [...]})."""
    try:
        answer = json.loads(body or "{}")
    except ValueError:
        return str(body or "")[:200]
    if not isinstance(answer, dict):
        return str(answer)[:200]
    details = [
        str(d.get("message", "")) for d in answer.get("details") or [] if isinstance(d, dict)
    ]
    return " / ".join([str(answer.get("message", "")), *details]).strip(" /")
