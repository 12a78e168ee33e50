"""ReviewStep: the Review step's frame: a waiting note until the rows are checked, then the page."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import QLabel, QStackedWidget, QVBoxLayout, QWidget

from rowboat.gui.pages.review_page import ReviewPage

if TYPE_CHECKING:
    from PySide6.QtGui import QUndoStack

    from rowboat.core.validation import ValidationResult
    from rowboat.gui.session import ImportSession
    from rowboat.gui.validation_runner import ValidationRunner

__all__ = ["ReviewPage", "ReviewStep"]


class ReviewStep(QWidget):
    """Shows "Checking the rows…" (or what is missing) until the session has a result, then the
    review page with it. The page only ever gets a real ValidationResult.

    Signals:
        edited(): the user changed a cell on the review page (corrected_result() changed).
    """

    edited = Signal()

    def __init__(
        self, session: ImportSession, runner: ValidationRunner, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._session, self._runner = session, runner
        self.page = ReviewPage(self)
        self.waiting = QLabel(self)
        self.waiting.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.waiting.setWordWrap(True)
        self.waiting.setAccessibleName(self.tr("Checking status"))
        self._stack = QStackedWidget(self)
        self._stack.addWidget(self.waiting)
        self._stack.addWidget(self.page)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._stack)
        self.page.edited.connect(self.edited)
        session.result_changed.connect(self._on_result)
        runner.busy_changed.connect(self._on_busy)
        self._on_result()

    @property
    def undo_stack(self) -> QUndoStack:
        return self.page.undo_stack

    def corrected_result(self) -> ValidationResult | None:
        """The checked rows with the user's edits on the review page, or None before a check."""
        return self.page.corrected_result() if self.showing_result else None

    @property
    def showing_result(self) -> bool:
        return self._stack.currentWidget() is self.page

    @Slot()
    def _on_result(self) -> None:
        result = self._session.result
        if result is not None:
            self.page.set_result(result)
            self._stack.setCurrentWidget(self.page)
        else:
            self._stack.setCurrentWidget(self.waiting)
            self._on_busy(self._runner.busy)

    @Slot(bool)
    def _on_busy(self, busy: bool) -> None:
        if busy:
            self.waiting.setText(self.tr("Checking the rows…"))
        elif self._session.result is None:
            self.waiting.setText(
                self.tr("Nothing is checked yet: open a file, choose a target and map its columns.")
            )
