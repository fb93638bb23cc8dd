"""QR codes as inline SVG: no image request, no inline script, fine under a strict CSP."""

from __future__ import annotations

import io

import segno
from markupsafe import Markup


def svg(data: str, *, title: str = "受付用のQRコード", scalable: bool = False) -> Markup:
    """scalable: no width and height, only a viewBox, so CSS sizes it (a printed card)."""
    code = segno.make(data, error="m")
    return Markup(code.svg_inline(scale=5, border=4, title=title, omitsize=scalable))


def png(data: str) -> bytes:
    buffer = io.BytesIO()
    segno.make(data, error="m").save(buffer, kind="png", scale=6, border=4)
    return buffer.getvalue()
