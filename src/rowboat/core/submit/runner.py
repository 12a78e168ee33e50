"""submit and resume: a plan carried to the target, every step journaled, to every row's outcome.

The runner knows no vendor. It journals the whole plan, then for each batch: marks it sending
(committed), sends it through the carrier (bounded concurrency), and journals the answer. A batch
whose answer was lost stays "sending" and is resolved from the target before anything else is
sent; a crash at any point leaves exactly that state, so `resume` is the same code path as a
first run. Then the carrier starts and follows the remote work, and names each row's outcome.

Journal writes happen on the runner's thread; requests run on a small thread pool.
"""

from __future__ import annotations

import logging
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor
from concurrent.futures import wait as wait_for
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rowboat.core.errors import (
    Cancelled,
    ConfigurationError,
    OutcomeUnknown,
    Rejected,
    RowboatError,
)
from rowboat.core.jobs.tracker import TrackPolicy, follow
from rowboat.core.progress import NULL_REPORTER, Reporter, wait
from rowboat.core.submit.journal import ImportRecord, Journal, NewImport
from rowboat.core.submit.model import (
    Ack,
    Batch,
    BatchState,
    ImportState,
    NotSent,
    Outcome,
    SubmitOptions,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from rowboat.core.submit.model import Carrier, JobStatus
    from rowboat.core.submit.plan import Plan

__all__ = ["RunSettings", "Submission", "resume", "submit"]

log = logging.getLogger(__name__)

_FINISHED_SENDING = "runner.remote_started"  # memory key: carrier.finish() has been done
_RESOLVE_ROUNDS = 5  # batches re-planned by resolution are sent again at most this often


@dataclass(frozen=True)
class RunSettings:
    """How a run waits: the tracker's back-off and the sleep used (tests move a clock)."""

    track: TrackPolicy = field(default_factory=TrackPolicy)
    sleep: Callable[[float, Reporter], None] = wait


@dataclass(frozen=True)
class Submission:
    """Where an import stands after a run: its record, and the error that stopped it, if any."""

    record: ImportRecord
    error: RowboatError | None = None

    @property
    def import_id(self) -> str:
        return self.record.id

    @property
    def state(self) -> ImportState:
        return self.record.state


class _JournalRun:
    """The Run a carrier sees: the import's options, reporter and durable memory."""

    def __init__(
        self, journal: Journal, import_id: str, options: SubmitOptions, report: Reporter
    ) -> None:
        self._journal = journal
        self._import_id = import_id
        self._options = options
        self._report = report

    @property
    def import_id(self) -> str:
        return self._import_id

    @property
    def options(self) -> SubmitOptions:
        return self._options

    @property
    def report(self) -> Reporter:
        return self._report

    def recall(self, key: str) -> str | None:
        return self._journal.recall(self._import_id, key)

    def remember(self, key: str, value: str) -> None:
        self._journal.remember(self._import_id, key, value)

    def batches(self) -> Sequence[Batch]:
        return self._journal.batches(self._import_id)


def submit(
    plan: Plan,
    journal: Journal,
    carrier: Carrier,
    report: Reporter = NULL_REPORTER,
    settings: RunSettings | None = None,
    *,
    on_created: Callable[[str], None] | None = None,
) -> Submission:
    """Journal the plan as a new import and run it. `on_created(import_id)` is called as soon
    as the import is journaled, before anything is sent (so a caller can show the id)."""
    if plan.blockers:
        raise ConfigurationError(plan.blockers[0], hint=" ".join(plan.blockers[1:]))
    import_id = journal.create(
        NewImport(
            file_name=plan.file_name,
            file_fingerprint=plan.file_fingerprint,
            sheet=plan.sheet,
            endpoint_id=plan.endpoint.id,
            system=plan.endpoint.system,
            connection=plan.connection,
            options=plan.options,
            total_rows=plan.total_rows,
            plan=plan.in_words(),
            batches=plan.batches,
            records=plan.records,
            not_sent=plan.not_sent,
        )
    )
    if on_created is not None:
        on_created(import_id)
    return resume(import_id, journal, carrier, report, settings)


def resume(
    import_id: str,
    journal: Journal,
    carrier: Carrier,
    report: Reporter = NULL_REPORTER,
    settings: RunSettings | None = None,
) -> Submission:
    """Run (or go on with) an import until every row has its outcome, or until something stops
    it; a stopped import keeps its journal and can be resumed again. The carrier is closed."""
    settings = settings or RunSettings()
    try:
        record = journal.get(import_id)
        if record.state is ImportState.FINISHED:
            return Submission(record)
        journal.claim(import_id)
    except BaseException:
        carrier.close()
        raise
    run = _JournalRun(journal, import_id, record.options, report)
    error: RowboatError | None = None
    try:
        _carry(run, journal, carrier, settings)
    except Cancelled as exc:
        error = exc
        journal.set_state(import_id, ImportState.CANCELLED, _stopped_text(journal, import_id))
    except RowboatError as exc:
        error = exc
        log.info("import %s interrupted: %s (%s)", import_id, exc.message, exc.detail)
        journal.set_state(import_id, ImportState.INTERRUPTED, exc.message)
    finally:
        try:
            carrier.close()
        finally:
            journal.release(import_id)
    return Submission(journal.get(import_id), error)


def _carry(run: _JournalRun, journal: Journal, carrier: Carrier, settings: RunSettings) -> None:
    import_id = run.import_id
    if journal.get(import_id).state is not ImportState.TRACKING:
        journal.set_state(import_id, ImportState.SENDING, "Sending")
    carrier.prepare(run)
    if run.recall(_FINISHED_SENDING) is None:
        for _ in range(_RESOLVE_ROUNDS):
            _resolve(run, journal, carrier)
            _send(run, journal, carrier)
            if not journal.batches(import_id, BatchState.SENDING):
                break
        _resolve(run, journal, carrier)
        left = journal.batches(import_id, BatchState.SENDING) + journal.batches(
            import_id, BatchState.PLANNED
        )
        if left:
            raise RowboatError(
                f"{carrier.system_label} kept losing the answers for {len(left)} requests.",
                hint="Resume the import later; nothing will be sent twice.",
            )
        carrier.finish(run)
        run.remember(_FINISHED_SENDING, "1")
    journal.set_state(import_id, ImportState.TRACKING, "Waiting for the target to finish")

    def on_status(status: JobStatus) -> None:
        journal.set_status(import_id, status.text)

    follow(run, carrier, policy=settings.track, sleep=settings.sleep, on_status=on_status)
    journal.set_outcomes(import_id, carrier.outcomes(run))
    journal.set_state(import_id, ImportState.FINISHED, _finished_text(journal.get(import_id)))


def _send(run: _JournalRun, journal: Journal, carrier: Carrier) -> None:
    """Send every planned batch, at most `carrier.concurrency` at once."""
    import_id = run.import_id
    todo = journal.batches(import_id, BatchState.PLANNED)
    if not todo:
        return
    report = run.report
    rows = journal.rows_by_state(import_id)
    total = sum(rows.values())
    sent = total - rows.get(BatchState.PLANNED, 0) - rows.get(BatchState.SENDING, 0)
    report.progress(sent, total, "Sending")
    stop: RowboatError | None = None
    pending = iter(todo)
    inflight: dict[Future[Ack], Batch] = {}
    with ThreadPoolExecutor(max(1, carrier.concurrency), thread_name_prefix="rowboat-send") as pool:
        while True:
            while stop is None and len(inflight) < max(1, carrier.concurrency):
                try:
                    report.raise_if_cancelled()
                except Cancelled as exc:
                    stop = exc
                    break
                batch = next(pending, None)
                if batch is None:
                    break
                journal.mark_sending(import_id, batch.seq)  # committed before it leaves
                inflight[pool.submit(carrier.send, run, batch)] = batch
            if not inflight:
                break
            done, _ = wait_for(inflight, return_when=FIRST_COMPLETED)
            for future in done:
                batch = inflight.pop(future)
                try:
                    ack = future.result()
                except OutcomeUnknown as exc:
                    journal.note(import_id, batch.seq, exc.message)  # resolved before going on
                except Rejected as exc:
                    journal.fail(import_id, batch.seq, exc.message)
                    sent += len(batch.rows)
                except RowboatError as exc:
                    # Cancelled, credentials refused, the target unreachable: the batch stays
                    # "sending" (its fate is resolved on resume) and nothing more is started.
                    journal.note(import_id, batch.seq, exc.message)
                    stop = stop or exc
                else:
                    journal.acknowledge(import_id, batch.seq, ack, Outcome.ACCEPTED)
                    sent += len(batch.rows)
                report.progress(sent, total, "Sending")
    if stop is not None:
        raise stop


def _resolve(run: _JournalRun, journal: Journal, carrier: Carrier) -> None:
    """Ask the target about every batch sent without an answer (or cut off by a crash)."""
    for batch in journal.batches(run.import_id, BatchState.SENDING):
        run.report.raise_if_cancelled()
        resolution = carrier.resolve(run, batch)
        if isinstance(resolution, Ack):
            journal.acknowledge(run.import_id, batch.seq, resolution, Outcome.ACCEPTED)
        elif isinstance(resolution, NotSent):
            journal.replan(run.import_id, batch.seq)
        else:
            journal.unknown(
                run.import_id,
                batch.seq,
                f"Sent, but {carrier.system_label} cannot tell whether this row arrived. "
                f"Check it in {carrier.system_label} before sending it again.",
            )


def _stopped_text(journal: Journal, import_id: str) -> str:
    record = journal.get(import_id)
    done = record.batch_states.get(BatchState.ACKNOWLEDGED, 0) + record.batch_states.get(
        BatchState.FAILED, 0
    )
    total = sum(record.batch_states.values())
    return f"Stopped by you after {done} of {total} requests. Resume to send the rest."


def _finished_text(record: ImportRecord) -> str:
    parts = [
        f"{record.count(o):,} {o.value}"
        for o in (
            Outcome.CREATED,
            Outcome.UPDATED,
            Outcome.ACCEPTED,
            Outcome.SKIPPED,
            Outcome.REJECTED,
            Outcome.UNKNOWN,
            Outcome.INVALID,
        )
        if record.count(o)
    ]
    return "Finished: " + ", ".join(parts) + "." if parts else "Finished."
