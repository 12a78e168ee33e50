"""FieldEditor: where one field's value comes from (a column, joined columns, a constant or
nowhere) and how it is shaped (full-name part, trim, case, date format)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from rowboat.core.mapping import Case, FieldSource, MatchMethod, NamePart
from rowboat.core.targets import FieldType
from rowboat.core.templates import type_in_words
from rowboat.gui.widgets.column_chooser import ColumnChooser

if TYPE_CHECKING:
    from collections.abc import Sequence

    from rowboat.core.targets import Field

__all__ = ["DATE_FORMATS", "FieldEditor"]

# Formats people's spreadsheets hold, as strptime patterns with an example a person recognises.
DATE_FORMATS: tuple[tuple[str, str], ...] = (
    ("%d.%m.%Y", "31.12.2026"),
    ("%d/%m/%Y", "31/12/2026"),
    ("%m/%d/%Y", "12/31/2026"),
    ("%Y-%m-%d", "2026-12-31"),
    ("%d-%m-%Y", "31-12-2026"),
    ("%d.%m.%Y %H:%M", "31.12.2026 14:30"),
    ("%d/%m/%Y %H:%M", "31/12/2026 14:30"),
    ("%m/%d/%Y %I:%M %p", "12/31/2026 02:30 PM"),
    ("%Y-%m-%d %H:%M", "2026-12-31 14:30"),
)
_ONE, _JOIN, _CONSTANT, _NONE = range(4)


class FieldEditor(QGroupBox):
    """Edits the source of one field; every change arrives as a whole new FieldSource.

    Signals:
        changed(object): the user changed the source: a FieldSource (method MANUAL), or None to
            leave the field unmapped.
    """

    changed = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._field: Field | None = None
        self._filling = False
        self.setAccessibleName(self.tr("Field details"))
        self.about = QLabel(self)
        self.about.setWordWrap(True)
        self.about.setTextFormat(Qt.TextFormat.PlainText)

        self.modes = QButtonGroup(self)
        self.one = QRadioButton(self.tr("&One column:"), self)
        self.join = QRadioButton(self.tr("Several columns, &joined:"), self)
        self.constant_mode = QRadioButton(self.tr("The same va&lue on every row:"), self)
        self.nowhere = QRadioButton(self.tr("No&where: leave the field empty"), self)
        for mode, button in enumerate((self.one, self.join, self.constant_mode, self.nowhere)):
            self.modes.addButton(button, mode)
        self.one.setAccessibleDescription(self.tr("Take the value from one column of the file"))
        self.join.setAccessibleDescription(self.tr("Join the values of the ticked columns"))
        self.constant_mode.setAccessibleDescription(self.tr("Send the same value for every row"))
        self.nowhere.setAccessibleDescription(self.tr("Do not send this field"))

        self.column = ColumnChooser(self)
        self.column.setAccessibleName(self.tr("Column"))
        self.column.setAccessibleDescription(
            self.tr("The file's column for this field; type to search")
        )
        self.part = QComboBox(self)
        self.part.addItem(self.tr("The whole value"), None)
        # Item data are plain strings: Qt hands a str subclass back as a plain str.
        self.part.addItem(self.tr("The first part of a full name"), NamePart.FIRST.value)
        self.part.addItem(self.tr("The last part of a full name"), NamePart.LAST.value)
        self.part.setAccessibleName(self.tr("Part of the value"))
        self.part.setAccessibleDescription(
            self.tr("Split a column of full names into first and last names")
        )
        self.columns = QListWidget(self)
        self.columns.setAccessibleName(self.tr("Columns to join"))
        self.columns.setAccessibleDescription(
            self.tr("Tick the columns whose values are joined, in order")
        )
        self.columns.setMaximumHeight(120)
        self.separator = QLineEdit(self)
        self.separator.setAccessibleName(self.tr("Separator"))
        self.separator.setAccessibleDescription(self.tr("Put between the joined values"))
        self.separator.setMaximumWidth(80)
        self.constant = QLineEdit(self)
        self.constant.setAccessibleName(self.tr("Value for every row"))
        self.constant.setAccessibleDescription(self.tr("Sent as this field's value on every row"))

        self.trim = QCheckBox(self.tr("&Trim spaces"), self)
        self.trim.setAccessibleDescription(
            self.tr("Removes spaces at the ends and doubled spaces inside")
        )
        self.case = QComboBox(self)
        for text, case in (
            (self.tr("Keep as typed"), Case.KEEP),
            (self.tr("UPPER CASE"), Case.UPPER),
            (self.tr("lower case"), Case.LOWER),
            (self.tr("Title Case"), Case.TITLE),
        ):
            self.case.addItem(text, case.value)
        self.case.setAccessibleName(self.tr("Letter case"))
        self.case.setAccessibleDescription(self.tr("Changes the letter case of the values"))
        self.date_format = QComboBox(self)
        self.date_format.setEditable(True)
        self.date_format.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.date_format.addItem(self.tr("Recognise automatically"), None)
        for pattern, example in DATE_FORMATS:
            self.date_format.addItem(f"{pattern}   ({example})", pattern)
        self.date_format.setAccessibleName(self.tr("Date format"))
        self.date_format.setAccessibleDescription(
            self.tr("How the file writes dates, as a pattern such as %d.%m.%Y")
        )
        self._date_label = QLabel(self.tr("&Dates are written as:"), self)
        self._date_label.setBuddy(self.date_format)
        case_label = QLabel(self.tr("Letter &case:"), self)
        case_label.setBuddy(self.case)
        part_label = QLabel(self.tr("Ta&ke:"), self)
        part_label.setBuddy(self.part)
        self._part_label = part_label
        separator_label = QLabel(self.tr("Separato&r:"), self)
        separator_label.setBuddy(self.separator)
        self._separator_label = separator_label

        source = QGridLayout()
        source.addWidget(self.one, 0, 0)
        source.addWidget(self.column, 0, 1)
        source.addWidget(part_label, 1, 0, alignment=Qt.AlignmentFlag.AlignRight)
        source.addWidget(self.part, 1, 1)
        source.addWidget(self.join, 2, 0, alignment=Qt.AlignmentFlag.AlignTop)
        source.addWidget(self.columns, 2, 1)
        source.addWidget(separator_label, 3, 0, alignment=Qt.AlignmentFlag.AlignRight)
        source.addWidget(self.separator, 3, 1)
        source.addWidget(self.constant_mode, 4, 0)
        source.addWidget(self.constant, 4, 1)
        source.addWidget(self.nowhere, 5, 0, 1, 2)
        source.setColumnStretch(1, 1)
        shaping = QFormLayout()
        shaping.addRow(self.trim)
        shaping.addRow(case_label, self.case)
        shaping.addRow(self._date_label, self.date_format)
        layout = QVBoxLayout(self)
        layout.addWidget(self.about)
        layout.addLayout(source)
        layout.addLayout(shaping)
        layout.addStretch(1)

        self.modes.idClicked.connect(self._on_mode)
        self.column.chosen.connect(self._on_column)
        self.part.activated.connect(self._emit)
        self.columns.itemChanged.connect(self._on_item)
        self.separator.editingFinished.connect(self._emit)
        self.constant.editingFinished.connect(self._emit)
        self.trim.toggled.connect(self._emit)
        self.case.activated.connect(self._emit)
        self.date_format.activated.connect(self._emit)
        date_edit = self.date_format.lineEdit()
        assert date_edit is not None  # an editable combo box always has its line edit
        date_edit.editingFinished.connect(self._emit)
        self.set_field(None, None, ())

    # filling ------------------------------------------------------------------------------

    def set_field(
        self, field: Field | None, source: FieldSource | None, columns: Sequence[str]
    ) -> None:
        """Show this field and its source, without reporting a change."""
        self._filling = True
        try:
            self._field = field
            self.setEnabled(field is not None)
            if field is None:
                self.setTitle(self.tr("Choose a field in the list"))
                self.about.setText("")
                return
            self.setTitle(field.label + (self.tr(" (required)") if field.required else ""))
            self.about.setText(" ".join(p for p in (type_in_words(field) + ".", field.help) if p))
            self.setAccessibleDescription(self.about.text())
            current = source.columns[0] if source is not None and len(source.columns) == 1 else None
            self.column.set_columns(columns, current)
            self._fill_join(columns, source.columns if source is not None else ())
            self.separator.setText(source.separator if source is not None else " ")
            self.constant.setText(source.constant or "" if source is not None else "")
            self.part.setCurrentIndex(
                self.part.findData(source.split_name.value) if source and source.split_name else 0
            )
            self.trim.setChecked(source.trim if source is not None else True)
            self.case.setCurrentIndex(
                self.case.findData((source.case if source else Case.KEEP).value)
            )
            fmt = source.date_format if source is not None else None
            at = self.date_format.findData(fmt) if fmt else 0
            if at < 0:
                self.date_format.setEditText(fmt or "")
            else:
                self.date_format.setCurrentIndex(at)
            dated = field.type in (FieldType.DATE, FieldType.DATETIME)
            self.date_format.setVisible(dated)
            self._date_label.setVisible(dated)
            if source is None:
                mode = _NONE
            elif source.constant is not None:
                mode = _CONSTANT
            elif len(source.columns) > 1:
                mode = _JOIN
            else:
                mode = _ONE
            self.modes.button(mode).setChecked(True)
            self._enable(mode)
        finally:
            self._filling = False

    def _fill_join(self, columns: Sequence[str], ticked: Sequence[str]) -> None:
        self.columns.clear()
        order = [c for c in ticked if c in columns] + [c for c in columns if c not in ticked]
        for name in order:
            item = QListWidgetItem(name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if name in ticked else Qt.CheckState.Unchecked)
            self.columns.addItem(item)

    def _enable(self, mode: int) -> None:
        # The column chooser stays usable: choosing a column is how most fields get one.
        self.part.setEnabled(mode == _ONE)
        self._part_label.setEnabled(mode == _ONE)
        # The join controls take room only when joining: most fields take one column.
        joining: tuple[QWidget, ...] = (self.columns, self.separator, self._separator_label)
        for widget in joining:
            widget.setVisible(mode == _JOIN)
        self.constant.setEnabled(mode == _CONSTANT)
        shaping: tuple[QWidget, ...] = (self.trim, self.case, self.date_format)
        for widget in shaping:
            widget.setEnabled(mode != _NONE)

    # what the user changes ------------------------------------------------------------------

    @Slot(int)
    def _on_mode(self, mode: int) -> None:
        self._enable(mode)
        if mode == _ONE:
            self.column.setFocus()
        elif mode == _CONSTANT:
            self.constant.setFocus()
        self._emit()

    @Slot(str)
    def _on_column(self, _name: str) -> None:
        self.one.setChecked(True)
        self._enable(_ONE)
        self._emit()

    @Slot(QListWidgetItem)
    def _on_item(self, _item: QListWidgetItem) -> None:
        self._emit()

    def source(self) -> FieldSource | bool | None:
        """The source the controls describe; False when they describe none yet (a column to
        choose, no column ticked, an empty constant)."""
        if self._field is None:
            return False
        mode = self.modes.checkedId()
        if mode == _NONE:
            return None
        key, trim, fmt = self._field.key, self.trim.isChecked(), self._date_format()
        case = Case(self.case.currentData() or Case.KEEP.value)
        manual = MatchMethod.MANUAL
        if mode == _ONE:
            if not self.column.column:
                return False
            part = self.part.currentData()
            return FieldSource(
                field=key,
                columns=(self.column.column,),
                split_name=NamePart(part) if part else None,
                trim=trim,
                case=case,
                date_format=fmt,
                method=manual,
            )
        if mode == _JOIN:
            ticked = [
                self.columns.item(i).text()
                for i in range(self.columns.count())
                if self.columns.item(i).checkState() == Qt.CheckState.Checked
            ]
            if not ticked:
                return False
            return FieldSource(
                field=key,
                columns=tuple(ticked),
                separator=self.separator.text(),
                trim=trim,
                case=case,
                date_format=fmt,
                method=manual,
            )
        value = self.constant.text()
        if not value.strip():
            return False
        return FieldSource(
            field=key, constant=value, trim=trim, case=case, date_format=fmt, method=manual
        )

    def _date_format(self) -> str | None:
        if self._field is None or self._field.type not in (FieldType.DATE, FieldType.DATETIME):
            return None
        index = self.date_format.findText(self.date_format.currentText())
        if index >= 0:
            data = self.date_format.itemData(index)
            return str(data) if data else None
        text = self.date_format.currentText().strip()
        return text or None

    @Slot()
    def _emit(self) -> None:
        if self._filling:
            return
        source = self.source()
        if source is not False:
            self.changed.emit(source)
