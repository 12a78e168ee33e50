"""validate(): every mapped field checked over whole columns, then required, duplicates, rules."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from rowboat.core.mapping import apply_mapping
from rowboat.core.progress import NULL_REPORTER, Reporter
from rowboat.core.targets.schema import FieldType
from rowboat.core.validation.checks import Options, check_values
from rowboat.core.validation.result import ISSUE_COLUMNS, ValidationOptions, ValidationResult

if TYPE_CHECKING:
    from rowboat.core.mapping.model import Mapping
    from rowboat.core.table import Table
    from rowboat.core.targets.schema import Endpoint

__all__ = ["validate"]


def validate(
    table: Table,
    endpoint: Endpoint,
    mapping: Mapping,
    options: ValidationOptions = ValidationOptions(),  # noqa: B008 - frozen, shared safely
    report: Reporter = NULL_REPORTER,
) -> ValidationResult:
    mapped = apply_mapping(table, mapping)
    rows = pd.Series(table.source_rows, index=table.frame.index)
    values = pd.DataFrame(index=table.frame.index)
    found: list[pd.DataFrame] = []
    blockers: list[str] = []
    fields = [f for f in endpoint.fields if f.key in mapped.columns]
    for done, field in enumerate(fields):
        report.raise_if_cancelled()
        report.progress(done, len(fields) + 1, "Checking")
        source = mapping.for_field(field.key)
        column = source.columns[0] if source is not None and len(source.columns) == 1 else None
        raw = mapped[field.key].astype(str)
        filled = raw.str.strip() != ""
        opts = Options(
            options.default_region,
            options.decimal_comma,
            options.day_first,
            source.date_format if source is not None else None,
        )
        checked = check_values(raw[filled], field, opts)
        normal = pd.Series("", index=raw.index, dtype=object)
        normal[filled] = checked.value
        bad = checked.code != ""
        found.append(_issues(rows, raw, column, field.key, checked.code[bad], checked.message[bad]))
        if field.required:
            empty = ~filled
            message = f"{field.label} is required but empty."
            found.append(
                _issues(
                    rows, raw, column, field.key, _const(empty, "required"), _const(empty, message)
                )
            )
        if field.unique or field.type is FieldType.EMAIL:
            found.append(_duplicates(rows, raw, normal, column, field.key))
        values[field.key] = normal
    for field in endpoint.required_fields:
        if field.key not in mapped.columns:
            blockers.append(f"The required field '{field.label}' is not mapped to any column.")
            everywhere = pd.Series(True, index=table.frame.index)
            message = f"{field.label} is required, and no column of the file is mapped to it."
            found.append(
                _issues(
                    rows,
                    pd.Series("", index=rows.index),
                    None,
                    field.key,
                    _const(everywhere, "required"),
                    _const(everywhere, message),
                )
            )
    found.extend(_rules(endpoint, values, rows, mapping))
    issues = pd.concat([f for f in found if len(f)] or [_empty()], ignore_index=True)
    issues = issues.sort_values(["pos", "field"], kind="stable").reset_index(drop=True)
    valid = np.ones(len(table), dtype=bool)
    valid[issues["pos"].to_numpy(dtype=np.int64)] = False
    report.progress(len(fields) + 1, len(fields) + 1, "Checking")
    return ValidationResult(
        table, endpoint, mapping, options, values, valid, issues, tuple(blockers)
    )


def _const(mask: pd.Series, text: str) -> pd.Series:
    return pd.Series(text, index=mask.index[mask.to_numpy()], dtype=object)


def _empty() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in ISSUE_COLUMNS})


def _issues(
    rows: pd.Series,
    raw: pd.Series,
    column: str | None,
    field: str,
    codes: pd.Series,
    messages: pd.Series,
) -> pd.DataFrame:
    index = codes.index
    return pd.DataFrame(
        {
            "pos": index.to_numpy(dtype=np.int64),
            "row": rows[index].to_numpy(dtype=np.int64),
            "column": column,
            "field": field,
            "code": codes.to_numpy(dtype=object),
            "message": messages[index].to_numpy(dtype=object),
            "value": raw[index].to_numpy(dtype=object),
        }
    )


def _duplicates(
    rows: pd.Series, raw: pd.Series, normal: pd.Series, column: str | None, field: str
) -> pd.DataFrame:
    """Every repeat of a value after its first row (emails compared without case)."""
    key = normal.str.casefold()
    present = key != ""
    repeat = key.duplicated(keep="first") & present
    if not bool(repeat.any()):
        return _empty()
    first_row = rows[present].groupby(key[present]).transform("first")
    message = "'" + raw[repeat] + "' is already on row " + first_row[repeat].astype(str) + "."
    return _issues(rows, raw, column, field, _const(repeat, "duplicate"), message)


def _rules(
    endpoint: Endpoint, values: pd.DataFrame, rows: pd.Series, mapping: Mapping
) -> list[pd.DataFrame]:
    out: list[pd.DataFrame] = []
    for rule in endpoint.rules:
        present = [k for k in rule.fields if k in values.columns]
        if rule.kind == "after" and len(present) == 2:
            start_key, end_key = rule.fields[0], rule.fields[1]
            start = pd.to_datetime(
                values[start_key].where(values[start_key] != ""),
                format="ISO8601",
                utc=True,
                errors="coerce",
            )
            end = pd.to_datetime(
                values[end_key].where(values[end_key] != ""),
                format="ISO8601",
                utc=True,
                errors="coerce",
            )
            wrong = (end <= start).fillna(False)
            if bool(wrong.any()):
                start_label = endpoint.field(start_key).label
                end_label = endpoint.field(end_key).label
                message = rule.message or (
                    f"{end_label} ({{end}}) must be after {start_label} ({{start}})."
                )
                text = pd.Series(
                    [
                        message.format(end=e, start=s)
                        for e, s in zip(
                            values[end_key][wrong], values[start_key][wrong], strict=True
                        )
                    ],
                    index=values.index[wrong.to_numpy()],
                    dtype=object,
                )
                source = mapping.for_field(end_key)
                column = source.columns[0] if source and len(source.columns) == 1 else None
                out.append(
                    _issues(
                        rows,
                        values[end_key],
                        column,
                        end_key,
                        _const(wrong, "end_before_start"),
                        text,
                    )
                )
        elif rule.kind == "one_of":
            keys = list(rule.fields)
            filled = pd.Series(False, index=values.index)
            for k in present:
                filled |= values[k] != ""
            labels = ", ".join(endpoint.field(k).label for k in keys)
            none = ~filled
            message = rule.message or f"Fill in at least one of: {labels}."
            out.append(
                _issues(
                    rows,
                    pd.Series("", index=values.index),
                    None,
                    keys[0],
                    _const(none, "one_of"),
                    _const(none, message),
                )
            )
    return out
