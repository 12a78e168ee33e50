"""Checking a workbook's zip parts before fastexcel reads them: sizes, packing, and cell span.

fastexcel (calamine) trusts a workbook. It unpacks a part to whatever its compressed stream holds,
whatever the zip directory says; holds a run of text between two tags whole; reserves the shared
strings' `uniqueCount` up front; and builds a dense grid from the first to the last cell written,
so a 2 KB file with cells at A1 and XFD1048576 asks for 550 GB and aborts the process. So each part
it will read is checked first: the directory (sizes, ratio, method), then the part itself, unpacked
here in chunks and thrown away (its true size, its longest run, the shared strings' count, and
for a sheet the span of its cells). Unpacking costs a fraction of calamine's own read.
"""

from __future__ import annotations

import re
import struct
import zipfile
import zlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from rowboat.core.errors import NotASpreadsheet
from rowboat.core.sources.limits import (
    MAX_PART_BYTES,
    MAX_PART_RATIO,
    MAX_XML_RUN_BYTES,
    MAX_ZIP_PARTS,
    RATIO_FREE_BYTES,
    sparse_sheet,
    unsafe_part,
)
from rowboat.core.sources.ods_content import OdsSpans

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path

__all__ = ["FULL_SCAN_BYTES", "check_sheet", "check_zip_parts"]

_CHUNK = 4 * 1024**2  # unpacked bytes looked at at a time; below MAX_XML_RUN_BYTES
_READ = 1024**2  # packed bytes read from the file at a time
# The parts calamine reads when it opens a workbook; each sheet's part is checked when it is read.
_OPENED = re.compile(
    r"^(?:\[Content_Types\]\.xml|_rels/\.rels|xl/workbook\.xml|xl/_rels/workbook\.xml\.rels|"
    r"xl/styles\.xml|xl/sharedStrings\.xml|content\.xml|styles\.xml|META-INF/manifest\.xml)$",
    re.IGNORECASE,
)
FULL_SCAN_BYTES = 32 * 1024**2  # sheet parts up to this size unpacked are scanned cell by cell
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\b[^>]*?\bref\s*=\s*([\"'])([^\"']*)\1")
_SHEET_PART = re.compile(r"^xl/worksheets/[^/]+\.xml$", re.IGNORECASE)
_UNIQUE_COUNT = re.compile(rb"<(?:\w+:)?sst\b[^>]*?\buniqueCount\s*=\s*[\"'](\d+)")
_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)


def check_zip_parts(path: Path) -> None:
    """Refuse a workbook whose zip directory or opening parts are unsafe to hand to fastexcel.

    Checks every part's entry (count, method, unpacked size, packing ratio) and unpacks the parts
    read on opening (workbook, relationships, styles, shared strings, ods content) to check them.
    """
    with _open_zip(path) as z:
        infos = z.infolist()
        if len(infos) > MAX_ZIP_PARTS:
            raise unsafe_part(path, "", f"it holds {len(infos):,} parts", f"parts={len(infos)}")
        for info in infos:
            _check_entry(path, info)
        for info in infos:
            if info.filename == "content.xml":  # an ods: every sheet is read on opening
                spans = OdsSpans()
                _check_part(path, info, spans.feed)
                for i, (name, rows, cols, cells) in enumerate(spans.sheets, start=1):
                    if rows and cols:
                        sparse_sheet(path, name or f"Sheet{i}", (1, rows, 1, cols), cells)
            elif _OPENED.match(info.filename):
                _check_part(path, info)


def check_sheet(path: Path, index: int, name: str) -> None:
    """Refuse sheet `index` (0-based) of an xlsx/xlsm, or the sheets of an ods, where it is unsafe:
    a part that unpacks past its limits, or cells spanning far more than the reader may hold."""
    with _open_zip(path) as z:
        names = {i.filename: i for i in z.infolist()}
        if "content.xml" in names:
            return  # an ods: its sheets are all read, and checked, on opening (check_zip_parts)
        part = _sheet_part(z, index)
        infos = [names[part]] if part in names else [i for i in names.values() if _is_sheet(i)]
        for info in infos:
            if info.file_size <= FULL_SCAN_BYTES:
                scan = _CellSpan()
                _check_part(path, info, scan.feed)
                if scan.cells:
                    sparse_sheet(path, name, scan.span(), scan.cells)
                continue
            # Past FULL_SCAN_BYTES the scan would cost a quarter of the read itself: the part is
            # judged by its entry and its head, where Excel, LibreOffice and the usual writers
            # give the sheet's true used range.
            head = _head(path, info)
            if _DTD.search(head):
                raise unsafe_part(path, info.filename, "it declares XML entities", "DTD in part")
            span = _dimension(head)
            if span is not None:
                sparse_sheet(path, name, span, info.file_size // 16)


def _head(path: Path, info: zipfile.ZipInfo) -> bytes:
    """The first 64 KB of a part, unpacked."""
    head = b""
    for chunk in _unpacked(path, info, stop=64 * 1024):
        head += chunk
    return head[: 64 * 1024]


def _dimension(head: bytes) -> tuple[int, int, int, int] | None:
    """The span a sheet's <dimension ref="A1:L100"> states, if it states one."""
    found = _DIMENSION.search(head)
    if found is None:
        return None
    corners = [_split_ref(ref) for ref in found.group(2).split(b":")]
    if any(c is None for c in corners) or not 1 <= len(corners) <= 2:
        return None
    (row_a, col_a), (row_b, col_b) = corners[0], corners[-1]  # type: ignore[misc]
    return min(row_a, row_b), max(row_a, row_b), min(col_a, col_b), max(col_a, col_b)


def _is_sheet(info: zipfile.ZipInfo) -> bool:
    return bool(_SHEET_PART.match(info.filename))


def _open_zip(path: Path) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise _damaged(path, repr(exc)) from exc


def _damaged(path: Path, detail: str) -> NotASpreadsheet:
    return NotASpreadsheet(
        f"'{path.name}' could not be read as a workbook (it may be damaged or cut short).",
        hint="Open it in Excel and save it again, or export it as CSV.",
        detail=detail,
    )


def _check_entry(path: Path, info: zipfile.ZipInfo) -> None:
    name, size, packed = info.filename, info.file_size, info.compress_size
    if size > MAX_PART_BYTES:
        why = f"one of its parts would unpack to {size / 1024**3:,.1f} GB"
        raise unsafe_part(path, name, why, f"size={size}")
    if size > RATIO_FREE_BYTES and size > MAX_PART_RATIO * max(packed, 1):
        why = f"one of its parts is packed {size // max(packed, 1):,} times tighter than a sheet"
        raise unsafe_part(path, name, why, f"size={size} packed={packed}")


def _check_part(
    path: Path, info: zipfile.ZipInfo, feed: Callable[[bytes], None] | None = None
) -> None:
    """Unpack one part in chunks: it must end where its entry says, hold no DTD (entities expand
    without bound), no run longer than MAX_XML_RUN_BYTES, and no false shared-strings count."""
    if info.flag_bits & 0x1:
        raise _damaged(path, f"{info.filename}: encrypted zip entry")
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise _damaged(path, f"{info.filename}: compression method {info.compress_type}")
    total, run, head = 0, 0, b""
    for chunk in _unpacked(path, info):
        total += len(chunk)
        if len(head) < 4096:
            head += chunk[: 4096 - len(head)]
        last = chunk.rfind(b"<")
        run = run + len(chunk) if last < 0 else len(chunk) - last - 1
        if run > MAX_XML_RUN_BYTES:
            why = "it holds a run of text or a tag too long to be a cell"
            raise unsafe_part(path, info.filename, why, f"run>{MAX_XML_RUN_BYTES}")
        if feed is not None:
            feed(chunk)
    if _DTD.search(head):
        raise unsafe_part(path, info.filename, "it declares XML entities", "DTD in part")
    found = _UNIQUE_COUNT.search(head)
    if found and int(found.group(1)) > total // 4:  # each string takes at least "<si/>"
        why = "its list of texts claims more entries than it holds"
        raise unsafe_part(
            path, info.filename, why, f"uniqueCount={int(found.group(1))} size={total}"
        )


def _unpacked(path: Path, info: zipfile.ZipInfo, stop: int = 0) -> Iterator[bytes]:
    """The part's bytes in chunks of at most _CHUNK, never more than its entry's size: a stream
    that goes on past it is what calamine would unpack regardless, so it is refused. With `stop`,
    only about its first `stop` bytes."""
    with path.open("rb") as f:
        f.seek(info.header_offset)
        local = f.read(30)
        if len(local) < 30 or local[:4] != b"PK\x03\x04":
            raise _damaged(path, f"{info.filename}: no local header")
        name_len, extra_len = struct.unpack("<HH", local[26:30])
        f.seek(info.header_offset + 30 + name_len + extra_len)
        left, total = info.compress_size, 0
        inflate = zlib.decompressobj(-15) if info.compress_type == zipfile.ZIP_DEFLATED else None
        while left > 0 and (inflate is None or not inflate.eof):
            packed = f.read(min(_READ, left))
            if not packed:
                raise _damaged(path, f"{info.filename}: cut short")
            left -= len(packed)
            while packed:
                if inflate is None:
                    chunk, packed = packed, b""
                else:
                    try:
                        chunk = inflate.decompress(packed, _CHUNK)
                    except zlib.error as exc:
                        raise _damaged(path, f"{info.filename}: {exc}") from exc
                    packed = inflate.unconsumed_tail
                total += len(chunk)
                if total > info.file_size:
                    why = "one of its parts unpacks to more than its directory says"
                    raise unsafe_part(path, info.filename, why, f"size>{info.file_size}")
                if chunk:
                    yield chunk
                if stop and total >= stop:
                    return
        if total != info.file_size or (inflate is not None and not inflate.eof):
            raise _damaged(path, f"{info.filename}: {total} bytes unpacked of {info.file_size}")


def _sheet_part(z: zipfile.ZipFile, index: int) -> str:
    """The part of the index-th sheet in the workbook's order, from workbook.xml and its rels."""
    try:
        book = z.read("xl/workbook.xml")  # both parts checked by check_zip_parts
        rels = z.read("xl/_rels/workbook.xml.rels")
    except (KeyError, zipfile.BadZipFile, OSError, zlib.error):
        return ""
    ids = re.findall(rb"<(?:\w+:)?sheet\b[^>]*?\b\w*:?id\s*=\s*[\"']([^\"']+)", book)
    if not 0 <= index < len(ids):
        return ""
    for rel in re.finditer(rb"<(?:\w+:)?Relationship\b[^>]*>", rels):
        attrs = dict(re.findall(rb"(\w+)\s*=\s*[\"']([^\"']*)", rel.group(0)))
        if attrs.get(b"Id") == ids[index]:
            target = attrs.get(b"Target", b"").decode("utf-8", "replace").lstrip("/")
            return target if target.startswith("xl/") else f"xl/{target}"
    return ""


@dataclass
class _CellSpan:
    """The span of the cells a sheet part writes, as calamine will place them.

    The common shape (every cell written `<c r="A1"...`) is read with numpy a chunk at a time;
    anything else (cells without a reference, prefixed or oddly quoted) goes through a slower
    tokenizer that follows calamine's rules, so no way of writing a cell escapes the count."""

    cells: int = 0
    first_row: int = 1 << 62
    last_row: int = 0
    first_col: int = 1 << 62
    last_col: int = 0
    row: int = 0  # the slow path's current row and column, as calamine counts them
    col: int = 0
    carry: bytes = b""

    def span(self) -> tuple[int, int, int, int]:
        return self.first_row, self.last_row, self.first_col, self.last_col

    def feed(self, chunk: bytes) -> None:
        data = self.carry + chunk
        cut = data.rfind(b"<")  # the last tag may go on in the next chunk
        if cut < 0:
            self.carry = b""  # text only (runs are bounded by the caller)
            return
        self.carry = data[cut:]
        if not self._fast(data[:cut] + _PAD):
            self._slow(data[:cut])

    def _take(self, rows: np.ndarray, cols: np.ndarray) -> None:
        if len(rows):
            self.cells += len(rows)
            self.first_row = min(self.first_row, int(rows.min()))
            self.last_row = max(self.last_row, int(rows.max()))
            self.first_col = min(self.first_col, int(cols.min()))
            self.last_col = max(self.last_col, int(cols.max()))

    def _fast(self, buf: bytes) -> bool:
        """Take the references of the cells in `buf` (which ends with _PAD zero bytes) if every
        cell element is written `<c r="REF"`; False if one is not (prefixed, quoted otherwise)."""
        n = len(buf) - len(_PAD)
        a = np.frombuffer(buf, dtype=np.uint8)
        at = np.flatnonzero(a[1:n] == 0x63) + 1  # every "c": few besides the cells' own
        before, after = a[at - 1], a[at + 1]
        at = at[
            ((before == 0x3C) | (before == 0x3A))
            & ((after <= 32) | (after == 0x3E) | (after == 0x2F))
        ]
        at -= 1
        # Rows: each must be `<row r="N"`, so that a cell without a reference in a later chunk
        # goes on from a known place: the last row begun, or the last cell written.
        rows_written = buf.count(b"<row") - buf.count(b"<rowBreaks")
        if rows_written != buf.count(b'<row r="') or b":row" in buf:
            return False
        last_row = buf.rfind(b'<row r="')
        row_after = b""  # the number of a row begun after the last cell
        if last_row >= 0 and (not len(at) or last_row > at[-1]):
            row_after = buf[last_row + 8 : buf.find(b'"', last_row + 8, last_row + 20)]
            if not row_after.isdigit():
                return False
        if not len(at):
            if row_after:
                self.row, self.col = int(row_after), 0
            return True
        if (a[at] != 0x3C).any():
            return False  # a prefixed cell (x:c): the careful way
        if (_words(buf, n, "<u4")[at + 2] != _R_EQUALS).any():
            return False  # a cell without a reference, or one written otherwise
        second, third = a[at + 7], a[at + 8]
        two = (second >= 65) & (second <= 90)
        three = two & (third >= 65) & (third <= 90)
        letters = 1 + two.astype(np.int64) + three
        first, fourth = a[at + 6], a[at + 9]
        if ((first < 65) | (first > 90) | (three & (fourth >= 65) & (fourth <= 90))).any():
            return False  # no letter, or more than three: no column Excel can have
        # Up to 7 digits and the closing quote, as one 64-bit word each; the quote's byte is
        # found with the zero-byte trick, and the digits before it are checked to be digits.
        word = _words(buf, n, "<u8")[at + 6 + letters]
        quoted = word ^ _QUOTES
        flags = (quoted - _ONES) & ~quoted & _HIGHS
        digits = np.bitwise_count((flags & (~flags + np.uint64(1))) - np.uint64(1)) // 8
        if not ((digits >= 1) & (digits <= 7)).all():
            return False
        each = word.view(np.uint8).reshape(-1, 8)
        inside = _EIGHT[None, :] < digits[:, None].astype(np.uint8)
        if (((each < 48) | (each > 57)) & inside).any():
            return False
        row_keys = word.byteswap() >> (np.uint64(8) * (np.uint64(8) - digits.astype(np.uint64)))
        row_keys |= digits.astype(np.uint64) << np.uint64(56)
        col_word = _words(buf, n, ">u4")[at + 6]
        col_keys = col_word >> (np.uint32(8) * (np.uint32(4) - letters.astype(np.uint32)))
        col_keys |= letters.astype(np.uint32) << np.uint32(24)
        rows = np.array([_row_of(row_keys.min()), _row_of(row_keys.max())], dtype=np.int64)
        cols = np.array([_col_of(col_keys.min()), _col_of(col_keys.max())], dtype=np.int64)
        self._take(rows, cols)
        self.cells += len(at) - 2  # _take counted the two it was given
        if row_after:
            self.row, self.col = int(row_after), 0
        else:
            end = buf.find(b'"', at[-1] + 6, at[-1] + 20)
            place = _split_ref(buf[at[-1] + 6 : end])
            assert place is not None  # checked above, with every reference
            self.row, self.col = place
        return True

    def _slow(self, buf: bytes) -> None:
        """Cells and rows as calamine places them: by their reference, else one past the last."""
        rows: list[int] = []
        cols: list[int] = []
        for tag in _TAG.finditer(buf):
            kind, attrs = tag.group(1), tag.group(2)
            ref = _REF.search(attrs)
            if kind == b"row":
                number = ref.group(2) if ref else b""
                self.row = int(number) if number.isdigit() else self.row + 1
                self.col = 0
                continue
            parsed = _split_ref(ref.group(2)) if ref else None
            if parsed is not None:
                self.row, self.col = parsed
            else:
                self.col += 1
            rows.append(max(self.row, 1))
            cols.append(self.col)
        self._take(np.array(rows, dtype=np.int64), np.array(cols, dtype=np.int64))


_PAD = bytes(16)  # lets the scan read a few bytes past the last tag of a chunk
_R_EQUALS = np.uint32(int.from_bytes(b' r="', "little"))
_QUOTES = np.uint64(0x2222222222222222)
_ONES = np.uint64(0x0101010101010101)
_HIGHS = np.uint64(0x8080808080808080)
_EIGHT = np.arange(8, dtype=np.uint8)


def _words(buf: bytes, n: int, kind: str) -> np.ndarray:
    """The 4- or 8-byte word starting at every byte of `buf[:n]`, without copying."""
    return np.ndarray(shape=(n,), dtype=kind, buffer=buf, strides=(1,))


_TAG = re.compile(rb"<(?:[\w.-]+:)?(row|c)(?=[\s/>])([^>]*)>")
_REF = re.compile(rb"(?<![\w:.-])r\s*=\s*([\"'])(.*?)\1", re.DOTALL)


def _row_of(key: np.uint64) -> int:
    """A row number from its key: length in the top byte, then its ASCII digits."""
    length = int(key) >> 56
    return int((int(key) & ((1 << 56) - 1)).to_bytes(7, "big")[7 - length :])


def _col_of(key: np.uint32) -> int:
    """A column number from its key: letter count in the top byte, then its ASCII letters."""
    length = int(key) >> 24
    col = 0
    for letter in (int(key) & 0xFFFFFF).to_bytes(3, "big")[3 - length :]:
        col = col * 26 + letter - 64
    return col


def _split_ref(ref: bytes) -> tuple[int, int] | None:
    """A cell reference's (row, column), 1-based; None when it is not one."""
    found = re.fullmatch(rb"\s*\$?([A-Za-z]{1,8})\$?(\d{1,12})\s*", ref)
    if found is None:
        return None
    col = 0
    for letter in found.group(1).upper():
        col = col * 26 + letter - 64
    return int(found.group(2)), col
