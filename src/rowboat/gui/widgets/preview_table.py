"""PreviewTable: the view of a file's top rows, where clicking a row makes it the header."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, Qt, Signal, Slot
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

if TYPE_CHECKING:
    from rowboat.core.sources.preview import Preview

__all__ = ["PreviewTable"]

MIN_COLUMN, MAX_COLUMN = 60, 260  # column widths, in pixels


class PreviewTable(QTableView):
    """Rows numbered as in the file; a click (or Enter) on a row, or on its number, chooses it.

    Signals:
        row_chosen(int): the 1-based row the user chose as the header.
    """

    row_chosen = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setWordWrap(False)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.horizontalHeader().setDefaultSectionSize(130)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.clicked.connect(self._on_index)
        self.activated.connect(self._on_index)
        self.verticalHeader().sectionClicked.connect(self._on_section)

    def fit_columns(self, preview: Preview) -> None:
        """Columns as wide as the header and the rows below it (a title above it may be long),
        within limits; the preview holds a few dozen rows, so measuring them is quick."""
        bold = QFont(self.font())
        bold.setBold(True)
        plain, strong = QFontMetrics(self.font()), QFontMetrics(bold)
        rows = preview.rows[preview.header_row - 1 :]
        header = self.horizontalHeader()
        for column in range(preview.width):
            cells = [r[column] for r in rows[1:] if column < len(r)]
            width = max((plain.horizontalAdvance(c) for c in cells), default=0)
            if rows and column < len(rows[0]):
                width = max(width, strong.horizontalAdvance(rows[0][column]))
            header.resizeSection(column, min(max(width + 16, MIN_COLUMN), MAX_COLUMN))

    @Slot(QModelIndex)
    def _on_index(self, index: QModelIndex) -> None:
        if index.isValid():
            self.row_chosen.emit(index.row() + 1)

    @Slot(int)
    def _on_section(self, section: int) -> None:
        self.row_chosen.emit(section + 1)
