"""Plain-text Japanese e-mail: SMTP when MAIL_SERVER is set, else an .eml file in instance/outbox/."""

from __future__ import annotations

import logging
import smtplib
import uuid
from contextlib import AbstractContextManager, nullcontext
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Any

from flask import current_app, has_request_context, render_template

log = logging.getLogger(__name__)


def build_message(to: str, subject: str, body: str) -> EmailMessage:
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_DEFAULT_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain="machikoe.local")
    message.set_content(body, charset="utf-8")
    return message


def write_to_outbox(message: EmailMessage, *, failed: bool = False) -> Path:
    outbox = Path(current_app.config["MAIL_OUTBOX"])
    outbox.mkdir(parents=True, exist_ok=True)
    prefix = "failed-" if failed else ""
    path = outbox / f"{prefix}{uuid.uuid4().hex}.eml"
    path.write_bytes(message.as_bytes())
    return path


def deliver(message: EmailMessage) -> None:
    config = current_app.config
    if not config.get("MAIL_SERVER"):
        write_to_outbox(message)
        return
    smtp_class = smtplib.SMTP_SSL if config.get("MAIL_USE_SSL") else smtplib.SMTP
    try:
        with smtp_class(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=15) as smtp:
            if config.get("MAIL_USE_TLS"):
                smtp.starttls()
            if config.get("MAIL_USERNAME"):
                smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException):
        # the comment is stored already; keep the mail so staff can resend it by hand
        path = write_to_outbox(message, failed=True)
        log.exception("mail to %s failed; kept in %s", message["To"], path)


def send_template(*, to: str, subject: str, template: str, **context: Any) -> None:
    # jobs and CLI commands send mail too: their links are built against PUBLIC_BASE_URL
    scope: AbstractContextManager[Any] = nullcontext()
    if not has_request_context():
        scope = current_app.test_request_context(base_url=current_app.config["PUBLIC_BASE_URL"])
    with scope:
        body = render_template(template, **context)
    deliver(build_message(to, subject, body))
