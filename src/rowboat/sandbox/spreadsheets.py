"""Reading the files clients upload (csv, xlsx) and writing the xlsx files the sandbox serves.

The sandbox reads uploads on its own, as the vendor's server would: it shares nothing with
Rowboat's readers, so a file the client writes badly is caught here, not accepted by the same code
that wrote it. Values come out as text the way a server sees them: dates as ISO 8601, whole
numbers without ".0".
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

__all__ = ["UnreadableFile", "read_numbered_rows", "read_rows", "write_xlsx"]

Row = dict[str, str]
Rows = list[Row]


class UnreadableFile(ValueError):
    """The upload is not a csv or xlsx file the sandbox can read; the message says why."""


def read_rows(data: bytes, filename: str) -> tuple[list[str], Rows]:
    """The header and the rows of an uploaded csv or xlsx file (first sheet, header on row 1).

    Blank rows are skipped; every row maps each header to its cell's text ("" when empty).
    """
    header, numbered = read_numbered_rows(data, filename)
    return header, [row for _, row in numbered]


def read_numbered_rows(data: bytes, filename: str) -> tuple[list[str], list[tuple[int, Row]]]:
    """Like read_rows, each row with its 1-based row number in the file, as Excel shows it."""
    name = filename.lower()
    if name.endswith((".xlsx", ".xlsm")) or data[:4] == b"PK\x03\x04":
        grid = _xlsx_grid(data)
    elif name.endswith((".csv", ".txt", ".tsv")) or not name:
        grid = _csv_grid(data)
    else:
        raise UnreadableFile(f"{filename}: only .csv and .xlsx files can be imported")
    lines = [(n, row) for n, row in enumerate(grid, start=1) if any(c.strip() for c in row)]
    if not lines:
        raise UnreadableFile(f"{filename}: the file is empty")
    header = [h.strip() for h in lines[0][1]]
    rows = [
        (n, {h: (row[i].strip() if i < len(row) else "") for i, h in enumerate(header) if h})
        for n, row in lines[1:]
    ]
    return [h for h in header if h], rows


def _csv_grid(data: bytes) -> list[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnreadableFile("the csv file is not UTF-8 encoded") from exc
    first = text.split("\n", 1)[0]
    delimiter = max(",;\t|", key=first.count)
    return [list(r) for r in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]


def _xlsx_grid(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise UnreadableFile("the xlsx file is damaged or not an Excel workbook") from exc
    try:
        sheet = book.worksheets[0]
        # From row 1 whatever the sheet's used range says, so row numbers match Excel's.
        rows = sheet.iter_rows(min_row=1, values_only=True)
        return [[_cell_text(v) for v in row] for row in rows]
    finally:
        book.close()


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):  # Excel keeps dates as date-times at midnight
        if value.time() == dt.time():
            return value.date().isoformat()
        return value.isoformat(timespec="seconds")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


def write_xlsx(sheets: Iterable[tuple[str, Sequence[str], Iterable[Sequence[object]]]]) -> bytes:
    """An xlsx file with one sheet per (title, header, rows)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    for title, header, rows in sheets:
        sheet = book.create_sheet(title)

        def as_cell(value: object, sheet: Any = sheet) -> object:
            # Text that starts with "=" is a user's cell, not a formula: keep it text.
            if isinstance(value, str) and value.startswith("="):
                cell = WriteOnlyCell(sheet, value=value)
                cell.data_type = "s"
                return cell
            return value

        sheet.append([as_cell(v) for v in header])
        for row in rows:
            sheet.append([as_cell(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
