"""MapPage: step 3, each endpoint field against the file's columns, with transforms, undo, the
columns left out, remembered mappings and an empty template to download."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelection, QModelIndex, Qt, Signal, Slot
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QStyle,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from rowboat.core.decisions import Kind as DecisionKind
from rowboat.core.mapping.overrides import FIELD_OVERRIDES, override_field
from rowboat.gui.mapping_edits import (
    SetSource,
    same_source,
    samples_job,
    template_job,
    with_source,
)
from rowboat.gui.models.mapping_model import Column, MappingModel, Samples
from rowboat.gui.session import MappingOrigin
from rowboat.gui.widgets.decisions_panel import DecisionsPanel, keep_overrides
from rowboat.gui.widgets.field_editor import FieldEditor
from rowboat.gui.widgets.message_banner import Kind, MessageBanner
from rowboat.gui.wording import count

if TYPE_CHECKING:
    from rowboat.core.decisions import Decision
    from rowboat.core.errors import RowboatError
    from rowboat.core.mapping import FieldSource
    from rowboat.gui.mapping_keeper import MappingKeeper
    from rowboat.gui.session import ImportSession
    from rowboat.gui.validation_runner import ValidationRunner
    from rowboat.gui.view_state import ViewState
    from rowboat.gui.workers import Worker, Workers

__all__ = ["MapPage"]


class MapPage(QWidget):
    """The endpoint's fields (required first) and where each one's value comes from.

    Edits go through `undo_stack` (one command each) into the session; the ValidationRunner
    checks the rows again after each. The mapping is remembered (core ProfileStore) for files
    with the same columns when the user goes on to Review with "Remember" ticked.

    Signals:
        status(str): a short message for the status bar.
    """

    status = Signal(str)

    def __init__(
        self,
        session: ImportSession,
        keeper: MappingKeeper,
        runner: ValidationRunner,
        workers: Workers,
        view_state: ViewState,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._session, self._keeper, self._runner = session, keeper, runner
        self._workers, self._view_state = workers, view_state
        self._endpoint_id: str | None = None
        self._editing = False  # a change made in the field editor is being applied
        self._samples_worker: Worker | None = None
        self._table: object = None
        self.undo_stack = QUndoStack(self)
        self.setAccessibleName(self.tr("Map the columns"))

        self.origin = MessageBanner(self, compact=True)
        self.problem = MessageBanner(self)
        self.match_again = QPushButton(self.tr("Match &automatically instead"), self)
        self.match_again.setAccessibleName(self.tr("Match automatically instead"))
        self.match_again.setAccessibleDescription(
            self.tr("Forgets the remembered mapping and matches the columns by their names again")
        )
        self.match_again.clicked.connect(self._on_match_again)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.summary_icon = QLabel(self)
        top = QHBoxLayout()
        top.addWidget(self.summary_icon)
        top.addWidget(self.summary, 1)
        top.addWidget(self.match_again)

        self.model = MappingModel(self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setAccessibleName(self.tr("Fields"))
        self.table.setAccessibleDescription(
            self.tr("One row per field of the target; required fields first, marked *")
        )
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, width in ((Column.FIELD, 140), (Column.SOURCE, 150), (Column.MATCH, 200)):
            header.resizeSection(column, width)
        self.table.selectionModel().selectionChanged.connect(self._on_selected)
        self.table.activated.connect(self._on_activated)
        fields_label = QLabel(self.tr("F&ields (* required):"), self)
        fields_label.setBuddy(self.table)

        self.editor = FieldEditor(self)
        self.editor.changed.connect(self._on_source_edited)
        left = QWidget(self)
        stacked = QVBoxLayout(left)
        stacked.setContentsMargins(0, 0, 0, 0)
        stacked.addWidget(fields_label)
        stacked.addWidget(self.table, 1)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("map")
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.editor)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([640, 420])
        self.splitter.setChildrenCollapsible(False)

        self.unused = QLabel(self)
        self.unused.setWordWrap(True)
        self.unused.setAccessibleName(self.tr("Columns not imported"))
        self.remember = QCheckBox(
            self.tr("Remember this ma&pping for files with these columns"), self
        )
        self.remember.setChecked(True)
        self.remember.setAccessibleDescription(
            self.tr(
                "Saved when you go on to Review, and used again for a file with the same columns"
            )
        )
        self.template = QPushButton(self.tr("Download empty te&mplate…"), self)
        self.template.setAccessibleName(self.tr("Download empty template"))
        self.template.setAccessibleDescription(
            self.tr("Saves an empty Excel file with this target's columns and a help sheet")
        )
        self.template.clicked.connect(self.download_template)
        self.checking = QLabel(self)
        self.checking.setAccessibleName(self.tr("Checking status"))
        bottom = QHBoxLayout()
        bottom.addWidget(self.remember)
        bottom.addStretch(1)
        bottom.addWidget(self.checking)
        bottom.addWidget(self.template)

        layout = QVBoxLayout(self)
        layout.addWidget(self.problem)
        layout.addWidget(self.origin)
        layout.addLayout(top)
        layout.addWidget(self.splitter, 1)
        self.decisions = DecisionsPanel(self.tr("How Rowboat reads the mapped columns"), self)
        self.decisions.override_requested.connect(self._on_override)
        layout.addWidget(self.decisions)
        layout.addWidget(self.unused)
        layout.addLayout(bottom)

        session.mapping_changed.connect(self._on_mapping)
        session.table_changed.connect(self._on_context)
        session.target_changed.connect(self._on_context)
        session.result_changed.connect(self._on_result)
        runner.busy_changed.connect(self._on_checking)
        keeper.busy_changed.connect(self._on_matching)
        runner.failed.connect(self._on_check_failed)
        self._on_mapping()

    # reactions ------------------------------------------------------------------------------

    @Slot()
    def _on_context(self) -> None:
        endpoint = self._session.endpoint
        endpoint_id = endpoint.id if endpoint is not None else None
        if endpoint_id != self._endpoint_id or self._session.table is not self._table:
            # Edits for another endpoint or file cannot be undone here any more.
            self.undo_stack.clear()
            self._endpoint_id, self._table = endpoint_id, self._session.table

    @property
    def samples_busy(self) -> bool:
        """The first values for the latest mapping are still being worked out."""
        return self._samples_worker is not None

    def _request_samples(self) -> None:
        table, mapping = self._session.table, self._session.mapping
        if table is None or mapping is None or not mapping.sources:
            self._samples_worker = None
            self.model.set_samples(Samples({}))
            return
        if self._samples_worker is not None:
            self._samples_worker.cancel()
        self._samples_worker = self._workers.start(samples_job(table, mapping), "shaping values")
        self._samples_worker.signals.finished.connect(self._on_samples)
        self._samples_worker.signals.failed.connect(self._on_samples_failed)

    @Slot(object)
    def _on_samples(self, samples: Samples) -> None:
        if self._samples_worker is not None and self.sender() is self._samples_worker.signals:
            self._samples_worker = None
            self.model.set_samples(samples)

    @Slot(object)
    def _on_samples_failed(self, error: RowboatError) -> None:
        self._on_samples(Samples({}, error.message))

    @Slot()
    def _on_mapping(self) -> None:
        s = self._session
        key = self._selected_key()
        self.model.set_context(s.endpoint, s.table, s.mapping)
        self._request_samples()
        row = self.model.row_of(key) if key else -1
        if row < 0 and self.model.rowCount():
            missing = self.model.missing_required()
            row = self.model.row_of(missing[0].key) if missing else 0
        if row >= 0:
            self.table.selectRow(row)
        else:
            self.editor.set_field(None, None, ())
        self._describe()

    @Slot(QItemSelection, QItemSelection)
    def _on_selected(self, selected: QItemSelection, deselected: QItemSelection) -> None:
        if self._editing:
            return
        rows = self.table.selectionModel().selectedRows()
        table = self._session.table
        if not rows or table is None:
            self.editor.set_field(None, None, ())
            return
        row = rows[0].row()
        self.editor.set_field(self.model.field(row), self.model.source(row), table.columns)

    @Slot(QModelIndex)
    def _on_activated(self, index: QModelIndex) -> None:
        """Enter on a field goes to its column chooser, ready to type."""
        if index.isValid():
            self.editor.column.setFocus(Qt.FocusReason.OtherFocusReason)
            line = self.editor.column.lineEdit()
            if line is not None:
                line.selectAll()

    @Slot(object, object)
    def _on_override(self, decision: Decision, value: str | None) -> None:
        """A field's decision overridden in the decisions panel: one undoable mapping edit."""
        if decision.kind is DecisionKind.REGION and value:
            # The region is an option of the whole check, not of one field's mapping.
            options = self._session.options
            if value != options.default_region:
                self._session.set_options(
                    replace(options, default_region=value, region_source="given")
                )
            return
        mapping = self._session.mapping
        if mapping is None or decision.subject is None or decision.kind not in FIELD_OVERRIDES:
            return
        after = override_field(mapping, decision.kind, decision.subject, value)
        if after != mapping:
            text = self.tr("change of {what}").format(what=decision.what)
            self.undo_stack.push(
                SetSource(self._session, (mapping, self._session.mapping_origin), after, text)
            )

    @Slot(object)
    def _on_source_edited(self, source: FieldSource | None) -> None:
        mapping, key = self._session.mapping, self._selected_key()
        if mapping is None or key is None:
            return
        source = keep_overrides(mapping.for_field(key), source)
        if same_source(mapping.for_field(key), source):
            return
        after = with_source(mapping, key, source)
        label = self.model.field(self.model.row_of(key)).label
        text = self.tr("change of {field}").format(field=label)
        # The editor already shows this edit: filling it again would undo a half-made choice
        # (joining starts with one ticked column, which reads back as "one column").
        self._editing = True
        try:
            self.undo_stack.push(
                SetSource(self._session, (mapping, self._session.mapping_origin), after, text)
            )
        finally:
            self._editing = False

    @Slot()
    def _on_match_again(self) -> None:
        self.undo_stack.clear()
        self._keeper.match_again()

    @Slot(bool)
    def _on_matching(self, busy: bool) -> None:
        if busy:
            self.summary.setText(self.tr("Matching the columns…"))

    @Slot(bool)
    def _on_checking(self, busy: bool) -> None:
        if busy:
            self.checking.setText(self.tr("Checking the rows…"))

    @Slot()
    def _on_result(self) -> None:
        result = self._session.result
        if result is None:
            self.checking.setText("")
            self.decisions.set_decisions(())
            return
        fields = [d for d in result.decisions if not d.is_reading]
        self.decisions.set_decisions(fields, result.mapping)
        self.checking.setText(
            self.tr("Checked: {valid} valid, {invalid} with problems").format(
                valid=f"{result.valid_count:,}", invalid=f"{result.invalid_count:,}"
            )
        )

    @Slot(object)
    def _on_check_failed(self, error: RowboatError) -> None:
        self.checking.setText(
            self.tr("The rows could not be checked: {message}").format(message=error.message)
        )

    def _selected_key(self) -> str | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.field(rows[0].row()).key if rows else None

    def _describe(self) -> None:
        s = self._session
        if s.mapping is None or s.endpoint is None or s.table is None:
            self.origin.clear()
            self.match_again.hide()
            waiting = self._keeper.busy and s.endpoint is not None and s.table is not None
            self.summary.setText(
                self.tr("Matching the columns…")
                if waiting
                else self.tr("Open a file and choose a target first.")
            )
            self.summary_icon.clear()
            self.unused.clear()
            return
        endpoint = s.endpoint
        if s.mapping_origin is MappingOrigin.PROFILE:
            self.origin.show_message(
                Kind.INFO,
                self.tr(
                    "Rowboat remembered how you mapped a file with these columns for {target}, "
                    "and used it again."
                ).format(target=f"{endpoint.system_label} · {endpoint.label}"),
            )
        elif s.mapping_origin is MappingOrigin.EDITED:
            self.origin.show_message(
                Kind.INFO,
                self.tr("Your changes are kept. Undo takes them back one by one (Edit › Undo)."),
            )
        else:
            self.origin.show_message(
                Kind.INFO,
                self.tr(
                    "The columns were matched by their names. Check each field, above all the "
                    "ones marked ⚠, and choose another column where one is wrong."
                ),
            )
        self.match_again.setVisible(s.mapping_origin is not MappingOrigin.AUTOMATIC)
        total = len(endpoint.fields)
        filled = len({src.field for src in s.mapping.sources})
        missing = self.model.missing_required()
        text = self.tr("{filled} of {total} fields get a value.").format(filled=filled, total=total)
        size = self.style().pixelMetric(QStyle.PixelMetric.PM_SmallIconSize)
        if missing:
            names = ", ".join(f.label for f in missing)
            text += (
                " "
                + count(
                    len(missing),
                    self.tr("{n} required field has no column: "),
                    self.tr("{n} required fields have no column: "),
                )
                + names
                + "."
            )
            icon = QStyle.StandardPixmap.SP_MessageBoxWarning
        else:
            text += " " + self.tr("Every required field has a value.")
            icon = QStyle.StandardPixmap.SP_DialogApplyButton
        self.summary.setText(text)
        self.summary_icon.setPixmap(self.style().standardIcon(icon).pixmap(size, size))
        used = {c for src in s.mapping.sources for c in src.columns}
        unused = [c for c in s.table.columns if c not in used]
        if unused:
            self.unused.setText(
                self.tr("Not imported: {columns}").format(columns=", ".join(unused))
            )
        else:
            self.unused.setText(self.tr("Every column of the file is imported."))

    # actions ----------------------------------------------------------------------------------

    def remember_mapping(self) -> None:
        """Save the mapping for files with these columns, if the user left "Remember" ticked."""
        if self.remember.isChecked() and self._keeper.remember() is not None:
            self.status.emit(self.tr("The mapping is remembered for files with these columns."))

    @Slot()
    def download_template(self) -> None:
        endpoint = self._session.endpoint
        if endpoint is None:
            return
        suggested = Path(self._view_state.last_folder) / f"{endpoint.id}-template.xlsx"
        name, _ = QFileDialog.getSaveFileName(
            self,
            self.tr("Save an empty template"),
            str(suggested),
            self.tr("Excel workbook (*.xlsx)"),
        )
        if not name:
            return
        path = Path(name) if name.lower().endswith(".xlsx") else Path(name + ".xlsx")
        worker = self._workers.start(template_job(endpoint, path), "writing the template")
        worker.signals.finished.connect(self._on_template_written)
        worker.signals.failed.connect(self._on_template_failed)

    @Slot(object)
    def _on_template_written(self, path: Path) -> None:
        self.status.emit(self.tr("Saved the empty template to {path}").format(path=path))

    @Slot(object)
    def _on_template_failed(self, error: RowboatError) -> None:
        self.problem.show_error(error)
