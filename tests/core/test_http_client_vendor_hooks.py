"""HttpClient's optional vendor hook for refusals, and the per-request number of tries."""

from __future__ import annotations

import httpx
import pytest

from rowboat.core.clients._http import HttpClient, RetryPolicy, VendorRefusals
from rowboat.core.errors import AuthFailed, Rejected, TargetError, Unavailable

SECRET = "tok-0123456789"


class _Errors:
    def message(self, response: httpx.Response) -> str:
        return "bad code"

    def retry_after(self, response: httpx.Response) -> float | None:
        return None

    def auth_hint(self, response: httpx.Response) -> str:
        return "Check the token."


class _Refusing(_Errors):
    """Says a 400 with code BadTouchpoint is a credentials problem, in its own words."""

    def __init__(self, say: str = "Thalamus does not know that touchpoint.") -> None:
        self.say = say

    def refusal(self, response: httpx.Response, what: str, detail: str) -> TargetError | None:
        if response.json().get("code") != "BadTouchpoint":
            return None
        return AuthFailed(self.say, hint="Check it under Touchpoints.", detail=detail, status=400)


def _client(errors: _Errors, handler: httpx.MockTransport) -> HttpClient:
    return HttpClient(
        "https://api.example.com",
        system="Thalamus",
        errors=errors,
        secrets=(SECRET,),
        policy=RetryPolicy(attempts=5, base_delay=0.0, max_delay=0.0),
        sleep=lambda seconds, report: None,
        transport=handler,
    )


def _answer(status: int, code: str) -> httpx.MockTransport:
    return httpx.MockTransport(lambda request: httpx.Response(status, json={"code": code}))


def test_a_vendor_may_name_its_own_error_for_a_refusal() -> None:
    assert isinstance(_Refusing(), VendorRefusals)
    assert not isinstance(_Errors(), VendorRefusals)
    with (
        _client(_Refusing(), _answer(400, "BadTouchpoint")) as client,
        pytest.raises(AuthFailed) as caught,
    ):
        client.request("GET", "/me", what="the user", idempotent=True)
    assert caught.value.message == "Thalamus does not know that touchpoint."
    assert caught.value.hint == "Check it under Touchpoints."
    assert caught.value.detail.startswith("GET /me: 400")


def test_refusals_the_vendor_leaves_alone_keep_the_default_error() -> None:
    with _client(_Refusing(), _answer(400, "Other")) as client, pytest.raises(Rejected) as caught:
        client.request("GET", "/me", what="the user", idempotent=True)
    assert caught.value.message == "Thalamus refused the user (400): bad code."


def test_a_vendor_sentence_that_would_show_a_secret_falls_back_to_the_default() -> None:
    leaky = _Refusing(f"The token {SECRET} is wrong.")
    with _client(leaky, _answer(400, "BadTouchpoint")) as client, pytest.raises(Rejected) as caught:
        client.request("GET", "/me", what="the user", idempotent=True)
    assert SECRET not in str(caught.value)


def test_attempts_limits_one_request_to_that_many_tries() -> None:
    calls: list[httpx.Request] = []

    def down(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return httpx.Response(503, json={"code": "Busy"})

    with _client(_Errors(), httpx.MockTransport(down)) as client:
        with pytest.raises(Unavailable):
            client.request("POST", "/logout", what="the logout", idempotent=True, attempts=1)
        assert len(calls) == 1
        with pytest.raises(Unavailable):
            client.request("POST", "/logout", what="the logout", idempotent=True)
    assert len(calls) == 1 + 5
