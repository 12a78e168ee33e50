"""Thalamus' import record (POST /import/file, GET /import/status), as Rowboat reads it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

__all__ = ["ImportRecord", "number"]


@dataclass(frozen=True)
class ImportRecord:
    """The parts of Thalamus' import record Rowboat uses (the rest stays in `raw`)."""

    id: str
    name: str
    state: str  # as the server spells it: "PROCESSING", "PROCESSED", "CANCELED", 3, ...
    label: str  # internationalizedState, for people ("Processing")
    rows: int
    rows_ok: int
    rows_with_errors: int
    rows_skipped: int
    total: int
    percentage: int
    type: int | None
    file_size: int | None
    problem: str  # analysisResult.error: why a file could not be imported ("" if none)
    raw: dict[str, Any]

    @classmethod
    def from_json(cls, body: dict[str, Any]) -> ImportRecord:
        analysis = body.get("analysisResult")
        if not isinstance(analysis, dict):
            analysis = _json_object(body.get("analysisResultJson"))
        owner = body.get("owner")
        if not isinstance(owner, dict):
            owner = {}
        return cls(
            id=str(body.get("id", "")),
            name=str(body.get("name") or ""),
            state=str(body.get("state") if body.get("state") is not None else ""),
            label=str(body.get("internationalizedState") or body.get("state") or ""),
            rows=number(body.get("rows")),
            rows_ok=number(body.get("rowsOk")),
            rows_with_errors=number(body.get("rowsWithErrors")),
            rows_skipped=number(body.get("rowsSkipped")),
            total=number(body.get("totalToProcess")),
            percentage=number(body.get("percentageProcessed")),
            type=number(owner.get("entityType")) if owner.get("entityType") is not None else None,
            file_size=number(body.get("fileSize")) if body.get("fileSize") is not None else None,
            problem=str(analysis.get("error") or ""),
            raw=body,
        )


def number(value: object) -> int:
    """A count or id from the record as an int (0 when missing or unreadable)."""
    if isinstance(value, int | float | str):
        try:
            return int(value)
        except ValueError:
            return 0
    return 0


def _json_object(text: object) -> dict[str, Any]:
    if not isinstance(text, str):
        return {}
    try:
        value = json.loads(text)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}
