"""The Open step: choosing a file, seeing its top rows at once, and changing how it is read."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from rowboat.gui.models.preview_model import HeaderRowRole, PreviewModel, SourceRowRole
from rowboat.gui.widgets.step_bar import Step
from tests.gui.helpers import TIMEOUT_MS, open_and_wait

if TYPE_CHECKING:
    from pathlib import Path

    from pytestqt.qtbot import QtBot

    from rowboat.gui.main_window import MainWindow
    from tests.gui.conftest import Dialogs


def _click_row(qtbot: QtBot, win: MainWindow, row: int) -> None:
    table = win.open_page.table
    rect = table.visualRect(win.open_page.model.index(row - 1, 0))
    QTest.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_the_top_rows_arrive_before_the_whole_table(
    qtbot: QtBot, window: MainWindow, messy_csv: Path
) -> None:
    seen: list[str] = []
    window.loader.preview_ready.connect(lambda _p: seen.append("preview"))
    window.session.table_changed.connect(lambda: seen.append("table"))
    open_and_wait(qtbot, window, messy_csv)
    assert seen == ["preview", "table"]
    model = window.open_page.model
    assert model.index(0, 0).data() == "Teilnehmerliste Frühjahrsmesse 2026"
    assert model.index(4, 0).data(HeaderRowRole) is True
    assert model.headerData(4, Qt.Orientation.Vertical) == "5 header"
    assert model.headerData(0, Qt.Orientation.Vertical) == "1 skipped"
    assert model.headerData(7, Qt.Orientation.Vertical) == "8 blank"
    assert window.session.table is not None
    assert window.session.table.columns[0] == "Vorname"


def test_a_big_file_shows_its_top_rows_while_the_rest_is_read(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    path = tmp_path / "big.csv"
    lines = ["Name,Email,City"] + [f"Person {i},p{i}@example.com,Zürich" for i in range(30_000)]
    path.write_text("\n".join(lines), encoding="utf-8")
    seen: list[tuple[bool, bool]] = []
    window.loader.preview_ready.connect(
        lambda _p: seen.append((window.loader.busy, window.session.table is None))
    )
    open_and_wait(qtbot, window, path)
    assert seen == [(True, True)]  # the top rows came while the table was still being read
    assert window.session.table is not None
    assert len(window.session.table) == 30_000


def test_reading_choices_and_their_reasons_are_shown(
    qtbot: QtBot, window: MainWindow, messy_csv: Path
) -> None:
    open_and_wait(qtbot, window, messy_csv)
    page = window.open_page
    assert page.encoding.currentIndex() == 0
    assert page.encoding.currentText() == "Detected: Windows Western (cp1252)"
    assert "UTF-8 cannot read" in page.encoding_reason.text()
    assert "semicolon" in page.delimiter.currentText()
    assert "splits every line into 7 cells" in page.delimiter_reason.text()
    assert page.header_spin.value() == 5
    assert page.header_reason.text() == "found automatically"
    assert "Found the header on row 5" in page.notes.text()
    assert not page.sheet.isVisible()


def test_clicking_another_row_makes_it_the_header(
    qtbot: QtBot, window: MainWindow, messy_csv: Path
) -> None:
    open_and_wait(qtbot, window, messy_csv)
    with qtbot.waitSignal(window.session.table_changed, timeout=TIMEOUT_MS):
        _click_row(qtbot, window, 6)
    table = window.session.table
    assert table is not None
    assert table.info.header_row == 6
    assert not table.info.header_detected
    assert table.columns[0] == "Jürgen"
    assert window.open_page.header_reason.text() == "chosen by you"
    with qtbot.waitSignal(window.session.table_changed, timeout=TIMEOUT_MS):
        window.open_page.find_header.click()
    assert window.session.table is not None
    assert window.session.table.info.header_row == 5


def test_header_row_can_be_typed(qtbot: QtBot, window: MainWindow, messy_csv: Path) -> None:
    open_and_wait(qtbot, window, messy_csv)
    spin = window.open_page.header_spin
    with qtbot.waitSignal(window.session.table_changed, timeout=TIMEOUT_MS):
        spin.setValue(2)
    assert window.session.table is not None
    assert window.session.table.info.header_row == 2


def test_encoding_override_rereads_and_a_wrong_one_keeps_the_file_open(
    qtbot: QtBot, window: MainWindow, messy_csv: Path
) -> None:
    open_and_wait(qtbot, window, messy_csv)
    before = window.session.table
    page = window.open_page
    with qtbot.waitSignal(window.loader.failed, timeout=TIMEOUT_MS):
        page.encoding.setCurrentIndex(page.encoding.findData("utf-8"))
        page.encoding.activated.emit(page.encoding.currentIndex())
    assert window.session.table is before
    assert page.banner.isVisible()
    assert "cannot be read as utf-8" in page.banner.message.text()
    with qtbot.waitSignal(window.session.table_changed, timeout=TIMEOUT_MS):
        page.encoding.activated.emit(page.encoding.findData("iso-8859-1"))
    table = window.session.table
    assert table is not None
    assert table.info.encoding == "iso-8859-1"
    assert table.frame["Nachname"].iloc[0] == "Müller"
    assert page.encoding_reason.text() == "because chosen by you"


def test_delimiter_override_rereads(qtbot: QtBot, window: MainWindow, messy_csv: Path) -> None:
    open_and_wait(qtbot, window, messy_csv)
    page = window.open_page
    with qtbot.waitSignal(window.session.table_changed, timeout=TIMEOUT_MS):
        page.delimiter.activated.emit(page.delimiter.findData(","))
    table = window.session.table
    assert table is not None
    assert table.info.delimiter == ","
    assert len(table.columns) == 1


def test_workbook_sheet_is_chosen(qtbot: QtBot, window: MainWindow, messy_xlsx: Path) -> None:
    open_and_wait(qtbot, window, messy_xlsx)
    page = window.open_page
    assert page.sheet.isVisible()
    assert [page.sheet.itemText(i) for i in range(page.sheet.count())] == ["Attendees", "Notes"]
    assert not page.encoding.isVisible()
    with qtbot.waitSignal(window.session.table_changed, timeout=TIMEOUT_MS):
        page.sheet.activated.emit(1)
    assert window.session.table is not None
    assert window.session.table.info.sheet == "Notes"


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"%PDF-1.7\n" + bytes(range(256)) * 4, "not a spreadsheet"),
        (b"PK\x03\x04" + bytes(100), "not a spreadsheet"),
        (b"", "is empty"),
    ],
)
def test_a_broken_file_gets_a_plain_message_and_the_open_file_stays(
    qtbot: QtBot, window: MainWindow, messy_xlsx: Path, tmp_path: Path, content: bytes, words: str
) -> None:
    open_and_wait(qtbot, window, messy_xlsx)
    before = window.session.table
    broken = tmp_path / "report.xlsx"
    broken.write_bytes(content)
    with qtbot.waitSignal(window.loader.failed, timeout=TIMEOUT_MS):
        window.open_file(broken)
    banner = window.open_page.banner
    assert banner.isVisible()
    assert words in banner.message.text()
    assert "Traceback" not in banner.message.text() + banner.hint.text()
    assert banner.hint.text()
    assert window.session.table is before
    assert window.open_page.file_label.text() == "attendees.xlsx"


def test_a_password_protected_workbook_says_so(
    qtbot: QtBot, window: MainWindow, messy_xlsx: Path, tmp_path: Path
) -> None:
    from msoffcrypto.format.ooxml import OOXMLFile

    locked = tmp_path / "locked.xlsx"
    with messy_xlsx.open("rb") as source, locked.open("wb") as target:
        OOXMLFile(source).encrypt("secret", target)
    with qtbot.waitSignal(window.loader.failed, timeout=TIMEOUT_MS):
        window.open_file(locked)
    assert "protected with a password" in window.open_page.banner.message.text()
    assert window.session.table is None
    assert window.step == Step.OPEN


def test_stopping_a_read_keeps_the_file_that_was_open(
    qtbot: QtBot, window: MainWindow, messy_csv: Path, messy_xlsx: Path
) -> None:
    open_and_wait(qtbot, window, messy_csv)
    before = window.session.table
    with qtbot.waitSignal(window.loader.cancelled, timeout=TIMEOUT_MS):
        window.open_file(messy_xlsx)
        window.open_page.cancel.click()
    assert window.session.table is before
    assert "Stopped reading" in window.open_page.banner.message.text()
    assert window.open_page.file_label.text() == "teilnehmer.csv"


def test_browse_opens_the_chosen_file_and_remembers_it(
    qtbot: QtBot, window: MainWindow, messy_csv: Path, dialogs: Dialogs
) -> None:
    dialogs.open_file = str(messy_csv)
    with qtbot.waitSignal(window.session.table_changed, timeout=TIMEOUT_MS):
        window.open_page.browse()
    assert dialogs.asked[0][0] == "open"
    recent = window.open_page.recent
    assert recent.count() == 1
    assert recent.item(0).text() == "teilnehmer.csv"
    assert window.view_state.recent_files == [messy_csv.resolve()]


def test_a_recent_file_opens_again(
    qtbot: QtBot, window: MainWindow, messy_csv: Path, messy_xlsx: Path
) -> None:
    open_and_wait(qtbot, window, messy_csv)
    open_and_wait(qtbot, window, messy_xlsx)
    recent = window.open_page.recent
    assert [recent.item(i).text() for i in range(recent.count())] == [
        "attendees.xlsx",
        "teilnehmer.csv",
    ]
    with qtbot.waitSignal(window.session.table_changed, timeout=TIMEOUT_MS):
        recent.itemActivated.emit(recent.item(1))
    assert window.session.path == messy_csv


def test_preview_model_passes_the_model_tester(
    qtmodeltester: object, qapp: object, messy_csv: Path
) -> None:
    from rowboat.core.sources.preview import read_preview

    model = PreviewModel()
    model.set_preview(read_preview(messy_csv))
    qtmodeltester.check(model)  # type: ignore[attr-defined]
    assert model.index(5, 1).data(SourceRowRole) == 6
    assert model.index(5, 1).data(Qt.ItemDataRole.AccessibleTextRole) == "B6: Müller"
    model.set_header_row(6)
    assert model.index(5, 0).data(HeaderRowRole) is True
    qtmodeltester.check(model)  # type: ignore[attr-defined]
