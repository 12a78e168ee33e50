"""HistoryPage: every import Rowboat has run, newest first, read from the journal in a worker; the
chosen one's outcomes with export, Resume for an unfinished one, and Remove (asked first)."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelection, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from rowboat.core.jobs.history import History
from rowboat.gui.dialogs import questions
from rowboat.gui.models.history_model import FILE, STATE, TARGET, HistoryModel, when_text
from rowboat.gui.widgets.import_result import ImportResult
from rowboat.gui.widgets.track_panel import TrackPanel
from rowboat.gui.workers import Workers

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from PySide6.QtGui import QShowEvent

    from rowboat.core.errors import RowboatError
    from rowboat.core.progress import Reporter
    from rowboat.core.submit.journal import ImportRecord, Journal
    from rowboat.gui.submission import RunEnd, SubmissionRunner

__all__ = ["HistoryPage"]


def _recent(journal: Journal, report: Reporter) -> list[ImportRecord]:
    return History(journal).recent()


def _forget(journal: Journal, import_id: str, report: Reporter) -> str:
    History(journal).forget(import_id)
    return import_id


class HistoryPage(QWidget):
    """The history of imports over the journal.

    Signals:
        loaded(): the list of imports was read (again).
    """

    loaded = Signal()

    def __init__(
        self,
        runner: SubmissionRunner,
        parent: QWidget | None = None,
        *,
        folder: Callable[[], Path] | None = None,
    ) -> None:
        super().__init__(parent)
        tr = self.tr
        self._runner = runner
        self._journal = runner.journal
        self._workers = Workers(self)
        self._select = ""  # the import to choose once the list is read
        self._errors: dict[str, RowboatError] = {}  # the error that stopped an import's last run
        self.setAccessibleName(tr("History of imports"))
        heading = QLabel(tr("History"), self)
        font = heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        font.setBold(True)
        heading.setFont(font)
        intro = QLabel(
            tr(
                "Every import Rowboat has sent, newest first. Choose one to see what became of "
                "its rows."
            ),
            self,
        )
        intro.setWordWrap(True)
        self.model = HistoryModel(self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setAccessibleName(tr("Imports"))
        self.table.setAccessibleDescription(
            tr("One line per import: when, file, target, connection, state and rows")
        )
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        em = self.fontMetrics().horizontalAdvance("M")
        for column, width in ((0, 13), (FILE, 14), (TARGET, 16), (3, 8), (STATE, 11)):
            header.resizeSection(column, em * width)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        heading.setBuddy(self.table)
        self.table.selectionModel().selectionChanged.connect(self._on_selection)
        self.empty = QLabel(
            tr("No imports yet. Each import you submit is listed here, newest first."), self
        )
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.list_stack = QStackedWidget(self)
        self.list_stack.addWidget(self.table)
        self.list_stack.addWidget(self.empty)

        self.track = TrackPanel(runner, self)
        self.detail = ImportResult(self._journal, self, folder=folder)
        self.detail.resume_requested.connect(self._on_resume)
        self.remove = QPushButton(tr("Re&move from History…"), self.detail)
        self.remove.setAccessibleName(tr("Remove from History"))
        self.remove.setAccessibleDescription(
            tr("Forgets this import and its rows here; nothing changes in the target system")
        )
        self.remove.setToolTip(self.remove.accessibleDescription())
        self.remove.clicked.connect(self._on_remove)
        self.detail.buttons.addWidget(self.remove)
        lower = QWidget(self)
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addWidget(self.track)
        lower_layout.addWidget(self.detail, 1)
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.addWidget(self.list_stack)
        self.splitter.addWidget(lower)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setChildrenCollapsible(False)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(heading)
        top.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(intro)
        layout.addWidget(self.splitter, 1)
        layout.addWidget(self.status)
        runner.started.connect(self._on_runner_started)
        runner.ended.connect(self._on_run_ended)
        self._show_detail()

    # -- reading --------------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.reload()

    def reload(self, select: str = "") -> None:
        """Read the list of imports again (in a worker); then choose `select` if given."""
        self._select = select or self._select or self.selected_id()
        self._workers.start(
            partial(_recent, self._journal),
            "reading the history",
            finished=self._on_read,
            failed=self._on_failed,
        )

    @property
    def busy(self) -> bool:
        """The list or the chosen import's rows are being read."""
        return self._workers.running > 0 or self.detail.outcomes.busy

    def show_import(self, import_id: str) -> None:
        """Choose this import once the list is read (the banner's "Show in History")."""
        self.reload(import_id)

    def selected_id(self) -> str:
        rows = self.table.selectionModel().selectedRows()
        record = self.model.record(rows[0].row()) if rows else None
        return record.id if record is not None else ""

    @Slot(object)
    def _on_read(self, records: object) -> None:
        chosen, self._select = self._select, ""
        self.model.set_records(records)  # type: ignore[arg-type]
        self.model.set_running(self._runner.current_id)
        self.list_stack.setCurrentWidget(self.table if self.model.rowCount() else self.empty)
        row = self.model.row_of(chosen) if chosen else -1
        if row < 0 and self.model.rowCount():
            row = 0
        if row >= 0:
            self.table.selectRow(row)
        self._show_detail()
        self.loaded.emit()

    @Slot(object)
    def _on_failed(self, error: object) -> None:
        failure: RowboatError = error  # type: ignore[assignment]
        self.status.setText(f"{failure.message} {failure.hint}".strip())

    # -- the chosen import ----------------------------------------------------------------------

    @Slot(QItemSelection, QItemSelection)
    def _on_selection(self, selected: QItemSelection, deselected: QItemSelection) -> None:
        self._show_detail()

    def _show_detail(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        record = self.model.record(rows[0].row()) if rows else None
        running = record is not None and record.id == self._runner.current_id
        self.track.setVisible(running)
        if record is None or record is not self.detail.record:
            self.detail.show_record(
                record, self._errors.get(record.id) if record else None, running=running
            )
        self.remove.setVisible(record is not None)
        self.remove.setEnabled(record is not None and not running)

    @Slot(str)
    def _on_resume(self, import_id: str) -> None:
        self._runner.resume(import_id)
        if self._runner.current_id != import_id:
            self.status.setText(self.tr("It will be resumed after the import being sent now."))
        self._show_detail()

    @Slot(str)
    def _on_runner_started(self, import_id: str) -> None:
        self.model.set_running(import_id or None)
        if import_id and import_id == self.selected_id():
            record = self.detail.record
            self.detail.show_record(record, running=True, reload=False)
            self.track.show()
            self.remove.setEnabled(False)

    @Slot(object)
    def _on_run_ended(self, end: RunEnd) -> None:
        if end.import_id is not None and end.error is not None:
            self._errors[end.import_id] = end.error
        elif end.import_id is not None:
            self._errors.pop(end.import_id, None)
        self.model.set_running(None)
        self.track.hide()
        self.detail.record = None  # read it again, with its new state
        if self.isVisible():
            self.reload(end.import_id or "")

    @Slot()
    def _on_remove(self) -> None:
        record = self.detail.record
        if record is None or record.id == self._runner.current_id:
            return
        unfinished = record.state.resumable
        if not questions.ask(
            self,
            self.tr("Remove from History"),
            self.tr("Remove the import of {file} ({when}) from History?").format(
                file=record.file_name, when=when_text(record)
            ),
            self.tr("&Remove"),
            self.tr("&Keep it"),
            detail=(
                self.tr("It is not finished: once removed, it cannot be resumed. ")
                if unfinished
                else ""
            )
            + self.tr("What reached the target stays there."),
            warning=True,
            default_yes=False,
        ):
            return
        self.remove.setEnabled(False)
        self._select = ""
        self._workers.start(
            partial(_forget, self._journal, record.id),
            "removing an import from the history",
            finished=self._on_removed,
            failed=self._on_failed,
        )

    @Slot(object)
    def _on_removed(self, import_id: object) -> None:
        self.status.setText(self.tr("Removed the import {id} from History.").format(id=import_id))
        self.detail.record = None
        self.reload()
