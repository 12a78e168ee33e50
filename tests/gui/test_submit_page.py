"""The Submit & Track step says plainly that submitting is not here yet, and what would be sent."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

pytest.importorskip("PySide6")

from rowboat.gui.widgets.step_bar import Step
from tests.gui.helpers import open_and_wait, wait_for_result

if TYPE_CHECKING:
    from pathlib import Path

    from pytestqt.qtbot import QtBot

    from rowboat.gui.main_window import MainWindow


def test_it_says_what_would_be_sent_and_that_submitting_comes_later(
    qtbot: QtBot, window: MainWindow, messy_csv: Path
) -> None:
    page = window.submit_page
    assert "Nothing is checked yet" in page.plan.text()
    open_and_wait(qtbot, window, messy_csv)
    window.go_to(Step.TARGET)
    window.target_page.select_endpoint("plandocket.participants")
    window.target_page.event_combo.setEditText("summit-2026")
    wait_for_result(qtbot, window)
    assert window.go_to(Step.SUBMIT)
    assert "arrives with the submission core" in page.notice.text()
    assert not page.submit.isEnabled()
    assert "submission core" in page.submit.toolTip()
    lines = page.plan.text().splitlines()
    assert lines[:3] == [
        "Target: Plandocket · Event participants",
        "Connection: Sandbox",
        "Plandocket event key: summit-2026",
    ]
    assert "3 rows are ready to send." in lines
    assert "1 row with problems would be left out." in lines
    assert not window.next.isEnabled()


def test_an_edit_on_the_review_page_updates_what_would_be_sent(
    qtbot: QtBot, window: MainWindow, messy_csv: Path
) -> None:
    open_and_wait(qtbot, window, messy_csv)
    window.go_to(Step.TARGET)
    window.target_page.select_endpoint("eloqua.event-registrants")
    wait_for_result(qtbot, window)
    window.go_to(Step.SUBMIT)
    assert "Eloqua event: none chosen yet (needed)" in window.submit_page.plan.text()
    with qtbot.waitSignal(window.review_step.edited, timeout=2000):
        window.review_step.page.edited.emit()
    assert window.review_step.corrected_result() is window.session.result
