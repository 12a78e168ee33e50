"""ResumeBanner: a calm line above the steps naming the imports that did not finish last time,
with Resume, Show in History and Not now (never a dialog at start)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QStyle, QWidget

from rowboat.gui.assets import standard_icon
from rowboat.gui.models.history_model import target_text

if TYPE_CHECKING:
    from collections.abc import Sequence

    from rowboat.core.submit.journal import ImportRecord

__all__ = ["ResumeBanner"]


class ResumeBanner(QFrame):
    """Hidden until set_imports() names unfinished imports.

    Signals:
        resume(list[str]): resume these imports (oldest first).
        show_history(str): open History on this import.
    """

    resume = Signal(object)
    show_history = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        tr = self.tr
        self._ids: list[str] = []
        self.setObjectName("resumeBanner")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAccessibleName(tr("Unfinished imports"))
        icon = QLabel(self)
        size = self.style().pixelMetric(QStyle.PixelMetric.PM_SmallIconSize)
        icon.setPixmap(
            standard_icon(QStyle.StandardPixmap.SP_MessageBoxInformation).pixmap(size, size)
        )
        icon.setAccessibleName(tr("Note:"))
        self.text = QLabel(self)
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.PlainText)
        self.resume_button = QPushButton(tr("&Resume"), self)
        self.resume_button.setAccessibleName(tr("Resume the unfinished imports"))
        self.resume_button.setAccessibleDescription(
            tr("Sends what was not sent and follows the jobs to their end; nothing goes twice")
        )
        self.history_button = QPushButton(tr("Show in History"), self)
        self.history_button.setAccessibleName(tr("Show in History"))
        self.history_button.setAccessibleDescription(tr("Opens the history of imports"))
        self.later = QPushButton(tr("Not now"), self)
        self.later.setAccessibleName(tr("Not now"))
        self.later.setAccessibleDescription(
            tr("Hides this note; the imports stay in History, ready to resume")
        )
        for button in (self.resume_button, self.history_button, self.later):
            button.setToolTip(button.accessibleDescription())
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.addWidget(icon)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.resume_button)
        layout.addWidget(self.history_button)
        layout.addWidget(self.later)
        self.resume_button.clicked.connect(self._on_resume)
        self.history_button.clicked.connect(self._on_history)
        self.later.clicked.connect(self.hide)
        self.hide()

    @property
    def import_ids(self) -> tuple[str, ...]:
        return tuple(self._ids)

    def set_imports(self, records: Sequence[ImportRecord]) -> None:
        """Name the unfinished imports (newest first, as the history gives them)."""
        self._ids = [r.id for r in reversed(records)]
        if not records:
            self.hide()
            return
        first = records[0]
        what = self.tr("{file} to {target}").format(
            file=first.file_name, target=target_text(first.endpoint_id)
        )
        if len(records) == 1:
            text = self.tr(
                "An import did not finish last time: {what}. Nothing sent is lost; resume it to "
                "send the rest."
            ).format(what=what)
        else:
            text = self.tr(
                "{n} imports did not finish last time, the latest {what}. Nothing sent is lost; "
                "resume them to send the rest."
            ).format(n=len(records), what=what)
        self.text.setText(text)
        self.text.setToolTip("\n".join(f"{r.file_name}: {r.status}" for r in records))
        self.setAccessibleDescription(text)
        self.resume_button.setText(
            self.tr("&Resume") if len(records) == 1 else self.tr("&Resume all")
        )
        self.show()

    def forget(self, import_id: str) -> None:
        """An import ended (or was removed): no longer name it."""
        if import_id in self._ids:
            self._ids.remove(import_id)
            if not self._ids:
                self.hide()

    @Slot()
    def _on_resume(self) -> None:
        self.hide()
        self.resume.emit(list(self._ids))

    @Slot()
    def _on_history(self) -> None:
        self.show_history.emit(self._ids[-1] if self._ids else "")
