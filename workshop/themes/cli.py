from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import select

from workshop import jobs, tabular
from workshop.consultations import services as consultations
from workshop.errors import DomainError
from workshop.extensions import db
from workshop.models import (
    Comment,
    Consultation,
    JobStatus,
    Question,
    Regrouping,
    ThemeAssignment,
)
from workshop.themes import services


@click.group(cls=AppGroup, help="テーマ分析 (theme analysis)")
def themes() -> None:
    pass


def parse_k(value: str) -> int | None:
    if value == "auto":
        return None
    if not value.isdigit() or not 1 <= int(value) <= 100:
        raise click.BadParameter("auto or a number from 1 to 100", param_hint="--k")
    return int(value)


def text_of(slug: str, key: str | None) -> tuple[Consultation, Question | None]:
    """The consultation and the free-text question (None: its comments) a command reads."""
    try:
        consultation = consultations.get_consultation_by_slug(slug)
        return consultation, services.text_question(consultation.id, key)
    except DomainError as error:
        raise click.ClickException(error.message) from error


@themes.command("analyze")
@click.argument("slug")
@click.option(
    "--k", "k_text", default="auto", show_default=True, help="auto or the number of themes"
)
@click.option("--seed-themes", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--seed", default=0, show_default=True, help="random seed")
@click.option(
    "--extend",
    is_flag=True,
    help="keep the latest analysis' themes for its comments and place only the new ones",
)
@click.option("--question", "key", help="a free-text question's key: analyse its answers")
def analyze(
    slug: str, k_text: str, seed_themes: Path | None, seed: int, extend: bool, key: str | None
) -> None:
    """Analyse a consultation's comments (or a free-text question's answers) now, in this
    process, and keep the snapshot."""
    from nlp import read_seed_themes

    k = parse_k(k_text)
    seeds = [(s.name, s.keywords) for s in read_seed_themes(seed_themes)] if seed_themes else []
    consultation, question = text_of(slug, key)
    regrouping = Regrouping.EXTEND if extend else Regrouping.FRESH
    try:
        job = services.start_analysis(
            consultation.id,
            k=k,
            seed_themes=seeds,
            seed=seed,
            regrouping=regrouping,
            how="inline",
            question_id=question.id if question else None,
        )
    except DomainError as error:
        raise click.ClickException(error.message) from error
    db.session.refresh(job)
    if job.status is not JobStatus.DONE:
        raise click.ClickException(job.error or "分析に失敗しました。")
    analysis = services.get_analysis(consultation.id, job.result_id or 0)
    sizes = services.theme_sizes(analysis)
    click.echo(
        f"analysis {analysis.id}: {analysis.n_comments} comments, "
        f"{analysis.n_themes} themes, {analysis.seconds:.1f} s"
    )
    for theme in analysis.themes:
        click.echo(f"  {theme.id:>6}  {sizes.get(theme.id, 0):>5}  {theme.label}")


@themes.command("export")
@click.argument("slug")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--question", "key", help="a free-text question's key: its answers' themes")
def export(slug: str, out: Path, key: str | None) -> None:
    """Write comment_id, external_id, theme_id, theme_label, parent_id, parent_label, hidden of
    the latest analysis; parent_id is the large theme's number (1001, ...), empty for その他."""
    consultation, question = text_of(slug, key)
    analysis = services.latest_analysis(consultation.id, question.id if question else None)
    if analysis is None:
        raise click.ClickException("まだ分析していません。先に themes analyze を実行してください。")
    themes = {theme.id: theme for theme in analysis.themes}
    stmt = (
        select(Comment.id, Comment.external_id, ThemeAssignment.theme_id, Comment.is_hidden)
        .join(ThemeAssignment, ThemeAssignment.comment_id == Comment.id)
        .where(ThemeAssignment.analysis_id == analysis.id)
        .order_by(Comment.id)
    )
    rows = []
    for comment_id, external_id, theme_id, hidden in db.session.execute(stmt):
        theme = themes[theme_id]
        parent = theme.parent
        rows.append(
            (
                comment_id,
                external_id or "",
                theme_id,
                theme.label,
                parent.number if parent else "",
                parent.label if parent else "",
                "1" if hidden else "0",
            )
        )
    header = (
        "comment_id",
        "external_id",
        "theme_id",
        "theme_label",
        "parent_id",
        "parent_label",
        "hidden",
    )
    out.write_bytes(tabular.to_csv(header, rows))
    click.echo(f"wrote {len(rows)} rows to {out}")


@click.command("worker")
@with_appcontext
@click.option("--burst", is_flag=True, help="stop when the queue is empty")
def worker(burst: bool) -> None:
    """Run an RQ worker for background jobs (needs REDIS_URL)."""
    from redis import Redis
    from rq import Worker

    url = current_app.config.get("REDIS_URL")
    if not url:
        raise click.ClickException(
            "REDIS_URL is not set; without Redis, jobs run as local processes."
        )
    Worker([jobs.QUEUE_NAME], connection=Redis.from_url(url)).work(burst=burst)
