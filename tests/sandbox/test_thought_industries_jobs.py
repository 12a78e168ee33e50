"""Thought Industries' sandbox job list (`GET /jobs`, a sandbox route) over real sockets."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import httpx
import pytest

from tests.sandbox.test_thought_industries import (
    AUTH,
    GOOD_ROW,
    HEADER,
    KEY,
    SECOND_ROW,
    bulk,
    csv_bytes,
    stored_sessions,
    upload,
)

if TYPE_CHECKING:
    from collections.abc import Iterator

    from rowboat.sandbox.context import ManualClock
    from rowboat.sandbox.server import SandboxServer


@pytest.fixture
def client(sandbox: SandboxServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=sandbox.base_url(KEY), headers=AUTH, timeout=10) as c:
        yield c


def job_list(client: httpx.Client, **params: int | str) -> Any:
    answer = client.get("/jobs", params=params)
    assert answer.status_code == 200, answer.text
    return answer.json()["data"]["APIBackgroundJobs"]


def start_import(client: httpx.Client, *rows: list[str], **body: Any) -> tuple[str, Any]:
    path = upload(client, csv_bytes(HEADER, *rows))
    return path, bulk(client, path, **body)


def test_job_list_shows_every_job_newest_first_naming_its_asset(
    client: httpx.Client, clock: ManualClock
) -> None:
    started = []
    for _ in range(3):
        path, answer = start_import(client, GOOD_ROW, SECOND_ROW)
        started.append((path, answer["backgroundJob"]["id"]))
        clock.advance(1)
    listing = job_list(client)
    assert [j["id"] for j in listing["backgroundJobs"]] == [job for _, job in reversed(started)]
    for job, (path, _) in zip(listing["backgroundJobs"], reversed(started), strict=True):
        assert path in job["description"]
        assert job["description"].startswith("Bulk import of 2 in-person event sessions")
        assert set(job) == {
            "id", "type", "description", "errorMessage", "createdAt", "repeatable", "status"
        }  # fmt: skip
    assert listing["total"] == 3
    assert listing["hasMore"] is False
    assert (listing["page"], listing["perPage"]) == (1, 50)


def test_jobs_created_at_the_same_moment_are_listed_newest_first(client: httpx.Client) -> None:
    first = start_import(client, GOOD_ROW)[1]["backgroundJob"]["id"]
    second = start_import(client, GOOD_ROW)[1]["backgroundJob"]["id"]
    assert [j["id"] for j in job_list(client)["backgroundJobs"]] == [second, first]


def test_job_list_comes_a_page_at_a_time(client: httpx.Client) -> None:
    ids = [start_import(client, GOOD_ROW)[1]["backgroundJob"]["id"] for _ in range(5)][::-1]
    pages = [job_list(client, page=p, perPage=2) for p in (1, 2, 3, 4)]
    assert [[j["id"] for j in p["backgroundJobs"]] for p in pages] == [
        ids[0:2], ids[2:4], ids[4:5], []
    ]  # fmt: skip
    assert [p["hasMore"] for p in pages] == [True, True, False, False]
    assert all(p["total"] == 5 for p in pages)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"perPage": 0}, "perPage must be a whole number from 1 to 100."),
        ({"perPage": 101}, "perPage must be a whole number from 1 to 100."),
        ({"page": "first"}, "page must be a whole number of 1 or more."),
        ({"page": 0}, "page must be a whole number of 1 or more."),
    ],
)
def test_job_list_refuses_paging_it_cannot_follow(
    client: httpx.Client, params: dict[str, Any], message: str
) -> None:
    answer = client.get("/jobs", params=params)
    assert answer.status_code == 400
    assert answer.json() == {"error": "bad_request", "message": message}


def test_job_list_shows_jobs_ended_and_their_sessions_stored_once(
    client: httpx.Client, clock: ManualClock
) -> None:
    job = start_import(client, GOOD_ROW)[1]["backgroundJob"]
    assert job_list(client)["backgroundJobs"][0]["status"] == "queued"
    clock.advance(1)
    assert job_list(client)["backgroundJobs"][0]["status"] == "processing"
    clock.advance(10)
    assert job_list(client)["backgroundJobs"][0]["status"] == "complete"
    job_list(client)
    assert [s["jobId"] for s in stored_sessions(client)] == [job["id"]]


def test_failed_jobs_are_listed_with_their_error(client: httpx.Client, clock: ManualClock) -> None:
    row = [*GOOD_ROW]
    row[HEADER.index("courseId")] = "welding-999"
    start_import(client, row)
    clock.advance(10)
    listed = job_list(client)["backgroundJobs"][0]
    assert listed["status"] == "failed"
    assert listed["errorMessage"] == (
        "Course 'welding-999' does not exist (row 2); nothing was imported."
    )


def test_dry_runs_and_imports_without_valid_rows_start_no_job(client: httpx.Client) -> None:
    start_import(client, GOOD_ROW, dryRun=True)
    bad = [*GOOD_ROW]
    bad[HEADER.index("capacity")] = "0"
    start_import(client, bad)
    assert job_list(client) == {
        "backgroundJobs": [], "page": 1, "perPage": 50, "total": 0, "hasMore": False
    }  # fmt: skip


def test_job_list_needs_the_key_and_counts_against_the_limit(
    client: httpx.Client, sandbox: SandboxServer
) -> None:
    with httpx.Client(base_url=sandbox.base_url(KEY), timeout=10) as anonymous:
        refused = anonymous.get("/jobs")
    assert refused.status_code == 401
    assert refused.content == b""
    answer = client.get("/jobs")
    assert answer.headers["X-RateLimit-Remaining"] == "139"
