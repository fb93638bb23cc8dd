"""Domain errors carry a Japanese message for the person and an HTTP status for the route.

The page shows the message in the resident's language (the catalogues have those marked
here with ``N_``; a feature raises its own already translated); the API's JSON and staff
pages keep the Japanese."""

from __future__ import annotations

from flask import Flask, Response, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from werkzeug.exceptions import HTTPException

from workshop.text import N_


class DomainError(Exception):
    """A problem the person is told about: a Japanese message, an HTTP status, a short code."""

    message = N_("処理できませんでした。")
    status = 400
    code = "invalid"

    def __init__(self, message: str | None = None) -> None:
        if message is not None:
            self.message = message
        super().__init__(self.message)


class NotFound(DomainError):
    message = N_("ページが見つかりません。")
    status = 404
    code = "not_found"


class Forbidden(DomainError):
    message = N_("このページを見る権限がありません。")
    status = 403
    code = "forbidden"


class Gone(DomainError):
    message = N_("このページは終了しました。")
    status = 410
    code = "gone"


class ConsultationNotOpen(DomainError):
    status = 409
    code = "not_open"


class NotFromConfirmation(DomainError):
    """A final submit without the token a confirmation page carries."""

    message = "確認画面からもう一度送信してください。"
    status = 422
    code = "not_from_confirmation"


class DuplicateSlug(DomainError):
    message = "このスラッグは既に使われています。別のスラッグを指定してください。"
    status = 409
    code = "duplicate_slug"


class InvalidUpload(DomainError):
    status = 400
    code = "invalid_upload"


class ImportFailed(DomainError):
    status = 400
    code = "import_failed"


HTTP_MESSAGES = {
    400: N_("リクエストの内容を確認できませんでした。"),
    403: N_("このページを見る権限がありません。"),
    404: N_("ページが見つかりません。アドレスをご確認ください。"),
    405: N_("この操作はできません。"),
    413: N_("送信されたデータが大きすぎます。ファイルの大きさをご確認ください。"),
    429: N_("短い時間にたくさんの送信がありました。しばらくしてからもう一度お試しください。"),
    500: N_("システムで問題が起きました。時間をおいてもう一度お試しください。"),
}


HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    410: "gone",
    413: "too_large",
    429: "too_many_requests",
    500: "server_error",
}

CSRF_MESSAGE = N_(
    "送信の有効期限が切れたか、正しくない送信です。"
    "お手数ですが、ページを開き直してもう一度送信してください。"
)


def wants_json() -> bool:
    """The open-data API answers in JSON, errors included; every other path is a page."""
    return request.blueprint == "api" or request.path.startswith("/api/")


def answer(status: int, code: str, message: str) -> ResponseReturnValue:
    if wants_json():
        response: Response = jsonify(error=code, message=str(message))  # a lazy message too
        return response, status
    # a staff page's language is Japanese: gettext gives the message back as it is
    return render_template("error.html", status=status, message=gettext(str(message))), status


def init_app(app: Flask) -> None:
    """One place answers every error: a domain error raised in a service or an HTTP error.

    Routes read straight through; a ``NotFound`` raised anywhere becomes the 404 page (or
    JSON under /api). Routes catch a DomainError only to show a form again.
    """

    @app.errorhandler(DomainError)
    def domain_error(error: DomainError) -> ResponseReturnValue:
        return answer(error.status, error.code, error.message)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> ResponseReturnValue:
        status = error.code or 500
        message = HTTP_MESSAGES.get(status, error.description or "")
        if status == 400 and "CSRF" in (error.description or ""):
            message = CSRF_MESSAGE
        return answer(status, HTTP_CODES.get(status, "error"), message)
