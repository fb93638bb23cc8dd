"""Template globals and filters shared by every page."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import nh3
from flask import Flask, Response, current_app, has_request_context, url_for
from markdown_it import MarkdownIt
from markupsafe import Markup

from workshop import labels

# raw HTML off: a planner's Markdown cannot inject markup; nh3 is the second fence
_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")
ALLOWED_TAGS = {
    "p", "br", "h2", "h3", "h4", "ul", "ol", "li", "strong", "em", "a", "blockquote",
    "table", "thead", "tbody", "tr", "th", "td", "code", "pre", "hr",
}  # fmt: skip


def public_url(endpoint: str, **values: Any) -> str:
    """An address on the city's public site (PUBLIC_BASE_URL), not the host the request came
    to (a staff page, a proxy). Works in a background job or a command too, with no request."""
    if has_request_context():
        path = url_for(endpoint, **values)
    else:
        # an RQ worker, a job process, cron: build the path as a request to the site would
        with current_app.test_request_context():
            path = url_for(endpoint, **values)
    return str(current_app.config["PUBLIC_BASE_URL"]).rstrip("/") + path


def render_markdown(text: str) -> Markup:
    html = _markdown.render(text or "")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )
    return Markup(clean)


def download(content: bytes | Iterable[bytes], filename: str, mimetype: str) -> Response:
    """A file to save (CSV, XLSX), whole or streamed (an iterable of pieces).

    Staff pages get Cache-Control: no-store from workshop.security."""
    response = current_app.response_class(content, mimetype=mimetype)
    response.headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response


def init_app(app: Flask) -> None:
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.filters["markdown"] = render_markdown
    app.jinja_env.globals.update(labels.labels())

    @app.context_processor
    def city() -> dict[str, object]:
        return {"city_name": app.config["CITY_NAME"]}
