"""Eloqua syncs: they take a definition's staged data, run on the sandbox clock, and when they
end process it once, leaving logs, rejects and the registrants they stored."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any, TypeAlias

from starlette.responses import JSONResponse

from rowboat.sandbox.eloqua_common import (
    CREATED_BY,
    ApiRoute,
    failure,
    failures,
    iso,
    not_found,
    page,
    paging,
    read_json,
)
from rowboat.sandbox.eloqua_db import drop_expired, load_definition, page_rows, transaction
from rowboat.sandbox.eloqua_events import EVENTS
from rowboat.sandbox.eloqua_registrants import Outcome, import_records, registrant_json

if TYPE_CHECKING:
    import sqlite3
    from collections.abc import Callable

    from starlette.requests import Request
    from starlette.responses import Response

    from rowboat.sandbox.context import SandboxContext
    from rowboat.sandbox.eloqua_db import Definition

__all__ = ["Syncs", "busy", "start_sync"]

_Shape: TypeAlias = "Callable[[sqlite3.Row, str], dict[str, Any]]"

PENDING_PART = 0.1  # the first tenth of a sync's time it waits in the queue ("pending")
_SEVERITY = {"success": "information", "warning": "warning", "error": "error"}
_DEFINITION_URI = re.compile(r"/events/(\d+)/imports/(\d+)", re.IGNORECASE)


def start_sync(
    ctx: SandboxContext, definition: Definition, callback_url: str | None = None
) -> dict[str, Any]:
    """A new pending sync that takes every unexpired post staged for the definition."""
    now = ctx.clock.now()
    with transaction(ctx):
        drop_expired(ctx, definition.id, now)
        (rows,) = ctx.db.execute(
            "SELECT COALESCE(SUM(row_count), 0) FROM eloqua_staged"
            " WHERE import_id = ? AND sync_id IS NULL",
            (definition.id,),
        ).fetchone()
        cursor = ctx.db.execute(
            "INSERT INTO eloqua_syncs"
            " (import_id, event_id, body, callback_url, created_at, row_count)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (definition.id, definition.event_id, json.dumps(definition.body), callback_url, now,
             rows),
        )  # fmt: skip
        ctx.db.execute(
            "UPDATE eloqua_staged SET sync_id = ? WHERE import_id = ? AND sync_id IS NULL",
            (cursor.lastrowid, definition.id),
        )
        row = _load(ctx, cursor.lastrowid or 0)
    assert row is not None
    return _sync_json(ctx, row)


def busy(ctx: SandboxContext, definition: Definition) -> JSONResponse | None:
    """The 409 answer while a sync of the definition is pending or active: it cannot be synced
    again, and its data cannot change, until that sync ends."""
    running = _running_sync(ctx, definition.id)
    if running is None:
        return None
    constraint = f"The definition is being synced by /syncs/{running['id']}: wait for it to end."
    return failures(409, failure(constraint, "syncedInstanceUri", definition.uri))


def _running_sync(ctx: SandboxContext, import_id: int) -> sqlite3.Row | None:
    """The definition's sync that is still pending or active, if any (ended ones are settled)."""
    with ctx.lock:
        rows = ctx.db.execute(
            "SELECT * FROM eloqua_syncs WHERE import_id = ? AND status IS NULL", (import_id,)
        ).fetchall()
        for row in rows:
            settled = _settle(ctx, row)
            if settled["status"] is None:
                return settled
    return None


def _load(ctx: SandboxContext, sync_id: int) -> sqlite3.Row | None:
    with ctx.lock:
        row: sqlite3.Row | None = ctx.db.execute(
            "SELECT * FROM eloqua_syncs WHERE id = ?", (sync_id,)
        ).fetchone()
        return row


def _settle(ctx: SandboxContext, row: sqlite3.Row) -> sqlite3.Row:
    """The sync as it stands now: processed here, once, if its time has run out."""
    if row["status"] is not None or ctx.job_fraction(row["created_at"], row["row_count"]) < 1:
        return row
    with ctx.lock:
        current = _load(ctx, row["id"])
        assert current is not None
        if current["status"] is None:  # not processed by another request meanwhile
            _process(ctx, current)
            current = _load(ctx, row["id"])
            assert current is not None
        return current


def _process(ctx: SandboxContext, row: sqlite3.Row) -> None:
    ended = row["created_at"] + ctx.job_duration(row["row_count"])
    with transaction(ctx):
        staged = ctx.db.execute(
            "SELECT records FROM eloqua_staged WHERE sync_id = ? ORDER BY id", (row["id"],)
        ).fetchall()
        records = [record for post in staged for record in json.loads(post["records"])]
        event = EVENTS[row["event_id"]]
        outcome = import_records(ctx, event, json.loads(row["body"]), records, row["id"], ended)
        status = _status(outcome)
        ctx.db.executemany(
            "INSERT INTO eloqua_rejects (sync_id, record_index, field_values, invalid_fields,"
            " message, status_code) VALUES (?, ?, ?, ?, ?, ?)",
            [
                (row["id"], r.record_index, json.dumps(r.field_values),
                 json.dumps(r.invalid_fields), r.message, r.status_code)
                for r in outcome.rejects
            ],
        )  # fmt: skip
        ctx.db.executemany(
            "INSERT INTO eloqua_sync_logs (sync_id, position, count, message, severity,"
            " status_code, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (row["id"], position, *entry, ended)
                for position, entry in enumerate(_logs(row["id"], outcome, status))
            ],
        )
        # Staged data is gone once synced, as Eloqua deletes its internal staging.
        ctx.db.execute("DELETE FROM eloqua_staged WHERE sync_id = ?", (row["id"],))
        ctx.db.execute(
            "UPDATE eloqua_syncs SET status = ?, ended_at = ? WHERE id = ?",
            (status, ended, row["id"]),
        )


def _status(outcome: Outcome) -> str:
    rejected = len(outcome.rejects)
    if outcome.processed == 0 or rejected == outcome.processed:
        return "error"
    return "warning" if rejected else "success"


def _logs(sync_id: int, outcome: Outcome, status: str) -> list[tuple[int, str, str, str]]:
    """(count, message, severity, statusCode) of each log line of a processed sync."""
    total_severity = "error" if outcome.processed == 0 else "information"
    lines = [(outcome.processed, "Total records processed.", total_severity, "ELQ-00001")]
    if outcome.duplicates:
        lines.append((outcome.duplicates, "Duplicate identifier.", "warning", "ELQ-00026"))
    lines.append((outcome.created, "Event data created.", "information", "ELQ-00077"))
    lines.append((outcome.updated, "Event data updated.", "information", "ELQ-00079"))
    if outcome.rejects:
        severity = "error" if status == "error" else "warning"
        lines.append((len(outcome.rejects), "Event data rejected.", severity, "ELQ-00081"))
    message = f"Sync processed for sync {sync_id}, resulting in {status.capitalize()} status."
    lines.append((0, message, _SEVERITY[status], "ELQ-00101"))
    return lines


def _sync_json(ctx: SandboxContext, row: sqlite3.Row) -> dict[str, Any]:
    created, ended = row["created_at"], row["ended_at"]
    status = row["status"]
    if status is None:
        fraction = ctx.job_fraction(created, row["row_count"])
        status = "pending" if fraction < PENDING_PART else "active"
    answer: dict[str, Any] = {
        "uri": f"/syncs/{row['id']}",
        "syncedInstanceUri": f"/events/{row['event_id']}/imports/{row['import_id']}",
        "status": status,
        "createdAt": iso(created),
        "createdBy": CREATED_BY,
    }
    if row["callback_url"]:
        answer["callbackUrl"] = row["callback_url"]
    duration = ended - created if ended is not None else ctx.job_duration(row["row_count"])
    if status != "pending":
        answer["syncStartedAt"] = iso(created + PENDING_PART * duration)
    if ended is not None:
        answer["syncEndedAt"] = iso(ended)
    return answer


def _log_json(row: sqlite3.Row, sync_uri: str) -> dict[str, Any]:
    return {
        "count": row["count"],
        "createdAt": iso(row["created_at"]),
        "message": row["message"],
        "severity": row["severity"],
        "statusCode": row["status_code"],
        "syncUri": sync_uri,
    }


def _reject_json(row: sqlite3.Row, sync_uri: str) -> dict[str, Any]:
    return {
        "fieldValues": json.loads(row["field_values"]),
        "invalidFields": json.loads(row["invalid_fields"]),
        "message": row["message"],
        "recordIndex": row["record_index"],
        "statusCode": row["status_code"],
        "syncUri": sync_uri,
    }


class Syncs:
    """The routes of /syncs, and the sandbox-only list of what the syncs stored."""

    def __init__(self, ctx: SandboxContext) -> None:
        self.ctx = ctx

    def routes(self) -> list[ApiRoute]:
        return [
            ApiRoute("/api/bulk/2.0/syncs", self.create, ("POST",)),
            ApiRoute("/api/bulk/2.0/syncs", self.syncs),
            ApiRoute("/api/bulk/2.0/syncs/{id:int}", self.get),
            ApiRoute("/api/bulk/2.0/syncs/{id:int}/logs", self.logs),
            ApiRoute("/api/bulk/2.0/syncs/{id:int}/rejects", self.rejects),
            ApiRoute("/api/bulk/2.0/_sandbox/events/{id:int}/registrants", self.registrants),
        ]

    async def create(self, request: Request) -> Response:
        body = await read_json(request)
        if isinstance(body, JSONResponse):
            return body
        if not isinstance(body, dict):
            return failures(400, failure("The sync must be a JSON object."))
        uri, callback = body.get("syncedInstanceUri"), body.get("callbackUrl")
        if callback is not None and not isinstance(callback, str):
            return failures(400, failure("Must be a string.", "callbackUrl", callback))
        match = _DEFINITION_URI.fullmatch(uri.strip()) if isinstance(uri, str) else None
        definition = load_definition(self.ctx, int(match[1]), int(match[2])) if match else None
        if definition is None:
            constraint = "Must reference an existing event import definition."
            return failures(400, failure(constraint, "syncedInstanceUri", uri or ""))
        with self.ctx.lock:
            return busy(self.ctx, definition) or JSONResponse(
                start_sync(self.ctx, definition, callback), status_code=201
            )

    async def syncs(self, request: Request) -> Response:
        """Every sync, oldest first (paged; `q` and `orderBy` are not played)."""
        window = paging(request)
        if isinstance(window, JSONResponse):
            return window
        limit, offset = window
        with self.ctx.lock:
            (total,) = self.ctx.db.execute("SELECT COUNT(*) FROM eloqua_syncs").fetchone()
            rows = self.ctx.db.execute(
                "SELECT * FROM eloqua_syncs ORDER BY id LIMIT ? OFFSET ?", (limit, offset)
            ).fetchall()
            items = [_sync_json(self.ctx, _settle(self.ctx, row)) for row in rows]
        return page(items, total, limit, offset)

    async def get(self, request: Request) -> Response:
        row = self._settled(request)
        if row is None:
            return not_found("sync")
        return JSONResponse(_sync_json(self.ctx, row))

    async def logs(self, request: Request) -> Response:
        return self._paged(request, "eloqua_sync_logs", "position", _log_json)

    async def rejects(self, request: Request) -> Response:
        return self._paged(request, "eloqua_rejects", "record_index", _reject_json)

    async def registrants(self, request: Request) -> Response:
        event_id = request.path_params["id"]
        if event_id not in EVENTS:
            return not_found("event")
        window = paging(request)
        if isinstance(window, JSONResponse):
            return window
        with self.ctx.lock:
            due = self.ctx.db.execute(
                "SELECT * FROM eloqua_syncs WHERE event_id = ? AND status IS NULL", (event_id,)
            ).fetchall()
            for row in due:
                _settle(self.ctx, row)
        rows, total = page_rows(self.ctx, "eloqua_registrants", "event_id", event_id, "id", window)
        return page([registrant_json(r) for r in rows], total, *window)

    def _settled(self, request: Request) -> sqlite3.Row | None:
        row = _load(self.ctx, request.path_params["id"])
        return None if row is None else _settle(self.ctx, row)

    def _paged(self, request: Request, table: str, order: str, shape: _Shape) -> Response:
        row = self._settled(request)
        if row is None:
            return not_found("sync")
        window = paging(request)
        if isinstance(window, JSONResponse):
            return window
        rows, total = page_rows(self.ctx, table, "sync_id", row["id"], order, window)
        uri = f"/syncs/{row['id']}"
        return page([shape(r, uri) for r in rows], total, *window)
