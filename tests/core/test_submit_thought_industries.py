"""The Thought Industries carrier's own decisions: import files, plans, answers read onto rows,
dry runs read back, jobs that end oddly, and resolution without guessing (httpx.MockTransport)."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from rowboat.core.clients._http import RetryPolicy
from rowboat.core.connections.model import Connection
from rowboat.core.errors import ConfigurationError
from rowboat.core.submit.model import (
    NOT_SENT,
    Batch,
    BatchState,
    Outcome,
    RowOutcome,
    SubmitOptions,
)
from rowboat.core.submit.thought_industries import make_carrier
from rowboat.core.submit.thought_industries_rows import (
    BatchMemo,
    expand_rows,
    in_user_rows,
    job_row_count,
    read_answer,
    reasons,
    row_ranges,
)
from rowboat.core.targets import get_endpoint

if TYPE_CHECKING:
    from collections.abc import Sequence

    from rowboat.core.progress import Reporter
    from rowboat.core.submit.thought_industries import ThoughtIndustriesCarrier

IN_PERSON = "thought-industries.in-person-sessions"
POLICY = RetryPolicy(attempts=3, base_delay=0.0, max_delay=0.0, timeout=1, connect_timeout=1)
LABELS = {"endDate": "End", "capacity": "Capacity"}


def record(i: int, **changes: object) -> dict[str, object]:
    return {"title": f"S{i}", "startDate": "2026-04-14T09:00:00", "endDate": "2026-04-14T12:00:00",
            "instructors": ["Anna Müller", "Ben Ode"], "capacity": 5, **changes}  # fmt: skip


# The import file


def test_an_import_file_has_the_endpoints_columns_iso_dates_and_instructors_joined() -> None:
    carrier = carrier_with(FakeTI())
    records: list[dict[str, object]] = [
        record(0, location="Hall, 2nd floor", room="B"),
        {"title": "Zweite\nZeile"},
    ]
    (spec,) = carrier.batches(records, [7, 9], SubmitOptions())
    grid = list(csv.reader(io.StringIO(spec.payload.decode("utf-8"), newline="")))
    assert grid == [
        ["title", "startDate", "endDate", "location", "instructors", "capacity", "room"],
        ["S0", "2026-04-14T09:00:00", "2026-04-14T12:00:00", "Hall, 2nd floor",
         "Anna Müller;Ben Ode", "5", "B"],
        ["Zweite\nZeile", "", "", "", "", "", ""],
    ]  # fmt: skip
    assert (spec.rows, spec.content_type, spec.label) == ((7, 9), "text/csv", "rows 7–9")


def test_rows_are_cut_into_files_of_at_most_1000_or_the_rows_per_request() -> None:
    carrier = carrier_with(FakeTI())
    records = [record(i) for i in range(2500)]
    rows = list(range(2, 2502))
    assert [len(b.rows) for b in carrier.batches(records, rows, SubmitOptions())] == [
        1000, 1000, 500
    ]  # fmt: skip
    small = carrier.batches(records[:7], rows[:7], SubmitOptions(extra={"rows_per_request": "3"}))
    assert [b.rows for b in small] == [(2, 3, 4), (5, 6, 7), (8,)]
    assert small[2].label == "row 8"
    with pytest.raises(ConfigurationError, match="'1001' rows per import file is not a whole"):
        carrier.batches(records, rows, SubmitOptions(extra={"rows_per_request": "1001"}))


def test_a_file_uploaded_elsewhere_carries_one_import_only() -> None:
    carrier = carrier_with(FakeTI())
    records = [record(i) for i in range(1001)]
    options = SubmitOptions(extra={"asset_path": "imports/x/mine.csv"})
    with pytest.raises(ConfigurationError) as caught:
        carrier.batches(records, list(range(2, 1003)), options)
    assert caught.value.message == (
        "A file uploaded elsewhere holds one import of at most 1000 rows, and 1001 rows are "
        "ready to send."
    )


def test_the_plan_counts_requests_against_the_per_minute_limit() -> None:
    carrier = carrier_with(FakeTI())
    records = [record(i) for i in range(2500)]
    specs = carrier.batches(records, list(range(2, 2502)), SubmitOptions())
    assert carrier.describe(specs, SubmitOptions()) == (
        "3 import files of up to 1,000 sessions (2,500 rows), each uploaded and then imported: "
        "about 12 requests, within Thought Industries' limit of 140 a minute. Thought Industries "
        "then imports each file in the background, and Rowboat follows each job to its end."
    )
    many = carrier.batches(
        records, list(range(2, 2502)), SubmitOptions(extra={"rows_per_request": "10"})
    )
    assert "about 1,000 requests; Thought Industries allows 140 a minute (700 on Enterprise " \
        "plans), so about 7 min." in carrier.describe(many, SubmitOptions())  # fmt: skip
    assert carrier.describe([], SubmitOptions()).startswith("Nothing to send")


# Answers read onto the user's rows


def test_answer_rows_are_placed_by_their_row_number_in_the_file() -> None:
    reading = read_answer(
        [{"rowNumber": 2}, {"rowNumber": "4"}, {"rowNumber": 99}],
        [{"rowNumber": 3, "errors": [{"column": "capacity", "message": "capacity must be > 0"}]}],
        rows=[10, 11, 12, 13],
        labels=LABELS,
    )
    assert reading.valid == [10, 12]
    assert reading.invalid == {11: "Capacity: capacity must be > 0"}
    assert reading.unreported == [13]  # row 5 of the file; row 99 names no row that was sent


def test_an_answer_without_row_numbers_is_trusted_only_when_it_accepts_every_row() -> None:
    assert read_answer([{}, {}], [], [5, 6], LABELS).valid == [5, 6]
    doubtful = read_answer([{}], [{"error": "bad"}], [5, 6], LABELS)
    assert (doubtful.valid, doubtful.invalid, doubtful.unreported) == ([], {}, [5, 6])


def test_a_row_named_valid_and_invalid_counts_as_refused() -> None:
    reading = read_answer([{"rowNumber": 2}], [{"rowNumber": 2, "errors": ["too late"]}], [8],
                          LABELS)  # fmt: skip
    assert (reading.valid, reading.invalid) == ([], {8: "too late"})


@pytest.mark.parametrize(
    ("row", "said"),
    [
        ({"errors": [{"column": "endDate", "message": "endDate must be after startDate"}]},
         "End: endDate must be after startDate"),
        ({"errors": ["one", {"message": "two"}]}, "one; two"),
        ({"errors": "only this"}, "only this"),
        ({"error": "invalid_row", "message": "Row is bad."}, "invalid_row; Row is bad."),
        ({"rowNumber": 3}, "Thought Industries refused this row without saying why."),
    ],
)  # fmt: skip
def test_the_servers_reasons_are_kept_in_its_words(row: dict[str, Any], said: str) -> None:
    assert reasons(row, LABELS) == said


def test_row_numbers_of_the_file_in_a_message_become_the_users() -> None:
    text = "Course 'x' does not exist (row 3); rows 2 and 40 are fine."
    assert in_user_rows(text, [101, 102]) == (
        "Course 'x' does not exist (row 102); rows 101 and 40 are fine."
    )


def test_rows_and_memos_survive_being_written_down() -> None:
    assert row_ranges([7, 2, 3, 4, 9, 10]) == "2-4,7,9-10"
    assert expand_rows("2-4,7,9-10") == [2, 3, 4, 7, 9, 10]
    memo = BatchMemo(job="j1", dry_run=False, valid=(2, 3, 5), invalid=((4, "Bad: ü"),),
                     unreported=(6,), count=None)  # fmt: skip
    assert BatchMemo.loads(memo.dumps()) == memo


def test_a_jobs_row_count_is_read_from_its_description_before_the_asset() -> None:
    path = "imports/6513-27/s2026.csv"
    assert job_row_count(f"Bulk import of 12 webinar sessions from {path}", path) == 12
    assert job_row_count(f"Import 2 of 3 from {path}", path) is None
    assert job_row_count(f"Import from {path}", path) is None


# The carrier against a small fake site


@dataclass
class FakeTI:
    """Thought Industries as far as the carrier can tell, with answers the test chooses."""

    bulk: dict[str, Any] = field(default_factory=dict)  # the bulk import's answer
    statuses: list[str] = field(default_factory=list)  # GET /jobs/{id} answers, in turn
    job_list: bool = True
    listed_pages: int = 0
    requests: list[httpx.Request] = field(default_factory=list)

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        path = request.url.path.removeprefix("/incoming/v2")
        if path == "/assets":
            asset = {"path": f"imports/{len(self.requests)}/s.csv", "createdAt": ""}
            return httpx.Response(201, json={"data": {"APIAsset": asset}})
        if path.endswith("/bulk"):
            return httpx.Response(200, json={"data": {"APIBulkInPersonEventImport": self.bulk}})
        if path == "/jobs":
            if not self.job_list:
                return httpx.Response(404, json={"error": "not_found"})
            self.listed_pages += 1
            jobs = [{"id": f"other-{self.listed_pages}-{i}", "status": "complete",
                     "description": "Bulk import of 1 session from imports/z/z.csv"}
                    for i in range(100)]  # fmt: skip
            listing = {"backgroundJobs": jobs, "hasMore": True}
            return httpx.Response(200, json={"data": {"APIBackgroundJobs": listing}})
        if path.startswith("/jobs/"):
            if not self.statuses:
                return httpx.Response(404, json={"error": "not_found", "message": "No job."})
            status = self.statuses.pop(0) if len(self.statuses) > 1 else self.statuses[0]
            job = {"id": path.rsplit("/", 1)[1], "status": status, "errorMessage": None}
            return httpx.Response(200, json={"data": {"APIBackgroundJob": job}})
        return httpx.Response(404, json={"error": "not_found"})


class Notices:
    def __init__(self) -> None:
        self.said: list[str] = []

    def progress(self, done: int, total: int, what: str = "") -> None:
        return None

    def notice(self, text: str) -> None:
        self.said.append(text)

    def raise_if_cancelled(self) -> None:
        return None


@dataclass
class MemoryRun:
    """The Run a runner lends the carrier, in memory."""

    options: SubmitOptions = field(default_factory=SubmitOptions)
    import_id: str = "imp-1"
    report: Notices = field(default_factory=Notices)
    memory: dict[str, str] = field(default_factory=dict)
    journal: list[Batch] = field(default_factory=list)

    def recall(self, key: str) -> str | None:
        return self.memory.get(key)

    def remember(self, key: str, value: str) -> None:
        self.memory[key] = value

    def batches(self) -> Sequence[Batch]:
        return self.journal


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def no_sleep(seconds: float, report: Reporter) -> None:
    return None


def carrier_with(site: FakeTI, clock: Clock | None = None) -> ThoughtIndustriesCarrier:
    connection = Connection(name="Acme", system="thought-industries",
                            base_url="https://acme.thoughtindustries.com/incoming/v2")  # fmt: skip
    return make_carrier(
        get_endpoint(IN_PERSON), connection, {"api_key": "k-123456"}, Notices(), POLICY,
        sleep=no_sleep, clock=clock or Clock(), transport=httpx.MockTransport(site.handle),
    )  # fmt: skip


def sent(carrier: ThoughtIndustriesCarrier, run: MemoryRun, n: int = 2) -> Batch:
    """One batch of n rows (rows 2…), sent, and journaled as acknowledged."""
    (spec,) = carrier.batches([record(i) for i in range(n)], list(range(2, n + 2)), run.options)
    batch = Batch(spec.rows, spec.payload, spec.content_type, spec.label, seq=1)
    ack = carrier.send(run, batch)
    run.journal.append(replace(batch, state=BatchState.ACKNOWLEDGED, remote=ack.remote))
    return batch


JOB = {"id": "j-1", "status": "queued"}


def test_a_dry_run_the_site_did_not_do_is_said_and_followed_as_an_import() -> None:
    answer = {"dryRun": False, "validRows": [{"rowNumber": 2}, {"rowNumber": 3}],
              "invalidRows": [], "backgroundJob": JOB}  # fmt: skip
    site = FakeTI(bulk=answer, statuses=["complete"])
    carrier, run = carrier_with(site), MemoryRun(SubmitOptions(dry_run=True))
    sent(carrier, run)
    assert json.loads(site.requests[1].content)["dryRun"] is True
    assert run.report.said == [
        "Thought Industries did not do a dry run: it is importing the rows for real."
    ]
    assert carrier.poll(run).finished
    assert carrier.outcomes(run) == [RowOutcome(2, Outcome.CREATED), RowOutcome(3, Outcome.CREATED)]


def test_an_answer_that_does_not_say_dry_run_and_names_no_job_was_one_when_asked() -> None:
    site = FakeTI(bulk={"validRows": [{"rowNumber": 2}], "invalidRows": [{"rowNumber": 3}]})
    carrier, run = carrier_with(site), MemoryRun(SubmitOptions(dry_run=True))
    (spec,) = carrier.batches([record(0), record(1)], [2, 3], run.options)
    ack = carrier.send(run, Batch(spec.rows, spec.payload, spec.content_type, seq=1))
    assert [(o.row, o.outcome) for o in ack.outcomes] == [
        (2, Outcome.ACCEPTED), (3, Outcome.REJECTED)
    ]  # fmt: skip
    assert ack.outcomes[0].message.startswith("Dry run:")
    assert "job" not in ack.remote


def test_an_import_without_a_job_to_follow_leaves_its_rows_accepted_with_a_word() -> None:
    site = FakeTI(bulk={"dryRun": False, "validRows": [{"rowNumber": 2}], "invalidRows": [],
                        "backgroundJob": None})  # fmt: skip
    carrier, run = carrier_with(site), MemoryRun()
    (spec,) = carrier.batches([record(0)], [2], run.options)
    ack = carrier.send(run, Batch(spec.rows, spec.payload, spec.content_type, seq=1))
    assert ack.outcomes == (RowOutcome(2, Outcome.ACCEPTED, (
        "Thought Industries accepted this row but named no import job to follow; check in "
        "Thought Industries that its session exists.")),)  # fmt: skip
    assert "dryRun" not in json.loads(site.requests[1].content)
    assert carrier.poll(run).finished


def test_a_state_the_schema_does_not_know_counts_as_running_until_a_time_limit() -> None:
    site = FakeTI(bulk={"dryRun": False, "validRows": [{"rowNumber": 2}, {"rowNumber": 3}],
                        "invalidRows": [], "backgroundJob": JOB}, statuses=["paused"])  # fmt: skip
    clock = Clock()
    carrier, run = carrier_with(site, clock), MemoryRun()
    sent(carrier, run)
    status = carrier.poll(run)
    assert not status.finished
    assert status.text == "Thought Industries is importing: 0 of 1 file done (0 of 2 rows)."
    clock.now += 1799
    assert not carrier.poll(run).finished
    clock.now += 2
    assert carrier.poll(run).finished
    (first, second) = carrier.outcomes(run)
    assert first.outcome is second.outcome is Outcome.UNKNOWN
    assert first.message == (
        "Thought Industries reported this row's import job as 'paused', a state Rowboat does "
        "not know, for too long; check in Thought Industries."
    )


def test_a_job_the_site_no_longer_knows_leaves_its_rows_unknown() -> None:
    site = FakeTI(bulk={"dryRun": False, "validRows": [{"rowNumber": 2}], "invalidRows": [],
                        "backgroundJob": JOB})  # fmt: skip
    carrier, run = carrier_with(site), MemoryRun()
    sent(carrier, run, n=1)
    assert carrier.poll(run).text == "Thought Industries finished importing 1 file."
    (only,) = carrier.outcomes(run)
    assert only.outcome is Outcome.UNKNOWN
    assert "no longer knows this row's import job" in only.message


def test_an_answer_remembered_before_a_crash_resolves_without_asking_the_site() -> None:
    site = FakeTI(bulk={"dryRun": False, "validRows": [{"rowNumber": 2}],
                        "invalidRows": [{"rowNumber": 3, "errors": ["no"]}],
                        "backgroundJob": JOB})  # fmt: skip
    carrier, run = carrier_with(site), MemoryRun()
    (spec,) = carrier.batches([record(0), record(1)], [2, 3], run.options)
    batch = Batch(spec.rows, spec.payload, spec.content_type, seq=1)
    first = carrier.send(run, batch)  # ... and Rowboat dies before journaling the answer
    asked = len(site.requests)
    assert carrier.resolve(run, batch) == first
    assert len(site.requests) == asked


def test_a_batch_whose_asset_was_never_remembered_was_never_posted() -> None:
    site = FakeTI()
    carrier, run = carrier_with(site), MemoryRun()
    (spec,) = carrier.batches([record(0)], [2], run.options)
    assert carrier.resolve(run, Batch(spec.rows, spec.payload, spec.content_type)) is NOT_SENT
    assert site.requests == []


def test_a_job_list_too_long_to_search_cannot_tell_and_sends_nothing_again() -> None:
    site = FakeTI()
    carrier, run = carrier_with(site), MemoryRun(SubmitOptions(extra={"asset_path": "p/a.csv"}))
    (spec,) = carrier.batches([record(0)], [2], run.options)
    batch = Batch(spec.rows, spec.payload, spec.content_type)
    run.remember("ti.asset.0", json.dumps({"path": "p/a.csv", "created_at": "", "earlier": [],
                                           "listed": True}))  # fmt: skip
    assert carrier.resolve(run, batch) is None
    assert site.listed_pages == 20
    assert not any(r.url.path.endswith("/bulk") for r in site.requests)


def test_a_site_without_a_job_list_is_noticed_before_a_users_file_is_posted() -> None:
    site = FakeTI(job_list=False, bulk={"dryRun": False, "validRows": [], "invalidRows": []})
    carrier, run = carrier_with(site), MemoryRun(SubmitOptions(extra={"asset_path": "p/a.csv"}))
    (spec,) = carrier.batches([record(0)], [2], run.options)
    batch = Batch(spec.rows, spec.payload, spec.content_type)
    carrier.send(run, batch)
    run.memory.pop("ti.answer.0")  # as if the answer had been lost
    assert carrier.resolve(run, batch) is None
    assert [r.url.path.rsplit("/", 1)[1] for r in site.requests] == ["jobs", "bulk"]
    assert "offers no list of import jobs" in run.report.said[-1]
