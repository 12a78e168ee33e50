"""The Review step's models: the table over a result and its edits, and the problems panel."""

from __future__ import annotations

import gc
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import QAbstractItemModel, QModelIndex, Qt, QThreadPool
from PySide6.QtGui import QColor, QIcon, QUndoStack

from rowboat.core.mapping import match_columns
from rowboat.core.sources import open_table
from rowboat.core.targets import get_endpoint
from rowboat.core.validation import ReviewEdits, ValidationOptions, validate
from rowboat.gui.models import review_model
from rowboat.gui.models.issues_model import ColumnRole, IssuesModel
from rowboat.gui.models.review_model import (
    PROBLEMS,
    EditedRole,
    IssueRole,
    PositionRole,
    ReviewModel,
    RowFilter,
    SourceRowRole,
)
from rowboat.resources import sample_path

if TYPE_CHECKING:
    from collections.abc import Iterator

    from pytestqt.modeltest import ModelTester
    from pytestqt.qtbot import QtBot

    from rowboat.core.validation import ValidationResult

# The offscreen platform reports what it cannot do (resize to hints, raise, grab the keyboard).
pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support")

SAMPLE = sample_path()
# Positions in the sample (its rows 5 to 18 in Excel): what validation finds there.
CHLOE, EMMA, LIAM, SOFIA, JONAS, TOTALS = 2, 7, 8, 9, 10, 12
ANNA = 0  # the first copy of the email Liam repeats


@pytest.fixture(autouse=True)
def _quiet_threads() -> Iterator[None]:
    """As the app does: no cyclic collection on a pool thread; no worker left behind."""
    gc.disable()
    yield
    assert QThreadPool.globalInstance().waitForDone(5000)
    gc.collect()
    gc.enable()


def sample_result(folder: Path) -> ValidationResult:
    """The bundled messy attendee list (copied, so its path is the test's), checked for
    Plandocket contacts in Germany."""
    path = folder / "attendees.xlsx"
    shutil.copy(SAMPLE, path)
    endpoint = get_endpoint("plandocket.contacts")
    table = open_table(path)
    mapping = match_columns(table.columns, endpoint, sample=table.frame.head(200))
    return validate(table, endpoint, mapping, ValidationOptions(default_region="DE"))


@pytest.fixture
def result(tmp_path: Path) -> ValidationResult:
    return sample_result(tmp_path)


@pytest.fixture
def model(qtbot: QtBot, result: ValidationResult) -> ReviewModel:
    stack = QUndoStack()
    model = ReviewModel(stack)
    model.set_edits(ReviewEdits(result))
    model.setProperty("stack", stack)  # keep the stack alive with the model
    return model


def _check(tester: ModelTester, model: QAbstractItemModel) -> None:
    """Qt's own QAbstractItemModelTester; it stays attached and checks every later change."""
    tester.check(model)  # type: ignore[no-untyped-call]


def _stack(model: ReviewModel) -> QUndoStack:
    stack = model.property("stack")
    assert isinstance(stack, QUndoStack)
    return stack


def _cell(model: ReviewModel, pos: int, column: str) -> QModelIndex:
    index = model.index_at(pos, column)
    assert index.isValid()
    return index


def test_review_model_passes_the_model_tester_through_filters_sorts_and_edits(
    qtmodeltester: ModelTester, qtbot: QtBot, model: ReviewModel
) -> None:
    _check(qtmodeltester, model)
    model.set_filter(RowFilter.INVALID)
    model.sort(model.columns.index("Country") + 1, Qt.SortOrder.DescendingOrder)
    assert model.setData(_cell(model, CHLOE, "E-mail address"), "chloe.dubois@example.fr")
    qtbot.waitUntil(lambda: model.rowCount() == 5)
    model.sort(-1)
    model.set_filter(RowFilter.ALL)
    _check(qtmodeltester, model)


def test_a_bad_cell_has_a_tint_an_icon_and_its_reason_in_words(model: ReviewModel) -> None:
    index = _cell(model, CHLOE, "E-mail address")
    assert index.data() == "chloe.dubois@"
    assert isinstance(index.data(Qt.ItemDataRole.BackgroundRole), QColor)
    assert isinstance(index.data(Qt.ItemDataRole.DecorationRole), QIcon)
    tooltip = index.data(Qt.ItemDataRole.ToolTipRole)
    assert "'chloe.dubois@' is missing the part after the @." in tooltip
    assert "press Enter" in tooltip
    assert "Problem:" in index.data(Qt.ItemDataRole.AccessibleDescriptionRole)
    assert [i.code for i in index.data(IssueRole)] == ["email.no_domain"]
    good = _cell(model, CHLOE, "City")
    assert good.data(Qt.ItemDataRole.BackgroundRole) is None
    assert good.data(Qt.ItemDataRole.DecorationRole) is None
    assert good.data(Qt.ItemDataRole.ToolTipRole) is None
    assert good.data(Qt.ItemDataRole.AccessibleDescriptionRole) == "No problem"


def test_rows_show_the_row_number_of_the_users_file_and_what_is_wrong(model: ReviewModel) -> None:
    row = model.row_of(CHLOE)
    assert model.headerData(row, Qt.Orientation.Vertical) == "7"  # as Excel shows it
    assert model.index(row, 0).data(SourceRowRole) == 7
    assert model.index(row, 0).data(PositionRole) == CHLOE
    assert isinstance(
        model.headerData(row, Qt.Orientation.Vertical, Qt.ItemDataRole.DecorationRole), QIcon
    )
    assert model.headerData(0, Qt.Orientation.Vertical, Qt.ItemDataRole.DecorationRole) is None
    problems = model.index(row, PROBLEMS).data()
    assert problems == "Email: 'chloe.dubois@' is missing the part after the @."
    assert model.headerData(PROBLEMS, Qt.Orientation.Horizontal) == "Problems"
    # A rule across fields speaks for itself, and marks every cell that could satisfy it.
    totals = model.row_of(TOTALS)
    assert model.index(totals, PROBLEMS).data().startswith("Each row needs an email or a")
    for column in ("E-mail address", "Customer no."):
        assert _cell(model, TOTALS, column).data(Qt.ItemDataRole.DecorationRole) is not None


def test_column_headers_say_where_each_column_goes(model: ReviewModel) -> None:
    mail = model.columns.index("E-mail address") + 1
    tip = model.headerData(mail, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
    assert tip == "Sent to Plandocket as Email"
    unmapped = model.columns.index("Registered on") + 1
    tip = model.headerData(unmapped, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
    assert tip == "Not sent: no Plandocket field is mapped to this column"
    assert not model.flags(model.index(0, PROBLEMS)) & Qt.ItemFlag.ItemIsEditable
    assert model.flags(model.index(0, mail)) & Qt.ItemFlag.ItemIsEditable


def test_editing_a_bad_cell_makes_the_row_valid_and_moves_the_counts(
    qtbot: QtBot, model: ReviewModel
) -> None:
    edits = model.edits
    assert (edits.valid_count, edits.invalid_count) == (7, 6)
    index = _cell(model, CHLOE, "E-mail address")
    with qtbot.waitSignal(model.changed) as changed:
        assert model.setData(index, "chloe.dubois@example.fr")
    assert changed.args is not None
    assert CHLOE in changed.args[0].rows
    assert (edits.valid_count, edits.invalid_count) == (8, 5)
    assert index.data() == "chloe.dubois@example.fr"
    assert index.data(IssueRole) == ()
    assert index.data(EditedRole) is True
    assert index.data(Qt.ItemDataRole.FontRole).italic()
    assert "your file has 'chloe.dubois@'" in index.data(Qt.ItemDataRole.ToolTipRole)
    assert _stack(model).count() == 1
    assert _stack(model).undoText() == "change E-mail address on row 7"
    assert model.index(index.row(), PROBLEMS).data() == ""


def test_the_same_text_again_is_no_edit_and_no_undo_step(model: ReviewModel) -> None:
    index = _cell(model, CHLOE, "City")
    assert not model.setData(index, "Lyon")
    assert not model.setData(model.index(0, PROBLEMS), "anything")
    assert _stack(model).count() == 0


def test_undo_and_redo_bring_back_the_cell_and_its_problem(model: ReviewModel) -> None:
    index = _cell(model, SOFIA, "Rating")
    model.setData(index, "4")
    assert model.edits.issues_at(SOFIA) == ()
    _stack(model).undo()
    assert index.data() == "9"
    assert [i.code for i in model.edits.issues_at(SOFIA)] == ["number.too_large"]
    assert model.edits.edited_cells == {}
    _stack(model).redo()
    assert index.data() == "4"
    assert model.edits.valid[SOFIA]


def test_changing_the_first_copy_of_an_email_clears_the_later_row(model: ReviewModel) -> None:
    later = _cell(model, LIAM, "E-mail address")
    assert [i.code for i in later.data(IssueRole)] == ["duplicate"]
    repainted: list[int] = []
    model.dataChanged.connect(lambda first, last, roles: repainted.append(first.row()))
    model.setData(_cell(model, ANNA, "E-mail address"), "anna.m@example.de")
    assert repainted == [model.row_of(ANNA), later.row()]
    assert later.data(IssueRole) == ()
    assert later.data(Qt.ItemDataRole.BackgroundRole) is None
    assert model.edits.valid[LIAM]


def test_under_invalid_a_fixed_row_leaves_once_the_edit_is_done(
    qtbot: QtBot, model: ReviewModel
) -> None:
    model.set_filter(RowFilter.INVALID)
    assert [model.position(r) for r in range(model.rowCount())] == [
        CHLOE, EMMA, LIAM, SOFIA, JONAS, TOTALS,
    ]  # fmt: skip
    model.setData(_cell(model, EMMA, "Country"), "Italy")
    assert model.row_of(EMMA) == 1  # still there while an editor may be closing
    qtbot.waitUntil(lambda: model.row_of(EMMA) == -1)
    assert model.rowCount() == 5
    _stack(model).undo()  # invalid again: it comes back in its place
    qtbot.waitUntil(lambda: model.row_of(EMMA) == 1)
    model.set_filter(RowFilter.VALID)
    assert model.rowCount() == 7
    assert model.row_of(EMMA) == -1


def test_sorting_orders_the_rows_by_a_column_and_minus_one_restores_the_file(
    model: ReviewModel,
) -> None:
    rating = model.columns.index("Rating") + 1
    model.sort(rating, Qt.SortOrder.DescendingOrder)
    ratings = [model.index(r, rating).data() for r in range(model.rowCount())]
    assert ratings[:2] == ["9", "5"]  # numbers as numbers
    assert ratings[-1] == ""  # empty cells last
    model.sort(model.columns.index("First name") + 1)
    names = [model.index(r, 1).data() for r in range(model.rowCount())]
    assert names[:3] == ["Anna", "Chloé", "Ella"]
    model.sort(PROBLEMS)  # the rows to fix first, in file order
    first = [model.position(r) for r in range(6)]
    assert first == [CHLOE, EMMA, LIAM, SOFIA, JONAS, TOTALS]
    model.sort(-1)
    assert [model.position(r) for r in range(model.rowCount())] == list(range(13))


def test_a_big_table_is_sorted_on_a_worker_and_a_later_sort_wins(
    model: ReviewModel, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(review_model, "SORT_ASIDE_ROWS", 1)  # the sample counts as big
    name = model.columns.index("First name") + 1
    seen: list[bool] = []
    model.sorting.connect(seen.append)  # emitted on this thread (the workers' relay)
    model.sort(name)
    assert model.sorting_aside  # the rows keep their order until the answer comes
    assert [model.position(r) for r in range(3)] == [0, 1, 2]
    qtbot.waitUntil(lambda: seen == [True, False], timeout=5000)
    assert [model.index(r, 1).data() for r in range(3)] == ["Anna", "Chloé", "Ella"]

    model.sort(name, Qt.SortOrder.DescendingOrder)  # aside again ...
    model.sort(-1)  # ... and superseded at once: the file's order stays
    assert not model.sorting_aside
    assert QThreadPool.globalInstance().waitForDone(5000)
    qtbot.wait(20)  # the worker's answer arrives, and is dropped
    assert [model.position(r) for r in range(model.rowCount())] == list(range(13))


def test_a_sorted_view_keeps_the_current_cell_on_its_row(model: ReviewModel) -> None:
    from PySide6.QtCore import QPersistentModelIndex

    kept = QPersistentModelIndex(_cell(model, JONAS, "City"))
    model.sort(model.columns.index("City") + 1)
    assert kept.row() == model.row_of(JONAS)
    assert kept.data() == "München"
    model.set_filter(RowFilter.VALID)  # Jonas has a problem: hidden, so the index lets go
    assert not kept.isValid()


# -- the problems panel ---------------------------------------------------------------------------


@pytest.fixture
def issues(model: ReviewModel) -> IssuesModel:
    issues = IssuesModel()
    issues.set_edits(model.edits)
    model.changed.connect(issues.apply)
    return issues


def _titles(issues: IssuesModel) -> list[str]:
    return [issues.index(r, 0).data() for r in range(issues.rowCount())]


def test_problems_are_grouped_by_kind_in_plain_words(issues: IssuesModel) -> None:
    assert _titles(issues) == [
        "Email: 2 addresses are incomplete or mistyped",
        "Email: 1 row repeats an earlier row",
        "1 row has no Email or Customer number",
        "Country: 1 country is unknown",
        "Rating: 1 number is out of range",
    ]
    group = issues.index(0, 0)
    assert issues.rowCount(group) == 2
    child = issues.index(0, 0, group)
    assert child.data() == "Row 7: 'chloe.dubois@' is missing the part after the @."
    assert (child.data(PositionRole), child.data(ColumnRole)) == (CHLOE, "E-mail address")
    assert issues.parent(child) == group
    assert isinstance(group.data(Qt.ItemDataRole.DecorationRole), QIcon)


def test_the_panel_follows_edits_group_by_group(
    qtmodeltester: ModelTester, model: ReviewModel, issues: IssuesModel
) -> None:
    _check(qtmodeltester, issues)
    model.setData(_cell(model, CHLOE, "E-mail address"), "chloe.dubois@example.fr")
    assert _titles(issues)[0] == "Email: 1 address is incomplete or mistyped"
    model.setData(_cell(model, EMMA, "Country"), "Italy")
    assert "Country: 1 country is unknown" not in _titles(issues)
    model.setData(_cell(model, EMMA, "Country"), "Mars")  # the group comes back, in its place
    assert _titles(issues)[3] == "Country: 1 country is unknown"
    model.setData(_cell(model, JONAS, "E-mail address"), "jose.garcia@example.es")
    assert _titles(issues)[:2] == [
        "Email: 2 rows repeat an earlier row",
        "1 row has no Email or Customer number",
    ]
    _check(qtmodeltester, issues)


def test_an_unmapped_required_field_is_one_entry_without_a_million_children(
    qtbot: QtBot, result: ValidationResult
) -> None:
    from dataclasses import replace

    from rowboat.core.mapping.model import Mapping

    mapping = Mapping(
        endpoint_id=result.mapping.endpoint_id,
        sources=tuple(s for s in result.mapping.sources if s.field != "email"),
    )
    endpoint = result.endpoint.model_copy(
        update={
            "fields": tuple(
                f.model_copy(update={"required": True}) if f.key == "email" else f
                for f in result.endpoint.fields
            )
        }
    )
    checked = validate(result.table, endpoint, mapping, replace(result.options))
    issues = IssuesModel()
    issues.set_edits(ReviewEdits(checked))
    top = issues.index(0, 0)
    assert top.data() == "Email: required, and no column is mapped to it"
    assert issues.rowCount(top) == 0
    assert not issues.hasChildren(top)
    assert top.data(PositionRole) is None


def test_an_edit_that_rereads_a_whole_column_refreshes_every_view(
    qtmodeltester: ModelTester, qtbot: QtBot
) -> None:
    import numpy as np
    import pandas as pd

    from rowboat.core.mapping.model import FieldSource, Mapping
    from rowboat.core.table import SourceInfo, Table
    from rowboat.core.targets.schema import Endpoint, Field, FieldType

    day = Field(key="day", label="Day", type=FieldType.DATE)
    endpoint = Endpoint(
        id="t.d", system="t", system_label="T", label="D", description="D.", fields=(day,)
    )
    frame = pd.DataFrame({"Day": ["03/04/2026", "05/06/2026", "soon"]}, dtype="str")
    table = Table(frame, np.array([2, 3, 4]), ("Day",), SourceInfo(Path("d.csv"), "csv", 1))
    mapping = Mapping(endpoint_id="t.d", sources=(FieldSource(field="day", columns=("Day",)),))
    result = validate(table, endpoint, mapping, ValidationOptions(default_region="US"))
    stack = QUndoStack()
    model = ReviewModel(stack)
    model.set_edits(ReviewEdits(result))
    issues = IssuesModel()
    issues.set_edits(model.edits)
    model.changed.connect(issues.apply)
    _check(qtmodeltester, model)
    model.set_filter(RowFilter.INVALID)
    with qtbot.waitSignal(model.changed) as changed:
        model.apply_edit(1, "Day", "25/06/2026")  # only a day-first reading fits this one
    assert changed.args is not None
    assert changed.args[0].rebased
    assert model.edits.values_at(0)["day"] == "2026-04-03"  # the whole column reads day-first
    assert [model.position(r) for r in range(model.rowCount())] == [2]
    assert issues.index(0, 0).data() == "Day: 1 value is not a date"
