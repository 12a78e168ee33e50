"""The span of the cells a sheet part writes, found as calamine will place them.

calamine builds a dense grid from the first to the last cell a sheet writes; this finds that span
without building anything: numpy reads the common form a chunk at a time, a tokenizer following
calamine's rules reads every other, so no way of writing a cell escapes the count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

__all__ = ["CellSpan", "split_ref"]


@dataclass
class CellSpan:
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
            place = split_ref(buf[at[-1] + 6 : end])
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
            parsed = split_ref(ref.group(2)) if ref else None
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


def split_ref(ref: bytes) -> tuple[int, int] | None:
    """A cell reference's (row, column), 1-based; None when it is not one."""
    found = re.fullmatch(rb"\s*\$?([A-Za-z]{1,8})\$?(\d{1,12})\s*", ref)
    if found is None:
        return None
    col = 0
    for letter in found.group(1).upper():
        col = col * 26 + letter - 64
    return int(found.group(2)), col
