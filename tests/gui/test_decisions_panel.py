"""The decisions panel on the Open and Map steps: the core's list, guesses first, and an override
that changes what is read and checked."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

pytest.importorskip("PySide6")

from openpyxl import Workbook
from PySide6.QtWidgets import QCheckBox, QComboBox

from rowboat.core.decisions import Decision, Kind
from rowboat.core.validation import ValidationOptions
from rowboat.gui.widgets.decisions_panel import DecisionsPanel
from rowboat.gui.widgets.step_bar import Step
from tests.gui.helpers import TIMEOUT_MS, open_and_wait, wait_for_result

if TYPE_CHECKING:
    from pathlib import Path

    from pytestqt.qtbot import QtBot

    from rowboat.gui.main_window import MainWindow


def _sessions(tmp_path: Path) -> Path:
    """Sessions typed as text in Excel: nothing settles their date order; one row is hidden."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Title", "Start", "End"])
    sheet.append(["Keynote", "03/04/2026 09:00", "03/04/2026 10:00"])
    sheet.append(["Panel", "05/04/2026 11:00", "05/04/2026 12:00"])
    sheet.append(["Old draft", "01/02/2026 09:00", "01/02/2026 10:00"])
    sheet.row_dimensions[4].hidden = True
    path = tmp_path / "sessions.xlsx"
    book.save(path)
    return path


def test_the_panel_lists_decisions_in_order_with_controls_where_they_make_sense(
    qtbot: QtBot,
) -> None:
    panel = DecisionsPanel("Decisions")
    qtbot.addWidget(panel)
    decisions = (
        Decision(Kind.HIDDEN_ROWS, "Hidden rows", "2 kept", "Rows 4, 7.", False, ""),
        Decision(Kind.ENCODING, "Text encoding", "UTF-8", "Every byte reads.", True, "--encoding"),
    )
    panel.set_decisions(decisions)
    assert panel.decisions == decisions
    assert not panel.isHidden()
    assert list(panel.controls) == [(Kind.HIDDEN_ROWS, None)]  # the encoding has its own control
    box = panel.controls[(Kind.HIDDEN_ROWS, None)]
    assert isinstance(box, QCheckBox)
    assert not box.isChecked()
    with qtbot.waitSignal(panel.override_requested) as asked:
        box.setChecked(True)
    assert asked.args == [decisions[0], "yes"]
    panel.set_decisions(())
    assert panel.isHidden()


def test_open_step_shows_the_reading_decisions_and_leaves_hidden_rows_out(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    open_and_wait(qtbot, window, _sessions(tmp_path))
    panel = window.open_page.decisions
    table = window.session.table
    assert table is not None
    assert len(table) == 3
    assert panel.decisions == table.decisions
    assert panel.decisions[0].kind is Kind.HIDDEN_ROWS
    box = panel.controls[(Kind.HIDDEN_ROWS, None)]
    assert isinstance(box, QCheckBox)
    with qtbot.waitSignal(window.session.table_changed, timeout=TIMEOUT_MS):
        box.setChecked(True)
    qtbot.waitUntil(lambda: not window.loader.busy, timeout=TIMEOUT_MS)
    table = window.session.table
    assert table is not None
    assert len(table) == 2
    assert table.source_rows.tolist() == [2, 3]
    decision = window.open_page.decisions.decisions[-1]
    assert (decision.kind, decision.settled) == (Kind.HIDDEN_ROWS, True)


def test_map_step_shows_the_field_decisions_and_a_date_order_override_rereads_the_dates(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    window.session.set_options(ValidationOptions(default_region="US"))
    open_and_wait(qtbot, window, _sessions(tmp_path))
    assert window.go_to(Step.TARGET)
    assert window.target_page.select_endpoint("thought-industries.in-person-sessions")
    assert window.go_to(Step.MAP)
    wait_for_result(qtbot, window)
    result = window.session.result
    assert result is not None
    assert result.values["startDate"].tolist()[0] == "2026-03-04T09:00:00"  # the US guess
    panel = window.map_page.decisions
    assert panel.decisions == tuple(d for d in result.decisions if not d.is_reading)
    assert panel.decisions[0].what == "Date order of Start"
    assert not panel.decisions[0].settled
    combo = panel.controls[(Kind.DATE_ORDER, "startDate")]
    assert isinstance(combo, QComboBox)
    with qtbot.waitSignal(window.session.mapping_changed, timeout=TIMEOUT_MS):
        combo.setCurrentIndex(combo.findData("DMY"))
        combo.activated.emit(combo.currentIndex())
    wait_for_result(qtbot, window)
    result = window.session.result
    assert result is not None
    assert result.values["startDate"].tolist()[0] == "2026-04-03T09:00:00"
    start = next(d for d in result.decisions if d.subject == "startDate")
    assert (start.value, start.settled) == ("DMY", True)
    chosen = window.map_page.decisions.controls[(Kind.DATE_ORDER, "startDate")]
    assert isinstance(chosen, QComboBox)
    assert chosen.currentData() == "DMY"
    window.map_page.undo_stack.undo()  # one undoable edit, like every mapping change
    wait_for_result(qtbot, window)
    result = window.session.result
    assert result is not None
    assert result.values["startDate"].tolist()[0] == "2026-03-04T09:00:00"


def test_map_step_region_for_local_phones_can_be_chosen_and_rechecks_them(
    qtbot: QtBot, window: MainWindow, tmp_path: Path
) -> None:
    window.session.set_options(ValidationOptions(default_region="US", region_source="locale"))
    path = tmp_path / "people.csv"
    path.write_text("Email,Phone\nanna@example.de,030 1234567\n", encoding="utf-8")
    open_and_wait(qtbot, window, path)
    assert window.go_to(Step.TARGET)
    assert window.target_page.select_endpoint("plandocket.contacts")
    assert window.go_to(Step.MAP)
    wait_for_result(qtbot, window)
    combo = window.map_page.decisions.controls[(Kind.REGION, None)]
    assert isinstance(combo, QComboBox)
    assert combo.currentData() == "US"
    with qtbot.waitSignal(window.session.options_changed, timeout=TIMEOUT_MS):
        combo.setCurrentIndex(combo.findData("DE"))
        combo.activated.emit(combo.currentIndex())
    qtbot.waitUntil(
        lambda: (
            window.session.result is not None
            and window.session.result.options.default_region == "DE"
        ),
        timeout=TIMEOUT_MS,
    )
    result = window.session.result
    assert result is not None
    assert result.values["phone"].tolist() == ["+49301234567"]
    region = next(d for d in result.decisions if d.kind is Kind.REGION)
    assert (region.value, region.settled) == ("DE", True)
