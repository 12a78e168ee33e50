"""Item delegates and the marks they show: the cell editor and the sign of a problem.

A bad cell carries a tint and an icon (colour is never the only sign); both are made to read on
light and dark palettes alike.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QLineEdit, QStyledItemDelegate

if TYPE_CHECKING:
    from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex
    from PySide6.QtWidgets import QStyleOptionViewItem, QWidget

__all__ = ["CellDelegate", "edited_font", "edited_tint", "problem_icon", "problem_tint"]

# Half-transparent, so the palette's own base shows through: pink on white, deep red on black.
_PROBLEM = QColor(229, 57, 53)
_EDITED = QColor(30, 136, 229)


def problem_tint() -> QColor:
    """The background of a cell with a problem."""
    tint = QColor(_PROBLEM)
    tint.setAlpha(64)
    return tint


def edited_tint() -> QColor:
    """The background of a cell the person changed (and that has no problem now)."""
    tint = QColor(_EDITED)
    tint.setAlpha(40)
    return tint


@cache
def problem_icon() -> QIcon:
    """A red disc with a white "!", drawn at the sizes views ask for (sharp at any scale)."""
    icon = QIcon()
    for size in (16, 20, 24, 32, 48, 64):
        pixmap = QPixmap(size, size)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(_PROBLEM)
        margin = size * 0.06
        painter.drawEllipse(QRectF(margin, margin, size - 2 * margin, size - 2 * margin))
        pen = QPen(QColor("white"), max(1.5, size * 0.13))
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        painter.setPen(pen)
        middle = size / 2
        painter.drawLine(QPointF(middle, size * 0.26), QPointF(middle, size * 0.56))
        painter.drawPoint(QPointF(middle, size * 0.74))
        painter.end()
        icon.addPixmap(pixmap)
    return icon


def edited_font(font: QFont) -> QFont:
    """Edited cells read in italics, a second sign besides their tint."""
    out = QFont(font)
    out.setItalic(True)
    return out


class CellDelegate(QStyledItemDelegate):
    """Edits a cell in a frameless line edit holding the whole text, selected, so typing replaces
    it and the arrow keys move inside; Enter keeps the change, Escape drops it."""

    def createEditor(
        self,
        parent: QWidget,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> QWidget:
        editor = QLineEdit(parent)
        editor.setFrame(False)
        editor.setAccessibleName(self.tr("Cell value"))
        editor.setAccessibleDescription(str(index.data(Qt.ItemDataRole.ToolTipRole) or ""))
        return editor

    def setEditorData(self, editor: QWidget, index: QModelIndex | QPersistentModelIndex) -> None:
        assert isinstance(editor, QLineEdit)
        editor.setText(str(index.data(Qt.ItemDataRole.EditRole) or ""))
        editor.selectAll()

    def setModelData(
        self,
        editor: QWidget,
        model: QAbstractItemModel,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        assert isinstance(editor, QLineEdit)
        if editor.text() != index.data(Qt.ItemDataRole.EditRole):  # unchanged: no undo step
            model.setData(index, editor.text(), Qt.ItemDataRole.EditRole)
