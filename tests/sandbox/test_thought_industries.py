"""Thought Industries' sandbox over real sockets: key, uploads, bulk imports, jobs, limits."""

from __future__ import annotations

import csv
import io
import re
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from openpyxl import Workbook

from rowboat.sandbox import thought_industries
from rowboat.sandbox.context import RateLimit, SandboxContext
from rowboat.sandbox.server import SandboxServer

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from rowboat.sandbox.context import ManualClock

KEY = "thought-industries"
AUTH = {"Authorization": "Bearer sandbox-ti-key"}
HEADER = ["title", "startDate", "endDate", "timeZone", "location", "courseId", "capacity"]
GOOD_ROW = [
    "Onboarding bootcamp",
    "2026-04-14T09:00:00",
    "2026-04-14T12:00:00",
    "Europe/Berlin",
    "Berlin HQ",
    "onboarding-101",
    "24",
]
SECOND_ROW = ["Safety walk", "2026-04-15 10:00", "2026-04-15 11:30", "", "", "safety-201", ""]
JOB_SECONDS = 4.0  # the context's default: a small job completes a little after this


@pytest.fixture
def ti(sandbox: SandboxServer) -> Iterator[httpx.Client]:
    """A client configured the way Rowboat is: the vendor's base URL and the sandbox key."""
    with httpx.Client(base_url=sandbox.base_url(KEY), headers=AUTH, timeout=10) as client:
        yield client


def csv_bytes(header: list[str], *rows: list[str]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


def upload(client: httpx.Client, data: bytes, filename: str = "sessions.csv") -> str:
    answer = client.post("/assets", files={"file": (filename, data)})
    assert answer.status_code == 201, answer.text
    path: str = answer.json()["data"]["APIAsset"]["path"]
    return path


def bulk(client: httpx.Client, path: str, kind: str = "inPersonEvent", **body: Any) -> Any:
    answer = client.post(
        f"/content/session/{kind}/bulk", json={"bulkImportAssetPath": path, **body}
    )
    assert answer.status_code == 200, answer.text
    key = "APIBulkInPersonEventImport" if kind == "inPersonEvent" else "APIBulkWebinarImport"
    return answer.json()["data"][key]


def job_status(client: httpx.Client, job_id: str) -> Any:
    answer = client.get(f"/jobs/{job_id}")
    assert answer.status_code == 200, answer.text
    return answer.json()["data"]["APIBackgroundJob"]


def stored_sessions(client: httpx.Client, **params: str) -> list[Any]:
    answer = client.get("/_sandbox/sessions", params=params)
    assert answer.status_code == 200, answer.text
    sessions: list[Any] = answer.json()["data"]["sessions"]
    return sessions


def asset_count(sandbox: SandboxServer) -> int:
    with sandbox.ctx.lock:
        count: int = sandbox.ctx.db.execute("SELECT COUNT(*) FROM ti_assets").fetchone()[0]
    return count


# Ping and the API key


def test_ping_with_the_sandbox_key_answers_valid(ti: httpx.Client) -> None:
    answer = ti.get("/ping")
    assert answer.status_code == 200
    assert answer.json() == {"valid": True}
    assert answer.headers["X-RateLimit-Limit"] == "140"
    assert answer.headers["X-RateLimit-Remaining"] == "139"
    assert answer.headers["X-RateLimit-Reset"] == "60"


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer wrong-key"}, {"Authorization": "Basic sandbox-ti-key"}],
    ids=["missing", "wrong", "not-bearer"],
)
def test_ping_without_the_right_key_is_401_with_an_empty_body(
    sandbox: SandboxServer, headers: dict[str, str]
) -> None:
    with httpx.Client(base_url=sandbox.base_url(KEY), headers=headers) as client:
        answer = client.get("/ping")
        assert answer.status_code == 401
        assert answer.content == b""
        assert client.post("/assets", files={"file": ("a.csv", b"title\nx\n")}).status_code == 401
    assert asset_count(sandbox) == 0


# Asset upload


def test_csv_upload_is_stored_under_an_imports_path(
    ti: httpx.Client, sandbox: SandboxServer
) -> None:
    data = csv_bytes(HEADER, GOOD_ROW)
    answer = ti.post("/assets", files={"file": ("spring sessions.csv", data, "text/csv")})
    assert answer.status_code == 201
    asset = answer.json()["data"]["APIAsset"]
    assert re.fullmatch(r"imports/[0-9a-f-]{36}/spring sessions\.csv", asset["path"])
    assert asset["filename"] == "spring sessions.csv"
    assert asset["size"] == len(data)
    assert asset["contentType"] == "text/csv"
    assert asset["createdAt"] == "2026-01-01T00:00:00.000Z"
    with sandbox.ctx.lock:
        stored = sandbox.ctx.db.execute(
            "SELECT data FROM ti_assets WHERE path = ?", (asset["path"],)
        ).fetchone()
    assert bytes(stored["data"]) == data


def test_xlsx_upload_is_stored_and_its_rows_import(ti: httpx.Client) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADER)
    sheet.append([*GOOD_ROW[:-1], 24])
    out = io.BytesIO()
    book.save(out)
    answer = ti.post("/assets", files={"file": ("C:\\exports\\sessions.xlsx", out.getvalue())})
    assert answer.status_code == 201
    asset = answer.json()["data"]["APIAsset"]
    assert asset["path"].startswith("imports/")
    assert asset["path"].endswith("/sessions.xlsx")  # the client's folders are not kept
    assert asset["contentType"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    result = bulk(ti, asset["path"], dryRun=True)
    assert result["invalidRows"] == []
    assert result["validRows"] == [
        {
            "rowNumber": 2,
            "title": "Onboarding bootcamp",
            "startDate": "2026-04-14T09:00:00",
            "endDate": "2026-04-14T12:00:00",
            "timeZone": "Europe/Berlin",
            "location": "Berlin HQ",
            "courseId": "onboarding-101",
            "capacity": 24,
        }
    ]


@pytest.mark.parametrize(
    ("filename", "data", "message"),
    [
        ("sessions.csv", b"", "'sessions.csv' is empty."),
        ("sessions.pdf", b"%PDF-1.7", "'sessions.pdf' is not a .csv or .xlsx file"),
        ("sessions.xlsx", b"not a workbook", "the xlsx file is damaged or not an Excel workbook"),
        ("sessions.csv", "title\nCafé\n".encode("utf-16"), "the csv file is not UTF-8 encoded"),
    ],
    ids=["empty", "not-a-spreadsheet", "damaged-xlsx", "not-utf8"],
)
def test_upload_refuses_files_it_cannot_import(
    ti: httpx.Client, sandbox: SandboxServer, filename: str, data: bytes, message: str
) -> None:
    answer = ti.post("/assets", files={"file": (filename, data)})
    assert answer.status_code == 422
    assert answer.json()["error"] == "unprocessable_entity"
    assert message in answer.json()["message"]
    assert asset_count(sandbox) == 0


def test_upload_without_a_file_field_is_400(ti: httpx.Client) -> None:
    answer = ti.post("/assets", files={"document": ("a.csv", b"title\nx\n")})
    assert answer.status_code == 400
    assert answer.json() == {
        "error": "bad_request",
        "message": "Send the file as the multipart field 'file'.",
    }
    assert ti.post("/assets", json={"file": "a.csv"}).status_code == 400


@pytest.mark.parametrize("size", [2_000, 200_000], ids=["read-then-refused", "refused-by-length"])
def test_upload_over_the_size_cap_is_413(
    ti: httpx.Client, sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch, size: int
) -> None:
    monkeypatch.setattr(thought_industries, "MAX_ASSET_BYTES", 1_000)
    data = b"title\n" + b"x" * size + b"\n"
    answer = ti.post("/assets", files={"file": ("big.csv", data)})
    assert answer.status_code == 413
    assert answer.json() == {
        "error": "payload_too_large",
        "message": "The file is larger than 1,000 bytes, the most an asset may have.",
    }
    assert asset_count(sandbox) == 0


# Bulk imports: row checks


def test_in_person_import_sorts_rows_into_valid_and_invalid_with_reasons(ti: httpx.Client) -> None:
    rows = [
        GOOD_ROW,
        ["", "2026-04-14", "2026-04-14T08:00", "Mars/Olympus", "", "", "0"],
        ["Late start", "2026-04-14T12:00:00+02:00", "2026-04-14T09:00:00Z", "", "", "", "many"],
        ["x" * 256, "14/04/2026 09:00", "2026-04-31T10:00", "", "", "", ""],
    ]
    result = bulk(ti, upload(ti, csv_bytes(HEADER, *rows)), dryRun=True)
    assert result["dryRun"] is True
    assert result["backgroundJob"] is None
    assert [r["rowNumber"] for r in result["validRows"]] == [2]
    assert result["invalidRows"] == [
        {
            "rowNumber": 3,
            "startDate": "2026-04-14",
            "endDate": "2026-04-14T08:00",
            "timeZone": "Mars/Olympus",
            "capacity": "0",
            "errors": [
                {"column": "title", "message": "title is required"},
                {
                    "column": "startDate",
                    "message": "startDate must include a time of day, such as "
                    "2026-04-14T09:00:00 (got '2026-04-14')",
                },
                {
                    "column": "timeZone",
                    "message": "timeZone 'Mars/Olympus' is not a known IANA time zone, "
                    "such as Europe/Berlin",
                },
                {
                    "column": "capacity",
                    "message": "capacity must be a whole number greater than 0 (got '0')",
                },
            ],
        },
        {
            "rowNumber": 4,
            "title": "Late start",
            "startDate": "2026-04-14T12:00:00+02:00",
            "endDate": "2026-04-14T09:00:00Z",
            "capacity": "many",
            "errors": [
                {"column": "endDate", "message": "endDate must be after startDate"},
                {
                    "column": "capacity",
                    "message": "capacity must be a whole number greater than 0 (got 'many')",
                },
            ],
        },
        {
            "rowNumber": 5,
            "title": "x" * 256,
            "startDate": "14/04/2026 09:00",
            "endDate": "2026-04-31T10:00",
            "errors": [
                {"column": "title", "message": "title must be at most 255 characters (it has 256)"},
                {
                    "column": "startDate",
                    "message": "startDate must be an ISO 8601 date and time, such as "
                    "2026-04-14T09:00:00 (got '14/04/2026 09:00')",
                },
                {
                    "column": "endDate",
                    "message": "endDate must be an ISO 8601 date and time, such as "
                    "2026-04-14T09:00:00 (got '2026-04-31T10:00')",
                },
            ],
        },
    ]


def test_naive_times_are_read_in_the_rows_time_zone(ti: httpx.Client) -> None:
    header = ["title", "startDate", "endDate", "timeZone"]
    rows = [
        ["Berlin morning", "2026-04-14 09:00", "2026-04-14T08:30:00Z", "Europe/Berlin"],  # 07:00Z
        ["UTC morning", "2026-04-14 09:00", "2026-04-14T08:30:00Z", ""],
    ]
    result = bulk(ti, upload(ti, csv_bytes(header, *rows)), dryRun=True)
    assert result["validRows"] == [
        {
            "rowNumber": 2,
            "title": "Berlin morning",
            "startDate": "2026-04-14T09:00:00",
            "endDate": "2026-04-14T08:30:00Z",
            "timeZone": "Europe/Berlin",
        }
    ]
    assert result["invalidRows"][0]["errors"] == [
        {"column": "endDate", "message": "endDate must be after startDate"}
    ]


def test_webinar_import_requires_an_http_meeting_url(ti: httpx.Client) -> None:
    header = ["title", "startDate", "endDate", "meetingUrl", "instructors", "location"]
    start, end = "2026-05-01T15:00:00Z", "2026-05-01T16:00:00Z"
    rows = [
        ["Live demo", start, end, "https://meet.example.com/demo", "Ana Lima; Bo Chen;", "Online"],
        ["No link", start, end, "", "", ""],
        ["Bad link", start, end, "meet.example.com/demo", "", ""],
    ]
    result = bulk(ti, upload(ti, csv_bytes(header, *rows)), kind="webinar", dryRun=True)
    assert result["validRows"] == [
        {
            "rowNumber": 2,
            "title": "Live demo",
            "startDate": start,
            "endDate": end,
            "location": "Online",
            "instructors": ["Ana Lima", "Bo Chen"],
            "meetingUrl": "https://meet.example.com/demo",
        }
    ]
    assert [r["errors"] for r in result["invalidRows"]] == [
        [{"column": "meetingUrl", "message": "meetingUrl is required for webinars"}],
        [
            {
                "column": "meetingUrl",
                "message": "meetingUrl must be an http or https URL (got 'meet.example.com/demo')",
            }
        ],
    ]


def test_unknown_columns_are_ignored_and_named_in_warnings(ti: httpx.Client) -> None:
    header = ["Title", "startDate", "endDate", "meetingUrl", "notes"]
    row = ["Intro", "2026-04-14T09:00", "2026-04-14T10:00", "https://x.example", "n"]
    result = bulk(ti, upload(ti, csv_bytes(header, row)), dryRun=True)
    assert result["warnings"] == [
        "Column 'Title' is not an in-person event session column and was ignored.",
        "Column 'meetingUrl' is not an in-person event session column and was ignored.",
        "Column 'notes' is not an in-person event session column and was ignored.",
    ]
    assert result["invalidRows"] == [
        {
            "rowNumber": 2,
            "startDate": "2026-04-14T09:00",
            "endDate": "2026-04-14T10:00",
            "errors": [{"column": "title", "message": "title is required"}],
        }
    ]


@pytest.mark.parametrize(
    ("kind", "answer_key"),
    [("inPersonEvent", "APIBulkInPersonEventImport"), ("webinar", "APIBulkWebinarImport")],
)
def test_course_group_imports_answer_like_session_imports(
    ti: httpx.Client, kind: str, answer_key: str
) -> None:
    header = [*HEADER, "meetingUrl"]
    path = upload(ti, csv_bytes(header, [*GOOD_ROW, "https://meet.example.com/a"]))
    answer = ti.post(f"/content/courseGroup/{kind}/bulk", json={"bulkImportAssetPath": path})
    assert answer.status_code == 200
    result = answer.json()["data"][answer_key]
    assert result["dryRun"] is False
    assert [r["rowNumber"] for r in result["validRows"]] == [2]
    assert result["backgroundJob"]["type"] == f"courseGroup{kind[0].upper()}{kind[1:]}BulkImport"
    assert result["backgroundJob"]["status"] == "queued"


# Bulk imports: bad requests


NO_PATH = "bulkImportAssetPath is required: the path of an uploaded asset."


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({}, NO_PATH),
        ({"bulkImportAssetPath": ""}, NO_PATH),
        ({"bulkImportAssetPath": 12}, NO_PATH),
        ({"bulkImportAssetPath": "x.csv", "dryRun": "yes"}, "dryRun must be true or false."),
        ([], "The request body must be a JSON object."),
    ],
    ids=["missing", "empty", "not-a-string", "dry-run-not-boolean", "not-an-object"],
)
def test_import_with_a_bad_body_is_400(ti: httpx.Client, body: Any, message: str) -> None:
    answer = ti.post("/content/session/webinar/bulk", json=body)
    assert answer.status_code == 400
    assert answer.json() == {"error": "bad_request", "message": message}


def test_import_with_malformed_json_is_400(ti: httpx.Client) -> None:
    answer = ti.post(
        "/content/session/inPersonEvent/bulk",
        content=b'{"bulkImportAssetPath": ',
        headers={"Content-Type": "application/json"},
    )
    assert answer.status_code == 400
    assert answer.json() == {
        "error": "bad_request",
        "message": "The request body is not valid JSON.",
    }


def test_import_of_an_unknown_asset_is_404(ti: httpx.Client) -> None:
    answer = ti.post(
        "/content/session/inPersonEvent/bulk", json={"bulkImportAssetPath": "imports/x/none.csv"}
    )
    assert answer.status_code == 404
    assert answer.json() == {
        "error": "not_found",
        "message": "No asset found at bulkImportAssetPath 'imports/x/none.csv'.",
    }


def test_import_of_more_than_1000_rows_is_422_and_1000_rows_pass(ti: httpx.Client) -> None:
    too_many = upload(ti, csv_bytes(HEADER, *([GOOD_ROW] * 1001)))
    answer = ti.post("/content/session/inPersonEvent/bulk", json={"bulkImportAssetPath": too_many})
    assert answer.status_code == 422
    assert answer.json() == {
        "error": "unprocessable_entity",
        "message": "The file has 1001 rows; at most 1000 rows can be imported at once. "
        "Split it into smaller files.",
    }
    result = bulk(ti, upload(ti, csv_bytes(HEADER, *([GOOD_ROW] * 1000))), dryRun=True)
    assert len(result["validRows"]) == 1000
    assert result["validRows"][-1]["rowNumber"] == 1001


# Jobs and the sessions they store


def test_dry_run_checks_rows_but_stores_nothing(
    ti: httpx.Client, clock: ManualClock, sandbox: SandboxServer
) -> None:
    result = bulk(ti, upload(ti, csv_bytes(HEADER, GOOD_ROW)), dryRun=True)
    assert result["dryRun"] is True
    assert len(result["validRows"]) == 1
    assert result["backgroundJob"] is None
    clock.advance(60)
    assert stored_sessions(ti) == []
    with sandbox.ctx.lock:
        assert sandbox.ctx.db.execute("SELECT COUNT(*) FROM ti_jobs").fetchone()[0] == 0


def test_import_without_valid_rows_starts_no_job(ti: httpx.Client) -> None:
    result = bulk(ti, upload(ti, csv_bytes(HEADER, ["", "", "", "", "", "", "3"])))
    assert result["dryRun"] is False
    assert result["validRows"] == []
    assert len(result["invalidRows"]) == 1
    assert result["backgroundJob"] is None


def test_job_moves_from_queued_to_processing_to_complete_and_stores_sessions(
    ti: httpx.Client, clock: ManualClock
) -> None:
    path = upload(ti, csv_bytes(HEADER, GOOD_ROW, ["", "", "", "", "", "", ""], SECOND_ROW))
    result = bulk(ti, path)
    job = result["backgroundJob"]
    assert job == {
        "id": job["id"],
        "type": "sessionInPersonEventBulkImport",
        "description": f"Bulk import of 2 in-person event sessions from {path}",
        "errorMessage": None,
        "createdAt": "2026-01-01T00:00:00.000Z",
        "repeatable": False,
        "status": "queued",
    }
    assert job_status(ti, job["id"])["status"] == "queued"
    clock.advance(1)
    assert job_status(ti, job["id"])["status"] == "processing"
    clock.advance(JOB_SECONDS - 1)
    assert job_status(ti, job["id"])["status"] == "processing"  # two rows take a little longer
    assert stored_sessions(ti) == []
    clock.advance(1)
    done = job_status(ti, job["id"])
    assert done == {**job, "status": "complete"}
    sessions = stored_sessions(ti, jobId=job["id"])
    # Row numbers are the spreadsheet's: the blank row 3 is skipped but counted.
    assert [s["rowNumber"] for s in sessions] == [2, 4]
    assert sessions[1] == {
        "id": sessions[1]["id"],
        "kind": "inPersonEvent",
        "scope": "session",
        "jobId": job["id"],
        "rowNumber": 4,
        "createdAt": "2026-01-01T00:00:04.004Z",
        "title": "Safety walk",
        "startDate": "2026-04-15T10:00:00",
        "endDate": "2026-04-15T11:30:00",
        "courseId": "safety-201",
    }
    assert job_status(ti, job["id"])["status"] == "complete"
    assert len(stored_sessions(ti)) == 2  # reading again stores nothing twice


def test_sessions_are_stored_when_due_even_if_nobody_polls_the_job(
    ti: httpx.Client, clock: ManualClock
) -> None:
    job = bulk(ti, upload(ti, csv_bytes(HEADER, GOOD_ROW)))["backgroundJob"]
    clock.advance(JOB_SECONDS + 1)
    assert [s["title"] for s in stored_sessions(ti)] == ["Onboarding bootcamp"]
    assert job_status(ti, job["id"])["status"] == "complete"
    assert len(stored_sessions(ti)) == 1


def test_job_fails_on_an_unknown_course_and_stores_no_session(
    ti: httpx.Client, clock: ManualClock
) -> None:
    unknown = [*SECOND_ROW[:5], "welding-999", ""]
    result = bulk(ti, upload(ti, csv_bytes(HEADER, GOOD_ROW, unknown)))
    assert len(result["validRows"]) == 2  # a course id is only checked by the job
    job_id = result["backgroundJob"]["id"]
    clock.advance(JOB_SECONDS + 1)
    job = job_status(ti, job_id)
    assert job["status"] == "failed"
    assert job["errorMessage"] == (
        "Course 'welding-999' does not exist (row 3); nothing was imported."
    )
    assert stored_sessions(ti) == []


def test_demo_courses_are_listed(ti: httpx.Client) -> None:
    answer = ti.get("/_sandbox/courses")
    assert [c["id"] for c in answer.json()["data"]["courses"]] == [
        "onboarding-101",
        "safety-201",
        "sales-301",
    ]


def test_unknown_job_is_404(ti: httpx.Client) -> None:
    answer = ti.get("/jobs/00000000-0000-0000-0000-000000000000")
    assert answer.status_code == 404
    assert answer.json() == {"error": "not_found", "message": "No background job with this id."}


# Rate limit


def test_rate_limit_answers_429_until_the_window_resets(
    ti: httpx.Client, clock: ManualClock, sandbox: SandboxServer
) -> None:
    sandbox.ctx.rate_limits[KEY] = RateLimit(3, 60.0)
    with httpx.Client(base_url=sandbox.base_url(KEY)) as anonymous:
        assert anonymous.get("/ping").status_code == 401  # a refused key is not counted
    remaining = [ti.get("/ping").headers["X-RateLimit-Remaining"] for _ in range(3)]
    assert remaining == ["2", "1", "0"]
    clock.advance(20)
    answer = ti.get("/ping")
    assert answer.status_code == 429
    assert answer.headers["Retry-After"] == "40"
    assert answer.headers["X-RateLimit-Limit"] == "3"
    assert answer.headers["X-RateLimit-Remaining"] == "0"
    assert answer.headers["X-RateLimit-Reset"] == "40"
    assert answer.json() == {
        "error": "rate_limit_exceeded",
        "message": "Rate limit exceeded. Try again in 40 seconds.",
        "retryAfter": 40,
    }
    throttled_upload = ti.post("/assets", files={"file": ("a.csv", b"title\nx\n")})
    assert throttled_upload.status_code == 429
    assert asset_count(sandbox) == 0
    clock.advance(40)
    again = ti.get("/ping")
    assert again.status_code == 200
    assert again.headers["X-RateLimit-Remaining"] == "2"
    assert again.headers["X-RateLimit-Reset"] == "60"


# Persistence


def test_state_file_keeps_assets_jobs_and_sessions_across_restarts(
    tmp_path: Path, clock: ManualClock
) -> None:
    state = tmp_path / "sandbox.db"
    with (
        SandboxServer(ctx=SandboxContext(clock=clock, state_path=state, seed=1)) as first,
        httpx.Client(base_url=first.base_url(KEY), headers=AUTH) as client,
    ):
        path = upload(client, csv_bytes(HEADER, GOOD_ROW))
        job_id = bulk(client, path)["backgroundJob"]["id"]
    clock.advance(JOB_SECONDS + 1)
    with (
        SandboxServer(ctx=SandboxContext(clock=clock, state_path=state, seed=2)) as second,
        httpx.Client(base_url=second.base_url(KEY), headers=AUTH) as client,
    ):
        assert job_status(client, job_id)["status"] == "complete"
        assert [s["jobId"] for s in stored_sessions(client)] == [job_id]
        assert len(bulk(client, path, dryRun=True)["validRows"]) == 1


# Injected faults


def test_injected_throttle_answers_429_and_stores_nothing(
    ti: httpx.Client, sandbox: SandboxServer
) -> None:
    sandbox.faults.script(KEY, "throttle")
    answer = ti.post("/assets", files={"file": ("a.csv", csv_bytes(HEADER, GOOD_ROW))})
    assert answer.status_code == 429
    assert answer.headers["Retry-After"] == "2"
    assert answer.json() == {
        "error": "rate_limit_exceeded",
        "message": "Rate limit exceeded. Try again in 2 seconds.",
        "retryAfter": 2,
    }
    assert asset_count(sandbox) == 0


def test_injected_error_answers_5xx_and_starts_no_job(
    ti: httpx.Client, sandbox: SandboxServer, clock: ManualClock
) -> None:
    path = upload(ti, csv_bytes(HEADER, GOOD_ROW))
    sandbox.faults.script(KEY, "error")
    answer = ti.post("/content/session/inPersonEvent/bulk", json={"bulkImportAssetPath": path})
    assert answer.status_code in (500, 503)
    assert answer.json()["error"] in ("internal_server_error", "service_unavailable")
    clock.advance(JOB_SECONDS + 1)
    assert stored_sessions(ti) == []


def test_dropped_upload_answer_still_stored_the_asset(
    ti: httpx.Client, sandbox: SandboxServer
) -> None:
    data = csv_bytes(HEADER, GOOD_ROW)
    sandbox.faults.script(KEY, "drop")
    with pytest.raises(httpx.RemoteProtocolError):
        ti.post("/assets", files={"file": ("dropped.csv", data)})
    with sandbox.ctx.lock:
        rows = sandbox.ctx.db.execute("SELECT filename, data FROM ti_assets").fetchall()
    assert [(r["filename"], bytes(r["data"])) for r in rows] == [("dropped.csv", data)]


def test_dropped_import_answer_still_ran_the_import(
    ti: httpx.Client, sandbox: SandboxServer, clock: ManualClock
) -> None:
    path = upload(ti, csv_bytes(HEADER, GOOD_ROW))
    sandbox.faults.script(KEY, "drop")
    with pytest.raises(httpx.RemoteProtocolError):
        ti.post("/content/session/inPersonEvent/bulk", json={"bulkImportAssetPath": path})
    clock.advance(JOB_SECONDS + 1)
    assert [s["title"] for s in stored_sessions(ti)] == ["Onboarding bootcamp"]


def test_slow_import_answer_times_out_but_the_import_ran(
    sandbox: SandboxServer, ti: httpx.Client, clock: ManualClock
) -> None:
    path = upload(ti, csv_bytes(HEADER, GOOD_ROW))
    sandbox.faults.configure(KEY, slow_seconds=0.5)
    sandbox.faults.script(KEY, "slow")
    with pytest.raises(httpx.ReadTimeout):
        ti.post(
            "/content/session/inPersonEvent/bulk",
            json={"bulkImportAssetPath": path},
            timeout=0.2,
        )
    clock.advance(JOB_SECONDS + 1)
    assert [s["title"] for s in stored_sessions(ti)] == ["Onboarding bootcamp"]
