"""Opening spreadsheets: format, encoding, delimiter, sheet and header row found; values as seen."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from rowboat.core.arrow_text import as_series, filled_mask, scalar
from rowboat.core.decisions import Decision, ordered
from rowboat.core.errors import NotASpreadsheet
from rowboat.core.progress import NULL_REPORTER, Reporter
from rowboat.core.sources.detect import detect_format
from rowboat.core.sources.header import (
    HEADER_SCAN_ROWS,
    find_header,
    looks_like_header,
    unique_names,
)
from rowboat.core.sources.hidden_rows import HiddenRows
from rowboat.core.sources.limits import check_text_size, check_width
from rowboat.core.sources.locale_hints import find_locale_hint
from rowboat.core.sources.preview import encoding_reason
from rowboat.core.sources.reading_decisions import (
    blank_rows_decision,
    control_characters_decision,
    delimiter_decision,
    encoding_decision,
    header_names_decision,
    header_row_decision,
    hidden_rows_decision,
    quote_decision,
    sheet_decision,
    totals_row_decision,
)
from rowboat.core.sources.text import (
    CONTROL_CHARACTERS,
    check_line_lengths,
    clean_controls,
    columns_of,
    contains,
    decode_text,
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
    quote: str | None = '"',
    skip_hidden_rows: bool = False,
    skip_totals_row: bool = False,
    report: Reporter = NULL_REPORTER,
) -> Table:
    """Read one sheet of a spreadsheet as a Table. `header_row` is 1-based; None finds it.

    `quote` None reads quotes in a text file as text; `skip_hidden_rows` leaves out the rows an
    xlsx hides (by hand or by its AutoFilter); `skip_totals_row` leaves out a totals row at the
    end. The Table's `decisions` say how each choice was made."""
    path = Path(path)
    fmt = detect_format(path)
    report.raise_if_cancelled()
    if header_row is not None and header_row < 1:
        raise NotASpreadsheet(
            f"Row {header_row} cannot be the header of '{path.name}'.",
            hint="Rows are counted from 1.",
        )
    cleaned = ""
    decisions: list[Decision] = []
    hidden = HiddenRows()
    if fmt in {"csv", "tsv", "txt"}:
        check_text_size(path, path.stat().st_size)
        raw = path.read_bytes()
        decoded = decode_text(path, raw, encoding)
        used = decoded.used
        data = utf8_bytes(raw, decoded)
        check_line_lengths(path, data)
        quoting = quote is not None
        delim = delimiter or ("\t" if fmt == "tsv" else sniff_delimiter(decoded.head))
        head = read_head(
            path,
            decoded.head,
            delim,
            max(HEADER_SCAN_ROWS, header_row or 0) + 6,
            quote=quoting,
            whole=decoded.whole,
        )
        h = header_row - 1 if header_row else find_header(head[:HEADER_SCAN_ROWS])
        header = head[h] if h < len(head) else []
        width = max((len(r) for r in head[h:]), default=0)
        check_width(path, width)
        columns = fast_body(data, delim, h, width, quote=quoting)
        if columns is None:
            body = read_records(path, decoded.whole(), delim, quote=quoting)[h + 1 :]
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
        decisions.append(encoding_decision(used, encoding is not None, encoding_reason(used, raw)))
        suffix = path.suffix.lower() if fmt == "tsv" and not delimiter else ""
        decisions.append(delimiter_decision(delim, delimiter is not None, suffix, head[h:]))
        decisions.append(quote_decision(quote, quoting and contains(data, b'"')))
        labels = looks_like_header(header)
    else:
        from rowboat.core.sources.excel import read_workbook

        sheet_name, names, columns, header, header_number, hidden = read_workbook(
            path, sheet, header_row
        )
        sheets = tuple(names)
        info_kw = {}
        decisions.append(
            sheet_decision(sheet_name, sheets, sheet is not None, names.index(sheet_name))
        )
        labels = looks_like_header(header)
    report.progress(1, 2, "Reading")
    tidied = _tidy(
        columns, header_number + 1, header, hidden if skip_hidden_rows else None, skip_totals_row
    )
    hint = find_locale_hint(
        tidied.headers,
        info_kw.get("delimiter"),  # type: ignore[arg-type]
        _sample(tidied.frame) if info_kw.get("delimiter") == ";" else (),
    )
    hidden_rows = sorted(r for r in hidden.rows if r > header_number)
    filtered = sum(1 for r in hidden_rows if hidden.filtered(r))
    info = SourceInfo(
        path=path,
        format=fmt,
        header_row=header_number,
        header_detected=header_row is None,
        sheet=sheet_name,
        sheets=tuple(sheets),
        encoding=info_kw.get("encoding"),  # type: ignore[arg-type]
        delimiter=info_kw.get("delimiter"),  # type: ignore[arg-type]
        locale_hint=hint,
        hidden_rows=len(hidden_rows),
        filtered_rows=filtered,
        hidden_rows_skipped=skip_hidden_rows and bool(hidden_rows),
    )
    notes = list(tidied.notes)
    if cleaned:
        notes.append(cleaned)
    if header_row is None and header_number > 1:
        notes.insert(0, f"Found the header on row {header_number}; the rows above it are skipped.")
    hidden_decision = hidden_rows_decision(hidden_rows, filtered, skip_hidden_rows)
    if hidden_decision is not None:
        notes.append(hidden_decision.evidence)
    decisions.append(header_row_decision(header_number, header_row is not None, labels))
    found = [
        header_names_decision(tidied.renamed),
        blank_rows_decision(tidied.blank_rows),
        totals_row_decision(tidied.totals_row, skip_totals_row),
        hidden_decision,
        control_characters_decision(cleaned),
    ]
    decisions.extend(d for d in found if d is not None)
    report.progress(2, 2, "Reading")
    return Table(tidied.frame, tidied.rows, tidied.headers, info, tuple(notes), ordered(decisions))


def _sample(frame: pd.DataFrame) -> list[list[str]]:
    """The first rows of each column, for the locale hint."""
    head = frame.head(2_000)
    return [head[c].tolist() for c in head.columns]


@dataclass(frozen=True)
class _Tidied:
    frame: pd.DataFrame
    rows: np.ndarray
    headers: tuple[str, ...]
    notes: list[str]
    renamed: list[tuple[str, str]]
    blank_rows: int
    totals_row: int | None  # the row number of a totals row at the end, kept or left out


def _tidy(
    columns: list[pa.Array],
    first_row: int,
    header: list[str],
    hidden: HiddenRows | None = None,
    skip_totals: bool = False,
) -> _Tidied:
    """Drop blank rows and nameless empty columns, name the columns, note a totals row.

    `columns` hold the rows below the header, the first of them on row `first_row`. With
    `hidden`, the rows it names are left out too; with `skip_totals`, a totals row at the end."""
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
    filled_rows = np.flatnonzero(keep)
    # Blank rows below the last filled one are the sheet's end, not rows left out.
    blank_rows = int(filled_rows[-1]) + 1 - len(filled_rows) if len(filled_rows) else 0
    numbers = np.arange(first_row, first_row + length, dtype=np.int64)
    if hidden is not None and hidden.rows:
        keep &= ~np.isin(numbers, np.fromiter(hidden.rows, dtype=np.int64))
    totals_row = None
    last = int(np.flatnonzero(keep)[-1]) if keep.any() else -1
    if last >= 0 and keep_cols:
        ends = [str(columns[i][last].as_py() or "").strip() for i in keep_cols]
        filled_last = [v for v in ends if v]
        if len(filled_last) == 1 and re.match(_TOTALS, filled_last[0]):
            totals_row = int(numbers[last])
            if skip_totals:
                keep[last] = False
    rows = numbers[keep]
    if keep.all():
        kept = [columns[i] for i in keep_cols]
    else:
        rows_kept = pa.array(keep)
        kept = [columns[i].filter(rows_kept) for i in keep_cols]
    names, notes, renamed = unique_names([cells[i] for i in keep_cols])
    frame = pd.DataFrame({name: as_series(c) for name, c in zip(names, kept, strict=True)})
    if totals_row is not None and not skip_totals:
        notes.append(
            f"Row {totals_row} looks like a totals row; it stays in the data and will be "
            "reported as a problem."
        )
    return _Tidied(
        frame, rows, tuple(cells[i] for i in keep_cols), notes, renamed, blank_rows, totals_row
    )
