"""ColumnChooser: a combo box of the file's columns that filters as you type."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import QComboBox, QCompleter, QWidget

if TYPE_CHECKING:
    from collections.abc import Sequence

    from PySide6.QtGui import QFocusEvent

__all__ = ["ColumnChooser"]


class ColumnChooser(QComboBox):
    """Type part of a column's name to narrow the list (anywhere in the name, any case); Enter or
    a click takes the column. Text that names no column goes back to the chosen one.

    Signals:
        chosen(str): the user took a column ("" for none).
    """

    chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.setMaxVisibleItems(20)
        self.setMinimumContentsLength(20)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        completer = QCompleter(self.model(), self)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.setCompleter(completer)
        line = self.lineEdit()
        assert line is not None  # an editable combo box always has its line edit
        line.setPlaceholderText(self.tr("Type to search the columns"))
        self.activated.connect(self._on_activated)
        completer.activated.connect(self._on_completed)

    def set_columns(self, columns: Sequence[str], current: str | None) -> None:
        self.blockSignals(True)
        self.clear()
        self.addItems(list(columns))
        self.setCurrentIndex(self.findText(current) if current else -1)
        if not current:
            self.setEditText("")
        self.blockSignals(False)

    @property
    def column(self) -> str:
        index = self.currentIndex()
        return self.itemText(index) if index >= 0 else ""

    @Slot(int)
    def _on_activated(self, index: int) -> None:
        self.chosen.emit(self.itemText(index))

    @Slot(str)
    def _on_completed(self, text: str) -> None:
        index = self.findText(text)
        if index >= 0:
            self.setCurrentIndex(index)
            self.chosen.emit(text)

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        if self.findText(self.currentText()) < 0:
            self.setEditText(self.column)
