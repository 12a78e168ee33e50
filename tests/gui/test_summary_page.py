"""The interim Review page: counts, blockers, the first problems, and the invalid-row export."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

pytest.importorskip("PySide6")

from openpyxl import load_workbook
from PySide6.QtGui import QUndoStack

from rowboat.core.mapping import Mapping, match_columns
from rowboat.core.sources import open_table
from rowboat.core.targets import get_endpoint
from rowboat.core.validation import ValidationOptions, validate
from rowboat.gui.pages.review_summary import FIRST_PROBLEMS, ReviewSummaryPage
from tests.gui.helpers import TIMEOUT_MS

if TYPE_CHECKING:
    from pathlib import Path

    from pytestqt.qtbot import QtBot

    from rowboat.core.validation import ValidationResult
    from tests.gui.conftest import Dialogs


def _result(
    path: Path, endpoint_id: str = "plandocket.contacts", *, unmapped: bool = False
) -> ValidationResult:
    table = open_table(path)
    endpoint = get_endpoint(endpoint_id)
    mapping = (
        Mapping(endpoint_id=endpoint.id) if unmapped else match_columns(table.columns, endpoint)
    )
    return validate(table, endpoint, mapping, ValidationOptions(default_region="DE"))


@pytest.fixture
def page(qtbot: QtBot) -> ReviewSummaryPage:
    widget = ReviewSummaryPage()
    qtbot.addWidget(widget)
    widget.show()
    return widget


def test_it_offers_the_review_page_interface(page: ReviewSummaryPage, messy_csv: Path) -> None:
    assert isinstance(page.undo_stack, QUndoStack)
    result = _result(messy_csv)
    page.set_result(result)
    assert page.corrected_result() is result
    assert hasattr(page.edited, "connect")


def test_counts_and_the_first_problems_are_listed_in_words(
    page: ReviewSummaryPage, messy_csv: Path
) -> None:
    result = _result(messy_csv)
    page.set_result(result)
    assert page.headline.text() == (
        f"{result.valid_count} rows are ready; {result.invalid_count} row has problems."
    )
    texts = [page.problems.item(i).text() for i in range(page.problems.count())]
    assert texts == ["Row 9 · Email: 'chloe.dubois@' is missing the part after the @."]
    assert page.by_field.text() == "By field: Email 1"
    assert page.export.isEnabled()


def test_blockers_say_what_stops_the_import(page: ReviewSummaryPage, messy_csv: Path) -> None:
    page.set_result(_result(messy_csv, "eloqua.event-registrants", unmapped=True))
    assert (
        "Before anything can be sent to Oracle Eloqua · Event registrants" in page.blockers.text()
    )
    assert "⚠ The required field 'Email address' is not mapped" in page.blockers.text()


def test_only_the_first_problems_are_listed(page: ReviewSummaryPage, tmp_path: Path) -> None:
    path = tmp_path / "many.csv"
    path.write_text("Email\n" + "\n".join(f"broken{i}@" for i in range(FIRST_PROBLEMS + 50)))
    page.set_result(_result(path))
    assert page.problems.count() == FIRST_PROBLEMS
    assert f"the export holds all {FIRST_PROBLEMS + 50}" in page.more.text()


def test_nothing_checked_yet_says_so(page: ReviewSummaryPage) -> None:
    page.set_result(None)
    assert page.headline.text() == "Nothing is checked yet."
    assert not page.export.isEnabled()


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_invalid_rows_are_exported_in_a_worker(
    qtbot: QtBot,
    page: ReviewSummaryPage,
    messy_csv: Path,
    tmp_path: Path,
    dialogs: Dialogs,
    suffix: str,
) -> None:
    page.set_result(_result(messy_csv))
    out = tmp_path / f"to-fix{suffix}"
    dialogs.save_file = str(out)
    page.export.click()
    qtbot.waitUntil(page.banner.isVisible, timeout=TIMEOUT_MS)
    assert str(out) in page.banner.message.text()
    assert out.exists()
    if suffix == ".xlsx":
        sheet = load_workbook(out).active
        assert sheet is not None
        assert sheet["A1"].value == "Row"
        assert sheet["A2"].value == 9
    else:
        assert "chloe.dubois@" in out.read_text(encoding="utf-8-sig")


def test_a_name_without_a_suffix_gets_the_chosen_kind(
    qtbot: QtBot, page: ReviewSummaryPage, messy_csv: Path, tmp_path: Path, dialogs: Dialogs
) -> None:
    page.set_result(_result(messy_csv))
    dialogs.save_file, dialogs.save_filter = str(tmp_path / "to-fix"), "CSV (*.csv)"
    page.export.click()
    qtbot.waitUntil(page.banner.isVisible, timeout=TIMEOUT_MS)
    assert (tmp_path / "to-fix.csv").exists()


def test_exporting_over_the_source_file_is_refused_plainly(
    qtbot: QtBot, page: ReviewSummaryPage, messy_csv: Path, dialogs: Dialogs
) -> None:
    before = messy_csv.read_bytes()
    page.set_result(_result(messy_csv))
    dialogs.save_file = str(messy_csv)
    page.export.click()
    qtbot.waitUntil(page.banner.isVisible, timeout=TIMEOUT_MS)
    assert "never overwrites it" in page.banner.message.text()
    assert messy_csv.read_bytes() == before
