"""Reading text tables (csv, tsv, txt): encoding and delimiter detected, records as Excel rows."""

from __future__ import annotations

import codecs
import csv
import io
import itertools
from collections import Counter
from typing import TYPE_CHECKING, Literal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from rowboat.core.errors import EmptyFile, NotASpreadsheet, SourceError
from rowboat.core.sources.limits import (
    BINARY_CONTROLS,
    MAX_CELL_CHARS,
    MAX_LINE_BYTES,
    MAX_TEXT_ROWS,
    check_lines,
    check_rows,
    long_cell,
)

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

__all__ = [
    "CONTROL_CHARACTERS",
    "check_line_lengths",
    "clean_controls",
    "columns_of",
    "decode",
    "fast_body",
    "read_head",
    "read_records",
    "sniff_delimiter",
    "utf8_bytes",
]

DELIMITERS = (",", ";", "\t", "|")
_SAMPLE_BYTES = 256 * 1024
# The csv module refuses cells over 128 KB by default; a long notes cell is still the user's data,
# up to the readers' own limit.
csv.field_size_limit(MAX_CELL_CHARS)
# Control characters no spreadsheet cell means to hold (tab, line feed and carriage return are
# the table's own); a few of them in a text file are a broken export, many are a binary file.
CONTROL_CHARACTERS = "[\x00-\x08\x0b\x0c\x0e-\x1f]"
_FAST_FROM_CHARS = 1 << 18  # below about 5,000 rows the csv module alone is quick enough


# Whole-file work on a large text is done a slice at a time: one C call over 100 MB holds the
# interpreter lock for a few hundred milliseconds, and the desktop window, which reads files on a
# worker thread, would freeze that long. Slices of 4 MB cost about a millisecond each.
_SLICE = 1 << 22


def decode_in_slices(raw: bytes | memoryview, encoding: str, errors: str = "strict") -> str:
    """bytes.decode, a slice at a time (the same text and the same errors)."""
    if len(raw) <= _SLICE:
        return bytes(raw).decode(encoding, errors)
    decoder = codecs.getincrementaldecoder(encoding)(errors)
    view = memoryview(raw)
    parts = [decoder.decode(view[i : i + _SLICE]) for i in range(0, len(view), _SLICE)]
    parts.append(decoder.decode(b"", final=True))
    return "".join(parts)


def contains(data: bytes, *needles: bytes) -> bool:
    """Whether any of the (short) needles occurs in `data`, searched a slice at a time."""
    overlap = max(len(n) for n in needles) - 1
    for start in range(0, len(data), _SLICE):
        end = min(len(data), start + _SLICE + overlap)
        if any(data.find(n, start, end) >= 0 for n in needles):
            return True
    return False


def utf8_bytes(raw: bytes, text: DecodedText) -> bytes:
    """The file as UTF-8 without a BOM: its own bytes when it already is, else re-encoded."""
    if text.used == "utf-8":
        return raw
    if text.used == "utf-8-sig":
        return raw[len(codecs.BOM_UTF8) :]
    return text.whole().encode("utf-8")


class DecodedText:
    """A file's text, decoded a slice at a time: `head` (the first _SAMPLE_BYTES * 2 bytes'
    worth) at once, `whole()` only when something needs all of it. Making one string of a 100 MB
    file holds the interpreter lock for about 0.1 s; the fast reader needs only the bytes."""

    def __init__(self, raw: bytes | memoryview, encoding: str, errors: str, used: str) -> None:
        self._raw = raw
        self._encoding = encoding
        self._errors = errors
        self.used = used  # the encoding's name as Rowboat reports it ("utf-8-sig", "cp1252")
        cut = min(len(raw), _SAMPLE_BYTES * 2)
        decoder = codecs.getincrementaldecoder(encoding)(errors)
        self.complete = cut == len(raw)
        self.head = decoder.decode(bytes(raw[:cut]), final=self.complete)
        self._whole: str | None = self.head if self.complete else None

    def whole(self) -> str:
        if self._whole is None:
            self._whole = decode_in_slices(self._raw, self._encoding, self._errors)
        return self._whole


def decode(path: Path, raw: bytes, encoding: str | None) -> tuple[str, str]:
    """(text, encoding used): BOMs first, then strict UTF-8, then charset-normalizer's guess."""
    found = decode_text(path, raw, encoding)
    return found.whole(), found.used


def decode_text(path: Path, raw: bytes, encoding: str | None) -> DecodedText:
    """The file's text (see DecodedText): BOMs first, then strict UTF-8 (every byte checked),
    then charset-normalizer's guess."""
    if encoding:
        try:
            codecs.lookup(encoding)
            _check_decodes(raw, encoding)
        except (LookupError, UnicodeDecodeError) as exc:
            raise NotASpreadsheet(
                f"'{path.name}' cannot be read as {encoding}.",
                hint="Leave the encoding to Rowboat, or pick the one the file was saved with.",
                detail=str(exc),
            ) from exc
        return DecodedText(raw, encoding, "strict", encoding)
    if raw.startswith(codecs.BOM_UTF8):
        return DecodedText(memoryview(raw)[3:], "utf-8", "replace", "utf-8-sig")
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return DecodedText(raw, "utf-16", "replace", "utf-16")
    if raw[:4096].count(b"\x00") <= BINARY_CONTROLS:  # a stray NUL is still UTF-8
        try:
            _check_decodes(raw, "utf-8")
        except UnicodeDecodeError:
            pass
        else:
            return DecodedText(raw, "utf-8", "strict", "utf-8")
    from charset_normalizer import from_bytes

    matches = from_bytes(raw[:_SAMPLE_BYTES])
    best = matches.best()
    name = best.encoding if best is not None else None
    if best is not None and name != "cp1252":
        # Western European text reads the same in several code pages; Excel on Windows writes
        # cp1252, so it wins whenever it reads the bytes as cleanly as the best guess.
        same_text = set(best.could_be_from_charset)
        clean = {m.encoding for m in matches if m.chaos <= best.chaos}
        if "cp1252" in same_text | clean:
            name = "cp1252"
    binary = raw[:4096].count(b"\x00") > BINARY_CONTROLS
    if name is None or (binary and not name.startswith("utf_16")):
        raise NotASpreadsheet(
            f"'{path.name}' is not a text table or spreadsheet Rowboat can read.",
            hint="Open it in Excel and save it again as .xlsx or CSV.",
        )
    name = "cp1252" if name in {"latin_1", "iso8859_1", "windows_1252"} else name
    return DecodedText(raw, name, "replace", name.replace("_", "-"))


def _check_decodes(raw: bytes, encoding: str) -> None:
    """UnicodeDecodeError unless every byte decodes (a slice at a time, nothing kept)."""
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    view = memoryview(raw)
    for start in range(0, len(view), _SLICE):
        decoder.decode(view[start : start + _SLICE])
    decoder.decode(b"", final=True)


def sniff_delimiter(text: str) -> str:
    """The delimiter that splits the sample's lines into the most, and most regular, fields."""
    lines = [line for line in text[:_SAMPLE_BYTES].splitlines()[:60] if line.strip()]
    best, best_score = ",", 0.0
    for d in DELIMITERS:
        counts = Counter(len(row) - 1 for row in csv.reader(lines, delimiter=d))
        counts.pop(0, None)
        if not counts:
            continue
        fields, lines_with = counts.most_common(1)[0]
        score = lines_with * (1 + min(fields, 30) / 30)
        if score > best_score:
            best, best_score = d, score
    return best


def check_line_lengths(path: Path, data: bytes) -> None:
    """Refuse text with a line longer than MAX_LINE_BYTES or more lines than MAX_TEXT_ROWS,
    without reading every line: a line that long holds a whole stretch of MAX_LINE_BYTES / 2
    with no line break, and a file is looked at only one such stretch at a time."""
    step = MAX_LINE_BYTES // 2
    if len(data) > MAX_LINE_BYTES:
        for start in range(0, len(data) - step + 1, step):
            stop = start + step
            if data.find(b"\n", start, stop) < 0 and data.find(b"\r", start, stop) < 0:
                begin = max(data.rfind(b"\n", 0, start), data.rfind(b"\r", 0, start)) + 1
                ends = [e for e in (data.find(b"\n", stop), data.find(b"\r", stop)) if e >= 0]
                check_lines(
                    path, data.count(b"\n", 0, begin) + 1, min(ends, default=len(data)) - begin
                )
    if len(data) > 2 * MAX_TEXT_ROWS:  # a row takes two bytes at least, with its line break
        codes = np.frombuffer(data, dtype=np.uint8)
        step = 1 << 20
        lines = sum(
            int(np.count_nonzero(codes[i : i + step] == 10)) for i in range(0, len(codes), step)
        )
        check_rows(path, lines + (not data.endswith(b"\n")))


def clean_controls(
    data: bytes, columns: list[pa.Array], rows: np.ndarray
) -> tuple[list[pa.Array], str]:
    """Columns without stray control characters (NUL and the like), and a note naming the rows
    they were removed from ("" when there were none). `rows` numbers the columns' rows."""
    if not _has_controls(data):
        return columns, ""
    found = np.zeros(len(rows), dtype=bool)
    cleaned = []
    for column in columns:
        mask = pc.match_substring_regex(column, CONTROL_CHARACTERS)
        if pc.any(mask).as_py():
            found |= np.asarray(pc.fill_null(mask, False).to_numpy(zero_copy_only=False))
            column = pc.replace_substring_regex(column, CONTROL_CHARACTERS, "")
        cleaned.append(column)
    if not found.any():
        return columns, ""
    from rowboat.core.lists import short_list

    where = short_list([f"{int(r):,}" for r in rows[found]], 5)
    rows_word = "row" if found.sum() == 1 else "rows"
    return cleaned, (
        f"Removed stray control characters (such as NUL) from {rows_word} {where}; the rest "
        "of each cell is kept."
    )


def _has_controls(data: bytes) -> bool:
    """Whether `data` holds a control byte other than tab, line feed and carriage return;
    counted with numpy a megabyte at a time (bytes.translate takes several times as long)."""
    codes = np.frombuffer(data, dtype=np.uint8)
    for start in range(0, len(codes), 1 << 20):
        part = codes[start : start + (1 << 20)]
        low = np.count_nonzero(part < 32)
        if low and low > np.count_nonzero(part == 10) + np.count_nonzero(part == 13) + (
            np.count_nonzero(part == 9)
        ):
            return True
    return False


def _check_text(path: Path, text: str) -> None:
    if sum(1 for ch in text[:4096] if ord(ch) < 9) > BINARY_CONTROLS:
        raise NotASpreadsheet(
            f"'{path.name}' is not a text table (it holds binary data).",
            hint="Open it in Excel and save it again as .xlsx or CSV.",
        )


def _unreadable(path: Path, exc: csv.Error, row: int | None = None) -> SourceError:
    if "field larger than field limit" in str(exc):
        return long_cell(path, row)
    return NotASpreadsheet(
        f"'{path.name}' could not be read as a table.",
        hint="Open it in Excel and save it again as CSV.",
        detail=str(exc),
    )


def _quoting(quote: bool) -> Literal[0, 3]:
    return csv.QUOTE_MINIMAL if quote else csv.QUOTE_NONE


def read_head(
    path: Path,
    text: str,
    delimiter: str,
    count: int,
    *,
    quote: bool = True,
    whole: Callable[[], str] | None = None,
) -> list[list[str]]:
    """The first `count` records (a quoted line break stays inside its record; with `quote`
    False a quote is a character like any other). `text` may be only the file's beginning,
    with `whole()` giving all of it when the beginning is not enough."""
    _check_text(path, text)
    # A prefix holds the top of a big file; its cut-off last record is never among the first
    # `count` unless the prefix holds no more than that, and then the whole text is read.
    prefix = text[:_SAMPLE_BYTES]
    last = whole is None and len(prefix) == len(text)
    records: list[list[str]] = []
    for sample in (prefix, None):
        if sample is None:
            sample = whole() if whole is not None else text
            last = True
        reader = csv.reader(
            io.StringIO(sample, newline=""), delimiter=delimiter, quoting=_quoting(quote)
        )
        records = []
        try:
            records.extend(itertools.islice(reader, count + 1))
        except csv.Error as exc:
            if not last:
                continue  # a quote the prefix cut in half: read the whole text
            raise _unreadable(path, exc, len(records) + 1) from exc
        if len(records) > count or last:
            break
    return records[:count]


def read_records(path: Path, text: str, delimiter: str, *, quote: bool = True) -> list[list[str]]:
    """Every record of the file; record i is row i+1 as Excel shows it (a quoted line break
    stays inside its record)."""
    _check_text(path, text)
    records: list[list[str]] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quoting=_quoting(quote))
    try:  # extend keeps the records read before an error: the next one is its row
        records.extend(reader)
    except csv.Error as exc:
        raise _unreadable(path, exc, len(records) + 1) from exc
    if not any(any(c.strip() for c in r) for r in records):
        raise EmptyFile(f"'{path.name}' has no rows.", hint="Choose the file that holds your rows.")
    return records


def columns_of(records: list[list[str]], width: int) -> list[pa.Array]:
    """Records as `width` text columns, short records padded with empty cells."""
    body = [r + [""] * (width - len(r)) for r in records]
    return [pa.array([r[i] for r in body], type=pa.large_string()) for i in range(width)]


def fast_body(
    data: bytes, delimiter: str, header_index: int, width: int, *, quote: bool = True
) -> list[pa.Array] | None:
    """The rows below the header parsed by pyarrow from the file's UTF-8 bytes, or None where
    only the csv module numbers rows right: blank lines (pyarrow drops them), rows of uneven
    width, or a small file, where the csv module is quick enough. `width` is the widest record
    seen near the header: every column up to it is read as text, never as a number."""
    import pyarrow.csv as pacsv

    if len(data) < _FAST_FROM_CHARS:
        return None
    # `data` is the file's text as UTF-8: ASCII searched in it finds the same as in the text.
    if contains(data, b"\n\n", b"\n\r\n", b"\r\r"):
        return None
    try:
        table = pacsv.read_csv(
            pa.py_buffer(data),
            read_options=pacsv.ReadOptions(
                skip_rows=header_index + 1, autogenerate_column_names=True
            ),
            # Line breaks can only hide inside quotes; without quotes pyarrow splits faster.
            parse_options=pacsv.ParseOptions(
                delimiter=delimiter,
                quote_char='"' if quote else False,
                newlines_in_values=quote and contains(data, b'"'),
            ),
            convert_options=pacsv.ConvertOptions(
                column_types={f"f{i}": pa.large_string() for i in range(width)},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return None
    if table.num_columns > width:
        return None  # a column pyarrow typed on its own: read it all with the csv module
    return [column.combine_chunks() for column in table.columns]
