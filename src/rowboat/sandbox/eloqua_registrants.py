"""What an Eloqua sync does with its records: check each against the event's fields, then create
or update the event's registrants, matched on the definition's identifier field."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rowboat.sandbox.eloqua_common import iso

if TYPE_CHECKING:
    from rowboat.sandbox.context import SandboxContext
    from rowboat.sandbox.eloqua_events import Event, EventField

__all__ = ["Outcome", "Reject", "import_records", "registrant_json"]

MISSING = "ELQ-00061"  # Rejected records (missing fields).
BAD_EMAIL = "ELQ-00002"  # Invalid email addresses.
BAD_VALUE = "ELQ-00081"  # Event data rejected.
DUPLICATE = "ELQ-00026"  # Duplicate identifier.

_EMAIL = re.compile(
    r"[\w!#$%&'*+/=?^`{|}~-]+(?:\.[\w!#$%&'*+/=?^`{|}~-]+)*"
    r"@(?:[^\W_](?:[\w-]*[^\W_])?\.)+[^\W\d_]{2,}"
)
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_TRUE, _FALSE = frozenset({"true", "1", "yes"}), frozenset({"false", "0", "no"})
_KIND = {"emailAddress": "email address", "boolean": "true/false value"}


@dataclass(frozen=True)
class Reject:
    record_index: int  # 1-based position in the sync's staged data, in posting order
    field_values: dict[str, str]
    invalid_fields: list[str]
    message: str
    status_code: str


@dataclass
class Outcome:
    processed: int
    created: int = 0
    updated: int = 0
    duplicates: int = 0
    rejects: list[Reject] = field(default_factory=list)


def _valid(data_type: str, value: str) -> bool:
    if data_type == "emailAddress":
        return len(value) <= 400 and _EMAIL.fullmatch(value) is not None
    if data_type == "number":
        return _NUMBER.fullmatch(value) is not None
    if data_type == "boolean":
        return value.casefold() in _TRUE | _FALSE
    if data_type == "date":
        try:
            dt.datetime.fromisoformat(value)  # ISO 8601, and `YYYY-MM-DD HH:MM:SS`
        except ValueError:
            return False
    return True


def _problems(keyed: dict[str, EventField], record: dict[str, str]) -> list[tuple[str, str, str]]:
    """(key, status code, reason) for each value of the record its field refuses."""
    found: list[tuple[str, str, str]] = []
    for key, value in record.items():
        target = keyed[key]
        if not value:
            if target.not_null:
                found.append((key, MISSING, f"{target.name} is required"))
        elif not _valid(target.data_type, value):
            code = BAD_EMAIL if target.data_type == "emailAddress" else BAD_VALUE
            kind = _KIND.get(target.data_type, target.data_type)
            found.append((key, code, f"'{value}' is not a valid {kind} for {target.name}"))
    return found


def _stored(target: EventField, value: str) -> str:
    """The value as the event keeps it: booleans become true/false, the rest stays as sent."""
    if target.data_type == "boolean" and value:
        return "true" if value.casefold() in _TRUE else "false"
    return value


def _merge(old: dict[str, str], new: dict[str, str], rule: str) -> dict[str, str]:
    """The registrant's values after an update under the definition's updateRule."""
    merged = dict(old)
    for name, value in new.items():
        if (rule == "ifNewIsNotNull" and not value) or (
            rule == "ifExistingIsNull" and old.get(name)
        ):
            continue
        if value:
            merged[name] = value
        else:
            merged.pop(name, None)  # "always" (and useFieldRule) let a blank clear the value
    return merged


def import_records(
    ctx: SandboxContext,
    event: Event,
    body: dict[str, Any],
    records: list[dict[str, str]],
    sync_id: int,
    at: float,
) -> Outcome:
    """Check and store the records of one sync, as of time `at`.

    The caller holds the lock inside a transaction.
    """
    keyed = {key: event.field_of(statement) for key, statement in body["fields"].items()}
    fields = {k: f for k, f in keyed.items() if f is not None}  # checked when it was defined
    id_key = body["identifierFieldName"]
    id_name = fields[id_key].internal_name
    rule = body["updateRule"]
    rows = ctx.db.execute(
        "SELECT id, fields FROM eloqua_registrants WHERE event_id = ?", (event.id,)
    ).fetchall()
    known = {
        values.get(id_name, "").strip().casefold(): (row["id"], values)
        for row in rows
        for values in [json.loads(row["fields"])]
    }
    unmapped_required = [f for f in event.fields if f.not_null and f not in fields.values()]
    seen: dict[str, int] = {}
    outcome = Outcome(processed=len(records))
    for index, record in enumerate(records, start=1):
        identifier = record.get(id_key, "").strip().casefold()
        problems = _problems(fields, record)
        if not identifier and not any(key == id_key for key, _, _ in problems):
            problems.append((id_key, MISSING, f"{fields[id_key].name} is required"))
        match = known.get(identifier)
        if match is None and identifier:
            problems += [(f.name, MISSING, f"{f.name} is required") for f in unmapped_required]
            # A key the definition imports but the record leaves out sets nothing either.
            problems += [
                (key, MISSING, f"{f.name} is required")
                for key, f in fields.items()
                if f.not_null and key not in record and key != id_key
            ]
        if not problems and identifier in seen:
            outcome.duplicates += 1
            reason = f"the identifier '{record[id_key]}' already came in record {seen[identifier]}"
            problems.append((id_key, DUPLICATE, reason))
        if problems:
            message = "Record rejected: " + "; ".join(reason for _, _, reason in problems) + "."
            invalid = list(dict.fromkeys(key for key, _, _ in problems))
            outcome.rejects.append(Reject(index, record, invalid, message, problems[0][1]))
            continue
        seen[identifier] = index
        values = {fields[key].internal_name: _stored(fields[key], v) for key, v in record.items()}
        if match is None:
            created = {name: value for name, value in values.items() if value}
            cursor = ctx.db.execute(
                "INSERT INTO eloqua_registrants (event_id, fields, created_at, updated_at, sync_id)"
                " VALUES (?, ?, ?, ?, ?)",
                (event.id, json.dumps(created), at, at, sync_id),
            )
            known[identifier] = (cursor.lastrowid or 0, created)
            outcome.created += 1
        else:
            merged = _merge(match[1], values, rule)
            ctx.db.execute(
                "UPDATE eloqua_registrants SET fields = ?, updated_at = ?, sync_id = ?"
                " WHERE id = ?",
                (json.dumps(merged), at, sync_id, match[0]),
            )
            known[identifier] = (match[0], merged)
            outcome.updated += 1
    return outcome


def registrant_json(row: Any) -> dict[str, Any]:
    return {
        "id": row["id"],
        "fields": json.loads(row["fields"]),
        "createdAt": iso(row["created_at"]),
        "updatedAt": iso(row["updated_at"]),
        "syncUri": f"/syncs/{row['sync_id']}",
    }
