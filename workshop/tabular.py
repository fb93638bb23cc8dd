"""CSV (UTF-8 with BOM, so Excel opens it) and XLSX writing, shared by every export."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from typing import IO

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

Cell = str | int | float | None
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Cell) -> Cell:
    """A cell that starts like a formula is prefixed with ' so Excel shows it as text (CSV injection)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def to_csv(header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> bytes:
    return b"".join(csv_chunks(header, rows))


def csv_chunks(
    header: Sequence[str], rows: Iterable[Sequence[Cell]], *, rows_per_chunk: int = 500
) -> Iterator[bytes]:
    """The CSV of to_csv() in pieces of rows_per_chunk rows, for a response that is streamed."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for number, row in enumerate(rows, start=1):
        writer.writerow(["" if v is None else neutralise(v) for v in row])
        if number % rows_per_chunk == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def to_xlsx(header: Sequence[str], rows: Iterable[Sequence[Cell]], *, title: str) -> bytes:
    buffer = io.BytesIO()
    write_xlsx(buffer, header, rows, title=title)
    return buffer.getvalue()


def write_xlsx(
    output: str | IO[bytes], header: Sequence[str], rows: Iterable[Sequence[Cell]], *, title: str
) -> None:
    """The workbook of to_xlsx() written to a file (a path or an open binary file)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append(list(header))
    for row in rows:
        sheet.append([xlsx_cell(v) for v in row])
    workbook.save(output)


def xlsx_cell(value: Cell) -> Cell:
    value = neutralise(value)
    if isinstance(value, str):
        # openpyxl refuses control characters that XML cannot carry
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value
