"""Driving the Submit & Track step in GUI tests: to a plan, through Submit, to the outcome."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rowboat.gui.widgets.step_bar import Step
from tests.gui.helpers import TIMEOUT_MS, open_and_wait, wait_for_result

if TYPE_CHECKING:
    from pathlib import Path

    from pytestqt.qtbot import QtBot

    from rowboat.gui.main_window import MainWindow

PARTICIPANT_LINES = [
    "First name;Last name;Email;Event key",
    "Anna;Müller;anna.mueller@example.de;summit-2026",
    "José;García;jose.garcia@example.es;no-such-event",
    "Zoë;van Dijk;zoe.vandijk@example.nl;",
]


def write_contacts(path: Path, count: int) -> Path:
    """A plain CSV of `count` valid contacts."""
    lines = ["First name,Last name,Email"]
    lines += [f"Person,Number {i},person{i}@example.com" for i in range(count)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def wait_for_plan(qtbot: QtBot, win: MainWindow) -> None:
    """Wait until the Submit step shows a plan (or says why there is none)."""
    page = win.submit_page
    qtbot.waitUntil(
        lambda: not page.planning and (page.plan is not None or page.blockers.isVisible()),
        timeout=TIMEOUT_MS,
    )


def to_submit(qtbot: QtBot, win: MainWindow, path: Path, endpoint: str, event: str = "") -> None:
    """Open `path`, choose `endpoint` (and `event`), check the rows and show the plan."""
    open_and_wait(qtbot, win, path)
    win.go_to(Step.TARGET)
    assert win.target_page.select_endpoint(endpoint)
    if event:
        win.target_page.event_combo.setEditText(event)
    wait_for_result(qtbot, win)
    assert win.go_to(Step.SUBMIT)
    wait_for_plan(qtbot, win)


def wait_until_sent(qtbot: QtBot, win: MainWindow) -> None:
    """Wait until the import this page sent has ended and its outcomes are shown."""
    page = win.submit_page
    qtbot.waitUntil(lambda: page.showing_outcome and not win.sending.busy, timeout=TIMEOUT_MS)
    qtbot.waitUntil(lambda: not page.result.outcomes.busy, timeout=TIMEOUT_MS)
