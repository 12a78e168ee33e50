"""Submission's parts: options, batches, acknowledgements, outcomes and the Carrier protocol.

A *Carrier* knows how one endpoint's rows travel to its system (Plandocket's JSON requests,
Eloqua's definition + data + sync, Thought Industries' asset + bulk import + job, Thalamus' file
import). The runner (runner.py) knows nothing of vendors: it asks the carrier for batches at plan
time, journals every batch before and after sending it, and asks the carrier to resolve any batch
whose fate is unknown, to start remote work, to poll it, and to name each row's outcome.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Protocol

from pydantic import BaseModel, ConfigDict
from pydantic import Field as PydanticField

if TYPE_CHECKING:
    from collections.abc import Sequence

    from rowboat.core.progress import Reporter

__all__ = [
    "COMMON_EXTRA",
    "NOT_SENT",
    "Ack",
    "Batch",
    "BatchSpec",
    "BatchState",
    "Carrier",
    "ImportState",
    "JobStatus",
    "NotSent",
    "Outcome",
    "Resolution",
    "RowOutcome",
    "Run",
    "SubmitOptions",
]


class BatchState(StrEnum):
    PLANNED = "planned"  # journaled with its exact payload, not sent yet
    SENDING = "sending"  # about to be sent, or sent without an answer: its fate is to be resolved
    ACKNOWLEDGED = "acknowledged"  # the target answered that it took the batch
    FAILED = "failed"  # the target refused the whole batch; its rows are rejected
    UNKNOWN = "unknown"  # sent, and the target cannot tell whether it arrived: never re-sent


class ImportState(StrEnum):
    SENDING = "sending"  # batches are being sent (or were, when Rowboat stopped)
    TRACKING = "tracking"  # everything is sent; the target's job is being followed
    FINISHED = "finished"  # every row has its outcome
    INTERRUPTED = "interrupted"  # stopped by an error (credentials, no connection): resumable
    CANCELLED = "cancelled"  # stopped by the user: resumable

    @property
    def resumable(self) -> bool:
        return self is not ImportState.FINISHED


class Outcome(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    SKIPPED = "skipped"  # the target left the row alone (it already existed in create mode, …)
    REJECTED = "rejected"  # the target refused the row, with its reason
    UNKNOWN = "unknown"  # sent, and the target cannot say what became of it
    ACCEPTED = "accepted"  # the target took the row; its job has not said what became of it
    INVALID = "invalid"  # not sent: Rowboat's own checks found a problem
    PLANNED = "planned"  # not sent yet (the import was stopped before it)


@dataclass(frozen=True)
class RowOutcome:
    row: int  # 1-based row number in the user's file
    outcome: Outcome
    message: str = ""  # the reason, in plain words ("" for a plain created/updated)


# Keys of SubmitOptions.extra that every carrier accepts: at most that many rows a request (below
# the target's own limit), and the user's file name (set by make_plan; remote imports are named
# after it).
COMMON_EXTRA: tuple[str, ...] = ("rows_per_request", "file_name")


class SubmitOptions(BaseModel):
    """How the rows are to be imported; saved with the import so a resume does the same."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    mode: str | None = None  # "create", "upsert", "update" where the endpoint has modes
    match_field: str | None = None  # the key the target matches existing records by
    event: str | None = None  # Eloqua event id, Plandocket event_key
    dry_run: bool = False
    # Endpoint-specific switches, and the COMMON_EXTRA keys every carrier accepts.
    extra: dict[str, str] = PydanticField(default_factory=dict)


@dataclass(frozen=True)
class BatchSpec:
    """One request's worth of rows, made at plan time: `payload` is exactly what will be sent."""

    rows: tuple[int, ...]  # the user's row numbers, in the order the payload holds them
    payload: bytes
    content_type: str  # "application/json", "text/csv", or the xlsx type
    label: str = ""  # what the user calls it ("rows 5–1004")


@dataclass(frozen=True)
class Batch(BatchSpec):
    """A batch as the journal holds it."""

    seq: int = 0
    state: BatchState = BatchState.PLANNED
    attempts: int = 0
    remote: dict[str, str] = field(default_factory=dict)  # ids the target gave (job, import)
    message: str = ""


@dataclass(frozen=True)
class Ack:
    """The target's answer to one batch: outcomes it settled now and ids of work to follow."""

    outcomes: tuple[RowOutcome, ...] = ()
    remote: dict[str, str] = field(default_factory=dict)


class NotSent:
    """A resolution: the target shows the batch never arrived, so it may be sent normally."""

    def __repr__(self) -> str:
        return "NOT_SENT"


NOT_SENT = NotSent()

Resolution = Ack | NotSent | None  # None: the target cannot tell; the rows become unknown


@dataclass(frozen=True)
class JobStatus:
    """Where the target's remote work stands, for the progress line and the history."""

    finished: bool
    text: str  # "Processing, 40% (400 of 1000 rows)" — shown to the user
    done: int | None = None
    total: int | None = None
    poll_again_in: float | None = None  # seconds, when the target says; else the tracker decides


class Run(Protocol):
    """What the runner lends a carrier for one run of one import."""

    @property
    def import_id(self) -> str: ...

    @property
    def options(self) -> SubmitOptions: ...

    @property
    def report(self) -> Reporter: ...

    def recall(self, key: str) -> str | None:
        """A value the carrier remembered for this import (kept across crashes and restarts)."""

    def remember(self, key: str, value: str) -> None:
        """Keep a value for this import (e.g. Eloqua's definition uri), durably, right now."""

    def batches(self) -> Sequence[Batch]:
        """Every batch of the import as the journal holds it now."""


class Carrier(Protocol):
    """How one endpoint's rows travel to its system. One instance serves one run."""

    system_label: str  # "Plandocket"
    concurrency: int  # requests that may be in flight at once
    dry_run_supported: bool

    def batches(
        self, records: Sequence[dict[str, object]], rows: Sequence[int], options: SubmitOptions
    ) -> list[BatchSpec]:
        """The valid rows' typed records cut into requests the target accepts."""

    def describe(self, batches: Sequence[BatchSpec], options: SubmitOptions) -> str:
        """The plan in one or two plain sentences, with how long it should take."""

    def prepare(self, run: Run) -> None:
        """Once at the start of every run, resumes included: log in, create what the batches
        need (idempotently: look at `run.recall` first)."""

    def send(self, run: Run, batch: Batch) -> Ack:
        """Send one batch. Raises OutcomeUnknown when it may have arrived without an answer,
        Rejected when the target refused it whole, other TargetErrors when it cannot go on."""

    def resolve(self, run: Run, batch: Batch) -> Resolution:
        """Find out from the target what became of a batch sent without an answer: an Ack (it
        arrived, or it was safely re-sent), NOT_SENT, or None when the target cannot tell."""

    def finish(self, run: Run) -> None:
        """After every batch is settled: start the remote work (Eloqua's sync), idempotently."""

    def poll(self, run: Run) -> JobStatus:
        """Where the remote work stands; `finished` once every job has ended (at once when the
        target answers each request in full, as Plandocket does)."""

    def outcomes(self, run: Run) -> list[RowOutcome]:
        """After `poll` said finished: the final outcome of every row the jobs decided. Rows it
        leaves out keep the outcome their batch's Ack gave them."""

    def close(self) -> None:
        """Release connections and log out."""
