"""Eloqua submission when the staging area must be rebuilt (the definition vanished, the staged
data nears its retention, re-sends used up a sync's posts) and when a sync was started without
Rowboat hearing of it: still every row once, and no secret in what Rowboat keeps."""

from __future__ import annotations

import base64
import json
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from rowboat.core.submit.model import BatchState, SubmitOptions
from rowboat.sandbox.eloqua import PASSWORD, USER
from tests.sandbox.test_submit_eloqua_support import (
    BULK,
    IMPATIENT,
    MemoryRun,
    carrier,
    created,
    people,
    send_all,
    stored,
    track,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from rowboat.core.submit.eloqua import EloquaCarrier
    from rowboat.sandbox.context import ManualClock
    from rowboat.sandbox.server import SandboxServer

ROWS = list(range(2, 8))


@pytest.fixture
def make(sandbox: SandboxServer) -> Iterator[Callable[..., EloquaCarrier]]:
    made: list[EloquaCarrier] = []

    def opened(**options: Any) -> EloquaCarrier:
        made.append(carrier(sandbox, rows_per_post=2, **options))
        return made[-1]

    yield opened
    for each in made:
        each.close()


def _http(sandbox: SandboxServer) -> httpx.Client:
    return httpx.Client(base_url=sandbox.base_url("eloqua"), auth=(USER, PASSWORD), timeout=10)


def _planned(the_carrier: EloquaCarrier, import_id: str) -> MemoryRun:
    options = SubmitOptions(event="12")
    run = MemoryRun(import_id, options)
    run.plan(the_carrier.batches(people(len(ROWS)), ROWS, options))
    return run


def _emails(sandbox: SandboxServer) -> list[str]:
    return sorted(r["Email_Address"] for r in stored(sandbox))


EXPECTED = sorted(f"person{i}@example.com" for i in range(len(ROWS)))


def test_a_definition_gone_before_the_sync_is_made_again_with_every_row_staged_anew(
    sandbox: SandboxServer, clock: ManualClock, make: Callable[..., EloquaCarrier]
) -> None:
    first = make()
    run = _planned(first, "imp-gone")
    send_all(first, run, stop_after=2)
    old = run.memory["definition"]
    with _http(sandbox) as http:  # as autoDeleteDuration would, while Rowboat was closed
        assert http.delete(BULK + old).status_code == 204
    resumed = make()
    send_all(resumed, run)
    outcomes = track(resumed, run, clock)
    assert run.memory["definition"] != old
    assert run.memory["generation"] == "2"
    assert _emails(sandbox) == EXPECTED
    assert created(outcomes) == set(ROWS)


def test_staged_data_near_its_retention_is_staged_again_before_the_sync(
    sandbox: SandboxServer, clock: ManualClock, make: Callable[..., EloquaCarrier]
) -> None:
    the_carrier = make()
    run = _planned(the_carrier, "imp-old")
    send_all(the_carrier, run)
    later = float(run.memory["staged_since.1"]) + 6.5 * 86_400
    the_carrier._clock = lambda: later  # Rowboat resumed six and a half days later
    outcomes = track(the_carrier, run, clock)
    assert run.memory["sync.generation"] == "2"
    assert [run.memory[f"post.2.{n}"] for n in (1, 2, 3)] == ["1 staged", "2 staged", "3 staged"]
    assert _emails(sandbox) == EXPECTED  # the first staging was emptied, not synced twice
    assert created(outcomes) == set(ROWS)


def test_re_sends_that_use_up_a_syncs_posts_start_the_staging_over(
    sandbox: SandboxServer, clock: ManualClock, make: Callable[..., EloquaCarrier]
) -> None:
    the_carrier = make()
    the_carrier.max_posts_per_sync = 3
    run = _planned(the_carrier, "imp-full")
    # id, fields, definition, post 1, post 2 (dropped): its re-send is the third post.
    sandbox.faults.script("eloqua", "none", "none", "none", "none", "drop")
    send_all(the_carrier, run)
    outcomes = track(the_carrier, run, clock)
    assert run.memory["generation"] == "2"
    assert sorted(v for k, v in run.memory.items() if k.startswith("post.2.")) == [
        "1 staged", "2 staged", "3 staged",
    ]  # fmt: skip
    assert _emails(sandbox) == EXPECTED
    assert created(outcomes) == set(ROWS)


def test_a_sync_requested_before_a_crash_is_found_instead_of_started_again(
    sandbox: SandboxServer, clock: ManualClock, make: Callable[..., EloquaCarrier]
) -> None:
    first = make()
    run = _planned(first, "imp-syncrash")
    send_all(first, run)
    run.remember("sync.requested", "1")  # journaled, then the request went out, then the crash
    with _http(sandbox) as http:
        started = http.post(f"{BULK}/syncs", json={"syncedInstanceUri": run.memory["definition"]})
    resumed = make()
    resumed.prepare(run)
    outcomes = track(resumed, run, clock)
    assert run.memory["sync"] == started.json()["uri"]
    with _http(sandbox) as http:
        assert http.get(f"{BULK}/syncs").json()["totalResults"] == 1
    assert created(outcomes) == set(ROWS)


def test_a_409_at_the_sync_start_means_a_sync_of_the_definition_runs_and_is_followed(
    sandbox: SandboxServer, clock: ManualClock, make: Callable[..., EloquaCarrier]
) -> None:
    the_carrier = make()
    run = _planned(the_carrier, "imp-409")
    send_all(the_carrier, run)
    with _http(sandbox) as http:  # a sync Rowboat did not ask for (another tool, a colleague)
        other = http.post(f"{BULK}/syncs", json={"syncedInstanceUri": run.memory["definition"]})
    outcomes = track(the_carrier, run, clock)
    assert run.memory["sync"] == other.json()["uri"]
    assert created(outcomes) == set(ROWS)


def test_no_secret_is_kept_in_the_journal_or_the_carriers_memory(
    sandbox: SandboxServer, clock: ManualClock, make: Callable[..., EloquaCarrier]
) -> None:
    the_carrier = make(policy=IMPATIENT)
    run = _planned(the_carrier, "imp-secret")
    sandbox.faults.configure("eloqua", slow_seconds=0.6)
    sandbox.faults.script("eloqua", "none", "none", "none", "drop", "none", "slow")
    send_all(the_carrier, run)
    track(the_carrier, run, clock)
    assert all(b.state is BatchState.ACKNOWLEDGED for b in run.journal)
    kept = json.dumps(run.memory) + "".join(
        b.payload.decode() + b.message + json.dumps(b.remote) for b in run.journal
    )
    token = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
    assert PASSWORD not in kept
    assert token not in kept
