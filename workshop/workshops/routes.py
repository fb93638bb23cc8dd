"""Residents' workshop pages and the facilitators' pages: thin, every change through services."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from workshop import tabular
from workshop.auth.access import STAFF, role_required
from workshop.consultations.services import list_consultations
from workshop.errors import DomainError, NotFound
from workshop.labels import NEED, PARTICIPATION_MODE
from workshop.models import Registration, RegistrationStatus, Workshop, utcnow
from workshop.security import SIGN_UP_POSTS, limiter
from workshop.timeutil import TOKYO, as_tokyo
from workshop.views import download
from workshop.workshops import bp, exports, ics, qr, services, tokens
from workshop.workshops.forms import (
    CheckInForm,
    ConfirmForm,
    DetailsForm,
    OpinionForm,
    WalkInForm,
    WorkshopForm,
    registration_form,
)


@bp.app_template_filter("jtime")
def format_time(moment: datetime) -> str:
    local = as_tokyo(moment)
    return f"{local.hour}時{local.minute:02d}分"


def workshop_or_404(workshop_id: int) -> Workshop:
    try:
        return services.get_workshop(workshop_id)
    except NotFound:
        abort(404)


def assigned_workshop_or_404(workshop_id: int) -> Workshop:
    """A staff page of one workshop: 404 for a facilitator not assigned, as if it did not exist."""
    try:
        return services.workshop_for(current_user, workshop_id)
    except NotFound:
        abort(404)


def private(body: str, status: int = 200) -> ResponseReturnValue:
    response = current_app.make_response((body, status))
    # a private link: keep it out of shared caches and referrers
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


# ---------------------------------------------------------------- residents


@bp.get("/workshops/")
def index() -> ResponseReturnValue:
    workshops = services.upcoming_workshops()
    return render_template(
        "workshops/index.html",
        workshops=workshops,
        numbers={w.id: services.numbers(w) for w in workshops},
        now=utcnow(),
    )


def show_page(workshop: Workshop, form: object, status: int = 200) -> ResponseReturnValue:
    return render_template(
        "workshops/show.html",
        workshop=workshop,
        form=form,
        numbers=services.numbers(workshop),
        now=utcnow(),
    ), status


@bp.get("/workshops/<int:workshop_id>")
def show(workshop_id: int) -> ResponseReturnValue:
    workshop = workshop_or_404(workshop_id)
    return show_page(workshop, registration_form(workshop))


@bp.post("/workshops/<int:workshop_id>/register")
@limiter.limit(SIGN_UP_POSTS)
def register(workshop_id: int) -> ResponseReturnValue:
    workshop = workshop_or_404(workshop_id)
    form = registration_form(workshop)
    if not form.validate_on_submit():
        return show_page(workshop, form, 422)
    try:
        registration = services.register(workshop.id, form.to_applicant(workshop))
    except DomainError as error:
        flash(error.message, "error")
        return show_page(workshop, form, error.status)
    token = services.status_token(registration)
    return redirect(url_for(".registration", token=token, new=1), code=303)


def registration_or_error(token: str) -> Registration | ResponseReturnValue:
    try:
        return services.registration_from_token(token)
    except tokens.InvalidToken as error:
        return private(
            render_template("error.html", status=error.status, message=error.message), error.status
        )


def registration_page(
    registration: Registration, token: str, form: DetailsForm, status: int = 200
) -> ResponseReturnValue:
    code = services.check_in_token(registration)
    return private(
        render_template(
            "workshops/registration.html",
            registration=registration,
            workshop=registration.workshop,
            token=token,
            form=form,
            position=services.waitlist_position(registration),
            qr_svg=qr.svg(code) if registration.is_confirmed else None,
            check_in_code=code,
            is_new=request.args.get("new") == "1",
            can_change=not registration.is_cancelled
            and not registration.workshop.has_started(utcnow()),
        ),
        status,
    )


@bp.get("/workshops/r/<token>")
def registration(token: str) -> ResponseReturnValue:
    found = registration_or_error(token)
    if not isinstance(found, Registration):
        return found
    form = DetailsForm().with_choices()
    form.fill_from(found)
    return registration_page(found, token, form)


@bp.post("/workshops/r/<token>")
def update_registration(token: str) -> ResponseReturnValue:
    found = registration_or_error(token)
    if not isinstance(found, Registration):
        return found
    form = DetailsForm().with_choices()
    if not form.validate_on_submit():
        return registration_page(found, token, form, 422)
    try:
        services.update_details(token, form.to_applicant())
    except DomainError as error:
        flash(error.message, "error")
        return registration_page(found, token, form, error.status)
    flash("申込の内容を変更しました。", "success")
    return redirect(url_for(".registration", token=token), code=303)


@bp.get("/workshops/r/<token>/calendar.ics")
def calendar(token: str) -> ResponseReturnValue:
    found = registration_or_error(token)
    if not isinstance(found, Registration):
        return found
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    content = ics.calendar(
        found,
        status_url=base + url_for(".registration", token=token),
        host=urlsplit(base).hostname or "machikoe.local",
        now=utcnow(),
        city=current_app.config["CITY_NAME"],
    )
    response = current_app.response_class(content, mimetype="text/calendar")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="workshop-{found.workshop_id}.ics"'
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/workshops/r/<token>/cancel", methods=["GET", "POST"])
def cancel(token: str) -> ResponseReturnValue:
    found = registration_or_error(token)
    if not isinstance(found, Registration):
        return found
    form = ConfirmForm()
    if not form.validate_on_submit():
        status = 400 if request.method == "POST" else 200
        return private(
            render_template(
                "workshops/cancel.html",
                registration=found,
                workshop=found.workshop,
                token=token,
                form=form,
            ),
            status,
        )
    try:
        services.cancel(token)
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for(".registration", token=token), code=303)
    flash("申込を取り消しました。確認のメールをお送りしました。", "success")
    return redirect(url_for(".registration", token=token), code=303)


# ---------------------------------------------------------------- facilitators


@bp.get("/staff/workshops/")
@role_required(*STAFF)
def staff_index() -> ResponseReturnValue:
    workshops = services.workshops_for(current_user)
    return render_template(
        "staff/workshops.html",
        workshops=workshops,
        numbers={w.id: services.numbers(w) for w in workshops},
        sees_all=services.sees_all_workshops(current_user),
    )


def workshop_form(workshop: Workshop | None = None) -> WorkshopForm:
    """Only planners and admins get the facilitator checkboxes; a facilitator's form has none."""
    facilitators = (
        services.facilitator_choices(workshop)
        if services.sees_all_workshops(current_user)
        else None
    )
    return WorkshopForm().configure(list_consultations(), facilitators)


def workshop_form_page(
    form: WorkshopForm, workshop: Workshop | None, status: int = 200
) -> ResponseReturnValue:
    return render_template("staff/workshop_form.html", form=form, workshop=workshop), status


@bp.route("/staff/workshops/new", methods=["GET", "POST"])
@role_required(*STAFF)
def new_workshop() -> ResponseReturnValue:
    form = workshop_form()
    if not form.validate_on_submit():
        return workshop_form_page(form, None, 422 if request.method == "POST" else 200)
    try:
        workshop = services.create_workshop(form.to_input(), staff_id=current_user.id)
    except DomainError as error:
        flash(error.message, "error")
        return workshop_form_page(form, None, error.status)
    flash("ワークショップを作成しました。", "success")
    return redirect(url_for(".staff_workshop", workshop_id=workshop.id), code=303)


@bp.route("/staff/workshops/<int:workshop_id>/edit", methods=["GET", "POST"])
@role_required(*STAFF)
def edit_workshop(workshop_id: int) -> ResponseReturnValue:
    workshop = assigned_workshop_or_404(workshop_id)
    form = workshop_form(workshop)
    if request.method == "GET":
        form.fill(workshop)
    if not form.validate_on_submit():
        return workshop_form_page(form, workshop, 422 if request.method == "POST" else 200)
    try:
        _, promoted = services.update_workshop(
            workshop.id, form.to_input(), staff_id=current_user.id
        )
    except DomainError as error:
        flash(error.message, "error")
        return workshop_form_page(form, workshop, error.status)
    flash("ワークショップを更新しました。", "success")
    if promoted:
        flash(
            f"キャンセル待ちの{len(promoted)}人を参加に繰り上げ、メールでお知らせしました。", "info"
        )
    return redirect(url_for(".staff_workshop", workshop_id=workshop_id), code=303)


@bp.get("/staff/workshops/<int:workshop_id>")
@role_required(*STAFF)
def staff_workshop(workshop_id: int) -> ResponseReturnValue:
    workshop = assigned_workshop_or_404(workshop_id)
    return render_template(
        "staff/workshop.html",
        workshop=workshop,
        numbers=services.numbers(workshop),
        confirmed=services.roster(
            services.registrations(workshop.id, RegistrationStatus.CONFIRMED)
        ),
        waitlisted=services.waitlist(workshop.id),
        needs=services.needs_summary(workshop.id),
        opinion_count=services.workshop_opinion_count(workshop),
        sees_all=services.sees_all_workshops(current_user),
    )


@bp.get("/staff/workshops/<int:workshop_id>/roster.<any(csv, xlsx):extension>")
@role_required(*STAFF)
def export_roster(workshop_id: int, extension: str) -> ResponseReturnValue:
    workshop = assigned_workshop_or_404(workshop_id)
    header, rows = exports.roster(workshop)
    stamp = datetime.now(TOKYO).strftime("%Y%m%d-%H%M")
    filename = f"workshop-{workshop.id}-roster-{stamp}.{extension}"
    if extension == "csv":
        return download(tabular.to_csv(header, rows), filename, "text/csv")
    return download(
        tabular.to_xlsx(header, rows, title="名簿"),
        filename,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@bp.route("/staff/workshops/<int:workshop_id>/registrations/new", methods=["GET", "POST"])
@role_required(*STAFF)
def staff_register(workshop_id: int) -> ResponseReturnValue:
    workshop = assigned_workshop_or_404(workshop_id)
    form = registration_form(workshop, by_staff=True)
    if not form.validate_on_submit():
        status = 422 if request.method == "POST" else 200
        return render_template("staff/workshop_register.html", workshop=workshop, form=form), status
    try:
        registration = services.register(
            workshop.id, form.to_applicant(workshop), staff_id=current_user.id
        )
    except DomainError as error:
        flash(error.message, "error")
        return render_template(
            "staff/workshop_register.html", workshop=workshop, form=form
        ), error.status
    if registration.is_confirmed:
        flash(f"{registration.name}さんの申込を受け付けました（申込完了）。", "success")
    else:
        position = services.waitlist_position(registration)
        flash(
            f"{registration.name}さんをキャンセル待ち（{position}番目）で受け付けました。",
            "warning",
        )
    return redirect(url_for(".staff_register", workshop_id=workshop_id), code=303)


def check_in_page(workshop: Workshop, form: CheckInForm, status: int = 200) -> ResponseReturnValue:
    query = request.args.get("q", "").strip()[:100]
    return render_template(
        "staff/workshop_checkin.html",
        workshop=workshop,
        form=form,
        query=query,
        results=services.search_registrations(workshop.id, query) if query else [],
        confirm_form=ConfirmForm(),
        walk_in_form=WalkInForm().configure(workshop),
        numbers=services.numbers(workshop),
    ), status


@bp.route("/staff/workshops/<int:workshop_id>/check-in", methods=["GET", "POST"])
@role_required(*STAFF)
def check_in(workshop_id: int) -> ResponseReturnValue:
    workshop = assigned_workshop_or_404(workshop_id)
    form = CheckInForm()
    if not form.validate_on_submit():
        return check_in_page(workshop, form, 422 if request.method == "POST" else 200)
    return answer_check_in(workshop, code=form.code.data or "")


@bp.post("/staff/workshops/<int:workshop_id>/check-in/<int:registration_id>")
@role_required(*STAFF)
def check_in_by_name(workshop_id: int, registration_id: int) -> ResponseReturnValue:
    workshop = assigned_workshop_or_404(workshop_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    return answer_check_in(workshop, registration_id=registration_id)


def answer_check_in(
    workshop: Workshop, *, code: str | None = None, registration_id: int | None = None
) -> ResponseReturnValue:
    try:
        registration = services.check_in(workshop.id, code=code, registration_id=registration_id)
    except NotFound:
        abort(404)
    except DomainError as error:
        flash(error.message, "error")
        return check_in_page(workshop, CheckInForm(formdata=None), error.status)
    mode = PARTICIPATION_MODE[registration.mode]
    needs = "、".join(NEED[n] for n in NEED if n.value in registration.needs)
    message = f"{registration.name}さんを受付しました（{mode}）。"
    if needs:
        message += f"必要な配慮: {needs}"
    flash(message, "success")
    return redirect(url_for(".check_in", workshop_id=workshop.id), code=303)


@bp.post("/staff/workshops/<int:workshop_id>/walk-ins")
@role_required(*STAFF)
def walk_in(workshop_id: int) -> ResponseReturnValue:
    workshop = assigned_workshop_or_404(workshop_id)
    form = WalkInForm().configure(workshop)
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for message in errors:
                flash(f"当日参加: {message}", "error")
        return check_in_page(workshop, CheckInForm(formdata=None), 422)
    try:
        registration = services.add_walk_in(
            workshop.id, form.to_applicant(), staff_id=current_user.id
        )
    except DomainError as error:
        flash(error.message, "error")
        return check_in_page(workshop, CheckInForm(formdata=None), error.status)
    flash(f"{registration.name}さんを当日参加として受付しました。", "success")
    taken = services.count_status(workshop.id, RegistrationStatus.CONFIRMED, registration.mode)
    if taken > workshop.capacity_for(registration.mode):
        mode = PARTICIPATION_MODE[registration.mode]
        flash(
            f"{mode}の定員（{workshop.capacity_for(registration.mode)}人）を超えています（いま{taken}人）。",
            "warning",
        )
    return redirect(url_for(".check_in", workshop_id=workshop.id), code=303)


@bp.route("/staff/workshops/<int:workshop_id>/opinions", methods=["GET", "POST"])
@role_required(*STAFF)
def opinions(workshop_id: int) -> ResponseReturnValue:
    workshop = assigned_workshop_or_404(workshop_id)
    form = OpinionForm().configure()

    def page(status: int = 200) -> ResponseReturnValue:
        return render_template(
            "staff/workshop_opinions.html",
            workshop=workshop,
            form=form,
            opinion_count=services.workshop_opinion_count(workshop),
        ), status

    if not form.validate_on_submit():
        return page(422 if request.method == "POST" else 200)
    try:
        comments = services.add_opinions(workshop.id, form.to_batch(), staff_id=current_user.id)
    except DomainError as error:
        flash(error.message, "error")
        return page(error.status)
    first, last = comments[0].receipt_no, comments[-1].receipt_no
    flash(f"{len(comments)}件の意見を登録しました（受付番号 {first}〜{last}）。", "success")
    return redirect(url_for(".opinions", workshop_id=workshop.id), code=303)
