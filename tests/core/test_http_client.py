"""HttpClient retries what is safe, never re-sends what may have been done, and speaks plainly."""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

import httpx
import pytest

from rowboat.core.clients._http import HttpClient, RequestBudget, RetryPolicy, redact
from rowboat.core.errors import (
    AuthFailed,
    Cancelled,
    OutcomeUnknown,
    RateLimited,
    Rejected,
    Unavailable,
)
from rowboat.core.progress import CancelFlag

if TYPE_CHECKING:
    from collections.abc import Callable

    from rowboat.core.progress import Reporter

SECRET = "sk-live-0123456789"


class _Errors:
    def message(self, response: httpx.Response) -> str:
        try:
            return str(response.json().get("error", ""))
        except ValueError:
            return ""

    def retry_after(self, response: httpx.Response) -> float | None:
        try:
            value = response.json().get("retryAfter")
        except ValueError:
            return None
        return None if value is None else float(value)

    def auth_hint(self, response: httpx.Response) -> str:
        return "Check the API key in Connections."


class _Notes:
    def __init__(self) -> None:
        self.notices: list[str] = []

    def progress(self, done: int, total: int, what: str = "") -> None:
        return None

    def notice(self, text: str) -> None:
        self.notices.append(text)

    def raise_if_cancelled(self) -> None:
        return None


def _client(
    answers: list[httpx.Response | Exception],
    *,
    report: Reporter | None = None,
    budget: RequestBudget | None = None,
    attempts: int = 4,
) -> tuple[HttpClient, list[httpx.Request], list[float]]:
    seen: list[httpx.Request] = []
    slept: list[float] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    def sleep(seconds: float, report: Reporter) -> None:
        slept.append(seconds)

    client = HttpClient(
        "https://demo.example.com/api/v1/",
        system="Plandocket",
        errors=_Errors(),
        headers={"Authorization": f"Bearer {SECRET}"},
        secrets=[SECRET],
        policy=RetryPolicy(attempts=attempts, base_delay=0.01, max_delay=0.05),
        budget=budget,
        report=report or _Notes(),
        rng=random.Random(1),
        sleep=sleep,
        transport=httpx.MockTransport(handler),
    )
    return client, seen, slept


def _json(status: int, body: object, headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.Response(status, json=body, headers=headers)


def test_busy_and_failing_answers_are_retried_with_the_servers_wait() -> None:
    notes = _Notes()
    client, seen, slept = _client(
        [
            _json(429, {"error": "Rate limit exceeded"}, {"Retry-After": "7"}),
            _json(429, {"error": "Rate limit exceeded", "retryAfter": 3}),
            _json(503, {"error": "Service unavailable"}),
            _json(200, {"data": []}),
        ],
        report=notes,
    )
    answer = client.request("GET", "/events", what="the events", idempotent=False)
    assert answer.json() == {"data": []}
    assert len(seen) == 4
    assert slept[:2] == [7.0, 3.0]
    assert 0 <= slept[2] <= 0.04  # full jitter below the exponential ceiling of attempt 3
    assert notes.notices[0] == "Plandocket is busy (429). Trying again in 7 s."


def test_a_request_that_may_have_been_done_is_never_sent_twice() -> None:
    for failure in (
        httpx.ReadTimeout("timed out"),
        httpx.RemoteProtocolError("peer closed connection"),
        _json(500, {"error": "Internal server error"}),
        _json(504, {}),
    ):
        client, seen, _ = _client([failure, _json(200, {})])
        with pytest.raises(OutcomeUnknown) as caught:
            client.request("POST", "/bulk-import/contacts", what="the contacts", idempotent=False)
        assert len(seen) == 1
        assert "cannot tell yet whether they arrived" in caught.value.message


def test_an_idempotent_request_is_retried_after_a_lost_answer() -> None:
    client, seen, _ = _client([httpx.ReadTimeout("timed out"), _json(500, {}), _json(200, {})])
    client.request("POST", "/bulk-import/contacts", what="the contacts", idempotent=True)
    assert len(seen) == 3


def test_a_connection_that_never_opened_is_retried_then_reported_plainly() -> None:
    client, seen, _ = _client([httpx.ConnectError("refused")] * 4)
    with pytest.raises(Unavailable) as caught:
        client.request("POST", "/x", what="the contacts", idempotent=False)
    assert len(seen) == 4
    assert caught.value.message == "Plandocket could not be reached."
    assert not isinstance(caught.value, OutcomeUnknown)


def test_refusals_become_plain_errors_without_the_secret() -> None:
    client, _, _ = _client([_json(401, {"error": f"Invalid API key {SECRET}."})])
    with pytest.raises(AuthFailed) as auth:
        client.request("GET", "/events", what="the events", idempotent=True)
    assert auth.value.message == "Plandocket refused the credentials (401): Invalid API key ***."
    assert auth.value.hint == "Check the API key in Connections."
    assert SECRET not in auth.value.detail
    client, seen, _ = _client([_json(422, {"error": "Validation failed"})])
    with pytest.raises(Rejected) as refused:
        client.request("POST", "/x", what="the contacts", idempotent=True)
    assert refused.value.message == "Plandocket refused the contacts (422): Validation failed."
    assert refused.value.status == 422
    assert len(seen) == 1


def test_still_busy_after_every_try_says_so() -> None:
    client, _, _ = _client([_json(429, {"error": "busy"}, {"Retry-After": "1"})] * 4)
    with pytest.raises(RateLimited) as caught:
        client.request("GET", "/x", what="the events", idempotent=True)
    assert caught.value.retry_after == 1.0


def test_a_429_without_a_wait_fills_the_budget_so_the_next_try_waits_for_the_window() -> None:
    clock = [1000.0]
    budget = RequestBudget(3, 3600.0, clock=lambda: clock[0])
    client, seen, slept = _client(
        [_json(200, {}), _json(429, {"error": "Rate limit exceeded"}), _json(200, {})],
        budget=budget,
    )
    client.request("GET", "/a", what="the events", idempotent=True)
    client.request("GET", "/b", what="the events", idempotent=True)
    assert len(seen) == 3
    assert slept[-1] == pytest.approx(3600.0)  # waited for the vendor's hourly window


def test_the_budget_paces_requests_before_the_vendor_has_to_refuse() -> None:
    clock = [0.0]
    budget = RequestBudget(2, 60.0, clock=lambda: clock[0])
    client, _, slept = _client([_json(200, {})] * 3, budget=budget)
    for _ in range(3):
        client.request("GET", "/a", what="the events", idempotent=True)
    assert slept == [pytest.approx(60.0)]


def test_cancel_stops_between_tries() -> None:
    flag = CancelFlag()
    answers: list[httpx.Response | Exception] = [_json(503, {}), _json(200, {})]
    client, seen, _ = _client(answers, report=flag)
    real_sleep: Callable[[float, Reporter], None] = client._sleep

    def cancel_then_sleep(seconds: float, report: Reporter) -> None:
        flag.cancel()
        real_sleep(seconds, report)

    client._sleep = cancel_then_sleep
    with pytest.raises(Cancelled):
        client.request("GET", "/a", what="the events", idempotent=True)
    assert len(seen) == 1


def test_redact_hides_secrets_but_not_short_words() -> None:
    assert redact("key sk-live-0123456789 and abc", ["sk-live-0123456789", "abc"]) == (
        "key *** and abc"
    )
