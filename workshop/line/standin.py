"""A local stand-in for LINE's Messaging API: it answers a reply as LINE does (the messages
it sent) and records each call. For `line simulate`, which plays a conversation without a
LINE account, and for the tests; never for a city's real channel."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class StandIn:
    """On 127.0.0.1, a free port: `url` is its LINE_API_BASE. `status` other than 200 makes
    every call fail as LINE's API does when it is down."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, dict[str, Any], str]] = []
        self.status = 200
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                body = json.loads(self.rfile.read(length) or b"{}")
                stand_in.calls.append((self.path, body, self.headers.get("Authorization", "")))
                self.send_response(stand_in.status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                if stand_in.status == 200:  # as LINE answers a reply: the messages it sent
                    sent = [
                        {"id": f"{461230966842064897 + n}", "quoteToken": f"q{n}"}
                        for n, _ in enumerate(body.get("messages", []))
                    ]
                    self.wfile.write(json.dumps({"sentMessages": sent}).encode())
                else:
                    self.wfile.write(b'{"message":"An error occurred in the server"}')

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

    def messages(self, call: int) -> list[dict[str, Any]]:
        return list(self.calls[call][1].get("messages", []))

    def texts(self) -> list[str]:
        return [m["text"] for _, body, _ in self.calls for m in body["messages"]]

    def quick(self, call: int = -1) -> list[str]:
        message = self.calls[call][1]["messages"][-1]
        return [item["action"]["text"] for item in message["quickReply"]["items"]]
