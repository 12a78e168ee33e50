"""Eloqua sandbox: login discovery, credentials, paths in any case, events and their fields,
injected faults, and state kept in a file across restarts."""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING

import httpx
import pytest

from rowboat.sandbox.context import ManualClock, SandboxContext
from rowboat.sandbox.eloqua import PASSWORD, USER
from rowboat.sandbox.server import SandboxServer
from tests.sandbox.test_eloqua_support import (
    BULK,
    client,
    define,
    finished,
    post_data,
    registrants,
    start_sync,
)

if TYPE_CHECKING:
    from pathlib import Path


def test_discovery_with_good_credentials_names_the_site_user_and_api_addresses(
    sandbox: SandboxServer, eloqua: httpx.Client
) -> None:
    answer = eloqua.get("/id")
    assert answer.status_code == 200
    root = sandbox.url + "/eloqua"
    assert answer.json() == {
        "site": {"id": 1, "name": "Sandbox"},
        "user": {
            "id": 9,
            "username": "demo",
            "displayName": "Demo User",
            "emailAddress": "demo@example.com",
        },
        "urls": {
            "base": root,
            "apis": {
                "soap": {"standard": root + "/API/{version}/Service.svc"},
                "rest": {
                    "standard": root + "/api/rest/{version}/",
                    "bulk": root + "/api/bulk/{version}/",
                },
            },
        },
    }


def test_the_discovered_bulk_address_reaches_the_bulk_api(eloqua: httpx.Client) -> None:
    bulk = eloqua.get("/id").json()["urls"]["apis"]["rest"]["bulk"].replace("{version}", "2.0")
    answer = eloqua.get(bulk + "events")
    assert answer.status_code == 200
    assert answer.json()["totalResults"] == 2


@pytest.mark.parametrize(
    "auth",
    [None, (USER, "wrong"), ("Other\\demo", PASSWORD), ("demo", PASSWORD)],
    ids=["none", "wrong-password", "wrong-site", "no-site"],
)
def test_discovery_with_bad_credentials_answers_not_authenticated_with_200(
    sandbox: SandboxServer, auth: tuple[str, str] | None
) -> None:
    answer = httpx.get(sandbox.base_url("eloqua") + "/id", auth=auth)
    assert answer.status_code == 200
    assert answer.json() == "Not authenticated."


@pytest.mark.parametrize(
    "path",
    [
        "/api/rest/2.0/assets/eventRegistrations",
        f"{BULK}/events",
        f"{BULK}/events/12/fields",
        f"{BULK}/syncs/1",
        f"{BULK}/_sandbox/events/12/registrants",
    ],
)
@pytest.mark.parametrize("auth", [None, (USER, "wrong")], ids=["missing", "wrong"])
def test_api_routes_refuse_missing_or_wrong_credentials_with_an_empty_401(
    sandbox: SandboxServer, path: str, auth: tuple[str, str] | None
) -> None:
    answer = httpx.get(sandbox.base_url("eloqua") + path, auth=auth)
    assert answer.status_code == 401
    assert answer.content == b""
    assert answer.headers["WWW-Authenticate"] == 'Basic realm="Eloqua"'


@pytest.mark.parametrize("header", ["Bearer abc", "Basic not-base64!", "Basic " + "w4g=" * 2])
def test_a_malformed_authorization_header_is_refused(sandbox: SandboxServer, header: str) -> None:
    answer = httpx.get(
        sandbox.base_url("eloqua") + f"{BULK}/events", headers={"Authorization": header}
    )
    assert answer.status_code == 401


def test_writes_without_credentials_change_nothing(
    sandbox: SandboxServer, eloqua: httpx.Client
) -> None:
    body = {"name": "x", "fields": {"e": "{{Event[12].Field(Email_Address)}}"}}
    refused = httpx.post(sandbox.base_url("eloqua") + f"{BULK}/events/12/imports", json=body)
    assert refused.status_code == 401
    assert eloqua.get(f"{BULK}/events/12/imports/1").status_code == 404


@pytest.mark.parametrize(
    "path",
    ["/API/Bulk/2.0/events", "/api/BULK/2.0/Events", "/Api/Rest/2.0/Assets/EventRegistrations"],
)
def test_paths_are_matched_in_any_letter_case(eloqua: httpx.Client, path: str) -> None:
    answer = eloqua.get(path)
    assert answer.status_code == 200
    assert "Customer Summit 2026" in answer.text


def test_login_discovery_and_nested_paths_ignore_case_too(eloqua: httpx.Client) -> None:
    assert eloqua.get("/ID").json()["site"]["name"] == "Sandbox"
    definition = define(eloqua)
    upper = definition["uri"].upper()  # /EVENTS/12/IMPORTS/1
    answer = eloqua.get(f"/API/BULK/2.0{upper}")
    assert answer.status_code == 200
    assert answer.json()["uri"] == definition["uri"]


def test_rest_lists_the_events_with_string_ids_as_eloqua_does(eloqua: httpx.Client) -> None:
    answer = eloqua.get("/api/rest/2.0/assets/eventRegistrations").json()
    assert answer["page"] == 1
    assert answer["pageSize"] == 1000
    assert answer["total"] == 2
    assert [(e["type"], e["id"], e["name"]) for e in answer["elements"]] == [
        ("EventRegistration", "12", "Customer Summit 2026"),
        ("EventRegistration", "15", "Partner Roadshow"),
    ]
    assert answer["elements"][0]["createdAt"] == "1762128000"


def test_rest_event_list_pages_with_page_and_count(eloqua: httpx.Client) -> None:
    second = eloqua.get("/api/rest/2.0/assets/eventRegistrations?page=2&count=1").json()
    assert [e["id"] for e in second["elements"]] == ["15"]
    assert (second["page"], second["pageSize"], second["total"]) == (2, 1, 2)
    assert eloqua.get("/api/rest/2.0/assets/eventRegistrations?count=1001").status_code == 400


def test_bulk_events_are_listed_in_pages(eloqua: httpx.Client) -> None:
    first = eloqua.get(f"{BULK}/events?limit=1").json()
    assert [e["uri"] for e in first["items"]] == ["/events/12"]
    assert first["items"][0]["name"] == "Customer Summit 2026"
    assert (first["totalResults"], first["count"], first["hasMore"]) == (2, 1, True)
    second = eloqua.get(f"{BULK}/events?limit=1&offset=1").json()
    assert [e["uri"] for e in second["items"]] == ["/events/15"]
    assert (second["offset"], second["hasMore"]) == (1, False)


def test_event_fields_describe_types_constraints_and_statements(eloqua: httpx.Client) -> None:
    answer = eloqua.get(f"{BULK}/events/12/fields").json()
    assert (answer["totalResults"], answer["limit"], answer["offset"]) == (7, 1000, 0)
    email = answer["items"][0]
    assert email == {
        "name": "Email Address",
        "internalName": "Email_Address",
        "dataType": "emailAddress",
        "statement": "{{Event[12].Field(Email_Address)}}",
        "hasNotNullConstraint": True,
        "hasReadOnlyConstraint": False,
        "hasUniquenessConstraint": True,
        "uri": "/events/12/fields/1201",
    }
    types = {f["name"]: f["dataType"] for f in answer["items"]}
    assert types["Attended"] == "boolean"
    assert types["Dietary Requirements"] == "string"


def test_the_demo_events_carry_different_custom_fields(eloqua: httpx.Client) -> None:
    summit = {f["name"] for f in eloqua.get(f"{BULK}/events/12/fields").json()["items"]}
    roadshow = {f["name"]: f for f in eloqua.get(f"{BULK}/events/15/fields").json()["items"]}
    assert summit - set(roadshow) == {
        "Company",
        "Dietary Requirements",
        "Session Choice",
        "Attended",
    }
    assert set(roadshow) - summit == {
        "Partner Tier", "Region", "Registration Date", "Number of Guests"
    }  # fmt: skip
    assert roadshow["Registration Date"]["dataType"] == "date"
    assert roadshow["Number of Guests"]["dataType"] == "number"
    assert roadshow["Last Name"]["hasNotNullConstraint"] is True


def test_event_fields_page_with_limit_and_offset(eloqua: httpx.Client) -> None:
    answer = eloqua.get(f"{BULK}/events/15/fields?limit=3&offset=3").json()
    assert [f["internalName"] for f in answer["items"]] == [
        "Partner_Tier", "Region", "Registration_Date"
    ]  # fmt: skip
    assert (answer["count"], answer["hasMore"], answer["limit"], answer["offset"]) == (
        3,
        True,
        3,
        3,
    )
    last = eloqua.get(f"{BULK}/events/15/fields?limit=3&offset=6").json()
    assert (last["count"], last["hasMore"]) == (1, False)
    beyond = eloqua.get(f"{BULK}/events/15/fields?offset=50").json()
    assert (beyond["items"], beyond["totalResults"]) == ([], 7)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("limit=1001", "limit"),
        ("limit=0", "limit"),
        ("limit=ten", "limit"),
        ("offset=-1", "offset"),
    ],
)
def test_paging_outside_the_bounds_is_refused(eloqua: httpx.Client, query: str, field: str) -> None:
    answer = eloqua.get(f"{BULK}/events/12/fields?{query}")
    assert answer.status_code == 400
    assert answer.json()["failures"][0]["field"] == field


def test_fields_of_an_unknown_event_are_not_found(eloqua: httpx.Client) -> None:
    answer = eloqua.get(f"{BULK}/events/99/fields")
    assert answer.status_code == 404
    assert answer.json()["failures"][0]["constraint"] == "The requested event was not found."


def test_a_throttled_request_answers_429_with_retry_after_and_does_nothing(
    sandbox: SandboxServer, eloqua: httpx.Client
) -> None:
    sandbox.faults.configure("eloqua", retry_after=7)
    sandbox.faults.script("eloqua", "throttle")
    answer = eloqua.post(f"{BULK}/events/12/imports", json={"name": "x"})
    assert answer.status_code == 429
    assert answer.headers["Retry-After"] == "7"
    assert answer.json() == {"failures": [{"constraint": "Too many requests."}]}
    assert eloqua.get(f"{BULK}/events/12/imports/1").status_code == 404


def test_an_injected_server_error_answers_in_eloquas_shape_and_stages_nothing(
    sandbox: SandboxServer, clock: ManualClock, eloqua: httpx.Client
) -> None:
    definition = define(eloqua)
    sandbox.faults.script("eloqua", "error")
    answer = post_data(eloqua, definition["uri"], [{"email": "lost@example.com"}])
    assert answer.status_code in (500, 503)
    assert answer.json()["failures"][0]["constraint"] in (
        "The service has encountered an internal server error.",
        "There was a timeout processing the request.",
    )
    sync = start_sync(eloqua, definition["uri"])
    assert finished(eloqua, clock, sync)["status"] == "error"  # nothing was staged
    assert registrants(eloqua) == []


def test_a_dropped_answer_still_created_the_definition(
    sandbox: SandboxServer, eloqua: httpx.Client
) -> None:
    sandbox.faults.script("eloqua", "drop")
    body = {"name": "dropped", "fields": {"email": "{{Event[12].Field(Email_Address)}}"}}
    with pytest.raises(httpx.RemoteProtocolError):
        eloqua.post(f"{BULK}/events/12/imports", json={**body, "identifierFieldName": "email"})
    stored = eloqua.get(f"{BULK}/events/12/imports/1")
    assert stored.status_code == 200
    assert stored.json()["name"] == "dropped"


def test_a_slow_answer_times_out_although_the_data_was_staged(
    sandbox: SandboxServer, clock: ManualClock
) -> None:
    sandbox.faults.configure("eloqua", slow_seconds=0.5)
    with client(sandbox) as eloqua, client(sandbox, timeout=0.2) as impatient:
        definition = define(eloqua)
        sandbox.faults.script("eloqua", "slow")
        with pytest.raises(httpx.ReadTimeout):
            post_data(impatient, definition["uri"], [{"email": "slow@example.com"}])
        sync = start_sync(eloqua, definition["uri"])
        assert finished(eloqua, clock, sync)["status"] == "success"
        assert registrants(eloqua) == [{"Email_Address": "slow@example.com"}]


def test_state_survives_a_restart_on_the_same_file(tmp_path: Path) -> None:
    state, clock = tmp_path / "sandbox.db", ManualClock()
    first = SandboxServer(ctx=SandboxContext(clock=clock, state_path=state, seed=1))
    with first, client(first) as eloqua:
        definition = define(eloqua, updateRule="ifNewIsNotNull")
        assert post_data(eloqua, definition["uri"], [{"email": "kept@example.com"}]).is_success
        sync = start_sync(eloqua, definition["uri"])
    clock.advance(3600)
    second = SandboxServer(ctx=SandboxContext(clock=clock, state_path=state, seed=1))
    with second, client(second) as eloqua:
        assert eloqua.get(BULK + definition["uri"]).json()["updateRule"] == "ifNewIsNotNull"
        assert eloqua.get(BULK + sync).json()["status"] == "success"
        assert registrants(eloqua) == [{"Email_Address": "kept@example.com"}]
        logs = eloqua.get(f"{BULK}{sync}/logs").json()["items"]
        assert {log["statusCode"]: log["count"] for log in logs}["ELQ-00077"] == 1
        assert start_sync(eloqua, definition["uri"]) == "/syncs/2"


def test_base64_credentials_are_read_exactly(sandbox: SandboxServer) -> None:
    token = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
    answer = httpx.get(
        sandbox.base_url("eloqua") + f"{BULK}/events", headers={"Authorization": f"Basic {token}"}
    )
    assert answer.status_code == 200
