"""ReviewTable: the Review step's table view, keyboard-first (Enter edits, undo stays local)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, Qt, Slot
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QAbstractItemView, QTableView

if TYPE_CHECKING:
    from PySide6.QtCore import QModelIndex, QPersistentModelIndex
    from PySide6.QtGui import QKeyEvent, QUndoStack
    from PySide6.QtWidgets import QWidget

__all__ = ["ReviewTable"]


class ReviewTable(QTableView):
    """The review table: Enter or F2 edits a cell; Ctrl+Z and Ctrl+Shift+Z undo and redo here
    even inside a window whose menu has them too; when the current row leaves the filter (it
    became valid under "Invalid"), the cursor stays on the same line, now the next row."""

    def __init__(self, undo_stack: QUndoStack, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._stack = undo_stack
        self._resume: tuple[int, int] | None = None

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and self._undo_key(event) is not None:
            event.accept()  # the table takes the key before any window-wide shortcut
            return True
        return super().event(event)

    @staticmethod
    def _undo_key(event: QEvent) -> str | None:
        key_event: QKeyEvent = event  # type: ignore[assignment]
        if key_event.matches(QKeySequence.StandardKey.Undo):
            return "undo"
        if key_event.matches(QKeySequence.StandardKey.Redo) or key_event.keyCombination() == (
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier | Qt.Key.Key_Z
        ):
            return "redo"
        return None

    def keyPressEvent(self, event: QKeyEvent) -> None:
        which = self._undo_key(event)
        if which == "undo":
            self._stack.undo()
            return
        if which == "redo":
            self._stack.redo()
            return
        current = self.currentIndex()
        editing = self.state() == QAbstractItemView.State.EditingState
        if (
            event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and not editing
            and current.isValid()
            and current.flags() & Qt.ItemFlag.ItemIsEditable
        ):
            self.edit(current)
            return
        super().keyPressEvent(event)

    def rowsAboutToBeRemoved(
        self, parent: QModelIndex | QPersistentModelIndex, start: int, end: int
    ) -> None:
        current = self.currentIndex()
        inside = current.isValid() and start <= current.row() <= end
        self._resume = (start, current.column()) if inside else None
        super().rowsAboutToBeRemoved(parent, start, end)

    @Slot()
    def resume_after_removal(self) -> None:
        """Put the cursor back on the line the removed row had (connected to rowsRemoved)."""
        model, resume = self.model(), self._resume
        self._resume = None
        if model is None or resume is None or model.rowCount() == 0:
            return
        row = min(resume[0], model.rowCount() - 1)
        self.setCurrentIndex(model.index(row, resume[1]))
