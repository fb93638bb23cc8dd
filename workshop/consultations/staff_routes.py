"""Staff pages of a consultation: create and edit, attachments, the comment list, proxy entry,
hiding, export (the Excel file by a background job) and import."""

from __future__ import annotations

from datetime import datetime

from flask import (
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user

from workshop import jobs
from workshop.auth.access import role_required
from workshop.consultations import exports, import_jobs, imports, services, staff_bp
from workshop.consultations.staff_forms.comment_list import CommentFilterForm, HideForm
from workshop.consultations.staff_forms.consultation import AttachmentForm, ConsultationForm
from workshop.consultations.staff_forms.imports import ImportForm, column_map_form
from workshop.consultations.staff_forms.links import LinkForm
from workshop.consultations.staff_forms.proxy_entry import ProxyCommentForm
from workshop.errors import DomainError
from workshop.extensions import db
from workshop.formfields import flash_form_errors
from workshop.models import Channel, Consultation, JobKind, Role
from workshop.questionnaires.services import profile_labels
from workshop.tabular import csv_chunks
from workshop.timeutil import TOKYO
from workshop.views import download, public_url

PLANNERS = (Role.PLANNER,)


@staff_bp.route("/new", methods=["GET", "POST"])
@role_required(*PLANNERS)
def new_consultation() -> ResponseReturnValue:
    return save_consultation(None)


@staff_bp.get("/<int:consultation_id>")
@role_required(*PLANNERS)
def show(consultation_id: int) -> ResponseReturnValue:
    found = services.get_consultation(consultation_id)
    return render_template(
        "consultations/staff/show.html",
        consultation=found,
        comment_count=services.count_comments(found.id),
        attachment_form=AttachmentForm(),
        warnings=services.period_warnings(found.opens_on, found.closes_on),
    )


@staff_bp.route("/<int:consultation_id>/edit", methods=["GET", "POST"])
@role_required(*PLANNERS)
def edit_consultation(consultation_id: int) -> ResponseReturnValue:
    return save_consultation(services.get_consultation(consultation_id))


def save_consultation(found: Consultation | None) -> ResponseReturnValue:
    """The one form for creating (found is None) and editing a consultation."""
    form = ConsultationForm()
    if request.method == "GET" and found is not None:
        form.fill(found)

    def page(status: int) -> ResponseReturnValue:
        return render_template(
            "consultations/staff/form.html", form=form, consultation=found
        ), status

    if not form.validate_on_submit():
        return page(422 if request.method == "POST" else 200)
    try:
        if found is None:
            saved, warnings = services.create_consultation(
                form.to_input(), staff_id=current_user.id
            )
        else:
            saved, warnings = services.update_consultation(found.id, form.to_input())
    except DomainError as error:
        flash(error.message, "error")
        return page(error.status)
    for warning in warnings:
        flash(warning, "warning")
    flash("意見募集を更新しました。" if found else "意見募集を作成しました。", "success")
    return redirect(url_for(".show", consultation_id=saved.id), code=303)


@staff_bp.post("/<int:consultation_id>/attachments")
@role_required(*PLANNERS)
def add_attachment(consultation_id: int) -> ResponseReturnValue:
    found = services.get_consultation(consultation_id)
    form = AttachmentForm()
    if form.validate_on_submit():
        upload = form.file.data
        try:
            services.add_attachment(
                found.id,
                upload.stream,
                upload.filename or "",
                form.title.data or "",
                upload_folder=current_app.config["UPLOAD_FOLDER"],
                max_bytes=current_app.config["MAX_ATTACHMENT_BYTES"],
            )
        except DomainError as error:
            flash(error.message, "error")
        else:
            flash("資料を追加しました。", "success")
    else:
        flash_form_errors(form)
    return redirect(url_for(".show", consultation_id=consultation_id), code=303)


@staff_bp.get("/<int:consultation_id>/comments")
@role_required(*PLANNERS)
def comments(consultation_id: int) -> ResponseReturnValue:
    found = services.get_consultation(consultation_id)
    filter_form = CommentFilterForm(request.args).configure(found)
    filter_form.validate()  # what does not pass is shown with its message and not applied
    filters = filter_form.to_filter()
    page = db.paginate(
        services.filtered_comments(found.id, filters),
        per_page=current_app.config["COMMENTS_PER_PAGE"],
        error_out=False,
    )
    return render_template(
        "consultations/staff/comments.html",
        consultation=found,
        page=page,
        about=profile_labels([c.id for c in page.items]),
        filter_form=filter_form,
        hide_form=HideForm(),
    )


@staff_bp.route("/<int:consultation_id>/comments/new", methods=["GET", "POST"])
@role_required(*PLANNERS)
def enter_comment(consultation_id: int) -> ResponseReturnValue:
    found = services.get_consultation(consultation_id)
    form = ProxyCommentForm.for_consultation(found)
    if not form.validate_on_submit():
        status = 422 if request.method == "POST" else 200
        return render_template(
            "consultations/staff/comment_form.html", consultation=found, form=form
        ), status
    assert form.received_on.data is not None
    try:
        comment = services.enter_comment(
            found.id,
            form.to_input(),
            channel=Channel(form.channel.data),
            received_on=form.received_on.data,
            staff_id=current_user.id,
        )
    except DomainError as error:
        flash(error.message, "error")
        return render_template(
            "consultations/staff/comment_form.html", consultation=found, form=form
        ), error.status
    flash(f"意見を登録しました。受付番号は {comment.receipt_no} です。", "success")
    return redirect(url_for(".enter_comment", consultation_id=consultation_id), code=303)


@staff_bp.post("/<int:consultation_id>/comments/<int:comment_id>/hide")
@role_required(*PLANNERS)
def hide_comment(consultation_id: int, comment_id: int) -> ResponseReturnValue:
    form = HideForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
        return redirect(url_for(".comments", consultation_id=consultation_id), code=303)
    try:
        comment = services.hide_comment(
            consultation_id, comment_id, form.reason.data or "", staff_id=current_user.id
        )
    except services.ReasonRequired as error:
        flash(error.message, "error")
    else:
        flash(f"{comment.receipt_no} を公表しない意見にしました。", "success")
    return redirect(url_for(".comments", consultation_id=consultation_id), code=303)


@staff_bp.post("/<int:consultation_id>/comments/<int:comment_id>/unhide")
@role_required(*PLANNERS)
def unhide_comment(consultation_id: int, comment_id: int) -> ResponseReturnValue:
    comment = services.unhide_comment(consultation_id, comment_id, staff_id=current_user.id)
    flash(f"{comment.receipt_no} を公表する意見に戻しました。", "success")
    return redirect(url_for(".comments", consultation_id=consultation_id), code=303)


def export_name(found: Consultation, extension: str) -> str:
    stamp = datetime.now(TOKYO).strftime("%Y%m%d-%H%M")
    return f"{found.slug}-comments-{stamp}.{extension}"


@staff_bp.get("/<int:consultation_id>/comments.csv")
@role_required(*PLANNERS)
def export_csv(consultation_id: int) -> ResponseReturnValue:
    found = services.get_consultation(consultation_id)
    # streamed: the rows are read and written while the response is sent
    chunks = stream_with_context(exports.comments_csv(found))
    return download(chunks, export_name(found, "csv"), "text/csv")


@staff_bp.post("/<int:consultation_id>/comments.xlsx")
@role_required(*PLANNERS)
def export_xlsx(consultation_id: int) -> ResponseReturnValue:
    """Start the job that writes the Excel file; its page offers the file when it is done."""
    found = services.get_consultation(consultation_id)
    job = exports.start_xlsx(found, staff_id=current_user.id)
    return redirect(url_for(".export_job", consultation_id=found.id, job_id=job.id), code=303)


@staff_bp.get("/<int:consultation_id>/exports/<int:job_id>")
@role_required(*PLANNERS)
def export_job(consultation_id: int, job_id: int) -> ResponseReturnValue:
    found = services.get_consultation(consultation_id)
    job = jobs.consultation_job(found.id, job_id, JobKind.COMMENTS_XLSX)
    return render_template(
        "consultations/staff/export_job.html",
        consultation=found,
        job=job,
        available=exports.is_available(job),
        keep_hours=current_app.config["EXPORT_KEEP_HOURS"],
    )


@staff_bp.get("/<int:consultation_id>/exports/<int:job_id>.json")
@role_required(*PLANNERS)
def export_job_json(consultation_id: int, job_id: int) -> ResponseReturnValue:
    found = services.get_consultation(consultation_id)
    return jsonify(jobs.status(jobs.consultation_job(found.id, job_id, JobKind.COMMENTS_XLSX)))


@staff_bp.get("/<int:consultation_id>/exports/<int:job_id>.xlsx")
@role_required(*PLANNERS)
def export_xlsx_file(consultation_id: int, job_id: int) -> ResponseReturnValue:
    found = services.get_consultation(consultation_id)
    job = jobs.consultation_job(found.id, job_id, JobKind.COMMENTS_XLSX)
    return download(
        exports.finished_xlsx(job).read_bytes(),
        export_name(found, "xlsx"),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@staff_bp.route("/<int:consultation_id>/import", methods=["GET", "POST"])
@role_required(*PLANNERS)
def import_comments(consultation_id: int) -> ResponseReturnValue:
    found = services.get_consultation(consultation_id)
    form = ImportForm()
    form.has_questions = bool(found.questions)
    if not form.validate_on_submit():
        status = 422 if request.method == "POST" else 200
        return render_import(found, form), status
    raw = form.file.data.read()
    try:
        if form.maps_next:
            # a questionnaire: the file waits while the planner picks each question's column
            header = imports.read_header(raw)
        else:
            imports.check_columns(found, raw, form.to_mapping())
    except DomainError as error:
        flash(error.message, "error")
        return render_import(found, form), error.status
    upload = imports.keep_upload(found.id, raw)
    if form.maps_next:
        map_form = column_map_form(list(found.questions), header, step1=form)
        map_form.upload.data = upload
        return render_template(
            "consultations/staff/import_map.html", consultation=found, form=map_form
        )
    return start_import(found, upload, form.to_mapping(), Channel(form.channel.data))


@staff_bp.post("/<int:consultation_id>/import/columns")
@role_required(*PLANNERS)
def import_mapped(consultation_id: int) -> ResponseReturnValue:
    """The import's second step: the columns chosen per question, then the import."""
    found = services.get_consultation(consultation_id)
    token = request.form.get("upload", "")
    try:
        raw = imports.pending_upload(found.id, token)
        header = imports.read_header(raw)
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for(".import_comments", consultation_id=found.id), code=303)
    form = column_map_form(list(found.questions), header)
    if form.validate_on_submit():
        try:
            imports.check_columns(found, raw, form.to_mapping())
        except DomainError as error:
            flash(error.message, "error")
            status = error.status
        else:
            return start_import(found, token, form.to_mapping(), Channel(form.channel.data))
    else:
        status = 422
    form.upload.data = token
    return render_template(
        "consultations/staff/import_map.html", consultation=found, form=form
    ), status


def start_import(
    consultation: Consultation, upload: str, mapping: imports.Mapping, channel: Channel
) -> ResponseReturnValue:
    job = import_jobs.start_import(consultation, upload, mapping, channel, staff_id=current_user.id)
    return redirect(
        url_for(".import_job", consultation_id=consultation.id, job_id=job.id), code=303
    )


@staff_bp.get("/<int:consultation_id>/imports/<int:job_id>")
@role_required(*PLANNERS)
def import_job(consultation_id: int, job_id: int) -> ResponseReturnValue:
    """The import's progress, then its report; another file can be chosen below."""
    found = services.get_consultation(consultation_id)
    job = jobs.consultation_job(found.id, job_id, JobKind.COMMENTS_IMPORT)
    return render_template(
        "consultations/staff/import_job.html",
        consultation=found,
        job=job,
        report=import_jobs.report_of(job),
    )


@staff_bp.get("/<int:consultation_id>/imports/<int:job_id>.json")
@role_required(*PLANNERS)
def import_job_json(consultation_id: int, job_id: int) -> ResponseReturnValue:
    found = services.get_consultation(consultation_id)
    return jsonify(jobs.status(jobs.consultation_job(found.id, job_id, JobKind.COMMENTS_IMPORT)))


def render_import(consultation: Consultation, form: ImportForm) -> str:
    return render_template("consultations/staff/import.html", consultation=consultation, form=form)


@staff_bp.route("/<int:consultation_id>/links", methods=["GET", "POST"])
@role_required(*PLANNERS)
def links(consultation_id: int) -> ResponseReturnValue:
    """The private links to answer a consultation open to a link's holders only."""
    found = services.get_consultation(consultation_id)
    form = LinkForm()
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            made = services.create_links(found.id, form.to_input())
            flash(f"回答用のリンクを{len(made):,}件作りました。", "success")
            return redirect(url_for(".links", consultation_id=found.id), code=303)
        status = 422
    return render_template(
        "consultations/staff/links.html",
        consultation=found,
        form=form,
        links=services.list_links(found.id),
        link_url=lambda token: answer_url(found, token),
    ), status


@staff_bp.get("/<int:consultation_id>/links.csv")
@role_required(*PLANNERS)
def links_csv(consultation_id: int) -> ResponseReturnValue:
    """The links as a file, for a mail merge of a panel's letters."""
    found = services.get_consultation(consultation_id)
    rows = [
        [link.label, answer_url(found, link.token), str(link.max_uses), str(link.uses)]
        for link in services.list_links(found.id)
        if link.revoked_at is None
    ]
    header = ["名前", "リンク", "回答できる回数", "回答された回数"]
    return download(csv_chunks(header, rows), f"{found.slug}-links.csv", "text/csv")


@staff_bp.post("/<int:consultation_id>/links/<int:link_id>/revoke")
@role_required(*PLANNERS)
def revoke_link(consultation_id: int, link_id: int) -> ResponseReturnValue:
    link = services.revoke_link(consultation_id, link_id)
    flash(f"リンク「{link.label or link.token[:6]}」を使えないようにしました。", "success")
    return redirect(url_for(".links", consultation_id=consultation_id), code=303)


def answer_url(consultation: Consultation, token: str) -> str:
    """A private link's address, on the city's public site."""
    return public_url("consultations.show_consultation", slug=consultation.slug, link=token)
