"""E-mails to registrants: plain Japanese text; confirmed people also get the check-in QR code."""

from __future__ import annotations

from typing import Any

from flask import render_template

from workshop import mail
from workshop.models import Registration
from workshop.views import public_url
from workshop.workshops import qr, tokens


def send(registration: Registration, subject: str, template: str, **context: Any) -> None:
    if not registration.email:
        return
    token = tokens.sign(tokens.STATUS_SALT, registration.id, registration.access_key)
    check_in_code = tokens.sign(tokens.CHECK_IN_SALT, registration.id, registration.access_key)
    body = render_template(
        template,
        registration=registration,
        workshop=registration.workshop,
        status_url=public_url("workshops.registration", token=token),
        calendar_url=public_url("workshops.calendar", token=token),
        workshop_url=public_url("workshops.show", workshop_id=registration.workshop_id),
        check_in_code=check_in_code,
        **context,
    )
    message = mail.build_message(registration.email, subject, body)
    if registration.is_confirmed and not registration.is_walk_in:
        message.add_attachment(
            qr.png(check_in_code), maintype="image", subtype="png", filename="checkin-qr.png"
        )
    mail.deliver(message)


def registered(registration: Registration, *, position: int | None) -> None:
    """position: the place on the waiting list, None for a confirmed seat."""
    title = registration.workshop.title
    if registration.is_confirmed:
        subject = f"【申込完了】{title}"
    else:
        subject = f"【キャンセル待ち】{title}"
    send(registration, subject, "mail/workshop_registered.txt", position=position)


def promoted(registration: Registration) -> None:
    send(
        registration,
        f"【参加決定】キャンセル待ちから参加できるようになりました（{registration.workshop.title}）",
        "mail/workshop_promoted.txt",
    )


def cancelled(registration: Registration) -> None:
    send(registration, f"【取り消し】{registration.workshop.title}", "mail/workshop_cancelled.txt")


def reminder(registration: Registration) -> None:
    send(
        registration,
        f"【まもなく開催】{registration.workshop.title}",
        "mail/workshop_reminder.txt",
    )
