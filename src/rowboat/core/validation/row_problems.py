"""RowProblems: one row's problems put together as validate() puts them, in its order and words.

A row's problems are its fields' own findings, repeats of an earlier row, required cells left
empty, required fields no column is mapped to, and the endpoint's rules across fields. The rules
run through validate()'s own code (engine.check_rule); the sentences for required cells and repeats
are validate()'s, mirrored, and tests/core/test_validation_edits.py keeps the two in step.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa

from rowboat.core.arrow_text import as_series
from rowboat.core.targets.schema import FieldType
from rowboat.core.validation.engine import IssueLog, check_rule, column_of
from rowboat.core.validation.result import Issue

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from rowboat.core.targets.schema import Field, Rule
    from rowboat.core.validation.result import ValidationResult
    from rowboat.core.validation.revalidate import FieldCheck

__all__ = ["RowProblems"]


class RowProblems:
    """What one endpoint and mapping make of a row's checked fields."""

    def __init__(self, result: ValidationResult, fields: Sequence[Field]) -> None:
        self._endpoint, self._mapping = result.endpoint, result.mapping
        self._source_rows = result.table.source_rows
        self._fields = tuple(fields)  # the mapped fields, in the result's values order
        self._column = {f.key: column_of(result.mapping, f.key) for f in fields}
        self.unique = frozenset(f.key for f in fields if f.unique or f.type is FieldType.EMAIL)
        mapped = {f.key for f in fields}
        self._unmapped = [f for f in result.endpoint.required_fields if f.key not in mapped]

    def row(
        self,
        pos: int,
        checks: Sequence[FieldCheck],
        rules: Sequence[tuple[Issue, ...]],
        first_row: Callable[[str, int], int | None],
    ) -> tuple[Issue, ...]:
        """Every problem of row `pos`; `first_row(field, pos)` is the earliest row holding the
        same value (for repeats)."""
        row = int(self._source_rows[pos])
        issues: list[Issue] = []
        for f, c in zip(self._fields, checks, strict=True):
            column = self._column[f.key]
            if c.problem is not None:
                issues.append(Issue(row, column, f.key, *c.problem, c.raw))
            if f.key in self.unique and c.normal != "":
                first = first_row(f.key, pos)
                if first is not None and first != pos:
                    message = f"'{c.raw}' is already on row {int(self._source_rows[first])}."
                    issues.append(Issue(row, column, f.key, "duplicate", message, c.raw))
            if f.required and not c.filled:
                message = f"{f.label} is required but empty."
                issues.append(Issue(row, column, f.key, "required", message, c.raw))
        for f in self._unmapped:
            message = f"{f.label} is required, and no column of the file is mapped to it."
            issues.append(Issue(row, None, f.key, "required", message, ""))
        for found in rules:
            issues.extend(found)
        issues.sort(key=lambda issue: issue.field)  # stable, as validate() sorts
        return tuple(issues)

    def rule(
        self, rule: Rule, positions: list[int], checks: list[tuple[FieldCheck, ...]]
    ) -> list[tuple[Issue, ...]]:
        """One rule's findings for each of these rows, by validate()'s own rule code."""
        if not positions:
            return []
        log = IssueLog(self._source_rows[np.array(positions, dtype=np.int64)])
        index = pd.RangeIndex(len(positions))
        used = [(i, f) for i, f in enumerate(self._fields) if f.key in rule.fields]
        frame = pd.DataFrame(
            {
                f.key: as_series(pa.array([c[i].normal for c in checks], pa.large_string()), index)
                for i, f in used
            },
            index=index,
        )
        filled = {f.key: np.array([c[i].filled for c in checks], dtype=bool) for i, f in used}
        check_rule(log, rule, self._endpoint, frame, filled, self._mapping)
        found: list[list[Issue]] = [[] for _ in positions]
        if log.positions:
            for p, r, c, f, k, m, v in log.frame().itertuples(index=False):
                found[int(p)].append(Issue(int(r), c, str(f), str(k), str(m), str(v)))
        return [tuple(f) for f in found]
