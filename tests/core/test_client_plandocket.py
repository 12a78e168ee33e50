"""The Plandocket client over httpx.MockTransport: error shapes, budget, retries, scopes, events."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING

import httpx
import pytest

from rowboat.core.clients._http import RetryPolicy
from rowboat.core.clients.plandocket import (
    KEYS_PAGE,
    HourlyBudget,
    PlandocketClient,
    requests_per_hour,
)
from rowboat.core.clients.plandocket_check import check_client, key_name
from rowboat.core.connections.model import Connection
from rowboat.core.errors import (
    AuthFailed,
    ConnectionProblem,
    OutcomeUnknown,
    RateLimited,
    Rejected,
    Unavailable,
)

if TYPE_CHECKING:
    from rowboat.core.progress import Reporter

KEY = "pd_live_4f1e9c2a7b3d5e8f"
BASE = "https://acme.plandocket.com/api/v1"
FAST = RetryPolicy(attempts=6, base_delay=0.001, max_delay=0.002, timeout=1, connect_timeout=1)
BODY = json.dumps({"mode": "create", "records": [{"email": "a@example.com"}]}).encode()
IMPORTED = {
    "data": {"total": 1, "created": 1, "updated": 0, "skipped": 0, "errors": [], "details": []},
    "meta": {"request_id": "req_1"},
}

Handler = Callable[[httpx.Request], httpx.Response]


class FakeTime:
    """A clock and a sleep that moves it, so budgets and backoff run without waiting."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float, report: Reporter) -> None:
        self.slept.append(seconds)
        self.now += seconds


def answers(*responses: httpx.Response | Exception) -> tuple[Handler, list[httpx.Request]]:
    """A handler giving these answers in turn (the last one again), and the requests it saw."""
    seen: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        answer = responses[min(len(seen), len(responses)) - 1]
        if isinstance(answer, Exception):
            raise answer
        return answer

    return handle, seen


def client(
    handler: Handler, *, budget: HourlyBudget | None = None, time: FakeTime | None = None
) -> PlandocketClient:
    fake = time or FakeTime()
    return PlandocketClient(
        BASE,
        KEY,
        budget=budget,
        policy=FAST,
        sleep=fake.sleep,
        transport=httpx.MockTransport(handler),
    )


def error(status: int, message: str, **headers: str) -> httpx.Response:
    return httpx.Response(status, json={"error": message}, headers=headers)


def ok(data: object = None, **meta: object) -> httpx.Response:
    return httpx.Response(200, json={"data": data if data is not None else [], "meta": meta})


# Error shapes


def test_validation_errors_become_one_sentence_naming_the_record() -> None:
    handler, _ = answers(
        httpx.Response(
            422,
            json={
                "error": "Validation failed",
                "errors": {
                    "mode": ["The selected mode is invalid."],
                    "records.2.email": ["The email must be a valid email address."],
                },
            },
        )
    )
    with pytest.raises(Rejected) as caught, client(handler) as c:
        c.bulk_import("contacts", BODY, idempotent=False)
    assert caught.value.status == 422
    assert caught.value.message == (
        "Plandocket refused the contacts (422): The selected mode is invalid. "
        "Record 3: The email must be a valid email address."
    )


def test_plain_error_shape_gives_the_vendors_message() -> None:
    handler, _ = answers(error(400, "The request body must be a JSON object."))
    with pytest.raises(Rejected) as caught, client(handler) as c:
        c.bulk_import("contacts", b"[]", idempotent=False)
    assert caught.value.message == (
        "Plandocket refused the contacts (400): The request body must be a JSON object."
    )


def test_refused_key_says_where_to_check_it() -> None:
    handler, seen = answers(error(401, "Invalid API key."))
    with pytest.raises(AuthFailed) as caught, client(handler) as c:
        c.list_events()
    assert caught.value.status == 401
    assert caught.value.message == "Plandocket refused the credentials (401): Invalid API key."
    assert KEYS_PAGE in caught.value.hint
    assert len(seen) == 1  # a refused key is not tried again


def test_missing_scope_is_named_with_the_way_to_add_it() -> None:
    handler, _ = answers(error(403, "This API key is missing the required scope: contacts."))
    with pytest.raises(AuthFailed) as caught, client(handler) as c:
        c.bulk_import("contacts", BODY, idempotent=False)
    assert "missing the required scope: contacts" in caught.value.message
    assert caught.value.hint == f"Give the API key that scope in Plandocket under {KEYS_PAGE}."


def test_key_goes_as_bearer_token_and_never_into_an_error() -> None:
    def echo(request: httpx.Request) -> httpx.Response:
        # A server that quotes the credentials back must not get them into a message.
        return error(400, f"Bad header {request.headers['Authorization']}")

    with pytest.raises(Rejected) as caught, client(echo) as c:
        c.get("/events", what="the list of events")
    assert "Bearer " + KEY in caught.value.message.replace("***", KEY)  # it was the header
    assert KEY not in caught.value.message
    assert KEY not in caught.value.detail
    assert KEY not in str(caught.value)


def test_an_answer_that_is_not_plandockets_envelope_is_refused_plainly() -> None:
    handler, _ = answers(httpx.Response(200, text="<html>login</html>"))
    with pytest.raises(Rejected) as caught, client(handler) as c:
        c.list_events()
    assert (
        caught.value.message
        == "Plandocket answered the list of events in a form Rowboat does not know."
    )


# Retries and unknown outcomes


def test_server_error_on_a_create_leaves_its_outcome_unknown() -> None:
    handler, seen = answers(error(500, "Internal server error"), httpx.Response(200, json=IMPORTED))
    with pytest.raises(OutcomeUnknown), client(handler) as c:
        c.bulk_import("contacts", BODY, idempotent=False)
    assert len(seen) == 1  # never re-sent blindly


def test_dropped_answer_on_a_create_leaves_its_outcome_unknown() -> None:
    handler, seen = answers(httpx.RemoteProtocolError("peer closed connection"))
    with pytest.raises(OutcomeUnknown) as caught, client(handler) as c:
        c.bulk_import("contacts", BODY, idempotent=False)
    assert "cannot tell yet whether they arrived" in caught.value.message
    assert len(seen) == 1


def test_server_error_on_an_update_is_retried() -> None:
    handler, seen = answers(
        error(500, "Internal server error"),
        httpx.ReadTimeout("slow"),
        httpx.Response(200, json=IMPORTED),
    )
    with client(handler) as c:
        answer = c.bulk_import("contacts", BODY, idempotent=True)
    assert answer.data["created"] == 1
    assert answer.remote == {"request_id": "req_1"}
    assert len(seen) == 3


def test_unavailable_service_is_retried_even_for_a_create() -> None:
    # 503: Plandocket did not take the request, so sending it again cannot double it.
    handler, seen = answers(error(503, "Service unavailable"), httpx.Response(200, json=IMPORTED))
    with client(handler) as c:
        assert c.bulk_import("contacts", BODY, idempotent=False).data["created"] == 1
    assert len(seen) == 2


def test_service_down_through_every_retry_is_unavailable() -> None:
    handler, seen = answers(error(503, "Service unavailable"))
    with pytest.raises(Unavailable) as caught, client(handler) as c:
        c.list_events()
    assert caught.value.message == "Plandocket is not available right now (503)."
    assert len(seen) == FAST.attempts


# Rate limit and budget


def test_throttle_with_retry_after_waits_that_long() -> None:
    time = FakeTime()
    handler, seen = answers(error(429, "Rate limit exceeded", **{"Retry-After": "7"}), ok())
    with client(handler, budget=HourlyBudget(1000, time.clock), time=time) as c:
        c.list_events()
    assert time.slept == [7.0]
    assert len(seen) == 2


def test_headerless_429_waits_for_a_probe_not_a_blind_hour() -> None:
    time = FakeTime()
    budget = HourlyBudget(1000, time.clock)
    handler, seen = answers(error(429, "Rate limit exceeded"), ok())
    with client(handler, budget=budget, time=time) as c:
        c.list_events()
    assert len(seen) == 2
    assert sum(time.slept) == pytest.approx(HourlyBudget.PROBES[0])


def test_headerless_429s_probe_later_each_time_and_cover_the_hour() -> None:
    time = FakeTime()
    handler, seen = answers(error(429, "Rate limit exceeded"))
    with (
        pytest.raises(RateLimited),
        client(handler, budget=HourlyBudget(1000, time.clock), time=time) as c,
    ):
        c.list_events()
    assert len(seen) == FAST.attempts
    # Plandocket's window resets within an hour of its start: the retries outlast it.
    assert sum(time.slept) >= 3600
    waits = [s for s in time.slept if s >= 1]
    assert waits == sorted(waits)


def test_budget_holds_the_request_past_the_hourly_limit() -> None:
    time = FakeTime()
    handler, seen = answers(ok())
    with client(handler, budget=HourlyBudget(3, time.clock), time=time) as c:
        for _ in range(3):
            c.get("/events", what="the list of events")
        assert time.slept == []
        c.get("/events", what="the list of events")
    assert time.slept == [3600.0]
    assert len(seen) == 4


def test_refused_and_failed_requests_count_against_the_budget() -> None:
    time = FakeTime()
    budget = HourlyBudget(2, time.clock)
    handler, _ = answers(error(503, "Service unavailable"), ok())
    with client(handler, budget=budget, time=time) as c:
        c.get("/events", what="the list of events")
    assert budget.wait_time() > 0  # the 503 and the success: two of two


def test_requests_per_hour_comes_from_the_connection() -> None:
    def connection(value: str | None) -> Connection:
        settings = {} if value is None else {"requests_per_hour": value}
        return Connection(name="Acme", system="plandocket", base_url=BASE, settings=settings)

    assert requests_per_hour(connection(None)) == 1000
    assert requests_per_hour(connection("5,000")) == 5000
    assert requests_per_hour(connection("0")) is None  # Enterprise: no limit
    with pytest.raises(ConnectionProblem, match="not a number of requests per hour"):
        requests_per_hour(connection("lots"))


# Events and connection check


def test_events_are_read_page_by_page() -> None:
    def handle(request: httpx.Request) -> httpx.Response:
        page = int(request.url.params["page"])
        item = {
            "event_key": f"e{page}",
            "title": f"Event {page}",
            "date_from": "2026-06-16",
            "date_to": "2026-06-18" if page == 1 else "2026-06-16",
            "city": "Berlin",
        }
        return ok([item], page=page, per_page=100, total=2, last_page=2)

    with client(handle) as c:
        events = c.list_events()
    assert [e.key for e in events] == ["e1", "e2"]
    assert events[0].label == "Event 1 (2026-06-16 – 2026-06-18, Berlin)"
    assert events[1].label == "Event 2 (2026-06-16, Berlin)"


def scoped(scopes: set[str], status: int = 403) -> Handler:
    """A Plandocket whose key has these scopes."""

    def handle(request: httpx.Request) -> httpx.Response:
        scope = request.url.path.rsplit("/", 1)[1]
        if scope not in scopes:
            return error(status, f"This API key is missing the required scope: {scope}.")
        return ok([], total=0, page=1, per_page=1, last_page=1)

    return handle


def test_check_names_what_the_key_may_import() -> None:
    with client(scoped({"events", "contacts", "participants"})) as c:
        check = check_client(c, "the key ending in …e8f", None)
    assert check.ok
    assert check.message == (
        "Connected to Plandocket as the key ending in …e8f; it may import contacts and "
        "participants."
    )


def test_check_for_participants_fails_without_the_participants_scope() -> None:
    with client(scoped({"events", "contacts"})) as c:
        check = check_client(c, "k", "participants")
    assert not check.ok
    assert (
        check.message
        == "Connected to Plandocket as k; it may import contacts but not participants."
    )
    assert check.hint == f"Give the key the participants scope in Plandocket under {KEYS_PAGE}."


def test_check_for_contacts_passes_without_the_participants_scope() -> None:
    with client(scoped({"events", "contacts"})) as c:
        check = check_client(c, "k", "contacts")
    assert check.ok
    assert check.hint == ""


def test_check_for_participants_warns_when_contacts_cannot_be_created() -> None:
    with client(scoped({"events", "participants"})) as c:
        check = check_client(c, "k", "participants")
    assert check.ok
    assert "contacts scope" in check.hint


def test_check_without_events_scope_still_checks_the_imports() -> None:
    with client(scoped({"contacts", "participants"})) as c:
        check = check_client(c, "k", "participants")
    assert check.ok
    assert check.message.endswith("It may not list events, so type the event key yourself.")


def test_check_with_a_refused_key_says_where_to_look() -> None:
    with client(scoped(set(), status=401)) as c:
        check = check_client(c, "k", None)
    assert not check.ok
    assert check.message == "The API key was refused (401)."
    assert check.hint == f"Check it in Plandocket under {KEYS_PAGE}."


def test_check_of_a_wrong_address_says_so() -> None:
    handler, _ = answers(error(404, "Not found."))
    with client(handler) as c:
        check = check_client(c, "k", None)
    assert not check.ok
    assert check.message == "Plandocket has no API at this address (404)."


def test_check_that_cannot_connect_says_so() -> None:
    handler, _ = answers(httpx.ConnectError("refused"))
    with client(handler) as c:
        check = check_client(c, "k", None)
    assert not check.ok
    assert check.message == "Plandocket could not be reached."


def test_a_real_key_is_named_by_its_last_characters_only() -> None:
    tenant = Connection(name="Acme", system="plandocket", base_url=BASE)
    sandbox = Connection(name="Sandbox", system="plandocket", base_url=BASE, builtin=True)
    assert key_name(tenant, KEY) == "the key ending in …5e8f"
    assert key_name(tenant, "short") == "the saved API key"
    assert key_name(sandbox, "sandbox-pd-key") == "sandbox-pd-key"  # a public demo key
