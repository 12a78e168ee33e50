"""validate(): every mapped field checked over whole columns, then required, duplicates, rules."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from rowboat.core.arrow_text import as_arrow, as_series, filled_mask, mask_array, scalar
from rowboat.core.decisions import ordered
from rowboat.core.mapping import apply_mapping
from rowboat.core.progress import NULL_REPORTER, Reporter
from rowboat.core.targets.schema import FieldType
from rowboat.core.threads import map_in_threads
from rowboat.core.validation.checks import Options, check_values
from rowboat.core.validation.dates import OrderVotes, choose_order
from rowboat.core.validation.facts import (
    PhoneFacts,
    field_decisions,
    name_decision,
    region_decision,
)
from rowboat.core.validation.result import ISSUE_COLUMNS, ValidationOptions, ValidationResult

if TYPE_CHECKING:
    import numpy.typing as npt

    from rowboat.core.decisions import Decision
    from rowboat.core.mapping.model import FieldSource, Mapping
    from rowboat.core.mapping.names import NameFacts
    from rowboat.core.table import Table
    from rowboat.core.targets.schema import Endpoint, Field, Rule

__all__ = ["IssueLog", "check_rule", "column_of", "field_options", "validate"]

_NO_VOTES = OrderVotes(0, 0, 0, 0)


class IssueLog:
    """Issues gathered as column arrays, made into one frame at the end."""

    def __init__(self, source_rows: npt.NDArray[np.int64]) -> None:
        self.source_rows = source_rows
        self.positions: list[npt.NDArray[np.int64]] = []
        self.cells: dict[str, list[object]] = {name: [] for name in ISSUE_COLUMNS[2:]}

    def add(
        self,
        positions: npt.NDArray[np.int64],
        column: str | None,
        field: str,
        code: str,
        messages: list[str] | str,
        values: pa.Array | None,
    ) -> None:
        n = len(positions)
        if not n:
            return
        self.positions.append(positions)
        self.cells["column"].extend([column] * n)
        self.cells["field"].extend([field] * n)
        self.cells["code"].extend([code] * n)
        self.cells["message"].extend([messages] * n if isinstance(messages, str) else messages)
        shown = [""] * n if values is None else values.take(pa.array(positions)).to_pylist()
        self.cells["value"].extend(shown)

    def frame(self) -> pd.DataFrame:
        if not self.positions:
            return pd.DataFrame({c: pd.Series(dtype=object) for c in ISSUE_COLUMNS})
        positions = np.concatenate(self.positions)
        columns: dict[str, object] = {"pos": positions, "row": self.source_rows[positions]}
        # object, not str: pandas would turn a missing column name (None) into NaN
        columns.update({k: pd.Series(v, dtype=object) for k, v in self.cells.items()})
        issues = pd.DataFrame(columns)
        return issues.sort_values(["pos", "field"], kind="stable").reset_index(drop=True)


@dataclass(frozen=True)
class _Column:
    """One field's column after checking: what was read, what it became, what was found."""

    field: Field
    column: str | None  # the file's column, when exactly one feeds the field
    raw: pa.Array
    filled: npt.NDArray[np.bool_]
    normal: pa.Array  # normalised values, "" where empty or bad
    found: list[tuple[npt.NDArray[np.int64], str, list[str]]]  # positions in the whole column
    facts: object  # what the check decided for the column (validation/facts.py), or None


def field_options(
    field: Field, source: FieldSource | None, options: ValidationOptions, table: Table
) -> Options:
    """How one field's values read: the overrides given for it or the file, the file's hint."""
    given = options.given_order(source)
    return Options(
        options.default_region,
        options.decimal_comma_for(source),
        choose_order(_NO_VOTES, given, None, options.default_region) if given else None,
        source.date_format if source is not None else None,
        table.info.locale_hint,
        options.serial_dates_for(source),
    )


def _check_column(
    field: Field,
    values: pd.Series,
    table: Table,
    mapping: Mapping,
    options: ValidationOptions,
) -> _Column:
    source = mapping.for_field(field.key)
    column = column_of(mapping, field.key)
    raw = as_arrow(values)
    filled = filled_mask(raw)
    everywhere = bool(filled.all())
    opts = field_options(field, source, options, table)
    checked = check_values(raw if everywhere else raw.filter(pa.array(filled)), field, opts)
    where = np.arange(len(raw)) if everywhere else np.flatnonzero(filled)
    found = [(where[positions], code, texts) for positions, code, texts in checked.found]
    normal = checked.cleaned()
    if not everywhere:
        mask = pa.array(filled)
        normal = pc.replace_with_mask(pc.if_else(mask, raw, scalar("")), mask, normal)
    if field.unique or field.type is FieldType.EMAIL:
        found.extend(_duplicates(raw, normal, table.source_rows))
    return _Column(field, column, raw, filled, normal, found, checked.facts)


def validate(
    table: Table,
    endpoint: Endpoint,
    mapping: Mapping,
    options: ValidationOptions = ValidationOptions(),  # noqa: B008 - frozen, shared safely
    report: Reporter = NULL_REPORTER,
) -> ValidationResult:
    name_facts: dict[str, NameFacts] = {}
    mapped = apply_mapping(table, mapping, name_facts)
    log = IssueLog(table.source_rows)
    blockers: list[str] = []
    fields = [f for f in endpoint.fields if f.key in mapped.columns]

    def check(field: Field) -> _Column:
        report.raise_if_cancelled()
        return _check_column(field, mapped[field.key], table, mapping, options)

    def done(count: int) -> None:
        report.progress(count, len(fields) + 1, "Checking")

    report.progress(0, len(fields) + 1, "Checking")
    columns = map_in_threads(check, fields, on_done=done)
    for c in columns:
        for positions, code, messages in c.found:
            log.add(positions, c.column, c.field.key, code, messages, c.raw)
        if c.field.required:
            message = f"{c.field.label} is required but empty."
            log.add(np.flatnonzero(~c.filled), c.column, c.field.key, "required", message, c.raw)
    for field in endpoint.required_fields:
        if field.key not in mapped.columns:
            blockers.append(f"The required field '{field.label}' is not mapped to any column.")
            message = f"{field.label} is required, and no column of the file is mapped to it."
            log.add(np.arange(len(table)), None, field.key, "required", message, None)
    frame = pd.DataFrame(
        {c.field.key: as_series(c.normal, index=table.frame.index) for c in columns},
        index=table.frame.index,
    )
    filled = {c.field.key: c.filled for c in columns}
    for rule in endpoint.rules:
        check_rule(log, rule, endpoint, frame, filled, mapping)
    issues = log.frame()
    valid = np.ones(len(table), dtype=bool)
    valid[issues["pos"].to_numpy(dtype=np.int64)] = False
    report.progress(len(fields) + 1, len(fields) + 1, "Checking")
    decisions = _decisions(table, endpoint, mapping, options, columns, name_facts)
    return ValidationResult(
        table, endpoint, mapping, options, frame, valid, issues, tuple(blockers), decisions
    )


def _decisions(
    table: Table,
    endpoint: Endpoint,
    mapping: Mapping,
    options: ValidationOptions,
    columns: list[_Column],
    name_facts: dict[str, NameFacts],
) -> tuple[Decision, ...]:
    """The file's reading decisions and each mapped field's, the guesses first."""
    found: list[Decision] = list(table.decisions)
    phones: list[PhoneFacts] = []
    for c in columns:
        source = mapping.for_field(c.field.key)
        if source is None:
            continue
        if source.split_name is not None and c.field.key in name_facts:
            given = source.name_order is not None
            found.append(name_decision(source, c.field, name_facts[c.field.key], given))
        found.extend(field_decisions(c.field, source, c.column, c.facts))
        if isinstance(c.facts, PhoneFacts):
            phones.append(c.facts)
    region = region_decision(phones, options)
    if region is not None:
        found.append(region)
    return ordered(found)


def _duplicates(
    raw: pa.Array, normal: pa.Array, source_rows: npt.NDArray[np.int64]
) -> list[tuple[npt.NDArray[np.int64], str, list[str]]]:
    """Every repeat of a value after its first row (compared without case)."""
    encoded = pc.utf8_lower(normal).dictionary_encode()
    if len(encoded.dictionary) == len(normal):
        return []  # every value differs: the common case, settled by one hash pass
    codes = np.asarray(encoded.indices)
    # Arrow numbers distinct values in order of first appearance, so a row is a value's first
    # exactly where its code exceeds every code before it.
    before = np.maximum.accumulate(np.concatenate(([-1], codes[:-1])))
    first = np.flatnonzero(codes > before)
    if len(first) != len(encoded.dictionary):  # not numbered that way: find firsts by sorting
        _, first = np.unique(codes, return_index=True)
    firsts = first[codes]
    present = mask_array(pc.not_equal(normal, scalar("")))
    repeat = np.flatnonzero(present & (firsts != np.arange(len(codes))))
    if not len(repeat):
        return []
    seen_on = source_rows[firsts[repeat]]
    shown = raw.take(pa.array(repeat)).to_pylist()
    messages = [
        f"'{v}' is already on row {r}." for v, r in zip(shown, seen_on.tolist(), strict=True)
    ]
    return [(repeat, "duplicate", messages)]


def column_of(mapping: Mapping, key: str) -> str | None:
    """The file's column behind a field, when exactly one column feeds it."""
    source = mapping.for_field(key)
    return source.columns[0] if source is not None and len(source.columns) == 1 else None


def check_rule(
    log: IssueLog,
    rule: Rule,
    endpoint: Endpoint,
    values: pd.DataFrame,
    filled: dict[str, npt.NDArray[np.bool_]],
    mapping: Mapping,
) -> None:
    """Check one cross-field rule. `filled` says which cells the user filled in, valid or not."""
    present = [k for k in rule.fields if k in values.columns]
    if rule.kind == "after" and len(present) == 2:
        start_key, end_key = rule.fields[0], rule.fields[1]
        start, end = (
            pd.to_datetime(
                values[k].where(values[k] != ""), format="ISO8601", utc=True, errors="coerce"
            )
            for k in (start_key, end_key)
        )
        wrong = np.flatnonzero((end <= start).fillna(False).to_numpy(dtype=bool))
        if not len(wrong):
            return
        message = rule.message or (
            f"{endpoint.field(end_key).label} ({{end}}) must be after "
            f"{endpoint.field(start_key).label} ({{start}})."
        )
        ends, starts = values[end_key].to_numpy()[wrong], values[start_key].to_numpy()[wrong]
        texts = [message.format(end=e, start=s) for e, s in zip(ends, starts, strict=True)]
        normal = as_arrow(values[end_key])
        log.add(wrong, column_of(mapping, end_key), end_key, "end_before_start", texts, normal)
    elif rule.kind == "one_of":
        # A cell filled in wrongly already has its own problem; "fill in one of" would mislead.
        given = np.zeros(len(values), dtype=bool)
        for k in present:
            given |= filled[k]
        labels = ", ".join(endpoint.field(k).label for k in rule.fields)
        message = rule.message or f"Fill in at least one of: {labels}."
        log.add(np.flatnonzero(~given), None, rule.fields[0], "one_of", message, None)
