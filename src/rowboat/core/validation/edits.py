"""ReviewEdits: the cells a person changed while reviewing, each row's problems now, and the
corrected result for export and submission. The user's file is never touched: edits live here."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa

from rowboat.core.arrow_text import as_arrow, as_series
from rowboat.core.validation.result import ISSUE_COLUMNS, ValidationResult
from rowboat.core.validation.revalidate import RowChecker

if TYPE_CHECKING:
    from collections.abc import Mapping

    import numpy.typing as npt

    from rowboat.core.table import Table
    from rowboat.core.validation.result import Issue
    from rowboat.core.validation.revalidate import Preparation

__all__ = ["Change", "ReviewEdits"]


@dataclass(frozen=True)
class Change:
    """What one edit changed.

    `rows`: positions whose problems or values changed (the edited row among them when its
    problems did); `before`: their problems before the edit; `rebased`: the whole file was checked
    again (a column now reads its dates or decimals differently), so any row may have changed.
    """

    pos: int
    column: str
    rows: tuple[int, ...]
    before: Mapping[int, tuple[Issue, ...]]
    rebased: bool = False


class ReviewEdits:
    """Cell edits over one ValidationResult, re-checked as they arrive (mutable; one owner).

    Positions index the table's rows (0-based), as in `ValidationResult.issues["pos"]`.
    """

    def __init__(self, result: ValidationResult) -> None:
        self.result = result  # as validated, before any edit
        self._edits: dict[str, dict[int, str]] = {}  # column -> {position: text}
        self._originals: dict[str, pa.Array] = {}
        self._table: Table | None = result.table
        self._corrected: ValidationResult | None = result
        self._checker = RowChecker(result, self)
        self._valid = result.valid.copy()
        self._valid_count = int(self._valid.sum())

    # -- cells ---------------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._valid)

    def original(self, column: str) -> pa.Array:
        """A column of the file as read (Arrow, no copy for Arrow-backed columns)."""
        if column not in self._originals:
            self._originals[column] = as_arrow(self.result.table.frame[column])
        return self._originals[column]

    def column(self, column: str) -> pa.Array:
        """One column's texts now, edits applied (Arrow, immutable: a worker may read it while
        editing goes on)."""
        cells = self._edits.get(column)
        if not cells:
            return self.original(column)
        positions = sorted(cells)
        return _patched(self.original(column), positions, [cells[p] for p in positions])

    def text(self, pos: int, column: str) -> str:
        edited = self._edits.get(column)
        if edited is not None and pos in edited:
            return edited[pos]
        return str(self.original(column)[pos].as_py())

    def original_text(self, pos: int, column: str) -> str:
        return str(self.original(column)[pos].as_py())

    def is_edited(self, pos: int, column: str) -> bool:
        edited = self._edits.get(column)
        return edited is not None and pos in edited

    @property
    def edited_cells(self) -> dict[tuple[int, str], str]:
        """{(position, column): text} of every cell that differs from the file."""
        return {(p, c): t for c, cells in self._edits.items() for p, t in cells.items()}

    def texts(self, positions: npt.NDArray[np.int64], column: str) -> pa.Array:
        """The cells of `column` at `positions` as they are now."""
        values = self.original(column).take(pa.array(positions))
        edited = self._edits.get(column)
        if not edited:
            return values
        cells = values.to_pylist()
        for j, p in enumerate(positions.tolist()):
            if p in edited:
                cells[j] = edited[p]
        return pa.array(cells, type=pa.large_string())

    def table(self) -> Table:
        """The table with every edit applied (a new Table; the file's own stays as read)."""
        if self._table is None:
            base = self.result.table
            frame = base.frame.copy(deep=False)
            for column, cells in self._edits.items():
                if cells:
                    frame[column] = as_series(self.column(column), index=frame.index)
            self._table = replace(base, frame=frame)
        return self._table

    # -- editing -------------------------------------------------------------------------------

    def edit(self, pos: int, column: str, text: str) -> Change:
        """Set one cell and re-check what it touches."""
        if text == self.text(pos, column):
            return Change(pos, column, (), {})
        cells = self._edits.setdefault(column, {})
        if text == self.original_text(pos, column):
            cells.pop(pos, None)
        else:
            cells[pos] = text
        self._table = self._corrected = None
        found = self._checker.revalidate_row(pos, (column,))
        if found.rebased:
            self._valid = self._checker.base.valid.copy()
            self._valid_count = int(self._valid.sum())
            return Change(pos, column, (), {}, rebased=True)
        for p in found.rows:
            valid = self._checker.states[p].valid
            self._valid_count += int(valid) - int(self._valid[p])
            self._valid[p] = valid
        return Change(pos, column, found.rows, found.before)

    def prepare(self) -> Preparation:
        """Build the file-wide indexes the first edit needs, from the validated result alone:
        safe on a worker thread while edits go on. Pass the outcome to `adopt()`."""
        return self._checker.prepare()

    def adopt(self, prepared: Preparation) -> None:
        """Use what `prepare()` built (ignored when the file was checked again since)."""
        self._checker.adopt(prepared)

    # -- what the rows hold now ----------------------------------------------------------------

    @property
    def valid(self) -> npt.NDArray[np.bool_]:
        """Which rows are valid now (a read-only view)."""
        view = self._valid.view()
        view.flags.writeable = False
        return view

    @property
    def valid_count(self) -> int:
        return self._valid_count

    @property
    def invalid_count(self) -> int:
        return len(self._valid) - self._valid_count

    def issues_at(self, pos: int) -> tuple[Issue, ...]:
        """The row's problems now, in validate()'s order."""
        return self._checker.issues_at(pos)

    def values_at(self, pos: int) -> dict[str, str]:
        """The row's normalised value of each mapped field now."""
        keys = [f.key for f in self._checker.fields]
        return dict(zip(keys, self._checker.values_at(pos), strict=True))

    @property
    def changed_rows(self) -> frozenset[int]:
        """Positions whose problems may differ from the result as validated."""
        return frozenset(self._checker.states)

    # -- the corrected result ------------------------------------------------------------------

    def apply_edits(self) -> ValidationResult:
        """A new ValidationResult with every edit applied: what validate() says of the edited
        table, built from the rows re-checked (for export and submission)."""
        if self._corrected is None:
            self._corrected = self._build()
        return self._corrected

    def _build(self) -> ValidationResult:
        base = self._checker.base
        table = self.table()
        states = self._checker.states
        if not states:
            return replace(base, table=table)
        positions = sorted(states)
        values = {}
        for i, key in enumerate(base.values.columns):
            column = as_arrow(base.values[key])
            texts = [states[p].checks[i].normal for p in positions]
            before = column.take(pa.array(positions)).to_pylist()
            if texts != before:  # most fields of the edited rows did not change
                column = _patched(column, positions, texts)
            values[key] = as_series(column, index=table.frame.index)
        frame = pd.DataFrame(values, index=table.frame.index)
        return ValidationResult(
            table,
            base.endpoint,
            base.mapping,
            base.options,
            frame,
            self._valid.copy(),
            self._issues(base.issues, np.array(positions, dtype=np.int64)),
            base.blockers,
            base.decisions,
        )

    def _issues(self, base: pd.DataFrame, positions: npt.NDArray[np.int64]) -> pd.DataFrame:
        states = self._checker.states
        kept = base[~np.isin(base["pos"].to_numpy(dtype=np.int64), positions)]
        rows = [(p, i) for p in positions.tolist() for i in states[p].issues]
        parts = [kept] if len(kept) else []
        if rows:
            fresh: dict[str, object] = {
                "pos": np.array([p for p, _ in rows], dtype=np.int64),
                "row": self.result.table.source_rows[[p for p, _ in rows]],
            }
            for name in ISSUE_COLUMNS[2:]:
                fresh[name] = pd.Series([getattr(i, name) for _, i in rows], dtype=object)
            parts.append(pd.DataFrame(fresh))
        if not parts:
            return pd.DataFrame({c: pd.Series(dtype=object) for c in ISSUE_COLUMNS})
        issues = pd.concat(parts, ignore_index=True)
        return issues.sort_values("pos", kind="stable").reset_index(drop=True)


def _patched(values: pa.Array, positions: list[int], texts: list[str]) -> pa.Array:
    """`values` with texts[i] at positions[i] (ascending), copied once: Arrow's replace_with_mask
    costs ten times as much on a million rows."""
    new = pa.array(texts, type=pa.large_string())
    parts, start = [], 0
    for i, p in enumerate(positions):
        parts += [values.slice(start, p - start), new.slice(i, 1)]
        start = p + 1
    parts.append(values.slice(start))
    return pa.concat_arrays(parts)
