"""ReviewSummaryPage: step 4 until the full Review page lands: the counts, the blockers, the first
problems in plain words, and an export of the invalid rows to fix in Excel."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt, Signal, Slot
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from rowboat.core.errors import RowboatError
from rowboat.core.reports import export_invalid
from rowboat.gui.view_state import ViewState
from rowboat.gui.widgets.message_banner import Kind, MessageBanner
from rowboat.gui.wording import count
from rowboat.gui.workers import Workers

if TYPE_CHECKING:
    from collections.abc import Callable

    from rowboat.core.progress import Reporter
    from rowboat.core.validation import ValidationResult

__all__ = ["FIRST_PROBLEMS", "ReviewSummaryPage"]

FIRST_PROBLEMS = 200  # problems listed on the page; the export holds every one


def _export_job(result: ValidationResult, path: Path) -> Callable[[Reporter], Path]:
    def work(report: Reporter) -> Path:
        report.raise_if_cancelled()
        try:
            return export_invalid(result, path)
        except OSError as exc:
            raise RowboatError(
                QCoreApplication.translate(
                    "ReviewSummaryPage", "Rowboat could not save the rows as '{name}'."
                ).format(name=path.name),
                hint=QCoreApplication.translate(
                    "ReviewSummaryPage",
                    "Close the file if it is open in Excel, or choose another folder.",
                ),
                detail=str(exc),
            ) from exc

    return work


class ReviewSummaryPage(QWidget):
    """What checking found, in words; the same interface as the full ReviewPage (set_result,
    corrected_result, edited, undo_stack), so the window takes either.

    Signals:
        edited(): the user changed a cell (never: this page does not edit cells).
    """

    edited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._result: ValidationResult | None = None
        # Its own workers, as the full ReviewPage will have: the window cancels every Workers
        # among its children when it closes.
        self._workers = Workers(self)
        self._view_state = ViewState()
        self._undo_stack = QUndoStack(self)
        self.setAccessibleName(self.tr("Review"))
        self.banner = MessageBanner(self)
        self.headline = QLabel(self)
        font = self.headline.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        font.setBold(True)
        self.headline.setFont(font)
        self.headline.setWordWrap(True)
        self.headline_icon = QLabel(self)
        self.blockers = QLabel(self)
        self.blockers.setWordWrap(True)
        self.blockers.setTextFormat(Qt.TextFormat.PlainText)
        self.blockers.setAccessibleName(self.tr("What stops the import"))
        self.problems = QListWidget(self)
        self.problems.setAccessibleName(self.tr("Problems"))
        self.problems.setAccessibleDescription(self.tr("The first problems found, row by row"))
        self.problems.setWordWrap(True)
        self.problems.setUniformItemSizes(True)
        self.problems_label = QLabel(self)
        self.problems_label.setBuddy(self.problems)
        self.by_field = QLabel(self)
        self.by_field.setWordWrap(True)
        self.by_field.setAccessibleName(self.tr("Problems by field"))
        self.more = QLabel(self)
        self.more.setWordWrap(True)
        self.export = QPushButton(self.tr("E&xport invalid rows…"), self)
        self.export.setAccessibleName(self.tr("Export invalid rows"))
        self.export.setAccessibleDescription(
            self.tr("Saves the rows with problems and an Errors column, to fix them in Excel")
        )
        self.export.clicked.connect(self.export_invalid_rows)
        head = QHBoxLayout()
        head.addWidget(self.headline_icon, alignment=Qt.AlignmentFlag.AlignTop)
        head.addWidget(self.headline, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.more, 1)
        buttons.addWidget(self.export)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addLayout(head)
        layout.addWidget(self.blockers)
        layout.addWidget(self.by_field)
        layout.addWidget(self.problems_label)
        layout.addWidget(self.problems, 1)
        layout.addLayout(buttons)
        self.set_result(None)

    @property
    def undo_stack(self) -> QUndoStack:
        return self._undo_stack

    def corrected_result(self) -> ValidationResult:
        """The result with the user's edits applied: this page edits nothing, so the result."""
        if self._result is None:
            raise RowboatError(self.tr("There is nothing checked yet."))
        return self._result

    def set_result(self, result: ValidationResult | None) -> None:
        self._result = result
        self.problems.clear()
        self.banner.clear()
        size = self.style().pixelMetric(QStyle.PixelMetric.PM_LargeIconSize)
        if result is None:
            self.headline.setText(self.tr("Nothing is checked yet."))
            self.headline_icon.clear()
            self.blockers.setText(
                self.tr(
                    "Open a file, choose a target and check the mapping; the rows are "
                    "checked as soon as all three are there."
                )
            )
            self.problems_label.hide()
            self.problems.hide()
            self.by_field.clear()
            self.more.clear()
            self.export.setEnabled(False)
            return
        valid = count(
            result.valid_count, self.tr("{n} row is ready"), self.tr("{n} rows are ready")
        )
        invalid = count(
            result.invalid_count, self.tr("{n} row has problems"), self.tr("{n} rows have problems")
        )
        self.headline.setText(self.tr("{ready}; {problems}.").format(ready=valid, problems=invalid))
        good = result.invalid_count == 0 and not result.blockers
        icon = (
            QStyle.StandardPixmap.SP_DialogApplyButton
            if good
            else QStyle.StandardPixmap.SP_MessageBoxWarning
        )
        self.headline_icon.setPixmap(self.style().standardIcon(icon).pixmap(size, size))
        endpoint = result.endpoint
        target = f"{endpoint.system_label} · {endpoint.label}"
        if result.blockers:
            self.blockers.setText(
                self.tr("Before anything can be sent to {target}:").format(target=target)
                + "\n"
                + "\n".join(f"⚠ {b}" for b in result.blockers)
            )
        elif good:
            self.blockers.setText(
                self.tr("Every row can be sent to {target}.").format(target=target)
            )
        else:
            self.blockers.setText(
                self.tr(
                    "The rows with problems are left out when sending to {target} until they "
                    "are fixed. Export them, fix them in Excel, and open the fixed file."
                ).format(target=target)
            )
        issues = result.issue_list(limit=FIRST_PROBLEMS)
        labels = {f.key: f.label for f in endpoint.fields}
        for issue in issues:
            text = self.tr("Row {row} · {field}: {message}").format(
                row=issue.row, field=labels.get(issue.field, issue.field), message=issue.message
            )
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, issue.row)
            self.problems.addItem(item)
        total = len(result.issues)
        counts = result.issues["field"].value_counts()
        self.by_field.setText(
            self.tr("By field: {counts}").format(
                counts=" · ".join(
                    f"{labels.get(str(k), str(k))} {int(n):,}" for k, n in counts.items()
                )
            )
            if total
            else ""
        )
        self.problems_label.setText(self.tr("&Problems ({n}):").format(n=f"{total:,}"))
        self.problems_label.setVisible(total > 0)
        self.problems.setVisible(total > 0)
        if total > len(issues):
            self.more.setText(
                self.tr(
                    "The first {shown} problems are listed; the export holds all {total}."
                ).format(shown=f"{len(issues):,}", total=f"{total:,}")
            )
        else:
            self.more.clear()
        self.export.setEnabled(result.invalid_count > 0)

    @Slot()
    def export_invalid_rows(self) -> None:
        result = self._result
        if result is None:
            return
        source = result.table.info.path
        suggested = Path(self._view_state.last_folder) / f"{source.stem}-invalid-rows.xlsx"
        name, chosen = QFileDialog.getSaveFileName(
            self,
            self.tr("Export the invalid rows"),
            str(suggested),
            self.tr("Excel workbook (*.xlsx);;CSV (*.csv)"),
        )
        if not name:
            return
        path = Path(name)
        if path.suffix.lower() not in (".xlsx", ".csv"):
            path = path.with_name(path.name + (".csv" if "csv" in chosen.lower() else ".xlsx"))
        worker = self._workers.start(_export_job(result, path), "exporting the invalid rows")
        worker.signals.finished.connect(self._on_exported)
        worker.signals.failed.connect(self._on_export_failed)

    @Slot(object)
    def _on_exported(self, path: Path) -> None:
        message = self.tr("Saved the invalid rows with their problems to {path}").format(path=path)
        self.banner.show_message(Kind.INFO, message)

    @Slot(object)
    def _on_export_failed(self, error: RowboatError) -> None:
        self.banner.show_error(error)
