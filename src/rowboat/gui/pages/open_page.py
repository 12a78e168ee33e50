"""OpenPage: step 1, choosing a file and checking how it is read (sheet, header row, encoding,
delimiter), with a preview of its top rows."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from rowboat.core.decisions import Kind as DecisionKind
from rowboat.gui.models.preview_model import PreviewModel
from rowboat.gui.widgets.decisions_panel import DecisionsPanel
from rowboat.gui.widgets.drop_zone import SPREADSHEET_SUFFIXES
from rowboat.gui.widgets.message_banner import Kind, MessageBanner
from rowboat.gui.widgets.preview_table import PreviewTable
from rowboat.gui.widgets.reading_controls import ReadingControls
from rowboat.gui.widgets.start_panel import StartPanel
from rowboat.gui.wording import count

if TYPE_CHECKING:
    from rowboat.core.decisions import Decision
    from rowboat.core.errors import RowboatError
    from rowboat.core.sources.preview import Preview
    from rowboat.gui.session import ImportSession, ReadingChoices
    from rowboat.gui.table_loader import TableLoader
    from rowboat.gui.view_state import ViewState

__all__ = ["OpenPage"]

_HEADER_SPIN_DELAY_MS = 600  # the header row spin box rereads once the user stops stepping


def _label(text: str, buddy: QWidget) -> QLabel:
    label = QLabel(text)
    label.setBuddy(buddy)
    return label


class OpenPage(QWidget):
    """Choose a file (dialog, drop or recent list), then see its top rows and how it is read.

    Reading runs in the TableLoader's workers; the page shows the preview as soon as it comes,
    then the full read's notes. A file that cannot be read gets a plain message here and the
    file that was open before stays open.

    Signals:
        recent_files_changed(): a file was opened, so the recent list changed.
    """

    recent_files_changed = Signal()

    def __init__(
        self,
        session: ImportSession,
        loader: TableLoader,
        view_state: ViewState,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._session, self._loader, self._view_state = session, loader, view_state
        self.last_error: RowboatError | None = None  # the last file that could not be read
        self.setAccessibleName(self.tr("Open a file"))
        self.banner = MessageBanner(self)
        self.model = PreviewModel(self)
        self._stack = QStackedWidget(self)
        self._stack.addWidget(self._build_empty())
        self._stack.addWidget(self._build_file())
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addWidget(self._stack, 1)
        self._header_timer = QTimer(self)
        self._header_timer.setSingleShot(True)
        self._header_timer.setInterval(_HEADER_SPIN_DELAY_MS)
        self._header_timer.timeout.connect(self._apply_header_spin)
        loader.started.connect(self._on_started)
        loader.preview_ready.connect(self._on_preview)
        loader.progress.connect(self._on_progress)
        loader.failed.connect(self._on_failed)
        loader.cancelled.connect(self._on_cancelled)
        loader.busy_changed.connect(self._on_busy)
        session.table_changed.connect(self._on_table)
        self.refresh_recent()
        self._on_busy(False)

    # building -----------------------------------------------------------------------------

    def _build_empty(self) -> QWidget:
        self.start = StartPanel(self)
        self.start.open_requested.connect(self._on_open_requested)
        self.start.browse_requested.connect(self.browse)
        self.drop_zone, self.recent = self.start.drop_zone, self.start.recent
        return self.start

    def _build_file(self) -> QWidget:
        page = QWidget(self)
        self.file_label = QLabel(page)
        font = self.file_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        font.setBold(True)
        self.file_label.setFont(font)
        self.file_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.summary = QLabel(page)
        self.summary.setWordWrap(True)
        self.another = QPushButton(self.tr("Choose &another file…"), page)
        self.another.setAccessibleName(self.tr("Choose another file"))
        self.another.setAccessibleDescription(
            self.tr("Opens a file dialog; the current file stays open until the new one is read")
        )
        self.another.setAutoDefault(True)
        self.another.clicked.connect(self.browse)
        top = QHBoxLayout()
        names = QVBoxLayout()
        names.addWidget(self.file_label)
        names.addWidget(self.summary)
        top.addLayout(names, 1)
        top.addWidget(self.another, alignment=Qt.AlignmentFlag.AlignTop)

        self.reading = ReadingControls(page)
        r = self.reading
        self.sheet, self.header_spin, self.find_header = r.sheet, r.header_spin, r.find_header
        self.header_reason = r.header_reason
        self.encoding, self.encoding_reason = r.encoding, r.encoding_reason
        self.delimiter, self.delimiter_reason = r.delimiter, r.delimiter_reason
        self.sheet.activated.connect(self._on_sheet)
        self.header_spin.valueChanged.connect(self._on_header_spin)
        self.find_header.clicked.connect(self._on_find_header)
        self.encoding.activated.connect(self._on_encoding)
        self.delimiter.activated.connect(self._on_delimiter)

        self.table = PreviewTable(page)
        self.table.setModel(self.model)
        self.table.setAccessibleName(self.tr("Preview of the top rows"))
        self.table.setAccessibleDescription(
            self.tr("The first rows of the sheet as read; click a row to make it the header row")
        )
        self.table.row_chosen.connect(self._choose_header)
        self._preview_label = _label(
            self.tr("&Preview (click a row to make it the header):"), self.table
        )

        self.notes = QLabel(page)
        self.notes.setWordWrap(True)
        self.notes.setTextFormat(Qt.TextFormat.PlainText)
        self.notes.setAccessibleName(self.tr("What Rowboat noticed"))
        self.decisions = DecisionsPanel(self.tr("How Rowboat read the file"), page)
        self.decisions.override_requested.connect(self._on_override)

        self.progress = QProgressBar(page)
        self.progress.setAccessibleName(self.tr("Reading progress"))
        self.progress_label = QLabel(page)
        self.cancel = QPushButton(self.tr("Cancel"), page)
        self.cancel.setAccessibleName(self.tr("Cancel reading"))
        self.cancel.setAccessibleDescription(
            self.tr("Stops reading; the previous file stays open (Escape)")
        )
        self.cancel.clicked.connect(self.cancel_reading)
        busy = QHBoxLayout()
        busy.addWidget(self.progress_label)
        busy.addWidget(self.progress, 1)
        busy.addWidget(self.cancel)
        self._busy_row = QWidget(page)
        self._busy_row.setLayout(busy)

        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.reading)
        layout.addWidget(self._preview_label)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.notes)
        layout.addWidget(self.decisions)
        layout.addWidget(self._busy_row)
        return page

    # actions ------------------------------------------------------------------------------

    @Slot()
    def browse(self) -> None:
        """Ask for a file with the platform's file dialog and read it."""
        patterns = " ".join(f"*{s}" for s in SPREADSHEET_SUFFIXES)
        path, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("Open a spreadsheet"),
            self._view_state.last_folder,
            self.tr("Spreadsheets ({patterns});;All files (*)").format(patterns=patterns),
        )
        if path:
            self.open_file(Path(path))

    def open_file(self, path: Path) -> None:
        self.banner.clear()
        self._loader.open(path)

    @Slot()
    def cancel_reading(self) -> None:
        if self._loader.busy:
            self._loader.cancel()

    def refresh_recent(self) -> None:
        self.start.set_recent(self._view_state.recent_files)

    @Slot(object)
    def _on_open_requested(self, path: Path) -> None:
        self.open_file(path)

    @Slot(int)
    def _on_sheet(self, index: int) -> None:
        name = self.sheet.itemText(index)
        current = self._loader.pending or self._session.reading
        shown = self._session.preview.sheet if self._session.preview else None
        if current is not None and name and name != (current.sheet or shown):
            self._loader.set_sheet(name)

    @Slot(int)
    def _choose_header(self, row: int) -> None:
        if row == self.model.header_row or self.model.rowCount() == 0:
            return
        self.model.set_header_row(row)
        self.reading.set_header_row(row)
        self.header_reason.setText(self.tr("chosen by you; reading the file again…"))
        self._loader.set_header_row(row)

    @Slot(int)
    def _on_header_spin(self, value: int) -> None:
        self.model.set_header_row(value)
        self._header_timer.start()

    @Slot()
    def _apply_header_spin(self) -> None:
        value = self.header_spin.value()
        shown = self._session.preview.header_row if self._session.preview else None
        pending = self._loader.pending
        if pending is not None and pending.header_row == value:
            return
        if pending is None and shown == value:
            return
        self._loader.set_header_row(value)

    @Slot()
    def _on_find_header(self) -> None:
        self._header_timer.stop()
        self._loader.set_header_row(None)

    @Slot(int)
    def _on_encoding(self, index: int) -> None:
        self._loader.set_encoding(self.encoding.itemData(index))

    @Slot(int)
    def _on_delimiter(self, index: int) -> None:
        self._loader.set_delimiter(self.delimiter.itemData(index))

    @Slot(object, object)
    def _on_override(self, decision: Decision, value: str | None) -> None:
        if decision.kind is DecisionKind.HIDDEN_ROWS:
            self._loader.set_skip_hidden_rows(value == "yes")
        elif decision.kind is DecisionKind.TOTALS_ROW:
            self._loader.set_skip_totals_row(value == "yes")

    # what the loader and session report -----------------------------------------------------

    @Slot(object)
    def _on_started(self, choices: ReadingChoices) -> None:
        self.banner.clear()
        self.progress_label.setText(self.tr("Reading {name}…").format(name=choices.path.name))
        self.progress.setRange(0, 0)  # busy until the reader reports numbers

    @Slot(object)
    def _on_preview(self, preview: Preview) -> None:
        self._show_preview(preview, final=False)

    @Slot(int, int, str)
    def _on_progress(self, done: int, total: int, what: str) -> None:
        if total > 0 and done < total:
            self.progress.setRange(0, total)
            self.progress.setValue(done)

    @Slot(bool)
    def _on_busy(self, busy: bool) -> None:
        self._busy_row.setVisible(busy)
        if busy:
            self.progress.setRange(0, 0)

    @Slot()
    def _on_table(self) -> None:
        preview = self._session.preview
        if preview is not None:
            self._show_preview(preview, final=True)
            self._view_state.add_recent_file(preview.path)
            self.refresh_recent()
            self.recent_files_changed.emit()

    @Slot(object)
    def _on_failed(self, error: RowboatError) -> None:
        self.last_error = error
        self._restore()
        self.banner.show_error(error)

    @Slot()
    def _on_cancelled(self) -> None:
        self._restore()
        before = self._session.path
        hint = (
            self.tr("'{name}' is still open.").format(name=before.name)
            if before is not None
            else ""
        )
        self.banner.show_message(Kind.INFO, self.tr("Stopped reading the file."), hint)

    def _restore(self) -> None:
        """Show the file that is open again (the one a failed or stopped read replaced)."""
        if self._session.preview is not None:
            self._show_preview(self._session.preview, final=True)
        else:
            self.model.set_preview(None)
            self._stack.setCurrentIndex(0)

    def _show_preview(self, preview: Preview, *, final: bool) -> None:
        self._stack.setCurrentIndex(1)
        fit = (
            self.model.columnCount() != preview.width or self.model.header_row != preview.header_row
        )
        self.model.set_preview(preview)
        if fit:
            self.table.fit_columns(preview)
        self.file_label.setText(preview.path.name)
        self.file_label.setToolTip(str(preview.path))
        self.reading.show_preview(preview, self._loader.pending or self._session.reading)
        table = self._session.table if final else None
        if table is not None:
            self.summary.setText(self._summary(preview, len(table), len(table.columns)))
            self.notes.setText("\n".join(f"• {note}" for note in table.notes))
            self.notes.setVisible(bool(table.notes))
            self.decisions.set_decisions(table.decisions)
        else:
            self.summary.setText(self.tr("Reading every row; the top rows are shown below."))
            self.notes.setVisible(False)

    def _summary(self, preview: Preview, rows: int, columns: int) -> str:
        where = (
            self.tr("Sheet '{sheet}': ").format(sheet=preview.sheet)
            if preview.sheet is not None
            else ""
        )
        return self.tr("{where}{rows} and {columns} below the header on row {header}.").format(
            where=where,
            rows=count(rows, self.tr("{n} row"), self.tr("{n} rows")),
            columns=count(columns, self.tr("{n} column"), self.tr("{n} columns")),
            header=preview.header_row,
        )
