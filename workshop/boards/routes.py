"""Participants' pages of a live board: join by code, post 付箋, edit or delete their own, 共感.

No account and no e-mail: the board's code opens it, a signed cookie says which notes are
this browser's. Every page works without JavaScript (a 更新 link reloads the list).
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from workshop.boards import bp, cookies, shared_notes
from workshop.boards.errors import AlreadyLiked, BoardNotOpen, OwnNote
from workshop.boards.forms import ConfirmForm, EditNoteForm, JoinForm, NicknameForm, NoteForm
from workshop.boards.services import lookup, notes, participants
from workshop.errors import DomainError
from workshop.models import Board
from workshop.security import BOARD_LIKE_POSTS, BOARD_NOTE_POSTS, limiter

BOARD_PAGES = frozenset(
    {
        "boards.join",
        "boards.show",
        "boards.post_note",
        "boards.nickname",
        "boards.edit_note",
        "boards.delete_note",
        "boards.like",
    }
)


@bp.after_request
def private(response: Response) -> Response:
    if request.endpoint in BOARD_PAGES:
        response = cookies.remember_new_tokens(response)
        # a participant's own notes and cookie: not for shared caches
        response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/b")
def join() -> ResponseReturnValue:
    form = JoinForm(request.args)
    typed = request.args.get("code")
    if typed is None:
        return render_template("boards/join.html", form=form)
    if not typed.strip():
        form.code.errors = [_("コードを入力してください。")]
        return render_template("boards/join.html", form=form), 422
    try:
        board = lookup.board_by_code(typed)
    except DomainError as error:
        form.code.errors = [error.message]
        return render_template("boards/join.html", form=form), error.status
    return redirect(url_for(".show", code=board.code), code=303)


def board_page(
    board: Board,
    form: NoteForm | None = None,
    nickname_form: NicknameForm | None = None,
    status: int = 200,
) -> ResponseReturnValue:
    token = cookies.token_or_new(board.id)
    participant = participants.find(board, token)
    question = board.current_question
    form = form or NoteForm(formdata=None).configure(board)
    if nickname_form is None:
        nickname_form = NicknameForm(formdata=None)
        nickname_form.nickname.data = participant.nickname if participant else ""
    # board-live.js asks for the notes lists alone (?part=notes) and swaps them in place
    template = (
        "boards/_live_notes.html" if request.args.get("part") == "notes" else "boards/show.html"
    )
    shared = shared_notes.shared_notes(board, question)
    others_html = shared_notes.personalised(
        shared,
        board,
        participant_id=participant.id if participant else None,
        liked=notes.liked_ids(participant),
    )
    return render_template(
        template,
        board=board,
        question=question,
        form=form,
        nickname_form=nickname_form,
        confirm_form=ConfirmForm(),
        participant=participant,
        own_notes=notes.notes_of(participant),
        others_html=others_html,
        others_total=shared.total,
    ), status


def canonical(code: str, board: Board) -> Response | None:
    """A code typed by hand (abc-234) goes to the board's own address (/b/ABC234)."""
    if code != board.code:
        return redirect(
            url_for(
                request.endpoint or ".show", **{**(request.view_args or {}), "code": board.code}
            ),
            code=303,
        )
    return None


@bp.get("/b/<code>")
def show(code: str) -> ResponseReturnValue:
    board = lookup.board_by_code(code)
    return canonical(code, board) or board_page(board)


@bp.post("/b/<code>/notes")
@limiter.limit(BOARD_NOTE_POSTS, key_func=cookies.limit_key)
def post_note(code: str) -> ResponseReturnValue:
    board = lookup.board_by_code(code)
    form = NoteForm().configure(board)
    if not form.validate_on_submit():
        return board_page(board, form, status=422)
    try:
        notes.post_note(
            board.id, cookies.token_or_new(board.id), form.text.data or "", form.chosen_table()
        )
    except DomainError as error:
        flash(error.message, "error")
        return board_page(board, form, status=error.status)
    if board.is_moderated:
        flash(_("付箋を貼りました。進行役が確認したあと、みんなに表示されます。"), "success")
    else:
        flash(_("付箋を貼りました。"), "success")
    return redirect(url_for(".show", code=board.code, _anchor="mine"), code=303)


@bp.post("/b/<code>/nickname")
@limiter.limit(BOARD_LIKE_POSTS, key_func=cookies.limit_key)
def nickname(code: str) -> ResponseReturnValue:
    board = lookup.board_by_code(code)
    form = NicknameForm()
    if not form.validate_on_submit():
        return board_page(board, nickname_form=form, status=422)
    try:
        participants.set_nickname(
            board.id, cookies.token_or_new(board.id), form.nickname.data or ""
        )
    except DomainError as error:
        flash(error.message, "error")
        return board_page(board, nickname_form=form, status=error.status)
    flash(_("ニックネームを保存しました。"), "success")
    return redirect(url_for(".show", code=board.code), code=303)


@bp.route("/b/<code>/notes/<int:note_id>/edit", methods=["GET", "POST"])
@limiter.limit(BOARD_NOTE_POSTS, key_func=cookies.limit_key, methods=["POST"])
def edit_note(code: str, note_id: int) -> ResponseReturnValue:
    board = lookup.board_by_code(code)
    token = cookies.token_for(board.id)
    note = notes.own_note(board, token, note_id)  # NotFound for anyone else's note
    form = EditNoteForm()
    if request.method == "GET":
        form.text.data = note.body

    def page(status: int) -> ResponseReturnValue:
        return render_template(
            "boards/edit_note.html", board=board, note=note, form=form, confirm_form=ConfirmForm()
        ), status

    if not form.validate_on_submit():
        return page(422 if request.method == "POST" else 200)
    try:
        notes.edit_note(board.id, token or "", note.id, form.text.data or "")
    except DomainError as error:
        flash(error.message, "error")
        return page(error.status)
    if board.is_moderated:
        flash(_("付箋を直しました。進行役がもう一度確認します。"), "success")
    else:
        flash(_("付箋を直しました。"), "success")
    return redirect(url_for(".show", code=board.code, _anchor="mine"), code=303)


@bp.post("/b/<code>/notes/<int:note_id>/delete")
def delete_note(code: str, note_id: int) -> ResponseReturnValue:
    board = lookup.board_by_code(code)
    token = cookies.token_for(board.id)
    try:
        notes.delete_note(board.id, token or "", note_id)  # NotFound for anyone else's note
    except BoardNotOpen as error:
        flash(error.message, "error")
        return redirect(url_for(".show", code=board.code), code=303)
    flash(_("付箋をはがしました。"), "success")
    return redirect(url_for(".show", code=board.code, _anchor="mine"), code=303)


@bp.post("/b/<code>/notes/<int:note_id>/like")
@limiter.limit(BOARD_LIKE_POSTS, key_func=cookies.limit_key)
def like(code: str, note_id: int) -> ResponseReturnValue:
    board = lookup.board_by_code(code)
    try:
        notes.like(board.id, cookies.token_or_new(board.id), note_id)
    except (AlreadyLiked, OwnNote, BoardNotOpen) as error:
        flash(error.message, "error")
        return board_page(board, status=error.status)
    flash(_("共感しました。"), "success")
    return redirect(url_for(".show", code=board.code, _anchor=f"note-{note_id}"), code=303)
