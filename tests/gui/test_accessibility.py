"""Every control can be found and understood without sight: names, descriptions, keys."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

pytest.importorskip("PySide6")

from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QHeaderView,
    QLineEdit,
    QMenuBar,
    QPlainTextEdit,
    QWidget,
)

from rowboat.gui.widgets.step_bar import Step
from tests.gui.helpers import open_and_wait, wait_for_result

if TYPE_CHECKING:
    from pathlib import Path

    from pytestqt.qtbot import QtBot

    from rowboat.gui.main_window import MainWindow

CONTROLS = (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
)


def _unnamed(root: QWidget) -> list[str]:
    missing = []
    for widget in root.findChildren(QWidget):
        if not isinstance(widget, CONTROLS):
            continue
        parent = widget.parentWidget()
        if isinstance(widget, QLineEdit) and isinstance(parent, (QComboBox, QAbstractSpinBox)):
            continue  # the line edit inside a combo or spin box speaks for its owner
        if widget.window() is not root or isinstance(widget, QHeaderView):
            continue  # popups of combo boxes and completers; a table's header speaks for it
        if isinstance(parent, (QAbstractItemView, QMenuBar)):
            continue  # Qt's own corner and overflow buttons
        name = widget.accessibleName() or (
            widget.text().replace("&", "") if isinstance(widget, QAbstractButton) else ""
        )
        what = f"{type(widget).__name__} {name or '?'} in {type(parent).__name__}"
        if not name:
            missing.append(f"no name: {what}")
        elif not widget.accessibleDescription():
            missing.append(f"no description: {what}")
    return missing


def test_every_control_has_a_name_and_a_description(
    qtbot: QtBot, window: MainWindow, messy_csv: Path
) -> None:
    open_and_wait(qtbot, window, messy_csv)
    window.go_to(Step.TARGET)
    window.target_page.select_endpoint("eloqua.event-registrants")
    window.go_to(Step.MAP)
    wait_for_result(qtbot, window)
    assert _unnamed(window) == []


def test_labels_point_at_their_controls_so_alt_letters_reach_them(window: MainWindow) -> None:
    import re

    from PySide6.QtWidgets import QLabel

    for label in window.findChildren(QLabel):
        if re.search(r"&[A-Za-z]", label.text().replace("&&", "")):
            assert label.buddy() is not None, label.text()


def test_the_whole_flow_is_reachable_by_keyboard(
    qtbot: QtBot, window: MainWindow, messy_csv: Path
) -> None:
    """Every step's main control takes the focus when the step is shown (Tab order follows)."""
    open_and_wait(qtbot, window, messy_csv)
    assert window.open_page.table.hasFocus() or window.focusWidget() is not None
    window.go_to(Step.TARGET)
    assert window.target_page.cards.hasFocus()
    window.target_page.select_endpoint("plandocket.contacts")
    window.go_to(Step.MAP)
    assert window.map_page.table.hasFocus()
    wait_for_result(qtbot, window)
    window.go_to(Step.REVIEW)
    assert window.next.hasFocus()
