"""/accessibility: the policy, the pages it covers and how each was checked."""

from __future__ import annotations

from flask import current_app, render_template
from flask.typing import ResponseReturnValue

from workshop.accessibility import bp, pages


@bp.get("/accessibility")
def policy() -> ResponseReturnValue:
    checked = [
        (page, pages.url_pattern(current_app, page.endpoint)) for page in pages.RESIDENT_PAGES
    ]
    return render_template(
        "accessibility/policy.html",
        pages=checked,
        checks=pages.CHECKS,
        axe_version=pages.AXE_CORE_VERSION,
        standard=pages.TARGET_STANDARD,
        level=pages.TARGET_LEVEL,
        policy_date=pages.POLICY_DATE,
        contact=current_app.config.get("ACCESSIBILITY_CONTACT"),
    )
