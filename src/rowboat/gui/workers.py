"""Workers: core functions on the thread pool, reporting through signals (after superqt).

A core function takes a Reporter; `Workers.start(fn, ...)` runs `fn(reporter)` on
`QThreadPool.globalInstance()` and hands back a `Worker` whose `signals` are emitted on the GUI
thread. Connect them only to `@Slot` methods of GUI-thread QObjects, never to lambdas: a lambda
has no thread affinity and PySide6 may run it on the worker thread
(see fork-tongue/observ#164).

The pool thread emits on a private signals object that is connected, before the work starts, to
a relay in the GUI thread; the relay emits the public `signals`. A queued signal reaches only the
receivers connected when it is emitted, so without the relay a quick worker could finish before
its caller had connected to it, and its result would be lost.
"""

from __future__ import annotations

import logging
import threading
import time
import traceback
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal, Slot

from rowboat.core.errors import Cancelled, RowboatError

if TYPE_CHECKING:
    from collections.abc import Callable

    from rowboat.core.progress import Reporter

__all__ = ["SignalReporter", "Worker", "WorkerSignals", "Workers", "unexpected_error"]

log = logging.getLogger(__name__)

PROGRESS_INTERVAL = 0.05  # seconds between progress signals: more would flood the event loop


def unexpected_error(what: str) -> RowboatError:
    """The plain error shown for a bug; the traceback goes to the log and to Details."""
    detail = traceback.format_exc()
    log.error("unexpected error while %s:\n%s", what, detail)
    return RowboatError(
        f"Rowboat hit an unexpected problem while {what}. Your file was not changed.",
        hint="The details were written to the log file; please send it to support.",
        detail=detail,
    )


class WorkerSignals(QObject):
    """Signals of one Worker: progress(done, total, what), notice(sentence), finished(result),
    failed(RowboatError), cancelled(), and ended() after any of the last three."""

    progress = Signal(int, int, str)
    notice = Signal(str)
    finished = Signal(object)
    failed = Signal(object)
    cancelled = Signal()
    ended = Signal()


class _Relay(QObject):
    """Lives in the GUI thread: re-emits what a pool thread emitted on the public signals."""

    def __init__(self, public: WorkerSignals) -> None:
        super().__init__()
        self._public = public

    def attach(self, raw: WorkerSignals) -> None:
        # Queued: `raw` is emitted on a pool thread, this object lives in the GUI thread.
        kind = Qt.ConnectionType.QueuedConnection
        raw.progress.connect(self._progress, kind)
        raw.notice.connect(self._notice, kind)
        raw.finished.connect(self._finished, kind)
        raw.failed.connect(self._failed, kind)
        raw.cancelled.connect(self._cancelled, kind)
        raw.ended.connect(self._ended, kind)

    @Slot(int, int, str)
    def _progress(self, done: int, total: int, what: str) -> None:
        self._public.progress.emit(done, total, what)

    @Slot(str)
    def _notice(self, text: str) -> None:
        self._public.notice.emit(text)

    @Slot(object)
    def _finished(self, result: object) -> None:
        self._public.finished.emit(result)

    @Slot(object)
    def _failed(self, error: object) -> None:
        self._public.failed.emit(error)

    @Slot()
    def _cancelled(self) -> None:
        self._public.cancelled.emit()

    @Slot()
    def _ended(self) -> None:
        self._public.ended.emit()


class SignalReporter:
    """A core Reporter that emits progress at most every PROGRESS_INTERVAL and carries the cancel
    flag of its worker."""

    def __init__(self, signals: WorkerSignals, cancel: threading.Event) -> None:
        self._signals = signals
        self._cancel = cancel
        self._last = 0.0

    def progress(self, done: int, total: int, what: str = "") -> None:
        now = time.monotonic()
        if now - self._last < PROGRESS_INTERVAL and done < total:
            return
        self._last = now
        self._signals.progress.emit(int(done), int(total), what)

    def notice(self, text: str) -> None:
        self._signals.notice.emit(text)

    def raise_if_cancelled(self) -> None:
        if self._cancel.is_set():
            raise Cancelled()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()


class Worker(QRunnable):
    """Runs `fn(reporter)` once on a pool thread; the outcome arrives through `signals`."""

    def __init__(self, fn: Callable[[Reporter], Any], what: str) -> None:
        super().__init__()
        self.setAutoDelete(False)  # Python keeps it (in Workers) until it has ended
        self.signals = WorkerSignals()  # emitted on the GUI thread, by the relay
        self._raw = WorkerSignals()  # emitted on the pool thread
        self._relay = _Relay(self.signals)
        self._relay.attach(self._raw)
        self.what = what
        self._fn = fn
        self._cancel = threading.Event()

    def cancel(self) -> None:
        """Ask the work to stop at its next check of the reporter (safe from any thread)."""
        self._cancel.set()

    @property
    def cancel_requested(self) -> bool:
        return self._cancel.is_set()

    def run(self) -> None:
        signals = self._raw
        reporter = SignalReporter(signals, self._cancel)
        try:
            result = self._fn(reporter)
        except Cancelled:
            signals.cancelled.emit()
        except RowboatError as exc:
            signals.failed.emit(exc)
        except Exception:  # noqa: BLE001 - a bug must become a plain error, not a dead thread
            signals.failed.emit(unexpected_error(self.what))
        else:
            signals.finished.emit(result)
        signals.ended.emit()


class Workers(QObject):
    """Starts workers on the global pool and keeps each referenced until it has ended.

    One per window (or page) that starts work; `cancel_all()` and `wait()` serve shutdown.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._running: set[Worker] = set()

    def start(
        self,
        fn: Callable[[Reporter], Any],
        what: str,
        *,
        finished: Callable[[object], None] | None = None,
        failed: Callable[[object], None] | None = None,
        cancelled: Callable[[], None] | None = None,
        progress: Callable[[int, int, str], None] | None = None,
        notice: Callable[[str], None] | None = None,
    ) -> Worker:
        """Run `fn(reporter)`, the given @Slot methods connected to its signals. Slots may also
        be connected to the returned worker's signals before control returns to the event
        loop (the relay emits them from there, so nothing is missed)."""
        worker = Worker(fn, what)
        signals = worker.signals
        for signal, slot in (
            (signals.finished, finished),
            (signals.failed, failed),
            (signals.cancelled, cancelled),
            (signals.progress, progress),
            (signals.notice, notice),
        ):
            if slot is not None:
                signal.connect(slot)
        self._running.add(worker)
        signals.ended.connect(self._forget)
        QThreadPool.globalInstance().start(worker)
        return worker

    @property
    def running(self) -> int:
        return len(self._running)

    def cancel_all(self) -> None:
        for worker in list(self._running):
            worker.cancel()

    def wait(self, msecs: int = 5000) -> bool:
        """Block until every pool thread is idle (for shutdown); False when time ran out."""
        return bool(QThreadPool.globalInstance().waitForDone(msecs))

    @Slot()
    def _forget(self) -> None:
        sender = self.sender()
        for worker in list(self._running):
            if worker.signals is sender:
                self._running.discard(worker)
