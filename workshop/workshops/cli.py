from __future__ import annotations

from datetime import datetime, timedelta

import click
from flask.cli import AppGroup

from workshop.auth import services as auth_services
from workshop.errors import DomainError
from workshop.models import Role, WorkshopFormat
from workshop.timeutil import TOKYO
from workshop.workshops.services import events, reminders


@click.group(cls=AppGroup, help="ワークショップ (workshops)")
def workshops() -> None:
    pass


def parse_moment(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as error:
        raise click.BadParameter("ISO 8601 で指定してください（例: 2026-12-05T13:30）") from error
    # a time without an offset is a time in the city: Asia/Tokyo
    return moment if moment.tzinfo else moment.replace(tzinfo=TOKYO)


def facilitator_id(email: str) -> int:
    user = auth_services.find_user(email)
    if user is None or user.role is not Role.FACILITATOR or not user.active:
        raise click.BadParameter(
            f"{email}: 有効なファシリテーターのアカウントではありません。",
            param_hint="--facilitator",
        )
    return user.id


@workshops.command("create")
@click.option("--title", required=True)
@click.option("--starts", required=True, help="ISO 8601; without an offset, Asia/Tokyo")
@click.option("--ends", default=None, help="ISO 8601; default: two hours after the start")
@click.option("--capacity", required=True, type=click.IntRange(1, 10_000))
@click.option("--online-capacity", default=0, type=click.IntRange(0, 10_000))
@click.option(
    "--format", "format_", required=True, type=click.Choice([f.value for f in WorkshopFormat])
)
@click.option("--venue", default="")
@click.option("--consultation-id", type=int, default=None)
@click.option(
    "--facilitator",
    "facilitators",
    multiple=True,
    metavar="EMAIL",
    help="a facilitator who runs it (repeatable)",
)
def create(
    title: str,
    starts: str,
    ends: str | None,
    capacity: int,
    online_capacity: int,
    format_: str,
    venue: str,
    consultation_id: int | None,
    facilitators: tuple[str, ...],
) -> None:
    """Create a workshop and print its id."""
    facilitator_ids = tuple(facilitator_id(email) for email in facilitators)
    starts_at = parse_moment(starts)
    ends_at = parse_moment(ends) if ends else starts_at + timedelta(hours=2)
    workshop_format = WorkshopFormat(format_)
    if workshop_format is WorkshopFormat.HYBRID and not online_capacity:
        online_capacity = capacity
    data = events.WorkshopInput(
        title=title,
        starts_at=starts_at,
        ends_at=ends_at,
        format=workshop_format,
        capacity=capacity,
        online_capacity=online_capacity,
        venue=venue,
        consultation_id=consultation_id,
        facilitator_ids=facilitator_ids,
    )
    try:
        workshop = events.create_workshop(data)
    except DomainError as error:
        raise click.ClickException(error.message) from error
    click.echo(workshop.id)


@workshops.command("send-reminders")
def send_reminders() -> None:
    """Remind registrants of workshops starting within 48 hours, once each, and erase the LINE
    ids of those whose workshop is over (run it from cron, e.g. every hour)."""
    sent = reminders.send_reminders()
    erased = reminders.forget_line_users()
    click.echo(f"sent {sent} reminders; erased the LINE ids of {erased} past registrations")
