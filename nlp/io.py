"""CSV input and output for the command line (UTF-8, UTF-8 with BOM, cp932)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from pathlib import Path

from nlp.themes import Theme, ThemeResult

ENCODINGS = ("utf-8-sig", "cp932")  # utf-8-sig also reads UTF-8 without a BOM


class InputError(Exception):
    """A problem with the user's input, told in Japanese and English."""

    def __init__(self, message_ja: str, message_en: str) -> None:
        super().__init__(f"{message_ja} / {message_en}")
        self.message_ja = message_ja
        self.message_en = message_en


def read_text(path: str | Path) -> str:
    """The file's text, decoded as UTF-8 (with or without BOM) or else cp932 (Shift_JIS)."""
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise InputError(f"ファイルが見つかりません: {path}", f"File not found: {path}") from None
    except IsADirectoryError:
        raise InputError(
            f"ファイルではなくフォルダです: {path}", f"Not a file but a directory: {path}"
        ) from None
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputError(
        f"文字コードを判別できません（UTF-8 または Shift_JIS で保存してください）: {path}",
        f"Unknown text encoding (save as UTF-8 or Shift_JIS/cp932): {path}",
    )


def read_rows(path: str | Path) -> tuple[list[str], list[dict[str, str]]]:
    """Header and rows of a CSV file; an empty file is an error."""
    reader = csv.DictReader(io.StringIO(read_text(path), newline=""))
    rows = list(reader)
    header = [name.strip() for name in reader.fieldnames or []]
    if not header or not rows:
        raise InputError(f"ファイルが空です: {path}", f"The file is empty: {path}")
    return header, [{(k or "").strip(): v or "" for k, v in row.items()} for row in rows]


def read_comments(
    path: str | Path, text_column: str, id_column: str | None = None
) -> tuple[list[str], list[str]]:
    """Texts and ids (the id column, or row numbers from 1) of a CSV of comments."""
    header, rows = read_rows(path)
    for column in (text_column, id_column):
        if column is not None and column not in header:
            available = ", ".join(header)
            raise InputError(
                f"列「{column}」がありません（ある列: {available}）",
                f"Column '{column}' not found (available: {available})",
            )
    texts = [row[text_column] for row in rows]
    if id_column is None:
        return texts, [str(number) for number in range(1, len(rows) + 1)]
    ids = [row[id_column].strip() for row in rows]
    if len(set(ids)) != len(ids):
        raise InputError(
            f"列「{id_column}」に重複した ID があります", f"Column '{id_column}' has duplicate ids"
        )
    return texts, ids


def write_assignments(path: str | Path, ids: Sequence[str], result: ThemeResult) -> None:
    """One row per comment, in input order (UTF-8 with BOM for Excel).

    Columns: id, theme_id, theme_label, parent_id, parent_label (the large
    theme; empty for その他).
    """
    themes = {theme.id: theme for theme in (*result.themes, *result.parents)}
    with open(path, "w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["id", "theme_id", "theme_label", "parent_id", "parent_label"])
        for comment_id, theme_id in zip(ids, result.theme_ids, strict=True):
            parent_id = themes[theme_id].parent_id
            parent_label = "" if parent_id is None else themes[parent_id].label
            writer.writerow(
                [comment_id, theme_id, themes[theme_id].label, parent_id or "", parent_label]
            )


def write_summary(path: str | Path, result: ThemeResult) -> None:
    """The themes and large themes as JSON: label (a phrase or joined keywords), keywords,
    summary sentences, size, share, representative ids."""
    summary = {
        "n_themes": result.n_themes,
        "k_scores": [{"k": s.k, "score": round(s.score, 4)} for s in result.k_scores],
        "themes": [_theme_summary(theme) for theme in result.themes],
        "parents": [
            {**_theme_summary(parent), "children": [t.id for t in result.children(parent.id)]}
            for parent in result.parents
        ],
    }
    Path(path).write_text(json.dumps(summary, ensure_ascii=False, indent=2) + "\n", "utf-8")


def _theme_summary(theme: Theme) -> dict[str, object]:
    return {
        "id": theme.id,
        "label": theme.label,
        "label_is_phrase": theme.label_is_phrase,
        "keywords": [{"term": term, "weight": weight} for term, weight in theme.keywords],
        "summary": list(theme.summary),
        "size": theme.size,
        "share": round(theme.share, 4),
        "representative_ids": list(theme.representative_ids),
        "is_other": theme.is_other,
        "seed_name": theme.seed_name,
        "parent_id": theme.parent_id,
    }
