"""ErrorDialog: a plain message with a hint and a folded "Details", never a traceback."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QHBoxLayout, QLabel, QStyle, QVBoxLayout

from rowboat.gui.assets import standard_icon
from rowboat.gui.widgets.message_banner import DetailsBox

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from rowboat.core.errors import RowboatError

__all__ = ["ErrorDialog"]


class ErrorDialog(QDialog):
    """Shows one RowboatError: message (bold), hint, and the detail behind "Details"."""

    def __init__(self, error: RowboatError, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.error = error
        self.setWindowTitle(self.tr("Rowboat: a problem"))
        self.setAccessibleName(self.tr("Problem"))
        self.setAccessibleDescription(f"{error.message} {error.hint}".strip())
        icon = QLabel(self)
        size = self.style().pixelMetric(QStyle.PixelMetric.PM_MessageBoxIconSize)
        icon.setPixmap(
            standard_icon(QStyle.StandardPixmap.SP_MessageBoxCritical).pixmap(size, size)
        )
        icon.setAccessibleName(self.tr("Problem:"))
        self.message = QLabel(error.message, self)
        self.message.setWordWrap(True)
        font = self.message.font()
        font.setBold(True)
        self.message.setFont(font)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hint = QLabel(error.hint, self)
        self.hint.setWordWrap(True)
        self.hint.setVisible(bool(error.hint))
        self.details = DetailsBox(self)
        self.details.set_detail(error.detail)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        text = QVBoxLayout()
        text.addWidget(self.message)
        text.addWidget(self.hint)
        text.addWidget(self.details)
        row = QHBoxLayout()
        row.addWidget(icon, alignment=Qt.AlignmentFlag.AlignTop)
        row.addLayout(text, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(buttons)
        self.setMinimumWidth(460)
