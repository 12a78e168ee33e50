"""Opening spreadsheets: format, encoding, delimiter, sheet and header row found; values as seen."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from rowboat.core.arrow_text import as_series, filled_mask, scalar
from rowboat.core.errors import NotASpreadsheet
from rowboat.core.progress import NULL_REPORTER, Reporter
from rowboat.core.sources.detect import detect_format
from rowboat.core.sources.header import HEADER_SCAN_ROWS, find_header, unique_names
from rowboat.core.sources.limits import check_text_size, check_width
from rowboat.core.sources.text import (
    CONTROL_CHARACTERS,
    check_line_lengths,
    clean_controls,
    columns_of,
    decode,
    fast_body,
    read_head,
    read_records,
    sniff_delimiter,
    utf8_bytes,
)
from rowboat.core.table import SourceInfo, Table
from rowboat.core.threads import map_in_threads

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
    cleaned = ""
    if fmt in {"csv", "tsv", "txt"}:
        check_text_size(path, path.stat().st_size)
        raw = path.read_bytes()
        text, used = decode(path, raw, encoding)
        data = utf8_bytes(raw, text, used)
        check_line_lengths(path, data)
        delim = delimiter or ("\t" if fmt == "tsv" else sniff_delimiter(text))
        head = read_head(path, text, delim, max(HEADER_SCAN_ROWS, header_row or 0) + 6)
        h = header_row - 1 if header_row else find_header(head[:HEADER_SCAN_ROWS])
        header = head[h] if h < len(head) else []
        width = max((len(r) for r in head[h:]), default=0)
        check_width(path, width)
        columns = fast_body(data, text, delim, h, width)
        if columns is None:
            body = read_records(path, text, delim)[h + 1 :]
            width = max([len(header), *(len(r) for r in body)])
            check_width(path, width)
            columns = columns_of(body, width)
        length = max((len(c) for c in columns), default=0)
        columns, cleaned = clean_controls(data, columns, np.arange(h + 2, h + 2 + length))
        if cleaned:
            header = [re.sub(CONTROL_CHARACTERS, "", cell) for cell in header]
        info_kw: dict[str, object] = {"encoding": used, "delimiter": delim}
        sheet_name, header_number = None, h + 1
        sheets: tuple[str, ...] = ()
    else:
        from rowboat.core.sources.excel import read_workbook

        sheet_name, names, columns, header, header_number = read_workbook(path, sheet, header_row)
        sheets = tuple(names)
        info_kw = {}
    report.progress(1, 2, "Reading")
    table = _tidy(columns, header_number + 1, header, path.name)
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
    if cleaned:
        notes.append(cleaned)
    if header_row is None and header_number > 1:
        notes.insert(0, f"Found the header on row {header_number}; the rows above it are skipped.")
    report.progress(2, 2, "Reading")
    return Table(table[0], table[1], table[2], info, tuple(notes))


def _tidy(
    columns: list[pa.Array], first_row: int, header: list[str], file_name: str
) -> tuple[pd.DataFrame, np.ndarray, tuple[str, ...], list[str]]:
    """Drop blank rows and nameless empty columns, name the columns, note a totals row.

    `columns` hold the rows below the header, the first of them on row `first_row`."""
    length = max((len(c) for c in columns), default=0)
    width = max(len(columns), len(header))
    columns = [
        *columns,
        *[pc.fill_null(pa.nulls(length, pa.large_string()), scalar(""))] * (width - len(columns)),
    ]
    cells = [str(header[i]) if i < len(header) else "" for i in range(width)]
    filled = map_in_threads(filled_mask, columns)
    keep_cols = [i for i in range(width) if cells[i].strip() or filled[i].any()]
    keep = np.zeros(length, dtype=bool)
    for i in keep_cols:
        keep |= filled[i]
    rows = np.arange(first_row, first_row + length, dtype=np.int64)[keep]
    if keep.all():
        kept = [columns[i] for i in keep_cols]
    else:
        rows_kept = pa.array(keep)
        kept = [columns[i].filter(rows_kept) for i in keep_cols]
    names, notes = unique_names([cells[i] for i in keep_cols])
    frame = pd.DataFrame({name: as_series(c) for name, c in zip(names, kept, strict=True)})
    if len(frame) and len(kept):
        last = [str(c[-1].as_py()).strip() for c in kept]
        filled_last = [v for v in last if v]
        if len(filled_last) == 1 and re.match(_TOTALS, filled_last[0]):
            notes.append(
                f"Row {int(rows[-1])} looks like a totals row; it stays in the data and will be "
                "reported as a problem."
            )
    return frame, rows, tuple(cells[i] for i in keep_cols), notes
