"""`flask demo load`: everything of the demo, once; run again, it adds nothing."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import select

from workshop.demo.accounts import load_users
from workshop.demo.boards import load_board
from workshop.demo.consultations import (
    SUMMARIES,
    analyse,
    load_closed_round,
    load_comments,
    load_consultation,
)
from workshop.demo.questionnaire import SURVEY_ANSWERS, SURVEY_SLUG, load_survey
from workshop.demo.workshops import load_workshop
from workshop.extensions import db
from workshop.models import User
from workshop.summaries.services import save_summaries


@click.group(cls=AppGroup, help="デモデータ (demo data)")
def demo() -> None:
    pass


@demo.command("load")
def load() -> None:
    """Load demo accounts, an open and a closed consultation and a workshop, once; again: nothing."""
    load_users()
    opened = load_consultation()
    closed = load_closed_round()
    if load_workshop():
        click.echo("demo workshop added")
    code = load_board()
    if code:
        click.echo(f"demo board added: join at /b/{code}")
    if (survey_round := load_survey()) is not None:
        analyse(survey_round)  # its results page shows the themes split by a choice
        click.echo(
            f"demo questionnaire added: {SURVEY_ANSWERS:,} answers at /consultations/{SURVEY_SLUG}"
        )
    if opened is not None:
        save_summaries(opened, SUMMARIES)
    if opened is None and closed is None:
        click.echo("demo data already loaded")
        return
    count = 0
    if closed is not None:
        count = load_comments(closed)
        # the closed round comes analysed: its large themes and themes are there to read
        analyse(closed)
    users = db.session.scalars(select(User)).all()
    click.echo(f"demo data loaded: {len(users)} staff accounts, 3 consultations, {count} comments")
