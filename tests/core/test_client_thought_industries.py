"""Thought Industries' client over httpx.MockTransport: error shapes, retries, waits, pacing."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from rowboat.core.clients._http import RetryPolicy
from rowboat.core.clients.thought_industries import (
    KEY_HINT,
    ThoughtIndustriesClient,
    check_connection,
)
from rowboat.core.clients.thought_industries_limits import RateLimitPacer, read_rate_headers
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

BASE = "https://acme.thoughtindustries.com/incoming/v2"
KEY = "ti-secret-key-4711"
POLICY = RetryPolicy(attempts=4, base_delay=0.01, max_delay=0.02, timeout=1, connect_timeout=1)
JOB = {
    "id": "7f0c",
    "type": "sessionInPersonEventBulkImport",
    "description": "Bulk import of 2 in-person event sessions from imports/a1/s.csv",
    "errorMessage": None,
    "createdAt": "2026-01-01T00:00:00.000Z",
    "repeatable": False,
    "status": "queued",
}
Handler = Callable[[httpx.Request], httpx.Response]


class FakeTime:
    """A clock that only the client's waits move: every wait is recorded, none is slept."""

    def __init__(self) -> None:
        self.now = 1_767_225_600.0
        self.waits: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float, report: Reporter) -> None:
        self.waits.append(seconds)
        self.now += seconds


@pytest.fixture
def time() -> FakeTime:
    return FakeTime()


def client_for(handler: Handler, time: FakeTime, **kwargs: Any) -> ThoughtIndustriesClient:
    return ThoughtIndustriesClient(
        BASE,
        KEY,
        policy=POLICY,
        pacer=RateLimitPacer(clock=time.clock),
        sleep=time.sleep,
        transport=httpx.MockTransport(handler),
        **kwargs,
    )


def answers(*responses: httpx.Response) -> tuple[Handler, list[httpx.Request]]:
    """A handler giving these answers in turn (the last one again), and the requests it saw."""
    seen: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return responses[min(len(seen), len(responses)) - 1]

    return handle, seen


def bulk_answer(**changes: Any) -> httpx.Response:
    answer = {"dryRun": False, "validRows": [{"rowNumber": 2}], "invalidRows": [],
              "backgroundJob": JOB, **changes}  # fmt: skip
    return httpx.Response(200, json={"data": {"APIBulkInPersonEventImport": answer}})


IN_PERSON = "thought-industries.in-person-sessions"


# Error shapes


def test_a_refused_import_says_the_vendors_message(time: FakeTime) -> None:
    body = {"error": "unprocessable_entity", "message": "The file has 1200 rows; at most 1000."}
    handle, _ = answers(httpx.Response(422, json=body))
    with client_for(handle, time) as client, pytest.raises(Rejected) as caught:
        client.bulk_import(IN_PERSON, "imports/a/s.csv", dry_run=False)
    assert caught.value.message == (
        "Thought Industries refused the sessions (422): The file has 1200 rows; at most 1000."
    )
    assert caught.value.status == 422


def test_an_error_without_a_message_is_put_in_plain_words(time: FakeTime) -> None:
    handle, _ = answers(httpx.Response(400, json={"error": "bad_request"}))
    with client_for(handle, time) as client, pytest.raises(Rejected) as caught:
        client.bulk_import(IN_PERSON, "imports/a/s.csv", dry_run=False)
    assert caught.value.message == (
        "Thought Industries refused the sessions (400): the request was not understood."
    )


def test_a_refused_key_is_a_401_with_an_empty_body_and_points_at_the_key(time: FakeTime) -> None:
    handle, seen = answers(httpx.Response(401))
    with client_for(handle, time) as client, pytest.raises(AuthFailed) as caught:
        client.ping()
    assert caught.value.message == "Thought Industries refused the credentials (401)."
    assert caught.value.hint == KEY_HINT
    assert len(seen) == 1  # a refused key is not tried again
    assert seen[0].headers["Authorization"] == f"Bearer {KEY}"


def test_a_key_without_the_role_is_told_to_ask_an_administrator(time: FakeTime) -> None:
    body = {"error": "forbidden", "message": "API key lacks the content role."}
    handle, _ = answers(httpx.Response(403, json=body))
    with client_for(handle, time) as client, pytest.raises(AuthFailed) as caught:
        client.job("7f0c")
    assert caught.value.message == (
        "Thought Industries refused the request (403): API key lacks the content role."
    )
    assert "administrator" in caught.value.hint


def test_the_key_never_appears_in_an_error_even_when_the_server_echoes_it(
    time: FakeTime,
) -> None:
    body = {"error": "bad_request", "message": f"Header was 'Bearer {KEY}'."}
    handle, _ = answers(httpx.Response(400, json=body))
    with client_for(handle, time) as client, pytest.raises(Rejected) as caught:
        client.bulk_import(IN_PERSON, "imports/a/s.csv", dry_run=False)
    assert KEY not in caught.value.message
    assert KEY not in caught.value.detail
    assert "***" in caught.value.message


def test_an_unknown_job_reads_as_none(time: FakeTime) -> None:
    body = {"error": "not_found", "message": "No background job with this id."}
    handle, _ = answers(httpx.Response(404, json=body))
    with client_for(handle, time) as client:
        assert client.job("nope") is None


def test_a_job_is_read_with_its_status_and_error(time: FakeTime) -> None:
    failed = {**JOB, "status": "FAILED", "errorMessage": "Course 'x' does not exist (row 3)."}
    handle, seen = answers(httpx.Response(200, json={"data": {"APIBackgroundJob": failed}}))
    with client_for(handle, time) as client:
        job = client.job("7f0c")
    assert job is not None
    assert (job.id, job.status, job.ended) == ("7f0c", "failed", True)
    assert job.error_message == "Course 'x' does not exist (row 3)."
    assert seen[0].url.path == "/incoming/v2/jobs/7f0c"


# Retries, Retry-After and retryAfter


def test_a_429_waits_the_longer_of_retry_after_and_the_bodys_retry_after(time: FakeTime) -> None:
    throttled = httpx.Response(
        429,
        headers={"Retry-After": "5"},
        json={"error": "rate_limit_exceeded", "message": "Try again in 32 s.", "retryAfter": 32},
    )
    handle, seen = answers(throttled, httpx.Response(200, json={"valid": True}))
    with client_for(handle, time) as client:
        assert client.ping() is True
    assert time.waits == [32.0]
    assert len(seen) == 2


def test_a_429_with_only_a_retry_after_header_waits_that_long(time: FakeTime) -> None:
    throttled = httpx.Response(429, headers={"Retry-After": "7"}, json={"error": "x"})
    handle, _ = answers(throttled, httpx.Response(200, json={"valid": True}))
    with client_for(handle, time) as client:
        client.ping()
    assert time.waits == [7.0]


def test_a_bare_429_waits_for_the_rate_window_the_headers_name(time: FakeTime) -> None:
    headers = {"X-RateLimit-Limit": "140", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "12"}
    handle, _ = answers(httpx.Response(429, headers=headers), httpx.Response(200, json={}))
    with client_for(handle, time) as client:
        client.ping()
    assert time.waits[0] == pytest.approx(12.0, abs=0.5)


def test_429s_that_never_end_become_rate_limited(time: FakeTime) -> None:
    body = {"error": "rate_limit_exceeded", "message": "Slow down.", "retryAfter": 2}
    handle, seen = answers(httpx.Response(429, json=body))
    with client_for(handle, time) as client, pytest.raises(RateLimited) as caught:
        client.ping()
    assert caught.value.message == "Thought Industries is busy (429)."
    assert len(seen) == POLICY.attempts


def test_503_is_retried_and_then_answered(time: FakeTime) -> None:
    unavailable = httpx.Response(503, json={"error": "service_unavailable", "message": "Busy."})
    handle, seen = answers(unavailable, bulk_answer())
    with client_for(handle, time) as client:
        answer = client.bulk_import(IN_PERSON, "imports/a/s.csv", dry_run=False)
    assert answer.job is not None
    assert answer.job.id == "7f0c"
    assert len(seen) == 2


def test_a_500_after_a_bulk_import_is_an_unknown_outcome_not_a_retry(time: FakeTime) -> None:
    handle, seen = answers(httpx.Response(500, json={"error": "internal_server_error"}))
    with client_for(handle, time) as client, pytest.raises(OutcomeUnknown):
        client.bulk_import(IN_PERSON, "imports/a/s.csv", dry_run=False)
    assert len(seen) == 1


def test_a_dropped_answer_to_a_bulk_import_is_an_unknown_outcome(time: FakeTime) -> None:
    seen: list[httpx.Request] = []

    def drop(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        raise httpx.RemoteProtocolError("peer closed connection", request=request)

    with client_for(drop, time) as client, pytest.raises(OutcomeUnknown) as caught:
        client.bulk_import(IN_PERSON, "imports/a/s.csv", dry_run=False)
    assert "cannot tell yet whether they arrived" in caught.value.message
    assert len(seen) == 1


def test_an_unreadable_import_answer_is_an_unknown_outcome(time: FakeTime) -> None:
    handle, _ = answers(httpx.Response(200, text="<html>gateway</html>"))
    with client_for(handle, time) as client, pytest.raises(OutcomeUnknown):
        client.bulk_import(IN_PERSON, "imports/a/s.csv", dry_run=False)


def test_an_upload_whose_answer_was_dropped_is_simply_uploaded_again(time: FakeTime) -> None:
    seen: list[httpx.Request] = []
    stored = {
        "data": {"APIAsset": {"path": "imports/b2/s.csv", "createdAt": "2026-01-01T00:00:00Z"}}
    }

    def flaky(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if len(seen) == 1:
            raise httpx.ReadTimeout("timed out", request=request)
        return httpx.Response(201, json=stored)

    with client_for(flaky, time) as client:
        asset = client.upload("s.csv", b"title\nA\n", "text/csv")
    assert asset.path == "imports/b2/s.csv"
    assert asset.created_at == "2026-01-01T00:00:00Z"
    assert len(seen) == 2
    assert b'name="file"; filename="s.csv"' in seen[1].read()


def test_a_site_without_the_upload_route_is_a_connection_problem(time: FakeTime) -> None:
    handle, _ = answers(httpx.Response(404, json={"error": "not_found"}))
    with (
        client_for(handle, time, upload_path="files/upload") as client,
        pytest.raises(ConnectionProblem) as caught,
    ):
        client.upload("s.csv", b"title\nA\n", "text/csv")
    assert caught.value.message.startswith(
        "Thought Industries takes no uploads at '/files/upload' (404)"
    )
    assert "give Rowboat its path" in caught.value.hint


# The bulk import's body and answer


def test_dry_run_is_sent_only_when_asked(time: FakeTime) -> None:
    handle, seen = answers(bulk_answer())
    with client_for(handle, time) as client:
        client.bulk_import(IN_PERSON, "imports/a/s.csv", dry_run=False)
        client.bulk_import("thought-industries.webinar-sessions", "imports/a/w.csv", dry_run=True)
    assert json.loads(seen[0].content) == {"bulkImportAssetPath": "imports/a/s.csv"}
    assert json.loads(seen[1].content) == {"bulkImportAssetPath": "imports/a/w.csv", "dryRun": True}
    assert seen[0].url.path == "/incoming/v2/content/session/inPersonEvent/bulk"
    assert seen[1].url.path == "/incoming/v2/content/session/webinar/bulk"


def test_an_answer_may_leave_out_dry_run_and_the_job(time: FakeTime) -> None:
    handle, _ = answers(bulk_answer(dryRun=None, backgroundJob=None))
    with client_for(handle, time) as client:
        answer = client.bulk_import(IN_PERSON, "imports/a/s.csv", dry_run=True)
    assert answer.dry_run is None
    assert answer.job is None
    assert answer.valid_rows == [{"rowNumber": 2}]


# The job list


def job_page(jobs: list[dict[str, Any]], more: bool) -> httpx.Response:
    listing = {"backgroundJobs": jobs, "page": 1, "perPage": 100, "hasMore": more}
    return httpx.Response(200, json={"data": {"APIBackgroundJobs": listing}})


def job(job_id: str, path: str, created: str) -> dict[str, Any]:
    return {**JOB, "id": job_id, "description": f"Bulk import of 3 sessions from {path}",
            "createdAt": created}  # fmt: skip


def test_the_job_of_an_asset_is_found_by_its_description(time: FakeTime) -> None:
    handle, seen = answers(
        job_page([job("j3", "imports/c/s.csv", "2026-01-01T00:03:00Z")], more=True),
        job_page([job("j2", "imports/b/s.csv.bak", "2026-01-01T00:02:00Z"),
                  job("j1", "imports/b/s.csv", "2026-01-01T00:01:00Z")], more=False),
    )  # fmt: skip
    with client_for(handle, time) as client:
        found = client.find_job("imports/b/s.csv")
    assert found.job is not None
    assert found.job.id == "j1"  # not j2, whose path only starts like it
    assert [r.url.params["page"] for r in seen] == ["1", "2"]


def test_the_search_stops_at_jobs_older_than_the_asset(time: FakeTime) -> None:
    handle, seen = answers(
        job_page([job("j2", "imports/c/s.csv", "2026-01-01T00:02:00Z"),
                  job("j1", "imports/a/s.csv", "2026-01-01T00:00:59Z")], more=True),
    )  # fmt: skip
    with client_for(handle, time) as client:
        found = client.find_job("imports/b/s.csv", since="2026-01-01T00:01:00.000Z")
    assert (found.job, found.certain, found.offered) == (None, True, True)
    assert len(seen) == 1


def test_jobs_named_before_the_import_are_skipped(time: FakeTime) -> None:
    handle, _ = answers(job_page([job("old", "imports/u/s.csv", "2026-01-01T00:00:00Z")], False))
    with client_for(handle, time) as client:
        found = client.find_job("imports/u/s.csv", skip=frozenset({"old"}))
    assert (found.job, found.certain) == (None, True)


def test_running_jobs_are_read_from_the_first_pages_of_the_job_list(time: FakeTime) -> None:
    handle, seen = answers(
        job_page([job("j9", "imports/x/s.csv", ""), {**job("j7", "imports/y/s.csv", ""),
                  "status": "complete"}], more=True),
        job_page([job("other", "imports/z/s.csv", "")], more=True),
    )  # fmt: skip
    with client_for(handle, time) as client:
        found = client.listed_jobs({"j7", "j9"})
        assert found is not None
        assert {k: j.status for k, j in found.items()} == {"j7": "complete", "j9": "queued"}
        assert len(seen) == 1  # both were on the first page
        assert client.listed_jobs({"j1"}) == {}  # not among the newest: read one by one
    assert len(seen) == 3  # two pages at most


def test_a_site_without_a_job_list_says_so(time: FakeTime) -> None:
    handle, _ = answers(httpx.Response(404, json={"error": "not_found"}))
    with client_for(handle, time) as client:
        found = client.find_job("imports/b/s.csv")
        assert client.jobs_naming("imports/b/s.csv") is None
        assert client.listed_jobs({"j1", "j2"}) is None
    assert (found.job, found.certain, found.offered) == (None, False, False)


# Pacing by the X-RateLimit-* headers


def rate_limited_server(limit: int, time: FakeTime) -> tuple[Handler, list[int]]:
    """A server counting requests in fixed 60 s windows, with the vendor's headers and a 429
    past the limit. Returns the handler and the statuses it answered."""
    window = {"start": time.now, "used": 0}
    statuses: list[int] = []

    def handle(request: httpx.Request) -> httpx.Response:
        if time.now - window["start"] >= 60:
            window.update(start=time.now, used=0)
        reset = str(int(window["start"] + 60 - time.now + 0.999))
        if window["used"] >= limit:
            statuses.append(429)
            headers = {"Retry-After": reset, "X-RateLimit-Limit": str(limit),
                       "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": reset}  # fmt: skip
            return httpx.Response(429, headers=headers, json={"retryAfter": int(reset)})
        window["used"] += 1
        statuses.append(200)
        headers = {"X-RateLimit-Limit": str(limit), "X-RateLimit-Reset": reset,
                   "X-RateLimit-Remaining": str(limit - window["used"])}  # fmt: skip
        return httpx.Response(200, headers=headers, json={"valid": True})

    return handle, statuses


def test_the_standard_limit_is_paced_without_a_single_429(time: FakeTime) -> None:
    handle, statuses = rate_limited_server(140, time)
    with client_for(handle, time) as client:
        for _ in range(300):
            client.ping()
    assert statuses == [200] * 300
    assert len(time.waits) == 2  # after the 140th and the 280th request
    assert sum(time.waits) == pytest.approx(120, abs=2)


def test_an_enterprise_limit_is_learnt_from_the_headers(time: FakeTime) -> None:
    handle, statuses = rate_limited_server(700, time)
    with client_for(handle, time) as client:
        for _ in range(701):
            client.ping()
        assert client.pacer.requests == 700
    assert statuses == [200] * 701
    assert len(time.waits) == 1  # only after the 700th, not after the 140th


def test_before_any_header_requests_are_counted_against_the_standard_plan(
    time: FakeTime,
) -> None:
    handle, seen = answers(httpx.Response(200, json={"valid": True}))  # no rate headers at all
    with client_for(handle, time) as client:
        for _ in range(141):
            client.ping()
    assert len(seen) == 141
    assert len(time.waits) == 1
    assert time.waits[0] == pytest.approx(60.0)


def test_requests_in_flight_are_counted_against_what_is_left() -> None:
    now = [1000.0]
    pacer = RateLimitPacer(clock=lambda: now[0])
    headers = {"X-RateLimit-Limit": "140", "X-RateLimit-Remaining": "3", "X-RateLimit-Reset": "20"}
    pacer.wait_time()
    pacer.observe(httpx.Response(200, headers=headers))
    # Three left: three requests start at once, before any of them is answered.
    assert [pacer.wait_time() for _ in range(3)] == [0.0, 0.0, 0.0]
    assert pacer.wait_time() == pytest.approx(20.0)
    now[0] += 20.0  # the window resets: the one that waited goes first
    assert pacer.wait_time() == 0.0


def test_an_older_answer_arriving_late_does_not_raise_what_is_left() -> None:
    pacer = RateLimitPacer(clock=lambda: 1000.0)
    later = {"X-RateLimit-Limit": "140", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "30"}
    earlier = {**later, "X-RateLimit-Remaining": "9"}
    pacer.observe(httpx.Response(200, headers=later))
    pacer.observe(httpx.Response(200, headers=earlier))
    assert pacer.wait_time() == pytest.approx(30.0)


@pytest.mark.parametrize(
    ("reset", "seconds"),
    [("45", 45.0), ("1767225645", 45.0), ("1767225645000", 45.0), ("99999", 3600.0)],
)
def test_the_reset_header_is_read_as_seconds_or_a_unix_time(reset: str, seconds: float) -> None:
    headers = httpx.Headers(
        {"X-RateLimit-Limit": "140", "X-RateLimit-Remaining": "5", "X-RateLimit-Reset": reset}
    )
    reading = read_rate_headers(headers, now=1_767_225_600.0)
    assert reading is not None
    assert reading.reset_at - 1_767_225_600.0 == pytest.approx(seconds)
    assert read_rate_headers(httpx.Headers({"X-RateLimit-Limit": "x"}), now=0.0) is None


# Test connection


def connection(url: str = BASE, **settings: str) -> Connection:
    return Connection(name="Acme", system="thought-industries", base_url=url, settings=settings)


def check_with(handler: Handler) -> Any:
    return check_connection(
        connection(), {"api_key": KEY}, policy=POLICY, transport=httpx.MockTransport(handler)
    )


def test_a_good_key_connects_and_names_the_host() -> None:
    handle, seen = answers(httpx.Response(200, json={"valid": True}))
    check = check_with(handle)
    assert check.ok
    assert check.message == (
        "Connected to Thought Industries at acme.thoughtindustries.com; the API key is valid."
    )
    assert seen[0].url.path == "/incoming/v2/ping"


def test_a_refused_key_says_where_to_find_it() -> None:
    handle, _ = answers(httpx.Response(401))
    check = check_with(handle)
    assert not check.ok
    assert f"{check.message} {check.hint}" == (
        "The API key was refused (401). Check it in Thought Industries under Settings → "
        "Security → API Key."
    )


def test_an_unreachable_site_is_told_in_plain_words() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    check = check_with(refuse)
    assert not check.ok
    assert check.message == "Thought Industries could not be reached."


def test_a_connection_needs_its_key_and_https() -> None:
    with pytest.raises(ConnectionProblem, match="has no Thought Industries API key"):
        check_connection(connection(), {})
    with pytest.raises(ConnectionProblem, match="only connects to Thought Industries over https"):
        check_connection(connection("http://acme.example.com/incoming/v2"), {"api_key": KEY})
    with pytest.raises(ConnectionProblem, match="not a path below the API address"):
        check_connection(connection(upload_path="https://elsewhere/up"), {"api_key": KEY})


def test_unavailable_is_raised_for_an_upload_answer_without_a_path(time: FakeTime) -> None:
    handle, _ = answers(httpx.Response(201, json={"data": {"APIAsset": {}}}))
    with client_for(handle, time) as client, pytest.raises(Unavailable, match="did not say where"):
        client.upload("s.csv", b"title\nA\n", "text/csv")
