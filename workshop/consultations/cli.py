from __future__ import annotations

from datetime import date
from pathlib import Path

import click
from flask.cli import AppGroup

from workshop import jobs
from workshop.consultations import imports, services
from workshop.errors import DomainError
from workshop.models import Channel, JobKind


@click.group(cls=AppGroup, help="意見募集 (consultations)")
def consultations() -> None:
    pass


@consultations.command("create")
@click.option("--slug", required=True)
@click.option("--title", required=True)
@click.option("--opens", required=True, type=click.DateTime(["%Y-%m-%d"]))
@click.option("--closes", required=True, type=click.DateTime(["%Y-%m-%d"]))
@click.option("--summary", default="")
@click.option(
    "--prefix",
    "receipt_prefix",
    help="受付番号の記号 (e.g. DX); default: the first free of PC, PC2, ...",
)
@click.option("--district", "districts", multiple=True, help="地区 (repeatable)")
@click.option("--section", "sections", multiple=True, help="章・節 (repeatable)")
def create(
    slug: str,
    title: str,
    opens: date,
    closes: date,
    summary: str,
    receipt_prefix: str | None,
    districts: tuple[str, ...],
    sections: tuple[str, ...],
) -> None:
    """Create a consultation; prints its id, its receipt prefix and any warning (e.g. a period
    under 30 days)."""
    if receipt_prefix is None:
        receipt_prefix = services.free_receipt_prefix()
    data = services.ConsultationInput(
        slug=slug,
        title=title,
        opens_on=opens.date() if hasattr(opens, "date") else opens,
        closes_on=closes.date() if hasattr(closes, "date") else closes,
        summary=summary,
        receipt_prefix=receipt_prefix,
        districts=districts,
        sections=sections,
    )
    try:
        consultation, warnings = services.create_consultation(data)
    except DomainError as error:
        raise click.ClickException(error.message) from error
    for warning in warnings:
        click.echo(f"注意: {warning}", err=True)
    click.echo(f"created consultation {consultation.id} {consultation.slug}")
    click.echo(f"receipt prefix: {consultation.receipt_prefix}")


@click.group(cls=AppGroup, help="意見 (comments)")
def comments() -> None:
    pass


def parse_pairs(values: tuple[str, ...], option: str) -> dict[str, str]:
    """NAME=COLUMN pairs of a repeated option (--attr, --question)."""
    pairs: dict[str, str] = {}
    for value in values:
        name, sep, column = value.partition("=")
        if not sep or not name or not column:
            raise click.BadParameter(f"use NAME=COLUMN, got {value!r}", param_hint=option)
        pairs[name.strip()] = column
    return pairs


@comments.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--consultation", "slug", required=True)
@click.option(
    "--text-column", help="the free-text comment's column (may be left out with --question)"
)
@click.option("--id-column")
@click.option("--attr", "attrs", multiple=True, help="attribute=COLUMN, e.g. age_group=年代")
@click.option(
    "--question",
    "question_columns",
    multiple=True,
    help="KEY=COLUMN (repeatable): a question's answers, checked by the web form's rules (a "
    "choice by its number or label); a multiple choice's options in one cell joined by "
    "、 , ; ， or ；. KEY=PREFIX*: a multiple choice with one column per option, each named "
    "PREFIX and the option's label (--question trouble=困ったこと* reads 「困ったこと:窓口の"
    "待ち時間」, 「困ったこと:開庁時間」, ...); a cell of 1, ○, 〇, ●, ✓, TRUE, はい or the "
    "option's label means chosen, an empty cell or 0 not chosen",
)
@click.option(
    "--channel",
    type=click.Choice([c.value for c in Channel]),
    default=Channel.IMPORT.value,
    show_default=True,
)
def import_command(
    file: Path,
    slug: str,
    text_column: str | None,
    id_column: str | None,
    attrs: tuple[str, ...],
    question_columns: tuple[str, ...],
    channel: str,
) -> None:
    """Import comments from a CSV (UTF-8, UTF-8 with BOM or Shift_JIS/cp932)."""
    mapping = imports.Mapping(
        text_column=text_column,
        id_column=id_column,
        attributes=parse_pairs(attrs, "--attr"),
        questions=parse_pairs(question_columns, "--question"),
    )
    try:
        report = imports.import_comments(slug, file.read_bytes(), mapping, channel=Channel(channel))
    except DomainError as error:
        raise click.ClickException(error.message) from error
    if report.imported:
        # the slow Janome step now, in this process, so that 分析する later only clusters
        jobs.enqueue(JobKind.TOKENS, consultation_id=report.consultation_id, how="inline")
    click.echo(f"encoding: {report.encoding}")
    click.echo(
        f"imported: {report.imported}  already imported: {report.already_imported}  "
        f"skipped: {len(report.skipped)}"
    )
    for number, reason in report.skipped:
        click.echo(f"  row {number}: skipped: {reason}")
    for number, warning in report.warnings:
        click.echo(f"  row {number}: note: {warning}")
