"""Eloqua submission end to end, through the runner and its journal, against the sandbox:
definition, data posts, one sync, and each row's outcome, checked against the registrants the
sandbox really stored."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from rowboat.core.clients.eloqua_schema import event_schema
from rowboat.core.connections.model import sandbox_connection, sandbox_secrets
from rowboat.core.errors import ConfigurationError, MappingError
from rowboat.core.mapping.model import FieldSource, Mapping
from rowboat.core.sources import open_table
from rowboat.core.submit.journal import Journal
from rowboat.core.submit.model import BatchState, ImportState, Outcome, SubmitOptions
from rowboat.core.submit.plan import make_plan
from rowboat.core.submit.runner import submit
from rowboat.core.targets.schema_cache import SchemaCache
from rowboat.core.validation import validate
from tests.sandbox.test_submit_eloqua_support import (
    BULK,
    FAST,
    Crash,
    Harness,
    people,
    rows_with,
)

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from rowboat.core.submit.model import Ack, Batch, Run
    from rowboat.sandbox.context import ManualClock
    from rowboat.sandbox.server import SandboxServer


@pytest.fixture
def harness(sandbox: SandboxServer, clock: ManualClock, tmp_path: Path) -> Iterator[Harness]:
    with Journal(tmp_path / "rowboat.db") as journal:
        made = Harness(sandbox, clock, journal)
        yield made
        made.close()


def test_validated_rows_of_a_spreadsheet_become_the_events_registrants(
    harness: Harness, tmp_path: Path
) -> None:
    connection = sandbox_connection("eloqua", harness.sandbox.url)
    secrets = sandbox_secrets("eloqua")
    endpoint = event_schema(connection, secrets, "12", policy=FAST, cache=SchemaCache(tmp_path))
    source = tmp_path / "registrants.csv"
    source.write_text(
        "E-Mail,Vorname,Teilgenommen\n"
        "ana@example.com,Ana,ja\n"
        "not an email,Bad,nein\n"
        "ben@example.com,Ben,nein\n"
        "chloe@example.org,Chloé,ja\n",
        encoding="utf-8",
    )
    table = open_table(source)
    mapping = Mapping(
        endpoint_id=endpoint.id,
        sources=(
            FieldSource(field="emailAddress", columns=("E-Mail",)),
            FieldSource(field="firstName", columns=("Vorname",)),
            FieldSource(field="Attended", columns=("Teilgenommen",)),
        ),
    )
    result = validate(table, endpoint, mapping)
    carrier = harness.carrier(endpoint=endpoint)
    options = SubmitOptions(event="12")
    plan = make_plan(result, carrier, connection.name, options)
    assert plan.in_words().startswith("3 registrants for Eloqua event 12, in 1 request")
    done = submit(plan, harness.journal, carrier, settings=harness.settings())
    assert done.state is ImportState.FINISHED, done.error
    assert harness.stored() == [
        {"Email_Address": "ana@example.com", "First_Name": "Ana", "Attended": "true"},
        {"Email_Address": "ben@example.com", "First_Name": "Ben", "Attended": "false"},
        {"Email_Address": "chloe@example.org", "First_Name": "Chloé", "Attended": "true"},
    ]
    outcomes = harness.outcomes(done.import_id)
    assert rows_with(outcomes, Outcome.CREATED) == {2, 4, 5}
    assert rows_with(outcomes, Outcome.INVALID) == {3}


def test_rejects_land_on_the_source_rows_eloqua_refused(harness: Harness) -> None:
    # The Partner Roadshow makes the last name mandatory: a new registrant without one is
    # refused. Rowboat's default fields do not know that.
    records: list[dict[str, object]] = [
        {"emailAddress": "ana@example.com", "lastName": "Arroyo"},
        {"emailAddress": "ben@example.com"},
        {"emailAddress": "chloe@example.com", "lastName": "Chen"},
        {"emailAddress": "dara@example.com", "lastName": "Dunne"},
        {"emailAddress": "emile@example.com"},
    ]
    carrier = harness.carrier(rows_per_post=2)  # three posts: the indexes run across them
    done = harness.submit(carrier, records, [3, 4, 7, 8, 12], event="15")
    assert len(harness.journal.batches(done.import_id)) == 3
    assert [r["Email_Address"] for r in harness.stored(15)] == [
        "ana@example.com", "chloe@example.com", "dara@example.com",
    ]  # fmt: skip
    outcomes = harness.outcomes(done.import_id)
    assert rows_with(outcomes, Outcome.CREATED) == {3, 7, 8}
    assert outcomes[4].outcome is Outcome.REJECTED
    assert outcomes[4].message == "Last Name is required."
    assert outcomes[12].outcome is Outcome.REJECTED
    assert done.record.count(Outcome.REJECTED) == 2


def test_a_second_import_updates_the_registrants_it_finds(harness: Harness) -> None:
    harness.submit(harness.carrier(), people(3), [2, 3, 4])
    again = [{**p, "company": "Changed AG"} for p in people(3)]
    done = harness.submit(harness.carrier(), again, [2, 3, 4])
    assert rows_with(harness.outcomes(done.import_id), Outcome.UPDATED) == {2, 3, 4}
    assert [r["Company"] for r in harness.stored()] == ["Changed AG"] * 3


def test_a_dropped_data_post_is_posted_again_and_stored_once(harness: Harness) -> None:
    records, rows = people(6), list(range(2, 8))
    harness.sandbox.faults.script("eloqua", "none", "none", "none", "drop")  # the first post
    done = harness.submit(harness.carrier(rows_per_post=2), records, rows)
    emails = sorted(r["Email_Address"] for r in harness.stored())
    assert emails == sorted(str(p["emailAddress"]) for p in records)
    assert rows_with(harness.outcomes(done.import_id), Outcome.CREATED) == set(rows)
    # The lost post and its re-send are both in the post log, the first only as "maybe"; the
    # runner sent the other batches before it resolved the lost one.
    log = [harness.memory(done.import_id, f"post.1.{n}") for n in range(1, 5)]
    assert log == ["1 maybe", "2 staged", "3 staged", "1 staged"]
    assert {b.state for b in harness.journal.batches(done.import_id)} == {BatchState.ACKNOWLEDGED}


def test_a_post_journaled_but_never_sent_is_told_apart_by_the_syncs_counts(
    harness: Harness,
) -> None:
    first = harness.carrier(rows_per_post=2)
    posting = first._client.post_data

    def crash_on_second(uri: str, payload: bytes, content_type: str) -> None:
        if b"person2@" in payload:  # journaled as "maybe", then the crash
            raise Crash
        posting(uri, payload, content_type)

    first._client.post_data = crash_on_second  # type: ignore[method-assign]
    import_id = harness.start(first, people(4), [5, 6, 7, 8])
    assert harness.memory(import_id, "post.1.2") == "2 maybe"
    done = harness.resume(harness.carrier(rows_per_post=2), import_id)
    assert done.state is ImportState.FINISHED
    assert harness.memory(import_id, "post.1.3") == "2 staged"
    assert len(harness.stored()) == 4
    assert rows_with(harness.outcomes(import_id), Outcome.CREATED) == {5, 6, 7, 8}


def test_a_run_stopped_after_a_post_resumes_without_sending_a_row_twice(
    harness: Harness,
) -> None:
    first = harness.carrier(rows_per_post=3)
    sending = first.send

    def crash_after_third(run: Run, batch: Batch) -> Ack:
        ack = sending(run, batch)
        if batch.seq == 3:  # posted and answered; the journal never heard of it
            raise Crash
        return ack

    first.send = crash_after_third  # type: ignore[method-assign]
    import_id = harness.start(first, people(9), list(range(2, 11)))
    states = [b.state for b in harness.journal.batches(import_id)]
    assert states == [BatchState.ACKNOWLEDGED] * 2 + [BatchState.SENDING]
    done = harness.resume(harness.carrier(rows_per_post=3), import_id)
    emails = sorted(r["Email_Address"] for r in harness.stored())
    assert emails == sorted(f"person{i}@example.com" for i in range(9))
    assert rows_with(harness.outcomes(done.import_id), Outcome.CREATED) == set(range(2, 11))


def test_a_lost_answer_to_the_sync_start_adopts_the_sync_it_started(harness: Harness) -> None:
    carrier = harness.carrier()
    starting = carrier._client.create_sync

    def dropped(definition_uri: str) -> dict[str, Any]:
        harness.sandbox.faults.script("eloqua", "drop")  # started, answer lost
        return starting(definition_uri)

    carrier._client.create_sync = dropped  # type: ignore[method-assign]
    done = harness.submit(carrier, people(3), [2, 3, 4])
    with harness.http() as http:
        syncs = http.get(f"{BULK}/syncs").json()["items"]
    assert [s["uri"] for s in syncs] == [harness.memory(done.import_id, "sync")]
    assert rows_with(harness.outcomes(done.import_id), Outcome.CREATED) == {2, 3, 4}


def test_a_lost_answer_to_the_definition_is_found_by_its_name(harness: Harness) -> None:
    # Planning reads id and fields; the run asks id again, then the create is dropped.
    harness.sandbox.faults.script("eloqua", "none", "none", "none", "drop")
    done = harness.submit(harness.carrier(), people(2), [2, 3])
    with harness.http() as http:
        definitions = http.get(f"{BULK}/events/12/imports").json()["items"]
    assert [d["name"] for d in definitions] == [f"Rowboat {done.import_id}"]
    assert definitions[0]["isSyncTriggeredOnImport"] is False
    assert rows_with(harness.outcomes(done.import_id), Outcome.CREATED) == {2, 3}


def test_a_post_waits_while_a_sync_of_the_definition_runs(harness: Harness) -> None:
    waits: list[float] = []

    def sleep(seconds: float, report: object) -> None:
        waits.append(seconds)
        harness.clock.advance(30)  # the other sync ends while Rowboat waits

    carrier = harness.carrier(rows_per_post=2, sleep=sleep)
    sending = carrier.send

    def someone_syncs_first(run: Run, batch: Batch) -> Ack:
        if batch.seq == 2:  # a colleague syncs Rowboat's definition meanwhile
            with harness.http() as http:
                uri = run.recall("definition")
                assert http.post(f"{BULK}/syncs", json={"syncedInstanceUri": uri}).is_success
        return sending(run, batch)

    carrier.send = someone_syncs_first  # type: ignore[method-assign]
    done = harness.submit(carrier, people(4), [2, 3, 4, 5])
    assert waits  # it waited instead of failing the batch
    assert {b.state for b in harness.journal.batches(done.import_id)} == {BatchState.ACKNOWLEDGED}
    assert done.state is ImportState.FINISHED


def test_modes_eloqua_cannot_honour_are_refused_in_plain_words(harness: Harness) -> None:
    carrier = harness.carrier()
    with pytest.raises(ConfigurationError, match="cannot only create"):
        carrier.batches(people(1), [2], SubmitOptions(event="12", mode="create"))
    with pytest.raises(ConfigurationError, match="no dry run"):
        carrier.batches(people(1), [2], SubmitOptions(event="12", dry_run=True))
    with pytest.raises(ConfigurationError, match="matches registrants by Email address"):
        carrier.batches(people(1), [2], SubmitOptions(event="12", match_field="lastName"))
    with pytest.raises(ConfigurationError, match="Choose the Eloqua event"):
        carrier.batches(people(1), [2], SubmitOptions())
    assert carrier.batches(people(1), [2], SubmitOptions(event="12", mode="upsert"))


def test_fields_the_event_lacks_are_refused_before_anything_is_sent(harness: Harness) -> None:
    records: list[dict[str, object]] = [{"emailAddress": "a@example.com", "title": "Chef"}]
    with pytest.raises(MappingError) as caught:
        harness.carrier().batches(records, [2], SubmitOptions(event="12"))
    assert caught.value.message == "Eloqua event 12 has no field for Job title."
    with harness.http() as http:
        assert http.get(f"{BULK}/events/12/imports").json()["totalResults"] == 0


def test_rows_per_request_makes_smaller_posts(harness: Harness) -> None:
    carrier = harness.carrier()
    options = SubmitOptions(event="12", extra={"rows_per_request": "4"})
    assert [len(b.rows) for b in carrier.batches(people(10), list(range(10)), options)] == [
        4, 4, 2,
    ]  # fmt: skip
