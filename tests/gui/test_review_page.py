"""The Review page: counts, filters, the problems panel, keyboard editing, undo and exports."""

from __future__ import annotations

import csv
import gc
import hashlib
from typing import TYPE_CHECKING, Any

import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import Qt, QThreadPool
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QFileDialog, QLineEdit

from rowboat.core.mapping.model import Mapping
from rowboat.core.validation import validate
from rowboat.gui.models.review_model import RowFilter
from rowboat.gui.pages.review_page import ReviewPage
from tests.gui.test_review_models import CHLOE, EMMA, LIAM, SOFIA, sample_result

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from pytestqt.qtbot import QtBot

    from rowboat.core.validation import ValidationResult

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support")


@pytest.fixture(autouse=True)
def _quiet_threads() -> Iterator[None]:
    """As the app does: no cyclic collection on a pool thread; no worker left behind."""
    gc.disable()
    yield
    assert QThreadPool.globalInstance().waitForDone(5000)
    gc.collect()
    gc.enable()


class SaveDialog:
    """QFileDialog.getSaveFileName answered by the test."""

    def __init__(self) -> None:
        self.answer = ("", "")
        self.asked: list[str] = []

    def __call__(self, *args: Any, **kwargs: Any) -> tuple[str, str]:
        self.asked.append(str(args[2]))  # the suggested path
        return self.answer


@pytest.fixture
def save_dialog(monkeypatch: pytest.MonkeyPatch) -> SaveDialog:
    dialog = SaveDialog()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", dialog)
    return dialog


@pytest.fixture
def result(tmp_path: Path) -> ValidationResult:
    return sample_result(tmp_path)


@pytest.fixture
def page(qtbot: QtBot, result: ValidationResult) -> ReviewPage:
    page = ReviewPage()
    qtbot.addWidget(page)
    page.resize(1200, 600)
    page.set_result(result)
    return page


def _counts(page: ReviewPage) -> list[str]:
    return [b.text() for b in page.filter_buttons.values()]


def test_the_page_shows_live_counts_and_what_needs_a_fix(qtbot: QtBot, page: ReviewPage) -> None:
    assert _counts(page) == ["All 13", "Valid 7", "Invalid 6"]
    assert page.summary.text().startswith("6 of 13 rows need a fix")
    assert page.blockers.isHidden()
    with qtbot.waitSignal(page.edited):
        page.model.setData(page.model.index_at(CHLOE, "E-mail address"), "chloe@example.fr")
    assert _counts(page) == ["All 13", "Valid 8", "Invalid 5"]
    assert page.undo_button.isEnabled()
    assert page.undo_button.toolTip() == "Undo change E-mail address on row 7"
    page.undo_stack.undo()
    assert _counts(page) == ["All 13", "Valid 7", "Invalid 6"]
    assert page.redo_button.isEnabled()


def test_the_corrected_result_carries_the_edits_and_the_file_stays_as_read(
    page: ReviewPage, result: ValidationResult
) -> None:
    page.model.setData(page.model.index_at(SOFIA, "Rating"), "4")
    corrected = page.corrected_result()
    assert corrected.valid[SOFIA]
    assert corrected.table.frame["Rating"].iloc[SOFIA] == "4"
    assert result.table.frame["Rating"].iloc[SOFIA] == "9"
    assert corrected.valid_count == result.valid_count + 1


def test_a_required_field_left_unmapped_is_shown_above_the_table(
    qtbot: QtBot, result: ValidationResult
) -> None:
    mapping = Mapping(
        endpoint_id=result.mapping.endpoint_id,
        sources=tuple(s for s in result.mapping.sources if s.field != "email"),
    )
    email = result.endpoint.field("email").model_copy(update={"required": True})
    fields = tuple(email if f.key == "email" else f for f in result.endpoint.fields)
    endpoint = result.endpoint.model_copy(update={"fields": fields})
    page = ReviewPage()
    qtbot.addWidget(page)
    page.set_result(validate(result.table, endpoint, mapping, result.options))
    assert not page.blockers.isHidden()
    assert "The required field 'Email' is not mapped to any column." in page.blockers_text.text()
    assert "Go back to Map" in page.blockers_text.text()
    assert _counts(page) == ["All 13", "Valid 0", "Invalid 13"]
    assert page.summary.text().startswith("Map the missing field first")
    # Each row names the missing field briefly, after its own problems.
    problems = [page.model.index(r, 0).data() for r in range(page.model.rowCount())]
    assert problems[0] == "Email is not mapped (see above)"
    assert problems[SOFIA].startswith("Rating: '9' is above 5")
    assert problems[SOFIA].endswith("Email is not mapped (see above)")


def test_filters_show_the_rows_to_fix_and_say_so_when_there_are_none(page: ReviewPage) -> None:
    page.filter_buttons[RowFilter.INVALID].click()
    assert page.model.rowCount() == 6
    assert page.rows_stack.currentWidget() is page.table
    page.filter_buttons[RowFilter.VALID].click()
    assert page.model.rowCount() == 7
    for pos, column, text in [
        (2, "E-mail address", "chloe@example.fr"), (7, "Country", "Italy"),
        (8, "E-mail address", "liam@example.nl"), (9, "Rating", "4"),
        (10, "E-mail address", "jonas@example.de"), (12, "Customer no.", "000135"),
    ]:  # fmt: skip
        page.model.apply_edit(pos, column, text)
    page.filter_buttons[RowFilter.INVALID].click()
    assert page.model.rowCount() == 0
    assert page.rows_stack.currentWidget() is page.empty
    assert page.empty.text() == "No invalid rows — everything can be sent."
    assert page.problems_stack.currentWidget() is page.no_problems
    assert page.summary.text() == "All 13 rows can be sent."
    assert not page.export_invalid_button.isEnabled()


def test_choosing_a_problem_goes_to_its_cell_even_when_the_filter_hides_it(
    page: ReviewPage,
) -> None:
    page.filter_buttons[RowFilter.VALID].click()
    country = page.issues.index(3, 0)
    assert country.data() == "Country: 1 country is unknown"
    page.problems.activated.emit(page.issues.index(0, 0, country))
    assert page.model.row_filter is RowFilter.INVALID
    current = page.table.currentIndex()
    assert page.model.position(current.row()) == EMMA
    assert page.model.column_name(current.column()) == "Country"
    page.problems.activated.emit(page.issues.index(1, 0))  # a group: its first row
    current = page.table.currentIndex()
    assert page.model.position(current.row()) == LIAM
    assert page.model.column_name(current.column()) == "E-mail address"


def test_enter_edits_a_cell_and_ctrl_z_undoes_it_from_the_keyboard(
    qtbot: QtBot, page: ReviewPage
) -> None:
    page.show()
    qtbot.waitExposed(page)
    page.table.setFocus()
    page.table.setCurrentIndex(page.model.index_at(SOFIA, "Rating"))
    QTest.keyClick(page.table, Qt.Key.Key_Return)
    editor = page.table.focusWidget()
    assert isinstance(editor, QLineEdit)
    assert editor.selectedText() == "9"
    QTest.keyClicks(editor, "4")
    QTest.keyClick(editor, Qt.Key.Key_Return)  # the delegate commits at the next turn
    qtbot.waitUntil(lambda: page.model.edits.text(SOFIA, "Rating") == "4")
    assert page.model.edits.valid[SOFIA]
    assert page.table.state() != page.table.State.EditingState
    QTest.keyClick(page.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert page.model.edits.text(SOFIA, "Rating") == "9"
    shift_ctrl = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    QTest.keyClick(page.table, Qt.Key.Key_Z, shift_ctrl)
    assert page.model.edits.text(SOFIA, "Rating") == "4"
    QTest.keyClick(page.table, Qt.Key.Key_F2)
    assert isinstance(page.table.focusWidget(), QLineEdit)
    QTest.keyClick(page.table.focusWidget(), Qt.Key.Key_Escape)
    assert page.undo_stack.count() == 1


def test_a_fixed_row_leaves_the_invalid_list_and_the_cursor_stays_on_its_line(
    qtbot: QtBot, page: ReviewPage
) -> None:
    page.filter_buttons[RowFilter.INVALID].click()
    page.table.setCurrentIndex(page.model.index_at(CHLOE, "E-mail address"))
    page.model.setData(page.table.currentIndex(), "chloe@example.fr")
    qtbot.waitUntil(lambda: page.model.rowCount() == 5)
    current = page.table.currentIndex()
    assert current.row() == 0
    assert page.model.position(current.row()) == EMMA  # the next row to fix
    assert page.model.column_name(current.column()) == "E-mail address"


def test_mapping_again_keeps_the_edits_made_to_the_same_file(
    page: ReviewPage, result: ValidationResult
) -> None:
    page.model.setData(page.model.index_at(SOFIA, "Rating"), "4")
    again = validate(result.table, result.endpoint, result.mapping, result.options)
    page.set_result(again)
    assert page.model.edits.text(SOFIA, "Rating") == "4"
    assert page.undo_stack.count() == 1
    assert _counts(page) == ["All 13", "Valid 8", "Invalid 5"]


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _export(qtbot: QtBot, page: ReviewPage, button: Any) -> None:
    button.click()
    qtbot.waitUntil(lambda: page.status.text().startswith("Saved"), timeout=10_000)


def test_the_rows_to_fix_are_exported_and_the_source_is_untouched(
    qtbot: QtBot,
    page: ReviewPage,
    result: ValidationResult,
    save_dialog: SaveDialog,
    tmp_path: Path,
) -> None:
    source = result.table.info.path
    before = _digest(source)
    page.model.setData(page.model.index_at(CHLOE, "E-mail address"), "chloe@example.fr")
    save_dialog.answer = (str(tmp_path / "to fix"), "CSV file, UTF-8 (*.csv)")
    _export(qtbot, page, page.export_invalid_button)
    assert save_dialog.asked == [str(tmp_path / "attendees - rows to fix.xlsx")]
    with (tmp_path / "to fix.csv").open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [r["Row"] for r in rows] == ["12", "13", "14", "15", "18"]  # Chloé is fixed
    assert "'Atlantis' is not a country" in rows[0]["Errors"]
    assert page.status.text() == "Saved the rows to fix as 'to fix.csv'."
    assert _digest(source) == before


def test_the_corrected_file_is_exported_with_every_row_and_edit(
    qtbot: QtBot, page: ReviewPage, save_dialog: SaveDialog, tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    page.model.setData(page.model.index_at(SOFIA, "Rating"), "4")
    save_dialog.answer = (str(tmp_path / "corrected.xlsx"), "Excel workbook (*.xlsx)")
    _export(qtbot, page, page.export_table_button)
    sheet = load_workbook(tmp_path / "corrected.xlsx").active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 14  # the header and every row
    assert rows[SOFIA + 1][rows[0].index("Rating")] == "4"


def test_an_export_onto_the_source_file_is_refused_in_plain_words(
    qtbot: QtBot, page: ReviewPage, result: ValidationResult, save_dialog: SaveDialog
) -> None:
    source = result.table.info.path
    before = _digest(source)
    save_dialog.answer = (str(source), "Excel workbook (*.xlsx)")
    page.export_table_button.click()
    qtbot.waitUntil(lambda: "never overwrites it" in page.status.text(), timeout=10_000)
    assert "Choose another name" in page.status.text()
    assert _digest(source) == before
    qtbot.waitUntil(page.export_table_button.isEnabled)


def test_a_cancelled_save_dialog_writes_nothing(
    page: ReviewPage, save_dialog: SaveDialog, tmp_path: Path
) -> None:
    page.export_invalid_button.click()
    assert save_dialog.asked
    assert page.status.text() == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["attendees.xlsx"]
