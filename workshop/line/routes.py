"""POST /line/webhook: where LINE delivers what residents send to the city's account."""

from __future__ import annotations

import logging

from flask import abort, current_app, request
from flask.typing import ResponseReturnValue

from workshop.extensions import csrf
from workshop.line import bp, services
from workshop.line.errors import BadDelivery, BadSignature

log = logging.getLogger(__name__)


@bp.post("/line/webhook")
@csrf.exempt  # LINE signs the body instead (X-Line-Signature)
def webhook() -> ResponseReturnValue:
    secret = current_app.config.get("LINE_CHANNEL_SECRET")
    if not secret:
        abort(404)  # the channel is off
    try:
        received = services.receive(
            request.get_data(as_text=True), request.headers.get("X-Line-Signature"), secret
        )
    except BadSignature:
        # the fact only: nothing of the body, which was not LINE's
        log.warning("LINE webhook: a delivery with a bad or missing signature was refused")
        return "", 400
    except BadDelivery:
        log.warning("LINE webhook: a signed delivery could not be read as events")
        return "", 400
    if received.stored or received.pending:
        # answered in the background: LINE waits for this answer only a few seconds
        services.hand_on()
    return "", 200
