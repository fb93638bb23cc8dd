"""/accessibility: the policy, the pages it covers and how each was checked."""

from __future__ import annotations

from babel.lists import format_list
from flask import current_app, render_template
from flask.typing import ResponseReturnValue
from flask_babel import gettext

from workshop.accessibility import bp, pages
from workshop.preferences import language


@bp.get("/accessibility")
def policy() -> ResponseReturnValue:
    checks = {check: description.translated() for check, description in pages.CHECKS.items()}
    locale = language.chosen().formats
    checked = [
        (
            gettext(page.name),
            pages.url_pattern(current_app, page.endpoint),
            # 自動検査、キーボード… / Automated check, Keyboard … and …
            format_list([checks[check].label for check in page.checks], locale=locale),
        )
        for page in pages.RESIDENT_PAGES
    ]
    return render_template(
        "accessibility/policy.html",
        pages=checked,
        checks=checks,
        axe_version=pages.AXE_CORE_VERSION,
        standard=pages.TARGET_STANDARD,
        level=pages.TARGET_LEVEL,
        policy_date=pages.POLICY_DATE,
        contact=current_app.config.get("ACCESSIBILITY_CONTACT"),
    )
