"""Waiting on the window's workers in GUI tests (never a sleep)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

    from pytestqt.qtbot import QtBot

    from rowboat.gui.main_window import MainWindow
    from rowboat.gui.widgets.step_bar import Step

TIMEOUT_MS = 20_000


def open_and_wait(qtbot: QtBot, win: MainWindow, path: Path) -> None:
    """Open a file through the window and wait until its table is in the session."""
    with qtbot.waitSignal(win.session.table_changed, timeout=TIMEOUT_MS):
        win.open_file(path)
    qtbot.waitUntil(lambda: not win.loader.busy, timeout=TIMEOUT_MS)


def wait_for_mapping(qtbot: QtBot, win: MainWindow) -> None:
    """Wait until the columns are matched for the chosen endpoint."""
    qtbot.waitUntil(
        lambda: not win.keeper.busy and win.session.mapping is not None, timeout=TIMEOUT_MS
    )


def wait_for_result(qtbot: QtBot, win: MainWindow) -> None:
    """Wait until the rows are checked with the session's current table, target and mapping."""
    s = win.session

    def checked() -> bool:
        if win.loader.busy or win.keeper.busy or win.runner.busy or s.result is None:
            return False
        return s.result.table is s.table and s.result.mapping == s.mapping

    qtbot.waitUntil(checked, timeout=TIMEOUT_MS)


def wait_until_idle(qtbot: QtBot, win: MainWindow) -> None:
    qtbot.waitUntil(lambda: not win.loader.busy and not win.runner.busy, timeout=TIMEOUT_MS)


def step(win: MainWindow) -> Step:
    """The step shown (a call, so that mypy does not narrow it between assertions)."""
    return win.step
