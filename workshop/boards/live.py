"""Live board pages: board_changed() publishes on the board's channel, and two event streams
(the participant page's, the projector's) send the fresh state as Server-Sent Events.

The pages work without these (their 更新 link, the projector's refresh); static/js/board-live.js
listens with EventSource when it can.
"""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import select

from workshop import live
from workshop.auth.access import STAFF, role_required
from workshop.boards import bp, staff_bp
from workshop.boards.services import events, lookup, projector
from workshop.extensions import db
from workshop.models import Board


def channel(board_id: int) -> str:
    return f"board:{board_id}"


def announce(board_id: int) -> None:
    """The board_changed listener: after the commit, tell every stream of the board."""
    version = version_of(board_id)() if live.broker.redis_url() else None
    live.publish(channel(board_id), {"board": board_id, "version": version})


events.subscribe(announce)


def version_of(board_id: int) -> Any:
    def read() -> int | None:
        return db.session.scalar(select(Board.version).where(Board.id == board_id))

    return read


@bp.get("/b/<code>/events")
def board_events(code: str) -> ResponseReturnValue:
    """The participant page's stream: the board's version; the page reloads itself."""
    board_id = lookup.board_by_code(code).id

    def render(event: live.Event) -> dict[str, Any]:
        return {"version": event["version"]}  # no read: hundreds of phones listen

    config = current_app.config
    gap, crowd = float(config["LIVE_PAGE_GAP_SECONDS"]), float(config["LIVE_PAGE_CROWD_RATE"])
    return live.sse_response(
        live.subscribe(channel(board_id), version_of(board_id), gap=gap, crowd=crowd),
        render,
        after_read=db.session.remove,
    )


@staff_bp.get("/<int:board_id>/projector/events")
@role_required(*STAFF)
def projector_events(board_id: int) -> ResponseReturnValue:
    """The projector's stream: what projector.json says, at every change."""
    lookup.board_for(current_user, board_id)

    def render(event: live.Event) -> dict[str, Any]:
        board = db.session.get(Board, board_id)
        if board is None:
            return {"version": event["version"]}
        return projector.projector_json(projector.projector_view(board))

    gap = float(current_app.config["LIVE_PROJECTOR_GAP_SECONDS"])
    return live.sse_response(
        live.subscribe(channel(board_id), version_of(board_id), gap=gap),
        render,
        after_read=db.session.remove,
    )
