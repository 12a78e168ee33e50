"""Exports for fixing in Excel: invalid rows with their problems, and the normalised valid rows."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from rowboat.core.errors import ConfigurationError

if TYPE_CHECKING:
    from rowboat.core.validation import ValidationResult

__all__ = [
    "check_export_path",
    "escape_formulas",
    "export_invalid",
    "export_table",
    "export_valid",
    "write_rows",
]

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# A sign followed by a plain number is data Excel reads as a number, not a formula: an E.164
# phone (+4915112345600) or a negative amount (-12.50) must reach the file unchanged.
_SIGNED_NUMBER = r"[+-]\d+(?:[.,]\d+)?(?:[eE][+-]?\d+)?"


def escape_formulas(column: pd.Series) -> pd.Series:
    """Prefix with a quote the cells Excel would run as a formula (starting with = or @, a tab
    or carriage return, or + or - not followed by a plain number), so they stay text."""
    text = column.astype(str)
    risky = text.str.startswith(_FORMULA_START) & ~text.str.fullmatch(_SIGNED_NUMBER)
    return text.where(~risky, "'" + text)


def export_invalid(result: ValidationResult, path: str | Path) -> Path:
    """The invalid rows as read, with the row in the file first and every problem in 'Errors'."""
    out = _target(result, path)
    positions = np.flatnonzero(~result.valid)
    frame = result.table.frame.iloc[positions].reset_index(drop=True)
    errors = result.messages_by_position().reindex(positions).fillna("").to_numpy()
    frame.insert(0, "Row", result.table.source_rows[positions])
    frame["Errors"] = errors
    bad_cells = _bad_cells(result, positions, list(frame.columns))
    write_rows(frame, out, bad_cells)
    return out


def export_valid(result: ValidationResult, path: str | Path) -> Path:
    """The valid rows' normalised values, headed by the endpoint's field labels."""
    out = _target(result, path)
    positions = np.flatnonzero(result.valid)
    frame = result.values.iloc[positions].reset_index(drop=True)
    frame.columns = pd.Index([result.endpoint.field(k).label for k in frame.columns])
    write_rows(frame, out, set())
    return out


def export_table(result: ValidationResult, path: str | Path) -> Path:
    """Every row in the file's own columns as they stand (a reviewed result carries its edits),
    the cells with a problem highlighted: the whole file, corrected, as a new file."""
    out = _target(result, path)
    frame = result.table.frame.reset_index(drop=True)
    write_rows(frame, out, _bad_cells(result, np.arange(len(frame)), list(frame.columns)))
    return out


def check_export_path(path: str | Path) -> Path:
    """The path, when Rowboat can write that kind of file (.xlsx or .csv)."""
    out = Path(path)
    if out.suffix.lower() not in {".xlsx", ".csv"}:
        raise ConfigurationError(
            f"Rowboat cannot write '{out.name}'.", hint="Name the export .xlsx or .csv."
        )
    return out


def _target(result: ValidationResult, path: str | Path) -> Path:
    out = check_export_path(path)
    if out.resolve() == result.table.info.path.resolve():
        raise ConfigurationError(
            f"'{out.name}' is the file being imported; Rowboat never overwrites it.",
            hint="Choose another name for the export.",
        )
    return out


def _bad_cells(
    result: ValidationResult, positions: np.ndarray, columns: list[str]
) -> set[tuple[int, int]]:
    """(row, column) indexes in the export of the cells that hold a problem."""
    where = {int(p): i for i, p in enumerate(positions)}
    index = {c: i for i, c in enumerate(columns)}
    cells = set()
    for pos, column in zip(result.issues["pos"], result.issues["column"], strict=True):
        if column in index and int(pos) in where:
            cells.add((where[int(pos)], index[column]))
    return cells


def write_rows(frame: pd.DataFrame, out: Path, bad_cells: set[tuple[int, int]]) -> None:
    """Write a frame as csv (UTF-8 with BOM, formulas escaped) or xlsx (text cells, the
    (row, column) cells in `bad_cells` filled red)."""
    if out.suffix.lower() == ".csv":
        escaped = frame.apply(escape_formulas)
        # UTF-8 with a BOM, so Excel shows accents right when it opens the file.
        escaped.to_csv(out, index=False, encoding="utf-8-sig")
        return
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font, PatternFill

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Rows")
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="FFF4CCCC")
    header = []
    for name in frame.columns:
        cell = WriteOnlyCell(sheet, value=str(name))
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    columns = [frame[c].tolist() for c in frame.columns]
    for r, values in enumerate(zip(*columns, strict=True)):
        row = []
        for c, value in enumerate(values):
            # Written as text cells, which Excel never evaluates, so "+49..." stays a phone.
            number = isinstance(value, int | np.integer)
            cell = WriteOnlyCell(sheet, value=int(value) if number else str(value))
            if isinstance(value, str):
                cell.data_type = "s"
            if (r, c) in bad_cells:
                cell.fill = fill
            row.append(cell)
        sheet.append(row)
    book.save(out)
