"""Eloqua event import definitions, and the data posted to them to wait for a sync."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from starlette.responses import JSONResponse, Response

from rowboat.sandbox.eloqua_common import (
    ApiRoute,
    failure,
    failures,
    not_found,
    page,
    paging,
    parse_duration,
    read_json,
)
from rowboat.sandbox.eloqua_db import Definition, delete_definition, drop_expired, load_definition
from rowboat.sandbox.eloqua_events import EVENTS
from rowboat.sandbox.eloqua_syncs import busy, start_sync
from rowboat.sandbox.spreadsheets import UnreadableFile, read_rows

if TYPE_CHECKING:
    from starlette.requests import Request

    from rowboat.sandbox.context import SandboxContext
    from rowboat.sandbox.eloqua_events import Event, EventField

__all__ = ["MAX_DATA_BYTES", "MAX_FIELDS", "MAX_POSTS_PER_SYNC", "Imports"]

MAX_FIELDS = 100
MAX_DATA_BYTES = 32 * 1024 * 1024
MAX_POSTS_PER_SYNC = 500
UPDATE_RULES = ("always", "ifNewIsNotNull", "ifExistingIsNull", "useFieldRule")
_HOUR, _TWO_WEEKS = 3_600.0, 14 * 86_400.0

Failures = list[dict[str, str]]


def _flag(value: object) -> bool | None:
    """A boolean as Eloqua reads one: true/false, or the strings "true"/"false"."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return None


def _check_fields(event: Event, fields: object, identifier: object) -> Failures:
    if not isinstance(fields, dict) or not fields:
        constraint = "Must be an object of 1 to 100 entries: your name -> a field statement."
        return [failure(constraint, "fields", fields or "")]
    if len(fields) > MAX_FIELDS:
        constraint = f"An import definition can include at most {MAX_FIELDS} fields."
        return [failure(constraint, "fields", str(len(fields)))]
    found: Failures = []
    targets: dict[str, EventField | None] = {}
    example = event.statement(event.fields[0])
    for key, statement in fields.items():
        target = event.field_of(statement)
        if target is None:
            constraint = f"'{key}': must be a field statement of event {event.id}, like {example}."
            found.append(failure(constraint, "fields", statement))
        elif target in targets.values():
            found.append(failure(f"'{key}': the field is already imported.", "fields", statement))
        targets[key] = target
    if not isinstance(identifier, str) or identifier not in fields:
        constraint = "Must be one of the names in fields."
        found.append(failure(constraint, "identifierFieldName", identifier or ""))
    elif (target := targets[identifier]) is not None and not target.unique:
        constraint = "Must name a field with a uniqueness constraint (for events, Email Address)."
        found.append(failure(constraint, "identifierFieldName", identifier))
    return found


def _check_definition(event: Event, body: object) -> dict[str, Any] | Failures:
    """The definition to store (defaults filled in), or what is wrong with it."""
    if not isinstance(body, dict):
        return [failure("The import definition must be a JSON object.")]
    found: Failures = []
    name = body.get("name")
    if not isinstance(name, str) or not name.strip() or len(name) > 100:
        constraint = "Must be a string value, at least 1 character and at most 100 characters long."
        found.append(failure(constraint, "name", name or ""))
    found += _check_fields(event, body.get("fields"), body.get("identifierFieldName"))
    flag = body.get("isSyncTriggeredOnImport", False)
    trigger = _flag(flag)
    if trigger is None:
        found.append(failure("Must be true or false.", "isSyncTriggeredOnImport", flag))
    retention = body.get("dataRetentionDuration", "P7D")
    seconds = parse_duration(retention)
    if seconds is None or not _HOUR <= seconds <= _TWO_WEEKS:
        constraint = "Must be an ISO 8601 duration from PT1H (1 hour) to P14D (2 weeks)."
        found.append(failure(constraint, "dataRetentionDuration", retention))
    auto_delete = body.get("autoDeleteDuration")
    auto_seconds = parse_duration(auto_delete)
    if auto_delete is not None and (auto_seconds is None or auto_seconds < _HOUR):
        constraint = "Must be an ISO 8601 duration of at least PT1H (1 hour)."
        found.append(failure(constraint, "autoDeleteDuration", auto_delete))
    rule = body.get("updateRule", "always")
    if rule not in UPDATE_RULES:
        found.append(failure(f"Must be one of: {', '.join(UPDATE_RULES)}.", "updateRule", rule))
    if found:
        return found
    definition = {
        "name": name,
        "fields": body["fields"],
        "identifierFieldName": body["identifierFieldName"],
        "isSyncTriggeredOnImport": trigger,
        "dataRetentionDuration": retention,
        "updateRule": rule,
    }
    if auto_delete is not None:
        definition["autoDeleteDuration"] = auto_delete
    return definition


async def _read_capped(request: Request) -> bytes | None:
    """The body, or None when it is larger than Eloqua's 32 MB.

    A body too large is still read to its end, and dropped as it comes: the client sends it
    whole before it listens, and would see a broken connection instead of the answer.
    """
    declared = request.headers.get("content-length", "")
    keep = not (declared.isdigit() and int(declared) > MAX_DATA_BYTES)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        keep = keep and size <= MAX_DATA_BYTES
        if keep:
            chunks.append(chunk)
        else:
            chunks.clear()
    return b"".join(chunks) if keep else None


def _text(value: object) -> str | None:
    """A JSON value as the text Eloqua stores; None for arrays and objects."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return json.dumps(value)
    return value.strip() if isinstance(value, str) else None


class _Refused(Exception):
    """The posted data cannot be staged; `items` say why, in Eloqua's failures shape."""

    def __init__(self, *items: dict[str, str]) -> None:
        super().__init__(items[0]["constraint"])
        self.items = items


def _json_records(text: str) -> list[dict[str, str]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _Refused(
            failure(f"The data is not valid JSON: {exc.msg} (line {exc.lineno}).")
        ) from exc
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise _Refused(failure("The data must be a JSON array of objects, one per record."))
    records: list[dict[str, str]] = []
    for index, item in enumerate(data, start=1):
        record: dict[str, str] = {}
        for key, value in item.items():
            text_value = _text(value)
            if text_value is None:
                constraint = f"Record {index}: a value must be text, a number, true/false or null."
                raise _Refused(failure(constraint, key, value))
            record[key] = text_value
        records.append(record)
    return records


def _parse_data(data: bytes, content_type: str, keys: set[str]) -> list[dict[str, str]]:
    """The records of a data post, each {definition key: text}; raises _Refused."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        constraint = f"The data must be encoded with UTF-8 (byte {exc.start} is not UTF-8)."
        raise _Refused(failure(constraint)) from exc
    if content_type == "text/csv":
        try:  # the reader decodes on its own; the check above words the UTF-8 refusal alike
            records = read_rows(data, "data.csv")[1]
        except UnreadableFile as exc:
            raise _Refused(failure(f"The CSV data cannot be read: {exc}")) from exc
    else:
        records = _json_records(text)
    unknown = sorted({key for record in records for key in record} - keys)
    if unknown:
        raise _Refused(*(failure("Not a field of the import definition.", key) for key in unknown))
    return records


class Imports:
    """The routes of /events/{parentId}/imports: definitions and their data."""

    def __init__(self, ctx: SandboxContext) -> None:
        self.ctx = ctx

    def routes(self) -> list[ApiRoute]:
        base = "/api/bulk/2.0/events/{parentId:int}/imports"
        return [
            ApiRoute(base, self.create, ("POST",)),
            ApiRoute(base, self.definitions),
            ApiRoute(base + "/{id:int}", self.get),
            ApiRoute(base + "/{id:int}", self.delete, ("DELETE",)),
            ApiRoute(base + "/{id:int}/data", self.post_data, ("POST",)),
            ApiRoute(base + "/{id:int}/data", self.delete_data, ("DELETE",)),
        ]

    async def create(self, request: Request) -> Response:
        event = EVENTS.get(request.path_params["parentId"])
        if event is None:
            return not_found("event")
        body = await read_json(request)
        if isinstance(body, JSONResponse):
            return body
        checked = _check_definition(event, body)
        if isinstance(checked, list):
            return failures(400, *checked)
        now = self.ctx.clock.now()
        auto_delete = parse_duration(checked.get("autoDeleteDuration"))
        with self.ctx.lock:
            cursor = self.ctx.db.execute(
                "INSERT INTO eloqua_imports (event_id, body, created_at, delete_at)"
                " VALUES (?, ?, ?, ?)",
                (event.id, json.dumps(checked), now, now + auto_delete if auto_delete else None),
            )
        definition = Definition(cursor.lastrowid or 0, event.id, checked, now)
        return JSONResponse(definition.to_json(), status_code=201)

    async def definitions(self, request: Request) -> Response:
        """The event's import definitions, oldest first (paged; `q` and `orderBy` not played)."""
        event_id = request.path_params["parentId"]
        if event_id not in EVENTS:
            return not_found("event")
        window = paging(request)
        if isinstance(window, JSONResponse):
            return window
        limit, offset = window
        with self.ctx.lock:
            ids = [
                row["id"]
                for row in self.ctx.db.execute(
                    "SELECT id FROM eloqua_imports WHERE event_id = ? ORDER BY id", (event_id,)
                ).fetchall()
            ]
        # Loaded one by one so that auto-deleted definitions drop out, as they do from GET.
        found = [d for i in ids if (d := load_definition(self.ctx, event_id, i)) is not None]
        items = [d.to_json() for d in found[offset : offset + limit]]
        return page(items, len(found), limit, offset)

    async def get(self, request: Request) -> Response:
        definition = self._definition(request)
        if definition is None:
            return not_found("import definition")
        return JSONResponse(definition.to_json())

    async def delete(self, request: Request) -> Response:
        definition = self._definition(request)
        if definition is None:
            return not_found("import definition")
        with self.ctx.lock:
            if (conflict := busy(self.ctx, definition)) is not None:
                return conflict
            delete_definition(self.ctx, definition.id)
        return Response(status_code=204)

    async def delete_data(self, request: Request) -> Response:
        """Empty the definition's staging area (data not yet taken by a sync)."""
        definition = self._definition(request)
        if definition is None:
            return not_found("import definition")
        with self.ctx.lock:
            if (conflict := busy(self.ctx, definition)) is not None:
                return conflict
            self.ctx.db.execute(
                "DELETE FROM eloqua_staged WHERE import_id = ? AND sync_id IS NULL",
                (definition.id,),
            )
        return Response(status_code=204)

    async def post_data(self, request: Request) -> Response:
        data = await _read_capped(request)
        if data is None:
            constraint = f"The request is larger than 32 MB ({MAX_DATA_BYTES} bytes)."
            return failures(404, failure(constraint))
        definition = self._definition(request)
        if definition is None:
            return not_found("import definition")
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type not in ("application/json", "text/csv"):
            constraint = "The data must be sent as application/json or text/csv."
            return failures(415, failure(constraint, "Content-Type", content_type))
        try:
            records = _parse_data(data, content_type, set(definition.body["fields"]))
        except _Refused as exc:
            return failures(400, *exc.items)
        return self._stage(definition, records)

    def _stage(self, definition: Definition, records: list[dict[str, str]]) -> Response:
        now = self.ctx.clock.now()
        retention = parse_duration(definition.body["dataRetentionDuration"]) or 0.0
        with self.ctx.lock:  # the checks, the post and the sync it triggers go as one
            if (conflict := busy(self.ctx, definition)) is not None:
                return conflict
            if self._staged_posts(definition, now) >= MAX_POSTS_PER_SYNC:
                constraint = (
                    f"A sync takes at most {MAX_POSTS_PER_SYNC} data posts: "
                    "sync this definition before posting more."
                )
                return failures(400, failure(constraint, "syncedInstanceUri", definition.uri))
            self.ctx.db.execute(
                "INSERT INTO eloqua_staged"
                " (import_id, posted_at, expires_at, row_count, records) VALUES (?, ?, ?, ?, ?)",
                (definition.id, now, now + retention, len(records), json.dumps(records)),
            )
            if definition.body["isSyncTriggeredOnImport"]:
                return JSONResponse(start_sync(self.ctx, definition), status_code=201)
        return Response(status_code=204)

    def _staged_posts(self, definition: Definition, now: float) -> int:
        """How many posts wait for the definition's next sync; expired ones are dropped first."""
        with self.ctx.lock:
            drop_expired(self.ctx, definition.id, now)
            (posts,) = self.ctx.db.execute(
                "SELECT COUNT(*) FROM eloqua_staged WHERE import_id = ? AND sync_id IS NULL",
                (definition.id,),
            ).fetchone()
        return int(posts)

    def _definition(self, request: Request) -> Definition | None:
        params = request.path_params
        return load_definition(self.ctx, params["parentId"], params["id"])
