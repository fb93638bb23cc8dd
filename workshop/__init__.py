"""machikoe (まちの声): the Flask app."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask

from workshop import backup, config, errors, extensions, jobs, security, slots, views
from workshop.models import JobKind


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    app = Flask(
        __name__,
        template_folder="../templates",
        static_folder="../static",
        instance_path=str(config.instance_path()),
    )
    config.load(app, test_config)
    extensions.init_app(app)
    security.init_app(app)
    slots.init_app(app)

    from workshop import (
        accessibility,
        api,
        auth,
        boards,
        consultations,
        demo,
        line,
        preferences,
        questionnaires,
        results,
        staff,
        summaries,
        themes,
        workshops,
    )
    from workshop.consultations import exports as consultation_exports
    from workshop.consultations import import_jobs
    from workshop.consultations import imports as consultation_imports
    from workshop.themes import services as theme_services

    jobs.register(JobKind.TOKENS, theme_services.run_tokens)
    jobs.register(JobKind.ANALYSIS, theme_services.run_analysis)
    jobs.register(JobKind.COMMENTS_XLSX, consultation_exports.run_comments_xlsx)
    jobs.register(JobKind.COMMENTS_IMPORT, import_jobs.run_comments_import)
    jobs.register(JobKind.LINE_EVENTS, line.services.run_line_events)
    if app.config.get("LINE_CHANNEL_SECRET"):
        line.services.webhook.load_sdk()
    jobs.register_cleaner("Excel exports", consultation_exports.remove_expired_exports)
    jobs.register_cleaner(
        "uploads waiting for their columns", consultation_imports.remove_stale_uploads
    )

    for bp in (
        consultations.bp,
        consultations.staff_bp,
        workshops.bp,
        workshops.staff_bp,
        boards.bp,
        boards.staff_bp,
        auth.staff_bp,
        staff.staff_bp,
        themes.staff_bp,
        api.bp,
        results.bp,
        results.staff_bp,
        preferences.bp,
        accessibility.bp,
        questionnaires.staff_bp,
        line.bp,
        line.staff_bp,
        summaries.staff_bp,
    ):
        app.register_blueprint(bp)
    for cli_group in (
        auth.cli.users,
        consultations.cli.consultations,
        consultations.cli.comments,
        workshops.cli.workshops,
        boards.cli.boards,
        themes.cli.themes,
        themes.cli.worker,
        questionnaires.cli.questions,
        line.cli.line,
    ):
        app.cli.add_command(cli_group)
    app.cli.add_command(demo.demo)
    app.cli.add_command(backup.backup_command)
    app.cli.add_command(backup.restore_command)
    app.cli.add_command(jobs.jobs_cli)
    errors.init_app(app)
    views.init_app(app)
    preferences.language.init_app(app)
    preferences.furigana.init_app(app)
    return app
