"""Plandocket's answer to one bulk import, turned into an outcome for each of the batch's rows.

The vendor documents the answer's fields (total, created, updated, skipped, contacts_created,
errors[], details[]) but not the items of errors[] and details[]. Rowboat reads them as the
sandbox writes them (docs/sandbox.md): each item carries `index`, the record's 0-based position
in the request; details[] has a `status` (created, updated, skipped, error) and a `reason`;
errors[] a `message` and the offending `value`. When details[] is missing, the counts decide
where they can, and the rows are "accepted" where they cannot.
"""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING, Any

from rowboat.core.submit.model import Outcome, RowOutcome

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["LOST_ANSWER", "row_outcomes"]

log = logging.getLogger(__name__)

# A row that a re-sent batch updated: the lost first request may have created it, or it was
# there before. Rowboat cannot tell: the row counts as updated, and its message says so.
LOST_ANSWER = (
    "Created or updated: Plandocket's first answer was lost, so Rowboat sent the row again "
    "to create or update it."
)
_STATUSES = {
    "created": Outcome.CREATED,
    "updated": Outcome.UPDATED,
    "skipped": Outcome.SKIPPED,
    "error": Outcome.REJECTED,
}


def row_outcomes(
    rows: Sequence[int], data: dict[str, Any], *, resent: bool = False
) -> tuple[RowOutcome, ...]:
    """The outcome of each row of a batch (rows in the order of its records) from the answer's
    `data`. `resent`: the batch went again in upsert mode after its first answer was lost."""
    details = _by_index(data.get("details"), len(rows))
    errors = _error_messages(data.get("errors"), len(rows))
    if data.get("total") not in (None, len(rows)):
        log.warning("Plandocket counted %s records of %d sent", data.get("total"), len(rows))
    fallback = None if details else _from_counts(data, len(rows), errors)
    outcomes = []
    for index, row in enumerate(rows):
        detail = details.get(index)
        if detail is not None:
            outcome, message = _from_detail(detail, errors.get(index))
        elif index in errors:
            outcome, message = Outcome.REJECTED, " ".join(errors[index])
        else:
            outcome = fallback or Outcome.ACCEPTED
            message = "" if fallback else (
                "Plandocket took the row without saying whether it was created or updated."
            )  # fmt: skip
        if resent and outcome is Outcome.UPDATED:
            message = LOST_ANSWER
        outcomes.append(RowOutcome(row, outcome, message))
    return tuple(outcomes)


def _from_detail(detail: dict[str, Any], errors: list[str] | None) -> tuple[Outcome, str]:
    status = str(detail.get("status") or "").lower()
    outcome = _STATUSES.get(status)
    reason = _sentence(detail.get("reason"))
    if outcome is None:
        return Outcome.ACCEPTED, f"Plandocket answered '{status or 'nothing'}' for this row."
    if outcome is Outcome.REJECTED:
        return outcome, " ".join(errors) if errors else reason or "Plandocket refused the row."
    if outcome is Outcome.SKIPPED:
        return outcome, reason or "Plandocket skipped the row without saying why."
    return outcome, ""


def _from_counts(data: dict[str, Any], n: int, errors: dict[int, list[str]]) -> Outcome | None:
    """CREATED or UPDATED for every row without an error, when the counts leave no doubt."""
    rest = n - len(errors)
    created, updated = data.get("created"), data.get("updated")
    if created == rest and updated == 0:
        return Outcome.CREATED
    if updated == rest and created == 0:
        return Outcome.UPDATED
    return None


def _by_index(items: object, n: int) -> dict[int, dict[str, Any]]:
    """The first item naming each index."""
    found: dict[int, dict[str, Any]] = {}
    for index, item in _indexed(items, n):
        found.setdefault(index, item)
    return found


def _error_messages(items: object, n: int) -> dict[int, list[str]]:
    """Each record's error messages, with the value Plandocket refused where it names one."""
    found: dict[int, list[str]] = {}
    for index, item in _indexed(items, n):
        message = _sentence(item.get("message")) or "Not valid."
        value = item.get("value")
        if value is not None and value != "":
            shown = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
            shown = shown if len(shown) <= 60 else shown[:57] + "…"
            message = f"{message[:-1]} ('{shown}')."
        found.setdefault(index, []).append(message)
    return found


def _indexed(items: object, n: int) -> list[tuple[int, dict[str, Any]]]:
    """(index, item) of every item of a list that names a record of the request."""
    found = []
    for item in items if isinstance(items, list) else ():
        index = item.get("index") if isinstance(item, dict) else None
        if isinstance(index, int) and not isinstance(index, bool) and 0 <= index < n:
            found.append((index, item))
    return found


def _sentence(text: object) -> str:
    if not isinstance(text, str) or not text.strip():
        return ""
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else text + "."
