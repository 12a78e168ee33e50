"""Table: the cells of one sheet as the user sees them, and each row's number in the file."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    import numpy as np
    import numpy.typing as npt
    import pandas as pd

__all__ = ["SourceInfo", "Table"]


@dataclass(frozen=True)
class SourceInfo:
    """Where a Table came from and how it was read."""

    path: Path
    format: str  # "xlsx", "xlsm", "xls", "ods", "csv", "tsv", "txt"
    header_row: int  # 1-based row (or line) number of the header in the user's file
    header_detected: bool = True  # False when the user chose the header row
    sheet: str | None = None  # the sheet read, for workbooks
    sheets: tuple[str, ...] = ()  # every sheet of the workbook, in order
    encoding: str | None = None  # for text files: the encoding used ("utf-8-sig", "cp1252", ...)
    delimiter: str | None = None  # for text files: ",", ";", "\t" or "|"


@dataclass(frozen=True)
class Table:
    """The data rows of a sheet, as display strings.

    `frame` has one column per header, named by the unique header names (`columns`), every value a
    str as the user sees it in Excel ("" for an empty cell, never NaN), and a RangeIndex.
    `source_rows[i]` is the 1-based row number in the user's file of `frame` row i, so every
    message can point at the row the user sees. `headers` holds the header cells as read, before
    blank or duplicate names were made unique. `notes` are plain sentences about what reading
    noticed (skipped title rows, a totals row at the end, renamed headers).
    """

    frame: pd.DataFrame
    source_rows: npt.NDArray[np.int64]
    headers: tuple[str, ...]
    info: SourceInfo
    notes: tuple[str, ...] = field(default=())

    @property
    def columns(self) -> list[str]:
        return [str(c) for c in self.frame.columns]

    def __len__(self) -> int:
        return len(self.frame)

    def chunks(self, size: int) -> Iterator[slice]:
        """Row slices of at most `size` rows, for work that reports progress between them."""
        for start in range(0, len(self.frame), size):
            yield slice(start, min(start + size, len(self.frame)))
