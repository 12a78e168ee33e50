"""Reading workbooks (xlsx, xlsm, xls, ods) with fastexcel: Arrow straight into pandas."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import fastexcel
import numpy as np
import pandas as pd

from rowboat.core.errors import EmptyFile, NotASpreadsheet, SheetNotFound
from rowboat.core.sources.cells import display_strings
from rowboat.core.sources.header import HEADER_SCAN_ROWS, find_header

if TYPE_CHECKING:
    from pathlib import Path

__all__ = ["list_workbook_sheets", "read_workbook"]

# fastexcel logs a warning for every all-empty column it reads as text; nothing a user can act on.
logging.getLogger("fastexcel").setLevel(logging.ERROR)


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
    # One read of the whole sheet as text, from A1: calamine's text keeps every digit of a
    # number (4915112345600) and parsing a sheet twice would double the cost of opening it.
    index, sheet_frame = _load(path, reader, names, sheet)
    rows = [_row(sheet_frame, i) for i in range(min(len(sheet_frame), HEADER_SCAN_ROWS))]
    h = header_row - 1 if header_row else find_header(rows)
    header = _row(sheet_frame, h) if h < len(sheet_frame) else []
    data = sheet_frame.iloc[h + 1 :]
    frame = pd.DataFrame(
        {i: display_strings(data[c]).to_numpy() for i, c in enumerate(data.columns)}
    )
    excel_rows = np.arange(h + 2, h + 2 + len(frame), dtype=np.int64)
    return names[index], names, frame, excel_rows, header, h + 1


def _load(
    path: Path, reader: fastexcel.ExcelReader, names: list[str], sheet: str | int | None
) -> tuple[int, pd.DataFrame]:
    """The chosen sheet (by default the first with any cell filled) read whole, as text."""
    if sheet is None:
        for i in range(len(names)):
            frame = _text_sheet(path, reader, i)
            if frame.notna().to_numpy().any():
                return i, frame
        raise EmptyFile(f"'{path.name}' has no rows in any sheet.", hint="Choose another file.")
    index = _sheet_index(path, names, sheet)
    frame = _text_sheet(path, reader, index)
    if not frame.notna().to_numpy().any():
        raise EmptyFile(
            f"The sheet '{names[index]}' of '{path.name}' has no rows.",
            hint="Choose the sheet that holds your rows.",
        )
    return index, frame


def _text_sheet(path: Path, reader: fastexcel.ExcelReader, index: int) -> pd.DataFrame:
    try:
        sheet = reader.load_sheet(index, header_row=None, skip_rows=0, dtypes="string")
        frame: pd.DataFrame = sheet.to_pandas()
    except Exception as exc:
        raise _unreadable(path, exc) from exc
    return frame


def _row(preview: pd.DataFrame, i: int) -> list[str]:
    return ["" if pd.isna(v) else str(v) for v in preview.iloc[i].tolist()]


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
        hint=f"Its sheets are: {', '.join(names)}.",
    )


def _unreadable(path: Path, exc: Exception) -> NotASpreadsheet:
    return NotASpreadsheet(
        f"'{path.name}' could not be read (it may be damaged or cut short).",
        hint="Open it in Excel and save it again, or export it as CSV.",
        detail=repr(exc),
    )
