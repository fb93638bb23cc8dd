"""Domain errors carry a Japanese message for the person and an HTTP status for the route."""

from __future__ import annotations

from flask import Flask, render_template
from werkzeug.exceptions import HTTPException


class DomainError(Exception):
    message = "処理できませんでした。"
    status = 400

    def __init__(self, message: str | None = None) -> None:
        if message is not None:
            self.message = message
        super().__init__(self.message)


class NotFound(DomainError):
    message = "ページが見つかりません。"
    status = 404


class ConsultationNotOpen(DomainError):
    status = 409


class NotFromConfirmation(DomainError):
    """A final submit without the token a confirmation page carries."""

    message = "確認画面からもう一度送信してください。"
    status = 422


class DuplicateSlug(DomainError):
    message = "このスラッグは既に使われています。別のスラッグを指定してください。"
    status = 409


class InvalidUpload(DomainError):
    status = 400


class ImportFailed(DomainError):
    status = 400


HTTP_MESSAGES = {
    400: "リクエストの内容を確認できませんでした。",
    403: "このページを見る権限がありません。",
    404: "ページが見つかりません。アドレスをご確認ください。",
    405: "この操作はできません。",
    413: "送信されたデータが大きすぎます。ファイルの大きさをご確認ください。",
    429: "短い時間にたくさんの送信がありました。しばらくしてからもう一度お試しください。",
    500: "システムで問題が起きました。時間をおいてもう一度お試しください。",
}


def init_app(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> tuple[str, int]:
        status = error.code or 500
        message = HTTP_MESSAGES.get(status, error.description or "")
        if status == 400 and "CSRF" in (error.description or ""):
            message = (
                "送信の有効期限が切れたか、正しくない送信です。"
                "お手数ですが、ページを開き直してもう一度送信してください。"
            )
        return render_template("error.html", status=status, message=message), status
