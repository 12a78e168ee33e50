"""Eloqua submission when the staging area must be rebuilt (the definition vanished, the staged
data nears its retention, re-sends used up a sync's posts) and when a sync was started without
Rowboat hearing of it: still every row once, and no secret in what Rowboat keeps."""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING, Any

import pytest

from rowboat.core.submit.journal import Journal
from rowboat.core.submit.model import ImportState, Outcome
from rowboat.sandbox.eloqua import PASSWORD, USER
from tests.sandbox.test_submit_eloqua_support import (
    BULK,
    IMPATIENT,
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

ROWS = list(range(2, 8))
EXPECTED = sorted(f"person{i}@example.com" for i in range(len(ROWS)))


@pytest.fixture
def harness(sandbox: SandboxServer, clock: ManualClock, tmp_path: Path) -> Iterator[Harness]:
    with Journal(tmp_path / "rowboat.db") as journal:
        made = Harness(sandbox, clock, journal)
        yield made
        made.close()


def _emails(harness: Harness) -> list[str]:
    return sorted(r["Email_Address"] for r in harness.stored())


def _crash_at_batch(carrier: Any, seq: int) -> None:
    """The carrier crashes as it is about to send batch `seq`."""
    sending = carrier.send

    def send(run: Run, batch: Batch) -> Ack:
        if batch.seq == seq:
            raise Crash
        ack: Ack = sending(run, batch)
        return ack

    carrier.send = send


def test_a_definition_gone_before_the_sync_is_made_again_with_every_row_staged_anew(
    harness: Harness,
) -> None:
    first = harness.carrier(rows_per_post=2)
    _crash_at_batch(first, 3)
    import_id = harness.start(first, people(len(ROWS)), ROWS)
    old = harness.memory(import_id, "definition")
    with harness.http() as http:  # as autoDeleteDuration would, while Rowboat was closed
        assert http.delete(f"{BULK}{old}").status_code == 204
    done = harness.resume(harness.carrier(rows_per_post=2), import_id)
    assert done.state is ImportState.FINISHED
    assert harness.memory(import_id, "definition") != old
    assert harness.memory(import_id, "generation") == "2"
    assert _emails(harness) == EXPECTED
    assert rows_with(harness.outcomes(import_id), Outcome.CREATED) == set(ROWS)


def test_staged_data_near_its_retention_is_staged_again_before_the_sync(harness: Harness) -> None:
    now = [1_800_000_000.0]
    carrier = harness.carrier(rows_per_post=2, clock=lambda: now[0])
    finishing = carrier.finish

    def finish_a_week_later(run: Run) -> None:
        now[0] += 6.5 * 86_400  # Rowboat was closed with everything staged, then resumed
        finishing(run)

    carrier.finish = finish_a_week_later  # type: ignore[method-assign]
    done = harness.submit(carrier, people(len(ROWS)), ROWS)
    assert harness.memory(done.import_id, "sync.generation") == "2"
    log = [harness.memory(done.import_id, f"post.2.{n}") for n in (1, 2, 3)]
    assert log == ["1 staged", "2 staged", "3 staged"]
    assert _emails(harness) == EXPECTED  # the first staging was emptied, not synced twice
    assert rows_with(harness.outcomes(done.import_id), Outcome.CREATED) == set(ROWS)


def test_re_sends_that_use_up_a_syncs_posts_start_the_staging_over(harness: Harness) -> None:
    carrier = harness.carrier(rows_per_post=2)
    carrier.staging.max_posts = 3
    # Planning reads id and fields; the run asks id, makes the definition, posts batch 1 and
    # loses the answer of batch 2: its re-send would be a fourth post.
    harness.sandbox.faults.script("eloqua", "none", "none", "none", "none", "none", "drop")
    done = harness.submit(carrier, people(len(ROWS)), ROWS)
    assert done.state is ImportState.FINISHED, done.error
    assert harness.memory(done.import_id, "generation") == "2"
    log = sorted(str(harness.memory(done.import_id, f"post.2.{n}")) for n in (1, 2, 3))
    assert log == ["1 staged", "2 staged", "3 staged"]
    assert _emails(harness) == EXPECTED
    assert rows_with(harness.outcomes(done.import_id), Outcome.CREATED) == set(ROWS)


def test_a_sync_requested_before_a_crash_is_found_instead_of_started_again(
    harness: Harness,
) -> None:
    first = harness.carrier()
    starting = first._client.create_sync

    def crash_after_starting(definition_uri: str) -> dict[str, Any]:
        starting(definition_uri)  # the sync starts; Rowboat dies before it hears the answer
        raise Crash

    first._client.create_sync = crash_after_starting  # type: ignore[method-assign]
    import_id = harness.start(first, people(len(ROWS)), ROWS)
    assert harness.memory(import_id, "sync") is None
    done = harness.resume(harness.carrier(), import_id)
    assert done.state is ImportState.FINISHED
    with harness.http() as http:
        syncs = http.get(f"{BULK}/syncs").json()["items"]
    assert [s["uri"] for s in syncs] == [harness.memory(import_id, "sync")]
    assert rows_with(harness.outcomes(import_id), Outcome.CREATED) == set(ROWS)


def test_a_409_at_the_sync_start_means_a_sync_of_the_definition_runs_and_is_followed(
    harness: Harness,
) -> None:
    carrier = harness.carrier()
    finishing = carrier.finish
    other: list[str] = []

    def someone_syncs_first(run: Run) -> None:
        with harness.http() as http:  # a sync Rowboat did not ask for (another tool, a colleague)
            uri = run.recall("definition")
            other.append(http.post(f"{BULK}/syncs", json={"syncedInstanceUri": uri}).json()["uri"])
        finishing(run)

    carrier.finish = someone_syncs_first  # type: ignore[method-assign]
    done = harness.submit(carrier, people(len(ROWS)), ROWS)
    assert harness.memory(done.import_id, "sync") == other[0]
    assert rows_with(harness.outcomes(done.import_id), Outcome.CREATED) == set(ROWS)


def test_no_secret_is_kept_in_the_journal(harness: Harness, tmp_path: Path) -> None:
    harness.sandbox.faults.configure("eloqua", slow_seconds=0.6)
    harness.sandbox.faults.script("eloqua", "none", "none", "none", "none", "drop", "none", "slow")
    carrier = harness.carrier(rows_per_post=2, policy=IMPATIENT)
    done = harness.submit(carrier, people(len(ROWS)), ROWS)
    assert done.state is ImportState.FINISHED
    token = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode().encode()
    for path in tmp_path.rglob("*"):
        if path.is_file():
            kept = path.read_bytes()
            assert PASSWORD.encode() not in kept, path
            assert token not in kept, path
