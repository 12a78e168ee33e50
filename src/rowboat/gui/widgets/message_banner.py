"""MessageBanner: a plain message in a page (a problem, a warning or a note), never a traceback."""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from rowboat.gui.assets import standard_icon

if TYPE_CHECKING:
    from rowboat.core.errors import RowboatError

__all__ = ["DetailsBox", "Kind", "MessageBanner"]


class Kind(Enum):
    ERROR = QStyle.StandardPixmap.SP_MessageBoxCritical
    WARNING = QStyle.StandardPixmap.SP_MessageBoxWarning
    INFO = QStyle.StandardPixmap.SP_MessageBoxInformation


class DetailsBox(QWidget):
    """A "Details" toggle over read-only technical text, folded until asked for."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.toggle = QToolButton(self)
        self.toggle.setText(self.tr("Details"))
        self.toggle.setCheckable(True)
        self.toggle.setArrowType(Qt.ArrowType.RightArrow)
        self.toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toggle.setAutoRaise(True)
        self.toggle.setAccessibleName(self.tr("Details"))
        self.toggle.setAccessibleDescription(self.tr("Shows the technical details of the problem"))
        self.text = QPlainTextEdit(self)
        self.text.setReadOnly(True)
        self.text.setMaximumHeight(140)
        self.text.setAccessibleName(self.tr("Technical details"))
        self.text.setAccessibleDescription(self.tr("What went wrong, for support"))
        self.text.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.toggle, alignment=Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.text)
        self.toggle.toggled.connect(self._on_toggled)

    def set_detail(self, detail: str) -> None:
        self.text.setPlainText(detail)
        self.toggle.setChecked(False)
        self.setVisible(bool(detail.strip()))

    @Slot(bool)
    def _on_toggled(self, shown: bool) -> None:
        self.toggle.setArrowType(Qt.ArrowType.DownArrow if shown else Qt.ArrowType.RightArrow)
        self.text.setVisible(shown)


class MessageBanner(QFrame):
    """An icon, a bold message, a hint and optional details; hidden until there is a message.
    A compact banner (for notes that stay) has a small icon, plain text and no Dismiss button.

    Signals:
        closed(): the user dismissed the message.
    """

    closed = Signal()

    def __init__(self, parent: QWidget | None = None, *, compact: bool = False) -> None:
        super().__init__(parent)
        self._compact = compact
        self.setObjectName("messageBanner")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAccessibleName(self.tr("Message"))
        self._icon = QLabel(self)
        self._icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = self.message.font()
        font.setBold(not compact)
        self.message.setFont(font)
        self.hint = QLabel(self)
        self.hint.setWordWrap(True)
        self.hint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details = DetailsBox(self)
        self._close = QPushButton(self.tr("Dismiss"), self)
        self._close.setAccessibleName(self.tr("Dismiss the message"))
        self._close.setAccessibleDescription(self.tr("Hides this message"))
        text = QVBoxLayout()
        text.addWidget(self.message)
        text.addWidget(self.hint)
        text.addWidget(self.details)
        layout = QHBoxLayout(self)
        if compact:
            layout.setContentsMargins(6, 4, 6, 4)
            self._close.hide()
        layout.addWidget(self._icon)
        layout.addLayout(text, 1)
        layout.addWidget(self._close, alignment=Qt.AlignmentFlag.AlignTop)
        self._close.clicked.connect(self._on_close)
        self.hide()

    def show_error(self, error: RowboatError) -> None:
        self.show_message(Kind.ERROR, error.message, error.hint, error.detail)

    def show_message(self, kind: Kind, message: str, hint: str = "", detail: str = "") -> None:
        metric = QStyle.PixelMetric
        size = self.style().pixelMetric(
            metric.PM_SmallIconSize if self._compact else metric.PM_MessageBoxIconSize
        )
        self._icon.setPixmap(standard_icon(kind.value).pixmap(size, size))
        prefix = {
            Kind.ERROR: self.tr("Problem:"),
            Kind.WARNING: self.tr("Warning:"),
            Kind.INFO: self.tr("Note:"),
        }[kind]
        # The icon has a word beside it: the kind of message never rests on colour or shape.
        self._icon.setAccessibleName(prefix)
        self.message.setText(f"{prefix} {message}")
        self.hint.setText(hint)
        self.hint.setVisible(bool(hint))
        self.details.set_detail(detail)
        self.setAccessibleDescription(f"{message} {hint}".strip())
        self.show()

    def clear(self) -> None:
        self.hide()

    @Slot()
    def _on_close(self) -> None:
        self.hide()
        self.closed.emit()
