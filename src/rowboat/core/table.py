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

    from rowboat.core.decisions import DateOrder, Decision

__all__ = ["LocaleHint", "SourceInfo", "Table"]


@dataclass(frozen=True)
class LocaleHint:
    """What the file itself says about the country it comes from, for dates nothing settles.

    `order` is the date order such files write; `reason` finishes "the column was read
    day-first because …" ("the file's headers are German"); `evidence` is the full sentence.
    """

    order: DateOrder
    reason: str
    evidence: str


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
    locale_hint: LocaleHint | None = None  # the date order the file's headers or numbers suggest
    hidden_rows: int = 0  # data rows hidden in Excel (filtered out by an AutoFilter included)
    filtered_rows: int = 0  # of those, the rows an AutoFilter hides
    hidden_rows_skipped: bool = False  # True when the hidden rows were left out of the table


@dataclass(frozen=True)
class Table:
    """The data rows of a sheet, as display strings.

    `frame` has one column per header, named by the unique header names (`columns`), every value a
    str as the user sees it in Excel ("" for an empty cell, never NaN), and a RangeIndex.
    `source_rows[i]` is the 1-based row number in the user's file of `frame` row i, so every
    message can point at the row the user sees. `headers` holds the header cells as read, before
    blank or duplicate names were made unique. `notes` are plain sentences about what reading
    noticed (skipped title rows, a totals row at the end, renamed headers). `decisions` are the
    choices reading made, each with its evidence and override (rowboat.core.decisions).
    """

    frame: pd.DataFrame
    source_rows: npt.NDArray[np.int64]
    headers: tuple[str, ...]
    info: SourceInfo
    notes: tuple[str, ...] = field(default=())
    decisions: tuple[Decision, ...] = field(default=())

    @property
    def columns(self) -> list[str]:
        return [str(c) for c in self.frame.columns]

    def __len__(self) -> int:
        return len(self.frame)

    def chunks(self, size: int) -> Iterator[slice]:
        """Row slices of at most `size` rows, for work that reports progress between them."""
        for start in range(0, len(self.frame), size):
            yield slice(start, min(start + size, len(self.frame)))
