from __future__ import annotations

import click
from flask.cli import AppGroup

from workshop.boards.services import lookup, running
from workshop.boards.services.setup import BoardInput, create_board, table_names
from workshop.errors import DomainError


@click.group(cls=AppGroup, help="付箋ボード (live workshop boards)")
def boards() -> None:
    pass


@boards.command("create")
@click.option("--workshop", "workshop_id", required=True, type=int, help="the workshop's id")
@click.option("--question", "questions", required=True, multiple=True, help="repeatable, in order")
@click.option("--tables", default=0, type=click.IntRange(0, 26), help="Aテーブル, Bテーブル, ...")
@click.option("--no-moderation", is_flag=True, help="show notes at once, unchecked")
@click.option("--anonymous", is_flag=True, help="show no nicknames")
def create(
    workshop_id: int,
    questions: tuple[str, ...],
    tables: int,
    no_moderation: bool,
    anonymous: bool,
) -> None:
    """Create and open a board for a workshop; print its short code."""
    data = BoardInput(
        questions=questions,
        tables=table_names(tables),
        is_moderated=not no_moderation,
        is_anonymous=anonymous,
        is_open=True,
    )
    try:
        board = create_board(workshop_id, data, staff_id=None)
    except DomainError as error:
        raise click.ClickException(error.message) from error
    click.echo(board.code)


@boards.command("close")
@click.argument("code")
def close(code: str) -> None:
    """Close a board; its approved notes go into the workshop's consultation, once."""
    try:
        board = lookup.board_by_code(code)
    except DomainError as error:
        raise click.ClickException(error.message) from error
    closing = running.close_board(board.id)
    if not closing.has_consultation:
        click.echo(f"closed {board.code}; the workshop has no consultation: no comments added")
    else:
        click.echo(f"closed {board.code}; {closing.moved} notes added as comments")
