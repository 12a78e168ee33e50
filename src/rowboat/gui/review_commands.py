"""Undo commands of the Review step: one per cell edit, re-checked when done, undone or redone."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QUndoCommand

if TYPE_CHECKING:
    from rowboat.gui.models.review_model import ReviewModel

__all__ = ["EditCellCommand"]


class EditCellCommand(QUndoCommand):
    """Sets one cell of the review table; undo puts the previous text back. Both re-check the row
    at once, through the model, so every view and count follows."""

    def __init__(self, model: ReviewModel, pos: int, column: str, old: str, new: str) -> None:
        row = int(model.edits.result.table.source_rows[pos])
        text = QCoreApplication.translate("EditCellCommand", "change {column} on row {row}")
        super().__init__(text.format(column=column, row=row))
        self._model, self._pos, self._column = model, pos, column
        self._old, self._new = old, new

    @property
    def position(self) -> int:
        return self._pos

    @property
    def column(self) -> str:
        return self._column

    def redo(self) -> None:
        self._model.apply_edit(self._pos, self._column, self._new)

    def undo(self) -> None:
        self._model.apply_edit(self._pos, self._column, self._old)
