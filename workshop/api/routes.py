"""Open data: JSON, read-only, no login."""

from __future__ import annotations

from flask import abort, jsonify
from flask.typing import ResponseReturnValue

from workshop.api import bp
from workshop.consultations import services
from workshop.errors import NotFound


@bp.get("/consultations/<slug>")
def consultation(slug: str) -> ResponseReturnValue:
    try:
        found = services.get_consultation(slug)
    except NotFound:
        abort(404)
    return jsonify(
        slug=found.slug,
        title=found.title,
        opens=found.opens_on.isoformat(),
        closes=found.closes_on.isoformat(),
        status=found.status.value,
        comment_count=services.count_comments(found.id),
    )
