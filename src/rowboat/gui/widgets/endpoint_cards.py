"""EndpointCards: a keyboard-navigable grid of endpoint cards (a QListView and its painter)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QFont, QFontMetrics, QPainter, QPalette, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QListView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from rowboat.gui.models.endpoint_model import DescriptionRole, SystemRole

if TYPE_CHECKING:
    from PySide6.QtCore import QAbstractItemModel
    from PySide6.QtGui import QResizeEvent

__all__ = ["MIN_CARD_WIDTH", "EndpointCardDelegate", "EndpointCards"]

MIN_CARD_WIDTH = 270
PAD = 12
_Index = QModelIndex | QPersistentModelIndex


def _fonts(base: QFont) -> tuple[QFont, QFont, QFont]:
    system = QFont(base)
    system.setPointSizeF(base.pointSizeF() * 0.9)
    title = QFont(base)
    title.setPointSizeF(base.pointSizeF() * 1.15)
    title.setBold(True)
    return system, title, QFont(base)


class EndpointCardDelegate(QStyledItemDelegate):
    """Paints an endpoint as a card: system, endpoint name, description; the chosen card has a
    thick highlight border and says "✓ Chosen" (not colour alone)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.card_width = MIN_CARD_WIDTH

    def card_height(self, font: QFont, model: QAbstractItemModel) -> int:
        """Tall enough for the longest description at the current card width."""
        system, title, body = _fonts(font)
        width = self.card_width - 2 * PAD - 6
        tallest = 0
        for row in range(model.rowCount()):
            text = str(model.index(row, 0).data(DescriptionRole) or "")
            rect = QFontMetrics(body).boundingRect(
                QRect(0, 0, width, 10_000), Qt.TextFlag.TextWordWrap, text
            )
            tallest = max(tallest, rect.height())
        head = QFontMetrics(system).height() + QFontMetrics(title).height() + 6
        return int(2 * PAD + head + tallest + 10)

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:
        model = index.model()
        view: Any = option  # the PySide6 stubs omit QStyleOptionViewItem's members
        font = QFont(view.font)
        return QSize(self.card_width, self.card_height(font, model))

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        # QStyleOptionViewItem's members are missing from the PySide6 stubs.
        view: Any = option
        palette: QPalette = view.palette
        rect: QRect = view.rect.adjusted(3, 3, -3, -3)
        chosen = bool(view.state & QStyle.StateFlag.State_Selected)
        focused = bool(view.state & QStyle.StateFlag.State_HasFocus)
        system_font, title_font, body_font = _fonts(view.font)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setBrush(palette.color(QPalette.ColorRole.Base))
        edge = palette.color(QPalette.ColorRole.Highlight if chosen else QPalette.ColorRole.Mid)
        pen = QPen(edge, 3 if chosen else 1)
        if focused and not chosen:
            pen.setStyle(Qt.PenStyle.DashLine)
            pen.setColor(palette.color(QPalette.ColorRole.Highlight))
        painter.setPen(pen)
        painter.drawRoundedRect(QRectF(rect), 8, 8)
        inner = rect.adjusted(PAD, PAD, -PAD, -PAD)
        text = palette.color(QPalette.ColorRole.Text)
        dim = palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
        painter.setFont(system_font)
        painter.setPen(dim)
        line = QFontMetrics(system_font).height()
        painter.drawText(
            QRect(inner.left(), inner.top(), inner.width(), line),
            Qt.AlignmentFlag.AlignLeft,
            str(index.data(SystemRole) or ""),
        )
        if chosen:
            painter.setPen(palette.color(QPalette.ColorRole.Highlight))
            painter.drawText(
                QRect(inner.left(), inner.top(), inner.width(), line),
                Qt.AlignmentFlag.AlignRight,
                "✓ " + self.tr("Chosen"),
            )
        top = inner.top() + line + 2
        painter.setFont(title_font)
        painter.setPen(text)
        title_h = QFontMetrics(title_font).height()
        title = str(index.data(Qt.ItemDataRole.DisplayRole) or "").split(": ", 1)[-1]
        painter.drawText(QRect(inner.left(), top, inner.width(), title_h), 0, title)
        painter.setFont(body_font)
        body = QRect(inner.left(), top + title_h + 4, inner.width(), inner.bottom() - top)
        painter.drawText(body, Qt.TextFlag.TextWordWrap, str(index.data(DescriptionRole) or ""))
        painter.restore()


class EndpointCards(QListView):
    """The cards in rows that wrap with the window; arrows move, Enter takes the card."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setViewMode(QListView.ViewMode.ListMode)
        self.setFlow(QListView.Flow.LeftToRight)
        self.setWrapping(True)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setUniformItemSizes(True)
        self.setSpacing(4)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setFrameShape(QListView.Shape.NoFrame)
        self.setItemDelegate(EndpointCardDelegate(self))
        # The cards sit on the window's colour, so each card's own frame stands out.
        self.viewport().setAutoFillBackground(False)

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Cards share the width in even rows, none narrower than MIN_CARD_WIDTH."""
        delegate = self.itemDelegate()
        if isinstance(delegate, EndpointCardDelegate):
            # Room is kept for a vertical scroll bar and rounding, so the last card never wraps.
            gap = 2 * self.spacing()
            space = self.viewport().width() - gap - self.verticalScrollBar().sizeHint().width()
            fit = max(1, space // (MIN_CARD_WIDTH + gap))
            # As few columns as give the same number of rows: 9 cards make 3 x 3, not 4 + 4 + 1.
            count = max(1, self.model().rowCount() if self.model() is not None else 1)
            columns = -(-count // -(-count // fit))
            width = max(MIN_CARD_WIDTH, space // columns - gap - 2)
            if width != delegate.card_width:
                delegate.card_width = width
                self.scheduleDelayedItemsLayout()
        super().resizeEvent(event)
