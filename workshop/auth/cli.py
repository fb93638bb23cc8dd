from __future__ import annotations

import click
from flask.cli import AppGroup

from workshop.auth import services
from workshop.errors import DomainError
from workshop.models import Role


@click.group(cls=AppGroup, help="職員アカウント (staff accounts)")
def users() -> None:
    pass


@users.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--name", "display_name", help="表示名 (display name)")
@click.password_option(prompt="パスワード (password)", confirmation_prompt=True)
def create(email: str, role: str, display_name: str | None, password: str) -> None:
    """Create a staff account; the password is asked for, never given on the command line."""
    try:
        user = services.create_user(email, password, Role(role), display_name)
    except DomainError as error:
        raise click.ClickException(error.message) from error
    click.echo(f"created user {user.id} {user.email} ({user.role.value})")
