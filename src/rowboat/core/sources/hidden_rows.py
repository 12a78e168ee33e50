"""Rows hidden in Excel: the rows an xlsx sheet marks hidden, and those its AutoFilter hides.

calamine reads every row, hidden or not, and says nothing of either, so the sheet's part is read
here too: a row Excel hides is written `<row r="7" hidden="1">`, and a sheet with an AutoFilter
says `<autoFilter ref="A1:F90">` (filtered-out rows are hidden rows inside that range). The scan
runs on a thread beside calamine's read (zlib and calamine both let go of the GIL), so it costs
no time of its own on a machine with two cores; only parts that mention "hidden" are parsed.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rowboat.core.sources.cell_span import split_ref

if TYPE_CHECKING:
    from pathlib import Path

__all__ = ["HiddenRows", "scan_hidden_rows", "start_scan"]

_CHUNK = 4 * 1024**2
_CARRY_LIMIT = 64 * 1024  # a tag longer than this is not a row tag
_ROW_TAG = re.compile(rb"<(?:\w+:)?row\b([^>]*)>")
_HIDDEN = re.compile(rb"\bhidden\s*=\s*[\"'](?:1|true)[\"']")
_ROW_NUMBER = re.compile(rb"\br\s*=\s*[\"'](\d+)[\"']")
_AUTO_FILTER = re.compile(rb"<(?:\w+:)?autoFilter\b[^>]*?\bref\s*=\s*[\"']([^\"']+)[\"']")
_FILTER_COLUMN = re.compile(rb"<(?:\w+:)?filterColumn\b")


@dataclass
class HiddenRows:
    """What one sheet hides: 1-based row numbers, and the AutoFilter's rows (first, last) when it
    filters on at least one column."""

    rows: set[int] = field(default_factory=set)
    filter_range: tuple[int, int] | None = None
    _has_filter: bool = False
    _filter_ref: tuple[int, int] | None = None
    _carry: bytes = b""

    def filtered(self, row: int) -> bool:
        """Whether a hidden row is hidden by the AutoFilter (rather than by hand)."""
        span = self.filter_range
        return span is not None and span[0] < row <= span[1]

    def feed(self, chunk: bytes) -> None:
        data = self._carry + chunk
        cut = data.rfind(b"<")
        if cut < 0:
            self._carry = b""
            buf = data
        else:
            buf, self._carry = data[:cut], data[cut:]
            if len(self._carry) > _CARRY_LIMIT:
                self._carry = b""
        if b"hidden" in buf:
            for tag in _ROW_TAG.finditer(buf):
                attrs = tag.group(1)
                if b"hidden" in attrs and _HIDDEN.search(attrs):
                    number = _ROW_NUMBER.search(attrs)
                    if number is not None:  # Excel always numbers its rows
                        self.rows.add(int(number.group(1)))
        if b"autoFilter" in buf:
            found = _AUTO_FILTER.search(buf)
            if found is not None:
                corners = [split_ref(ref) for ref in found.group(1).split(b":")]
                if all(c is not None for c in corners):
                    rows = [c[0] for c in corners if c is not None]
                    self._filter_ref = (min(rows), max(rows))
            self._has_filter = self._has_filter or bool(_FILTER_COLUMN.search(buf))
        if self._has_filter and self._filter_ref is not None:
            self.filter_range = self._filter_ref

    def finish(self) -> HiddenRows:
        if self._carry:
            carry, self._carry = self._carry, b""
            self.feed(carry + b"<")
        return self


def scan_hidden_rows(path: Path, index: int) -> HiddenRows:
    """The hidden rows of sheet `index` (0-based) of an xlsx or xlsm; none for other files.

    Call it only after workbook_parts.check_sheet accepted the sheet: the part is unpacked in
    chunks, but its size and packing are trusted from that check."""
    from rowboat.core.sources.workbook_parts import sheet_part_name

    found = HiddenRows()
    try:
        with zipfile.ZipFile(path) as z:
            part = sheet_part_name(z, index)
            if not part:
                return found
            with z.open(part) as stream:
                while chunk := stream.read(_CHUNK):
                    found.feed(chunk)
    except (KeyError, OSError, zipfile.BadZipFile, EOFError, ValueError, NotImplementedError,
            zlib.error):  # fmt: skip
        return HiddenRows()  # calamine's own read says what is wrong with a damaged file
    return found.finish()


def start_scan(path: Path, index: int) -> Future[HiddenRows]:
    """scan_hidden_rows on a thread of its own, to run beside calamine's read of the sheet."""
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="rowboat-hidden-rows")
    future = pool.submit(scan_hidden_rows, path, index)
    pool.shutdown(wait=False)
    return future
