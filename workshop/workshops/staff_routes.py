"""Staff pages of workshops: the list, create and edit, roster, check-in, proxy sign-up, opinions."""

from __future__ import annotations

from datetime import datetime

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from workshop import tabular
from workshop.auth.access import STAFF, role_required
from workshop.consultations.services import list_consultations
from workshop.errors import DomainError
from workshop.labels import NEED, PARTICIPATION_MODE
from workshop.models import Workshop
from workshop.timeutil import TOKYO
from workshop.views import download
from workshop.workshops import exports, staff_bp
from workshop.workshops.forms import ConfirmForm, registration_form
from workshop.workshops.services import access, checkin, events, roster, seats, signup
from workshop.workshops.services.opinions import add_opinions, workshop_opinion_count
from workshop.workshops.services.waitlist import waitlist, waitlist_position
from workshop.workshops.staff_forms import CheckInForm, OpinionForm, WalkInForm, WorkshopForm


@staff_bp.get("/")
@role_required(*STAFF)
def index() -> ResponseReturnValue:
    workshops = access.workshops_for(current_user)
    return render_template(
        "workshops/staff/index.html",
        workshops=workshops,
        numbers=seats.numbers_for(workshops),
        sees_all=access.sees_all_workshops(current_user),
    )


def workshop_form(workshop: Workshop | None = None) -> WorkshopForm:
    """Only planners and admins get the facilitator checkboxes; a facilitator's form has none."""
    facilitators = (
        access.facilitator_choices(workshop) if access.sees_all_workshops(current_user) else None
    )
    return WorkshopForm().configure(list_consultations(), facilitators)


def workshop_form_page(
    form: WorkshopForm, workshop: Workshop | None, status: int = 200
) -> ResponseReturnValue:
    return render_template("workshops/staff/form.html", form=form, workshop=workshop), status


@staff_bp.route("/new", methods=["GET", "POST"])
@role_required(*STAFF)
def new_workshop() -> ResponseReturnValue:
    form = workshop_form()
    if not form.validate_on_submit():
        return workshop_form_page(form, None, 422 if request.method == "POST" else 200)
    try:
        workshop = events.create_workshop(form.to_input(), staff_id=current_user.id)
    except DomainError as error:
        flash(error.message, "error")
        return workshop_form_page(form, None, error.status)
    flash("ワークショップを作成しました。", "success")
    return redirect(url_for(".show", workshop_id=workshop.id), code=303)


@staff_bp.route("/<int:workshop_id>/edit", methods=["GET", "POST"])
@role_required(*STAFF)
def edit_workshop(workshop_id: int) -> ResponseReturnValue:
    workshop = access.workshop_for(current_user, workshop_id)
    form = workshop_form(workshop)
    if request.method == "GET":
        form.fill(workshop)
    if not form.validate_on_submit():
        return workshop_form_page(form, workshop, 422 if request.method == "POST" else 200)
    try:
        _, promoted = events.update_workshop(workshop.id, form.to_input(), staff_id=current_user.id)
    except DomainError as error:
        flash(error.message, "error")
        return workshop_form_page(form, workshop, error.status)
    flash("ワークショップを更新しました。", "success")
    if promoted:
        flash(
            f"キャンセル待ちの{len(promoted)}人を参加に繰り上げ、メールでお知らせしました。", "info"
        )
    return redirect(url_for(".show", workshop_id=workshop_id), code=303)


@staff_bp.get("/<int:workshop_id>")
@role_required(*STAFF)
def show(workshop_id: int) -> ResponseReturnValue:
    workshop = access.workshop_for(current_user, workshop_id)
    return render_template(
        "workshops/staff/show.html",
        workshop=workshop,
        numbers=seats.numbers(workshop),
        confirmed=roster.confirmed_in_kana_order(workshop.id),
        waitlisted=waitlist(workshop.id),
        needs=roster.needs_summary(workshop.id),
        opinion_count=workshop_opinion_count(workshop),
        sees_all=access.sees_all_workshops(current_user),
    )


@staff_bp.get("/<int:workshop_id>/roster.<any(csv, xlsx):extension>")
@role_required(*STAFF)
def export_roster(workshop_id: int, extension: str) -> ResponseReturnValue:
    workshop = access.workshop_for(current_user, workshop_id)
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


@staff_bp.route("/<int:workshop_id>/registrations/new", methods=["GET", "POST"])
@role_required(*STAFF)
def register(workshop_id: int) -> ResponseReturnValue:
    workshop = access.workshop_for(current_user, workshop_id)
    form = registration_form(workshop, by_staff=True)

    def page(status: int) -> ResponseReturnValue:
        return render_template(
            "workshops/staff/register.html", workshop=workshop, form=form
        ), status

    if not form.validate_on_submit():
        return page(422 if request.method == "POST" else 200)
    try:
        registration = signup.register(
            workshop.id, form.to_applicant(workshop), staff_id=current_user.id
        )
    except DomainError as error:
        flash(error.message, "error")
        return page(error.status)
    if registration.is_confirmed:
        flash(f"{registration.name}さんの申込を受け付けました（申込完了）。", "success")
    else:
        position = waitlist_position(registration)
        flash(
            f"{registration.name}さんをキャンセル待ち（{position}番目）で受け付けました。",
            "warning",
        )
    return redirect(url_for(".register", workshop_id=workshop_id), code=303)


def check_in_page(workshop: Workshop, form: CheckInForm, status: int = 200) -> ResponseReturnValue:
    query = request.args.get("q", "").strip()[:100]
    return render_template(
        "workshops/staff/check_in.html",
        workshop=workshop,
        form=form,
        query=query,
        results=roster.search_registrations(workshop.id, query) if query else [],
        confirm_form=ConfirmForm(),
        walk_in_form=WalkInForm().configure(workshop),
        numbers=seats.numbers(workshop),
    ), status


@staff_bp.route("/<int:workshop_id>/check-in", methods=["GET", "POST"])
@role_required(*STAFF)
def check_in(workshop_id: int) -> ResponseReturnValue:
    workshop = access.workshop_for(current_user, workshop_id)
    form = CheckInForm()
    if not form.validate_on_submit():
        return check_in_page(workshop, form, 422 if request.method == "POST" else 200)
    return answer_check_in(workshop, code=form.code.data or "")


@staff_bp.post("/<int:workshop_id>/check-in/<int:registration_id>")
@role_required(*STAFF)
def check_in_by_name(workshop_id: int, registration_id: int) -> ResponseReturnValue:
    workshop = access.workshop_for(current_user, workshop_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    return answer_check_in(workshop, registration_id=registration_id)


def answer_check_in(
    workshop: Workshop, *, code: str | None = None, registration_id: int | None = None
) -> ResponseReturnValue:
    try:
        registration = checkin.check_in(workshop.id, code=code, registration_id=registration_id)
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


@staff_bp.post("/<int:workshop_id>/walk-ins")
@role_required(*STAFF)
def walk_in(workshop_id: int) -> ResponseReturnValue:
    workshop = access.workshop_for(current_user, workshop_id)
    form = WalkInForm().configure(workshop)
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for message in errors:
                flash(f"当日参加: {message}", "error")
        return check_in_page(workshop, CheckInForm(formdata=None), 422)
    try:
        added = checkin.add_walk_in(workshop.id, form.to_applicant(), staff_id=current_user.id)
    except DomainError as error:
        flash(error.message, "error")
        return check_in_page(workshop, CheckInForm(formdata=None), error.status)
    flash(f"{added.registration.name}さんを当日参加として受付しました。", "success")
    if added.is_over_capacity:
        mode = PARTICIPATION_MODE[added.registration.mode]
        flash(
            f"{mode}の定員（{added.capacity}人）を超えています（いま{added.taken}人）。", "warning"
        )
    return redirect(url_for(".check_in", workshop_id=workshop.id), code=303)


@staff_bp.route("/<int:workshop_id>/opinions", methods=["GET", "POST"])
@role_required(*STAFF)
def opinions(workshop_id: int) -> ResponseReturnValue:
    workshop = access.workshop_for(current_user, workshop_id)
    form = OpinionForm().configure(workshop.consultation)

    def page(status: int = 200) -> ResponseReturnValue:
        return render_template(
            "workshops/staff/opinions.html",
            workshop=workshop,
            form=form,
            opinion_count=workshop_opinion_count(workshop),
        ), status

    if not form.validate_on_submit():
        return page(422 if request.method == "POST" else 200)
    try:
        comments = add_opinions(workshop.id, form.to_batch(), staff_id=current_user.id)
    except DomainError as error:
        flash(error.message, "error")
        return page(error.status)
    first, last = comments[0].receipt_no, comments[-1].receipt_no
    flash(f"{len(comments)}件の意見を登録しました（受付番号 {first}〜{last}）。", "success")
    return redirect(url_for(".opinions", workshop_id=workshop.id), code=303)
