"""Staff sign-in and sign-out."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import login_required, login_user, logout_user

from workshop.auth import services, staff_bp
from workshop.auth.forms import LoginForm
from workshop.errors import DomainError
from workshop.security import LOGIN_POSTS, limiter


def safe_next(target: str | None) -> str:
    # only paths on this site: an open redirect would let a phishing link borrow our login page
    if target and target.startswith("/") and not target.startswith("//"):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return url_for("staff.dashboard")


@staff_bp.route("/login", methods=["GET", "POST"])
@limiter.limit(LOGIN_POSTS, methods=["POST"])
def login() -> ResponseReturnValue:
    form = LoginForm()
    if not form.validate_on_submit():
        status = 422 if request.method == "POST" else 200
        return render_template("auth/login.html", form=form), status
    try:
        user = services.authenticate(form.email.data or "", form.password.data or "")
    except DomainError as error:
        flash(error.message, "error")
        return render_template("auth/login.html", form=form), error.status
    login_user(user)
    flash(f"{user.display_name}さん、ログインしました。", "success")
    return redirect(safe_next(request.args.get("next")))


@staff_bp.post("/logout")
@login_required
def logout() -> ResponseReturnValue:
    logout_user()
    flash("ログアウトしました。", "success")
    return redirect(url_for("consultations.index"))
