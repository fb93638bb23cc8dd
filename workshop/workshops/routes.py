"""Residents' workshop pages: the list, a workshop and its sign-up, the private link's pages."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from workshop.errors import DomainError
from workshop.models import Registration, Workshop, utcnow
from workshop.security import SIGN_UP_POSTS, limiter
from workshop.views import public_url
from workshop.workshops import bp, ics, qr
from workshop.workshops.forms import ConfirmForm, DetailsForm, RegistrationForm, registration_form
from workshop.workshops.services import links, lookup, seats, signup
from workshop.workshops.services.waitlist import waitlist_position

# a private link: keep its pages (and their error pages) out of shared caches and referrers
PRIVATE_LINK_PAGES = frozenset(
    {
        "workshops.registration",
        "workshops.update_registration",
        "workshops.calendar",
        "workshops.cancel",
    }
)


@bp.after_request
def keep_private_links_private(response: Response) -> Response:
    if request.endpoint in PRIVATE_LINK_PAGES:
        response.headers["Cache-Control"] = "no-store"
        response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.get("/workshops/")
def index() -> ResponseReturnValue:
    workshops = lookup.upcoming_workshops()
    return render_template(
        "workshops/index.html",
        workshops=workshops,
        numbers=seats.numbers_for(workshops),
        now=utcnow(),
    )


def show_page(workshop: Workshop, form: RegistrationForm, status: int = 200) -> ResponseReturnValue:
    return render_template(
        "workshops/show.html",
        workshop=workshop,
        form=form,
        numbers=seats.numbers(workshop),
        now=utcnow(),
    ), status


@bp.get("/workshops/<int:workshop_id>")
def show(workshop_id: int) -> ResponseReturnValue:
    workshop = lookup.get_workshop(workshop_id)
    return show_page(workshop, registration_form(workshop))


@bp.post("/workshops/<int:workshop_id>/register")
@limiter.limit(SIGN_UP_POSTS)
def register(workshop_id: int) -> ResponseReturnValue:
    workshop = lookup.get_workshop(workshop_id)
    form = registration_form(workshop)
    if not form.validate_on_submit():
        return show_page(workshop, form, 422)
    try:
        registration = signup.register(workshop.id, form.to_applicant(workshop))
    except DomainError as error:
        flash(_(error.message), "error")  # a class's N_ message or one already translated
        return show_page(workshop, form, error.status)
    token = links.status_token(registration)
    return redirect(url_for(".registration", token=token, new=1), code=303)


def registration_page(
    registration: Registration, token: str, form: DetailsForm, status: int = 200
) -> ResponseReturnValue:
    code = links.check_in_token(registration)
    return render_template(
        "workshops/registration.html",
        registration=registration,
        workshop=registration.workshop,
        token=token,
        form=form,
        position=waitlist_position(registration),
        qr_svg=qr.svg(code) if registration.is_confirmed else None,
        check_in_code=code,
        is_new=request.args.get("new") == "1",
        can_change=not registration.is_cancelled
        and not registration.workshop.has_started(utcnow()),
    ), status


@bp.get("/workshops/r/<token>")
def registration(token: str) -> ResponseReturnValue:
    found = links.registration_from_token(token)
    form = DetailsForm().with_choices()
    form.fill_from(found)
    return registration_page(found, token, form)


@bp.post("/workshops/r/<token>")
def update_registration(token: str) -> ResponseReturnValue:
    found = links.registration_from_token(token)
    form = DetailsForm().with_choices()
    if not form.validate_on_submit():
        return registration_page(found, token, form, 422)
    try:
        links.update_details(token, form.to_applicant())
    except DomainError as error:
        flash(_(error.message), "error")  # a class's N_ message or one already translated
        return registration_page(found, token, form, error.status)
    flash(_("申込の内容を変更しました。"), "success")
    return redirect(url_for(".registration", token=token), code=303)


@bp.get("/workshops/r/<token>/calendar.ics")
def calendar(token: str) -> ResponseReturnValue:
    found = links.registration_from_token(token)
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    content = ics.calendar(
        found,
        status_url=public_url("workshops.registration", token=token),
        host=urlsplit(base).hostname or "machikoe.local",
        now=utcnow(),
        city=current_app.config["CITY_NAME"],
    )
    response = current_app.response_class(content, mimetype="text/calendar")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="workshop-{found.workshop_id}.ics"'
    )
    return response


@bp.route("/workshops/r/<token>/cancel", methods=["GET", "POST"])
def cancel(token: str) -> ResponseReturnValue:
    found = links.registration_from_token(token)
    form = ConfirmForm()
    if not form.validate_on_submit():
        status = 400 if request.method == "POST" else 200
        return render_template(
            "workshops/cancel.html",
            registration=found,
            workshop=found.workshop,
            token=token,
            form=form,
        ), status
    try:
        links.cancel(token)
    except DomainError as error:
        flash(_(error.message), "error")  # a class's N_ message or one already translated
        return redirect(url_for(".registration", token=token), code=303)
    flash(_("申込を取り消しました。確認のメールをお送りしました。"), "success")
    return redirect(url_for(".registration", token=token), code=303)
