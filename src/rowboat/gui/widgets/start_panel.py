"""StartPanel: the Open step before a file is read: the drop zone, the recent files, and the sample
to try Rowboat on."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from rowboat.gui.widgets.drop_zone import DropZone

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["StartPanel"]


class StartPanel(QWidget):
    """Drop a file, choose one, open a recent one again, or try the bundled sample.

    Signals:
        open_requested(object): the Path of a file dropped here or picked from the recent list.
        browse_requested(): the user asked for the file dialog.
        sample_requested(): the user asked to try the sample (with the Sandbox, no account).
    """

    open_requested = Signal(object)
    browse_requested = Signal()
    sample_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.drop_zone = DropZone(self)
        self.drop_zone.dropped.connect(self.open_requested)
        self.drop_zone.browse_requested.connect(self.browse_requested)
        self.recent = QListWidget(self)
        self.recent.setAccessibleName(self.tr("Recent files"))
        self.recent.setAccessibleDescription(self.tr("Press Enter to open the selected file again"))
        self.recent.itemActivated.connect(self._on_recent)
        heading = QLabel(self.tr("&Recent files"), self)
        heading.setBuddy(self.recent)
        font = heading.font()
        font.setBold(True)
        heading.setFont(font)
        self._none = QLabel(self.tr("Files you open appear here."), self)
        self._none.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        column = QVBoxLayout()
        column.addWidget(self._build_sample())
        column.addSpacing(12)
        column.addWidget(heading)
        column.addWidget(self.recent, 1)
        column.addWidget(self._none, 1)
        layout = QHBoxLayout(self)
        layout.addWidget(self.drop_zone, 3)
        layout.addLayout(column, 2)

    def _build_sample(self) -> QWidget:
        box = QWidget(self)
        title = QLabel(self.tr("New to Rowboat?"), box)
        font = title.font()
        font.setBold(True)
        title.setFont(font)
        text = QLabel(
            self.tr(
                "Try it on a sample attendee list with a few typical problems, sent to the "
                "built-in Sandbox: it behaves like the real systems and needs no account."
            ),
            box,
        )
        text.setWordWrap(True)
        self.sample = QPushButton(self.tr("&Try the sample"), box)
        self.sample.setAutoDefault(True)
        self.sample.setAccessibleName(self.tr("Try the sample"))
        self.sample.setAccessibleDescription(
            self.tr(
                "Opens a sample attendee list for Plandocket contacts, with the Sandbox connection"
            )
        )
        self.sample.clicked.connect(self.sample_requested)
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(title)
        layout.addWidget(text)
        layout.addWidget(self.sample, alignment=Qt.AlignmentFlag.AlignLeft)
        return box

    def set_recent(self, paths: Sequence[Path]) -> None:
        self.recent.clear()
        for path in paths:
            item = QListWidgetItem(path.name)
            item.setData(Qt.ItemDataRole.UserRole, str(path))
            item.setToolTip(str(path))
            item.setData(Qt.ItemDataRole.AccessibleDescriptionRole, str(path.parent))
            self.recent.addItem(item)
        self.recent.setVisible(bool(paths))
        self._none.setVisible(not paths)
        if paths:
            self.recent.setCurrentRow(0)

    @Slot(QListWidgetItem)
    def _on_recent(self, item: QListWidgetItem) -> None:
        self.open_requested.emit(Path(str(item.data(Qt.ItemDataRole.UserRole))))
