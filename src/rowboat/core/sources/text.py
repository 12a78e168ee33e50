"""Reading text tables (csv, tsv, txt): encoding and delimiter detected, records as Excel rows."""

from __future__ import annotations

import codecs
import csv
import io
import itertools
from collections import Counter
from typing import TYPE_CHECKING

import pyarrow as pa

from rowboat.core.errors import EmptyFile, NotASpreadsheet

if TYPE_CHECKING:
    from pathlib import Path

__all__ = [
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
# The csv module refuses cells over 128 KB by default; a long notes cell is still the user's data.
csv.field_size_limit(2**31 - 1)
_FAST_FROM_CHARS = 1 << 18  # below about 5,000 rows the csv module alone is quick enough


def utf8_bytes(raw: bytes, text: str, encoding: str) -> bytes:
    """The file as UTF-8 without a BOM: its own bytes when it already is, else re-encoded."""
    if encoding == "utf-8":
        return raw
    if encoding == "utf-8-sig":
        return raw[len(codecs.BOM_UTF8) :]
    return text.encode("utf-8")


def decode(path: Path, raw: bytes, encoding: str | None) -> tuple[str, str]:
    """(text, encoding used): BOMs first, then strict UTF-8, then charset-normalizer's guess."""
    if encoding:
        try:
            return raw.decode(encoding), encoding
        except (LookupError, UnicodeDecodeError) as exc:
            raise NotASpreadsheet(
                f"'{path.name}' cannot be read as {encoding}.",
                hint="Leave the encoding to Rowboat, or pick the one the file was saved with.",
                detail=str(exc),
            ) from exc
    if raw.startswith(codecs.BOM_UTF8):
        return raw[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return raw.decode("utf-16", errors="replace"), "utf-16"
    if b"\x00" not in raw[:4096]:
        try:
            return raw.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            pass
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
    if name is None or (b"\x00" in raw[:4096] and not name.startswith("utf_16")):
        raise NotASpreadsheet(
            f"'{path.name}' is not a text table or spreadsheet Rowboat can read.",
            hint="Open it in Excel and save it again as .xlsx or CSV.",
        )
    name = "cp1252" if name in {"latin_1", "iso8859_1", "windows_1252"} else name
    return raw.decode(name, errors="replace"), name.replace("_", "-")


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


def _check_text(path: Path, text: str) -> None:
    if "\x00" in text or sum(1 for ch in text[:4096] if ord(ch) < 9) > 8:
        raise NotASpreadsheet(
            f"'{path.name}' is not a text table (it holds binary data).",
            hint="Open it in Excel and save it again as .xlsx or CSV.",
        )


def _unreadable(path: Path, exc: csv.Error) -> NotASpreadsheet:
    return NotASpreadsheet(
        f"'{path.name}' could not be read as a table.",
        hint="Open it in Excel and save it again as CSV.",
        detail=str(exc),
    )


def read_head(path: Path, text: str, delimiter: str, count: int) -> list[list[str]]:
    """The first `count` records (a quoted line break stays inside its record)."""
    _check_text(path, text)
    # A prefix holds the top of a big file; its cut-off last record is never among the first
    # `count` unless the prefix holds no more than that, and then the whole text is read.
    for sample in (text[:_SAMPLE_BYTES], text):
        reader = csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter)
        try:
            records = list(itertools.islice(reader, count + 1))
        except csv.Error as exc:
            if len(sample) < len(text):
                continue  # a quote the prefix cut in half: read the whole text
            raise _unreadable(path, exc) from exc
        if len(records) > count or len(sample) == len(text):
            break
    return records[:count]


def read_records(path: Path, text: str, delimiter: str) -> list[list[str]]:
    """Every record of the file; record i is row i+1 as Excel shows it (a quoted line break
    stays inside its record)."""
    _check_text(path, text)
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise _unreadable(path, exc) from exc
    if not any(any(c.strip() for c in r) for r in records):
        raise EmptyFile(f"'{path.name}' has no rows.", hint="Choose the file that holds your rows.")
    return records


def columns_of(records: list[list[str]], width: int) -> list[pa.Array]:
    """Records as `width` text columns, short records padded with empty cells."""
    body = [r + [""] * (width - len(r)) for r in records]
    return [pa.array([r[i] for r in body], type=pa.large_string()) for i in range(width)]


def fast_body(
    data: bytes, text: str, delimiter: str, header_index: int, width: int
) -> list[pa.Array] | None:
    """The rows below the header parsed by pyarrow from the file's UTF-8 bytes, or None where
    only the csv module numbers rows right: blank lines (pyarrow drops them), rows of uneven
    width, or a small file, where the csv module is quick enough. `width` is the widest record
    seen near the header: every column up to it is read as text, never as a number."""
    import pyarrow.csv as pacsv

    if len(text) < _FAST_FROM_CHARS:
        return None
    if "\n\n" in text or "\n\r\n" in text or "\r\r" in text:
        return None
    try:
        table = pacsv.read_csv(
            pa.py_buffer(data),
            read_options=pacsv.ReadOptions(
                skip_rows=header_index + 1, autogenerate_column_names=True
            ),
            # Line breaks can only hide inside quotes; without quotes pyarrow splits faster.
            parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values='"' in text),
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
