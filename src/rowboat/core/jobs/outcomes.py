"""Row outcomes in words, and exports of the rows to fix (rejected, unknown) ready to re-import.

The export holds each row's values as they were sent, headed by the endpoint's field labels (so
Rowboat matches them again exactly), with the row number in the user's file and the reason.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from rowboat.core.errors import UnknownEndpoint
from rowboat.core.reports import check_export_path, write_rows
from rowboat.core.submit.model import Outcome
from rowboat.core.targets import get_endpoint

if TYPE_CHECKING:
    from collections.abc import Collection
    from pathlib import Path

    from rowboat.core.submit.journal import Journal

__all__ = ["OUTCOME_WORDS", "TO_FIX", "export_rows", "rows_frame"]

OUTCOME_WORDS = {
    Outcome.CREATED: "Created",
    Outcome.UPDATED: "Updated",
    Outcome.SKIPPED: "Skipped",
    Outcome.REJECTED: "Rejected",
    Outcome.UNKNOWN: "Unknown",
    Outcome.ACCEPTED: "Accepted",
    Outcome.INVALID: "Not sent (problem in the file)",
    Outcome.PLANNED: "Not sent yet",
}

TO_FIX: frozenset[Outcome] = frozenset({Outcome.REJECTED, Outcome.UNKNOWN})


def rows_frame(
    journal: Journal, import_id: str, which: Collection[Outcome] = TO_FIX
) -> pd.DataFrame:
    """Row, Outcome, Reason and the values sent, for the rows whose outcome is in `which`."""
    record = journal.get(import_id)
    try:
        endpoint = get_endpoint(record.endpoint_id)
        labels = {f.key: f.label for f in endpoint.fields}
    except UnknownEndpoint:  # an endpoint since renamed: head the columns by field key
        labels = {}
    values = journal.records(import_id)
    chosen = [o for o in journal.outcomes(import_id) if o.outcome in which]
    keys: list[str] = []
    for o in chosen:
        for key in values.get(o.row, {}):
            if key not in keys:
                keys.append(key)
    columns: dict[str, list[object]] = {
        "Row": [o.row for o in chosen],
        "Outcome": [OUTCOME_WORDS[o.outcome] for o in chosen],
        "Reason": [o.message for o in chosen],
    }
    for key in keys:
        columns[labels.get(key, key)] = [_cell(values.get(o.row, {}).get(key)) for o in chosen]
    return pd.DataFrame(columns)


def export_rows(
    journal: Journal, import_id: str, path: str | Path, which: Collection[Outcome] = TO_FIX
) -> Path:
    """Write the rows whose outcome is in `which` (by default those to fix) to xlsx or csv."""
    out = check_export_path(path)
    write_rows(rows_frame(journal, import_id, which), out, set())
    return out


def _cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value if isinstance(value, int | float) else str(value)
