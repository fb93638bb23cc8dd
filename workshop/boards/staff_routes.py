"""Facilitators' pages of live boards: create, open and close, the question asked now, the
moderation queue, paper 付箋, groups, the projector, the table card and the export.

Only the staff who run the board's workshop (and planners, admins) open them; anyone else
gets 404, as if the board did not exist.
"""

from __future__ import annotations

from datetime import datetime

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from workshop import tabular
from workshop.auth.access import STAFF, role_required
from workshop.boards import staff_bp
from workshop.boards.services import exports, grouping, lookup, moderation, projector, running
from workshop.boards.services.setup import create_board
from workshop.boards.staff_forms import (
    BoardForm,
    ConfirmForm,
    CorrectForm,
    GroupNameForm,
    HideForm,
    MoveForm,
    PaperForm,
    QuestionForm,
)
from workshop.errors import DomainError
from workshop.formfields import flash_form_errors
from workshop.models import Board, NoteStatus
from workshop.timeutil import TOKYO
from workshop.views import download, public_url
from workshop.workshops import qr
from workshop.workshops.services import access


def board_of(board_id: int) -> Board:
    return lookup.board_for(current_user, board_id)


def back_to(endpoint: str, board: Board) -> ResponseReturnValue:
    return redirect(url_for(endpoint, board_id=board.id), code=303)


def join_url(board: Board) -> str:
    return public_url("boards.show", code=board.code)


def spaced(code: str) -> str:
    """ABC234 as ABC-234: read out and typed in two halves."""
    return f"{code[:3]}-{code[3:]}"


@staff_bp.app_template_filter("board_code")
def board_code(code: str) -> str:
    return spaced(code)


@staff_bp.get("/workshops/<int:workshop_id>")
@role_required(*STAFF)
def index(workshop_id: int) -> ResponseReturnValue:
    workshop = access.workshop_for(current_user, workshop_id)
    return render_template(
        "boards/staff/index.html", workshop=workshop, boards=lookup.boards_of(workshop.id)
    )


@staff_bp.route("/workshops/<int:workshop_id>/new", methods=["GET", "POST"])
@role_required(*STAFF)
def new_board(workshop_id: int) -> ResponseReturnValue:
    workshop = access.workshop_for(current_user, workshop_id)
    form = BoardForm()
    if request.method == "GET" and workshop.questions:
        form.questions.data = "\n".join(workshop.questions)

    def page(status: int) -> ResponseReturnValue:
        return render_template("boards/staff/new.html", workshop=workshop, form=form), status

    if not form.validate_on_submit():
        return page(422 if request.method == "POST" else 200)
    try:
        board = create_board(workshop.id, form.to_input(), staff_id=current_user.id)
    except DomainError as error:
        flash(error.message, "error")
        return page(error.status)
    flash(
        f"ボードを作りました（コード {spaced(board.code)}）。始めるときに「受付を始める」を押してください。",
        "success",
    )
    return back_to(".show", board)


@staff_bp.get("/<int:board_id>")
@role_required(*STAFF)
def show(board_id: int) -> ResponseReturnValue:
    board = board_of(board_id)
    return render_template(
        "boards/staff/show.html",
        board=board,
        workshop=board.workshop,
        counts={s.value: n for s, n in projector.note_counts(board).items()},
        participants=projector.participant_count(board),
        question_form=QuestionForm(formdata=None).configure(board),
        confirm_form=ConfirmForm(),
        join_url=join_url(board),
    )


@staff_bp.post("/<int:board_id>/open")
@role_required(*STAFF)
def open_board(board_id: int) -> ResponseReturnValue:
    board = board_of(board_id)
    try:
        running.open_board(board.id)
    except DomainError as error:
        flash(error.message, "error")
        return back_to(".show", board)
    flash("受付を始めました。参加者は付箋を貼れます。", "success")
    return back_to(".show", board)


@staff_bp.post("/<int:board_id>/close")
@role_required(*STAFF)
def close_board(board_id: int) -> ResponseReturnValue:
    board = board_of(board_id)
    closing = running.close_board(board.id, staff_id=current_user.id)
    if not closing.has_consultation:
        flash(
            "ボードを終了しました。ワークショップに意見募集がつながっていないため、"
            "付箋は意見として登録していません。つないでから、もう一度「終了する」を押してください。",
            "warning",
        )
    elif closing.moved:
        flash(
            f"ボードを終了し、表示中の付箋{closing.moved}件を意見募集の意見"
            "（経路: ワークショップ）として登録しました。",
            "success",
        )
    else:
        flash("ボードは終了しています。新しく登録する付箋はありませんでした。", "info")
    return back_to(".show", board)


@staff_bp.post("/<int:board_id>/question")
@role_required(*STAFF)
def set_question(board_id: int) -> ResponseReturnValue:
    board = board_of(board_id)
    form = QuestionForm().configure(board)
    chosen = request.form.get("position")
    if chosen is not None and not form.validate_on_submit():
        flash_form_errors(form)
        return back_to(".show", board)
    try:
        running.set_question(board.id, form.position.data if chosen is not None else None)
    except DomainError as error:
        flash(error.message, "error")
        return back_to(".show", board)
    flash("問いを切り替えました。新しい付箋はこの問いに貼られます。", "success")
    return back_to(".show", board)


@staff_bp.get("/<int:board_id>/card")
@role_required(*STAFF)
def card(board_id: int) -> ResponseReturnValue:
    board = board_of(board_id)
    url = join_url(board)
    size = "a6" if request.args.get("size") == "a6" else "a4"
    return render_template(
        "boards/staff/card.html",
        board=board,
        workshop=board.workshop,
        url=url,
        qr_svg=qr.svg(url, title=f"ボード {spaced(board.code)} に参加するQRコード", scalable=True),
        size=size,
        entry_url=public_url("boards.join"),
        tables=board.tables or [None],
    )


@staff_bp.get("/<int:board_id>/moderation")
@role_required(*STAFF)
def moderation_queue(board_id: int) -> ResponseReturnValue:
    board = board_of(board_id)
    return render_template(
        "boards/staff/moderation.html",
        board=board,
        workshop=board.workshop,
        pending=moderation.notes_by_status(board, NoteStatus.PENDING),
        approved=moderation.notes_by_status(board, NoteStatus.APPROVED),
        hidden=moderation.notes_by_status(board, NoteStatus.HIDDEN),
        confirm_form=ConfirmForm(),
    )


@staff_bp.post("/<int:board_id>/notes/<int:note_id>/approve")
@role_required(*STAFF)
def approve(board_id: int, note_id: int) -> ResponseReturnValue:
    board = board_of(board_id)
    moderation.approve(board.id, note_id, staff_id=current_user.id)
    flash("付箋を表示しました。", "success")
    return back_to(".moderation_queue", board)


@staff_bp.post("/<int:board_id>/notes/<int:note_id>/hide")
@role_required(*STAFF)
def hide(board_id: int, note_id: int) -> ResponseReturnValue:
    board = board_of(board_id)
    form = HideForm()
    if not form.validate_on_submit():
        lookup.note_of(board, note_id)
        flash_form_errors(form)
        return back_to(".moderation_queue", board)
    moderation.hide(board.id, note_id, form.reason.data or "", staff_id=current_user.id)
    flash("付箋を非表示にしました（理由とともに残しています）。", "success")
    return back_to(".moderation_queue", board)


@staff_bp.post("/<int:board_id>/notes/<int:note_id>/correct")
@role_required(*STAFF)
def correct(board_id: int, note_id: int) -> ResponseReturnValue:
    board = board_of(board_id)
    form = CorrectForm()
    if not form.validate_on_submit():
        lookup.note_of(board, note_id)
        flash_form_errors(form)
        return back_to(".moderation_queue", board)
    moderation.correct(board.id, note_id, form.text.data or "", staff_id=current_user.id)
    flash("付箋の文を直しました（元の文も残しています）。", "success")
    return back_to(".moderation_queue", board)


@staff_bp.route("/<int:board_id>/paper", methods=["GET", "POST"])
@role_required(*STAFF)
def paper(board_id: int) -> ResponseReturnValue:
    board = board_of(board_id)
    form = PaperForm().configure(board)

    def page(status: int) -> ResponseReturnValue:
        return render_template(
            "boards/staff/paper.html", board=board, workshop=board.workshop, form=form
        ), status

    if not form.validate_on_submit():
        return page(422 if request.method == "POST" else 200)
    try:
        added = moderation.enter_paper_notes(
            board.id,
            form.text.data or "",
            question_id=form.question_id.data,
            table_id=form.table_id.data or None,
            staff_id=current_user.id,
        )
    except DomainError as error:
        flash(error.message, "error")
        return page(error.status)
    flash(f"紙の付箋{len(added)}枚を入力しました（職員入力として表示しています）。", "success")
    return back_to(".paper", board)


@staff_bp.get("/<int:board_id>/groups")
@role_required(*STAFF)
def groups(board_id: int) -> ResponseReturnValue:
    board = board_of(board_id)
    view = projector.projector_view(board)
    question = view.question
    all_groups = grouping.groups_of(question.id) if question else []
    shown = {group.id for group in view.groups}
    return render_template(
        "boards/staff/groups.html",
        board=board,
        workshop=board.workshop,
        view=view,
        groups=all_groups,
        # a group made by hand has no notes yet: it is shown, to move notes into
        empty_groups=[group for group in all_groups if group.id not in shown],
        confirm_form=ConfirmForm(),
    )


@staff_bp.post("/<int:board_id>/regroup")
@role_required(*STAFF)
def regroup(board_id: int) -> ResponseReturnValue:
    board = board_of(board_id)
    question = board.current_question
    if question is None:
        flash("問いがありません。", "error")
        return back_to(".groups", board)
    count = grouping.regroup(board.id, question.id, staff_id=current_user.id)
    flash(f"付箋をまとめ直しました（{count}グループ）。", "success")
    return back_to(".groups", board)


@staff_bp.post("/<int:board_id>/groups/<int:group_id>/rename")
@role_required(*STAFF)
def rename_group(board_id: int, group_id: int) -> ResponseReturnValue:
    board = board_of(board_id)
    form = GroupNameForm()
    if not form.validate_on_submit():
        grouping.group_of(board, group_id)
        flash_form_errors(form)
        return back_to(".groups", board)
    try:
        grouping.rename_group(board.id, group_id, form.name.data or "")
    except DomainError as error:
        if error.status == 404:
            raise
        flash(error.message, "error")
        return back_to(".groups", board)
    flash("グループの名前を変えました。まとめ直しても、この名前は残ります。", "success")
    return back_to(".groups", board)


@staff_bp.post("/<int:board_id>/groups")
@role_required(*STAFF)
def add_group(board_id: int) -> ResponseReturnValue:
    board = board_of(board_id)
    form = GroupNameForm()
    question = board.current_question
    if not form.validate_on_submit() or question is None:
        flash_form_errors(form)
        return back_to(".groups", board)
    try:
        grouping.add_group(board.id, question.id, form.name.data or "")
    except DomainError as error:
        flash(error.message, "error")
        return back_to(".groups", board)
    flash("グループを作りました。", "success")
    return back_to(".groups", board)


@staff_bp.post("/<int:board_id>/notes/<int:note_id>/move")
@role_required(*STAFF)
def move_note(board_id: int, note_id: int) -> ResponseReturnValue:
    board = board_of(board_id)
    note = lookup.note_of(board, note_id)
    form = MoveForm().configure(grouping.groups_of(note.question_id))
    if not form.validate_on_submit():
        flash_form_errors(form)
        return back_to(".groups", board)
    grouping.move_note(board.id, note.id, form.group_id.data)
    flash("付箋を移しました。", "success")
    return back_to(".groups", board)


@staff_bp.get("/<int:board_id>/projector")
@role_required(*STAFF)
def projector_page(board_id: int) -> ResponseReturnValue:
    board = board_of(board_id)
    # board-live.js asks for what the projector shows alone (?part=live) and swaps it in place
    live_part = request.args.get("part") == "live"
    return render_template(
        "boards/staff/_projector_live.html" if live_part else "boards/staff/projector.html",
        board=board,
        view=projector.projector_view(board),
        entry_url=public_url("boards.join"),
    )


@staff_bp.get("/<int:board_id>/projector.json")
@role_required(*STAFF)
def projector_json(board_id: int) -> ResponseReturnValue:
    board = board_of(board_id)
    return projector.projector_json(projector.projector_view(board))


@staff_bp.get("/<int:board_id>/notes.<any(csv, xlsx):extension>")
@role_required(*STAFF)
def export_notes(board_id: int, extension: str) -> ResponseReturnValue:
    board = board_of(board_id)
    stamp = datetime.now(TOKYO).strftime("%Y%m%d-%H%M")
    filename = f"board-{board.code}-notes-{stamp}.{extension}"
    rows = list(exports.rows(board))
    if extension == "csv":
        return download(tabular.to_csv(exports.HEADER, rows), filename, "text/csv")
    return download(
        tabular.to_xlsx(exports.HEADER, rows, title="付箋"),
        filename,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
