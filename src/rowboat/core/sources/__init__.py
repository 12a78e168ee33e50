"""Opening spreadsheets: format, encoding, delimiter, sheet and header row found; values as seen."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from rowboat.core.errors import NotASpreadsheet
from rowboat.core.progress import NULL_REPORTER, Reporter
from rowboat.core.sources.detect import detect_format
from rowboat.core.sources.header import HEADER_SCAN_ROWS, find_header, unique_names
from rowboat.core.sources.text import decode, fast_body, read_records, sniff_delimiter
from rowboat.core.table import SourceInfo, Table

__all__ = ["detect_format", "list_sheets", "open_table"]

_TOTALS = r"(?i)^\s*(?:total|totals|sum|summe|gesamt|somme|totale?)\b"


def list_sheets(path: str | Path) -> list[str]:
    """The workbook's sheet names in order; [] for text files."""
    path = Path(path)
    if detect_format(path) in {"csv", "tsv", "txt"}:
        return []
    from rowboat.core.sources.excel import list_workbook_sheets

    return list_workbook_sheets(path)


def open_table(
    path: str | Path,
    *,
    sheet: str | int | None = None,
    header_row: int | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    report: Reporter = NULL_REPORTER,
) -> Table:
    """Read one sheet of a spreadsheet as a Table. `header_row` is 1-based; None finds it."""
    path = Path(path)
    fmt = detect_format(path)
    report.raise_if_cancelled()
    if header_row is not None and header_row < 1:
        raise NotASpreadsheet(
            f"Row {header_row} cannot be the header of '{path.name}'.",
            hint="Rows are counted from 1.",
        )
    if fmt in {"csv", "tsv", "txt"}:
        raw = path.read_bytes()
        text, used = decode(path, raw, encoding)
        delim = delimiter or ("\t" if fmt == "tsv" else sniff_delimiter(text))
        records = read_records(path, text, delim)
        h = header_row - 1 if header_row else find_header(records[:HEADER_SCAN_ROWS])
        header = records[h] if h < len(records) else []
        width = max((len(r) for r in records[h + 1 :]), default=0)
        width = max(width, len(header))
        frame = fast_body(text, delim, h, width, len(records))
        if frame is None:
            body = [r + [""] * (width - len(r)) for r in records[h + 1 :]]
            frame = pd.DataFrame(body, columns=range(width), dtype=object).fillna("")
        rows = np.arange(h + 2, h + 2 + len(frame), dtype=np.int64)
        info_kw: dict[str, object] = {"encoding": used, "delimiter": delim}
        sheet_name, header_number = None, h + 1
        sheets: tuple[str, ...] = ()
    else:
        from rowboat.core.sources.excel import read_workbook

        sheet_name, names, frame, rows, header, header_number = read_workbook(
            path, sheet, header_row
        )
        sheets = tuple(names)
        info_kw = {}
    report.progress(1, 2, "Reading")
    table = _tidy(frame, rows, header, path.name)
    info = SourceInfo(
        path=path,
        format=fmt,
        header_row=header_number,
        header_detected=header_row is None,
        sheet=sheet_name,
        sheets=tuple(sheets),
        encoding=info_kw.get("encoding"),  # type: ignore[arg-type]
        delimiter=info_kw.get("delimiter"),  # type: ignore[arg-type]
    )
    notes = list(table[3])
    if header_row is None and header_number > 1:
        notes.insert(0, f"Found the header on row {header_number}; the rows above it are skipped.")
    report.progress(2, 2, "Reading")
    return Table(table[0], table[1], table[2], info, tuple(notes))


def _tidy(
    frame: pd.DataFrame, rows: np.ndarray, header: list[str], file_name: str
) -> tuple[pd.DataFrame, np.ndarray, tuple[str, ...], list[str]]:
    """Drop blank rows and nameless empty columns, name the columns, note a totals row."""
    cells = [str(header[i]) if i < len(header) else "" for i in range(frame.shape[1])]
    keep_cols = [
        i
        for i in range(frame.shape[1])
        if cells[i].strip() or frame.iloc[:, i].str.strip().ne("").any()
    ]
    frame = frame.iloc[:, keep_cols]
    cells = [cells[i] for i in keep_cols]
    filled = frame.apply(lambda c: c.str.strip().ne("")) if len(frame) else frame.astype(bool)
    keep = filled.any(axis=1).to_numpy() if len(frame) else np.zeros(0, dtype=bool)
    frame = frame.loc[keep].reset_index(drop=True)
    rows = rows[keep]
    names, notes = unique_names(cells)
    frame.columns = pd.Index(names)
    frame = frame.astype("str")
    if len(frame):
        first = frame.iloc[-1].str.strip()
        lone = int(first.ne("").sum()) == 1
        if lone and bool(first[first.ne("")].str.contains(_TOTALS, regex=True).any()):
            notes.append(
                f"Row {int(rows[-1])} looks like a totals row; it stays in the data and will be "
                "reported as a problem."
            )
    return frame, rows, tuple(cells), notes
