"""History: every import over the journal, newest first, across restarts; the chosen one's rows,
Resume for an unfinished one, and Remove (asked first)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

pytest.importorskip("PySide6")

from rowboat.core.submit.model import ImportState, Outcome
from rowboat.gui.models.history_model import CONNECTION, FILE, ROWS, STATE, TARGET, HistoryModel
from rowboat.gui.models.outcomes_model import OutcomeFilter, OutcomeRows, OutcomesModel
from tests.gui.helpers import TIMEOUT_MS
from tests.gui.submit_support import to_submit, wait_until_sent, write_contacts

if TYPE_CHECKING:
    import threading
    from collections.abc import Callable
    from pathlib import Path

    from pytestqt.qtbot import QtBot

    from rowboat.gui.main_window import MainWindow
    from tests.gui.conftest import Dialogs, Services


def _open_history(qtbot: QtBot, win: MainWindow) -> None:
    page = win.history_page
    with qtbot.waitSignal(page.loaded, timeout=TIMEOUT_MS):
        win.show_history()
    qtbot.waitUntil(lambda: not page.detail.outcomes.busy, timeout=TIMEOUT_MS)


def test_an_import_is_in_history_after_a_restart_with_each_rows_outcome(
    qtbot: QtBot, make_window: Callable[[], MainWindow], messy_csv: Path
) -> None:
    first = make_window()
    to_submit(qtbot, first, messy_csv, "plandocket.contacts")
    first.submit_page.start_submission()
    wait_until_sent(qtbot, first)
    first.close()

    again = make_window()
    assert not again.resume_banner.isVisible()  # it finished: nothing to offer
    _open_history(qtbot, again)
    page, model = again.history_page, again.history_page.model
    assert again.showing_history
    assert model.rowCount() == 1
    texts = {c: model.index(0, c).data() for c in (FILE, TARGET, CONNECTION, STATE, ROWS)}
    assert texts == {
        FILE: "teilnehmer.csv",
        TARGET: "Plandocket · Contacts",
        CONNECTION: "Sandbox",
        STATE: "Finished",
        ROWS: "3 created, 1 not sent",
    }
    assert page.detail.headline.text() == "Finished: 3 created, 1 not sent."
    assert page.detail.outcomes.model.rowCount() == 4
    assert not page.detail.resume.isVisible()
    # Back returns to the step History was opened from.
    again.back.click()
    assert not again.showing_history


def test_remove_asks_first_then_forgets_the_import(
    qtbot: QtBot, make_window: Callable[[], MainWindow], messy_csv: Path, dialogs: Dialogs
) -> None:
    win = make_window()
    to_submit(qtbot, win, messy_csv, "plandocket.contacts")
    win.submit_page.start_submission()
    wait_until_sent(qtbot, win)
    _open_history(qtbot, win)
    page = win.history_page
    dialogs.answers = [False]
    page.remove.click()
    assert dialogs.asked[-1][1].startswith("Remove the import of teilnehmer.csv")
    assert page.model.rowCount() == 1
    with qtbot.waitSignal(page.loaded, timeout=TIMEOUT_MS):
        page.remove.click()
    assert page.model.rowCount() == 0
    assert page.list_stack.currentWidget() is page.empty
    assert win.journal.imports() == []


def test_an_unfinished_import_is_resumed_from_history_and_sends_the_rest_once(
    qtbot: QtBot,
    make_window: Callable[[], MainWindow],
    services: Services,
    tmp_path: Path,
    gate: tuple[threading.Event, threading.Event],
) -> None:
    first_answer, release = gate
    first = make_window()
    to_submit(qtbot, first, write_contacts(tmp_path / "contacts.csv", 3000), "plandocket.contacts")
    first.submit_page.start_submission()
    qtbot.waitUntil(first_answer.is_set, timeout=TIMEOUT_MS)
    first.submit_page.track.cancel.click()
    release.set()
    wait_until_sent(qtbot, first)
    first.close()

    again = make_window()
    _open_history(qtbot, again)
    page = again.history_page
    assert page.model.index(0, STATE).data() == "Stopped"
    assert page.detail.resume.isVisible()
    assert not page.remove.isHidden()
    page.detail.resume.click()
    assert page.track.isVisible()
    assert not page.remove.isEnabled()  # not while it is being sent
    qtbot.waitUntil(lambda: not again.sending.busy, timeout=TIMEOUT_MS)
    qtbot.waitUntil(
        lambda: page.model.rowCount() == 1 and page.model.index(0, STATE).data() == "Finished",
        timeout=TIMEOUT_MS,
    )
    record = again.journal.imports()[0]
    assert record.state is ImportState.FINISHED
    assert record.count(Outcome.CREATED) == 3000
    assert services.contact_count() == 3000


def test_history_model_passes_the_model_tester(
    qtmodeltester: object, qtbot: QtBot, make_window: Callable[[], MainWindow], messy_csv: Path
) -> None:
    win = make_window()
    to_submit(qtbot, win, messy_csv, "plandocket.contacts")
    win.submit_page.start_submission()
    wait_until_sent(qtbot, win)
    model = HistoryModel()
    model.set_records(win.journal.imports())
    qtmodeltester.check(model)  # type: ignore[attr-defined]
    outcomes = OutcomesModel()
    outcomes.set_outcomes(OutcomeRows.of("x", win.journal.outcomes(win.journal.imports()[0].id)))
    qtmodeltester.check(outcomes)  # type: ignore[attr-defined]
    outcomes.set_filter(OutcomeFilter.CREATED)
    assert outcomes.rowCount() == 3
    qtmodeltester.check(outcomes)  # type: ignore[attr-defined]
