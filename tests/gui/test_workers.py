"""Workers run core functions off the GUI thread and report back through queued signals."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import QObject, Slot

from rowboat.core.errors import Rejected, RowboatError
from rowboat.gui.workers import Workers

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

    from rowboat.core.progress import Reporter


class _Receiver(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.results: list[object] = []
        self.errors: list[RowboatError] = []
        self.progress: list[tuple[int, int]] = []
        self.threads: list[threading.Thread] = []

    @Slot(object)
    def on_finished(self, result: object) -> None:
        self.threads.append(threading.current_thread())
        self.results.append(result)

    @Slot(object)
    def on_failed(self, error: object) -> None:
        assert isinstance(error, RowboatError)
        self.errors.append(error)

    @Slot(int, int, str)
    def on_progress(self, done: int, total: int, what: str) -> None:
        self.progress.append((done, total))


class _Stops(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.stopped = False

    @Slot()
    def on_cancelled(self) -> None:
        self.stopped = True


def test_result_arrives_on_the_gui_thread(qtbot: QtBot) -> None:
    workers, receiver = Workers(), _Receiver()
    ran_on: list[threading.Thread] = []

    def work(report: Reporter) -> int:
        ran_on.append(threading.current_thread())
        report.progress(1, 1, "Working")
        return 42

    workers.start(work, "working", finished=receiver.on_finished, progress=receiver.on_progress)
    qtbot.waitUntil(lambda: workers.running == 0, timeout=5000)
    assert receiver.results == [42]
    assert receiver.progress == [(1, 1)]
    assert ran_on[0] is not threading.main_thread()
    assert receiver.threads == [threading.main_thread()]


def test_errors_arrive_as_plain_errors_and_bugs_are_wrapped(qtbot: QtBot) -> None:
    workers, receiver = Workers(), _Receiver()

    def refused(report: Reporter) -> None:
        raise Rejected("Plandocket refused the request.")

    def bug(report: Reporter) -> None:
        raise ZeroDivisionError

    for fn in (refused, bug):
        workers.start(fn, "sending", failed=receiver.on_failed)
    qtbot.waitUntil(lambda: len(receiver.errors) == 2, timeout=5000)
    receiver.errors.sort(key=lambda e: isinstance(e, Rejected), reverse=True)
    assert isinstance(receiver.errors[0], Rejected)
    assert "unexpected problem while sending" in receiver.errors[1].message
    assert "ZeroDivisionError" in receiver.errors[1].detail


def test_cancel_stops_work_at_its_next_check(qtbot: QtBot) -> None:
    workers = Workers()
    started = threading.Event()

    def slow(report: Reporter) -> None:
        started.set()
        while True:
            report.raise_if_cancelled()
            threading.Event().wait(0.001)

    receiver = _Stops()
    worker = workers.start(slow, "reading", cancelled=receiver.on_cancelled)
    assert started.wait(5)
    worker.cancel()
    qtbot.waitUntil(lambda: receiver.stopped, timeout=5000)
    assert workers.wait(5000)
