"""The Eloqua sandbox's demo events, their registrant fields, and the routes that list them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from starlette.responses import JSONResponse

from rowboat.sandbox.eloqua_common import (
    CREATED_BY,
    MAX_LIMIT,
    ApiRoute,
    failure,
    failures,
    iso,
    not_found,
    page,
    paging,
)

if TYPE_CHECKING:
    from starlette.requests import Request
    from starlette.responses import Response

__all__ = ["EVENTS", "DataType", "Event", "EventField", "routes"]

DataType = Literal["number", "string", "boolean", "date", "emailAddress"]

_STATEMENT = re.compile(r"\{\{\s*Event\[(\d+)\]\.Field\(([^()]+)\)\s*\}\}", re.IGNORECASE)


@dataclass(frozen=True)
class EventField:
    id: int
    name: str
    internal_name: str
    data_type: DataType = "string"
    not_null: bool = False
    unique: bool = False


@dataclass(frozen=True)
class Event:
    id: int
    name: str
    created_at: float
    fields: tuple[EventField, ...]

    @property
    def uri(self) -> str:
        return f"/events/{self.id}"

    def statement(self, field: EventField) -> str:
        return f"{{{{Event[{self.id}].Field({field.internal_name})}}}}"

    def field_of(self, statement: object) -> EventField | None:
        """The field a statement such as `{{Event[12].Field(Email_Address)}}` names, if any.

        Eloqua markup is read without regard to case, like the rest of Eloqua's names.
        """
        match = _STATEMENT.fullmatch(statement.strip()) if isinstance(statement, str) else None
        if match is None or int(match[1]) != self.id:
            return None
        wanted = match[2].strip().casefold()
        return next((f for f in self.fields if f.internal_name.casefold() == wanted), None)

    def field_json(self, field: EventField) -> dict[str, object]:
        return {
            "name": field.name,
            "internalName": field.internal_name,
            "dataType": field.data_type,
            "statement": self.statement(field),
            "hasNotNullConstraint": field.not_null,
            "hasReadOnlyConstraint": False,
            "hasUniquenessConstraint": field.unique,
            "uri": f"{self.uri}/fields/{field.id}",
        }


def _email(field_id: int) -> EventField:
    return EventField(field_id, "Email Address", "Email_Address", "emailAddress", True, True)


EVENTS: dict[int, Event] = {
    event.id: event
    for event in (
        Event(12, "Customer Summit 2026", 1_762_128_000.0, (  # created 2025-11-03
            _email(1201),
            EventField(1202, "First Name", "First_Name"),
            EventField(1203, "Last Name", "Last_Name"),
            EventField(1204, "Company", "Company"),
            EventField(1205, "Dietary Requirements", "Dietary_Requirements"),
            EventField(1206, "Session Choice", "Session_Choice"),
            EventField(1207, "Attended", "Attended", "boolean"),
        )),
        Event(15, "Partner Roadshow", 1_763_942_400.0, (  # created 2025-11-24
            _email(1501),
            EventField(1502, "First Name", "First_Name"),
            # This event's owner made the last name mandatory: a registrant without one is refused.
            EventField(1503, "Last Name", "Last_Name", not_null=True),
            EventField(1504, "Partner Tier", "Partner_Tier"),
            EventField(1505, "Region", "Region"),
            EventField(1506, "Registration Date", "Registration_Date", "date"),
            EventField(1507, "Number of Guests", "Number_of_Guests", "number"),
        )),
    )
}  # fmt: skip


async def _rest_event_registrations(request: Request) -> Response:
    """The REST API's list of events: ids as strings and times as epoch seconds, as Eloqua does."""
    numbers: dict[str, int] = {}
    for name, default, high in (("page", 1, None), ("count", MAX_LIMIT, MAX_LIMIT)):
        text = request.query_params.get(name, str(default))
        numbers[name] = int(text) if text.isdigit() else 0
        if numbers[name] < 1 or (high is not None and numbers[name] > high):
            bounds = f"between 1 and {high}" if high else "at least 1"
            return failures(400, failure(f"Must be an integer {bounds}.", name, text))
    events = list(EVENTS.values())
    start = (numbers["page"] - 1) * numbers["count"]
    elements = [
        {
            "type": "EventRegistration",
            "id": str(e.id),
            "name": e.name,
            "depth": "minimal",
            "createdAt": str(int(e.created_at)),
            "createdBy": "1",
            "updatedAt": str(int(e.created_at)),
            "updatedBy": "1",
        }
        for e in events[start : start + numbers["count"]]
    ]
    return JSONResponse(
        {
            "elements": elements,
            "page": numbers["page"],
            "pageSize": numbers["count"],
            "total": len(events),
        }
    )


async def _bulk_events(request: Request) -> Response:
    window = paging(request)
    if isinstance(window, JSONResponse):
        return window
    limit, offset = window
    events = list(EVENTS.values())
    items = [
        {
            "name": e.name,
            "uri": e.uri,
            "createdAt": iso(e.created_at),
            "createdBy": CREATED_BY,
            "updatedAt": iso(e.created_at),
            "updatedBy": CREATED_BY,
        }
        for e in events[offset : offset + limit]
    ]
    return page(items, len(events), limit, offset)


async def _bulk_event_fields(request: Request) -> Response:
    event = EVENTS.get(request.path_params["id"])
    if event is None:
        return not_found("event")
    window = paging(request)
    if isinstance(window, JSONResponse):
        return window
    limit, offset = window
    items = [event.field_json(f) for f in event.fields[offset : offset + limit]]
    return page(items, len(event.fields), limit, offset)


def routes() -> list[ApiRoute]:
    return [
        ApiRoute("/api/rest/2.0/assets/eventRegistrations", _rest_event_registrations),
        ApiRoute("/api/bulk/2.0/events", _bulk_events),
        ApiRoute("/api/bulk/2.0/events/{id:int}/fields", _bulk_event_fields),
    ]
