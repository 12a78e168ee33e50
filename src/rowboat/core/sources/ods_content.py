"""The span of each sheet in an ods `content.xml`, counted as calamine expands repeated cells.

An ods writes a run of equal cells once with `table:number-columns-repeated` and equal rows with
`table:number-rows-repeated`; calamine expands them into a dense grid (up to 100,000,000 cells,
3 GB) before it refuses, so a file of 1 KB can ask for that. Empty repeats, which LibreOffice
writes out to the sheet's edge, take no room: calamine trims them, and so does the count here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = ["OdsSpans"]

_TOKEN = re.compile(rb"<(/?)table:(table-row|table-cell|covered-table-cell|table)\b([^>]*?)(/?)>")
_ROWS = re.compile(rb"table:number-rows-repeated\s*=\s*[\"'](\d+)")
_COLS = re.compile(rb"table:number-columns-repeated\s*=\s*[\"'](\d+)")
_NAME = re.compile(rb"table:name\s*=\s*[\"']([^\"']*)")


@dataclass
class OdsSpans:
    """Fed content.xml chunk by chunk; `sheets` holds, per sheet in order, (name, rows spanned,
    columns spanned, cell elements with something in them)."""

    sheets: list[tuple[str, int, int, int]] = field(default_factory=list)
    name: str = ""
    row: int = 0  # rows begun in this sheet, repeats counted
    repeat: int = 1  # the current row's repeat
    col: int = 0  # columns begun in this row, repeats counted
    cell_end: int = 0  # the column after the current cell
    filled: bool = False  # the current row holds a cell with something in it
    open_cell: bool = False  # a cell is open: its content decides whether it holds something
    span_rows: int = 0
    span_cols: int = 0
    written: int = 0
    carry: bytes = b""

    def feed(self, chunk: bytes) -> None:
        data = self.carry + chunk
        cut = data.rfind(b"<")
        if cut < 0:
            self.carry = b""
            return
        self.carry, buf = data[cut:], data[:cut]
        last = 0
        for token in _TOKEN.finditer(buf):
            if self.open_cell and buf.find(b"<text:", last, token.start()) >= 0:
                self._fill()
            last = token.end()
            closing, kind, attrs, empty = token.groups()
            if kind == b"table":
                if closing:
                    self.sheets.append((self.name, self.span_rows, self.span_cols, self.written))
                else:
                    found = _NAME.search(attrs)
                    self.name = found.group(1).decode("utf-8", "replace") if found else ""
                    self.row = self.span_rows = self.span_cols = self.written = 0
            elif kind == b"table-row":
                if closing:
                    if self.filled:
                        self.span_rows = self.row + self.repeat
                    self.row += self.repeat
                else:
                    found = _ROWS.search(attrs)
                    self.repeat = int(found.group(1)) if found else 1
                    self.col, self.filled = 0, False
            elif not closing:
                found = _COLS.search(attrs)
                self.cell_end = self.col + (int(found.group(1)) if found else 1)
                self.open_cell = not empty
                if b"value-type" in attrs:
                    self._fill()
                self.col = self.cell_end
            else:
                self.open_cell = False

    def _fill(self) -> None:
        """The current cell holds something: its row reaches to the cell's last column."""
        self.span_cols = max(self.span_cols, self.cell_end)
        self.filled = True
        self.written += 1
        self.open_cell = False
