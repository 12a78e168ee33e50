"""Reading the files clients upload (csv, xlsx) and writing the xlsx files the sandbox serves.

The sandbox reads uploads on its own, as the vendor's server would: it shares nothing with
Rowboat's readers, so a file the client writes badly is caught here, not accepted by the same code
that wrote it. Values come out as text the way a server sees them: dates as ISO 8601, whole
numbers without ".0". A hostile upload (a zip bomb, a sheet spanning a million empty rows, a
one-line "csv") is refused within the limits below, as a vendor's server refuses it, never left to
stall the server.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Sized
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Sequence

__all__ = ["UnreadableFile", "UploadTooLarge", "read_numbered_rows", "read_rows", "write_xlsx"]

Row = dict[str, str]
Rows = list[Row]
_Line = TypeVar("_Line", bound=Sized)

# The upload reader's own limits (the sandbox shares no code with Rowboat's readers).
MAX_COLUMNS = 1_000
MAX_ROWS = 1_048_576  # Excel's sheet
MAX_CELLS = 5_000_000  # rows x columns read, empty cells included
MAX_LINE_CHARS = 1024**2  # one csv line
MAX_ZIP_PARTS = 1_000
MAX_PART_BYTES = 256 * 1024**2  # one xlsx part unpacked; uploads are capped at 10-20 MB packed
MAX_PART_RATIO = 100  # unpacked / packed, for parts over RATIO_FREE_BYTES
RATIO_FREE_BYTES = 4 * 1024**2
SPARSE_FREE_CELLS = 1_048_576  # a sheet spanning this many cells is read however few are filled
SPARSE_FACTOR = 32  # past it, the span may be at most this many times the cells written
_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_CELL = re.compile(rb"<(?:\w+:)?c[\s/>]")
_CELL_REF = re.compile(
    rb"<(?:\w+:)?c\s[^>]*?(?<![\w:])r\s*=\s*[\"']\$?([A-Za-z]{1,7})\$?(\d{1,10})"
)


class UnreadableFile(ValueError):
    """The upload is not a csv or xlsx file the sandbox can read; the message says why."""


class UploadTooLarge(UnreadableFile):
    """The upload is small packed but too large once read (unpacked size, rows, cells)."""


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
    if len(first) > MAX_LINE_CHARS:
        raise UnreadableFile(f"the first line is longer than {MAX_LINE_CHARS:,} characters")
    delimiter = max(",;\t|", key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        return list(_bounded(list(r) for r in reader))
    except csv.Error as exc:  # a cell past the csv module's field limit, among others
        raise UnreadableFile(f"line {reader.line_num} cannot be read ({exc})") from exc


def _bounded(rows: Iterable[_Line]) -> Iterator[_Line]:
    """The rows, refused past MAX_ROWS, MAX_COLUMNS or MAX_CELLS as they are read."""
    cells = 0
    for number, row in enumerate(rows, start=1):
        if number > MAX_ROWS:
            raise UploadTooLarge(f"the file has more than {MAX_ROWS:,} rows")
        if len(row) > MAX_COLUMNS:
            raise UnreadableFile(
                f"row {number} has {len(row):,} columns, more than {MAX_COLUMNS:,}"
            )
        cells += max(len(row), 1)
        if cells > MAX_CELLS:
            raise UploadTooLarge(f"the file holds more than {MAX_CELLS:,} cells")
        yield row


def _check_zip(data: bytes) -> None:
    """Refuse a workbook whose zip directory promises a bomb, or whose sheets spread a few cells
    over a vast range, before openpyxl unpacks it.

    zipfile itself stops each part at the size its directory gives (a longer stream fails its
    checksum), so the directory's sizes bound what is read."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        infos = z.infolist()
        if len(infos) > MAX_ZIP_PARTS:
            raise UploadTooLarge(f"the workbook holds {len(infos):,} parts")
        for info in infos:
            packed = max(info.compress_size, 1)
            if info.file_size > MAX_PART_BYTES or (
                info.file_size > RATIO_FREE_BYTES and info.file_size > MAX_PART_RATIO * packed
            ):
                raise UploadTooLarge(
                    f"the part {info.filename} unpacks to {info.file_size:,} bytes"
                )
        for info in infos:
            if info.filename.endswith((".xml", ".rels")):
                with z.open(info) as part:
                    head = part.read(4096)
                    if _DTD.search(head):
                        raise UnreadableFile(f"the part {info.filename} declares XML entities")
                    if info.filename.startswith("xl/worksheets/"):
                        _check_span(head + part.read())


def _check_span(sheet: bytes) -> None:
    """Refuse a sheet whose cells span far more of the grid than they fill: openpyxl yields every
    row up to the last one written, and every cell of a row up to its last."""
    refs = _CELL_REF.findall(sheet)
    written = len(_CELL.findall(sheet))
    if not refs:
        return
    rows = [int(number) for _, number in refs]
    cols = [_column(letters) for letters, _ in refs]
    # A cell without a reference goes one to the right of the one before it.
    span = max(rows) * (max(cols) + written - len(refs))
    if span > max(SPARSE_FREE_CELLS, SPARSE_FACTOR * written):
        raise UploadTooLarge(
            f"its {written:,} cells are spread over {max(rows):,} rows and {max(cols):,} columns"
        )


def _column(letters: bytes) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + letter - 64
    return number


def _xlsx_grid(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        _check_zip(data)
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except UnreadableFile:
        raise
    except Exception as exc:  # openpyxl fails in many ways on a damaged file; all mean that
        raise UnreadableFile("the xlsx file is damaged or not an Excel workbook") from exc
    try:
        sheet = book.worksheets[0]
        # The used range a sheet states is not trusted: it would pad every row to it.
        sheet.reset_dimensions()
        # From row 1 whatever the sheet's used range says, so row numbers match Excel's.
        rows = sheet.iter_rows(min_row=1, values_only=True)
        return [[_cell_text(v) for v in row] for row in _bounded(rows)]
    except UnreadableFile:
        raise
    except Exception as exc:
        raise UnreadableFile("the xlsx file is damaged or cut short") from exc
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
