"""Eloqua submission at Eloqua's scale while the sandbox fails a tenth of the requests (500/503,
429, dropped and slow answers, seeded): every valid row is stored exactly once and every row's
outcome is right."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from rowboat.core.submit.model import BatchState, Outcome, SubmitOptions
from rowboat.sandbox.faults import FaultKind
from tests.sandbox.test_submit_eloqua_support import (
    IMPATIENT,
    MemoryRun,
    by_row,
    carrier,
    people,
    send_all,
    stored,
    track,
)

if TYPE_CHECKING:
    from rowboat.core.submit.eloqua import EloquaCarrier
    from rowboat.sandbox.context import ManualClock
    from rowboat.sandbox.server import SandboxServer

ROWS = 6000
ROWS_PER_POST = 40  # 150 posts: many chances for a post's answer to be lost


def test_six_thousand_registrants_through_a_tenth_of_failures_are_stored_exactly_once(
    sandbox: SandboxServer, clock: ManualClock
) -> None:
    records = people(ROWS, seed=5)
    rows = [r + 2 for r in range(ROWS)]
    bad = set(range(7, ROWS, 20))  # Eloqua refuses these: its Attended field takes true/false
    for i in bad:
        records[i]["Attended"] = "perhaps"
    sandbox.faults.configure(
        "eloqua",
        error_rate=0.03,
        throttle_rate=0.02,
        retry_after=0,
        drop_rate=0.03,
        slow_rate=0.02,
        slow_seconds=0.6,  # just past the client's 0.5 s timeout
    )
    options = SubmitOptions(event="12")
    run = MemoryRun("imp-faults", options)
    made: list[EloquaCarrier] = []
    try:
        # Two stops on the way, as a closed laptop would make them, each resumed by a new carrier.
        for stop_after in (50, 50, None):
            made.append(carrier(sandbox, rows_per_post=ROWS_PER_POST, policy=IMPATIENT))
            if not run.journal:
                run.plan(made[-1].batches(records, rows, options))
            send_all(made[-1], run, stop_after=stop_after)
        assert len(run.journal) == ROWS // ROWS_PER_POST
        assert all(b.state is BatchState.ACKNOWLEDGED for b in run.journal)
        outcomes = track(made[-1], run, clock)
    finally:
        for each in made:
            each.close()

    injected = {k: n for (v, k), n in sandbox.faults.injected.items() if v == "eloqua"}
    assert injected.get(FaultKind.DROP, 0) > 3
    assert injected.get(FaultKind.SLOW, 0) > 1
    lost_posts = sum(1 for k, v in run.memory.items() if k.startswith("post.") and "maybe" in v)
    assert lost_posts > 3  # the hard case really happened to data posts

    sandbox.faults.reset()
    emails = Counter(r["Email_Address"] for r in stored(sandbox))
    assert max(emails.values()) == 1  # none twice
    valid = {str(records[i]["emailAddress"]) for i in range(ROWS) if i not in bad}
    assert set(emails) == valid  # every valid row, and only those

    outcome = by_row(outcomes)
    assert len(outcome) == ROWS
    for i, row in enumerate(rows):
        if i in bad:
            assert outcome[row].outcome is Outcome.REJECTED
            assert "'perhaps' is not a valid true/false value for Attended" in outcome[row].message
        else:
            assert outcome[row].outcome is Outcome.CREATED, (row, outcome[row])
