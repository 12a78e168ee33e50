"""ReviewPage: step 4, every row checked, each problem shown where it is, fixed in place, exported.

The page owns the edits of one result (ReviewEdits), the undo stack of those edits, the table and
the problems panel. The user's file is never written: exports go to new files, in a worker.
(Longer than most modules: one page's widgets, their wiring, counts and exports, read together.)
"""

from __future__ import annotations

import itertools
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QLocale, QModelIndex, Qt, Signal, Slot
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QToolButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from rowboat.core.reports import export_invalid, export_table
from rowboat.core.validation import ReviewEdits
from rowboat.gui.delegates import CellDelegate, problem_icon
from rowboat.gui.models.issues_model import (
    ColumnRole,
    IssuesModel,
    ProblemGroups,
    group_problems,
)
from rowboat.gui.models.review_model import PROBLEMS, PositionRole, ReviewModel, RowFilter
from rowboat.gui.review_table import ReviewTable
from rowboat.gui.workers import Workers

if TYPE_CHECKING:
    from collections.abc import Callable

    from rowboat.core.errors import RowboatError
    from rowboat.core.progress import Reporter
    from rowboat.core.validation import Change, ValidationResult
    from rowboat.core.validation.revalidate import Preparation

__all__ = ["ReviewPage"]

_EXCEL = "xlsx"
_CSV = "csv"


def _export(
    write: Callable[[ValidationResult, Path], Path],
    result: ValidationResult,
    path: Path,
    report: Reporter,
) -> Path:
    report.raise_if_cancelled()
    return write(result, path)


def _prepare(edits: ReviewEdits, report: Reporter) -> Preparation:
    return edits.prepare()


_GROUP_ASIDE = 20_000  # problems beyond which they are grouped on a worker


def _group(edits: ReviewEdits, report: Reporter) -> tuple[ReviewEdits, ProblemGroups]:
    return edits, group_problems(edits.result.issues)


class ReviewPage(QWidget):
    """The Review step for one ValidationResult.

    Signals: edited() after every cell edit, undo and redo.
    """

    edited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._undo_stack = QUndoStack(self)
        self._edits: ReviewEdits | None = None
        self._workers = Workers(self)
        self._exporting = ""
        self._sorting_note = ""
        self.model = ReviewModel(self._undo_stack, self)
        self.issues = IssuesModel(self)
        self._build()
        self.model.changed.connect(self._on_changed)
        self.model.sorting.connect(self._on_sorting)
        self._undo_stack.canUndoChanged.connect(self.undo_button.setEnabled)
        self._undo_stack.canRedoChanged.connect(self.redo_button.setEnabled)
        self._undo_stack.undoTextChanged.connect(self._on_undo_text)
        self._undo_stack.redoTextChanged.connect(self._on_redo_text)
        self._show_counts()

    # -- the shell's interface -----------------------------------------------------------------

    @property
    def undo_stack(self) -> QUndoStack:
        return self._undo_stack

    def set_result(self, result: ValidationResult) -> None:
        """Show a fresh result. Edits made to the same table (the file was mapped again) carry
        over; a new table starts clean."""
        old = self._edits
        edits = ReviewEdits(result)
        if old is not None and old.result.table is result.table:
            for (pos, column), text in sorted(old.edited_cells.items()):
                edits.edit(pos, column, text)
        else:
            self._undo_stack.clear()
        self._edits = edits
        self.model.set_edits(edits)
        if len(result.issues) > _GROUP_ASIDE:
            # Grouping a big file's problems takes tens of milliseconds: done on a worker, the
            # panel fills when it is done.
            self.issues.set_edits(edits, groups=[])
            self._workers.start(
                partial(_group, edits), "grouping the problems", finished=self._on_grouped
            )
        else:
            self.issues.set_edits(edits)
        self._size_columns()
        self._show_blockers(result.blockers)
        self._show_counts()
        self.status.clear()
        if len(result) and not edits.changed_rows:  # indexes for the first edit, built aside
            worker = self._workers.start(partial(_prepare, edits), "preparing the review")
            worker.signals.finished.connect(self._on_prepared)

    def corrected_result(self) -> ValidationResult:
        """The result with every edit applied, for export and submission."""
        if self._edits is None:
            raise RuntimeError("ReviewPage.corrected_result() before set_result()")
        return self._edits.apply_edits()

    # -- building ------------------------------------------------------------------------------

    def _build(self) -> None:
        tr = self.tr
        self.blockers = QFrame(self)
        self.blockers.setFrameShape(QFrame.Shape.StyledPanel)
        self.blockers.setAccessibleName(tr("Problems that stop every row"))
        blocker_icon = QLabel(self.blockers)
        blocker_icon.setPixmap(problem_icon().pixmap(24, 24))
        blocker_icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.blockers_text = QLabel(self.blockers)
        self.blockers_text.setWordWrap(True)
        self.blockers_text.setTextFormat(Qt.TextFormat.PlainText)
        row = QHBoxLayout(self.blockers)
        row.addWidget(blocker_icon)
        row.addWidget(self.blockers_text, 1)
        self.blockers.hide()

        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.filters = QButtonGroup(self)
        self.filters.setExclusive(True)
        self.filter_buttons: dict[RowFilter, QToolButton] = {}
        bar = QHBoxLayout()
        for which, name in (
            (RowFilter.ALL, tr("Show every row")),
            (RowFilter.VALID, tr("Show the rows that can be sent")),
            (RowFilter.INVALID, tr("Show the rows that need a fix")),
        ):
            button = QToolButton(self)
            button.setCheckable(True)
            button.setAutoRaise(False)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            button.setAccessibleName(name)
            button.setToolTip(name)
            self.filters.addButton(button)
            self.filter_buttons[which] = button
            bar.addWidget(button)
            button.toggled.connect(self._on_filter_toggled)
        bar.addStretch(1)
        self.undo_button = QPushButton(tr("Undo"), self)
        self.redo_button = QPushButton(tr("Redo"), self)
        for push, name, description in (
            (self.undo_button, tr("Undo"), tr("Takes back your last change to a cell.")),
            (self.redo_button, tr("Redo"), tr("Makes the change you took back again.")),
        ):
            push.setEnabled(False)
            push.setAccessibleName(name)
            push.setAccessibleDescription(description)
            bar.addWidget(push)
        self.undo_button.clicked.connect(self._undo_stack.undo)
        self.redo_button.clicked.connect(self._undo_stack.redo)

        self.table = ReviewTable(self._undo_stack, self)
        self.table.setModel(self.model)
        self.table.setItemDelegate(CellDelegate(self.table))
        self.table.setAccessibleName(tr("Rows of your file"))
        self.table.setAccessibleDescription(
            tr("Cells with a problem are tinted and marked; press Enter or F2 to fix one.")
        )
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        header.setSortIndicatorClearable(True)
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # the file's order
        self.table.setSortingEnabled(True)
        rows = self.table.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.fontMetrics().height() + 10)
        self.model.rowsRemoved.connect(self.table.resume_after_removal)
        for signal in (self.model.rowsRemoved, self.model.rowsInserted, self.model.layoutChanged):
            signal.connect(self._on_rows_changed)
        self.empty = QLabel(self)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.empty.setAccessibleName(tr("No rows to show"))
        larger = self.empty.font()
        larger.setPointSizeF(larger.pointSizeF() * 1.25)
        self.empty.setFont(larger)
        self.rows_stack = QStackedWidget(self)
        self.rows_stack.addWidget(self.table)
        self.rows_stack.addWidget(self.empty)

        self.problems = QTreeView(self)
        self.problems.setModel(self.issues)
        self.problems.setHeaderHidden(True)
        self.problems.setUniformRowHeights(True)
        self.problems.setWordWrap(False)
        self.problems.setAccessibleName(tr("Problems"))
        self.problems.setAccessibleDescription(
            tr("Problems grouped by kind; press Enter on a row to go to its cell.")
        )
        self.problems.activated.connect(self._on_problem_activated)
        self.no_problems = QLabel(tr("No problems: every row can be sent."), self)
        self.no_problems.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.no_problems.setWordWrap(True)
        self.problems_stack = QStackedWidget(self)
        self.problems_stack.addWidget(self.problems)
        self.problems_stack.addWidget(self.no_problems)
        problems_title = QLabel(tr("Problems"), self)
        font = problems_title.font()
        font.setBold(True)
        problems_title.setFont(font)
        problems_title.setBuddy(self.problems)
        side = QWidget(self)
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(problems_title)
        side_layout.addWidget(self.problems_stack, 1)

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(self.rows_stack)
        self.splitter.addWidget(side)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 1)
        em = self.fontMetrics().horizontalAdvance("M")
        self.splitter.setSizes([em * 70, em * 34])  # the panel's sentences fit, mostly
        self.splitter.setChildrenCollapsible(False)

        self.export_invalid_button = QPushButton(tr("Export rows to fix…"), self)
        self.export_invalid_button.setToolTip(
            tr("Save the rows that need a fix, with an Errors column, to fix them in Excel")
        )
        self.export_table_button = QPushButton(tr("Export corrected file…"), self)
        self.export_table_button.setToolTip(
            tr("Save every row with your changes as a new file; your own file stays as it is")
        )
        for export in (self.export_invalid_button, self.export_table_button):
            export.setAccessibleName(export.text().rstrip("…"))
            export.setAccessibleDescription(export.toolTip())
        self.export_invalid_button.clicked.connect(self._on_export_invalid)
        self.export_table_button.clicked.connect(self._on_export_table)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(self.export_invalid_button)
        bottom.addWidget(self.export_table_button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.blockers)
        layout.addWidget(self.summary)
        layout.addLayout(bar)
        layout.addWidget(self.splitter, 1)
        layout.addLayout(bottom)
        buttons = list(self.filter_buttons.values())
        order = [*buttons, self.undo_button, self.redo_button, self.table, self.problems]
        order += [self.export_invalid_button, self.export_table_button]
        for first, second in itertools.pairwise(order):
            QWidget.setTabOrder(first, second)
        self.filter_buttons[RowFilter.ALL].setChecked(True)

    def _size_columns(self) -> None:
        """Widths from the header and the first rows' text, within reason (never a pass over a
        million rows)."""
        metrics = self.table.fontMetrics()
        header = self.table.horizontalHeader()
        sample = min(self.model.rowCount(), 50)
        icon = self.table.iconSize().width() + 12
        for col in range(self.model.columnCount()):
            title = str(self.model.headerData(col, Qt.Orientation.Horizontal))
            widest = metrics.horizontalAdvance(title) + 36  # room for the sort arrow
            for row in range(sample):
                text = str(self.model.index(row, col).data() or "")
                widest = max(widest, metrics.horizontalAdvance(text) + icon)
            cap = metrics.horizontalAdvance("M") * (30 if col == PROBLEMS else 22)
            header.resizeSection(col, min(widest, cap))

    # -- keeping the page current --------------------------------------------------------------

    def _show_blockers(self, blockers: tuple[str, ...]) -> None:
        if not blockers:
            self.blockers.hide()
            return
        lines = [self.tr("No row can be sent yet:"), *blockers]
        if len(blockers) == 1:
            lines.append(self.tr("Go back to Map and choose the column that holds it."))
        else:
            lines.append(self.tr("Go back to Map and choose the columns that hold them."))
        self.blockers_text.setText("\n".join(lines))
        self.blockers.show()

    def _show_counts(self) -> None:
        edits, locale = self._edits, QLocale()
        total = len(edits) if edits is not None else 0
        valid = edits.valid_count if edits is not None else 0
        invalid = total - valid
        texts = {
            RowFilter.ALL: self.tr("All {n}"),
            RowFilter.VALID: self.tr("Valid {n}"),
            RowFilter.INVALID: self.tr("Invalid {n}"),
        }
        for which, n in (
            (RowFilter.ALL, total),
            (RowFilter.VALID, valid),
            (RowFilter.INVALID, invalid),
        ):
            text = texts[which].format(n=locale.toString(n))
            self.filter_buttons[which].setText(text)
            self.filter_buttons[which].setAccessibleDescription(text)
        if edits is None:
            self.summary.setText(self.tr("Nothing is checked yet."))
        elif total == 0:
            self.summary.setText(self.tr("The file has no rows to check."))
        elif edits.result.blockers:
            self.summary.setText(
                self.tr("Map the missing field first (see above); then fix what is left here.")
            )
        elif invalid == 0:
            self.summary.setText(
                self.tr("All {n} rows can be sent.").format(n=locale.toString(total))
            )
        else:
            self.summary.setText(
                self.tr(
                    "{invalid} of {total} rows need a fix before they can be sent. Fix them "
                    "here, or export them to fix in Excel."
                ).format(invalid=locale.toString(invalid), total=locale.toString(total))
            )
        self.export_invalid_button.setEnabled(invalid > 0 and not self._exporting)
        self.export_table_button.setEnabled(total > 0 and not self._exporting)
        self._show_rows()

    def _show_rows(self) -> None:
        if self.model.rowCount() or self._edits is None:
            self.rows_stack.setCurrentWidget(self.table)
        else:
            empty = {
                RowFilter.ALL: self.tr("The file has no rows to check."),
                RowFilter.VALID: self.tr(
                    "No row can be sent yet. Fix the problems listed on the right, or export "
                    "the rows to fix them in Excel."
                ),
                RowFilter.INVALID: self.tr("No invalid rows — everything can be sent."),
            }
            self.empty.setText(empty[self.model.row_filter])
            self.rows_stack.setCurrentWidget(self.empty)
        has_problems = self.issues.rowCount() > 0
        self.problems_stack.setCurrentWidget(self.problems if has_problems else self.no_problems)

    @Slot()
    def _on_rows_changed(self) -> None:
        self._show_rows()

    @Slot(object)
    def _on_changed(self, change: Change) -> None:
        self.issues.apply(change)
        self._show_counts()
        self.status.clear()
        self.edited.emit()

    @Slot(bool)
    def _on_sorting(self, busy: bool) -> None:
        """A big table is sorted aside: say so, and keep the rows readable meanwhile."""
        if busy:
            rows = QLocale().toString(self.model.rowCount())
            self._sorting_note = self.tr("Sorting {rows} rows…").format(rows=rows)
            self.status.setText(self._sorting_note)
        elif self.status.text() == self._sorting_note:  # not a newer message
            self.status.clear()

    @Slot(object)
    def _on_grouped(self, done: object) -> None:
        edits, groups = cast("tuple[ReviewEdits, ProblemGroups]", done)  # what _group returned
        if edits is self._edits:  # edits made meanwhile: group what stands now instead
            self.issues.set_edits(edits, None if edits.changed_rows else groups)

    @Slot(object)
    def _on_prepared(self, prepared: object) -> None:
        if self._edits is not None:
            self._edits.adopt(prepared)  # type: ignore[arg-type]  # ignored if not for these edits

    @Slot(bool)
    def _on_filter_toggled(self, checked: bool) -> None:
        if not checked:
            return
        for which, button in self.filter_buttons.items():
            if button.isChecked():
                self.model.set_filter(which)
        self._show_rows()

    def set_filter(self, which: RowFilter) -> None:
        self.filter_buttons[which].setChecked(True)

    @Slot(QModelIndex)
    def _on_problem_activated(self, index: QModelIndex) -> None:
        pos = index.data(PositionRole)
        if pos is None:
            return
        column = index.data(ColumnRole)
        if self.model.row_of(int(pos)) < 0:  # hidden by the filter: show the rows to fix
            self.set_filter(RowFilter.INVALID)
            if self.model.row_of(int(pos)) < 0:
                self.set_filter(RowFilter.ALL)
        target = self.model.index_at(int(pos), column)
        self.table.setCurrentIndex(target)
        self.table.scrollTo(target, QAbstractItemView.ScrollHint.PositionAtCenter)
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    @Slot(str)
    def _on_undo_text(self, text: str) -> None:
        self.undo_button.setToolTip(self.tr("Undo {what}").format(what=text) if text else "")

    @Slot(str)
    def _on_redo_text(self, text: str) -> None:
        self.redo_button.setToolTip(self.tr("Redo {what}").format(what=text) if text else "")

    # -- exports -------------------------------------------------------------------------------

    @Slot()
    def _on_export_invalid(self) -> None:
        self._export(
            export_invalid,
            self.tr("Export the rows to fix"),
            self.tr("{stem} - rows to fix"),
            self.tr("the rows to fix"),
        )

    @Slot()
    def _on_export_table(self) -> None:
        self._export(
            export_table,
            self.tr("Export the corrected file"),
            self.tr("{stem} - corrected"),
            self.tr("the corrected file"),
        )

    def _export(
        self,
        write: Callable[[ValidationResult, Path], Path],
        caption: str,
        name: str,
        what: str,
    ) -> None:
        if self._edits is None:
            return
        source = self._edits.result.table.info.path
        suggested = source.with_name(name.format(stem=source.stem) + f".{_EXCEL}")
        filters = [self.tr("Excel workbook (*.xlsx)"), self.tr("CSV file, UTF-8 (*.csv)")]
        chosen, kind = QFileDialog.getSaveFileName(
            self, caption, str(suggested), ";;".join(filters)
        )
        if not chosen:
            return
        path = Path(chosen)
        if path.suffix.lower() not in (f".{_EXCEL}", f".{_CSV}"):
            path = path.with_name(path.name + (f".{_CSV}" if kind == filters[1] else f".{_EXCEL}"))
        result = self.corrected_result()  # an immutable snapshot: edits may go on meanwhile
        self._exporting = what
        self._show_counts()
        self.status.setText(self.tr("Saving {what}…").format(what=what))
        worker = self._workers.start(partial(_export, write, result, path), f"saving {what}")
        worker.signals.finished.connect(self._on_exported)
        worker.signals.failed.connect(self._on_export_failed)
        worker.signals.ended.connect(self._on_export_ended)

    @Slot(object)
    def _on_exported(self, path: object) -> None:
        name = Path(str(path)).name
        self.status.setText(
            self.tr("Saved {what} as '{name}'.").format(what=self._exporting, name=name)
        )

    @Slot(object)
    def _on_export_failed(self, error: object) -> None:
        failure: RowboatError = error  # type: ignore[assignment]
        self.status.setText(f"{failure.message} {failure.hint}".strip())

    @Slot()
    def _on_export_ended(self) -> None:
        self._exporting = ""
        self._show_counts()
