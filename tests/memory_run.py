"""A Run kept in memory and a small driver of a Carrier, for carrier tests until the runner lands.

`carry` does what the runner does with a carrier, in order: batches, prepare, send each batch
(resolving any whose answer was lost, and sending again only when the target says it never
arrived), poll until finished (calling `between_polls` instead of sleeping), outcomes.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from rowboat.core.errors import OutcomeUnknown, Rejected
from rowboat.core.progress import NULL_REPORTER
from rowboat.core.submit.model import (
    Ack,
    Batch,
    BatchState,
    NotSent,
    RowOutcome,
    SubmitOptions,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from rowboat.core.progress import Reporter
    from rowboat.core.submit.model import Carrier


@dataclass
class MemoryRun:
    """What the runner lends a carrier, in memory."""

    import_id: str
    options: SubmitOptions = field(default_factory=SubmitOptions)
    report: Reporter = NULL_REPORTER
    values: dict[str, str] = field(default_factory=dict)
    journal: list[Batch] = field(default_factory=list)

    def recall(self, key: str) -> str | None:
        return self.values.get(key)

    def remember(self, key: str, value: str) -> None:
        self.values[key] = value

    def batches(self) -> Sequence[Batch]:
        return tuple(self.journal)

    def update(self, batch: Batch, **changes: object) -> Batch:
        new = replace(batch, **changes)  # type: ignore[arg-type]
        self.journal[self.journal.index(batch)] = new
        return new


@dataclass
class Carried:
    """What became of one carried import."""

    run: MemoryRun
    outcomes: dict[int, RowOutcome]
    unknown_answers: int  # sends whose answer was lost and had to be resolved
    resends: int  # of those, sent again because the target showed they never arrived
    polls: int


def settle(carrier: Carrier, run: MemoryRun, batch: Batch, counts: dict[str, int]) -> Batch:
    """Send one batch until it is acknowledged, refused or unknown (never twice blindly)."""
    batch = run.update(batch, state=BatchState.SENDING)
    while True:
        batch = run.update(batch, attempts=batch.attempts + 1)
        try:
            ack = carrier.send(run, batch)
        except OutcomeUnknown:
            counts["unknown"] += 1
            resolution = carrier.resolve(run, batch)
            if isinstance(resolution, NotSent):
                counts["resends"] += 1
                continue
            if resolution is None:
                return run.update(batch, state=BatchState.UNKNOWN)
            ack = resolution
        except Rejected as exc:
            return run.update(batch, state=BatchState.FAILED, message=exc.message)
        assert isinstance(ack, Ack)
        return run.update(batch, state=BatchState.ACKNOWLEDGED, remote=dict(ack.remote))


def carry(
    carrier: Carrier,
    records: Sequence[dict[str, object]],
    rows: Sequence[int],
    *,
    options: SubmitOptions | None = None,
    import_id: str = "7",
    between_polls: Callable[[], None] = lambda: None,
    max_polls: int = 500,
    run: MemoryRun | None = None,
) -> Carried:
    options = options or SubmitOptions()
    run = run or MemoryRun(import_id, options)
    specs = carrier.batches(records, rows, options)
    run.journal = [
        Batch(s.rows, s.payload, s.content_type, s.label, seq=i)
        for i, s in enumerate(specs, start=1)
    ]
    counts = {"unknown": 0, "resends": 0}
    carrier.prepare(run)
    for batch in list(run.journal):
        settle(carrier, run, batch, counts)
    carrier.finish(run)
    polls = 0
    while not carrier.poll(run).finished:
        polls += 1
        assert polls < max_polls, "the imports never finished"
        between_polls()
    outcomes = {o.row: o for o in carrier.outcomes(run)}
    return Carried(run, outcomes, counts["unknown"], counts["resends"], polls)
