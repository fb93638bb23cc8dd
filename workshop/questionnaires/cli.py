"""`flask questions load SLUG FILE.json` and `flask questions dump SLUG`."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask.cli import AppGroup

from workshop.errors import DomainError
from workshop.questionnaires import services
from workshop.questionnaires.errors import QuestionnaireInvalid


@click.group(cls=AppGroup, help="アンケートの質問 (a consultation's questionnaire)")
def questions() -> None:
    pass


@questions.command("load")
@click.argument("slug")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def load(slug: str, file: Path) -> None:
    """Set the consultation's questions from FILE (JSON, UTF-8); refuses changes that would
    break stored answers, and prints every problem."""
    try:
        data = json.loads(file.read_text(encoding="utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise click.ClickException(f"JSON として読めません: {error}") from error
    try:
        consultation = services.get_consultation_by_slug(slug)
        specs = services.parse_file(data)
        stored = services.apply_questionnaire(consultation.id, specs)
    except QuestionnaireInvalid as error:
        raise click.ClickException("\n".join(error.problems)) from error
    except DomainError as error:
        raise click.ClickException(error.message) from error
    click.echo(f"{slug}: {len(stored)}問を保存しました。")


@questions.command("dump")
@click.argument("slug")
def dump(slug: str) -> None:
    """Print the consultation's questions in the file format (codes included)."""
    try:
        consultation = services.get_consultation_by_slug(slug)
    except DomainError as error:
        raise click.ClickException(error.message) from error
    data = services.dump_questionnaire(consultation)
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))
