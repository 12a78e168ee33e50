"""PreviewModel: the top rows of a file as read, the header row marked, the rows above it dimmed."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication

if TYPE_CHECKING:
    from rowboat.core.sources.preview import Preview

__all__ = ["HeaderRowRole", "PreviewModel", "SourceRowRole", "column_letters"]

SourceRowRole = Qt.ItemDataRole.UserRole  # the row's 1-based number in the file
HeaderRowRole = Qt.ItemDataRole.UserRole + 1  # True on the header row

_Index = QModelIndex | QPersistentModelIndex


def column_letters(position: int) -> str:
    """Excel's name of the 1-based column: 1 -> A, 27 -> AA."""
    out = ""
    while position:
        position, rem = divmod(position - 1, 26)
        out = chr(65 + rem) + out
    return out


class PreviewModel(QAbstractTableModel):
    """Rows of a Preview, numbered as in the file (vertical header), columns lettered as in Excel.

    The header row is bold with a tinted background and says "header" in its row label; rows
    above it are shown dimmed and labelled "skipped": each state has words, not only colour.
    """

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: tuple[tuple[str, ...], ...] = ()
        self._width = 0
        self._header_row = 1

    @property
    def header_row(self) -> int:
        return self._header_row

    def set_preview(self, preview: Preview | None) -> None:
        self.beginResetModel()
        self._rows = preview.rows if preview is not None else ()
        self._width = preview.width if preview is not None else 0
        self._header_row = preview.header_row if preview is not None else 1
        self.endResetModel()

    def set_header_row(self, row: int) -> None:
        """Mark another 1-based row as the header (the reading itself is redone elsewhere)."""
        if row == self._header_row or not self._rows:
            return
        self._header_row = row
        last = self.columnCount() - 1
        self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1, max(last, 0)))
        self.headerDataChanged.emit(Qt.Orientation.Vertical, 0, self.rowCount() - 1)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._width

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, column = index.row(), index.column()
        number = row + 1
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            cells = self._rows[row]
            return cells[column] if column < len(cells) else ""
        if role == Qt.ItemDataRole.FontRole and number == self._header_row:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.BackgroundRole and number == self._header_row:
            tint = QColor(QApplication.palette().color(QPalette.ColorRole.Highlight))
            tint.setAlpha(60)
            return tint
        if role == Qt.ItemDataRole.ForegroundRole and number < self._header_row:
            return QApplication.palette().color(
                QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text
            )
        if role == Qt.ItemDataRole.AccessibleTextRole:
            cells = self._rows[row]
            value = cells[column] if column < len(cells) else ""
            return f"{column_letters(column + 1)}{number}: {value or self.tr('empty')}"
        if role == SourceRowRole:
            return number
        if role == HeaderRowRole:
            return number == self._header_row
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            if orientation == Qt.Orientation.Horizontal:
                return column_letters(section + 1)
            number = section + 1
            if number == self._header_row:
                return self.tr("{n} header").format(n=number)
            if number < self._header_row:
                return self.tr("{n} skipped").format(n=number)
            if not any(c.strip() for c in self._rows[section]):
                return self.tr("{n} blank").format(n=number)
            return str(number)
        if role == Qt.ItemDataRole.ToolTipRole and orientation == Qt.Orientation.Vertical:
            number = section + 1
            if number == self._header_row:
                return self.tr("Row {n} holds the column names").format(n=number)
            if number < self._header_row:
                return self.tr("Row {n} is above the header and is not imported").format(n=number)
            if not any(c.strip() for c in self._rows[section]):
                return self.tr("Row {n} is blank and is not imported").format(n=number)
            return self.tr("Row {n}; click it to make it the header row").format(n=number)
        vertical = orientation == Qt.Orientation.Vertical
        if role == Qt.ItemDataRole.FontRole and vertical and section + 1 == self._header_row:
            font = QFont()
            font.setBold(True)
            return font
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
