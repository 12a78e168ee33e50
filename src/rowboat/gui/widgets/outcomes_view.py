"""OutcomesView: each row's outcome of one import, filtered by outcome with counts, and the export
of the rows to fix (rejected, unknown) to a new xlsx or csv file, read and written in workers."""

from __future__ import annotations

import itertools
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSizePolicy,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from rowboat.core.jobs.outcomes import export_rows
from rowboat.gui.models.outcomes_model import OutcomeFilter, OutcomeRows, OutcomesModel
from rowboat.gui.workers import Workers

if TYPE_CHECKING:
    from collections.abc import Callable

    from rowboat.core.errors import RowboatError
    from rowboat.core.progress import Reporter
    from rowboat.core.submit.journal import Journal

__all__ = ["OutcomesView", "read_outcomes"]

_EXCEL, _CSV = ".xlsx", ".csv"


def read_outcomes(journal: Journal, import_id: str, report: Reporter) -> OutcomeRows:
    """Every row's outcome of an import, as arrays for the model (in a worker)."""
    report.raise_if_cancelled()
    return OutcomeRows.of(import_id, journal.outcomes(import_id))


def _export(journal: Journal, import_id: str, path: Path, report: Reporter) -> Path:
    report.raise_if_cancelled()
    return export_rows(journal, import_id, path)


class OutcomesView(QWidget):
    """The outcome table of one import with its filter buttons and export.

    Signals:
        loaded(): the outcomes of the import asked for are shown.
        exported(str): the rows to fix were saved to this path.
    """

    loaded = Signal()
    exported = Signal(str)

    def __init__(
        self,
        journal: Journal,
        parent: QWidget | None = None,
        *,
        folder: Callable[[], Path] | None = None,
    ) -> None:
        super().__init__(parent)
        tr = self.tr
        self._journal = journal
        self._folder = folder or Path.home
        self._workers = Workers(self)
        self._file_name = ""
        self._wanted = ""  # the import whose outcomes are being read
        self._exporting = False
        self.model = OutcomesModel(self)
        self.filters = QButtonGroup(self)
        self.filters.setExclusive(True)
        self.filter_buttons: dict[OutcomeFilter, QToolButton] = {}
        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        for which in OutcomeFilter:
            button = QToolButton(self)
            button.setCheckable(True)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            self.filters.addButton(button)
            self.filter_buttons[which] = button
            bar.addWidget(button)
            button.toggled.connect(self._on_filter_toggled)
        bar.addStretch(1)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setAccessibleName(tr("Outcome of each row"))
        self.table.setAccessibleDescription(
            tr("One line per row of your file: its row number, what became of it and why")
        )
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        metrics = self.fontMetrics()
        em = metrics.horizontalAdvance("M")
        header.resizeSection(0, em * 5)
        icon = self.table.iconSize().width() or metrics.height()
        widest = max(metrics.horizontalAdvance(w) for w in self.model.words)
        header.resizeSection(1, widest + icon + em * 2)  # every outcome's words in full
        rows = self.table.verticalHeader()
        rows.hide()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.export_button = QPushButton(tr("Export rows to fix…"), self)
        self.export_button.setAccessibleName(tr("Export rows to fix"))
        self.export_button.setAccessibleDescription(
            tr("Saves the rejected and unknown rows with the reason, ready to fix and import again")
        )
        self.export_button.setToolTip(self.export_button.accessibleDescription())
        self.export_button.clicked.connect(self._on_export)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        bottom = QHBoxLayout()
        bottom.setContentsMargins(0, 0, 0, 0)
        bottom.addWidget(self.status, 1)
        bottom.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)
        order = [*self.filter_buttons.values(), self.table, self.export_button]
        for first, second in itertools.pairwise(order):
            QWidget.setTabOrder(first, second)
        self.filter_buttons[OutcomeFilter.ALL].setChecked(True)
        self._show_counts()

    @property
    def import_id(self) -> str:
        return self.model.outcomes.import_id

    @property
    def busy(self) -> bool:
        return bool(self._wanted) or self._exporting

    def load(self, import_id: str, file_name: str = "") -> None:
        """Read and show the outcomes of `import_id` (in a worker)."""
        self._wanted, self._file_name = import_id, file_name
        self.status.setText(self.tr("Reading the outcome of each row…"))
        self._workers.start(
            partial(read_outcomes, self._journal, import_id),
            "reading the outcome of each row",
            finished=self._on_read,
            failed=self._on_failed,
        )

    def clear(self) -> None:
        self._wanted = ""
        self.model.set_outcomes(OutcomeRows.empty())
        self.status.clear()
        self._show_counts()

    def set_filter(self, which: OutcomeFilter) -> None:
        self.filter_buttons[which].setChecked(True)

    @Slot(object)
    def _on_read(self, data: object) -> None:
        assert isinstance(data, OutcomeRows)
        if data.import_id != self._wanted:
            return  # another import was asked for meanwhile
        self._wanted = ""
        self.model.set_outcomes(data)
        self.status.clear()
        self._show_counts()
        to_fix = data.count(OutcomeFilter.REJECTED) + data.count(OutcomeFilter.UNKNOWN)
        self.set_filter(OutcomeFilter.REJECTED if to_fix else OutcomeFilter.ALL)
        if data.count(OutcomeFilter.UNKNOWN) and not data.count(OutcomeFilter.REJECTED):
            self.set_filter(OutcomeFilter.UNKNOWN)
        self.loaded.emit()

    @Slot(object)
    def _on_failed(self, error: object) -> None:
        failure: RowboatError = error  # type: ignore[assignment]
        self._wanted = ""
        self.status.setText(f"{failure.message} {failure.hint}".strip())
        self._show_counts()

    def _show_counts(self) -> None:
        data = self.model.outcomes
        names = {
            OutcomeFilter.ALL: self.tr("All {n}"),
            OutcomeFilter.CREATED: self.tr("Created {n}"),
            OutcomeFilter.UPDATED: self.tr("Updated {n}"),
            OutcomeFilter.ACCEPTED: self.tr("Accepted {n}"),
            OutcomeFilter.SKIPPED: self.tr("Skipped {n}"),
            OutcomeFilter.REJECTED: self.tr("Rejected {n}"),
            OutcomeFilter.UNKNOWN: self.tr("Unknown {n}"),
            OutcomeFilter.NOT_SENT: self.tr("Not sent {n}"),
        }
        for which, button in self.filter_buttons.items():
            n = data.count(which)
            text = names[which].format(n=f"{n:,}")
            button.setText(text)
            button.setAccessibleName(text)
            button.setAccessibleDescription(self.tr("Shows only these rows"))
            button.setToolTip(self._why(which))
            # "Accepted" appears only where a target took rows without saying what it made.
            button.setVisible(which is not OutcomeFilter.ACCEPTED or n > 0)
            button.setEnabled(n > 0 or which is OutcomeFilter.ALL or button.isChecked())
        to_fix = data.count(OutcomeFilter.REJECTED) + data.count(OutcomeFilter.UNKNOWN)
        self.export_button.setEnabled(to_fix > 0 and not self._exporting)

    def _why(self, which: OutcomeFilter) -> str:
        return {
            OutcomeFilter.ALL: self.tr("Every row of the file"),
            OutcomeFilter.CREATED: self.tr("Rows the target created"),
            OutcomeFilter.UPDATED: self.tr("Rows that updated a record the target had"),
            OutcomeFilter.ACCEPTED: self.tr("Rows the target took without saying what it made"),
            OutcomeFilter.SKIPPED: self.tr("Rows the target left alone"),
            OutcomeFilter.REJECTED: self.tr("Rows the target refused, with its reason"),
            OutcomeFilter.UNKNOWN: self.tr("Rows sent whose fate the target cannot tell"),
            OutcomeFilter.NOT_SENT: self.tr("Rows with a problem in the file, or not sent yet"),
        }[which]

    @Slot(bool)
    def _on_filter_toggled(self, checked: bool) -> None:
        if not checked:
            return
        for which, button in self.filter_buttons.items():
            if button.isChecked() and which is not self.model.row_filter:
                self.model.set_filter(which)

    @Slot()
    def _on_export(self) -> None:
        import_id = self.import_id
        if not import_id:
            return
        stem = Path(self._file_name).stem or import_id
        name = self.tr("{stem} - rows to fix").format(stem=stem) + _EXCEL
        filters = [self.tr("Excel workbook (*.xlsx)"), self.tr("CSV file, UTF-8 (*.csv)")]
        chosen, kind = QFileDialog.getSaveFileName(
            self,
            self.tr("Export the rows to fix"),
            str(self._folder() / name),
            ";;".join(filters),
        )
        if not chosen:
            return
        path = Path(chosen)
        if path.suffix.lower() not in (_EXCEL, _CSV):
            path = path.with_name(path.name + (_CSV if kind == filters[1] else _EXCEL))
        self._exporting = True
        self._show_counts()
        self.status.setText(self.tr("Saving the rows to fix…"))
        worker = self._workers.start(
            partial(_export, self._journal, import_id, path), "saving the rows to fix"
        )
        worker.signals.finished.connect(self._on_exported)
        worker.signals.failed.connect(self._on_failed)
        worker.signals.ended.connect(self._on_export_ended)

    @Slot(object)
    def _on_exported(self, path: object) -> None:
        self.status.setText(
            self.tr("Saved the rows to fix as '{name}'.").format(name=Path(str(path)).name)
        )
        self.exported.emit(str(path))

    @Slot()
    def _on_export_ended(self) -> None:
        self._exporting = False
        self._show_counts()
