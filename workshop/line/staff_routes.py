"""Staff page of the LINE channel: its state, the webhook address, recent events."""

from __future__ import annotations

from flask import render_template
from flask.typing import ResponseReturnValue

from workshop.auth.access import role_required
from workshop.line import services, staff_bp
from workshop.models import LineEventStatus, Role

# LINE's event types in the page's words (others are shown as LINE names them)
EVENT_TYPES = {
    "message": "メッセージ",
    "follow": "友だち追加",
    "unfollow": "ブロック",
    "postback": "ボタン",
}


@staff_bp.get("/")
@role_required(Role.PLANNER)
def status() -> ResponseReturnValue:
    return render_template(
        "line/staff/status.html",
        status=services.channel_status(),
        LineEventStatus=LineEventStatus,
        EVENT_TYPES=EVENT_TYPES,
    )
