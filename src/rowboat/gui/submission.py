"""SubmissionRunner: sends imports and resumes them, one at a time, in a worker of the window.

Submit (a Plan) and Resume (an import id from the journal) are the core's runner.submit and
runner.resume, run on the thread pool with a SignalReporter. Resumes asked for while an import
runs wait their turn in a queue. The page that shows progress connects to the runner's signals;
the journal keeps every step, so a stop, an error or a closed window leaves a resumable import.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal, Slot

from rowboat.core.errors import RowboatError
from rowboat.core.submit.carriers import open_carrier
from rowboat.core.submit.model import ImportState
from rowboat.core.submit.runner import RunSettings, Submission, resume, submit
from rowboat.core.targets import get_endpoint

if TYPE_CHECKING:
    from collections.abc import Callable

    from rowboat.core.progress import Reporter
    from rowboat.core.submit.journal import Journal
    from rowboat.core.submit.plan import Plan
    from rowboat.gui.connection_access import ConnectionAccess
    from rowboat.gui.workers import Worker, Workers

__all__ = ["RunEnd", "SubmissionRunner"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RunEnd:
    """How one run ended: with the import's record (`submission`), or before the runner could
    start or record anything (`error` only), or stopped by the user before it began."""

    import_id: str | None
    submission: Submission | None = None
    error: RowboatError | None = None
    cancelled: bool = False

    @property
    def resumable(self) -> bool:
        if self.submission is not None:
            return self.submission.state.resumable
        return self.import_id is not None


def _submit(
    plan: Plan,
    journal: Journal,
    access: ConnectionAccess,
    settings: RunSettings,
    announce: Callable[[str], None],
    report: Reporter,
) -> Submission:
    connection, secrets = access.resolve(plan.connection, plan.endpoint.system)
    report.raise_if_cancelled()
    carrier = open_carrier(plan.endpoint, connection, secrets, report)
    return submit(plan, journal, carrier, report, settings, on_created=announce)


def _resume(
    import_id: str,
    journal: Journal,
    access: ConnectionAccess,
    settings: RunSettings,
    announce: Callable[[str], None],
    report: Reporter,
) -> Submission:
    record = journal.get(import_id)
    announce(import_id)
    if record.state is ImportState.FINISHED:
        return Submission(record)
    endpoint = get_endpoint(record.endpoint_id)
    connection, secrets = access.resolve(record.connection, endpoint.system)
    report.raise_if_cancelled()
    carrier = open_carrier(endpoint, connection, secrets, report)
    return resume(import_id, journal, carrier, report, settings)


class _Announcer(QObject):
    """Carries the new import's id from the worker thread to the GUI thread (queued)."""

    created = Signal(str)

    def announce(self, import_id: str) -> None:
        self.created.emit(import_id)


class SubmissionRunner(QObject):
    """Runs one import at a time; more resumes wait in a queue.

    Signals:
        busy_changed(bool): an import started, or the last one ended.
        started(str): the run began; its import id once known (created), else "".
        created(str): the import has its id (it is in the journal, nothing sent yet).
        progress(int, int, str): rows sent (what "Sending"), or the remote job's progress (what
            is the job's state in words).
        notice(str): one plain sentence ("Plandocket is busy; trying again in 20 s").
        ended(RunEnd): the run ended (finished, stopped, failed); the next queued one starts.
    """

    busy_changed = Signal(bool)
    started = Signal(str)
    created = Signal(str)
    progress = Signal(int, int, str)
    notice = Signal(str)
    ended = Signal(object)

    def __init__(
        self,
        journal: Journal,
        access: ConnectionAccess,
        workers: Workers,
        settings: RunSettings | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.journal, self._access, self._workers = journal, access, workers
        self.settings = settings or RunSettings()
        self._announcer = _Announcer(self)
        self._announcer.created.connect(self._on_created, Qt.ConnectionType.QueuedConnection)
        self._worker: Worker | None = None
        self._queue: list[str] = []
        self.current_id: str | None = None  # the running import, once journaled
        self.current_file = ""  # its file name, for the question at quit
        self.current_system = ""  # the system it goes to ("Plandocket")
        self.current_where = ""  # "Plandocket · Contacts through 'Sandbox'"
        self.current_plan = ""  # the plan in words

    @property
    def busy(self) -> bool:
        return self._worker is not None

    @property
    def queued(self) -> tuple[str, ...]:
        return tuple(self._queue)

    def submit(self, plan: Plan) -> bool:
        """Send a plan; False (nothing started) while another import runs."""
        if self.busy:
            return False
        self.current_file = plan.file_name
        self.current_system = plan.endpoint.system_label
        self.current_where = _where(plan.endpoint.id, plan.connection)
        self.current_plan = plan.in_words()
        self._start(partial(_submit, plan, self.journal, self._access, self.settings), "")
        return True

    def resume(self, import_id: str) -> None:
        """Go on with an import from the journal now, or after the one running."""
        if import_id == self.current_id or import_id in self._queue:
            return
        if self.busy:
            self._queue.append(import_id)
            return
        self._start_resume(import_id)

    def cancel(self) -> None:
        """Stop after the requests under way (what was acknowledged stays); the queue empties."""
        self._queue.clear()
        if self._worker is not None:
            self._worker.cancel()

    def _start_resume(self, import_id: str) -> None:
        try:
            record = self.journal.get(import_id)
            self.current_file = record.file_name
            self.current_system = get_endpoint(record.endpoint_id).system_label
            self.current_where = _where(record.endpoint_id, record.connection)
            self.current_plan = record.plan
        except RowboatError:  # the worker reports a missing import plainly
            self.current_file = self.current_system = self.current_where = self.current_plan = ""
        self._start(
            partial(_resume, import_id, self.journal, self._access, self.settings), import_id
        )

    def _start(self, work: Callable[..., Submission], import_id: str) -> None:
        self.current_id = import_id or None
        self._worker = self._workers.start(
            partial(work, self._announcer.announce),
            "sending the rows",
            finished=self._on_finished,
            failed=self._on_failed,
            cancelled=self._on_cancelled,
            progress=self._on_progress,
            notice=self._on_notice,
        )
        self.started.emit(import_id)
        self.busy_changed.emit(True)

    def _is_current(self) -> bool:
        return self._worker is not None and self.sender() is self._worker.signals

    @Slot(str)
    def _on_created(self, import_id: str) -> None:
        if self._worker is not None and self.current_id is None:
            self.current_id = import_id
            self.created.emit(import_id)

    @Slot(int, int, str)
    def _on_progress(self, done: int, total: int, what: str) -> None:
        if self._is_current():
            self.progress.emit(done, total, what)

    @Slot(str)
    def _on_notice(self, text: str) -> None:
        if self._is_current():
            self.notice.emit(text)

    @Slot(object)
    def _on_finished(self, done: object) -> None:
        if not self._is_current():
            return
        assert isinstance(done, Submission)
        self._end(RunEnd(done.import_id, done, done.error, cancelled=_was_stopped(done)))

    @Slot(object)
    def _on_failed(self, error: object) -> None:
        if self._is_current():
            log.info("an import could not run: %r", error)
            self._end(RunEnd(self.current_id, None, error))  # type: ignore[arg-type]

    @Slot()
    def _on_cancelled(self) -> None:
        if self._is_current():
            self._end(RunEnd(self.current_id, None, None, cancelled=True))

    def _end(self, end: RunEnd) -> None:
        self._worker = None
        self.current_id = None
        self.ended.emit(end)
        if self._queue:
            self._start_resume(self._queue.pop(0))
        else:
            self.current_file = self.current_system = self.current_where = self.current_plan = ""
            self.busy_changed.emit(False)


def _where(endpoint_id: str, connection: str) -> str:
    from rowboat.gui.models.history_model import target_text

    return f"{target_text(endpoint_id)} through '{connection}'"


def _was_stopped(done: Submission) -> bool:
    return done.state is ImportState.CANCELLED
