"""The published table as CSV and Excel, and the results as open-data JSON: the themes with
their first comments, and a theme's comments page by page."""

from __future__ import annotations

from typing import Any

from workshop import tabular
from workshop.results.services.reading import PublishedComment, Results, ThemePage

TABLE_HEADER = ("番号", "テーマ", "意見の概要", "市の考え方", "反映状況", "件数")


def table_rows(results: Results) -> list[tuple[tabular.Cell, ...]]:
    return [
        (t.number, t.label, t.summary, t.response, t.outcome_label, t.count) for t in results.themes
    ]


def results_csv(results: Results) -> bytes:
    return tabular.to_csv(TABLE_HEADER, table_rows(results))


def results_xlsx(results: Results) -> bytes:
    return tabular.to_xlsx(TABLE_HEADER, table_rows(results), title="意見の概要と市の考え方")


def results_json(results: Results) -> dict[str, Any]:
    consultation = results.consultation
    return {
        "slug": consultation.slug,
        "title": consultation.title,
        "opens": consultation.opens_on.isoformat(),
        "closes": consultation.closes_on.isoformat(),
        "published_at": results.published_at.isoformat() if results.published_at else None,
        "comment_count": results.total_comments,
        "submitter_count": results.total_submitters,
        "hidden_comment_count": results.hidden_comments,
        "channels": [
            {
                "channel": c.channel.value,
                "label": c.label,
                "comments": c.comments,
                "submitters": c.submitters,
            }
            for c in results.channels
        ],
        "themes": [
            {
                "number": t.number,
                "theme": t.label,
                "summary": t.summary,
                "response": t.response,
                "outcome": t.outcome.value if t.outcome else None,
                "outcome_label": t.outcome_label,
                "count": t.count,
                "comments": comments_json(t.comments),
            }
            for t in results.themes
        ],
    }


def theme_json(found: ThemePage) -> dict[str, Any]:
    return {
        "number": found.number,
        "theme": found.label,
        "count": found.count,
        "page": found.page,
        "pages": found.pages,
        "comments": comments_json(found.comments),
    }


def comments_json(comments: tuple[PublishedComment, ...]) -> list[dict[str, Any]]:
    return [{"number": c.number, "text": c.text} for c in comments]
