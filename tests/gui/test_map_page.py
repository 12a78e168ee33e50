"""The Map step: fields against columns, transforms, undo, remembered mappings and templates."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

pytest.importorskip("PySide6")

from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from rowboat.core.mapping import MatchMethod, ProfileStore, match_columns
from rowboat.core.sources import open_table
from rowboat.core.targets import get_endpoint
from rowboat.gui.models.mapping_model import Column, MappingModel, NeedsColumnRole, sample_values
from rowboat.gui.session import MappingOrigin
from rowboat.gui.widgets.step_bar import Step
from tests.gui.helpers import TIMEOUT_MS, open_and_wait, wait_for_mapping, wait_for_result

if TYPE_CHECKING:
    from pathlib import Path

    from pytestqt.qtbot import QtBot

    from rowboat.gui.main_window import MainWindow
    from tests.gui.conftest import Dialogs


def _to_map(qtbot: QtBot, win: MainWindow, path: Path, endpoint: str) -> None:
    open_and_wait(qtbot, win, path)
    assert win.go_to(Step.TARGET)
    assert win.target_page.select_endpoint(endpoint)
    assert win.go_to(Step.MAP)
    wait_for_result(qtbot, win)


def _select(win: MainWindow, key: str) -> None:
    row = win.map_page.model.row_of(key)
    assert row >= 0, key
    win.map_page.table.selectRow(row)


def _sample(qtbot: QtBot, win: MainWindow, key: str) -> str:
    """The field's first values once they are worked out (in a worker) for the latest mapping."""
    qtbot.waitUntil(lambda: not win.map_page.samples_busy, timeout=TIMEOUT_MS)
    model = win.map_page.model
    return str(model.index(model.row_of(key), Column.SAMPLE).data())


def test_required_fields_come_first_and_an_unmapped_one_stands_out(
    qtmodeltester: object, qapp: object, tmp_path: Path
) -> None:
    path = tmp_path / "names.csv"
    path.write_text("Name;Firma\nAnna Müller;Acme\n", encoding="utf-8")
    table = open_table(path)
    endpoint = get_endpoint("eloqua.event-registrants")
    model = MappingModel()
    mapping = match_columns(table.columns, endpoint)
    model.set_context(endpoint, table, mapping)
    model.set_samples(sample_values(table, mapping))
    qtmodeltester.check(model)  # type: ignore[attr-defined]
    first = model.index(0, Column.FIELD)
    assert first.data() == "Email address *"
    assert first.data(NeedsColumnRole) is True
    assert first.data(Qt.ItemDataRole.DecorationRole) is not None  # an icon, not colour alone
    assert first.data(Qt.ItemDataRole.BackgroundRole) is not None
    assert model.index(0, Column.SOURCE).data() == "Needs a column"
    assert [f.key for f in model.missing_required()] == ["emailAddress"]
    company = model.row_of("company")
    assert model.index(company, Column.SOURCE).data() == "Firma"
    assert model.index(company, Column.SAMPLE).data() == "Acme"
    assert model.index(company, Column.FIELD).data(NeedsColumnRole) is False


def test_full_name_is_split_and_the_match_is_said_in_words(
    qtbot: QtBot, window: MainWindow, messy_xlsx: Path
) -> None:
    _to_map(qtbot, window, messy_xlsx, "plandocket.contacts")
    model = window.map_page.model
    first = model.row_of("first_name")
    assert model.index(first, Column.SOURCE).data() == "First part of “Name”"
    assert model.index(first, Column.MATCH).data() == "A full name, split, 90% sure"
    assert _sample(qtbot, window, "first_name") == "Anna · José · Zoë"
    assert _sample(qtbot, window, "last_name") == "Müller · García · van Dijk"
    email = model.row_of("email")
    assert model.index(email, Column.MATCH).data() == "Another name for it, 95% sure"
    assert "Not imported" not in window.map_page.unused.text()
    assert window.map_page.unused.text() == "Every column of the file is imported."


def test_remapping_a_column_by_typing_checks_the_rows_again(
    qtbot: QtBot, window: MainWindow, messy_xlsx: Path
) -> None:
    _to_map(qtbot, window, messy_xlsx, "plandocket.contacts")
    before = window.session.result
    _select(window, "mobile")
    chooser = window.map_page.editor.column
    line = chooser.lineEdit()
    assert line is not None
    chooser.setFocus()
    line.selectAll()
    with qtbot.waitSignal(window.session.mapping_changed, timeout=TIMEOUT_MS):
        QTest.keyClicks(line, "Company")
        QTest.keyClick(line, Qt.Key.Key_Return)
    mapping = window.session.mapping
    assert mapping is not None
    source = mapping.for_field("mobile")
    assert source is not None
    assert source.columns == ("Company",)
    assert source.method is MatchMethod.MANUAL
    assert window.session.mapping_origin is MappingOrigin.EDITED
    assert _sample(qtbot, window, "mobile") == "Acme GmbH · Globex SA · Umbrella BV"
    qtbot.waitUntil(lambda: window.session.result is not before, timeout=TIMEOUT_MS)
    wait_for_result(qtbot, window)
    result = window.session.result
    assert result is not None
    assert result.mapping == mapping
    assert "Company" in window.map_page.unused.text() or "Mobile" in window.map_page.unused.text()


def test_undo_and_redo_take_an_edit_back_and_again(
    qtbot: QtBot, window: MainWindow, messy_xlsx: Path
) -> None:
    _to_map(qtbot, window, messy_xlsx, "plandocket.contacts")
    original = window.session.mapping
    _select(window, "company_name")
    window.map_page.editor.nowhere.click()
    edited = window.session.mapping
    assert edited is not None
    assert edited.for_field("company_name") is None
    undo, redo = window.menu_actions.undo, window.menu_actions.redo
    assert undo.isEnabled()
    assert "Company" in undo.text()  # "Undo change of Company name"
    undo.trigger()
    assert window.session.mapping == original
    assert window.session.mapping_origin is MappingOrigin.AUTOMATIC
    redo.trigger()
    assert window.session.mapping == edited


def test_columns_can_be_joined_and_a_value_given_for_every_row(
    qtbot: QtBot, window: MainWindow, messy_xlsx: Path
) -> None:
    _to_map(qtbot, window, messy_xlsx, "plandocket.contacts")
    editor = window.map_page.editor
    _select(window, "company_name")
    editor.join.click()
    assert editor.columns.isVisible()
    items = {
        editor.columns.item(i).text(): editor.columns.item(i) for i in range(editor.columns.count())
    }
    items["Name"].setCheckState(Qt.CheckState.Checked)
    assert _sample(qtbot, window, "company_name").startswith("Acme GmbH Anna Müller")
    editor.separator.setText(" / ")
    editor.separator.editingFinished.emit()
    assert _sample(qtbot, window, "company_name").startswith("Acme GmbH / Anna Müller")
    _select(window, "city")
    editor.constant_mode.click()
    editor.constant.setText("Berlin")
    editor.constant.editingFinished.emit()
    assert _sample(qtbot, window, "city") == "Berlin · Berlin · Berlin"


def test_case_and_the_whole_name_can_be_chosen(
    qtbot: QtBot, window: MainWindow, messy_xlsx: Path
) -> None:
    _to_map(qtbot, window, messy_xlsx, "plandocket.contacts")
    editor = window.map_page.editor
    _select(window, "last_name")
    editor.case.setCurrentIndex(editor.case.findData("upper"))
    editor.case.activated.emit(editor.case.currentIndex())
    assert _sample(qtbot, window, "last_name") == "MÜLLER · GARCÍA · VAN DIJK"
    editor.part.setCurrentIndex(0)
    editor.part.activated.emit(0)
    assert _sample(qtbot, window, "last_name") == "ANNA MÜLLER · JOSÉ GARCÍA · ZOË VAN DIJK"
    assert not editor.date_format.isVisible()


def test_a_date_format_is_offered_for_date_fields(qtbot: QtBot, window: MainWindow) -> None:
    from rowboat.resources import sample_path

    sessions = sample_path("sessions.xlsx")
    _to_map(qtbot, window, sessions, "thought-industries.in-person-sessions")
    endpoint = window.session.endpoint
    assert endpoint is not None
    dated = next(f for f in endpoint.fields if f.type.value in ("date", "datetime"))
    _select(window, dated.key)
    editor = window.map_page.editor
    assert editor.date_format.isVisible()
    if window.session.mapping is not None and window.session.mapping.for_field(dated.key) is None:
        editor.one.click()
        editor.column.chosen.emit(editor.column.itemText(0))
        editor.column.setCurrentIndex(0)
    editor.date_format.setCurrentIndex(editor.date_format.findData("%d.%m.%Y"))
    editor.date_format.activated.emit(editor.date_format.currentIndex())
    mapping = window.session.mapping
    assert mapping is not None
    source = mapping.for_field(dated.key)
    assert source is not None
    assert source.date_format == "%d.%m.%Y"
    assert "dates as %d.%m.%Y" in str(
        window.map_page.model.index(window.map_page.model.row_of(dated.key), Column.SOURCE).data()
    )


def test_a_mapping_is_remembered_for_files_with_the_same_columns(
    qtbot: QtBot, window: MainWindow, messy_xlsx: Path, tmp_path: Path
) -> None:
    from rowboat.gui.main_window import MainWindow

    _to_map(qtbot, window, messy_xlsx, "plandocket.contacts")
    _select(window, "company_name")
    window.map_page.editor.nowhere.click()
    assert window.go_to(Step.REVIEW)
    profiles = window.keeper.profiles
    assert len(profiles.list()) == 1
    window.close()
    copy = tmp_path / "copy" / "same-columns.xlsx"
    copy.parent.mkdir()
    copy.write_bytes(messy_xlsx.read_bytes())
    later = MainWindow(profiles=ProfileStore(profiles.directory))  # a later run of Rowboat
    qtbot.addWidget(later)
    later.show()
    open_and_wait(qtbot, later, copy)
    assert later.go_to(Step.MAP)  # the last target is chosen again
    wait_for_mapping(qtbot, later)
    assert later.session.mapping_origin is MappingOrigin.PROFILE
    mapping = later.session.mapping
    assert mapping is not None
    assert mapping.for_field("company_name") is None
    assert "remembered" in later.map_page.origin.message.text()
    assert later.map_page.match_again.isVisible()
    later.map_page.match_again.click()
    wait_for_mapping(qtbot, later)
    assert later.session.mapping_origin.value == "automatic"
    mapping = later.session.mapping
    assert mapping is not None
    assert mapping.for_field("company_name") is not None
    wait_for_result(qtbot, later)
    later.close()


def test_nothing_is_remembered_when_the_box_is_unticked(
    qtbot: QtBot, window: MainWindow, messy_xlsx: Path
) -> None:
    _to_map(qtbot, window, messy_xlsx, "plandocket.contacts")
    window.map_page.remember.setChecked(False)
    window.go_to(Step.REVIEW)
    assert window.keeper.profiles.list() == []


def test_an_empty_template_is_saved_in_a_worker(
    qtbot: QtBot, window: MainWindow, messy_xlsx: Path, tmp_path: Path, dialogs: Dialogs
) -> None:
    _to_map(qtbot, window, messy_xlsx, "plandocket.contacts")
    target = tmp_path / "contacts-template"
    dialogs.save_file = str(target)
    with qtbot.waitSignal(window.map_page.status, timeout=TIMEOUT_MS) as saved:
        window.menu_actions.template.trigger()
    written = target.with_suffix(".xlsx")
    assert str(written) in str(saved.args[0])
    assert load_workbook(written).sheetnames == ["Data", "Help"]
    assert dialogs.asked[-1][0] == "save"


def test_a_template_that_cannot_be_written_gets_a_plain_message(
    qtbot: QtBot, window: MainWindow, messy_xlsx: Path, tmp_path: Path, dialogs: Dialogs
) -> None:
    _to_map(qtbot, window, messy_xlsx, "plandocket.contacts")
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where a folder should be", encoding="utf-8")
    dialogs.save_file = str(blocker / "template.xlsx")
    window.map_page.download_template()
    qtbot.waitUntil(window.map_page.problem.isVisible, timeout=TIMEOUT_MS)
    assert "could not save the template" in window.map_page.problem.message.text()


def test_enter_on_a_field_goes_to_its_column_chooser(
    qtbot: QtBot, window: MainWindow, messy_xlsx: Path
) -> None:
    _to_map(qtbot, window, messy_xlsx, "plandocket.contacts")
    table = window.map_page.table
    table.setFocus()
    _select(window, "mobile")
    QTest.keyClick(table, Qt.Key.Key_Return)
    assert window.map_page.editor.column.hasFocus()
