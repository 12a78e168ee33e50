"""The Eloqua client over a mock transport: login discovery, a refused login answered with 200,
rediscovery after a 401, Eloqua's error shapes in plain words, paging, and "Test connection"."""

from __future__ import annotations

import base64
import json
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from rowboat.core.clients._http import RetryPolicy
from rowboat.core.clients.eloqua import EloquaClient, EloquaErrors, check_connection
from rowboat.core.connections.model import Connection
from rowboat.core.errors import (
    AuthFailed,
    ConnectionProblem,
    OutcomeUnknown,
    RateLimited,
    Rejected,
)

if TYPE_CHECKING:
    from collections.abc import Callable

POLICY = RetryPolicy(attempts=3, base_delay=0.0, max_delay=0.0, timeout=1.0)
PASSWORD = "s3cret-Passw0rd"
CONNECTION = Connection(
    name="Work",
    system="eloqua",
    base_url="https://login.eloqua.com",
    settings={"site": "AcmeCorp", "user": "Jane.Doe"},
)
POD = "https://secure.p03.eloqua.com"


def _discovery(pod: str = POD) -> dict[str, Any]:
    return {
        "site": {"id": 42, "name": "AcmeCorp"},
        "user": {"id": 7, "username": "Jane.Doe", "displayName": "Jane Doe"},
        "urls": {
            "base": pod,
            "apis": {
                "soap": {"standard": f"{pod}/API/{{version}}/Service.svc"},
                "rest": {
                    "standard": f"{pod}/API/REST/{{version}}/",
                    "bulk": f"{pod}/API/Bulk/{{version}}/",
                },
            },
        },
    }


def _client(handler: Callable[[httpx.Request], httpx.Response]) -> EloquaClient:
    return EloquaClient(
        CONNECTION,
        {"password": PASSWORD},
        policy=POLICY,
        transport=httpx.MockTransport(handler),
        sleep=lambda seconds, report: None,
    )


def _login_then(
    answer: Callable[[httpx.Request], httpx.Response], seen: list[httpx.Request] | None = None
) -> Callable[[httpx.Request], httpx.Response]:
    def handler(request: httpx.Request) -> httpx.Response:
        if seen is not None:
            seen.append(request)
        if request.url.host == "login.eloqua.com" and request.url.path == "/id":
            return httpx.Response(200, json=_discovery())
        return answer(request)

    return handler


def test_discovery_finds_the_sites_bulk_api_with_the_version_filled_in() -> None:
    seen: list[httpx.Request] = []
    with _client(_login_then(lambda r: httpx.Response(404), seen)) as client:
        login = client.login()
    assert login.bulk == "https://secure.p03.eloqua.com/API/Bulk/2.0"
    assert login.rest == "https://secure.p03.eloqua.com/API/REST/2.0"
    assert (login.site, login.user) == ("AcmeCorp", "Jane.Doe")
    sent = seen[0].headers["Authorization"]
    assert base64.b64decode(sent.split()[1]).decode() == f"AcmeCorp\\Jane.Doe:{PASSWORD}"


def test_a_refused_login_answered_with_200_not_authenticated_is_a_plain_auth_error() -> None:
    handler = lambda request: httpx.Response(200, json="Not authenticated.")  # noqa: E731
    with _client(handler) as client, pytest.raises(AuthFailed) as caught:
        client.login()
    assert caught.value.message == "Eloqua refused the company name, user or password."
    assert "Check them in Connections" in caught.value.hint
    assert PASSWORD not in f"{caught.value.message}{caught.value.hint}{caught.value.detail}"


def test_a_401_later_asks_id_again_once_and_follows_the_moved_instance() -> None:
    moved = "https://secure.p07.eloqua.com"
    logins = []

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/id":
            logins.append(request)
            return httpx.Response(200, json=_discovery(POD if len(logins) == 1 else moved))
        if request.url.host == "secure.p03.eloqua.com":
            return httpx.Response(401)
        return httpx.Response(200, json={"uri": "/syncs/5", "status": "success"})

    with _client(handler) as client:
        sync = client.sync("/syncs/5")
    assert sync["status"] == "success"
    assert len(logins) == 2


def test_a_second_401_after_rediscovery_is_the_answer() -> None:
    calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.url.path)
        if request.url.path == "/id":
            return httpx.Response(200, json=_discovery())
        return httpx.Response(401)

    with _client(handler) as client, pytest.raises(AuthFailed) as caught:
        client.sync("/syncs/5")
    assert calls == ["/id", "/API/Bulk/2.0/syncs/5", "/id", "/API/Bulk/2.0/syncs/5"]
    assert caught.value.message == "Oracle Eloqua refused the credentials (401)."


def test_failures_of_a_400_are_said_in_the_refusal() -> None:
    body = {
        "failures": [
            {
                "field": "identifierFieldName",
                "value": "company",
                "constraint": "Must name a field with a uniqueness constraint.",
            },
            {"field": "name", "value": "", "constraint": "Must be a string value."},
        ]
    }
    handler = _login_then(lambda r: httpx.Response(400, json=body))
    with _client(handler) as client, pytest.raises(Rejected) as caught:
        client.create_definition("12", {"name": ""})
    assert caught.value.message == (
        "Oracle Eloqua refused the import definition (400): identifierFieldName: Must name a "
        "field with a uniqueness constraint.; name: Must be a string value."
    )


def test_error_shapes_of_other_kinds_read_as_words() -> None:
    errors = EloquaErrors()
    rest = httpx.Response(400, json=[{"type": "ObjectValidationError", "property": "name",
                                      "requirement": "Required"}])  # fmt: skip
    assert errors.message(rest) == "name: Required"
    assert errors.message(httpx.Response(404, text="Not Found")) == ""
    assert errors.message(httpx.Response(400, json="Bad request.")) == "Bad request."
    many = {"failures": [{"constraint": f"Problem {i}."} for i in range(5)]}
    assert errors.message(httpx.Response(400, json=many)).endswith("; and 2 more")
    assert "Bulk API" in errors.auth_hint(httpx.Response(403))


def test_a_409_of_a_busy_definition_is_a_refusal_with_its_reason() -> None:
    failure = {
        "field": "syncedInstanceUri",
        "value": "/events/12/imports/1",
        "constraint": "The definition is being synced by /syncs/3.",
    }
    body = {"failures": [failure]}
    handler = _login_then(lambda r: httpx.Response(409, json=body))
    with _client(handler) as client, pytest.raises(Rejected) as caught:
        client.post_data("/events/12/imports/1", b"[]", "application/json")
    assert caught.value.status == 409
    assert "being synced by /syncs/3" in caught.value.message


def test_a_data_post_whose_answer_is_lost_is_an_unknown_outcome() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadError("connection reset", request=request)

    with _client(_login_then(answer)) as client, pytest.raises(OutcomeUnknown) as caught:
        client.post_data("/events/12/imports/1", b'[{"e":"a@b.co"}]', "application/json")
    assert "cannot tell yet" in caught.value.message


def test_a_throttled_request_honours_retry_after_then_goes_on() -> None:
    answers = iter([httpx.Response(429, headers={"Retry-After": "7"}), httpx.Response(204)])
    waits: list[float] = []
    client = EloquaClient(
        CONNECTION, {"password": PASSWORD}, policy=POLICY,
        transport=httpx.MockTransport(_login_then(lambda r: next(answers))),
        sleep=lambda seconds, report: waits.append(seconds),
    )  # fmt: skip
    with client:
        client.delete_data("/events/12/imports/1")
    assert waits == [7.0]
    throttled = EloquaClient(
        CONNECTION, {"password": PASSWORD}, policy=RetryPolicy(attempts=1),
        transport=httpx.MockTransport(_login_then(lambda r: httpx.Response(429))),
    )  # fmt: skip
    with throttled, pytest.raises(RateLimited):
        throttled.delete_data("/events/12/imports/1")


def test_paged_lists_are_read_to_the_end_with_limit_and_offset() -> None:
    fields = [{"name": f"Field {i}", "internalName": f"F{i}", "dataType": "string",
               "statement": f"{{{{Event[12].Field(F{i})}}}}"} for i in range(5)]  # fmt: skip
    asked: list[tuple[str, str]] = []

    def answer(request: httpx.Request) -> httpx.Response:
        limit = int(request.url.params["limit"])
        offset = int(request.url.params["offset"])
        asked.append((request.url.params["limit"], request.url.params["offset"]))
        items = fields[offset : offset + min(limit, 2)]  # the server pages by 2
        more = offset + len(items) < len(fields)
        return httpx.Response(200, json={"items": items, "totalResults": 5, "limit": limit,
                                         "offset": offset, "count": len(items),
                                         "hasMore": more})  # fmt: skip

    with _client(_login_then(answer)) as client:
        found = client.event_fields("12")
    assert [f.internal_name for f in found] == ["F0", "F1", "F2", "F3", "F4"]
    assert asked == [("1000", "0"), ("1000", "2"), ("1000", "4")]


def test_an_unknown_event_is_named_in_the_refusal() -> None:
    body = {"failures": [{"constraint": "The requested event was not found."}]}
    handler = _login_then(lambda r: httpx.Response(404, json=body))
    with _client(handler) as client, pytest.raises(Rejected) as caught:
        client.event_fields("99")
    assert caught.value.message == "Oracle Eloqua has no event 99."


def test_events_are_read_from_the_rest_api_page_by_page() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        assert request.url.path == "/API/REST/2.0/assets/eventRegistrations"
        page = int(request.url.params["page"])
        count = int(request.url.params["count"])
        start = (page - 1) * count
        ids = list(range(1, 1502))[start : start + count]
        elements = [{"type": "EventRegistration", "id": str(i), "name": f"Event {i}"} for i in ids]
        return httpx.Response(200, json={"elements": elements, "page": page,
                                         "pageSize": count, "total": 1501})  # fmt: skip

    with _client(_login_then(answer)) as client:
        events = client.events()
    assert len(events) == 1501
    assert events[0].id == "1"
    assert events[-1].name == "Event 1501"


def test_discovery_pointing_at_plain_http_elsewhere_is_refused() -> None:
    body = _discovery("http://secure.p03.eloqua.com")
    handler = lambda request: httpx.Response(200, json=body)  # noqa: E731
    with _client(handler) as client, pytest.raises(ConnectionProblem) as caught:
        client.login()
    assert "only connects to Oracle Eloqua over https" in caught.value.message


def test_a_connection_without_its_password_is_refused_before_any_request() -> None:
    with pytest.raises(ConnectionProblem) as caught:
        EloquaClient(CONNECTION, {})
    assert caught.value.message == "The Eloqua connection 'Work' has no password."


def test_test_connection_says_who_is_connected_and_how_many_events_there_are() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        elements = [{"id": str(i), "name": f"Event {i}"} for i in (12, 15, 18)]
        return httpx.Response(200, json={"elements": elements, "page": 1, "total": 3})

    check = check_connection(
        CONNECTION, {"password": PASSWORD}, None, policy=POLICY,
        transport=httpx.MockTransport(_login_then(answer)),
    )  # fmt: skip
    assert check.ok
    assert check.message == (
        "Connected to Oracle Eloqua as AcmeCorp\\Jane.Doe (site AcmeCorp); "
        "3 events can take registrants."
    )


def test_test_connection_with_a_refused_login_says_so_without_the_password() -> None:
    check = check_connection(
        CONNECTION, {"password": PASSWORD}, None, policy=POLICY,
        transport=httpx.MockTransport(lambda r: httpx.Response(200, json="Not authenticated.")),
    )  # fmt: skip
    assert not check.ok
    assert check.message == "Eloqua refused the company name, user or password."
    assert check.hint.startswith("Check them in Connections")
    assert PASSWORD not in json.dumps([check.message, check.hint, check.detail])


def test_test_connection_of_a_site_without_events_says_what_to_do() -> None:
    answer = lambda r: httpx.Response(200, json={"elements": [], "page": 1, "total": 0})  # noqa: E731
    check = check_connection(
        CONNECTION, {"password": PASSWORD}, None, policy=POLICY,
        transport=httpx.MockTransport(_login_then(answer)),
    )  # fmt: skip
    assert check.ok
    assert "no events yet" in check.message
    assert check.hint == "Create the event in Eloqua first, then import its registrants."
