"""Residents' pages: the open consultations, one consultation, comment, confirm, receipt."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from pathlib import Path

from flask import abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from workshop.consultations import bp, services
from workshop.consultations.forms import COMMENT_FIELDS, CommentForm
from workshop.errors import DomainError
from workshop.models import Audience, Consultation, ConsultationStatus, Question
from workshop.questionnaires.services import (
    answers_in_words,
    condition_text,
    scale_choices,
    stored_answers,
)
from workshop.security import COMMENT_POSTS, limiter


def show(
    consultation: Consultation,
    form: CommentForm,
    status: int = 200,
    *,
    more: Sequence[Question] = (),
    not_allowed: str | None = None,
) -> ResponseReturnValue:
    """The consultation's page with its form; `more`: questions just added to the form;
    `not_allowed`: why this person cannot answer here, said instead of the form."""
    page = render_template(
        "consultations/show.html",
        consultation=consultation,
        form=form,
        more=more,
        not_allowed=not_allowed,
        link=link_token(),
        anonymous_staff=consultation.audience is Audience.STAFF and consultation.staff_anonymous,
    )
    return page, status, private_link_headers()


def private_link_headers() -> dict[str, str]:
    """A private link's token is in the address: it must not leave in a Referer header."""
    return {"Referrer-Policy": "no-referrer"} if link_token() else {}


def link_token() -> str:
    """A private link's token, from the link's address (?link=) or the form's hidden copy."""
    return request.values.get("link", "")[:40]


def staff_id() -> int | None:
    return current_user.id if current_user.is_authenticated else None


def respondent(consultation: Consultation) -> services.Respondent:
    """Who answers here, or AnswerNotAllowed (no link, a used link, not staff, answered)."""
    return services.respondent_for(consultation, link_token=link_token(), staff_id=staff_id())


@bp.get("/")
def index() -> ResponseReturnValue:
    # a consultation for a link's holders or for staff is not listed
    public = [c for c in services.list_consultations() if c.audience is Audience.PUBLIC]
    return render_template(
        "consultations/index.html",
        open_consultations=[c for c in public if c.status is ConsultationStatus.OPEN],
        upcoming=[c for c in public if c.status is ConsultationStatus.UPCOMING],
        closed=[c for c in public if c.status is ConsultationStatus.CLOSED][:10],
    )


@bp.get("/consultations/<slug>")
def show_consultation(slug: str) -> ResponseReturnValue:
    consultation = services.get_consultation_by_slug(slug)
    if consultation.audience is Audience.STAFF and not current_user.is_authenticated:
        return redirect(url_for("auth.login", next=request.path))
    form = CommentForm.for_consultation(consultation)
    if consultation.is_open:
        try:
            respondent(consultation)
        except services.AnswerNotAllowed as error:
            return show(consultation, form, error.status, not_allowed=error.message)
    return show(consultation, form)


@bp.post("/consultations/<slug>/confirm")
@limiter.shared_limit(COMMENT_POSTS, scope="comment-posts")
def confirm(slug: str) -> ResponseReturnValue:
    consultation = services.get_consultation_by_slug(slug)
    form = CommentForm.for_consultation(consultation)
    if not consultation.is_open:
        flash(services.closed_message(consultation), "error")
        return show(consultation, form, 409)
    try:
        respondent(consultation)
    except services.AnswerNotAllowed as error:
        return show(consultation, form, error.status, not_allowed=error.message)
    valid = form.validate_on_submit()
    # questions the answers now call for (a condition met) are asked first: with JavaScript
    # they appeared as soon as the choice was made, without it this is the form's next step
    more = form.ask_pending()
    if not valid:
        return show(consultation, form, 422)
    if more:
        return show(consultation, form, more=more)
    return render_template(
        "consultations/confirm.html",
        consultation=consultation,
        form=form,
        data=form.to_input(),
        answer_lines=answers_in_words(form.questions, form.checked.answers),
        fields=[*COMMENT_FIELDS, "asked", *form.answer_field_names],
        submission_token=secrets.token_urlsafe(24),
        link=link_token(),
    ), private_link_headers()


@bp.post("/consultations/<slug>/comments")
@limiter.shared_limit(COMMENT_POSTS, scope="comment-posts")
def submit(slug: str) -> ResponseReturnValue:
    # the busiest POST: only what a comment needs of the consultation is read; a page shown
    # again (edit, a mistake) reads the whole consultation
    consultation = services.get_consultation_by_slug(slug, for_comment=True)
    form = CommentForm.for_consultation(consultation)
    if request.form.get("action") == "edit":
        # back to the form, filled in as the resident left it
        return show(services.get_consultation_by_slug(slug), form)
    if not form.validate_on_submit() or form.ask_pending():
        # changed on the way (the confirmation page shows only checked values)
        return show(services.get_consultation_by_slug(slug), form, 422)
    try:
        receipt = services.submit_comment(
            consultation,
            form.to_input(),
            submission_token=request.form.get("submission_token", ""),
            link_token=link_token(),
            staff_id=staff_id(),
        )
    except DomainError as error:
        flash(error.message, "error")
        return show(services.get_consultation_by_slug(slug), form, error.status)
    return redirect(url_for(".receipt", slug=slug, token=receipt.receipt_token), code=303)


@bp.get("/consultations/<slug>/paper")
def paper_form(slug: str) -> ResponseReturnValue:
    """The printable A4 form for those who answer on paper: the same questions in the same
    order as the web form and staff entry."""
    consultation = services.get_consultation_by_slug(slug)
    if consultation.audience is Audience.STAFF and not current_user.is_authenticated:
        return redirect(url_for("auth.login", next=request.path))
    return render_template(
        "questionnaires/paper.html",
        consultation=consultation,
        questions=consultation.questions,
        condition_text=condition_text,
        scale_choices=scale_choices,
    )


@bp.get("/consultations/<slug>/receipt/<token>")
def receipt(slug: str, token: str) -> ResponseReturnValue:
    comment = services.get_receipt(slug, token)
    response = current_app.make_response(
        render_template(
            "consultations/receipt.html",
            comment=comment,
            consultation=comment.consultation,
            answer_lines=stored_answers(comment),
        )
    )
    # the page shows what the resident wrote: keep it out of shared caches and referrers
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.get("/consultations/<slug>/attachments/<int:attachment_id>")
def attachment(slug: str, attachment_id: int) -> ResponseReturnValue:
    consultation = services.get_consultation_by_slug(slug)
    item = services.get_attachment(consultation, attachment_id)
    path = Path(current_app.config["UPLOAD_FOLDER"]) / item.stored_name
    if not path.is_file():
        abort(404)
    return send_file(
        path, mimetype="application/pdf", download_name=item.original_name, max_age=3600
    )
