"""An iCalendar (RFC 5545) file for one registration, so a resident can add it to a calendar.

The icalendar library escapes the text and folds long lines (never inside a UTF-8 character).
Its texts are in the language of the resident's page (the title and place as the city wrote them).
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask_babel import gettext as _
from icalendar import Calendar, Event

from workshop.models import ParticipationMode, Registration


def event_status(registration: Registration) -> str:
    if registration.is_cancelled:
        return "CANCELLED"  # imported again, the calendar strikes the event out
    return "CONFIRMED" if registration.is_confirmed else "TENTATIVE"


def description(registration: Registration, *, status_url: str, city: str) -> str:
    lines = [_("%(city)sのワークショップ", city=city)]
    online_url = registration.workshop.online_url
    if registration.is_confirmed and registration.mode is ParticipationMode.ONLINE and online_url:
        lines.append(_("参加用のURL: %(url)s", url=online_url))
    if registration.is_waitlisted:
        lines.append(_("キャンセル待ちです。参加できることが決まったらメールでお知らせします。"))
    if registration.is_cancelled:
        lines.append(_("この申込は取り消されました。"))
    lines.append(_("申込の確認・変更・取り消し: %(url)s", url=status_url))
    return "\n".join(lines)


def calendar(
    registration: Registration, *, status_url: str, host: str, now: datetime, city: str
) -> bytes:
    workshop = registration.workshop
    venue = registration.mode is ParticipationMode.VENUE
    event = Event()
    event.add("uid", f"workshop-{workshop.id}-registration-{registration.id}@{host}")
    # in UTC: every calendar shows them in its own zone (Asia/Tokyo for the city's residents)
    event.add("dtstamp", now.astimezone(UTC))
    event.add("dtstart", workshop.starts_at.astimezone(UTC))
    event.add("dtend", workshop.ends_at.astimezone(UTC))
    event.add("summary", workshop.title)
    event.add("location", workshop.venue if venue else _("オンライン"))
    event.add("description", description(registration, status_url=status_url, city=city))
    event.add("url", status_url)
    event.add("status", event_status(registration))
    # a later version of the same event: a calendar that imported it updates it
    event.add("sequence", 1 if registration.is_cancelled else 0)
    ics = Calendar()
    ics.add("prodid", "-//machikoe//workshops//JA")
    ics.add("version", "2.0")
    ics.add("calscale", "GREGORIAN")
    ics.add("method", "PUBLISH")
    ics.add_component(event)
    return ics.to_ical()
