"""An Eloqua event's own fields as the registrant endpoint's field schema, cached for offline use.

Each event defines its registrant fields. They are read from the server, turned into Rowboat
fields (Eloqua types become field types; a field that matches one of Rowboat's built-in registrant
fields keeps that field's key, synonyms, help and refinements such as the phone type), and cached
with the date fetched, so a file can be checked offline against them next time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rowboat.core.clients.eloqua import SYSTEM, EloquaClient, EventField
from rowboat.core.errors import Unavailable
from rowboat.core.mapping.synonyms import normalise
from rowboat.core.progress import NULL_REPORTER
from rowboat.core.targets.eloqua_fields import REGISTRANT_FIELDS
from rowboat.core.targets.registry import endpoint_with_fields, get_endpoint
from rowboat.core.targets.schema import Field, FieldType
from rowboat.core.targets.schema_cache import SchemaCache, schema_key

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from rowboat.core.clients._http import RetryPolicy
    from rowboat.core.connections.model import Connection, Secrets
    from rowboat.core.progress import Reporter
    from rowboat.core.targets.schema import Endpoint

__all__ = ["ENDPOINT_ID", "event_endpoint", "event_schema", "fields_by_key", "identifier_key"]

ENDPOINT_ID = "eloqua.event-registrants"

# Eloqua's data types (the documented five, and the names its other APIs use for them).
_TYPES = {
    "emailaddress": FieldType.EMAIL,
    "string": FieldType.TEXT,
    "text": FieldType.TEXT,
    "largetext": FieldType.TEXT,
    "number": FieldType.DECIMAL,
    "numeric": FieldType.DECIMAL,
    "boolean": FieldType.BOOLEAN,
    "date": FieldType.DATE,
}
# Built-in types that refine Eloqua's plain text: a phone stays a phone.
_TEXT_REFINEMENTS = frozenset({FieldType.PHONE, FieldType.URL, FieldType.COUNTRY})


def _builtin(field: EventField, taken: set[str]) -> Field | None:
    """The built-in registrant field this event field is, by its name or internal name."""
    names = {normalise(field.name), normalise(field.internal_name)}
    for builtin in REGISTRANT_FIELDS:
        if builtin.key not in taken and names & {normalise(builtin.key), normalise(builtin.label)}:
            return builtin
    return None


def fields_by_key(event_fields: Iterable[EventField]) -> dict[str, tuple[EventField, Field | None]]:
    """Each importable event field under the key Rowboat's records use for it, with the built-in
    field it matches. The carrier calls this too, so a record's key finds its field's statement
    whether the file was checked against the server's fields or against the default ones."""
    keyed: dict[str, tuple[EventField, Field | None]] = {}
    for field in event_fields:
        if field.read_only or not field.internal_name:
            continue
        builtin = _builtin(field, set(keyed))
        key = builtin.key if builtin is not None else field.internal_name
        suffix = 2
        while key in keyed:  # two fields of one name: the second keeps its own
            key, suffix = f"{field.internal_name}_{suffix}", suffix + 1
        keyed[key] = (field, builtin)
    return keyed


def identifier_key(keyed: dict[str, tuple[EventField, Field | None]]) -> str | None:
    """The key of the field Eloqua recognises registrants by: a unique field, preferably the
    email address."""
    unique = [k for k, (f, _) in keyed.items() if f.unique]
    emails = [k for k in unique if keyed[k][0].data_type.casefold() == "emailaddress"]
    best = emails or unique
    return best[0] if best else None


def _field(key: str, event_field: EventField, builtin: Field | None, identifier: bool) -> Field:
    kind = _TYPES.get(event_field.data_type.casefold(), FieldType.TEXT)
    own_help = f"The event's field {event_field.name} ({event_field.internal_name})."
    field = Field(
        key=key,
        label=event_field.name,
        type=kind,
        required=event_field.not_null or identifier,
        unique=event_field.unique or identifier,
        synonyms=(event_field.internal_name,),
        help=own_help,
    )
    if builtin is None:
        return field
    if kind is FieldType.TEXT and builtin.type in _TEXT_REFINEMENTS:
        kind = builtin.type
    same_type = builtin.type is kind
    return field.model_copy(
        update={
            "type": kind,
            "synonyms": tuple(dict.fromkeys((*builtin.synonyms, builtin.label, *field.synonyms))),
            "help": builtin.help or own_help,
            # Limits and examples of the built-in field hold only for a value of its type.
            "max_length": builtin.max_length if same_type else None,
            "example": builtin.example if same_type else "",
        }
    )


def event_endpoint(event_id: str, event_fields: Sequence[EventField]) -> Endpoint:
    """The registrant endpoint with the event's own fields."""
    base = get_endpoint(ENDPOINT_ID)
    keyed = fields_by_key(event_fields)
    identifier = identifier_key(keyed)
    fields = [_field(k, f, b, k == identifier) for k, (f, b) in keyed.items()]
    endpoint = endpoint_with_fields(base, fields, schema_origin="server")
    return endpoint.model_copy(
        update={
            "description": f"{base.description} These are the fields of Eloqua event "
            f"{event_id}, as the server describes them."
        }
    )


def event_schema(
    connection: Connection,
    secrets: Secrets,
    event_id: str,
    report: Reporter = NULL_REPORTER,
    policy: RetryPolicy | None = None,
    cache: SchemaCache | None = None,
) -> Endpoint:
    """The event's fields from the server, cached; the cached copy (with a note saying when it
    was fetched) when the server cannot be reached."""
    cache = cache or SchemaCache()
    key = schema_key(connection.name, ENDPOINT_ID, str(event_id))
    try:
        with EloquaClient(connection, secrets, report=report, policy=policy) as client:
            fields = client.event_fields(str(event_id))
    except Unavailable as exc:
        cached = cache.load(key)
        if cached is None:
            raise Unavailable(
                f"{SYSTEM} could not be reached, and Rowboat has no saved copy of the fields of "
                f"event {event_id} yet.",
                hint="Connect to the internet and try again once: Rowboat keeps the fields for "
                "next time.",
                detail=exc.detail,
            ) from None
        report.notice(
            f"{SYSTEM} could not be reached, so the file is checked against the fields of "
            f"event {event_id} as they were when last asked ({cached.age_text()})."
        )
        return cached.endpoint
    endpoint = event_endpoint(str(event_id), fields)
    cache.save(key, endpoint)
    return endpoint
