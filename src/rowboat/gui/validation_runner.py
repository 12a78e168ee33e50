"""ValidationRunner: checks the rows again, in a worker, whenever their inputs change."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from rowboat.core.validation import validate

if TYPE_CHECKING:
    from collections.abc import Callable

    from rowboat.core.errors import RowboatError
    from rowboat.core.mapping import Mapping
    from rowboat.core.progress import Reporter
    from rowboat.core.table import Table
    from rowboat.core.targets import Endpoint
    from rowboat.core.validation import ValidationOptions, ValidationResult
    from rowboat.gui.session import ImportSession
    from rowboat.gui.workers import Worker, Workers

__all__ = ["SETTLE_MS", "ValidationRunner"]

# Arrow keys over the target cards or quick mapping edits change the inputs several times a
# second; checking starts once they have been still this long (a newer check cancels the old).
SETTLE_MS = 150


def _check(
    table: Table, endpoint: Endpoint, mapping: Mapping, options: ValidationOptions
) -> Callable[[Reporter], ValidationResult]:
    def work(report: Reporter) -> ValidationResult:
        result = validate(table, endpoint, mapping, options, report=report)
        report.raise_if_cancelled()
        return result

    return work


class ValidationRunner(QObject):
    """Runs core.validate on the session's table, endpoint, mapping and options, on the pool.

    Signals:
        started(): a check began (the session's result is about to be replaced).
        progress(int, int, str): the check's progress.
        failed(RowboatError): the check could not run (the mapping does not fit, a bug).
        busy_changed(bool): a check is running, or no longer.
    """

    started = Signal()
    progress = Signal(int, int, str)
    failed = Signal(object)
    busy_changed = Signal(bool)

    def __init__(self, session: ImportSession, workers: Workers, parent: QObject | None = None):
        super().__init__(parent)
        self._session, self._workers = session, workers
        self._current: Worker | None = None
        self._checked: tuple[object, ...] | None = None  # the inputs of the last check started
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SETTLE_MS)
        self._timer.timeout.connect(self._run)
        for signal in (
            session.table_changed,
            session.target_changed,
            session.mapping_changed,
            session.options_changed,
        ):
            signal.connect(self.schedule)

    @property
    def busy(self) -> bool:
        return self._current is not None or self._timer.isActive()

    @Slot()
    def schedule(self) -> None:
        self._timer.start()

    def cancel(self) -> None:
        self._timer.stop()
        if self._current is not None:
            self._current.cancel()

    @Slot()
    def _run(self) -> None:
        s = self._session
        table, endpoint, mapping = s.table, s.endpoint, s.mapping
        if table is None or endpoint is None or mapping is None:
            if self._current is not None:
                self._stop_current()
                self.busy_changed.emit(False)
            self._checked = None
            if s.result is not None:
                s.set_result(None)
            return
        if mapping.endpoint_id != endpoint.id:
            return  # the mapping for the new endpoint follows at once
        inputs = (table, endpoint, mapping, s.options)
        if self._checked is not None and self._same(inputs, self._checked):
            return  # only the connection or event changed: the rows check the same
        was_busy = self._current is not None
        self._stop_current()
        self._checked = inputs
        self._current = self._workers.start(
            _check(table, endpoint, mapping, s.options), "checking the rows"
        )
        self._current.signals.progress.connect(self._on_progress)
        self._current.signals.finished.connect(self._on_finished)
        self._current.signals.failed.connect(self._on_failed)
        self._current.signals.cancelled.connect(self._on_cancelled)
        self.started.emit()
        if not was_busy:
            self.busy_changed.emit(True)

    @staticmethod
    def _same(a: tuple[object, ...], b: tuple[object, ...]) -> bool:
        # A Table holds a DataFrame, whose == compares cells: the same table is the same object.
        return a[0] is b[0] and a[1:] == b[1:]

    def _stop_current(self) -> None:
        if self._current is not None:
            self._current.cancel()  # its late signals are ignored: it is no longer current
            self._current = None

    def _is_current(self) -> bool:
        return self._current is not None and self.sender() is self._current.signals

    @Slot(int, int, str)
    def _on_progress(self, done: int, total: int, what: str) -> None:
        if self._is_current():
            self.progress.emit(done, total, what)

    @Slot(object)
    def _on_finished(self, result: ValidationResult) -> None:
        if self._is_current():
            self._end()
            self._session.set_result(result)

    @Slot(object)
    def _on_failed(self, error: RowboatError) -> None:
        if self._is_current():
            self._end()
            self._checked = None
            self._session.set_result(None)
            self.failed.emit(error)

    @Slot()
    def _on_cancelled(self) -> None:
        if self._is_current():
            self._end()
            self._checked = None

    def _end(self) -> None:
        self._current = None
        self.busy_changed.emit(False)
