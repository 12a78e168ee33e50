"""DropZone: the place to drop a spreadsheet or choose one, and the drag rules the window shares."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, Qt, Signal, Slot
from PySide6.QtWidgets import QFrame, QLabel, QPushButton, QVBoxLayout, QWidget

if TYPE_CHECKING:
    from PySide6.QtCore import QMimeData
    from PySide6.QtGui import QDragEnterEvent, QDragLeaveEvent, QDropEvent, QKeyEvent

__all__ = ["SPREADSHEET_SUFFIXES", "DropZone", "dropped_file"]

SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".csv", ".tsv", ".tab", ".txt")


def dropped_file(mime: QMimeData) -> Path | None:
    """The first local file among dragged data, or None (a file of any name: its bytes decide
    whether it is a spreadsheet, and a wrong one gets a plain message)."""
    for url in mime.urls() if mime.hasUrls() else []:
        if url.isLocalFile():
            path = Path(url.toLocalFile())
            if path.is_file():
                return path
    return None


class DropZone(QFrame):
    """A framed area that takes a dropped file and holds the "Choose a file…" button.

    Signals:
        dropped(object): a Path was dropped here.
        browse_requested(): the user asked for the file dialog (button, Enter or Space).
    """

    dropped = Signal(object)
    browse_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dropZone")
        self.setAcceptDrops(True)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the button inside takes the focus
        self.setMinimumHeight(200)
        self.setProperty("dragging", False)
        title = QLabel(self.tr("Drop a spreadsheet here"), self)
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        title.setFont(font)
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        kinds = QLabel(
            self.tr("Excel (xlsx, xlsm, xls), OpenDocument (ods) or text (csv, tsv, txt)")
        )
        kinds.setAlignment(Qt.AlignmentFlag.AlignCenter)
        kinds.setWordWrap(True)
        either = QLabel(self.tr("or"), self)
        either.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.button = QPushButton(self.tr("&Choose a file…"), self)
        self.button.setAutoDefault(True)  # Enter presses it when it has the focus
        self.button.setAccessibleName(self.tr("Choose a file"))
        self.button.setAccessibleDescription(
            self.tr("Opens a file dialog to pick the spreadsheet to import")
        )
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(title)
        layout.addWidget(kinds)
        layout.addSpacing(8)
        layout.addWidget(either)
        layout.addWidget(self.button, alignment=Qt.AlignmentFlag.AlignCenter)
        layout.addStretch(1)
        self.setAccessibleName(self.tr("Drop zone"))
        self.setAccessibleDescription(
            self.tr("Drop a spreadsheet file here, or choose one with the button")
        )
        self.button.clicked.connect(self.browse_requested)
        self._restyle(dragging=False)

    def _restyle(self, *, dragging: bool) -> None:
        # palette() colours follow the light or dark scheme; a thicker solid line while dragging,
        # so the change shows without relying on colour.
        line = "3px solid palette(highlight)" if dragging else "2px dashed palette(mid)"
        self.setStyleSheet(f"QFrame#dropZone {{ border: {line}; border-radius: 10px; }}")

    def changeEvent(self, event: QEvent) -> None:
        # A switch between light and dark changes the palette: palette() in the style sheet is
        # resolved when the sheet is set, so set it again.
        if event.type() == QEvent.Type.PaletteChange:
            self._restyle(dragging=False)
        super().changeEvent(event)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if dropped_file(event.mimeData()) is not None:
            event.acceptProposedAction()
            self._restyle(dragging=True)

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:
        self._restyle(dragging=False)

    def dropEvent(self, event: QDropEvent) -> None:
        self._restyle(dragging=False)
        path = dropped_file(event.mimeData())
        if path is not None:
            event.acceptProposedAction()
            self.dropped.emit(path)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self._browse()
            return
        super().keyPressEvent(event)

    @Slot()
    def _browse(self) -> None:
        self.browse_requested.emit()
