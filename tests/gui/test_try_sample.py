"""First run: "Try the sample" opens the bundled attendee list for Plandocket contacts with the
built-in Sandbox, so a new user can go through every step without an account."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from rowboat.gui.session import SANDBOX
from rowboat.gui.widgets.step_bar import Step
from rowboat.resources import sample_path
from tests.gui.helpers import TIMEOUT_MS, wait_for_result

if TYPE_CHECKING:
    from pytestqt.qtbot import QtBot

    from rowboat.gui.main_window import MainWindow


def _try_the_sample(qtbot: QtBot, window: MainWindow) -> None:
    button = window.open_page.start.sample
    assert button.isVisible()
    with qtbot.waitSignal(window.session.table_changed, timeout=TIMEOUT_MS):
        QTest.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not window.loader.busy, timeout=TIMEOUT_MS)


def test_the_sample_opens_ready_for_plandocket_through_the_sandbox(
    qtbot: QtBot, window: MainWindow
) -> None:
    _try_the_sample(qtbot, window)
    s = window.session
    assert s.path == sample_path()
    assert s.table is not None
    assert s.table.info.header_row == 4
    assert s.endpoint is not None
    assert s.endpoint.id == "plandocket.contacts"
    assert s.connection == SANDBOX
    assert window.target_page.connection.currentText() == SANDBOX
    for step in (Step.TARGET, Step.MAP):
        assert window.go_to(step)
    wait_for_result(qtbot, window)
    assert window.go_to(Step.REVIEW)
    assert window.go_to(Step.SUBMIT)
    assert s.result is not None
    assert 0 < s.result.valid_count < len(s.table)


def test_the_sample_goes_to_the_sandbox_even_after_a_real_connection(
    qtbot: QtBot, window: MainWindow
) -> None:
    page = window.target_page
    page.select_endpoint("plandocket.contacts")
    page.set_connections({"plandocket": ["Acme"]})
    page.connection.setCurrentText("Acme")
    assert window.session.connection == "Acme"
    _try_the_sample(qtbot, window)
    assert window.session.connection == SANDBOX
    assert page.connection.currentText() == SANDBOX
    assert window.view_state.last_connection == SANDBOX
