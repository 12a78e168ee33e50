"""Helpers of the Eloqua submission tests (no tests here): an in-memory Run that plays the
journal, a driver that plays the runner's part, and the sandbox's stored registrants."""

from __future__ import annotations

import dataclasses
import random
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import httpx

from rowboat.core.clients._http import RetryPolicy
from rowboat.core.connections.model import sandbox_connection, sandbox_secrets
from rowboat.core.errors import OutcomeUnknown, Rejected
from rowboat.core.progress import NULL_REPORTER
from rowboat.core.submit.eloqua import EloquaCarrier
from rowboat.core.submit.model import (
    NOT_SENT,
    Batch,
    BatchState,
    Outcome,
    RowOutcome,
    SubmitOptions,
)
from rowboat.core.targets.registry import get_endpoint
from rowboat.sandbox.eloqua import PASSWORD, USER

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from rowboat.core.progress import Reporter
    from rowboat.core.submit.model import BatchSpec
    from rowboat.core.targets.schema import Endpoint
    from rowboat.sandbox.context import ManualClock
    from rowboat.sandbox.server import SandboxServer

BULK = "/api/bulk/2.0"
FAST = RetryPolicy(attempts=8, base_delay=0.001, max_delay=0.01, timeout=5.0)
IMPATIENT = RetryPolicy(attempts=8, base_delay=0.001, max_delay=0.01, timeout=0.5)


@dataclass
class MemoryRun:
    """A Run whose journal is a list and whose memory is a dict: both survive a "crash" (a
    new carrier given the same MemoryRun), as the SQLite journal does."""

    import_id: str
    options: SubmitOptions
    report: Reporter = NULL_REPORTER
    memory: dict[str, str] = field(default_factory=dict)
    journal: list[Batch] = field(default_factory=list)

    def recall(self, key: str) -> str | None:
        return self.memory.get(key)

    def remember(self, key: str, value: str) -> None:
        self.memory[key] = value

    def batches(self) -> Sequence[Batch]:
        return tuple(self.journal)

    def plan(self, specs: Sequence[BatchSpec]) -> None:
        self.journal = [
            Batch(s.rows, s.payload, s.content_type, s.label, seq=i)
            for i, s in enumerate(specs, start=1)
        ]

    def mark(self, batch: Batch, state: BatchState, **changes: Any) -> Batch:
        updated = dataclasses.replace(batch, state=state, **changes)
        self.journal[batch.seq - 1] = updated
        return updated


def carrier(
    sandbox: SandboxServer,
    *,
    endpoint: Endpoint | None = None,
    rows_per_post: int | None = None,
    policy: RetryPolicy = FAST,
    sleep: Callable[[float, Reporter], None] | None = None,
) -> EloquaCarrier:
    """A carrier to the sandbox's Eloqua, with short retries that never really sleep."""
    endpoint = endpoint or get_endpoint("eloqua.event-registrants")
    if rows_per_post is not None:
        endpoint = endpoint.model_copy(update={"batch_size": rows_per_post})
    return EloquaCarrier(
        endpoint,
        sandbox_connection("eloqua", sandbox.url),
        sandbox_secrets("eloqua"),
        NULL_REPORTER,
        policy,
        sleep=sleep or (lambda seconds, report: None),
    )


def send_all(the_carrier: EloquaCarrier, run: MemoryRun, *, stop_after: int | None = None) -> None:
    """What the runner does with the batches: journal, send, resolve what is unknown.
    `stop_after` sends that many batches, then stops as a crash would (state left as is)."""
    the_carrier.prepare(run)
    sent = 0
    for batch in list(run.journal):
        if batch.state in (BatchState.ACKNOWLEDGED, BatchState.FAILED, BatchState.UNKNOWN):
            continue
        if stop_after is not None and sent >= stop_after:
            return
        sent += 1
        current = run.mark(batch, BatchState.SENDING, attempts=batch.attempts + 1)
        if batch.state is BatchState.SENDING:  # found unsettled at the start of this run
            resolution = the_carrier.resolve(run, current)
        else:
            try:
                resolution = the_carrier.send(run, current)
            except OutcomeUnknown:
                resolution = the_carrier.resolve(run, current)
            except Rejected as exc:
                run.mark(current, BatchState.FAILED, message=exc.message)
                continue
        if resolution is None:
            run.mark(current, BatchState.UNKNOWN)
        elif resolution is NOT_SENT:
            raise AssertionError("the Eloqua carrier always re-sends instead")
        else:
            run.mark(current, BatchState.ACKNOWLEDGED)


def track(the_carrier: EloquaCarrier, run: MemoryRun, clock: ManualClock) -> list[RowOutcome]:
    """finish, poll to the end (moving the sandbox clock instead of sleeping), outcomes."""
    the_carrier.finish(run)
    for _ in range(1000):
        if the_carrier.poll(run).finished:
            return the_carrier.outcomes(run)
        clock.advance(5)
    raise AssertionError("the sync never ended")


def submit(
    the_carrier: EloquaCarrier,
    records: list[dict[str, object]],
    rows: list[int],
    clock: ManualClock,
    *,
    event: str = "12",
    import_id: str = "imp-1",
) -> tuple[MemoryRun, list[RowOutcome]]:
    options = SubmitOptions(event=event)
    run = MemoryRun(import_id, options)
    run.plan(the_carrier.batches(records, rows, options))
    send_all(the_carrier, run)
    return run, track(the_carrier, run, clock)


def stored(sandbox: SandboxServer, event: int = 12) -> list[dict[str, str]]:
    """The registrants the sandbox really stored (its sandbox-only list), every page."""
    found: list[dict[str, str]] = []
    with httpx.Client(
        base_url=sandbox.base_url("eloqua"), auth=(USER, PASSWORD), timeout=30
    ) as http:
        offset = 0
        while True:
            page = http.get(
                f"{BULK}/_sandbox/events/{event}/registrants",
                params={"limit": 1000, "offset": offset},
            ).json()
            found += [item["fields"] for item in page["items"]]
            offset += page["count"]
            if not page["hasMore"]:
                return found


def by_row(outcomes: Sequence[RowOutcome]) -> dict[int, RowOutcome]:
    rows = [o.row for o in outcomes]
    assert len(rows) == len(set(rows)), "a row has two outcomes"
    return {o.row: o for o in outcomes}


def people(n: int, seed: int = 1) -> list[dict[str, object]]:
    """n registrant records of Rowboat's default keys, unique emails."""
    rng = random.Random(seed)
    first = ["Anna", "Ben", "Chloé", "Dara", "Émile", "Farah", "Gustav", "Hana", "Ivo", "Jun"]
    return [
        {
            "emailAddress": f"person{i}@example.com",
            "firstName": rng.choice(first),
            "lastName": f"Nachname{i}",
            "company": rng.choice(["Acme GmbH", "Globex", "Initech", "Umbrella"]),
        }
        for i in range(n)
    ]


def created(outcomes: Sequence[RowOutcome]) -> set[int]:
    return {o.row for o in outcomes if o.outcome is Outcome.CREATED}
