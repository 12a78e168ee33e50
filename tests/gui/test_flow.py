"""The whole flow as a coordinator goes through it, by mouse and keyboard; the screenshot tour."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtTest import QTest

from rowboat.core.submit.model import ImportState, Outcome
from rowboat.gui.session import MappingOrigin
from rowboat.gui.tour import TOUR_SIZE, run_tour
from rowboat.gui.widgets.step_bar import Step
from tests.gui.helpers import TIMEOUT_MS, open_and_wait, step, wait_for_result
from tests.gui.submit_support import to_submit, write_contacts
from tests.gui.test_main_window import _drop

if TYPE_CHECKING:
    import threading
    from collections.abc import Callable
    from pathlib import Path

    from pytestqt.qtbot import QtBot

    from rowboat.gui.main_window import MainWindow
    from tests.gui.conftest import Dialogs, Services


def _click_preview_row(win: MainWindow, row: int) -> None:
    table = win.open_page.table
    rect = table.visualRect(win.open_page.model.index(row - 1, 0))
    QTest.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_a_messy_file_goes_from_open_to_review_and_back_without_losing_work(
    qtbot: QtBot, window: MainWindow, messy_csv: Path, tmp_path: Path
) -> None:
    s = window.session
    # Open: the header is found on line 5; clicking line 6 makes it the header, and back.
    open_and_wait(qtbot, window, messy_csv)
    assert s.table is not None
    assert s.table.info.header_row == 5
    with qtbot.waitSignal(s.table_changed, timeout=TIMEOUT_MS):
        _click_preview_row(window, 6)
    assert s.table.info.header_row == 6
    with qtbot.waitSignal(s.table_changed, timeout=TIMEOUT_MS):
        _click_preview_row(window, 5)
    assert s.table.columns[:3] == ["Vorname", "Nachname", "E-Mail"]
    # The encoding and delimiter can be chosen; the file is read again with them.
    page = window.open_page
    with qtbot.waitSignal(s.table_changed, timeout=TIMEOUT_MS):
        page.encoding.activated.emit(page.encoding.findData("iso-8859-1"))
    with qtbot.waitSignal(s.table_changed, timeout=TIMEOUT_MS):
        page.delimiter.activated.emit(page.delimiter.findData(";"))
    assert (s.table.info.encoding, s.table.info.delimiter) == ("iso-8859-1", ";")
    assert s.table.frame["Nachname"].tolist()[:2] == ["Müller", "García"]

    # Target, by keyboard only: Alt+Right goes on, the arrows choose a card, Enter goes on.
    QTest.keyClick(window, Qt.Key.Key_Right, Qt.KeyboardModifier.AltModifier)
    assert step(window) == Step.TARGET
    assert window.target_page.cards.hasFocus()
    QTest.keyClick(window.target_page.cards, Qt.Key.Key_Down)
    assert s.endpoint is not None
    assert s.endpoint.id == "plandocket.contacts"
    QTest.keyClick(window.target_page.cards, Qt.Key.Key_Return)
    assert step(window) == Step.MAP
    wait_for_result(qtbot, window)
    first = s.result
    assert first is not None
    assert first.mapping.for_field("mobile") is None

    # Map: "Telefon" goes to mobile; the rows are checked again.
    page_map = window.map_page
    page_map.table.selectRow(page_map.model.row_of("mobile"))
    chooser = page_map.editor.column
    line = chooser.lineEdit()
    assert line is not None
    chooser.setFocus()
    with qtbot.waitSignal(s.mapping_changed, timeout=TIMEOUT_MS):
        QTest.keyClicks(line, "Telefon")
        QTest.keyClick(line, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: s.result is not first, timeout=TIMEOUT_MS)
    wait_for_result(qtbot, window)
    edited, checked = s.mapping, s.result
    assert edited is not None
    assert checked is not None
    source = edited.for_field("mobile")
    assert source is not None
    assert source.columns == ("Telefon",)
    assert checked.mapping == edited

    # Back to Open and forth again: the table, mapping and result are the same objects.
    window.go_to(Step.OPEN)
    window.go_to(Step.TARGET)
    window.go_to(Step.MAP)
    assert (s.mapping, s.result) == (edited, checked)
    assert s.mapping_origin is MappingOrigin.EDITED
    # Another target and back: the edit for Plandocket contacts is kept.
    window.go_to(Step.TARGET)
    window.target_page.select_endpoint("eloqua.event-registrants")
    qtbot.waitUntil(lambda: s.mapping is not None and s.mapping.endpoint_id.startswith("eloqua"))
    window.target_page.select_endpoint("plandocket.contacts")
    assert s.mapping == edited
    window.go_to(Step.REVIEW)
    wait_for_result(qtbot, window)
    assert window.review_step.showing_result
    assert window.review_step.page.corrected_result().mapping == edited

    # A corrupt file gets a plain message; the messy file stays open, its work intact.
    broken = tmp_path / "export.xlsx"
    broken.write_bytes(b"%PDF-1.4 not a workbook" + bytes(512))
    with qtbot.waitSignal(window.loader.failed, timeout=TIMEOUT_MS):
        _drop(window, broken)
    assert step(window) == Step.OPEN
    assert "not a spreadsheet" in window.open_page.banner.message.text()
    assert s.path == messy_csv
    assert s.mapping == edited


def test_the_tour_saves_one_picture_per_step(qtbot: QtBot, tmp_path: Path, messy_csv: Path) -> None:
    out = tmp_path / "tour"
    assert run_tour(out, messy_csv) == 0
    for name in ("open", "target", "map", "review", "submit", "history"):
        image = QImage(str(out / f"{name}.png"))
        assert not image.isNull(), name
        assert (image.width(), image.height()) == TOUR_SIZE
    assert not QImage(str(out / "connections.png")).isNull()


def test_the_tour_says_plainly_when_the_file_cannot_be_read(
    qtbot: QtBot, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"%PDF-1.4" + bytes(100))
    assert run_tour(tmp_path / "tour", broken) == 2
    err = capsys.readouterr().err
    assert "could not open 'broken.xlsx'" in err
    assert "Traceback" not in err
    assert (tmp_path / "tour" / "open.png").exists()


def test_closing_while_sending_asks_and_the_next_start_offers_to_finish(
    qtbot: QtBot,
    make_window: Callable[[], MainWindow],
    services: Services,
    tmp_path: Path,
    dialogs: Dialogs,
    gate: tuple[threading.Event, threading.Event],
) -> None:
    first_answer, release = gate
    first = make_window()
    to_submit(qtbot, first, write_contacts(tmp_path / "contacts.csv", 3000), "plandocket.contacts")
    assert first.submit_page.start_submission()
    qtbot.waitUntil(first_answer.is_set, timeout=TIMEOUT_MS)
    # "Keep sending": the window stays and goes on.
    dialogs.answers = [False]
    first.close()
    assert first.isVisible()
    assert first.sending.busy
    assert dialogs.asked[-1] == ("ask", "Rowboat is still sending contacts.csv. Stop and close?")
    # "Stop and close": the runner is told to stop, then the held requests are let go.
    stop = first.sending.cancel

    def stop_then_release() -> None:
        stop()
        release.set()

    first.sending.cancel = stop_then_release  # type: ignore[method-assign]
    first.close()
    assert not first.isVisible()
    told = [text for kind, text in dialogs.asked if kind == "information"]
    assert told
    assert "offers to resume" in told[-1]
    assert services.contact_count() < 3000

    again = make_window()
    banner = again.resume_banner
    qtbot.waitUntil(banner.isVisible, timeout=TIMEOUT_MS)
    assert "contacts.csv to Plandocket · Contacts" in banner.text.text()
    assert "Nothing sent is lost" in banner.text.text()
    assert "Stopped by you" in banner.text.toolTip()
    banner.resume_button.click()
    assert again.showing_history
    qtbot.waitUntil(lambda: not again.sending.busy, timeout=TIMEOUT_MS)
    record = again.journal.imports()[0]
    assert record.state is ImportState.FINISHED
    assert record.count(Outcome.CREATED) == 3000
    assert services.contact_count() == 3000
    assert not banner.isVisible()
