"""E-mails to registrants: plain text in the language they signed up in (a seat from the
waiting list or the reminder comes later, from another person's request or a job); confirmed
people also get the check-in QR code. Those who signed up through the city's LINE account get
a short LINE message in Japanese instead."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from workshop import line_api, mail
from workshop.models import Registration
from workshop.preferences import language
from workshop.preferences.language import Language
from workshop.timeutil import format_datetime
from workshop.views import public_url
from workshop.workshops import qr, tokens


def language_of(registration: Registration) -> Language:
    return language.by_code(registration.language) or language.JAPANESE


@contextmanager
def written_in(registration: Registration) -> Iterator[Language]:
    """Messages and dates in the registration's language, whoever's request or job sends it."""
    chosen = language_of(registration)
    with force_locale(chosen.catalogue):
        yield chosen


def send(
    registration: Registration, subject: str, template: str, mail_language: Language, **context: Any
) -> None:
    """Called inside written_in(registration), which gives ``mail_language``."""
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
        mail_language=mail_language,
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
    with written_in(registration) as mail_language:
        if registration.is_confirmed:
            subject = _("【申込完了】%(title)s", title=title)
        else:
            subject = _("【キャンセル待ち】%(title)s", title=title)
        send(
            registration,
            subject,
            "mail/workshop_registered.txt",
            mail_language,
            position=position,
        )


def status_url(registration: Registration) -> str:
    """The registration's private page, where the resident sees or cancels it."""
    token = tokens.sign(tokens.STATUS_SALT, registration.id, registration.access_key)
    return public_url("workshops.registration", token=token)


def tell_on_line(registration: Registration, lead: str) -> None:
    """A short LINE message with the registration's page, to one who signed up in LINE."""
    if not registration.line_user_sealed:
        return
    to = line_api.unseal(registration.line_user_sealed)
    line_api.push(to, [line_api.Message(f"{lead}\n申込の内容: {status_url(registration)}")])


def promoted(registration: Registration) -> None:
    title = registration.workshop.title
    with written_in(registration) as mail_language:
        send(
            registration,
            _("【参加決定】キャンセル待ちから参加できるようになりました（%(title)s）", title=title),
            "mail/workshop_promoted.txt",
            mail_language,
        )
    tell_on_line(
        registration,
        f"キャンセルが出たため、「{title}」に参加できるようになりました。"
        f"{format_datetime(registration.workshop.starts_at)}からです。お待ちしています。",
    )


def cancelled(registration: Registration) -> None:
    with written_in(registration) as mail_language:
        send(
            registration,
            _("【取り消し】%(title)s", title=registration.workshop.title),
            "mail/workshop_cancelled.txt",
            mail_language,
        )


def reminder(registration: Registration) -> None:
    workshop = registration.workshop
    with written_in(registration) as mail_language:
        send(
            registration,
            _("【まもなく開催】%(title)s", title=workshop.title),
            "mail/workshop_reminder.txt",
            mail_language,
        )
    tell_on_line(
        registration,
        f"まもなく「{workshop.title}」です。{format_datetime(workshop.starts_at)}から、"
        f"{workshop.venue or 'オンライン'}で開きます。",
    )
