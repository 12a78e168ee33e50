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
from typing import TYPE_CHECKING

from rowboat.core.errors import NotASpreadsheet
from rowboat.core.sources.cell_span import CellSpan, split_ref
from rowboat.core.sources.limits import (
    FULL_SCAN_BYTES,
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

__all__ = ["check_sheet", "check_zip_parts", "sheet_part_name"]

_CHUNK = 4 * 1024**2  # unpacked bytes looked at at a time; below MAX_XML_RUN_BYTES
_READ = 1024**2  # packed bytes read from the file at a time
# The parts calamine reads when it opens a workbook; each sheet's part is checked when it is read.
_OPENED = re.compile(
    r"^(?:\[Content_Types\]\.xml|_rels/\.rels|xl/workbook\.xml|xl/_rels/workbook\.xml\.rels|"
    r"xl/styles\.xml|xl/sharedStrings\.xml|content\.xml|styles\.xml|META-INF/manifest\.xml)$",
    re.IGNORECASE,
)
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
            # Past FULL_SCAN_BYTES a scan would cost a quarter of the read itself: a part that
            # states its used range (Excel, LibreOffice and the usual writers state the true
            # one) is judged by its entry and that range; any other part is scanned whole.
            span = None
            if info.file_size > FULL_SCAN_BYTES:
                head = _head(path, info)
                if _DTD.search(head):
                    why = "it declares XML entities"
                    raise unsafe_part(path, info.filename, why, "DTD in part")
                span = _dimension(head)
            if span is not None:
                sparse_sheet(path, name, span, info.file_size // 16)
                continue
            scan = CellSpan()
            _check_part(path, info, scan.feed)
            if scan.cells:
                sparse_sheet(path, name, scan.span(), scan.cells)


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
    corners = [split_ref(ref) for ref in found.group(2).split(b":")]
    if any(c is None for c in corners) or not 1 <= len(corners) <= 2:
        return None
    (row_a, col_a), (row_b, col_b) = corners[0], corners[-1]  # type: ignore[misc]
    return min(row_a, row_b), max(row_a, row_b), min(col_a, col_b), max(col_a, col_b)


def _is_sheet(info: zipfile.ZipInfo) -> bool:
    return bool(_SHEET_PART.match(info.filename))


def _open_zip(path: Path) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError) as exc:
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
    if info.header_offset < 0:  # a damaged directory points before the file's start
        raise _damaged(path, f"{info.filename}: offset {info.header_offset}")
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


def sheet_part_name(z: zipfile.ZipFile, index: int) -> str:
    """The part holding the index-th sheet of an xlsx/xlsm ("" when the workbook does not say)."""
    return _sheet_part(z, index)


def _sheet_part(z: zipfile.ZipFile, index: int) -> str:
    """The part of the index-th sheet in the workbook's order, from workbook.xml and its rels."""
    try:
        book = z.read("xl/workbook.xml")  # both parts checked by check_zip_parts
        rels = z.read("xl/_rels/workbook.xml.rels")
    except (KeyError, zipfile.BadZipFile, OSError, zlib.error, NotImplementedError, RuntimeError):
        return ""  # every sheet part is checked instead
    ids = re.findall(rb"<(?:\w+:)?sheet\b[^>]*?\b\w*:?id\s*=\s*[\"']([^\"']+)", book)
    if not 0 <= index < len(ids):
        return ""
    for rel in re.finditer(rb"<(?:\w+:)?Relationship\b[^>]*>", rels):
        attrs = dict(re.findall(rb"(\w+)\s*=\s*[\"']([^\"']*)", rel.group(0)))
        if attrs.get(b"Id") == ids[index]:
            target = attrs.get(b"Target", b"").decode("utf-8", "replace").lstrip("/")
            return target if target.startswith("xl/") else f"xl/{target}"
    return ""
