"""The Submit & Track step: the plan in words, Submit asked once, progress, Cancel and Resume, and
the outcome of every row, against a sandbox over real sockets."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

pytest.importorskip("PySide6")

from openpyxl import load_workbook

from rowboat.core.submit.model import BatchState, ImportState, Outcome
from rowboat.gui.models.outcomes_model import OutcomeFilter
from rowboat.gui.widgets.step_bar import Step
from tests.gui.helpers import TIMEOUT_MS, open_and_wait, wait_for_result
from tests.gui.submit_support import (
    PARTICIPANT_LINES,
    to_submit,
    wait_for_plan,
    wait_until_sent,
    write_contacts,
)
from tests.gui.test_accessibility import _unnamed

if TYPE_CHECKING:
    import threading
    from collections.abc import Callable
    from pathlib import Path

    from pytestqt.qtbot import QtBot

    from rowboat.gui.main_window import MainWindow
    from tests.gui.conftest import Dialogs, Services


def test_the_plan_says_what_is_sent_where_before_anything_is_sent(
    qtbot: QtBot, make_window: Callable[[], MainWindow], services: Services, messy_csv: Path
) -> None:
    win = make_window()
    page = win.submit_page
    assert not page.submit.isEnabled()
    to_submit(qtbot, win, messy_csv, "plandocket.contacts")
    lines = page.summary.text().splitlines()
    assert lines[:2] == ["Target: Plandocket · Contacts", "Connection: Sandbox"]
    assert "3 rows are ready to send." in lines
    assert page.plan is not None
    assert page.plan_text.text() == page.plan.in_words()
    assert "1 request of 3 contacts" in page.plan_text.text()
    assert page.submit.isEnabled()
    # Plandocket has modes and match fields, and no dry run: the page says so plainly.
    assert page.mode.isVisibleTo(page)
    assert [page.mode.itemData(i) for i in range(page.mode.count())] == [
        "create",
        "upsert",
        "update",
    ]
    assert not page.dry_run.isVisibleTo(page)
    assert "offers no dry run" in page.no_dry_run.text()
    page.mode.setCurrentIndex(page.mode.findData("upsert"))
    qtbot.waitUntil(lambda: page.plan is not None and "updated" in page.plan_text.text())
    assert services.stored_contacts() == []  # planning sends nothing


def test_submitting_asks_once_then_shows_each_rows_outcome(
    qtbot: QtBot,
    make_window: Callable[[], MainWindow],
    services: Services,
    messy_csv: Path,
    dialogs: Dialogs,
) -> None:
    win = make_window()
    page = win.submit_page
    to_submit(qtbot, win, messy_csv, "plandocket.contacts")
    dialogs.answers = [False]
    page.submit.click()
    assert dialogs.asked[-1] == (
        "ask",
        "Send 3 rows to Plandocket · Contacts through 'Sandbox'?",
    )
    assert not win.sending.busy  # "Don't send" sends nothing
    page.submit.click()
    wait_until_sent(qtbot, win)
    stored = sorted(c["email"] for c in services.stored_contacts())
    assert stored == [
        "anna.schmidt@example.de",
        "jose.garcia@example.es",
        "juergen.mueller@example.de",
    ]
    result = page.result
    assert result.headline.text() == "Finished: 3 created, 1 not sent."
    outcomes = result.outcomes
    buttons = outcomes.filter_buttons
    assert buttons[OutcomeFilter.CREATED].text() == "Created 3"
    assert buttons[OutcomeFilter.NOT_SENT].text() == "Not sent 1"
    assert buttons[OutcomeFilter.REJECTED].text() == "Rejected 0"
    assert not outcomes.export_button.isEnabled()  # nothing to fix
    model = outcomes.model
    assert model.rowCount() == 4
    assert [model.index(r, 0).data() for r in range(4)] == ["6", "7", "9", "10"]
    outcomes.set_filter(OutcomeFilter.NOT_SENT)
    assert model.rowCount() == 1
    assert model.index(0, 0).data() == "9"
    assert "email" in model.index(0, 2).data().lower()
    assert page.another.isVisible()


def test_rejected_rows_are_shown_with_the_reason_and_exported_to_fix(
    qtbot: QtBot,
    make_window: Callable[[], MainWindow],
    tmp_path: Path,
    dialogs: Dialogs,
) -> None:
    source = tmp_path / "participants.csv"
    source.write_text("\n".join(PARTICIPANT_LINES) + "\n", encoding="utf-8")
    win = make_window()
    to_submit(qtbot, win, source, "plandocket.participants", event="summit-2026")
    page = win.submit_page
    assert "summit-2026" in page.summary.text()
    page.start_submission()
    wait_until_sent(qtbot, win)
    outcomes = page.result.outcomes
    assert outcomes.filter_buttons[OutcomeFilter.REJECTED].text() == "Rejected 1"
    assert outcomes.model.row_filter is OutcomeFilter.REJECTED  # the rows to fix come first
    assert outcomes.model.index(0, 0).data() == "3"
    assert "event key" in outcomes.model.index(0, 2).data()
    out = tmp_path / "to fix.xlsx"
    dialogs.save_file = str(out)
    with qtbot.waitSignal(outcomes.exported, timeout=TIMEOUT_MS):
        outcomes.export_button.click()
    sheet = load_workbook(out).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Row", "Outcome", "Reason")
    assert len(rows) == 2
    assert rows[1][0] == 3
    assert "rows to fix" in outcomes.status.text()


def test_cancel_keeps_what_was_sent_and_resume_sends_the_rest_once(
    qtbot: QtBot,
    make_window: Callable[[], MainWindow],
    services: Services,
    tmp_path: Path,
    gate: tuple[threading.Event, threading.Event],
) -> None:
    first, release = gate
    source = write_contacts(tmp_path / "contacts.csv", 5000)
    win = make_window()
    to_submit(qtbot, win, source, "plandocket.contacts")
    page = win.submit_page
    assert page.plan is not None
    assert len(page.plan.batches) == 5
    assert page.start_submission()
    qtbot.waitUntil(first.is_set, timeout=TIMEOUT_MS)
    assert page.track.isVisible()
    page.track.cancel.click()
    release.set()
    wait_until_sent(qtbot, win)
    record = page.result.record
    assert record is not None
    assert record.state is ImportState.CANCELLED
    assert record.batch_states.get(BatchState.ACKNOWLEDGED, 0) < 5
    assert record.count(Outcome.PLANNED) > 0  # not sent yet: the rest waits for Resume
    assert page.result.resume.isVisible()
    assert "Stopped by you" in page.result.headline.text()
    sent = services.contact_count()
    assert 1000 <= sent < 5000  # what was acknowledged stays
    page.result.resume.click()
    wait_until_sent(qtbot, win)
    done = win.journal.get(record.id)
    assert done.state is ImportState.FINISHED
    assert done.count(Outcome.CREATED) == 5000
    assert services.contact_count() == 5000  # each exactly once


def test_without_the_event_it_says_what_to_do(
    qtbot: QtBot, make_window: Callable[[], MainWindow], messy_csv: Path
) -> None:
    win = make_window()
    open_and_wait(qtbot, win, messy_csv)
    win.go_to(Step.TARGET)
    win.target_page.select_endpoint("eloqua.event-registrants")
    wait_for_result(qtbot, win)
    win.go_to(Step.SUBMIT)
    wait_for_plan(qtbot, win)
    page = win.submit_page
    assert page.plan is None
    assert "Choose the Eloqua event first." in page.blockers.message.text()
    assert "Target" in page.blockers.hint.text()
    assert not page.submit.isEnabled()


def test_a_refused_key_is_said_plainly_with_the_next_step_and_resume(
    qtbot: QtBot,
    make_window: Callable[[], MainWindow],
    services: Services,
    messy_csv: Path,
) -> None:
    from rowboat.core.connections.store import ConnectionStore

    ConnectionStore().add(
        "Acme",
        "plandocket",
        services.server.base_url("plandocket"),
        secrets={"api_key": "wrong-key"},
    )
    win = make_window()
    win.target_page.reload_connections()
    open_and_wait(qtbot, win, messy_csv)
    win.go_to(Step.TARGET)
    win.target_page.select_endpoint("plandocket.contacts")
    win.target_page.connection.setCurrentText("Acme")
    wait_for_result(qtbot, win)
    win.go_to(Step.SUBMIT)
    wait_for_plan(qtbot, win)
    page = win.submit_page
    assert page.plan is not None
    page.start_submission()
    wait_until_sent(qtbot, win)
    result = page.result
    assert result.banner.isVisible()
    assert "401" in result.banner.message.text()
    assert "Problem:" in result.banner.message.text()
    assert result.banner.hint.text()
    assert result.resume.isVisible()
    assert result.record is not None
    assert result.record.state is ImportState.INTERRUPTED
    assert "Traceback" not in result.banner.details.text.toPlainText()


SESSION_LINES = [
    "Title;Start;End;Time zone;Course ID",
    "Onboarding bootcamp;2026-04-14 09:00;2026-04-14 12:00;Europe/Berlin;onboarding-101",
    "Safety basics;2026-04-15 09:00;2026-04-15 11:00;Europe/Berlin;safety-201",
]


def test_a_dry_run_keeps_nothing_then_the_real_import_follows_the_remote_job(
    qtbot: QtBot, make_window: Callable[[], MainWindow], tmp_path: Path
) -> None:
    source = tmp_path / "sessions.csv"
    source.write_text("\n".join(SESSION_LINES) + "\n", encoding="utf-8")
    win = make_window()
    to_submit(qtbot, win, source, "thought-industries.in-person-sessions")
    page = win.submit_page
    assert page.dry_run.isVisibleTo(page)
    assert not page.mode.isVisibleTo(page)  # Thought Industries has one way to import
    page.dry_run.setChecked(True)
    qtbot.waitUntil(lambda: page.plan is not None and page.plan.options.dry_run, timeout=TIMEOUT_MS)
    assert "dry run" in page.plan_text.text()
    assert page.start_submission()
    wait_until_sent(qtbot, win)
    record = page.result.record
    assert record is not None
    assert record.options.dry_run
    assert page.result.headline.text().startswith("Dry run finished")

    page.another.click()  # back to the plan, and on to Open for another file
    assert win.step == Step.OPEN
    win.go_to(Step.SUBMIT)
    page.dry_run.setChecked(False)
    qtbot.waitUntil(
        lambda: page.plan is not None and not page.plan.options.dry_run, timeout=TIMEOUT_MS
    )
    assert page.start_submission()
    wait_until_sent(qtbot, win)
    assert page.result.headline.text() == "Finished: 2 created."
    assert page.track.job.text().startswith("Thought Industries:")  # the job's state was shown
    assert _unnamed(win) == []  # every control of the outcome is named and described


def test_a_busy_target_is_told_as_a_notice_and_the_import_goes_on(
    qtbot: QtBot, make_window: Callable[[], MainWindow], services: Services, messy_csv: Path
) -> None:
    win = make_window()
    to_submit(qtbot, win, messy_csv, "plandocket.contacts")
    services.server.faults.script("plandocket", "error")  # the next request fails once
    notices: list[str] = []
    win.sending.notice.connect(notices.append)
    win.submit_page.start_submission()
    wait_until_sent(qtbot, win)
    assert any("Trying again in" in n for n in notices)
    assert win.submit_page.track.notice.text() == notices[-1]  # the latest one is shown
    assert win.submit_page.result.headline.text() == "Finished: 3 created, 1 not sent."


def test_submit_is_reached_and_pressed_by_keyboard_alone(
    qtbot: QtBot, make_window: Callable[[], MainWindow], messy_csv: Path, dialogs: Dialogs
) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    win = make_window()
    to_submit(qtbot, win, messy_csv, "plandocket.contacts")
    page = win.submit_page
    qtbot.waitUntil(page.submit.hasFocus, timeout=TIMEOUT_MS)  # ready: the focus is on Submit
    QTest.keyClick(page.submit, Qt.Key.Key_Space)
    assert dialogs.asked[-1][0] == "ask"
    wait_until_sent(qtbot, win)
    assert page.result.headline.text() == "Finished: 3 created, 1 not sent."
