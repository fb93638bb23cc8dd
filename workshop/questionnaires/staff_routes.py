"""The questionnaire builder (アンケートの設問): planners add, edit, order and delete a
consultation's questions and their options. Each step is a service of services/builder.py,
which applies the whole list with the file loader's rules."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from workshop.auth.access import role_required
from workshop.formfields import flash_form_errors
from workshop.models import Question, Role
from workshop.questionnaires import services, staff_bp
from workshop.questionnaires.errors import QuestionnaireInvalid
from workshop.questionnaires.services import condition_text
from workshop.questionnaires.staff_forms import NewQuestionForm, OptionForm, QuestionForm

PLANNERS = (Role.PLANNER,)


def to_list(consultation_id: int, question: Question | None = None) -> ResponseReturnValue:
    anchor = f"question-{question.id}" if question is not None else None
    return redirect(
        url_for(".questions", consultation_id=consultation_id, _anchor=anchor), code=303
    )


def flash_problems(error: QuestionnaireInvalid) -> None:
    for problem in error.problems:
        flash(problem, "error")


@staff_bp.get("/<int:consultation_id>/questions")
@role_required(*PLANNERS)
def questions(consultation_id: int) -> ResponseReturnValue:
    found = services.get_questionnaire(consultation_id)
    return render_template(
        "questionnaires/staff/questions.html",
        consultation=found.consultation,
        questionnaire=found,
        new_form=NewQuestionForm(formdata=None),
        option_form=OptionForm(formdata=None),
        condition_text=condition_text,
        type_names=services.TYPE_NAMES,
        option_types=services.OPTION_TYPES,
    )


@staff_bp.route("/<int:consultation_id>/questions/new", methods=["GET", "POST"])
@role_required(*PLANNERS)
def new_question(consultation_id: int) -> ResponseReturnValue:
    return save_question(consultation_id, None)


@staff_bp.route("/<int:consultation_id>/questions/<int:question_id>/edit", methods=["GET", "POST"])
@role_required(*PLANNERS)
def edit_question(consultation_id: int, question_id: int) -> ResponseReturnValue:
    return save_question(consultation_id, question_id)


def save_question(consultation_id: int, question_id: int | None) -> ResponseReturnValue:
    """The one form for adding (question_id None) and editing a question."""
    found = services.get_questionnaire(consultation_id)
    question = services.get_question(consultation_id, question_id) if question_id else None
    before = found.questions[: question.position] if question is not None else found.questions
    form = QuestionForm().configure(before)
    if request.method == "GET":
        if question is not None:
            form.fill(question)
        else:
            form.type.data = NewQuestionForm(request.args).type.data or form.type.data
            form.key.data = services.suggest_key(found.consultation)

    def page(status: int) -> ResponseReturnValue:
        return render_template(
            "questionnaires/staff/form.html",
            consultation=found.consultation,
            question=question,
            form=form,
            lock=found.lock_reason(question) if question is not None else None,
            option_types=services.OPTION_TYPES,
        ), status

    if not form.validate_on_submit():
        return page(422 if request.method == "POST" else 200)
    try:
        key = services.save_question(consultation_id, form.to_spec(), question_id)
    except QuestionnaireInvalid as error:
        for problem in error.problems:
            field = getattr(problem, "field", "")
            target = form[field].errors if field in form else form.form_errors
            target.append(problem)
        return page(error.status)
    flash(f"質問「{key}」を{'保存' if question else '追加'}しました。", "success")
    saved = next((q for q in found.consultation.questions if q.key == key), None)
    return to_list(consultation_id, saved)


@staff_bp.post("/<int:consultation_id>/questions/<int:question_id>/up")
@role_required(*PLANNERS)
def move_up(consultation_id: int, question_id: int) -> ResponseReturnValue:
    return move(consultation_id, question_id, -1)


@staff_bp.post("/<int:consultation_id>/questions/<int:question_id>/down")
@role_required(*PLANNERS)
def move_down(consultation_id: int, question_id: int) -> ResponseReturnValue:
    return move(consultation_id, question_id, 1)


def move(consultation_id: int, question_id: int, offset: int) -> ResponseReturnValue:
    try:
        services.move_question(consultation_id, question_id, offset)
    except QuestionnaireInvalid as error:
        flash_problems(error)
    else:
        flash("質問の順番を変えました。", "success")
    return to_list(consultation_id, services.get_question(consultation_id, question_id))


@staff_bp.post("/<int:consultation_id>/questions/<int:question_id>/delete")
@role_required(*PLANNERS)
def delete_question(consultation_id: int, question_id: int) -> ResponseReturnValue:
    try:
        key = services.delete_question(consultation_id, question_id)
    except QuestionnaireInvalid as error:
        flash_problems(error)
        return to_list(consultation_id, services.get_question(consultation_id, question_id))
    flash(f"質問「{key}」を削除しました。", "success")
    return to_list(consultation_id)


@staff_bp.post("/<int:consultation_id>/questions/<int:question_id>/options")
@role_required(*PLANNERS)
def add_option(consultation_id: int, question_id: int) -> ResponseReturnValue:
    question = services.get_question(consultation_id, question_id, about_too=True)
    form = OptionForm()
    if not form.validate_on_submit():
        flash_form_errors(form)
        return to_list(consultation_id, question)
    label = (form.label.data or "").strip()
    try:
        services.add_option(consultation_id, question_id, label)
    except QuestionnaireInvalid as error:
        flash_problems(error)
    else:
        flash(f"選択肢「{label}」を追加しました。", "success")
    return to_list(consultation_id, question)


OPTION_URL = "/<int:consultation_id>/questions/<int:question_id>/options/<int:option_id>"


@staff_bp.post(f"{OPTION_URL}/hide")
@role_required(*PLANNERS)
def hide_option(consultation_id: int, question_id: int, option_id: int) -> ResponseReturnValue:
    return option_visibility(consultation_id, question_id, option_id, hidden=True)


@staff_bp.post(f"{OPTION_URL}/show")
@role_required(*PLANNERS)
def show_option(consultation_id: int, question_id: int, option_id: int) -> ResponseReturnValue:
    return option_visibility(consultation_id, question_id, option_id, hidden=False)


def option_visibility(
    consultation_id: int, question_id: int, option_id: int, *, hidden: bool
) -> ResponseReturnValue:
    try:
        label = services.set_option_hidden(consultation_id, question_id, option_id, hidden)
    except QuestionnaireInvalid as error:
        flash_problems(error)
    else:
        done = "回答の画面に表示しないようにしました" if hidden else "また表示するようにしました"
        flash(f"選択肢「{label}」を{done}。", "success")
    return to_list(
        consultation_id, services.get_question(consultation_id, question_id, about_too=True)
    )


@staff_bp.post(f"{OPTION_URL}/delete")
@role_required(*PLANNERS)
def delete_option(consultation_id: int, question_id: int, option_id: int) -> ResponseReturnValue:
    try:
        label = services.delete_option(consultation_id, question_id, option_id)
    except QuestionnaireInvalid as error:
        flash_problems(error)
    else:
        flash(f"選択肢「{label}」を削除しました。", "success")
    return to_list(
        consultation_id, services.get_question(consultation_id, question_id, about_too=True)
    )
