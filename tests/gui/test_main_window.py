"""The window: steps that open in order, menus and keys, drops, undo binding and shutdown."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QKeySequence
from PySide6.QtWidgets import QApplication

from rowboat import __version__
from rowboat.gui.widgets.step_bar import Step
from tests.gui.helpers import (
    TIMEOUT_MS,
    open_and_wait,
    step,
    wait_for_mapping,
    wait_for_result,
)

if TYPE_CHECKING:
    from pathlib import Path

    from pytestqt.qtbot import QtBot

    from rowboat.gui.main_window import MainWindow
    from tests.gui.conftest import Dialogs


def _drop(win: MainWindow, path: Path) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    actions = Qt.DropAction.CopyAction
    enter = QDragEnterEvent(
        QPoint(50, 50), actions, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    QApplication.sendEvent(win, enter)
    assert enter.isAccepted()
    drop = QDropEvent(
        QPointF(50, 50), actions, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    QApplication.sendEvent(win, drop)


def test_steps_open_in_order_and_say_why_not(
    qtbot: QtBot, window: MainWindow, messy_csv: Path
) -> None:
    assert step(window) == Step.OPEN
    assert not window.next.isEnabled()
    assert window.next.toolTip() == "Open a file first."
    assert not window.step_bar.button(Step.TARGET).isEnabled()
    assert "not available yet" in window.step_bar.button(Step.MAP).accessibleDescription()
    open_and_wait(qtbot, window, messy_csv)
    assert window.next.isEnabled()
    assert window.next.text() == "&Next: Target ›"
    assert not window.go_to(Step.MAP)
    window.next.click()
    assert step(window) == Step.TARGET
    assert window.next.toolTip() == "Choose where the rows go first."
    assert "✓" in window.step_bar.button(Step.OPEN).text()
    window.back.click()
    assert step(window) == Step.OPEN
    assert window.session.table is not None


def test_the_step_bar_and_keys_move_between_steps(
    qtbot: QtBot, window: MainWindow, messy_csv: Path
) -> None:
    open_and_wait(qtbot, window, messy_csv)
    window.step_bar.button(Step.TARGET).click()
    assert step(window) == Step.TARGET
    window.target_page.select_endpoint("plandocket.contacts")
    window.menu_actions.next.trigger()
    assert step(window) == Step.MAP
    window.menu_actions.back.trigger()
    assert step(window) == Step.TARGET
    assert QKeySequence(QKeySequence.StandardKey.Forward) in window.menu_actions.next.shortcuts()
    assert QKeySequence("Ctrl+Return") in window.menu_actions.next.shortcuts()
    wait_for_result(qtbot, window)


def test_menus_use_the_platforms_keys(window: MainWindow) -> None:
    actions = window.menu_actions
    assert QKeySequence(QKeySequence.StandardKey.Open) in actions.open.shortcuts()
    assert QKeySequence(QKeySequence.StandardKey.Undo) in actions.undo.shortcuts()
    assert QKeySequence(QKeySequence.StandardKey.Redo) in actions.redo.shortcuts()
    assert actions.quit.shortcuts()
    assert QKeySequence("Ctrl+H") in actions.history.shortcuts()
    actions.history.trigger()
    assert window.showing_history
    assert window.history_button.isChecked()
    titles = [a.text() for a in window.menuBar().actions()]
    assert titles == ["&File", "&Edit", "&View", "&Go", "&Help"]


def test_about_names_the_version(window: MainWindow, dialogs: Dialogs) -> None:
    window.menu_actions.about.trigger()
    kind, text = dialogs.asked[-1]
    assert kind == "about"
    assert f"Rowboat {__version__}" in text


def test_open_uses_the_file_dialog(
    qtbot: QtBot, window: MainWindow, messy_csv: Path, dialogs: Dialogs
) -> None:
    dialogs.open_file = str(messy_csv)
    with qtbot.waitSignal(window.session.table_changed, timeout=TIMEOUT_MS):
        window.menu_actions.open.trigger()
    recent = [a.text() for a in window.menu_actions.recent_menu.actions()]
    assert recent[0] == "&1 teilnehmer.csv"
    assert recent[-1] == "&Clear the list"


def test_a_recent_file_opens_from_the_menu(
    qtbot: QtBot, window: MainWindow, messy_csv: Path, messy_xlsx: Path
) -> None:
    open_and_wait(qtbot, window, messy_csv)
    open_and_wait(qtbot, window, messy_xlsx)
    second = window.menu_actions.recent_menu.actions()[1]
    with qtbot.waitSignal(window.session.table_changed, timeout=TIMEOUT_MS):
        second.trigger()
    assert window.session.path == messy_csv
    window.menu_actions.recent_menu.actions()[-1].trigger()  # clear the list
    assert window.view_state.recent_files == []
    assert [a.text() for a in window.menu_actions.recent_menu.actions()] == ["No recent files"]


def test_a_file_dropped_on_the_window_is_opened(
    qtbot: QtBot, window: MainWindow, messy_csv: Path, messy_xlsx: Path
) -> None:
    open_and_wait(qtbot, window, messy_csv)
    window.go_to(Step.TARGET)
    with qtbot.waitSignal(window.session.table_changed, timeout=TIMEOUT_MS):
        _drop(window, messy_xlsx)
    assert window.session.path == messy_xlsx
    assert step(window) == Step.OPEN


def test_undo_follows_the_page_shown(qtbot: QtBot, window: MainWindow, messy_xlsx: Path) -> None:
    open_and_wait(qtbot, window, messy_xlsx)
    window.go_to(Step.TARGET)
    window.target_page.select_endpoint("plandocket.contacts")
    window.go_to(Step.MAP)
    assert window.undo_group.activeStack() is window.map_page.undo_stack
    wait_for_mapping(qtbot, window)
    window.map_page.table.selectRow(window.map_page.model.row_of("company_name"))
    window.map_page.editor.nowhere.click()
    assert window.menu_actions.undo.isEnabled()
    window.go_to(Step.TARGET)
    assert not window.menu_actions.undo.isEnabled()
    window.go_to(Step.REVIEW)
    assert window.undo_group.activeStack() is window.review_step.undo_stack
    wait_for_result(qtbot, window)


def test_escape_stops_checking(qtbot: QtBot, window: MainWindow, messy_xlsx: Path) -> None:
    open_and_wait(qtbot, window, messy_xlsx)
    window.go_to(Step.TARGET)
    window.target_page.select_endpoint("plandocket.contacts")
    window.runner.schedule()
    assert window.runner.busy
    window.menu_actions.stop.trigger()
    qtbot.waitUntil(lambda: not window.runner.busy, timeout=TIMEOUT_MS)
    assert QKeySequence("Escape") in window.menu_actions.stop.shortcuts()


def test_closing_while_work_runs_stops_it_and_waits(
    qtbot: QtBot, window: MainWindow, messy_xlsx: Path
) -> None:
    from PySide6.QtCore import QThreadPool

    window.open_file(messy_xlsx)
    assert window.loader.busy
    window.close()
    assert QThreadPool.globalInstance().activeThreadCount() == 0  # close waited for them
    assert window.view_state.geometry is not None


def test_the_window_title_and_status_bar_name_the_import(
    qtbot: QtBot, window: MainWindow, messy_csv: Path
) -> None:
    open_and_wait(qtbot, window, messy_csv)
    window.go_to(Step.TARGET)
    window.target_page.select_endpoint("plandocket.contacts")
    assert window.windowTitle() == "teilnehmer.csv – Rowboat"
    assert window.summary.text() == ("teilnehmer.csv: 4 rows  →  Plandocket · Contacts (Sandbox)")
    wait_for_result(qtbot, window)
