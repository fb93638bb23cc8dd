"""A local stand-in for LINE's Messaging API: it answers a reply or a push as LINE does (the
messages it sent), and the rich menu's calls (create, upload its image, make it the
default) with LINE's answers and refusals, and records each call. For `line simulate`,
which plays a conversation without a LINE account, and for the tests; never for a city's
real channel."""

from __future__ import annotations

import json
import re
import secrets
import struct
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

RICH_MENU_IMAGE = re.compile(r"^/v2/bot/richmenu/(?P<id>[^/]+)/content$")
DEFAULT_RICH_MENU = re.compile(r"^/v2/bot/user/all/richmenu/(?P<id>[^/]+)$")
IMAGE_TYPES = ("image/png", "image/jpeg")
IMAGE_MAX_BYTES = 1024 * 1024
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
Answer = tuple[int, dict[str, Any]]


@dataclass(frozen=True)
class Upload:
    """An image as it came: the rich menu it is for, its content type, its bytes."""

    rich_menu_id: str
    content_type: str
    data: bytes
    authorization: str


class StandIn:
    """On 127.0.0.1, a free port: `url` is its LINE_API_BASE (and where its images go).
    `status` other than 200 makes every call fail as LINE's API does when it is down."""

    def __init__(self) -> None:
        # the JSON calls: path, body, Authorization header
        self.calls: list[tuple[str, dict[str, Any], str]] = []
        self.uploads: list[Upload] = []
        self.rich_menus: dict[str, dict[str, Any]] = {}  # created, by id
        self.images: dict[str, bytes] = {}  # uploaded, by rich menu id
        self.default_rich_menu: str | None = None
        self.status = 200
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                status, answer = stand_in.answer(self.path, self.headers, self.rfile.read(length))
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(json.dumps(answer).encode())

            def do_GET(self) -> None:
                status, answer = stand_in.look_up(self.path, self.headers)
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(json.dumps(answer).encode())

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> StandIn:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def answer(self, path: str, headers: Any, raw: bytes) -> Answer:
        authorization = headers.get("Authorization", "")
        image = RICH_MENU_IMAGE.match(path)
        if image:
            upload = Upload(image["id"], headers.get("Content-Type", ""), raw, authorization)
            self.uploads.append(upload)
        else:
            body = json.loads(raw or b"{}")
            self.calls.append((path, body, authorization))
        if self.status != 200:
            return self.status, {"message": "An error occurred in the server"}
        if image:
            return self.take_image(upload)
        if path == "/v2/bot/richmenu":
            return self.create_rich_menu(body)
        default = DEFAULT_RICH_MENU.match(path)
        if default:
            return self.set_default(default["id"])
        # a reply or a push, as LINE answers it: the messages it sent
        sent = [
            {"id": f"{461230966842064897 + n}", "quoteToken": f"q{n}"}
            for n, _ in enumerate(body.get("messages", []))
        ]
        return 200, {"sentMessages": sent}

    def look_up(self, path: str, headers: Any) -> Answer:
        self.calls.append((f"GET {path}", {}, headers.get("Authorization", "")))
        if self.status != 200:
            return self.status, {"message": "An error occurred in the server"}
        if path == "/v2/bot/user/all/richmenu" and self.default_rich_menu:
            return 200, {"richMenuId": self.default_rich_menu}
        return 404, {"message": "no default richmenu"}

    def create_rich_menu(self, menu: dict[str, Any]) -> Answer:
        problems = rich_menu_problems(menu)
        if problems:
            details = [{"message": problem} for problem in problems]
            return 400, {
                "message": f"The request body has {len(problems)} error(s)",
                "details": details,
            }
        rich_menu_id = f"richmenu-{secrets.token_hex(16)}"
        self.rich_menus[rich_menu_id] = menu
        return 200, {"richMenuId": rich_menu_id}

    def take_image(self, upload: Upload) -> Answer:
        menu = self.rich_menus.get(upload.rich_menu_id)
        if menu is None:
            return 404, {"message": "Not found"}
        if upload.content_type not in IMAGE_TYPES:
            return 415, {"message": f"Unsupported content type: {upload.content_type}"}
        if upload.rich_menu_id in self.images:
            return 400, {"message": "An image has already been uploaded to the richmenu"}
        size = (menu["size"]["width"], menu["size"]["height"])
        # a JPEG's size is not read here
        drawn = png_size(upload.data) if upload.content_type == "image/png" else size
        if len(upload.data) > IMAGE_MAX_BYTES or drawn != size:
            return 400, {"message": "Invalid image: not the rich menu's size, or over 1 MB"}
        self.images[upload.rich_menu_id] = upload.data
        return 200, {}

    def set_default(self, rich_menu_id: str) -> Answer:
        if rich_menu_id not in self.rich_menus:
            return 404, {"message": "Not found"}
        if rich_menu_id not in self.images:
            return 400, {"message": "must upload richmenu image before applying it to user"}
        self.default_rich_menu = rich_menu_id
        return 200, {}

    def messages(self, call: int) -> list[dict[str, Any]]:
        return list(self.calls[call][1].get("messages", []))

    def texts(self) -> list[str]:
        return [m["text"] for _, body, _ in self.calls for m in body.get("messages", [])]

    def quick(self, call: int = -1) -> list[str]:
        message = self.calls[call][1]["messages"][-1]
        return [item["action"]["text"] for item in message["quickReply"]["items"]]


def rich_menu_problems(menu: dict[str, Any]) -> list[str]:
    """Some of the checks LINE makes of a new rich menu."""
    width, height = menu.get("size", {}).get("width", 0), menu.get("size", {}).get("height", 0)
    problems = []
    if not (800 <= width <= 2500 and height >= 250 and width / height >= 1.45):
        problems.append("size: must be 800 to 2500 wide, at least 250 high, ratio 1.45 or more")
    if len(menu.get("chatBarText", "")) > 14:
        problems.append("chatBarText: 14 characters at most")
    areas = menu.get("areas", [])
    if not 1 <= len(areas) <= 20:
        problems.append("areas: 1 to 20 areas")
    for n, area in enumerate(areas):
        x, y = area.get("bounds", {}).get("x", -1), area.get("bounds", {}).get("y", -1)
        right = x + area.get("bounds", {}).get("width", 0)
        bottom = y + area.get("bounds", {}).get("height", 0)
        if x < 0 or y < 0 or right > width or bottom > height:
            problems.append(f"areas[{n}].bounds: outside the rich menu")
        if len(area.get("action", {}).get("label", "")) > 20:
            problems.append(f"areas[{n}].action.label: 20 characters at most")
    return problems


def png_size(data: bytes) -> tuple[int, int] | None:
    """A PNG's width and height from its header (None: not a PNG)."""
    if not data.startswith(PNG_SIGNATURE) or len(data) < 24:
        return None
    width, height = struct.unpack(">II", data[16:24])
    return width, height
