"""Reading a survey file: its bytes decoded (UTF-8 with or without BOM, or Shift_JIS as Excel
writes it) and its first row, the column names."""

from __future__ import annotations

import csv
import io

from workshop.errors import ImportFailed


def decode(raw: bytes) -> tuple[str, str]:
    """UTF-8 with or without BOM, else Shift_JIS as Windows writes it (cp932)."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8"), "utf-8-sig"
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp932"), "cp932"
    except UnicodeDecodeError as error:
        raise ImportFailed(
            "ファイルの文字コードを読み取れませんでした。UTF-8 または Shift_JIS で保存してください。"
        ) from error


def read_header(raw: bytes) -> list[str]:
    """A file's column names (its first row), as the import reads them."""
    text, _ = decode(raw)
    try:
        header = next(csv.reader(io.StringIO(text, newline="")), [])
    except csv.Error as error:
        raise ImportFailed("CSVファイルの1行目（列名）を読み取れませんでした。") from error
    names = [name.strip() for name in header]
    if not any(names):
        raise ImportFailed("ファイルが空です。1行目に列名が必要です。")
    return names
