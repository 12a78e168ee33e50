"""Eloqua sandbox: syncs on the sandbox clock, their logs and rejects, and the registrants they
create or update."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from tests.sandbox.test_eloqua_support import (
    BULK,
    define,
    finished,
    import_now,
    post_data,
    registrants,
    start_sync,
)

if TYPE_CHECKING:
    import httpx

    from rowboat.sandbox.context import ManualClock
    from rowboat.sandbox.server import SandboxServer


def _counts(eloqua: httpx.Client, sync_uri: str) -> dict[str, int]:
    """statusCode -> count of the sync's log lines."""
    items = eloqua.get(f"{BULK}{sync_uri}/logs").json()["items"]
    return {item["statusCode"]: item["count"] for item in items}


def _rejects(eloqua: httpx.Client, sync_uri: str, query: str = "") -> dict[str, Any]:
    answer: dict[str, Any] = eloqua.get(f"{BULK}{sync_uri}/rejects{query}").json()
    return answer


def test_a_sync_goes_from_pending_to_active_to_success_on_the_sandbox_clock(
    eloqua: httpx.Client, clock: ManualClock, sandbox: SandboxServer
) -> None:
    sandbox.ctx.job_seconds, sandbox.ctx.seconds_per_row = 10.0, 1.0
    uri = define(eloqua)["uri"]
    assert post_data(eloqua, uri, [{"email": f"r{i}@example.com"} for i in range(10)]).is_success
    created = eloqua.post(f"{BULK}/syncs", json={"syncedInstanceUri": uri})
    assert created.status_code == 201
    sync = created.json()
    assert sync == {
        "uri": "/syncs/1",
        "syncedInstanceUri": "/events/12/imports/1",
        "status": "pending",
        "createdAt": "2026-01-01T00:00:00.0000000Z",
        "createdBy": "demo",
    }
    clock.advance(1.9)  # the sync takes 10 + 10 x 1 = 20 s; its first tenth is pending
    assert eloqua.get(BULK + sync["uri"]).json()["status"] == "pending"
    clock.advance(0.1)
    active = eloqua.get(BULK + sync["uri"]).json()
    assert active["status"] == "active"
    assert active["syncStartedAt"] == "2026-01-01T00:00:02.0000000Z"
    assert "syncEndedAt" not in active
    assert registrants(eloqua) == []
    clock.advance(17.9)
    assert eloqua.get(BULK + sync["uri"]).json()["status"] == "active"
    clock.advance(0.1)
    done = eloqua.get(BULK + sync["uri"]).json()
    assert done["status"] == "success"
    assert done["syncStartedAt"] == "2026-01-01T00:00:02.0000000Z"
    assert done["syncEndedAt"] == "2026-01-01T00:00:20.0000000Z"
    assert len(registrants(eloqua)) == 10


def test_a_finished_sync_logs_what_it_did_with_eloquas_codes(
    eloqua: httpx.Client, clock: ManualClock
) -> None:
    uri = define(eloqua)["uri"]
    sync = import_now(eloqua, clock, uri, [{"email": "a@example.com"}, {"email": "b@example.com"}])
    logs = eloqua.get(f"{BULK}{sync}/logs").json()
    assert (logs["totalResults"], logs["count"], logs["hasMore"]) == (4, 4, False)
    assert [(i["statusCode"], i["count"], i["severity"], i["message"]) for i in logs["items"]] == [
        ("ELQ-00001", 2, "information", "Total records processed."),
        ("ELQ-00077", 2, "information", "Event data created."),
        ("ELQ-00079", 0, "information", "Event data updated."),
        ("ELQ-00101", 0, "information", "Sync processed for sync 1, resulting in Success status."),
    ]
    assert {i["syncUri"] for i in logs["items"]} == {"/syncs/1"}
    assert {i["createdAt"] for i in logs["items"]} == {"2026-01-01T00:00:04.0040000Z"}
    assert _rejects(eloqua, sync)["items"] == []


def test_invalid_records_are_rejected_and_the_sync_ends_in_warning(
    eloqua: httpx.Client, clock: ManualClock
) -> None:
    uri = define(eloqua, event_id=15)["uri"]
    records = [
        {"email": "ok@example.com", "lastName": "Okafor", "registered": "2026-03-01",
         "guests": "2"},
        {"email": "not-an-email", "lastName": "Nu"},
        {"email": "ok2@example.com", "lastName": "", "registered": "01/03/2026",
         "guests": "two"},
        {"email": "", "lastName": "Blank"},
        {"email": "ok3@example.com", "lastName": "Ito", "registered": "2026-03-01 09:30:00",
         "guests": "-1.5e0"},
        {"email": "OK@example.com", "lastName": "Again"},
    ]  # fmt: skip
    sync = import_now(eloqua, clock, uri, records)
    assert eloqua.get(BULK + sync).json()["status"] == "warning"
    assert _counts(eloqua, sync) == {
        "ELQ-00001": 6,
        "ELQ-00026": 1,
        "ELQ-00077": 2,
        "ELQ-00079": 0,
        "ELQ-00081": 4,
        "ELQ-00101": 0,
    }
    rejects = _rejects(eloqua, sync)
    assert rejects["totalResults"] == 4
    assert [
        (r["recordIndex"], r["statusCode"], r["invalidFields"], r["message"])
        for r in rejects["items"]
    ] == [
        (2, "ELQ-00002", ["email"],
         "Record rejected: 'not-an-email' is not a valid email address for Email Address."),
        (3, "ELQ-00061", ["lastName", "registered", "guests"],
         "Record rejected: Last Name is required; '01/03/2026' is not a valid date for "
         "Registration Date; 'two' is not a valid number for Number of Guests."),
        (4, "ELQ-00061", ["email"], "Record rejected: Email Address is required."),
        (6, "ELQ-00026", ["email"],
         "Record rejected: the identifier 'OK@example.com' already came in record 1."),
    ]  # fmt: skip
    assert rejects["items"][0]["fieldValues"] == {"email": "not-an-email", "lastName": "Nu"}
    assert {r["syncUri"] for r in rejects["items"]} == {sync}
    assert [r["Email_Address"] for r in registrants(eloqua, 15)] == [
        "ok@example.com", "ok3@example.com"
    ]  # fmt: skip


def test_a_sync_whose_every_record_is_rejected_ends_in_error(
    eloqua: httpx.Client, clock: ManualClock
) -> None:
    uri = define(eloqua)["uri"]
    sync = import_now(eloqua, clock, uri, [{"email": "x"}, {"email": "y", "attended": "maybe"}])
    assert eloqua.get(BULK + sync).json()["status"] == "error"
    logs = eloqua.get(f"{BULK}{sync}/logs").json()["items"]
    assert [(i["statusCode"], i["count"], i["severity"]) for i in logs][-2:] == [
        ("ELQ-00081", 2, "error"),
        ("ELQ-00101", 0, "error"),
    ]
    assert logs[-1]["message"] == "Sync processed for sync 1, resulting in Error status."
    assert _rejects(eloqua, sync)["items"][1]["invalidFields"] == ["email", "attended"]


def test_a_sync_with_nothing_staged_ends_in_error(eloqua: httpx.Client, clock: ManualClock) -> None:
    uri = define(eloqua)["uri"]
    sync = start_sync(eloqua, uri)
    assert finished(eloqua, clock, sync)["status"] == "error"
    logs = eloqua.get(f"{BULK}{sync}/logs").json()["items"]
    assert [(i["statusCode"], i["count"], i["severity"]) for i in logs] == [
        ("ELQ-00001", 0, "error"),
        ("ELQ-00077", 0, "information"),
        ("ELQ-00079", 0, "information"),
        ("ELQ-00101", 0, "error"),
    ]


def test_a_definition_cannot_be_synced_again_while_its_sync_runs(
    eloqua: httpx.Client, clock: ManualClock
) -> None:
    uri = define(eloqua)["uri"]
    assert post_data(eloqua, uri, [{"email": "a@example.com"}]).status_code == 204
    first = start_sync(eloqua, uri)
    again = eloqua.post(f"{BULK}/syncs", json={"syncedInstanceUri": uri})
    assert again.status_code == 409
    assert again.json()["failures"] == [
        {
            "field": "syncedInstanceUri",
            "value": uri,
            "constraint": "The definition is being synced by /syncs/1: wait for it to end.",
        }
    ]
    clock.advance(2)
    assert eloqua.get(BULK + first).json()["status"] == "active"
    assert eloqua.post(f"{BULK}/syncs", json={"syncedInstanceUri": uri}).status_code == 409
    clock.advance(10)  # ended, though nobody read it yet: the next sync may start
    assert start_sync(eloqua, uri) == "/syncs/2"
    assert eloqua.get(BULK + first).json()["status"] == "success"


def test_two_definitions_of_one_event_sync_side_by_side(
    eloqua: httpx.Client, clock: ManualClock
) -> None:
    one, two = define(eloqua)["uri"], define(eloqua)["uri"]
    assert post_data(eloqua, one, [{"email": "one@example.com"}]).status_code == 204
    assert post_data(eloqua, two, [{"email": "two@example.com"}]).status_code == 204
    syncs = [start_sync(eloqua, one), start_sync(eloqua, two)]
    assert [finished(eloqua, clock, s)["status"] for s in syncs] == ["success", "success"]
    assert len(registrants(eloqua)) == 2


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "syncedInstanceUri"),
        ({"syncedInstanceUri": "/events/12/imports/9"}, "syncedInstanceUri"),
        ({"syncedInstanceUri": "/contacts/imports/1"}, "syncedInstanceUri"),
        ({"syncedInstanceUri": 1}, "syncedInstanceUri"),
        ({"syncedInstanceUri": "/events/12/imports/1", "callbackUrl": 5}, "callbackUrl"),
    ],
)
def test_a_sync_of_something_that_is_not_a_definition_is_refused(
    eloqua: httpx.Client, body: dict[str, Any], field: str
) -> None:
    define(eloqua)
    answer = eloqua.post(f"{BULK}/syncs", json=body)
    assert answer.status_code == 400
    assert answer.json()["failures"][0]["field"] == field


def test_a_sync_keeps_the_callback_url_it_was_given(eloqua: httpx.Client) -> None:
    uri = define(eloqua)["uri"]
    body = {"syncedInstanceUri": uri.upper(), "callbackUrl": "https://example.com/done"}
    answer = eloqua.post(f"{BULK}/syncs", json=body).json()
    assert answer["callbackUrl"] == "https://example.com/done"
    assert answer["syncedInstanceUri"] == uri


def test_unknown_syncs_are_not_found(eloqua: httpx.Client) -> None:
    for path in ("/syncs/7", "/syncs/7/logs", "/syncs/7/rejects"):
        answer = eloqua.get(BULK + path)
        assert answer.status_code == 404
        assert answer.json()["failures"][0]["constraint"] == "The requested sync was not found."


def test_a_second_import_of_the_same_email_updates_the_registrant(
    eloqua: httpx.Client, clock: ManualClock
) -> None:
    uri = define(eloqua)["uri"]
    first = [{"email": "ana@example.com", "firstName": "Ana", "company": "Acme"}]
    import_now(eloqua, clock, uri, first)
    second = [
        {"email": "ANA@example.com", "firstName": "Anna", "company": ""},
        {"email": "bo@example.com"},
    ]
    sync = import_now(eloqua, clock, uri, second)
    assert eloqua.get(BULK + sync).json()["status"] == "success"
    assert _counts(eloqua, sync)["ELQ-00079"] == 1
    assert _counts(eloqua, sync)["ELQ-00077"] == 1
    listed = eloqua.get(f"{BULK}/_sandbox/events/12/registrants").json()
    assert listed["totalResults"] == 2
    ana = listed["items"][0]
    assert ana["fields"] == {"Email_Address": "ANA@example.com", "First_Name": "Anna"}
    assert ana["syncUri"] == sync
    assert ana["createdAt"] < ana["updatedAt"]


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        ("always", {"First_Name": "Anna", "Last_Name": "Lee"}),
        ("ifNewIsNotNull", {"First_Name": "Anna", "Company": "Acme", "Last_Name": "Lee"}),
        ("ifExistingIsNull", {"First_Name": "Ana", "Company": "Acme", "Last_Name": "Lee"}),
    ],
)
def test_an_update_follows_the_definitions_update_rule(
    eloqua: httpx.Client, clock: ManualClock, rule: str, expected: dict[str, str]
) -> None:
    uri = define(eloqua, updateRule=rule)["uri"]
    import_now(eloqua, clock, uri, [{"email": "a@example.com", "firstName": "Ana",
                                     "company": "Acme"}])  # fmt: skip
    update = {"email": "a@example.com", "firstName": "Anna", "company": "", "lastName": "Lee"}
    import_now(eloqua, clock, uri, [update])
    assert registrants(eloqua) == [{"Email_Address": "a@example.com", **expected}]


def test_registrants_are_kept_per_event(eloqua: httpx.Client, clock: ManualClock) -> None:
    summit, roadshow = define(eloqua)["uri"], define(eloqua, event_id=15)["uri"]
    import_now(eloqua, clock, summit, [{"email": "both@example.com", "company": "Acme"}])
    import_now(eloqua, clock, roadshow, [{"email": "both@example.com", "lastName": "Both"}])
    assert registrants(eloqua, 12) == [{"Email_Address": "both@example.com", "Company": "Acme"}]
    assert registrants(eloqua, 15) == [{"Email_Address": "both@example.com", "Last_Name": "Both"}]
    assert eloqua.get(f"{BULK}/_sandbox/events/99/registrants").status_code == 404


def test_a_new_registrant_needs_the_required_fields_the_definition_leaves_out(
    eloqua: httpx.Client, clock: ManualClock
) -> None:
    fields = {"email": "{{Event[15].Field(Email_Address)}}"}
    uri = define(eloqua, event_id=15, fields=fields)["uri"]
    sync = import_now(eloqua, clock, uri, [{"email": "new@example.com"}])
    reject = _rejects(eloqua, sync)["items"][0]
    assert (reject["statusCode"], reject["invalidFields"]) == ("ELQ-00061", ["Last Name"])


def test_staged_data_expires_after_its_retention_duration(
    eloqua: httpx.Client, clock: ManualClock
) -> None:
    uri = define(eloqua, dataRetentionDuration="PT1H")["uri"]
    assert post_data(eloqua, uri, [{"email": "old@example.com"}]).status_code == 204
    clock.advance(1800)
    assert post_data(eloqua, uri, [{"email": "new@example.com"}]).status_code == 204
    clock.advance(1800)  # the first post is an hour old now: gone
    sync = start_sync(eloqua, uri)
    assert finished(eloqua, clock, sync)["status"] == "success"
    assert registrants(eloqua) == [{"Email_Address": "new@example.com"}]
    assert _counts(eloqua, sync)["ELQ-00001"] == 1


def test_a_sync_after_every_post_expired_processes_nothing(
    eloqua: httpx.Client, clock: ManualClock
) -> None:
    uri = define(eloqua)["uri"]  # P7D by default
    assert post_data(eloqua, uri, [{"email": "late@example.com"}]).status_code == 204
    clock.advance(7 * 86_400 - 1)
    assert eloqua.get(BULK + uri).status_code == 200
    clock.advance(1)
    sync = start_sync(eloqua, uri)
    assert finished(eloqua, clock, sync)["status"] == "error"
    assert _counts(eloqua, sync)["ELQ-00001"] == 0
    assert registrants(eloqua) == []


def test_record_indexes_count_from_1_across_the_posts_of_a_sync(
    eloqua: httpx.Client, clock: ManualClock
) -> None:
    uri = define(eloqua)["uri"]
    assert post_data(eloqua, uri, [{"email": "a@example.com"}, {"email": "b"}]).is_success
    assert post_data(eloqua, uri, [{"email": "c"}, {"email": "d@example.com"}]).is_success
    sync = start_sync(eloqua, uri)
    finished(eloqua, clock, sync)
    assert [r["recordIndex"] for r in _rejects(eloqua, sync)["items"]] == [2, 3]


def test_logs_and_rejects_are_paged_with_limit_and_offset(
    eloqua: httpx.Client, clock: ManualClock
) -> None:
    uri = define(eloqua)["uri"]
    sync = import_now(eloqua, clock, uri, [{"email": f"bad{i}"} for i in range(5)])
    page = _rejects(eloqua, sync, "?limit=2&offset=2")
    assert [r["recordIndex"] for r in page["items"]] == [3, 4]
    assert (page["totalResults"], page["limit"], page["offset"]) == (5, 2, 2)
    assert (page["count"], page["hasMore"]) == (2, True)
    last = _rejects(eloqua, sync, "?limit=2&offset=4")
    assert ([r["recordIndex"] for r in last["items"]], last["hasMore"]) == ([5], False)
    logs = eloqua.get(f"{BULK}{sync}/logs?limit=1&offset=4").json()
    assert [i["statusCode"] for i in logs["items"]] == ["ELQ-00101"]
    assert (logs["totalResults"], logs["hasMore"]) == (5, False)
    for path in ("rejects", "logs"):
        refused = eloqua.get(f"{BULK}{sync}/{path}?limit=1001")
        assert refused.status_code == 400
        assert refused.json()["failures"][0]["constraint"] == (
            "Must be an integer between 1 and 1000."
        )


def test_logs_and_rejects_are_empty_until_the_sync_ends(
    eloqua: httpx.Client, clock: ManualClock
) -> None:
    uri = define(eloqua)["uri"]
    assert post_data(eloqua, uri, [{"email": "bad"}]).status_code == 204
    sync = start_sync(eloqua, uri)
    clock.advance(1)
    assert eloqua.get(f"{BULK}{sync}/logs").json()["items"] == []
    assert _rejects(eloqua, sync)["totalResults"] == 0
    clock.advance(10)
    assert _rejects(eloqua, sync)["totalResults"] == 1  # processed on this first read


def test_a_sync_is_processed_once_however_often_it_is_read(
    eloqua: httpx.Client, clock: ManualClock, sandbox: SandboxServer
) -> None:
    uri = define(eloqua)["uri"]
    assert post_data(eloqua, uri, [{"email": "once@example.com"}, {"email": "x"}]).is_success
    sync = start_sync(eloqua, uri)
    clock.advance(3600)
    for _ in range(3):
        assert eloqua.get(BULK + sync).json()["status"] == "warning"
        assert len(eloqua.get(f"{BULK}{sync}/logs").json()["items"]) == 5
        assert _rejects(eloqua, sync)["totalResults"] == 1
    assert len(registrants(eloqua)) == 1
    with sandbox.ctx.lock:
        (staged,) = sandbox.ctx.db.execute("SELECT COUNT(*) FROM eloqua_staged").fetchone()
    assert staged == 0  # synced data leaves the staging area


def test_registrants_listing_shows_syncs_that_ended_unread(
    eloqua: httpx.Client, clock: ManualClock
) -> None:
    uri = define(eloqua)["uri"]
    assert post_data(eloqua, uri, [{"email": "quiet@example.com"}]).status_code == 204
    sync = start_sync(eloqua, uri)
    assert registrants(eloqua) == []
    clock.advance(3600)
    assert registrants(eloqua) == [{"Email_Address": "quiet@example.com"}]
    assert eloqua.get(BULK + sync).json()["status"] == "success"
    page = eloqua.get(f"{BULK}/_sandbox/events/12/registrants?limit=1&offset=1").json()
    assert (page["items"], page["totalResults"]) == ([], 1)
