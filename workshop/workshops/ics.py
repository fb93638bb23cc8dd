"""An iCalendar (RFC 5545) file for one registration, so a resident can add it to a calendar."""

from __future__ import annotations

from datetime import UTC, datetime

from workshop.models import Registration


def escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\n")
        .replace("\n", "\\n")
    )


def fold(line: str) -> str:
    """Lines longer than 75 octets are folded, never inside a UTF-8 character."""
    parts: list[str] = []
    current = ""
    for char in line:
        limit = 75 if not parts else 74
        if len((current + char).encode("utf-8")) > limit:
            parts.append(current)
            current = char
        else:
            current += char
    parts.append(current)
    return "\r\n ".join(parts)


def stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def event_status(registration: Registration) -> str:
    if registration.is_cancelled:
        return "CANCELLED"  # imported again, the calendar strikes the event out
    return "CONFIRMED" if registration.is_confirmed else "TENTATIVE"


def calendar(
    registration: Registration, *, status_url: str, host: str, now: datetime, city: str
) -> bytes:
    workshop = registration.workshop
    location = workshop.venue if registration.mode.value == "venue" else "オンライン"
    description = [f"{city}のワークショップ", f"申込の確認・変更・取り消し: {status_url}"]
    if registration.is_confirmed and registration.mode.value == "online" and workshop.online_url:
        description.insert(1, f"参加用のURL: {workshop.online_url}")
    if registration.is_waitlisted:
        description.insert(
            1, "キャンセル待ちです。参加できることが決まったらメールでお知らせします。"
        )
    if registration.is_cancelled:
        description.insert(1, "この申込は取り消されました。")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//machikoe//workshops//JA",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:workshop-{workshop.id}-registration-{registration.id}@{host}",
        f"DTSTAMP:{stamp(now)}",
        f"DTSTART:{stamp(workshop.starts_at)}",
        f"DTEND:{stamp(workshop.ends_at)}",
        f"SUMMARY:{escape(workshop.title)}",
        f"LOCATION:{escape(location)}",
        f"DESCRIPTION:{escape(chr(10).join(description))}",
        f"URL:{status_url}",
        "STATUS:" + event_status(registration),
        # a later version of the same event: a calendar that imported it updates it
        f"SEQUENCE:{1 if registration.is_cancelled else 0}",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return ("\r\n".join(fold(line) for line in lines) + "\r\n").encode("utf-8")
