"""Eloqua submission at Eloqua's scale, through the runner, while the sandbox fails a tenth of the
requests (500/503, 429, dropped and slow answers, seeded) and Rowboat crashes twice on the way:
every valid row is stored exactly once and every row's outcome is right."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

import pytest

from rowboat.core.submit.journal import Journal
from rowboat.core.submit.model import BatchState, ImportState, Outcome
from rowboat.sandbox.faults import FaultKind
from tests.sandbox.test_submit_eloqua_support import IMPATIENT, Crash, Harness, people

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from rowboat.core.submit.eloqua import EloquaCarrier
    from rowboat.core.submit.model import Ack, Batch, Run
    from rowboat.sandbox.context import ManualClock
    from rowboat.sandbox.server import SandboxServer

ROWS = 6000
ROWS_PER_POST = 40  # 150 posts: many chances for a post's answer to be lost


@pytest.fixture
def harness(sandbox: SandboxServer, clock: ManualClock, tmp_path: Path) -> Iterator[Harness]:
    with Journal(tmp_path / "rowboat.db") as journal:
        made = Harness(sandbox, clock, journal)
        yield made
        made.close()


def _crashing_at(carrier: EloquaCarrier, seq: int) -> EloquaCarrier:
    sending = carrier.send

    def send(run: Run, batch: Batch) -> Ack:
        ack = sending(run, batch)
        if batch.seq == seq:  # posted, answered, and not journaled: the hardest moment
            raise Crash
        return ack

    carrier.send = send  # type: ignore[method-assign]
    return carrier


def test_six_thousand_registrants_through_a_tenth_of_failures_are_stored_exactly_once(
    harness: Harness,
) -> None:
    records = people(ROWS, seed=5)
    rows = [r + 2 for r in range(ROWS)]
    bad = set(range(7, ROWS, 20))  # Eloqua refuses these: its Attended field takes true/false
    for i in bad:
        records[i]["Attended"] = "perhaps"
    harness.sandbox.faults.configure(
        "eloqua",
        error_rate=0.03,
        throttle_rate=0.02,
        retry_after=0,
        drop_rate=0.03,
        slow_rate=0.02,
        slow_seconds=0.6,  # just past the client's 0.5 s timeout
    )

    def carrier() -> EloquaCarrier:
        return harness.carrier(rows_per_post=ROWS_PER_POST, policy=IMPATIENT)

    import_id = harness.start(_crashing_at(carrier(), 50), records, rows)
    with pytest.raises(Crash):
        harness.resume(_crashing_at(carrier(), 100), import_id)
    assert harness.journal.get(import_id).state is ImportState.SENDING  # as the crash left it
    done = harness.resume(carrier(), import_id)
    assert done.state is ImportState.FINISHED, done.error

    batches = harness.journal.batches(import_id)
    assert len(batches) == ROWS // ROWS_PER_POST
    assert {b.state for b in batches} == {BatchState.ACKNOWLEDGED}
    injected = {k: n for (v, k), n in harness.sandbox.faults.injected.items() if v == "eloqua"}
    assert injected.get(FaultKind.DROP, 0) > 3
    assert injected.get(FaultKind.SLOW, 0) > 1
    maybes = [
        entry
        for n in range(1, 400)
        if (entry := harness.memory(import_id, f"post.1.{n}")) and entry.endswith("maybe")
    ]
    assert len(maybes) > 3  # the hard case really happened to data posts

    harness.sandbox.faults.reset()
    emails = Counter(r["Email_Address"] for r in harness.stored())
    assert max(emails.values()) == 1  # none twice
    valid = {str(records[i]["emailAddress"]) for i in range(ROWS) if i not in bad}
    assert set(emails) == valid  # every valid row, and only those

    outcomes = harness.outcomes(import_id)
    assert len(outcomes) == ROWS
    for i, row in enumerate(rows):
        if i in bad:
            assert outcomes[row].outcome is Outcome.REJECTED
            assert "'perhaps' is not a valid true/false value for Attended" in outcomes[row].message
        else:
            assert outcomes[row].outcome is Outcome.CREATED, (row, outcomes[row])
    assert done.record.count(Outcome.CREATED) == len(valid)
