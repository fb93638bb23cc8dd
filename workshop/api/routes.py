"""Open data: JSON, read-only, no login."""

from __future__ import annotations

from flask import jsonify, request, url_for
from flask.typing import ResponseReturnValue

from workshop.api import bp
from workshop.boards.services import lookup as lookup_boards
from workshop.boards.services import projector
from workshop.consultations import services
from workshop.results.services import exports, reading
from workshop.workshops.services import lookup, seats


@bp.get("/consultations/<slug>")
def consultation(slug: str) -> ResponseReturnValue:
    found = services.get_consultation_by_slug(slug)
    return jsonify(
        slug=found.slug,
        title=found.title,
        opens=found.opens_on.isoformat(),
        closes=found.closes_on.isoformat(),
        status=found.status.value,
        comment_count=services.count_comments(found.id),
    )


@bp.get("/consultations/<slug>/results")
def consultation_results(slug: str) -> ResponseReturnValue:
    """意見の概要と市の考え方 once the city has published them, with the first masked comments
    of each theme, like the results page; every comment is in the theme's own pages."""
    data = exports.results_json(reading.published_results(slug))
    for theme in data["themes"]:
        theme["comments_url"] = url_for(".theme_comments", slug=slug, number=theme["number"])
    return jsonify(data)


@bp.get("/consultations/<slug>/results/themes/<int:number>")
def theme_comments(slug: str, number: int) -> ResponseReturnValue:
    """One page of a published theme's masked comments (100 a page); ``next`` is the next one."""
    found = reading.published_theme(slug, number, request.args.get("page", 1, type=int) or 1)
    data = exports.theme_json(found)
    data["next"] = None
    if found.page < found.pages:
        data["next"] = url_for(".theme_comments", slug=slug, number=number, page=found.page + 1)
    return jsonify(data)


@bp.get("/workshops/<int:workshop_id>")
def workshop(workshop_id: int) -> ResponseReturnValue:
    found = lookup.get_workshop(workshop_id)
    numbers = seats.numbers(found)
    return jsonify(
        id=found.id,
        title=found.title,
        starts=found.starts_at.isoformat(),
        ends=found.ends_at.isoformat(),
        format=found.format.value,
        capacity=found.total_capacity,
        registered=sum(n.registered for n in numbers),
        waitlisted=sum(n.waitlisted for n in numbers),
        checked_in=sum(n.checked_in for n in numbers),
        modes={
            n.mode.value: {
                "capacity": n.capacity,
                "registered": n.registered,
                "waitlisted": n.waitlisted,
                "checked_in": n.checked_in,
            }
            for n in numbers
        },
    )


@bp.get("/boards/<code>")
def board(code: str) -> ResponseReturnValue:
    """A live board's state in numbers: no note text, no nickname, nothing personal."""
    return jsonify(projector.summary(lookup_boards.board_by_code(code)))
