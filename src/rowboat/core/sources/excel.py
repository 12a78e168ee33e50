"""Reading workbooks (xlsx, xlsm, xls, ods) with fastexcel: Arrow straight into pandas."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import fastexcel
import numpy as np
import pandas as pd

from rowboat.core.errors import EmptyFile, NotASpreadsheet, SheetNotFound
from rowboat.core.sources.cells import display_strings
from rowboat.core.sources.header import find_header

if TYPE_CHECKING:
    from pathlib import Path

__all__ = ["list_workbook_sheets", "read_workbook"]

# fastexcel logs a warning for every all-empty column it reads as text; nothing a user can act on.
logging.getLogger("fastexcel").setLevel(logging.ERROR)

_PREVIEW_ROWS = 40


def _open(path: Path) -> fastexcel.ExcelReader:
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
) -> tuple[str, list[str], pd.DataFrame, np.ndarray, list[str], int]:
    """(sheet name, sheet names, data frame of display strings, Excel row numbers of the frame's
    rows, header cells, 1-based header row)."""
    reader = _open(path)
    names = list(reader.sheet_names)
    index = _sheet_index(path, reader, names, sheet)
    try:
        preview = reader.load_sheet(
            index, header_row=None, skip_rows=0, n_rows=_PREVIEW_ROWS, dtypes="string"
        ).to_pandas()
    except Exception as exc:
        raise _unreadable(path, exc) from exc
    rows = [list(_row(preview, i)) for i in range(len(preview))]
    if not any(any(c.strip() for c in r) for r in rows):
        raise EmptyFile(
            f"The sheet '{names[index]}' of '{path.name}' has no rows.",
            hint="Choose the sheet that holds your rows.",
        )
    h = header_row - 1 if header_row else find_header(rows)
    header = rows[h] if h < len(rows) else []
    try:
        data = reader.load_sheet(index, header_row=None, skip_rows=h + 1).to_pandas()
    except Exception as exc:
        raise _unreadable(path, exc) from exc
    frame = pd.DataFrame({i: display_strings(data[c]) for i, c in enumerate(data.columns)})
    excel_rows = np.arange(h + 2, h + 2 + len(frame), dtype=np.int64)
    return names[index], names, frame, excel_rows, header, h + 1


def _row(preview: pd.DataFrame, i: int) -> list[str]:
    return ["" if pd.isna(v) else str(v) for v in preview.iloc[i].tolist()]


def _sheet_index(
    path: Path, reader: fastexcel.ExcelReader, names: list[str], sheet: str | int | None
) -> int:
    if isinstance(sheet, int):
        if 0 <= sheet < len(names):
            return sheet
    elif isinstance(sheet, str):
        for i, name in enumerate(names):
            if name.casefold() == sheet.casefold():
                return i
    else:
        for i in range(len(names)):
            if reader.load_sheet(i, header_row=None, n_rows=1).height > 0:
                return i
        raise EmptyFile(f"'{path.name}' has no rows in any sheet.", hint="Choose another file.")
    raise SheetNotFound(
        f"'{path.name}' has no sheet '{sheet}'.",
        hint=f"Its sheets are: {', '.join(names)}.",
    )


def _unreadable(path: Path, exc: Exception) -> NotASpreadsheet:
    return NotASpreadsheet(
        f"'{path.name}' could not be read (it may be damaged or cut short).",
        hint="Open it in Excel and save it again, or export it as CSV.",
        detail=repr(exc),
    )
