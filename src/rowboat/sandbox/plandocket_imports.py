"""Plandocket's bulk import: each record matched, then created, updated or skipped, in one go."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rowboat.sandbox import plandocket_store as store
from rowboat.sandbox.plandocket_records import CONTACT_FIELDS, RecordError, clean_record

if TYPE_CHECKING:
    import sqlite3

    from rowboat.sandbox.context import SandboxContext
    from rowboat.sandbox.plandocket_records import ImportOptions

__all__ = ["ImportResult", "run_import"]

IDENTIFIERS = ("email", "customer_number")


@dataclass
class ImportResult:
    """What one bulk import did; `applied` is False when skip_on_error=false refused it all."""

    kind: str
    total: int
    created: int = 0
    updated: int = 0
    skipped: int = 0
    contacts_created: int = 0
    errors: list[RecordError] = field(default_factory=list)
    details: list[dict[str, Any]] = field(default_factory=list)
    applied: bool = True
    import_id: int | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "bulk-import_id": self.import_id,
            "total": self.total,
            "created": self.created,
            "updated": self.updated,
            "skipped": self.skipped,
            "contacts_created": self.contacts_created,
            "errors": [e.as_json() for e in self.errors],
            "details": self.details,
        }

    def error_fields(self) -> dict[str, list[str]]:
        """The errors keyed as in a 422 answer: records.<index>.<field>."""
        keyed: dict[str, list[str]] = {}
        for error in self.errors:
            keyed.setdefault(error.key, []).append(error.message)
        return keyed


def run_import(ctx: SandboxContext, options: ImportOptions, *, participants: bool) -> ImportResult:
    """Import every record in one transaction; roll it all back when all-or-nothing fails."""
    now = int(ctx.clock.now())
    with ctx.lock:
        db = ctx.db
        db.execute("BEGIN")
        try:
            importer = _Importer(db, options, participants, now)
            result = importer.run()
            if result.errors and not options.skip_on_error:
                db.execute("ROLLBACK")
                result.applied = False
                return result
            result.import_id = store.record_import(db, _summary(result, options), now)
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
    return result


def _summary(result: ImportResult, options: ImportOptions) -> dict[str, Any]:
    return {
        "type": result.kind,
        "event_key": options.event_key,
        "mode": options.mode,
        "match_field": options.match_field,
        "skip_on_error": options.skip_on_error,
        "total": result.total,
        "created": result.created,
        "updated": result.updated,
        "skipped": result.skipped,
        "contacts_created": result.contacts_created,
        "error_count": len(result.errors),
    }


class _Importer:
    """Goes through the records in order, so a later record sees what an earlier one stored."""

    def __init__(
        self, db: sqlite3.Connection, options: ImportOptions, participants: bool, now: int
    ) -> None:
        self.db = db
        self.options = options
        self.participants = participants
        self.now = now
        self.events = store.event_keys(db)
        kind = "participants" if participants else "contacts"
        self.result = ImportResult(kind=kind, total=len(options.records))
        self.label = options.match_field.replace("_", " ")

    def run(self) -> ImportResult:
        for index, raw in enumerate(self.options.records):
            fields, errors = clean_record(
                index, raw, self.options, participant=self.participants, event_keys=self.events
            )
            if errors:
                self._fail(index, errors, {})
            elif self.participants:
                self._participant(index, fields)
            else:
                self._contact(index, fields)
        return self.result

    def _contact(self, index: int, fields: dict[str, Any]) -> None:
        mode = self.options.mode
        existing = store.find_contact(
            self.db, self.options.match_field, fields[self.options.match_field]
        )
        if existing is None and mode == "update":
            self._skip(index, f"No contact with this {self.label} exists.", {"contact_id": None})
            return
        if existing is not None and mode == "create":
            reason = f"A contact with this {self.label} already exists."
            self._skip(index, reason, {"contact_id": existing["id"]})
            return
        own_id = None if existing is None else int(existing["id"])
        taken = self._taken(index, fields, own_id)
        if taken:
            self._fail(index, taken, {"contact_id": own_id})
        elif existing is None:
            contact_id = store.insert_contact(self.db, fields, self.now)
            self.result.created += 1
            self.result.contacts_created += 1
            self._detail(index, "created", {"contact_id": contact_id})
        else:
            store.update_contact(self.db, existing, fields, self.now)
            self.result.updated += 1
            self._detail(index, "updated", {"contact_id": own_id})

    def _participant(self, index: int, fields: dict[str, Any]) -> None:
        event = fields.get("event_key") or self.options.event_key
        assert event is not None  # the request's event_key is required
        ids: dict[str, Any] = {"contact_id": None, "participant_id": None, "event_key": event}
        contact = store.find_contact(
            self.db, self.options.match_field, fields[self.options.match_field]
        )
        if contact is None:
            if self.options.mode == "update" or not self.options.create_contacts:
                why = "" if self.options.mode == "update" else " and create_contacts is false"
                self._skip(index, f"No contact with this {self.label} exists{why}.", ids)
                return
            taken = self._taken(index, fields, None)
            if taken:
                self._fail(index, taken, ids)
                return
            contact_fields = {k: v for k, v in fields.items() if k in CONTACT_FIELDS}
            ids["contact_id"] = store.insert_contact(self.db, contact_fields, self.now)
            self.result.contacts_created += 1
        else:
            ids["contact_id"] = int(contact["id"])
        self._participation(index, fields, ids)

    def _participation(self, index: int, fields: dict[str, Any], ids: dict[str, Any]) -> None:
        event, contact_id = ids["event_key"], ids["contact_id"]
        ids["participant_id"] = store.find_participation(self.db, event, contact_id)
        if ids["participant_id"] is None and self.options.mode == "update":
            self._skip(index, f"The contact is not a participant of {event}.", ids)
        elif ids["participant_id"] is not None and self.options.mode == "create":
            self._skip(index, f"The contact is already a participant of {event}.", ids)
        elif ids["participant_id"] is None:
            confirmed = bool(fields.get("is_confirmed"))
            ids["participant_id"] = store.insert_participation(
                self.db, event, contact_id, confirmed, self.now
            )
            self.result.created += 1
            self._detail(index, "created", ids)
        else:
            confirmed_or_none = fields.get("is_confirmed")
            store.update_participation(self.db, ids["participant_id"], confirmed_or_none, self.now)
            self.result.updated += 1
            self._detail(index, "updated", ids)

    def _taken(self, index: int, fields: dict[str, Any], own_id: int | None) -> list[RecordError]:
        """Errors for an email or customer number another contact already holds."""
        taken = []
        for name in IDENTIFIERS:
            value = fields.get(name)
            holder = None if value is None else store.holder_of(self.db, name, value)
            if holder is not None and holder != own_id:
                message = f"The {name.replace('_', ' ')} has already been taken."
                taken.append(RecordError(index, name, message, value))
        return taken

    def _skip(self, index: int, reason: str, ids: dict[str, Any]) -> None:
        self.result.skipped += 1
        self._detail(index, "skipped", ids, reason)

    def _fail(self, index: int, errors: list[RecordError], ids: dict[str, Any]) -> None:
        self.result.skipped += 1
        self.result.errors.extend(errors)
        self._detail(index, "error", ids, " ".join(e.message for e in errors))

    def _detail(
        self, index: int, status: str, ids: dict[str, Any], reason: str | None = None
    ) -> None:
        if self.participants:
            event = self.options.event_key
            ids = {"contact_id": None, "participant_id": None, "event_key": event, **ids}
        else:
            ids = {"contact_id": ids.get("contact_id")}
        self.result.details.append({"index": index, "status": status, **ids, "reason": reason})
