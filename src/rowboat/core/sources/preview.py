"""A quick look at the top of a file: its first rows as seen, the header row, and why the
encoding and delimiter were chosen, read without reading the whole file."""

from __future__ import annotations

import codecs
import datetime as dt
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from rowboat.core.errors import EmptyFile, NotASpreadsheet, SheetNotFound
from rowboat.core.sources.detect import detect_format
from rowboat.core.sources.header import HEADER_SCAN_ROWS, find_header
from rowboat.core.sources.text import DELIMITERS, decode, read_head, sniff_delimiter

__all__ = [
    "DELIMITER_NAMES",
    "ENCODING_NAMES",
    "PREVIEW_ROWS",
    "Preview",
    "delimiter_reason",
    "encoding_reason",
    "read_preview",
]

PREVIEW_ROWS = 60  # rows shown from the top of the sheet, the rows above the header included
_PREFIX_BYTES = 256 * 1024  # a text file's preview decodes only this much of its start

# The encodings a person can choose, with the names people know them by.
ENCODING_NAMES: dict[str, str] = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8 with byte-order mark",
    "utf-16": "UTF-16",
    "cp1252": "Windows Western (cp1252)",
    "iso-8859-1": "Latin-1 (ISO 8859-1)",
    "iso-8859-15": "Latin-9 (ISO 8859-15)",
    "cp1250": "Windows Central European (cp1250)",
    "mac-roman": "Mac Roman",
}
DELIMITER_NAMES: dict[str, str] = {
    ",": "comma (,)",
    ";": "semicolon (;)",
    "\t": "tab",
    "|": "pipe (|)",
}


@dataclass(frozen=True)
class Preview:
    """The top rows of one sheet (or text file) exactly as the user sees them.

    `rows[i]` is row i + 1 of the file, every cell a display string; `header_row` is the 1-based
    row holding the header (found, or as given). For text files `encoding` and `delimiter` are the
    ones used and each `*_reason` says in plain words why. `complete` is True when `rows` holds
    every row of the sheet.
    """

    path: Path
    format: str
    rows: tuple[tuple[str, ...], ...]
    header_row: int
    header_detected: bool
    sheet: str | None = None
    sheets: tuple[str, ...] = ()
    encoding: str | None = None
    encoding_reason: str = ""
    delimiter: str | None = None
    delimiter_reason: str = ""
    complete: bool = False

    @property
    def width(self) -> int:
        return max((len(r) for r in self.rows), default=0)


def read_preview(
    path: str | Path,
    *,
    sheet: str | int | None = None,
    header_row: int | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    rows: int = PREVIEW_ROWS,
) -> Preview:
    """The first `rows` rows of a file and how it will be read, quickly even for a huge file.

    Takes the same choices as open_table and raises the same SourceErrors for a file that is not
    a spreadsheet. Workbooks load only their first rows; text files decode only their start (the
    full read may still find, further down, bytes that change the encoding).
    """
    path = Path(path)
    fmt = detect_format(path)
    count = max(rows, (header_row or 0) + 10, HEADER_SCAN_ROWS)
    if fmt in {"csv", "tsv", "txt"}:
        return _text_preview(path, fmt, header_row, encoding, delimiter, count)
    name, names, top, complete = _workbook_top(path, fmt, sheet, count)
    return Preview(
        path=path,
        format=fmt,
        rows=tuple(tuple(r) for r in top),
        header_row=_header(top, header_row),
        header_detected=header_row is None,
        sheet=name,
        sheets=tuple(names),
        complete=complete,
    )


def _header(top: list[list[str]], header_row: int | None) -> int:
    return header_row if header_row is not None else find_header(top[:HEADER_SCAN_ROWS]) + 1


def _text_preview(
    path: Path,
    fmt: str,
    header_row: int | None,
    encoding: str | None,
    delimiter: str | None,
    count: int,
) -> Preview:
    with path.open("rb") as f:
        raw = f.read(_PREFIX_BYTES + 1)
    complete = len(raw) <= _PREFIX_BYTES
    if not complete:
        raw = _whole_lines(raw[:_PREFIX_BYTES])
    text, used = decode(path, raw, encoding)
    delim = delimiter or ("\t" if fmt == "tsv" else sniff_delimiter(text))
    head = read_head(path, text, delim, count)
    if not any(any(c.strip() for c in r) for r in head):
        raise EmptyFile(f"'{path.name}' has no rows.", hint="Choose the file that holds your rows.")
    header = _header(head, header_row)
    if delimiter:
        delim_reason = "chosen by you"
    elif fmt == "tsv":
        delim_reason = f"the file is named {path.suffix.lower()}, which means tab-separated"
    else:
        delim_reason = delimiter_reason(head[header - 1 :], delim)
    return Preview(
        path=path,
        format=fmt,
        rows=tuple(tuple(r) for r in head),
        header_row=header,
        header_detected=header_row is None,
        encoding=used,
        encoding_reason="chosen by you" if encoding else encoding_reason(used, raw),
        delimiter=delim,
        delimiter_reason=delim_reason,
        complete=complete and len(head) < count,
    )


def _whole_lines(raw: bytes) -> bytes:
    """The prefix cut after its last line break, so no character is cut in half (UTF-16 keeps
    an even length)."""
    utf16 = raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    end = raw.rfind(b"\n")
    if end <= 0:
        return raw[: len(raw) - len(raw) % 2] if utf16 else raw
    if utf16 and raw.startswith(codecs.BOM_UTF16_LE):
        end += 1  # the zero byte after "\n"
    return raw[: end + 1]


def encoding_reason(encoding: str, raw: bytes = b"") -> str:
    """Why Rowboat reads a text file in `encoding`, in plain words (`raw`: the bytes read)."""
    if encoding == "utf-8-sig":
        return "the file starts with the UTF-8 byte-order mark"
    if encoding == "utf-16":
        return "the file starts with a UTF-16 byte-order mark"
    if encoding == "utf-8":
        if raw and raw.isascii():
            return "the file holds only plain letters and digits, which read the same in UTF-8"
        return "every byte of the file reads as UTF-8"
    if encoding == "cp1252":
        return (
            "the file has bytes UTF-8 cannot read; cp1252, which Excel on Windows writes, "
            "reads them"
        )
    known = ENCODING_NAMES.get(encoding, encoding)
    return f"the file has bytes UTF-8 cannot read; they look most like {known}"


def delimiter_reason(records: list[list[str]], delimiter: str) -> str:
    """Why `delimiter` splits these records (the header and the rows below it, as split by it),
    in plain words."""
    widths = Counter(len(r) for r in records if any(c.strip() for c in r))
    name = DELIMITER_NAMES.get(delimiter, repr(delimiter))
    if not widths:
        return f"{name} is the usual delimiter"
    cells, lines = widths.most_common(1)[0]
    total = sum(widths.values())
    if cells <= 1:
        others = " or ".join(DELIMITER_NAMES[d] for d in DELIMITERS if d != delimiter)
        return f"no line has a {others}; each line is one cell"
    if lines == total:
        return f"{name} splits every line into {cells} cells"
    return f"{name} splits {lines} of the first {total} lines into {cells} cells"


def _workbook_top(
    path: Path, fmt: str, sheet: str | int | None, count: int
) -> tuple[str, list[str], list[list[str]], bool]:
    """(sheet name, sheet names, first `count` rows as display text, whether that is all).

    xlsx and xlsm stream through openpyxl, which stops after the rows asked for; calamine (the
    full read) parses a whole sheet even for a few rows, seconds for a million. xls and ods are
    read whole: their formats cap them far below that.
    """
    if fmt in {"xlsx", "xlsm"}:
        return _openpyxl_top(path, sheet, count)
    return _calamine_top(path, sheet, count)


def _openpyxl_top(
    path: Path, sheet: str | int | None, count: int
) -> tuple[str, list[str], list[list[str]], bool]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:
        raise _unreadable(path, exc) from exc
    try:
        names = list(book.sheetnames)
        indexes = range(len(names)) if sheet is None else [_sheet_index(path, names, sheet)]
        for index in indexes:
            try:
                rows = book.worksheets[index].iter_rows(max_row=count + 1, values_only=True)
                top = [[_cell_text(v) for v in row] for row in rows]
            except Exception as exc:
                raise _unreadable(path, exc) from exc
            if any(any(c for c in r) for r in top) or sheet is not None:
                return names[index], names, _trimmed(top[:count]), len(top) <= count
    finally:
        book.close()
    raise EmptyFile(f"'{path.name}' has no rows in any sheet.", hint="Choose another file.")


def _calamine_top(
    path: Path, sheet: str | int | None, count: int
) -> tuple[str, list[str], list[list[str]], bool]:
    import fastexcel

    from rowboat.core.sources.cells import display_strings

    try:
        reader = fastexcel.read_excel(str(path))
        names = list(reader.sheet_names)
    except Exception as exc:
        raise _unreadable(path, exc) from exc
    indexes = range(len(names)) if sheet is None else [_sheet_index(path, names, sheet)]
    for index in indexes:
        try:
            loaded = reader.load_sheet(
                index, header_row=None, skip_rows=0, dtypes="string", n_rows=count + 1
            )
            batch = loaded.to_arrow()
        except Exception as exc:
            raise _unreadable(path, exc) from exc
        columns = [display_strings(c).to_pylist() for c in batch.columns]
        top = [list(r) for r in zip(*columns, strict=True)] if columns else []
        if any(any(c for c in r) for r in top) or sheet is not None:
            return names[index], names, _trimmed(top[:count]), len(top) <= count
    raise EmptyFile(f"'{path.name}' has no rows in any sheet.", hint="Choose another file.")


def _trimmed(rows: list[list[str]]) -> list[list[str]]:
    """Rows without the empty cells at their right end (a sheet's used range runs wider)."""
    out = []
    for row in rows:
        end = len(row)
        while end and not row[end - 1]:
            end -= 1
        out.append(row[:end])
    return out


def _cell_text(value: object) -> str:
    """A cell as the full read shows it: whole numbers without ".0", ISO dates and times."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"  # as calamine writes a yes/no cell as text
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 2.0**53:
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time():
            return value.date().isoformat()
        return value.replace(microsecond=0).isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


def _sheet_index(path: Path, names: list[str], sheet: str | int) -> int:
    if isinstance(sheet, int):
        if 0 <= sheet < len(names):
            return sheet
    else:
        for i, name in enumerate(names):
            if name.casefold() == sheet.casefold():
                return i
    raise SheetNotFound(
        f"'{path.name}' has no sheet '{sheet}'.", hint=f"Its sheets are: {', '.join(names)}."
    )


def _unreadable(path: Path, exc: Exception) -> NotASpreadsheet:
    return NotASpreadsheet(
        f"'{path.name}' could not be read as a workbook (it may be damaged or cut short).",
        hint="Open it in Excel and save it again, or export it as CSV.",
        detail=repr(exc),
    )
