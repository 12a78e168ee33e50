"""Reading workbooks (xlsx, xlsm, xls, ods) with fastexcel: Arrow straight into pandas."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import fastexcel

from rowboat.core.errors import EmptyFile, NotASpreadsheet, SheetNotFound
from rowboat.core.lists import short_list
from rowboat.core.sources.cells import display_strings
from rowboat.core.sources.header import HEADER_SCAN_ROWS, find_header
from rowboat.core.sources.hidden_rows import HiddenRows, start_scan
from rowboat.core.sources.limits import check_rows, check_width
from rowboat.core.sources.workbook_parts import check_sheet, check_zip_parts
from rowboat.core.threads import map_in_threads

if TYPE_CHECKING:
    from pathlib import Path

    import pyarrow as pa

__all__ = ["list_workbook_sheets", "read_workbook"]

# fastexcel logs a warning for every all-empty column it reads as text; nothing a user can act on.
logging.getLogger("fastexcel").setLevel(logging.ERROR)


def _open(path: Path) -> fastexcel.ExcelReader:
    with path.open("rb") as f:
        zipped = f.read(2) == b"PK"
    if zipped:  # xlsx, xlsm, ods: calamine trusts what the zip says; check it first
        check_zip_parts(path)
    try:
        return fastexcel.read_excel(str(path))
    except Exception as exc:
        raise NotASpreadsheet(
            f"'{path.name}' could not be read as a workbook (it may be damaged or cut short).",
            hint="Open it in Excel and save it again, or export it as CSV.",
            detail=repr(exc),
        ) from exc


def list_workbook_sheets(path: Path) -> list[str]:
    return list(_open(path).sheet_names)


def read_workbook(
    path: Path, sheet: str | int | None, header_row: int | None
) -> tuple[str, list[str], list[pa.Array], list[str], int, HiddenRows]:
    """(sheet name, sheet names, display-text columns of the rows below the header, header
    cells, 1-based header row, the rows Excel hides). The first column value is on the row
    after the header."""
    reader = _open(path)
    names = list(reader.sheet_names)
    # One read of the whole sheet as text, from A1: calamine's text keeps every digit of a
    # number (4915112345600), and each read parses the whole sheet, even for a few rows.
    index, batch, hidden = _load(path, reader, names, sheet)
    top = [_row(r) for r in batch.slice(0, HEADER_SCAN_ROWS).to_pylist()]
    h = header_row - 1 if header_row else find_header(top)
    header = _row(batch.slice(h, 1).to_pylist()[0]) if h < batch.num_rows else []
    data = batch.slice(h + 1)
    columns = map_in_threads(display_strings, data.columns)
    return names[index], names, columns, header, h + 1, hidden


def _load(
    path: Path, reader: fastexcel.ExcelReader, names: list[str], sheet: str | int | None
) -> tuple[int, pa.RecordBatch, HiddenRows]:
    """The chosen sheet (by default the first with any cell filled) read whole, as text."""
    if sheet is None:
        for i in range(len(names)):
            batch, hidden = _text_sheet(path, reader, names, i)
            if _has_cells(batch):
                return i, batch, hidden
        raise EmptyFile(f"'{path.name}' has no rows in any sheet.", hint="Choose another file.")
    index = _sheet_index(path, names, sheet)
    batch, hidden = _text_sheet(path, reader, names, index)
    if not _has_cells(batch):
        raise EmptyFile(
            f"The sheet '{names[index]}' of '{path.name}' has no rows.",
            hint="Choose the sheet that holds your rows.",
        )
    return index, batch, hidden


def _has_cells(batch: pa.RecordBatch) -> bool:
    return any(column.null_count < len(column) for column in batch.columns)


def _text_sheet(
    path: Path, reader: fastexcel.ExcelReader, names: list[str], index: int
) -> tuple[pa.RecordBatch, HiddenRows]:
    with path.open("rb") as f:
        zipped = f.read(2) == b"PK"
    scan = None
    if zipped:
        check_sheet(path, index, names[index])
        scan = start_scan(path, index)  # beside calamine's read, which takes far longer
    try:
        sheet = reader.load_sheet(index, header_row=None, skip_rows=0, dtypes="string")
        batch: pa.RecordBatch = sheet.to_arrow()
    except Exception as exc:
        raise _unreadable(path, exc) from exc
    finally:
        hidden = scan.result() if scan is not None else HiddenRows()
    check_width(path, batch.num_columns, sheet=names[index])
    check_rows(path, batch.num_rows, sheet=names[index])
    return batch, hidden


def _row(cells: dict[str, object]) -> list[str]:
    return ["" if v is None else str(v) for v in cells.values()]


def _sheet_index(path: Path, names: list[str], sheet: str | int) -> int:
    if isinstance(sheet, int):
        if 0 <= sheet < len(names):
            return sheet
    else:
        for i, name in enumerate(names):
            if name.casefold() == sheet.casefold():
                return i
    raise SheetNotFound(
        f"'{path.name}' has no sheet '{sheet}'.",
        hint=f"Its sheets are: {short_list(names, 10)}.",
    )


def _unreadable(path: Path, exc: Exception) -> NotASpreadsheet:
    return NotASpreadsheet(
        f"'{path.name}' could not be read (it may be damaged or cut short).",
        hint="Open it in Excel and save it again, or export it as CSV.",
        detail=repr(exc),
    )
