"""RowChecker: a row re-checked after an edit with validate()'s own checks, and who else changed.

One edit re-reads only the fields fed by the edited column, through the same mapping transforms
and the same vectorised checks as validate() (on arrays of one row), reading dates and decimals
as the whole column decides (readings.py). Repeats are found in a file-wide index (repeats.py), so
an edit can change other rows: the later copy of a value that no longer repeats, or a row that
now repeats this one. An edit that changes how a whole column reads (the first day-first date in
a month-first column) re-validates the file: rare, and the only way to stay exact.

The row's problems are put together in row_problems.py, in validate()'s order and words;
tests/core/test_validation_edits.py proves the outcome equals validate() after any edits.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Protocol

import numpy as np
import pyarrow as pa

from rowboat.core.arrow_text import as_arrow, filled_mask
from rowboat.core.mapping.transforms import Splits, collapse_spaces, shape_values
from rowboat.core.validation.checks import Options, check_values
from rowboat.core.validation.engine import field_options, validate
from rowboat.core.validation.readings import count_votes, needs_reading, reading_for
from rowboat.core.validation.repeats import RepeatIndex, repeat_keys
from rowboat.core.validation.result import ISSUE_COLUMNS, Issue
from rowboat.core.validation.row_problems import RowProblems

if TYPE_CHECKING:
    from collections.abc import Callable, Collection, Iterable

    import numpy.typing as npt
    import pandas as pd

    from rowboat.core.table import Table
    from rowboat.core.targets.schema import Field
    from rowboat.core.validation.readings import Reading
    from rowboat.core.validation.result import ValidationResult

__all__ = ["Cells", "FieldCheck", "Preparation", "Revalidation", "RowChecker", "RowState"]


class Cells(Protocol):
    """The cells as they are now (edits applied); the checker never changes them."""

    def texts(self, positions: npt.NDArray[np.int64], column: str) -> pa.Array: ...

    def table(self) -> Table: ...


@dataclass(frozen=True)
class FieldCheck:
    """One mapped field of one row after checking."""

    raw: str  # the mapped value (trimmed, cased, joined) as validate() reads it
    filled: bool
    normal: str  # the normalised value; "" where empty or bad
    problem: tuple[str, str] | None  # (code, message) of the field's own check


@dataclass(frozen=True)
class RowState:
    """A re-checked row: its fields (in the result's values order), rule findings and problems."""

    checks: tuple[FieldCheck, ...]
    rules: tuple[tuple[Issue, ...], ...]  # one entry per endpoint rule
    issues: tuple[Issue, ...]  # every problem of the row, in validate()'s order

    @property
    def valid(self) -> bool:
        return not self.issues

    @property
    def values(self) -> tuple[str, ...]:
        return tuple(c.normal for c in self.checks)


@dataclass(frozen=True)
class Revalidation:
    """What one re-check changed: rows whose problems or values differ, and their problems before.

    `rebased` means a column's reading changed and the whole file was validated again: every row
    may differ, and `rows` is empty.
    """

    rows: tuple[int, ...]
    before: dict[int, tuple[Issue, ...]]
    rebased: bool = False


@dataclass(frozen=True)
class Preparation:
    """Repeat indexes and column readings of one base, built ahead (see RowChecker.prepare)."""

    base: ValidationResult
    repeats: dict[str, RepeatIndex]
    readings: dict[str, Reading]


class RowChecker:
    """Row states over one ValidationResult (the base), re-checked as cells change.

    Rows never re-checked keep the base's findings; `states` holds the others. The repeat indexes
    and column readings are built on the first re-check (a pass over those columns, once), or
    ahead of it by `prepare()` on a worker thread and `adopt()`.
    """

    def __init__(self, result: ValidationResult, cells: Cells) -> None:
        self._cells = cells
        self._rebase(result)
        endpoint, mapping = result.endpoint, result.mapping
        self.fields: tuple[Field, ...] = tuple(endpoint.field(k) for k in result.values.columns)
        self._sources = {
            f.key: s for f in self.fields if (s := mapping.for_field(f.key)) is not None
        }
        self._problems = RowProblems(result, self.fields)
        self._unique = self._problems.unique
        self._keys = [f.key for f in self.fields]

    def _rebase(self, result: ValidationResult) -> None:
        self.base = result
        self.states: dict[int, RowState] = {}
        self._repeats: dict[str, RepeatIndex] = {}
        self._readings: dict[str, Reading] = {}
        self._normal: dict[str, pa.Array] = {}
        self._base_texts: dict[str, pa.Array] = {}
        issues = result.issues
        self._issue_pos = issues["pos"].to_numpy(dtype=np.int64)
        self._issue_columns = [issues[c].to_numpy() for c in ISSUE_COLUMNS[1:]]

    # -- what a row holds now ------------------------------------------------------------------

    def issues_at(self, pos: int) -> tuple[Issue, ...]:
        state = self.states.get(pos)
        if state is not None:
            return state.issues
        start = int(self._issue_pos.searchsorted(pos))
        if start == len(self._issue_pos) or self._issue_pos[start] != pos:
            return ()  # most rows: one binary search, nothing built
        stop = int(self._issue_pos.searchsorted(pos, side="right"))
        cells = [column[start:stop].tolist() for column in self._issue_columns]
        return tuple(
            Issue(int(r), c, str(f), str(k), str(m), str(v))
            for r, c, f, k, m, v in zip(*cells, strict=True)
        )

    def values_at(self, pos: int) -> tuple[str, ...]:
        state = self.states.get(pos)
        if state is not None:
            return state.values
        return tuple(str(self._base_normal(f.key)[pos].as_py()) for f in self.fields)

    def _base_normal(self, key: str) -> pa.Array:
        if key not in self._normal:
            self._normal[key] = as_arrow(self.base.values[key])
        return self._normal[key]

    def fields_reading(self, columns: Collection[str]) -> set[str]:
        """The fields whose value comes from any of these file columns."""
        return {k for k, s in self._sources.items() if set(s.columns) & set(columns)}

    # -- re-checking ---------------------------------------------------------------------------

    def revalidate_row(self, pos: int, columns: Collection[str]) -> Revalidation:
        """Re-check row `pos` after its cells in `columns` changed (they already hold the new
        text); update every row this touches."""
        affected = self.fields_reading(columns)
        if not affected:
            return Revalidation((), {})
        rows = np.array([pos], dtype=np.int64)
        for key in self._unique:
            self._index(key)
        if self._reading_changed(pos, affected):
            base = self.base
            self._rebase(validate(self._cells.table(), base.endpoint, base.mapping, base.options))
            return Revalidation((), {}, rebased=True)
        before = {pos: (self.issues_at(pos), self.values_at(pos))}
        checks = self._check_fields(rows, affected)
        others: set[int] = set()
        for i, f in enumerate(self.fields):
            if f.key in self._unique and f.key in affected:
                index = self._repeats[f.key]
                key = repeat_keys(pa.array([checks[0][i].normal], type=pa.large_string()))[0]
                for moved in index.move(pos, key):
                    others.update(index.rows(moved))
        others.discard(pos)
        positions = [pos, *sorted(others)]
        before.update({p: (self.issues_at(p), self.values_at(p)) for p in positions[1:]})
        if others:
            checks += self._check_fields(np.array(positions[1:], dtype=np.int64), set())
        # Only the edited row's own fields changed; the others' rules stand as they were.
        states = self._states(positions, checks, [affected] + [set()] * len(others))
        changed = []
        for p, state in zip(positions, states, strict=True):
            if before[p] != (state.issues, state.values):
                changed.append(p)
            self.states[p] = state
        return Revalidation(tuple(sorted(changed)), {p: before[p][0] for p in changed})

    # -- the file-wide pieces: built once from the base, then kept current ---------------------

    def _needs_reading(self, key: str, base: ValidationResult | None = None) -> bool:
        base = base or self.base
        return needs_reading(base.endpoint.field(key), self._sources[key], base.options)

    def prepare(self) -> Preparation:
        """Build every repeat index and column reading from the base alone (which nobody
        changes), so it may run on a worker thread; hand the outcome to `adopt()`."""
        base = self.base  # taken once: an edit on the GUI thread may rebase meanwhile
        repeats = {k: RepeatIndex(as_arrow(base.values[k])) for k in sorted(self._unique)}
        readings = {k: self._count(k, base) for k in self._keys if self._needs_reading(k, base)}
        return Preparation(base, repeats, readings)

    def adopt(self, prepared: Preparation) -> None:
        """Take what `prepare()` built, unless the base changed since or it is built already."""
        if prepared.base is not self.base:
            return
        for key, index in prepared.repeats.items():
            if key not in self._repeats:
                self._repeats[key] = self._catch_up_index(key, index)
        for key, reading in prepared.readings.items():
            if key not in self._readings:
                self._readings[key] = self._catch_up_reading(key, reading)

    def _index(self, key: str) -> RepeatIndex:
        if key not in self._repeats:
            index = RepeatIndex(self._base_normal(key))
            self._repeats[key] = self._catch_up_index(key, index)
        return self._repeats[key]

    def _catch_up_index(self, key: str, index: RepeatIndex) -> RepeatIndex:
        """Move the rows re-checked since the base into an index built from the base."""
        i = self._keys.index(key)
        for p, state in self.states.items():
            index.move(p, repeat_keys(pa.array([state.checks[i].normal]))[0])
        return index

    def _count(self, key: str, base: ValidationResult) -> Reading:
        field = base.endpoint.field(key)
        column = self._map([key], None, None, base.table.frame)[key]
        return reading_for(field, column, base.options.default_region, base.table.info.locale_hint)

    def _reading(self, key: str) -> Reading:
        if key not in self._readings:
            self._readings[key] = self._catch_up_reading(key, self._count(key, self.base))
        return self._readings[key]

    def _catch_up_reading(self, key: str, reading: Reading) -> Reading:
        """Move the votes of the rows re-checked since the base into counts of the base."""
        if self.states:
            rows = np.fromiter(self.states, dtype=np.int64, count=len(self.states))
            i = self._keys.index(key)
            now = pa.array([self.states[int(p)].checks[i].raw for p in rows], pa.large_string())
            before = self._map([key], rows, self._old_texts)[key]
            reading.move(count_votes(before, reading.field), count_votes(now, reading.field))
        return reading

    def _reading_changed(self, pos: int, affected: set[str]) -> bool:
        """Move the row's votes in each column reading; True when other cells now read
        differently."""
        keys = [k for k in sorted(affected) if self._needs_reading(k)]
        if not keys:
            return False
        rows = np.array([pos], dtype=np.int64)
        state = self.states.get(pos)
        new = self._map(keys, rows, self._cells.texts)
        old = self._map(keys, rows, self._old_texts) if state is None else {}
        flipped = False
        for k in keys:
            reading = self._reading(k)
            if state is not None:
                before = pa.array([state.checks[self._keys.index(k)].raw], pa.large_string())
            else:
                before = old[k]
            field = reading.field
            flipped |= reading.move(count_votes(before, field), count_votes(new[k], field))
        return flipped

    def _old_texts(self, positions: npt.NDArray[np.int64], column: str) -> pa.Array:
        """The base table's cells (a row never re-checked still reads as the base read it)."""
        if column not in self._base_texts:
            self._base_texts[column] = as_arrow(self.base.table.frame[column])
        return self._base_texts[column].take(pa.array(positions))

    def _map(
        self,
        keys: Iterable[str],
        rows: npt.NDArray[np.int64] | None,
        texts: Callable[[npt.NDArray[np.int64], str], pa.Array] | None,
        frame: pd.DataFrame | None = None,
    ) -> dict[str, pa.Array]:
        """The mapped values of some fields at `rows` (read by `texts`), or in all of `frame`,
        through the mapping's own transforms."""
        loaded: dict[tuple[str, bool], pa.Array] = {}

        def column(name: str, trim: bool) -> pa.Array:
            if (name, trim) not in loaded:
                if frame is not None:
                    values = as_arrow(frame[name])
                else:
                    assert texts is not None
                    assert rows is not None
                    values = texts(rows, name)
                loaded[(name, trim)] = collapse_spaces(values) if trim else values
            return loaded[(name, trim)]

        length = len(frame) if frame is not None else len(rows) if rows is not None else 0
        splits: Splits = {}
        return {k: shape_values(self._sources[k], length, column, splits) for k in keys}

    def _options(self, field: Field) -> Options:
        o = self.base.options
        source = self._sources[field.key]
        options = field_options(field, source, o, self.base.table)
        if needs_reading(field, source, o):
            order, comma = self._reading(field.key).decision()
            options = replace(
                options,
                date_order=order if order is not None else options.date_order,
                decimal_comma=comma if comma is not None else options.decimal_comma,
            )
        return options

    def _check_fields(
        self, rows: npt.NDArray[np.int64], affected: set[str]
    ) -> list[tuple[FieldCheck, ...]]:
        """Each row's fields: those in `affected` checked again; the others as they stand, a bad
        one of a row never re-checked checked again for its message."""
        mapped = self._map([f.key for f in self.fields], rows, self._cells.texts)
        known = [self.states.get(int(p)) for p in rows]
        columns: list[list[FieldCheck]] = []
        for i, f in enumerate(self.fields):
            raw = mapped[f.key]
            filled = filled_mask(raw)
            raws = [str(v) for v in raw.to_pylist()]
            normal = [
                s.checks[i].normal if s is not None else None for s in known
            ]  # None: from the base, fetched only where needed
            need = np.zeros(len(rows), dtype=bool)
            for j, s in enumerate(known):
                if f.key in affected:
                    need[j] = filled[j]
                    normal[j] = ""  # what an empty cell normalises to; checked ones below
                elif s is None and filled[j]:
                    normal[j] = str(self._base_normal(f.key)[int(rows[j])].as_py())
                    need[j] = normal[j] == ""  # filled yet normalised to nothing: bad, say why
            found: dict[int, tuple[str, tuple[str, str] | None]] = {}
            if need.any():
                where = np.flatnonzero(need)
                checked = check_values(raw.filter(pa.array(need)), f, self._options(f))
                problems: dict[int, tuple[str, str]] = {}
                for positions, code, texts in checked.found:
                    for p, text in zip(positions.tolist(), texts, strict=True):
                        problems[int(where[p])] = (code, text)
                for j, value in zip(where.tolist(), checked.cleaned().to_pylist(), strict=True):
                    found[j] = (str(value), problems.get(j))
            column = []
            for j, s in enumerate(known):
                if j in found:
                    column.append(FieldCheck(raws[j], True, found[j][0], found[j][1]))
                elif f.key in affected or s is None:
                    column.append(FieldCheck(raws[j], bool(filled[j]), normal[j] or "", None))
                else:
                    column.append(s.checks[i])
            columns.append(column)
        return [tuple(c[j] for c in columns) for j in range(len(rows))]

    def _states(
        self,
        positions: list[int],
        checks: list[tuple[FieldCheck, ...]],
        affected: list[set[str]],
    ) -> list[RowState]:
        """Each row's problems: its rules checked again where a rule's field changed or the row
        was never re-checked (kept otherwise), repeats from the file-wide index."""
        known = [self.states.get(p) for p in positions]
        rules: list[list[tuple[Issue, ...]]] = [[] for _ in positions]
        for r, rule in enumerate(self.base.endpoint.rules):
            todo = [j for j, s in enumerate(known) if s is None or set(rule.fields) & affected[j]]
            found = self._problems.rule(
                rule, [positions[j] for j in todo], [checks[j] for j in todo]
            )
            again = dict(zip(todo, found, strict=True))
            for j, s in enumerate(known):
                if j not in again:
                    assert s is not None  # a row never re-checked is always checked again
                rules[j].append(again[j] if s is None or j in again else s.rules[r])
        states = []
        for j, pos in enumerate(positions):
            issues = self._problems.row(pos, checks[j], rules[j], self._first_row)
            states.append(RowState(checks[j], tuple(rules[j]), issues))
        return states

    def _first_row(self, key: str, pos: int) -> int | None:
        """The earliest row holding the same value of field `key` as row `pos` does."""
        index = self._repeats[key]
        return index.first(index.key(pos))
