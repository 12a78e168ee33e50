"""Guards against the PySide6 build that drains reference counts of None, True and False.

PySide6 6.12.0 on Python 3.11 takes one reference from None on every call of a Qt method that
returns nothing (and from True/False on signal emits); after a few thousand calls the process
aborts with "Fatal Python error: none_dealloc". pyproject pins PySide6 below 6.12; this test
makes sure no upgrade brings the crash back unseen.
"""

from __future__ import annotations

import sys

import pytest

pytest.importorskip("PySide6")

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QLabel, QProgressBar

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

CALLS = 20_000
CHECK_EVERY = 500
# Ordinary interpreter activity moves a count by a handful; the bug moves it by one per call.
TOLERANCE = 100


class _Emitter(QObject):
    flag = Signal(bool)


def _assert_kept(obj: object, before: int, calls: int) -> None:
    # Checked as we go: with the bug, None's count reaches zero and the process aborts long
    # before a check after the loop could report anything.
    lost = before - sys.getrefcount(obj)
    assert lost <= TOLERANCE, (
        f"{lost} references to {obj!r} lost after {calls} Qt calls: this PySide6 build has the "
        "reference-count bug of 6.12.0; keep PySide6-Essentials below 6.12"
    )


def test_void_qt_methods_do_not_drain_none_refcount(qtbot: QtBot) -> None:
    label = QLabel()
    bar = QProgressBar()
    qtbot.addWidget(label)
    qtbot.addWidget(bar)
    before = sys.getrefcount(None)
    for i in range(1, CALLS + 1):
        if i % 2:
            label.setText("row")
        else:
            bar.setValue(i % 100)
        if i % CHECK_EVERY == 0:
            _assert_kept(None, before, i)


def test_signal_emits_do_not_drain_bool_refcounts(qtbot: QtBot) -> None:
    emitter = _Emitter()
    received: list[bool] = []
    emitter.flag.connect(received.append)
    before_true, before_false = sys.getrefcount(True), sys.getrefcount(False)
    for i in range(1, CALLS + 1):
        emitter.flag.emit(i % 2 == 0)
        if i % CHECK_EVERY == 0:
            _assert_kept(True, before_true, i)
            _assert_kept(False, before_false, i)
    assert len(received) == CALLS
