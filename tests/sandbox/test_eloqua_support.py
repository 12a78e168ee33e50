"""Helpers the Eloqua sandbox tests share (no tests here): a logged-in client and short calls."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import httpx

from rowboat.sandbox.eloqua import PASSWORD, USER

if TYPE_CHECKING:
    from rowboat.sandbox.context import ManualClock
    from rowboat.sandbox.server import SandboxServer

BULK = "/api/bulk/2.0"
AUTH = (USER, PASSWORD)


def client(sandbox: SandboxServer, timeout: float = 10) -> httpx.Client:
    """A client of the Eloqua sandbox, logged in as the demo user."""
    return httpx.Client(base_url=sandbox.base_url("eloqua"), auth=AUTH, timeout=timeout)


def statement(event_id: int, internal_name: str) -> str:
    return f"{{{{Event[{event_id}].Field({internal_name})}}}}"


SUMMIT = {
    "email": statement(12, "Email_Address"),
    "firstName": statement(12, "First_Name"),
    "lastName": statement(12, "Last_Name"),
    "company": statement(12, "Company"),
    "attended": statement(12, "Attended"),
}
ROADSHOW = {
    "email": statement(15, "Email_Address"),
    "lastName": statement(15, "Last_Name"),
    "tier": statement(15, "Partner_Tier"),
    "registered": statement(15, "Registration_Date"),
    "guests": statement(15, "Number_of_Guests"),
}


def define(eloqua: httpx.Client, event_id: int = 12, **changes: Any) -> dict[str, Any]:
    """A new import definition of the event (the Summit's fields unless told otherwise)."""
    body = {
        "name": "Rowboat registrants",
        "fields": SUMMIT if event_id == 12 else ROADSHOW,
        "identifierFieldName": "email",
        **changes,
    }
    answer = eloqua.post(f"{BULK}/events/{event_id}/imports", json=body)
    assert answer.status_code == 201, answer.text
    result: dict[str, Any] = answer.json()
    return result


def post_data(eloqua: httpx.Client, definition_uri: str, records: Any) -> httpx.Response:
    return eloqua.post(f"{BULK}{definition_uri}/data", json=records)


def start_sync(eloqua: httpx.Client, definition_uri: str) -> str:
    answer = eloqua.post(f"{BULK}/syncs", json={"syncedInstanceUri": definition_uri})
    assert answer.status_code == 201, answer.text
    uri: str = answer.json()["uri"]
    return uri


def finished(eloqua: httpx.Client, clock: ManualClock, sync_uri: str) -> dict[str, Any]:
    """The sync after its time has run out on the sandbox clock."""
    clock.advance(3600)
    answer: dict[str, Any] = eloqua.get(BULK + sync_uri).json()
    return answer


def import_now(
    eloqua: httpx.Client, clock: ManualClock, definition_uri: str, records: list[dict[str, Any]]
) -> str:
    """Post the records, sync them to the end; the sync's uri."""
    assert post_data(eloqua, definition_uri, records).status_code == 204
    sync_uri = start_sync(eloqua, definition_uri)
    assert finished(eloqua, clock, sync_uri)["status"] in ("success", "warning", "error")
    return sync_uri


def registrants(eloqua: httpx.Client, event_id: int = 12) -> list[dict[str, str]]:
    """The stored registrants' fields, by internal name, in the order they were created."""
    answer = eloqua.get(f"{BULK}/_sandbox/events/{event_id}/registrants").json()
    return [item["fields"] for item in answer["items"]]
