"""Eloqua sandbox: event import definitions and the data posted to them."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

import pytest

from rowboat.sandbox.eloqua_imports import MAX_DATA_BYTES
from tests.sandbox.test_eloqua_support import (
    BULK,
    SUMMIT,
    define,
    finished,
    post_data,
    registrants,
    start_sync,
    statement,
)

if TYPE_CHECKING:
    from collections.abc import Iterator

    import httpx

    from rowboat.sandbox.context import ManualClock
    from rowboat.sandbox.server import SandboxServer


def _refused(eloqua: httpx.Client, body: Any, event_id: int = 12) -> list[dict[str, str]]:
    """The failures of a definition the sandbox must refuse with 400."""
    answer = eloqua.post(f"{BULK}/events/{event_id}/imports", json=body)
    assert answer.status_code == 400, answer.text
    found: list[dict[str, str]] = answer.json()["failures"]
    return found


def _body(**changes: Any) -> dict[str, Any]:
    return {"name": "Import", "fields": SUMMIT, "identifierFieldName": "email", **changes}


def test_a_definition_is_created_with_eloquas_defaults(eloqua: httpx.Client) -> None:
    created = define(eloqua)
    assert created == {
        "name": "Rowboat registrants",
        "fields": SUMMIT,
        "identifierFieldName": "email",
        "isSyncTriggeredOnImport": False,
        "dataRetentionDuration": "P7D",
        "updateRule": "always",
        "uri": "/events/12/imports/1",
        "createdAt": "2026-01-01T00:00:00.0000000Z",
        "createdBy": "demo",
        "updatedAt": "2026-01-01T00:00:00.0000000Z",
        "updatedBy": "demo",
    }
    assert eloqua.get(BULK + created["uri"]).json() == created


def test_a_definition_keeps_every_setting_it_was_given(eloqua: httpx.Client) -> None:
    created = define(
        eloqua,
        event_id=15,
        isSyncTriggeredOnImport=True,
        dataRetentionDuration="PT1H",
        autoDeleteDuration="P1D",
        updateRule="ifExistingIsNull",
    )
    assert created["uri"] == "/events/15/imports/1"
    assert created["isSyncTriggeredOnImport"] is True
    assert created["dataRetentionDuration"] == "PT1H"
    assert created["autoDeleteDuration"] == "P1D"
    assert created["updateRule"] == "ifExistingIsNull"


def test_statements_are_read_without_regard_to_case(eloqua: httpx.Client) -> None:
    fields = {"email": "{{event[12].field(email_address)}}"}
    assert define(eloqua, fields=fields)["fields"] == fields


def test_more_than_100_fields_are_refused(eloqua: httpx.Client) -> None:
    fields = {f"f{i}": statement(12, "Company") for i in range(101)}
    failures = _refused(eloqua, _body(fields=fields, identifierFieldName="f0"))
    assert failures == [
        {
            "field": "fields",
            "value": "101",
            "constraint": "An import definition can include at most 100 fields.",
        }
    ]


@pytest.mark.parametrize(
    "bad",
    [
        "{{Event[15].Field(Email_Address)}}",  # another event's field
        "{{Event[12].Field(Partner_Tier)}}",  # not a field of this event
        "{{Contact.Field(C_EmailAddress)}}",  # not an event statement
        "Email_Address",
        42,
    ],
)
def test_a_statement_that_is_not_a_field_of_the_event_is_refused(
    eloqua: httpx.Client, bad: object
) -> None:
    failures = _refused(eloqua, _body(fields={**SUMMIT, "extra": bad}))
    assert len(failures) == 1
    assert failures[0]["field"] == "fields"
    assert failures[0]["constraint"] == (
        "'extra': must be a field statement of event 12, like {{Event[12].Field(Email_Address)}}."
    )


def test_the_same_field_imported_twice_is_refused(eloqua: httpx.Client) -> None:
    failures = _refused(eloqua, _body(fields={**SUMMIT, "mail2": SUMMIT["email"]}))
    assert failures[0]["constraint"] == "'mail2': the field is already imported."


@pytest.mark.parametrize(
    ("identifier", "constraint"),
    [
        ("emailAddress", "Must be one of the names in fields."),
        (None, "Must be one of the names in fields."),
        ("company", "Must name a field with a uniqueness constraint (for events, Email Address)."),
        ("attended", "Must name a field with a uniqueness constraint (for events, Email Address)."),
    ],
)
def test_the_identifier_must_be_a_unique_field_of_the_definition(
    eloqua: httpx.Client, identifier: str | None, constraint: str
) -> None:
    failures = _refused(eloqua, _body(identifierFieldName=identifier))
    assert [(f["field"], f["constraint"]) for f in failures] == [
        ("identifierFieldName", constraint)
    ]


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        ("dataRetentionDuration", "PT59M"),
        ("dataRetentionDuration", "P15D"),
        ("dataRetentionDuration", "P3W"),
        ("dataRetentionDuration", "P1M"),  # months have no fixed length
        ("dataRetentionDuration", "7 days"),
        ("dataRetentionDuration", "PT"),
        ("dataRetentionDuration", 3600),
        ("autoDeleteDuration", "PT30M"),
        ("autoDeleteDuration", "tomorrow"),
        ("updateRule", "sometimes"),
        ("isSyncTriggeredOnImport", "maybe"),
    ],
)
def test_bad_durations_rules_and_flags_are_refused(
    eloqua: httpx.Client, setting: str, value: object
) -> None:
    failures = _refused(eloqua, _body(**{setting: value}))
    assert [f["field"] for f in failures] == [setting]


@pytest.mark.parametrize("retention", ["PT1H", "P14D", "P2W", "P1DT12H", "PT90M"])
def test_retention_from_one_hour_to_two_weeks_is_accepted(
    eloqua: httpx.Client, retention: str
) -> None:
    assert define(eloqua, dataRetentionDuration=retention)["dataRetentionDuration"] == retention


def test_every_problem_of_a_definition_is_reported_at_once(eloqua: httpx.Client) -> None:
    failures = _refused(eloqua, {"name": "", "fields": {}, "updateRule": "never"})
    assert [f["field"] for f in failures] == ["name", "fields", "updateRule"]
    assert failures[0]["constraint"] == (
        "Must be a string value, at least 1 character and at most 100 characters long."
    )


@pytest.mark.parametrize("body", [b"{not json", b"[1, 2]", b'"text"'])
def test_a_definition_that_is_not_a_json_object_is_refused(
    eloqua: httpx.Client, body: bytes
) -> None:
    answer = eloqua.post(
        f"{BULK}/events/12/imports", content=body, headers={"Content-Type": "application/json"}
    )
    assert answer.status_code == 400
    assert answer.json()["failures"][0]["constraint"] in (
        "The request body is not valid JSON.",
        "The import definition must be a JSON object.",
    )


def test_definitions_of_unknown_events_or_ids_are_not_found(eloqua: httpx.Client) -> None:
    assert eloqua.post(f"{BULK}/events/99/imports", json=_body()).status_code == 404
    uri = define(eloqua)["uri"]
    assert eloqua.get(f"{BULK}/events/12/imports/2").status_code == 404
    assert eloqua.get(f"{BULK}/events/15/imports/1").status_code == 404  # wrong event
    assert (
        post_data(eloqua, "/events/12/imports/2", [{"email": "a@example.com"}]).status_code == 404
    )
    assert eloqua.get(BULK + uri).status_code == 200


def test_a_deleted_definition_is_gone_with_its_staged_data(eloqua: httpx.Client) -> None:
    uri = define(eloqua)["uri"]
    assert post_data(eloqua, uri, [{"email": "a@example.com"}]).status_code == 204
    assert eloqua.delete(BULK + uri).status_code == 204
    assert eloqua.get(BULK + uri).status_code == 404
    refused = eloqua.post(f"{BULK}/syncs", json={"syncedInstanceUri": uri})
    assert refused.status_code == 400
    assert eloqua.delete(BULK + uri).status_code == 404


def test_a_definition_deletes_itself_after_its_auto_delete_duration(
    eloqua: httpx.Client, clock: ManualClock
) -> None:
    uri = define(eloqua, autoDeleteDuration="PT2H")["uri"]
    clock.advance(2 * 3600 - 1)
    assert eloqua.get(BULK + uri).status_code == 200
    clock.advance(1)
    assert eloqua.get(BULK + uri).status_code == 404


def test_json_data_is_staged_and_answers_204(
    eloqua: httpx.Client, clock: ManualClock, sandbox: SandboxServer
) -> None:
    uri = define(eloqua)["uri"]
    records = [
        {"email": "ana@example.com", "firstName": "Ana", "attended": True},
        {"email": "bo@example.com", "firstName": None, "company": 7},
    ]
    answer = post_data(eloqua, uri, records)
    assert answer.status_code == 204
    assert answer.content == b""
    with sandbox.ctx.lock:
        (staged,) = sandbox.ctx.db.execute("SELECT SUM(row_count) FROM eloqua_staged").fetchone()
    assert staged == 2
    sync = start_sync(eloqua, uri)
    assert finished(eloqua, clock, sync)["status"] == "success"
    assert registrants(eloqua) == [
        {"Email_Address": "ana@example.com", "First_Name": "Ana", "Attended": "true"},
        {"Email_Address": "bo@example.com", "Company": "7"},
    ]


def test_csv_data_with_a_header_of_field_keys_is_imported(
    eloqua: httpx.Client, clock: ManualClock
) -> None:
    uri = define(eloqua)["uri"]
    csv = 'email,firstName,lastName,attended\r\nzoë@example.com,Zoë,"Ölund, Jr.",no\r\n'
    answer = eloqua.post(
        f"{BULK}{uri}/data",
        content=csv.encode("utf-8"),
        headers={"Content-Type": "text/csv; charset=utf-8"},
    )
    assert answer.status_code == 204
    sync = start_sync(eloqua, uri)
    assert finished(eloqua, clock, sync)["status"] == "success"
    assert registrants(eloqua) == [
        {
            "Email_Address": "zoë@example.com",
            "First_Name": "Zoë",
            "Last_Name": "Ölund, Jr.",
            "Attended": "false",
        }
    ]


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/json", '[{"email": "m\u00fcller@example.com"}]'.encode("latin-1")),
        ("text/csv", "email,company\r\nx@example.com,Müller GmbH\r\n".encode("cp1252")),
    ],
)
def test_data_that_is_not_utf8_is_refused(
    eloqua: httpx.Client, content_type: str, body: bytes
) -> None:
    uri = define(eloqua)["uri"]
    answer = eloqua.post(f"{BULK}{uri}/data", content=body, headers={"Content-Type": content_type})
    assert answer.status_code == 400
    constraint = answer.json()["failures"][0]["constraint"]
    assert constraint.startswith("The data must be encoded with UTF-8 (byte ")


def test_data_over_32_mb_answers_404_as_eloqua_does(eloqua: httpx.Client) -> None:
    uri = define(eloqua)["uri"]
    started = time.monotonic()
    answer = eloqua.post(
        f"{BULK}{uri}/data",
        content=b" " * (33 * 1024 * 1024),
        headers={"Content-Type": "application/json"},
    )
    assert time.monotonic() - started < 3
    assert answer.status_code == 404
    assert answer.json()["failures"][0]["constraint"] == (
        "The request is larger than 32 MB (33554432 bytes)."
    )
    assert post_data(eloqua, uri, [{"email": "after@example.com"}]).status_code == 204


def test_data_over_32_mb_without_a_length_is_counted_while_read(eloqua: httpx.Client) -> None:
    uri = define(eloqua)["uri"]
    chunk = b" " * (1024 * 1024)

    def body() -> Iterator[bytes]:  # sent chunked: no Content-Length to go by
        yield b"["
        for _ in range(MAX_DATA_BYTES // len(chunk)):
            yield chunk
        yield b"]"

    answer = eloqua.post(
        f"{BULK}{uri}/data", content=body(), headers={"Content-Type": "application/json"}
    )
    assert answer.status_code == 404


def test_data_of_exactly_32_mb_is_accepted(eloqua: httpx.Client) -> None:
    uri = define(eloqua)["uri"]
    record = b'{"email": "big@example.com"}'
    body = b"[" + record + b"]"
    body = body[:-1] + b" " * (MAX_DATA_BYTES - len(body)) + b"]"
    answer = eloqua.post(
        f"{BULK}{uri}/data", content=body, headers={"Content-Type": "application/json"}
    )
    assert answer.status_code == 204


def test_a_key_that_is_not_in_the_definition_is_refused(eloqua: httpx.Client) -> None:
    uri = define(eloqua)["uri"]
    answer = post_data(eloqua, uri, [{"email": "a@example.com", "Email": "x", "phone": "1"}])
    assert answer.status_code == 400
    assert answer.json()["failures"] == [
        {"field": "Email", "value": "", "constraint": "Not a field of the import definition."},
        {"field": "phone", "value": "", "constraint": "Not a field of the import definition."},
    ]


def test_a_csv_header_that_is_not_in_the_definition_is_refused(eloqua: httpx.Client) -> None:
    uri = define(eloqua)["uri"]
    answer = eloqua.post(
        f"{BULK}{uri}/data",
        content=b"Email Address,firstName\r\na@example.com,A\r\n",
        headers={"Content-Type": "text/csv"},
    )
    assert answer.status_code == 400
    assert [f["field"] for f in answer.json()["failures"]] == ["Email Address"]


@pytest.mark.parametrize(
    ("body", "constraint"),
    [
        (b"[{", "The data is not valid JSON: Expecting property name enclosed in double quotes"),
        (b'{"email": "a@example.com"}', "The data must be a JSON array of objects"),
        (b'["a@example.com"]', "The data must be a JSON array of objects"),
        (b'[{"email": ["a@example.com"]}]', "Record 1: a value must be text, a number"),
    ],
)
def test_data_that_is_not_an_array_of_flat_records_is_refused(
    eloqua: httpx.Client, body: bytes, constraint: str
) -> None:
    uri = define(eloqua)["uri"]
    answer = eloqua.post(
        f"{BULK}{uri}/data", content=body, headers={"Content-Type": "application/json"}
    )
    assert answer.status_code == 400
    assert answer.json()["failures"][0]["constraint"].startswith(constraint)


@pytest.mark.parametrize("content_type", [None, "text/plain", "application/xml"])
def test_data_in_another_media_type_is_refused(
    eloqua: httpx.Client, content_type: str | None
) -> None:
    uri = define(eloqua)["uri"]
    headers = {"Content-Type": content_type} if content_type else {}
    answer = eloqua.post(f"{BULK}{uri}/data", content=b"[]", headers=headers)
    assert answer.status_code == 415


def test_data_cannot_change_while_a_sync_of_the_definition_runs(
    eloqua: httpx.Client, clock: ManualClock
) -> None:
    uri = define(eloqua)["uri"]
    assert post_data(eloqua, uri, [{"email": "a@example.com"}]).status_code == 204
    sync = start_sync(eloqua, uri)
    for status in ("pending", "active"):
        assert eloqua.get(BULK + sync).json()["status"] == status
        conflict = post_data(eloqua, uri, [{"email": "b@example.com"}])
        assert conflict.status_code == 409
        assert conflict.json()["failures"][0]["constraint"] == (
            "The definition is being synced by /syncs/1: wait for it to end."
        )
        assert eloqua.delete(f"{BULK}{uri}/data").status_code == 409
        assert eloqua.delete(BULK + uri).status_code == 409
        clock.advance(1)
    assert finished(eloqua, clock, sync)["status"] == "success"
    assert post_data(eloqua, uri, [{"email": "b@example.com"}]).status_code == 204


def test_emptying_the_staging_area_leaves_nothing_to_sync(
    eloqua: httpx.Client, clock: ManualClock
) -> None:
    uri = define(eloqua)["uri"]
    assert post_data(eloqua, uri, [{"email": "a@example.com"}]).status_code == 204
    assert eloqua.delete(f"{BULK}{uri}/data").status_code == 204
    sync = start_sync(eloqua, uri)
    assert finished(eloqua, clock, sync)["status"] == "error"
    assert registrants(eloqua) == []


def test_a_definition_that_triggers_its_sync_answers_201_with_the_sync(
    eloqua: httpx.Client, clock: ManualClock
) -> None:
    uri = define(eloqua, isSyncTriggeredOnImport=True)["uri"]
    answer = post_data(eloqua, uri, [{"email": "now@example.com"}])
    assert answer.status_code == 201
    assert answer.json() == {
        "uri": "/syncs/1",
        "syncedInstanceUri": uri,
        "status": "pending",
        "createdAt": "2026-01-01T00:00:00.0000000Z",
        "createdBy": "demo",
    }
    assert post_data(eloqua, uri, [{"email": "later@example.com"}]).status_code == 409
    assert finished(eloqua, clock, "/syncs/1")["status"] == "success"
    assert registrants(eloqua) == [{"Email_Address": "now@example.com"}]


def test_a_sync_takes_at_most_500_data_posts(
    eloqua: httpx.Client, sandbox: SandboxServer, clock: ManualClock
) -> None:
    uri = define(eloqua)["uri"]
    now = clock.now()
    with sandbox.ctx.lock:  # 499 posts put straight into staging, to keep the test fast
        sandbox.ctx.db.executemany(
            "INSERT INTO eloqua_staged (import_id, posted_at, expires_at, row_count, records)"
            " VALUES (1, ?, ?, 1, ?)",
            [(now, now + 3600, f'[{{"email": "p{i}@example.com"}}]') for i in range(499)],
        )
    assert post_data(eloqua, uri, [{"email": "p499@example.com"}]).status_code == 204
    refused = post_data(eloqua, uri, [{"email": "p500@example.com"}])
    assert refused.status_code == 400
    assert refused.json()["failures"][0]["constraint"] == (
        "A sync takes at most 500 data posts: sync this definition before posting more."
    )
    sync = start_sync(eloqua, uri)
    assert finished(eloqua, clock, sync)["status"] == "success"
    assert len(registrants(eloqua)) == 500
    assert post_data(eloqua, uri, [{"email": "p500@example.com"}]).status_code == 204
