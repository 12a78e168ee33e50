"""Thought Industries end to end: the runner and the carrier against a running sandbox.

Every test asserts what the sandbox really stored (`GET /_sandbox/sessions`), not the client's
counters. The sandbox clock is a ManualClock that only the client's waits move (rate-limit
pauses, retries, the tracker's polls), so nothing sleeps.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from rowboat.core.clients._http import RetryPolicy
from rowboat.core.connections.check import check_connection
from rowboat.core.connections.model import sandbox_connection, sandbox_secrets
from rowboat.core.jobs.tracker import TrackPolicy
from rowboat.core.mapping import match_columns
from rowboat.core.progress import NULL_REPORTER
from rowboat.core.sources import open_table
from rowboat.core.submit.journal import Journal
from rowboat.core.submit.model import BatchState, ImportState, Outcome, SubmitOptions
from rowboat.core.submit.plan import Plan, make_plan
from rowboat.core.submit.runner import RunSettings, submit
from rowboat.core.submit.thought_industries import make_carrier
from rowboat.core.targets import get_endpoint
from rowboat.core.validation import validate

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path

    from rowboat.core.progress import Reporter
    from rowboat.core.submit.model import RowOutcome
    from rowboat.core.submit.runner import Submission
    from rowboat.core.submit.thought_industries import ThoughtIndustriesCarrier
    from rowboat.sandbox.context import ManualClock
    from rowboat.sandbox.server import SandboxServer

KEY = "thought-industries"
AUTH = {"Authorization": "Bearer sandbox-ti-key"}
IN_PERSON = "thought-industries.in-person-sessions"
WEBINAR = "thought-industries.webinar-sessions"
POLICY = RetryPolicy(attempts=8, base_delay=0.01, max_delay=0.05, timeout=0.5, connect_timeout=1)


def advancing(clock: ManualClock) -> Callable[[float, Reporter], None]:
    """A sleep that moves the sandbox clock instead of waiting."""

    def sleep(seconds: float, report: Reporter) -> None:
        report.raise_if_cancelled()
        clock.advance(seconds)

    return sleep


@pytest.fixture
def journal(tmp_path: Path) -> Iterator[Journal]:
    with Journal(tmp_path / "rowboat.db") as opened:
        yield opened


@pytest.fixture
def ti(sandbox: SandboxServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=sandbox.base_url(KEY), headers=AUTH, timeout=10) as client:
        yield client


def carrier_for(
    sandbox: SandboxServer,
    clock: ManualClock,
    endpoint_id: str,
    transport: httpx.BaseTransport | None = None,
) -> ThoughtIndustriesCarrier:
    return make_carrier(
        get_endpoint(endpoint_id),
        sandbox_connection(KEY, sandbox.url),
        sandbox_secrets(KEY),
        NULL_REPORTER,
        POLICY,
        sleep=advancing(clock),
        clock=clock.now,
        transport=transport,
    )


def session(i: int, *, webinar: bool = False, **changes: object) -> dict[str, object]:
    record: dict[str, object] = {
        "title": f"Session {i:05d}",
        "startDate": f"2026-04-{1 + i % 28:02d}T09:00:00",
        "endDate": f"2026-04-{1 + i % 28:02d}T12:30:00",
        "timeZone": "Europe/Berlin",
        "location": "Berlin HQ, Room 2",
        "instructors": ["Anna Müller", "Ben Ode"],
        "courseId": ("onboarding-101", "safety-201", "sales-301")[i % 3],
        "capacity": 10 + i % 30,
        "description": "Bring a laptop; coffee is on us.",
    }
    if webinar:
        record["meetingUrl"] = f"https://meet.example.com/s{i}"
    record.update(changes)
    return {k: v for k, v in record.items() if v is not None}


def plan_of(
    carrier: ThoughtIndustriesCarrier,
    records: list[dict[str, object]],
    options: SubmitOptions | None = None,
    first_row: int = 2,
) -> Plan:
    """A plan of typed records, as make_plan builds from validated rows (rows 2, 3, …)."""
    options = options or SubmitOptions()
    rows = list(range(first_row, first_row + len(records)))
    batches = carrier.batches(records, rows, options)
    return Plan(
        endpoint=carrier.endpoint,
        connection="Sandbox",
        options=options,
        batches=tuple(batches),
        records=dict(zip(rows, records, strict=True)),
        not_sent=(),
        total_rows=len(records),
        summary=carrier.describe(batches, options),
        blockers=(),
        file_name="sessions.xlsx",
        file_fingerprint="0" * 16,
        sheet=None,
    )


def run(plan: Plan, journal: Journal, carrier: ThoughtIndustriesCarrier, clock: ManualClock) -> Any:
    settings = RunSettings(
        track=TrackPolicy(first_delay=1.0, factor=1.5, max_delay=5.0), sleep=advancing(clock)
    )
    done: Submission = submit(plan, journal, carrier, settings=settings)
    return done


def outcomes(journal: Journal, done: Submission) -> dict[int, RowOutcome]:
    return {o.row: o for o in journal.outcomes(done.import_id)}


def stored(ti: httpx.Client, **params: str) -> list[dict[str, Any]]:
    answer = ti.get("/_sandbox/sessions", params=params)
    assert answer.status_code == 200, answer.text
    sessions: list[dict[str, Any]] = answer.json()["data"]["sessions"]
    return sessions


_META = {"id", "kind", "scope", "jobId", "rowNumber", "createdAt"}


def as_sent(sessions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Stored sessions without the sandbox's own columns, in title order."""
    return sorted(({k: v for k, v in s.items() if k not in _META} for s in sessions),
                  key=lambda s: str(s["title"]))  # fmt: skip


def jobs(ti: httpx.Client) -> list[dict[str, Any]]:
    listed: list[dict[str, Any]] = ti.get("/jobs", params={"perPage": 100}).json()["data"][
        "APIBackgroundJobs"
    ]["backgroundJobs"]
    return listed


# Both endpoints, from a spreadsheet to stored sessions


@pytest.mark.parametrize("endpoint_id", [IN_PERSON, WEBINAR])
def test_a_spreadsheet_becomes_exactly_its_valid_rows_as_sessions(
    endpoint_id: str,
    sandbox: SandboxServer,
    clock: ManualClock,
    journal: Journal,
    ti: httpx.Client,
    tmp_path: Path,
) -> None:
    webinar = endpoint_id == WEBINAR
    header = "Title,Start,End,Time zone,Location,Instructors,Course ID,Capacity"
    lines = [header + (",Meeting URL" if webinar else "")]
    for i in range(6):
        start, end = ("2026-05-04 14:00", "2026-05-04 09:00") if i == 3 else (
            "2026-05-04 09:00", "2026-05-04 10:30")  # fmt: skip
        line = (
            f"Day {i},{start},{end},Europe/Berlin,Room {i},Anna Müller; Ben Ode,safety-201,{i + 5}"
        )
        lines.append(line + (f",https://meet.example.com/d{i}" if webinar else ""))
    source = tmp_path / "sessions.csv"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    table = open_table(source)
    endpoint = get_endpoint(endpoint_id)
    result = validate(table, endpoint, match_columns(table.columns, endpoint))
    carrier = carrier_for(sandbox, clock, endpoint_id)
    plan = make_plan(result, carrier, "Sandbox", SubmitOptions())
    assert plan.in_words().startswith(
        "1 import file of up to 5 sessions (5 rows), each uploaded and then imported: about 4 "
        "requests, within Thought Industries' limit of 140 a minute."
    )

    done = run(plan, journal, carrier, clock)

    assert done.state is ImportState.FINISHED
    by_row = outcomes(journal, done)
    assert {r: o.outcome for r, o in by_row.items()} == {
        2: Outcome.CREATED, 3: Outcome.CREATED, 4: Outcome.CREATED, 5: Outcome.INVALID,
        6: Outcome.CREATED, 7: Outcome.CREATED,
    }  # fmt: skip
    (job,) = jobs(ti)
    sessions = stored(ti, jobId=job["id"])
    assert as_sent(sessions) == as_sent(list(plan.records.values()))
    assert {s["kind"] for s in sessions} == {"webinar" if webinar else "inPersonEvent"}
    assert sessions[0]["instructors"] == ["Anna Müller", "Ben Ode"]
    assert done.record.status == "Finished: 5 created, 1 invalid."


def test_rows_the_server_refuses_are_rejected_with_its_reasons_on_the_users_rows(
    sandbox: SandboxServer, clock: ManualClock, journal: Journal, ti: httpx.Client
) -> None:
    carrier = carrier_for(sandbox, clock, WEBINAR)
    records = [
        session(0, webinar=True),
        session(1, webinar=True, capacity=0, meetingUrl="meet.example.com/x"),
        session(2, webinar=True),
        session(3, webinar=True, timeZone="Mars/Olympus"),
    ]
    done = run(plan_of(carrier, records, first_row=10), journal, carrier, clock)
    by_row = outcomes(journal, done)
    assert by_row[10].outcome is Outcome.CREATED
    assert by_row[12].outcome is Outcome.CREATED
    assert by_row[11].outcome is Outcome.REJECTED
    assert by_row[11].message == (
        "Capacity: capacity must be a whole number greater than 0 (got '0'); Meeting URL: "
        "meetingUrl must be an http or https URL (got 'meet.example.com/x')"
    )
    assert by_row[13].outcome is Outcome.REJECTED
    assert "Time zone: timeZone 'Mars/Olympus' is not a known IANA time zone" in (
        by_row[13].message
    )
    assert as_sent(stored(ti)) == as_sent([records[0], records[2]])


@pytest.mark.parametrize("endpoint_id", [IN_PERSON, WEBINAR])
def test_a_dry_run_checks_every_row_and_stores_nothing(
    endpoint_id: str,
    sandbox: SandboxServer,
    clock: ManualClock,
    journal: Journal,
    ti: httpx.Client,
) -> None:
    carrier = carrier_for(sandbox, clock, endpoint_id)
    webinar = endpoint_id == WEBINAR
    records = [session(i, webinar=webinar) for i in range(3)]
    records[1]["endDate"] = "2026-04-01T08:00:00"  # before its start
    options = SubmitOptions(dry_run=True)
    plan = plan_of(carrier, records, options)
    assert plan.in_words() == (
        "1 import file of up to 3 sessions (3 rows), each uploaded and then imported: about 4 "
        "requests, within Thought Industries' limit of 140 a minute. This is a dry run: the "
        "target checks the rows and keeps nothing."
    )

    done = run(plan, journal, carrier, clock)

    assert done.state is ImportState.FINISHED
    by_row = outcomes(journal, done)
    assert [by_row[r].outcome for r in (2, 3, 4)] == [
        Outcome.ACCEPTED, Outcome.REJECTED, Outcome.ACCEPTED
    ]  # fmt: skip
    assert by_row[2].message == (
        "Dry run: Thought Industries found nothing wrong with this row; nothing was stored."
    )
    assert by_row[3].message == "End: endDate must be after startDate"
    clock.advance(60)
    assert stored(ti) == []
    assert jobs(ti) == []


def test_a_failed_job_rejects_only_its_own_rows_with_the_servers_reason(
    sandbox: SandboxServer, clock: ManualClock, journal: Journal, ti: httpx.Client
) -> None:
    carrier = carrier_for(sandbox, clock, IN_PERSON)
    records = [session(i) for i in range(9)]
    records[4]["courseId"] = "welding-999"  # row 6, the second row of the second file
    plan = plan_of(carrier, records, SubmitOptions(extra={"rows_per_request": "3"}))
    assert [b.rows for b in plan.batches] == [(2, 3, 4), (5, 6, 7), (8, 9, 10)]

    done = run(plan, journal, carrier, clock)

    by_row = outcomes(journal, done)
    assert [by_row[r].outcome for r in (5, 6, 7)] == [Outcome.REJECTED] * 3
    assert by_row[5].message == (
        "Thought Industries' import job failed, so none of its rows were imported: Course "
        "'welding-999' does not exist (row 6); nothing was imported."
    )
    assert all(by_row[r].outcome is Outcome.CREATED for r in (2, 3, 4, 8, 9, 10))
    assert as_sent(stored(ti)) == as_sent(records[:3] + records[6:])
    assert done.record.status == "Finished: 6 created, 3 rejected."


# Answers lost on the way back


def test_a_lost_import_answer_is_found_in_the_job_list_and_not_sent_again(
    sandbox: SandboxServer, clock: ManualClock, journal: Journal, ti: httpx.Client
) -> None:
    carrier = carrier_for(sandbox, clock, IN_PERSON)
    records = [session(i) for i in range(4)]
    sandbox.faults.script(KEY, "none", "drop")  # the upload answers; the import's answer is cut
    done = run(plan_of(carrier, records), journal, carrier, clock)
    assert done.state is ImportState.FINISHED
    assert [o.outcome for o in outcomes(journal, done).values()] == [Outcome.CREATED] * 4
    assert len(jobs(ti)) == 1
    assert as_sent(stored(ti)) == as_sent(records)


def test_a_lost_answer_of_a_file_with_refused_rows_leaves_its_rows_unknown(
    sandbox: SandboxServer, clock: ManualClock, journal: Journal, ti: httpx.Client
) -> None:
    carrier = carrier_for(sandbox, clock, IN_PERSON)
    records = [session(0), session(1, capacity=0), session(2)]
    sandbox.faults.script(KEY, "none", "slow")
    sandbox.faults.configure(KEY, slow_seconds=0.6)
    done = run(plan_of(carrier, records), journal, carrier, clock)
    by_row = outcomes(journal, done)
    assert {o.outcome for o in by_row.values()} == {Outcome.UNKNOWN}
    assert by_row[2].message == (
        "Thought Industries imported 2 of the 3 rows of this import file, but its answer "
        "naming them was lost; check in Thought Industries whether this row's session exists."
    )
    assert as_sent(stored(ti)) == as_sent([records[0], records[2]])


def test_an_import_refused_by_a_failure_before_it_started_is_sent_again(
    sandbox: SandboxServer, clock: ManualClock, journal: Journal, ti: httpx.Client
) -> None:
    carrier = carrier_for(sandbox, clock, IN_PERSON)
    records = [session(i) for i in range(2)]
    # An injected 500 does nothing, but a 500 may have been a job started: Rowboat looks first.
    sandbox.faults.script(KEY, "none", "error")
    done = run(plan_of(carrier, records), journal, carrier, clock)
    assert [o.outcome for o in outcomes(journal, done).values()] == [Outcome.CREATED] * 2
    assert len(jobs(ti)) == 1
    assert as_sent(stored(ti)) == as_sent(records)
    with sandbox.ctx.lock:
        assets = sandbox.ctx.db.execute("SELECT COUNT(*) FROM ti_assets").fetchone()[0]
    assert assets == 1  # the remembered asset was posted again, not uploaded again


class WithoutJobList(httpx.HTTPTransport):
    """A real site as far as Rowboat can tell: the sandbox, but no `GET /jobs` (404)."""

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "GET" and request.url.path.endswith("/incoming/v2/jobs"):
            return httpx.Response(404, json={"error": "not_found", "message": "Not found."})
        return super().handle_request(request)


def test_without_a_job_list_a_lost_answer_leaves_its_rows_unknown_and_unsent(
    sandbox: SandboxServer, clock: ManualClock, journal: Journal, ti: httpx.Client
) -> None:
    carrier = carrier_for(sandbox, clock, IN_PERSON, transport=WithoutJobList())
    carrier.concurrency = 1  # so that the scripted fault meets the first file's import
    records = [session(i) for i in range(4)]
    plan = plan_of(carrier, records, SubmitOptions(extra={"rows_per_request": "2"}))
    sandbox.faults.script(KEY, "none", "drop")  # the first file's import answer is lost
    done = run(plan, journal, carrier, clock)
    by_row = outcomes(journal, done)
    assert [by_row[r].outcome for r in (2, 3)] == [Outcome.UNKNOWN] * 2
    assert by_row[2].message == (
        "Sent, but Thought Industries cannot tell whether this row arrived. Check it in "
        "Thought Industries before sending it again."
    )
    assert [by_row[r].outcome for r in (4, 5)] == [Outcome.CREATED] * 2
    assert [b.state for b in journal.batches(done.import_id)] == [
        BatchState.UNKNOWN, BatchState.ACKNOWLEDGED
    ]  # fmt: skip
    assert len(jobs(ti)) == 2  # the lost one was not sent again
    assert as_sent(stored(ti)) == as_sent(records)  # it had arrived; Rowboat did not guess


# Test connection


def test_test_connection_pings_the_sandbox_in_plain_words(sandbox: SandboxServer) -> None:
    connection = sandbox_connection(KEY, sandbox.url)
    good = check_connection(connection, sandbox_secrets(KEY), policy=POLICY)
    assert good.ok
    assert good.message == (
        f"Connected to Thought Industries at 127.0.0.1:{sandbox.port}; the API key is valid."
    )
    bad = check_connection(connection, {"api_key": "not-the-key"}, policy=POLICY)
    assert not bad.ok
    assert f"{bad.message} {bad.hint}" == (
        "The API key was refused (401). Check it in Thought Industries under Settings → "
        "Security → API Key."
    )
    assert "not-the-key" not in bad.detail


# A file uploaded elsewhere


def test_a_file_uploaded_elsewhere_is_imported_by_its_path(
    sandbox: SandboxServer, clock: ManualClock, journal: Journal, ti: httpx.Client
) -> None:
    carrier = carrier_for(sandbox, clock, IN_PERSON)
    records = [session(i) for i in range(3)]
    upload_plan = plan_of(carrier, records)
    answer = ti.post("/assets", files={"file": ("mine.csv", upload_plan.batches[0].payload)})
    path = answer.json()["data"]["APIAsset"]["path"]
    # The same file was imported once before, by hand: that job is not this import's.
    ti.post("/content/session/inPersonEvent/bulk", json={"bulkImportAssetPath": path})
    clock.advance(60)
    before = len(stored(ti))

    options = SubmitOptions(extra={"asset_path": path})
    plan = plan_of(carrier, records, options)
    assert plan.summary.startswith(f"The file already uploaded at '{path}' is imported (3 rows)")
    sandbox.faults.script(KEY, "none", "drop")  # the job list read, then the answer is lost
    done = run(plan, journal, carrier, clock)

    assert [o.outcome for o in outcomes(journal, done).values()] == [Outcome.CREATED] * 3
    assert len(jobs(ti)) == 2
    assert before == 3
    assert len(stored(ti)) == 6  # once by hand, once by Rowboat
    with sandbox.ctx.lock:
        assets = sandbox.ctx.db.execute("SELECT COUNT(*) FROM ti_assets").fetchone()[0]
    assert assets == 1  # nothing uploaded by Rowboat


# Pacing and faults at Thought Industries' scale


class Counting(httpx.HTTPTransport):
    """The real transport, counting the statuses answered."""

    def __init__(self) -> None:
        super().__init__()
        self.statuses: Counter[int] = Counter()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = super().handle_request(request)
        self.statuses[response.status_code] += 1
        return response


def test_the_per_minute_limit_is_paced_without_a_single_429(
    sandbox: SandboxServer, clock: ManualClock, journal: Journal, ti: httpx.Client
) -> None:
    counting = Counting()
    carrier = carrier_for(sandbox, clock, IN_PERSON, transport=counting)
    records = [session(i) for i in range(150)]
    plan = plan_of(carrier, records, SubmitOptions(extra={"rows_per_request": "2"}))
    assert "Thought Industries allows 140 a minute (700 on Enterprise plans), so about 2 min" in (
        plan.summary
    )
    started = clock.now()
    done = run(plan, journal, carrier, clock)
    assert done.record.count(Outcome.CREATED) == 150
    assert counting.statuses[429] == 0
    assert sum(counting.statuses.values()) > 150  # 75 uploads, 75 imports, the polls
    assert clock.now() - started >= 59  # it waited for the window to reset at least once
    assert len(stored(ti)) == 150


def test_with_a_tenth_of_requests_failing_every_valid_row_is_stored_exactly_once(
    sandbox: SandboxServer, clock: ManualClock, journal: Journal, ti: httpx.Client
) -> None:
    carrier = carrier_for(sandbox, clock, WEBINAR)
    records = [session(i, webinar=True) for i in range(3000)]
    plan = plan_of(carrier, records, SubmitOptions(extra={"rows_per_request": "50"}))
    assert len(plan.batches) == 60
    sandbox.faults.configure(
        KEY, error_rate=0.03, throttle_rate=0.02, retry_after=3, drop_rate=0.03, slow_rate=0.02,
        slow_seconds=0.6,
    )  # fmt: skip

    done = run(plan, journal, carrier, clock)

    injected = {kind.value for (vendor, kind), n in sandbox.faults.injected.items() if n}
    sandbox.faults.reset()
    assert {"error", "throttle", "drop", "slow"} <= injected
    assert done.error is None
    assert done.state is ImportState.FINISHED
    titles = Counter(str(s["title"]) for s in stored(ti))
    assert titles == Counter(str(r["title"]) for r in records)  # every row, none twice
    assert as_sent(stored(ti)) == as_sent(records)
    assert done.record.count(Outcome.CREATED) == 3000
    assert all(b.state is BatchState.ACKNOWLEDGED for b in journal.batches(done.import_id))
