"""Plandocket sandbox over real sockets: keys, scopes, routes, events, rate limit, state, faults."""

from __future__ import annotations

import re
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from rowboat.sandbox.context import ManualClock, RateLimit, SandboxContext
from rowboat.sandbox.plandocket import API_KEY, READONLY_KEY
from rowboat.sandbox.server import SandboxServer

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

BEARER = {"Authorization": f"Bearer {API_KEY}"}
ALICE = {"email": "alice@example.com", "first_name": "Alice", "customer_number": "C-1"}


@pytest.fixture
def pd(sandbox: SandboxServer) -> Iterator[httpx.Client]:
    """A client configured as Rowboat's is: base URL .../plandocket/api/v1 and the full key."""
    with httpx.Client(base_url=sandbox.base_url("plandocket"), headers=BEARER, timeout=10) as c:
        yield c


@contextmanager
def serving(ctx: SandboxContext) -> Iterator[httpx.Client]:
    """A sandbox of its own on `ctx`, and a Plandocket client of it."""
    with (
        SandboxServer(ctx=ctx) as server,
        httpx.Client(base_url=server.base_url("plandocket"), headers=BEARER, timeout=10) as client,
    ):
        yield client


def stored_emails(client: httpx.Client) -> list[str]:
    return [c["email"] for c in client.get("/contacts").json()["data"]]


def import_contacts(client: httpx.Client, records: list[Any], **options: Any) -> httpx.Response:
    return client.post("/bulk-import/contacts", json={"records": records, **options})


# Keys and scopes


@pytest.mark.parametrize(
    ("headers", "params"),
    [
        ({"Authorization": f"Bearer {API_KEY}"}, {}),
        ({"X-API-Key": API_KEY}, {}),
        ({}, {"api_key": API_KEY}),
    ],
    ids=["bearer", "x-api-key", "query"],
)
def test_each_documented_way_of_sending_the_key_is_accepted(
    sandbox: SandboxServer, headers: dict[str, str], params: dict[str, str]
) -> None:
    with httpx.Client(base_url=sandbox.base_url("plandocket"), timeout=10) as client:
        answer = client.get("/events", headers=headers, params=params)
    assert answer.status_code == 200
    assert "summit-2026" in [e["event_key"] for e in answer.json()["data"]]
    assert re.fullmatch(r"req_[0-9a-f]{32}", answer.json()["meta"]["request_id"])


def test_a_request_without_a_key_is_refused_with_401(sandbox: SandboxServer) -> None:
    with httpx.Client(base_url=sandbox.base_url("plandocket"), timeout=10) as client:
        answer = client.get("/events", headers={"Authorization": "Basic dXNlcjpwYXNz"})
    assert answer.status_code == 401
    assert answer.json() == {"error": "Unauthenticated. Send your API key as a Bearer token."}


def test_an_unknown_key_is_refused_with_401(pd: httpx.Client) -> None:
    answer = pd.get("/events", headers={"Authorization": "Bearer sandbox-pd-wrong"})
    assert answer.status_code == 401
    assert answer.json() == {"error": "Invalid API key."}


def test_the_readonly_key_reads_events_but_lacks_the_contacts_and_participants_scopes(
    pd: httpx.Client,
) -> None:
    readonly = {"Authorization": f"Bearer {READONLY_KEY}"}
    assert pd.get("/events", headers=readonly).status_code == 200
    cases = [
        ("POST", "/bulk-import/contacts", "contacts"),
        ("POST", "/bulk-import/participants", "participants"),
        ("GET", "/contacts", "contacts"),
        ("GET", "/participants", "participants"),
    ]
    for method, path, scope in cases:
        answer = pd.request(method, path, headers=readonly, json={"records": [ALICE]})
        assert answer.status_code == 403, path
        assert answer.json() == {"error": f"This API key is missing the required scope: {scope}."}
    assert stored_emails(pd) == []


# Routing


def test_unknown_routes_and_wrong_methods_answer_in_the_vendors_error_shape(
    pd: httpx.Client,
) -> None:
    missing = pd.get("/webhooks")
    assert (missing.status_code, missing.json()) == (404, {"error": "Not found."})
    wrong = pd.delete("/bulk-import/contacts")
    assert (wrong.status_code, wrong.json()) == (405, {"error": "Method not allowed."})
    assert wrong.headers["allow"] == "POST"


# Events


def test_events_list_the_demo_events_with_keys_titles_dates_and_cities(pd: httpx.Client) -> None:
    answer = pd.get("/events").json()
    events = {e["event_key"]: e for e in answer["data"]}
    assert {"summit-2026", "roadshow-lisbon", "dealer-days-vienna"} <= set(events)
    summit = events["summit-2026"]
    assert (summit["title"], summit["city"], summit["country"]) == (
        "Customer Summit 2026",
        "Berlin",
        "DE",
    )
    assert (summit["date_from"], summit["date_to"]) == ("2026-06-16", "2026-06-18")
    assert answer["meta"]["total"] == len(events) == 4


def test_one_event_by_key_and_an_unknown_key_is_404(pd: httpx.Client) -> None:
    assert pd.get("/events/roadshow-lisbon").json()["data"]["city"] == "Lisbon"
    answer = pd.get("/events/no-such-event")
    assert (answer.status_code, answer.json()) == (404, {"error": "Event not found."})


# Rate limit


def test_the_hourly_limit_answers_429_without_rate_headers_and_resets_after_the_hour(
    sandbox: SandboxServer, pd: httpx.Client, clock: ManualClock
) -> None:
    sandbox.ctx.rate_limits["plandocket"] = RateLimit(3, 3600)
    assert [pd.get("/events").status_code for _ in range(3)] == [200, 200, 200]
    refused = import_contacts(pd, [ALICE])
    assert (refused.status_code, refused.json()) == (429, {"error": "Rate limit exceeded"})
    assert not any(h.lower().startswith(("retry-after", "x-ratelimit")) for h in refused.headers)
    # Each key has its own budget.
    assert pd.get("/events", headers={"Authorization": f"Bearer {READONLY_KEY}"}).is_success
    clock.advance(3599)
    assert pd.get("/events").status_code == 429
    clock.advance(1)
    assert import_contacts(pd, [ALICE]).json()["data"]["created"] == 1


# Persistence


def test_a_restarted_sandbox_on_the_same_state_file_remembers_contacts_and_imports(
    tmp_path: Path, clock: ManualClock
) -> None:
    state = tmp_path / "sandbox.sqlite"
    with serving(SandboxContext(clock=clock, state_path=state, seed=1)) as client:
        assert import_contacts(client, [ALICE]).json()["data"]["created"] == 1
        participants = {"event_key": "summit-2026", "records": [ALICE]}
        assert client.post("/bulk-import/participants", json=participants).status_code == 200
    with serving(SandboxContext(clock=clock, state_path=state, seed=1)) as client:
        again = import_contacts(client, [{**ALICE, "city": "Graz"}], mode="upsert")
        assert again.json()["data"]["updated"] == 1
        contacts = client.get("/contacts").json()["data"]
        assert [(c["id"], c["email"], c["city"]) for c in contacts] == [
            (1, "alice@example.com", "Graz")
        ]
        listed = client.get("/participants", params={"event_key": "summit-2026"}).json()
        assert [p["email"] for p in listed["data"]] == ["alice@example.com"]
        assert len(client.get("/bulk-import").json()["data"]) == 3
        assert len(client.get("/events").json()["data"]) == 4  # demo events not doubled


# Injected faults


def test_an_injected_throttle_answers_429_with_retry_after_and_stores_nothing(
    sandbox: SandboxServer, pd: httpx.Client
) -> None:
    sandbox.faults.script("plandocket", "throttle")
    answer = import_contacts(pd, [ALICE])
    assert (answer.status_code, answer.json()) == (429, {"error": "Rate limit exceeded"})
    assert answer.headers["retry-after"] == "2"
    assert stored_emails(pd) == []


def test_an_injected_server_error_answers_5xx_and_stores_nothing(
    sandbox: SandboxServer, pd: httpx.Client
) -> None:
    sandbox.faults.script("plandocket", "error")
    answer = import_contacts(pd, [ALICE])
    assert answer.status_code in (500, 503)
    assert answer.json()["error"] in ("Internal server error", "Service unavailable")
    assert stored_emails(pd) == []


def test_a_dropped_answer_leaves_the_client_in_doubt_but_the_contacts_were_stored(
    sandbox: SandboxServer, pd: httpx.Client
) -> None:
    sandbox.faults.script("plandocket", "drop")
    with pytest.raises(httpx.TransportError):
        import_contacts(pd, [ALICE])
    assert stored_emails(pd) == ["alice@example.com"]
    # Sending the batch again in upsert mode is safe: it updates instead of duplicating.
    retry = import_contacts(pd, [ALICE], mode="upsert").json()["data"]
    assert (retry["created"], retry["updated"]) == (0, 1)
    assert stored_emails(pd) == ["alice@example.com"]


def test_a_slow_answer_times_the_client_out_after_the_contacts_were_stored(
    sandbox: SandboxServer, pd: httpx.Client
) -> None:
    sandbox.faults.configure("plandocket", slow_seconds=0.5)
    sandbox.faults.script("plandocket", "slow")
    with pytest.raises(httpx.ReadTimeout):
        pd.post("/bulk-import/contacts", json={"records": [ALICE]}, timeout=0.2)
    assert stored_emails(pd) == ["alice@example.com"]
