"""What validation found: per-cell issues, which rows are valid, and the normalised payload."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from rowboat.core.decisions import DateOrder
from rowboat.core.targets.schema import FieldType

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

    import numpy.typing as npt
    import pandas as pd

    from rowboat.core.decisions import Decision
    from rowboat.core.mapping.model import FieldSource, Mapping
    from rowboat.core.table import Table
    from rowboat.core.targets.schema import Endpoint

__all__ = ["ISSUE_COLUMNS", "Issue", "ValidationOptions", "ValidationResult"]

ISSUE_COLUMNS = ["pos", "row", "column", "field", "code", "message", "value"]


@dataclass(frozen=True)
class ValidationOptions:
    default_region: str = "US"  # country for phones written without +code
    decimal_comma: bool | None = None  # None: a column of "149,50" with no dots uses commas
    day_first: bool | None = None  # None: decided per column (13/03 settles it; US means month)
    date_order: DateOrder | None = None  # for every date column; wins over day_first
    serial_dates: bool | None = None  # None: Excel serial numbers in date columns read as dates
    region_source: str = "default"  # "given" (by the user), "locale" (the computer's), "default"

    def given_order(self, source: FieldSource | None) -> DateOrder | None:
        """The date order chosen for a field: its own (mapping), else the file's, else none."""
        if source is not None and source.date_order is not None:
            return source.date_order
        if self.date_order is not None:
            return self.date_order
        if self.day_first is not None:
            return DateOrder.DMY if self.day_first else DateOrder.MDY
        return None

    def decimal_comma_for(self, source: FieldSource | None) -> bool | None:
        if source is not None and source.decimal_comma is not None:
            return source.decimal_comma
        return self.decimal_comma

    def serial_dates_for(self, source: FieldSource | None) -> bool:
        if source is not None and source.serial_dates is not None:
            return source.serial_dates
        return self.serial_dates is not False


@dataclass(frozen=True)
class Issue:
    row: int  # 1-based row number in the user's file
    column: str | None  # the file's column, None for a constant or an unmapped field
    field: str
    code: str
    message: str
    value: str


@dataclass(frozen=True)
class ValidationResult:
    """`values` holds the normalised value of every mapped field (index aligned with the table);
    `issues` one row per problem with ISSUE_COLUMNS, sorted by position. `decisions` are every
    choice made reading the file and checking its columns, the guesses first."""

    table: Table
    endpoint: Endpoint
    mapping: Mapping
    options: ValidationOptions
    values: pd.DataFrame
    valid: npt.NDArray[np.bool_]
    issues: pd.DataFrame
    blockers: tuple[str, ...] = ()
    decisions: tuple[Decision, ...] = ()

    @property
    def valid_count(self) -> int:
        return int(self.valid.sum())

    @property
    def invalid_count(self) -> int:
        return len(self.valid) - self.valid_count

    def __len__(self) -> int:
        return len(self.valid)

    def issue_list(self, limit: int | None = None) -> list[Issue]:
        frame = self.issues if limit is None else self.issues.head(limit)
        return [
            Issue(int(r), None if c is None or c == "" else str(c), str(f), str(k), str(m), str(v))
            for r, c, f, k, m, v in zip(
                frame["row"].tolist(),
                frame["column"].tolist(),
                frame["field"].tolist(),
                frame["code"].tolist(),
                frame["message"].tolist(),
                frame["value"].tolist(),
                strict=True,
            )
        ]

    def issues_at(self, pos: int) -> list[Issue]:
        here = self.issues[self.issues["pos"] == pos]
        return ValidationResult.issue_list(_with_issues(self, here))

    def messages_by_position(self) -> pd.Series:
        """Every problem of a row in one line ("Email: ...; Phone: ..."), by table position."""
        labels = {f.key: f.label for f in self.endpoint.fields}
        text = self.issues["field"].map(labels).fillna(self.issues["field"])
        text = text + ": " + self.issues["message"]
        return text.groupby(self.issues["pos"]).agg("; ".join)

    def payload(self, positions: Sequence[int] | None = None) -> Iterator[dict[str, object]]:
        """Typed JSON values of the given rows (valid rows by default); empty fields omitted."""
        rows = np.flatnonzero(self.valid) if positions is None else np.asarray(positions)
        fields = [self.endpoint.field(k) for k in self.values.columns]
        columns = [self.values[f.key].to_numpy()[rows].tolist() for f in fields]
        for cells in zip(*columns, strict=True):
            record: dict[str, object] = {}
            for f, cell in zip(fields, cells, strict=True):
                if cell != "":
                    record[f.key] = _typed(f.type, f.multiple, cell)
            yield record


def _with_issues(result: ValidationResult, issues: pd.DataFrame) -> ValidationResult:
    from dataclasses import replace

    return replace(result, issues=issues)


def _typed(kind: FieldType, multiple: bool, cell: str) -> object:
    if multiple:
        return [_typed(kind, False, part) for part in cell.split(";")]
    if kind is FieldType.INTEGER:
        return int(cell)
    if kind is FieldType.DECIMAL:
        return float(cell)
    if kind is FieldType.BOOLEAN:
        return cell == "true"
    return cell
