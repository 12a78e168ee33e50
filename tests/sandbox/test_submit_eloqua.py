"""Eloqua submission end to end against the sandbox: definition, data posts, one sync, and each
row's outcome, checked against the registrants the sandbox really stored."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import numpy as np
import pandas as pd
import pytest

from rowboat.core.clients.eloqua_schema import event_schema
from rowboat.core.connections.model import sandbox_connection, sandbox_secrets
from rowboat.core.errors import ConfigurationError
from rowboat.core.mapping.model import FieldSource, Mapping
from rowboat.core.submit.model import BatchState, Outcome, SubmitOptions
from rowboat.core.table import SourceInfo, Table
from rowboat.core.targets.schema_cache import SchemaCache
from rowboat.core.validation import validate
from rowboat.sandbox.eloqua import PASSWORD, USER
from tests.sandbox.test_submit_eloqua_support import (
    BULK,
    FAST,
    MemoryRun,
    by_row,
    carrier,
    created,
    people,
    send_all,
    stored,
    submit,
    track,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from rowboat.core.submit.eloqua import EloquaCarrier
    from rowboat.sandbox.context import ManualClock
    from rowboat.sandbox.server import SandboxServer


@pytest.fixture
def make(sandbox: SandboxServer) -> Iterator[Callable[..., EloquaCarrier]]:
    """make(...), closed after the test."""
    made: list[EloquaCarrier] = []

    def opened(**options: Any) -> EloquaCarrier:
        made.append(carrier(sandbox, **options))
        return made[-1]

    yield opened
    for each in made:
        each.close()


def _http(sandbox: SandboxServer) -> httpx.Client:
    return httpx.Client(base_url=sandbox.base_url("eloqua"), auth=(USER, PASSWORD), timeout=10)


def _table(columns: dict[str, list[str]]) -> Table:
    frame = pd.DataFrame(columns, dtype=object)
    n = len(frame)
    return Table(
        frame,
        np.arange(2, 2 + n, dtype=np.int64),
        tuple(columns),
        SourceInfo(path=Path("registrants.xlsx"), format="xlsx", header_row=1),
    )


def test_validated_rows_of_a_spreadsheet_become_the_events_registrants(
    sandbox: SandboxServer, clock: ManualClock, tmp_path: Path, make: Callable[..., EloquaCarrier]
) -> None:
    connection = sandbox_connection("eloqua", sandbox.url)
    endpoint = event_schema(
        connection, sandbox_secrets("eloqua"), "12", policy=FAST, cache=SchemaCache(tmp_path)
    )
    table = _table(
        {
            "E-Mail": ["ana@example.com", "not an email", "ben@example.com", "chloe@example.org"],
            "Vorname": ["Ana", "Bad", "Ben", "Chloé"],
            "Teilgenommen": ["ja", "nein", "nein", "ja"],
        }
    )
    mapping = Mapping(
        endpoint_id=endpoint.id,
        sources=(
            FieldSource(field="emailAddress", columns=("E-Mail",)),
            FieldSource(field="firstName", columns=("Vorname",)),
            FieldSource(field="Attended", columns=("Teilgenommen",)),
        ),
    )
    result = validate(table, endpoint, mapping)
    assert result.valid.tolist() == [True, False, True, True]
    rows = [int(r) for r in table.source_rows[result.valid]]
    the_carrier = make(endpoint=endpoint)
    _, outcomes = submit(the_carrier, list(result.payload()), rows, clock)
    assert stored(sandbox) == [
        {"Email_Address": "ana@example.com", "First_Name": "Ana", "Attended": "true"},
        {"Email_Address": "ben@example.com", "First_Name": "Ben", "Attended": "false"},
        {"Email_Address": "chloe@example.org", "First_Name": "Chloé", "Attended": "true"},
    ]
    assert by_row(outcomes) == {r: by_row(outcomes)[r] for r in (2, 4, 5)}
    assert created(outcomes) == {2, 4, 5}


def test_rejects_land_on_the_source_rows_eloqua_refused(
    sandbox: SandboxServer, clock: ManualClock, make: Callable[..., EloquaCarrier]
) -> None:
    # The Partner Roadshow makes the last name mandatory: a new registrant without one is refused,
    # and its number field refuses words. Rowboat's default fields know neither.
    records: list[dict[str, object]] = [
        {"emailAddress": "ana@example.com", "lastName": "Arroyo"},
        {"emailAddress": "ben@example.com"},
        {"emailAddress": "chloe@example.com", "lastName": "Chen"},
        {"emailAddress": "dara@example.com", "lastName": "Dunne"},
        {"emailAddress": "emile@example.com"},
    ]
    rows = [3, 4, 7, 8, 12]
    the_carrier = make(rows_per_post=2)  # three posts: the indexes run across them
    run, outcomes = submit(the_carrier, records, rows, clock, event="15")
    assert len(run.journal) == 3
    assert [r["Email_Address"] for r in stored(sandbox, 15)] == [
        "ana@example.com", "chloe@example.com", "dara@example.com",
    ]  # fmt: skip
    outcome = by_row(outcomes)
    assert {r for r, o in outcome.items() if o.outcome is Outcome.CREATED} == {3, 7, 8}
    assert outcome[4].outcome is Outcome.REJECTED
    assert outcome[4].message == "Last Name is required."
    assert outcome[12].outcome is Outcome.REJECTED


def test_a_second_import_updates_the_registrants_it_finds(
    sandbox: SandboxServer, clock: ManualClock, make: Callable[..., EloquaCarrier]
) -> None:
    submit(make(), people(3), [2, 3, 4], clock, import_id="first")
    again = [{**p, "company": "Changed AG"} for p in people(3)]
    _, outcomes = submit(make(), again, [2, 3, 4], clock, import_id="second")
    assert {o.outcome for o in outcomes} == {Outcome.UPDATED}
    assert [r["Company"] for r in stored(sandbox)] == ["Changed AG"] * 3


def test_a_dropped_data_post_is_posted_again_and_stored_once(
    sandbox: SandboxServer, clock: ManualClock, make: Callable[..., EloquaCarrier]
) -> None:
    records, rows = people(6), list(range(2, 8))
    # discovery, fields, definitions list? no: discovery, fields, create, post 1 dropped ...
    sandbox.faults.script("eloqua", "none", "none", "none", "drop")
    run, outcomes = submit(make(rows_per_post=2), records, rows, clock)
    assert sorted(r["Email_Address"] for r in stored(sandbox)) == sorted(
        str(p["emailAddress"]) for p in records
    )
    assert created(outcomes) == set(rows)
    # The lost post and its re-send are both in the post log, the first only as "maybe".
    assert run.memory["post.1.1"] == "1 maybe"
    assert run.memory["post.1.2"] == "1 staged"
    assert all(b.state is BatchState.ACKNOWLEDGED for b in run.journal)


def test_a_post_journaled_but_never_sent_is_told_apart_by_the_syncs_counts(
    sandbox: SandboxServer, clock: ManualClock, make: Callable[..., EloquaCarrier]
) -> None:
    options = SubmitOptions(event="12")
    run = MemoryRun("imp-unsent", options)
    first = make(rows_per_post=2)
    run.plan(first.batches(people(4), [5, 6, 7, 8], options))
    send_all(first, run, stop_after=1)
    # A crash after the second post was journaled as "maybe", before it went out.
    run.remember("post.1.2", "2 maybe")
    run.mark(run.journal[1], BatchState.SENDING)
    resumed = make(rows_per_post=2)
    send_all(resumed, run)
    outcomes = track(resumed, run, clock)
    assert run.memory["post.1.3"] == "2 staged"
    assert len(stored(sandbox)) == 4
    assert created(outcomes) == {5, 6, 7, 8}


def test_a_lost_answer_to_the_sync_start_adopts_the_sync_it_started(
    sandbox: SandboxServer, clock: ManualClock, make: Callable[..., EloquaCarrier]
) -> None:
    the_carrier = make()
    options = SubmitOptions(event="12")
    run = MemoryRun("imp-sync", options)
    run.plan(the_carrier.batches(people(3), [2, 3, 4], options))
    send_all(the_carrier, run)
    sandbox.faults.script("eloqua", "drop")  # POST /syncs: started, answer lost
    outcomes = track(the_carrier, run, clock)
    with _http(sandbox) as http:
        syncs = http.get(f"{BULK}/syncs").json()["items"]
    assert [s["uri"] for s in syncs] == [run.memory["sync"]]
    assert created(outcomes) == {2, 3, 4}


def test_a_lost_answer_to_the_definition_is_found_by_its_name(
    sandbox: SandboxServer, clock: ManualClock, make: Callable[..., EloquaCarrier]
) -> None:
    sandbox.faults.script("eloqua", "none", "none", "drop")  # id, fields, then the create
    _, outcomes = submit(make(), people(2), [2, 3], clock, import_id="imp-def")
    with _http(sandbox) as http:
        definitions = http.get(f"{BULK}/events/12/imports").json()["items"]
    assert [d["name"] for d in definitions] == ["Rowboat imp-def"]
    assert definitions[0]["isSyncTriggeredOnImport"] is False
    assert created(outcomes) == {2, 3}


def test_a_run_stopped_after_a_post_resumes_without_sending_a_row_twice(
    sandbox: SandboxServer, clock: ManualClock, make: Callable[..., EloquaCarrier]
) -> None:
    options = SubmitOptions(event="12")
    run = MemoryRun("imp-crash", options)
    first = make(rows_per_post=3)
    run.plan(first.batches(people(9), list(range(2, 11)), options))
    send_all(first, run, stop_after=2)
    # A crash after the third post went out, before the journal heard its answer.
    first._post(run, run.mark(run.journal[2], BatchState.SENDING))
    first.close()
    resumed = make(rows_per_post=3)
    send_all(resumed, run)
    outcomes = track(resumed, run, clock)
    emails = [r["Email_Address"] for r in stored(sandbox)]
    assert sorted(emails) == sorted(f"person{i}@example.com" for i in range(9))
    assert created(outcomes) == set(range(2, 11))


def test_a_post_waits_while_a_sync_of_the_definition_runs(
    sandbox: SandboxServer, clock: ManualClock, make: Callable[..., EloquaCarrier]
) -> None:
    waits: list[float] = []

    def sleep(seconds: float, report: object) -> None:
        waits.append(seconds)
        clock.advance(30)  # the other sync ends while Rowboat waits

    the_carrier = make(rows_per_post=2, sleep=sleep)
    options = SubmitOptions(event="12")
    run = MemoryRun("imp-busy", options)
    run.plan(the_carrier.batches(people(4), [2, 3, 4, 5], options))
    send_all(the_carrier, run, stop_after=1)
    with _http(sandbox) as http:  # someone syncs Rowboat's definition meanwhile
        started = http.post(f"{BULK}/syncs", json={"syncedInstanceUri": run.memory["definition"]})
        assert started.status_code == 201
    send_all(the_carrier, run)
    assert waits  # it waited instead of failing the batch
    assert all(b.state is BatchState.ACKNOWLEDGED for b in run.journal)


def test_modes_eloqua_cannot_honour_are_refused_in_plain_words(
    sandbox: SandboxServer, make: Callable[..., EloquaCarrier]
) -> None:
    the_carrier = make()
    with pytest.raises(ConfigurationError, match="cannot only create"):
        the_carrier.batches(people(1), [2], SubmitOptions(event="12", mode="create"))
    with pytest.raises(ConfigurationError, match="no dry run"):
        the_carrier.batches(people(1), [2], SubmitOptions(event="12", dry_run=True))
    with pytest.raises(ConfigurationError, match="matches registrants by Email address"):
        the_carrier.batches(people(1), [2], SubmitOptions(event="12", match_field="lastName"))
    with pytest.raises(ConfigurationError, match="Choose the Eloqua event"):
        the_carrier.batches(people(1), [2], SubmitOptions())
    assert the_carrier.batches(people(1), [2], SubmitOptions(event="12", mode="upsert"))
