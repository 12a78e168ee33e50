"""Every limit the readers keep, in one place, each with the plain sentence a user sees past it.

A limit is there so that any file, however wrong, ends in seconds and in memory a small multiple
of the data kept: never what a compressed part claims to unpack to, never a dense grid spanned by
two far-apart cells. Each is generous for real spreadsheets (docs/limits.md says why each value);
none of the fixtures, samples or benchmark files comes near one.

The readers call the checks below; a reader of a file's top rows (a preview) can call the same
ones: `check_text_size`, then `rowboat.core.sources.text.check_line_lengths` on the file's bytes
before parsing text, `check_width` and `check_rows` on what it parsed; and
`rowboat.core.sources.workbook_parts.check_zip_parts(path)` before `fastexcel.read_excel`, and
`check_sheet(path, index, name)` before each `load_sheet`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rowboat.core.errors import SourceError

if TYPE_CHECKING:
    from pathlib import Path

__all__ = [
    "BINARY_CONTROLS",
    "FULL_SCAN_BYTES",
    "MAX_CELL_CHARS",
    "MAX_COLUMNS",
    "MAX_LINE_BYTES",
    "MAX_PART_BYTES",
    "MAX_PART_RATIO",
    "MAX_SHEET_CELLS",
    "MAX_SHEET_ROWS",
    "MAX_TEXT_BYTES",
    "MAX_TEXT_ROWS",
    "MAX_XML_RUN_BYTES",
    "MAX_ZIP_PARTS",
    "RATIO_FREE_BYTES",
    "SPARSE_FACTOR",
    "SPARSE_FREE_CELLS",
    "BeyondLimit",
    "check_lines",
    "check_rows",
    "check_text_size",
    "check_width",
    "column_letters",
]

# Text files (csv, tsv, txt).
MAX_TEXT_BYTES = 2 * 1024**3  # the whole file is held while it is read
MAX_LINE_BYTES = 16 * 1024**2  # one physical line; a one-line "table" is usually not a table
MAX_CELL_CHARS = 1024**2  # one cell of a text file (Excel's own cells hold 32,767)
MAX_TEXT_ROWS = 10_000_000  # csv files of several million rows stay readable
BINARY_CONTROLS = 8  # more control characters than this in the first 4,096: not a text file

# Both kinds.
MAX_COLUMNS = 2_000  # every column costs matching and checking time; imports use a few dozen

# Workbooks (xlsx, xlsm, ods, xls): checked from the zip directory and the parts themselves.
MAX_SHEET_ROWS = 1_048_576  # Excel's own limit for one sheet
MAX_SHEET_CELLS = 50_000_000  # the reader holds every cell of the rows x columns a sheet spans
SPARSE_FREE_CELLS = 16 * 1024**2  # a span this small is read however few cells are filled
SPARSE_FACTOR = 32  # past it, the span may be at most this many times the cells written
MAX_ZIP_PARTS = 10_000  # parts (files) inside one workbook
MAX_PART_BYTES = 4 * 1024**3  # one part unpacked (a sheet of a million rows is about 600 MB)
MAX_PART_RATIO = 100  # unpacked / packed size of one part; real sheets pack 5-20 times
RATIO_FREE_BYTES = 8 * 1024**2  # a part this small unpacked may pack as tightly as it likes
MAX_XML_RUN_BYTES = 8 * 1024**2  # text or tag between two "<" in a part: the reader holds it whole
FULL_SCAN_BYTES = 32 * 1024**2  # sheet parts up to this size are scanned cell by cell (see docs)


class BeyondLimit(SourceError):
    """The file passes one of the readers' limits; the message says which and what to do."""


def _what(path: Path, sheet: str | None) -> str:
    return f"The sheet '{sheet}' of '{path.name}'" if sheet else f"'{path.name}'"


def column_letters(number: int) -> str:
    """The 1-based column `number` as Excel writes it: 1 → A, 28 → AB."""
    out = ""
    while number > 0:
        number, rem = divmod(number - 1, 26)
        out = chr(65 + rem) + out
    return out


def check_text_size(path: Path, size: int) -> None:
    """A text file is held whole while it is read: refuse one past MAX_TEXT_BYTES unread."""
    if size > MAX_TEXT_BYTES:
        raise BeyondLimit(
            f"'{path.name}' is {size / 1024**3:,.1f} GB; Rowboat reads text files of up to "
            f"{MAX_TEXT_BYTES // 1024**3} GB.",
            hint="Split it into smaller files, or save it as .xlsx.",
            detail=f"size={size} limit={MAX_TEXT_BYTES}",
        )


def check_lines(path: Path, number: int, length: int) -> None:
    """Refuse a text file whose line `number` (1-based) is `length` bytes, past MAX_LINE_BYTES."""
    if length > MAX_LINE_BYTES:
        raise BeyondLimit(
            f"Line {number:,} of '{path.name}' is {length:,} characters long, longer than "
            f"Rowboat reads ({MAX_LINE_BYTES:,}); the file may not be a table at all.",
            hint="Check it is the export you meant (a table with one record per line), or open "
            "it in Excel and save it as .xlsx.",
            detail=f"line={number} length={length} limit={MAX_LINE_BYTES}",
        )


def long_cell(path: Path, row: int | None) -> BeyondLimit:
    """A text cell past MAX_CELL_CHARS, on `row` when it is known."""
    where = f"on row {row:,} " if row else ""
    return BeyondLimit(
        f"'{path.name}' has a cell {where}longer than {MAX_CELL_CHARS:,} characters, more "
        'than Rowboat reads; often a quote (") that is opened and never closed.',
        hint="Open the file in a text editor or Excel, fix that cell, and save it again.",
        detail=f"row={row} limit={MAX_CELL_CHARS}",
    )


def check_width(path: Path, columns: int, *, sheet: str | None = None) -> None:
    """Refuse a table wider than MAX_COLUMNS."""
    if columns > MAX_COLUMNS:
        raise BeyondLimit(
            f"{_what(path, sheet)} has {columns:,} columns; Rowboat reads at most {MAX_COLUMNS:,}.",
            hint="Delete the columns you do not import (or cells far to the right of your "
            "table), or save only the columns you need as CSV.",
            detail=f"columns={columns} limit={MAX_COLUMNS}",
        )


def check_rows(path: Path, rows: int, *, sheet: str | None = None) -> None:
    """Refuse a text file past MAX_TEXT_ROWS or a sheet past MAX_SHEET_ROWS rows."""
    limit, unit = (MAX_SHEET_ROWS, "from one sheet") if sheet else (MAX_TEXT_ROWS, "from a file")
    if rows > limit:
        raise BeyondLimit(
            f"{_what(path, sheet)} has {rows:,} rows; Rowboat reads at most {limit:,} rows {unit}.",
            hint="Split it into smaller files of fewer rows and import them one after another.",
            detail=f"rows={rows} limit={limit}",
        )


def sparse_sheet(path: Path, sheet: str, span: tuple[int, int, int, int], cells: int) -> None:
    """Refuse a sheet whose cells span more than MAX_SHEET_CELLS, or far more than it fills.

    `span` is (first row, last row, first column, last column), 1-based; `cells` the cells the
    part writes. The reader holds every cell of the span, filled or not."""
    first_row, last_row, first_col, last_col = span
    check_rows(path, last_row, sheet=sheet)
    check_width(path, last_col - first_col + 1, sheet=sheet)
    area = (last_row - first_row + 1) * (last_col - first_col + 1)
    if area <= SPARSE_FREE_CELLS or (area <= MAX_SHEET_CELLS and area <= SPARSE_FACTOR * cells):
        return
    corner = f"{column_letters(last_col)}{last_row}"
    raise BeyondLimit(
        f"{_what(path, sheet)} reaches cell {corner}, a range of {area:,} cells, though only "
        f"{cells:,} cells are written; Rowboat reads sheets of up to "
        f"{max(SPARSE_FREE_CELLS, min(MAX_SHEET_CELLS, SPARSE_FACTOR * cells)):,} cells.",
        hint="Delete the stray cells far below or to the right of your table (in Excel, Ctrl+End "
        "jumps to the last one), or save the table as CSV.",
        detail=f"span={span} cells={cells}",
    )


def unsafe_part(path: Path, part: str, why: str, detail: str) -> BeyondLimit:
    """A workbook part that would unpack too large, too tightly packed, or that lies about it."""
    return BeyondLimit(
        f"'{path.name}' is not a workbook Rowboat can open safely: {why}.",
        hint="If it is your spreadsheet, open it in Excel and save it again as .xlsx, or "
        "export the sheet as CSV.",
        detail=f"part={part} {detail}",
    )
