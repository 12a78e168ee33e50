"""ImportResult: where one import stands — a headline, what was sent where, the error that stopped
it (with Details), Resume when it can go on, and the outcome of every row with its export."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt, Signal, Slot
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from rowboat.core.errors import Cancelled
from rowboat.core.submit.model import ImportState
from rowboat.gui.models.history_model import counts_text, target_text, when_text
from rowboat.gui.widgets.message_banner import Kind, MessageBanner
from rowboat.gui.widgets.outcomes_view import OutcomesView

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from rowboat.core.errors import RowboatError
    from rowboat.core.submit.journal import ImportRecord, Journal

__all__ = ["ImportResult", "headline_text"]


def headline_text(record: ImportRecord, running: bool = False) -> str:
    """Where an import stands, in one sentence ("Finished: 3 created, 1 not sent.")."""
    tr = QCoreApplication.translate
    counts = counts_text(record)
    if running:
        return tr("ImportResult", "Sending now: {counts} so far.").format(counts=counts)
    if record.state is ImportState.FINISHED:
        if record.options.dry_run:
            return tr(
                "ImportResult",
                "Dry run finished: the target checked the rows and kept none ({counts}).",
            ).format(counts=counts)
        return tr("ImportResult", "Finished: {counts}.").format(counts=counts)
    if record.state is ImportState.CANCELLED:
        # The runner's own sentence says how far it came ("Stopped by you after 4 of 5 …").
        return record.status or tr("ImportResult", "Stopped by you: {counts} so far.").format(
            counts=counts
        )
    if record.state is ImportState.INTERRUPTED:
        return tr("ImportResult", "Interrupted before the end: {counts} so far.").format(
            counts=counts
        )
    return tr(
        "ImportResult",
        "Not finished: Rowboat stopped before the end ({counts} so far). Resume to finish it.",
    ).format(counts=counts)


class ImportResult(QWidget):
    """One import's record and outcomes; `buttons` takes the page's own buttons.

    Signals:
        resume_requested(str): the person pressed Resume for this import id.
    """

    resume_requested = Signal(str)

    def __init__(
        self,
        journal: Journal,
        parent: QWidget | None = None,
        *,
        folder: Callable[[], Path] | None = None,
    ) -> None:
        super().__init__(parent)
        tr = self.tr
        self.record: ImportRecord | None = None
        self.headline = QLabel(self)
        self.headline.setWordWrap(True)
        self.headline.setTextFormat(Qt.TextFormat.PlainText)
        font = self.headline.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.1)
        self.headline.setFont(font)
        self.headline.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.about = QLabel(self)
        self.about.setWordWrap(True)
        self.about.setTextFormat(Qt.TextFormat.PlainText)
        self.about.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.banner = MessageBanner(self)
        self.resume = QPushButton(tr("&Resume"), self)
        self.resume.setAccessibleName(tr("Resume the import"))
        self.resume.setAccessibleDescription(
            tr("Sends what was not sent and asks the target about the rest; nothing goes twice")
        )
        self.resume.setToolTip(self.resume.accessibleDescription())
        self.resume.clicked.connect(self._on_resume)
        self.buttons = QHBoxLayout()
        self.buttons.setContentsMargins(0, 0, 0, 0)
        self.buttons.addWidget(self.resume)
        self.buttons.addStretch(1)
        self.outcomes = OutcomesView(journal, self, folder=folder)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.headline)
        layout.addWidget(self.about)
        layout.addWidget(self.banner)
        layout.addLayout(self.buttons)
        layout.addWidget(self.outcomes, 1)
        self.show_record(None)

    def show_record(
        self,
        record: ImportRecord | None,
        error: RowboatError | None = None,
        *,
        running: bool = False,
        reload: bool = True,
    ) -> None:
        """Show `record` (None: nothing chosen) and the error that stopped its last run."""
        self.record = record
        self.banner.clear()
        if record is None:
            self.headline.setText(self.tr("Choose an import to see the outcome of its rows."))
            self.about.clear()
            self.resume.hide()
            self.outcomes.clear()
            return
        self.headline.setText(headline_text(record, running))
        when = when_text(record)
        self.about.setText(
            self.tr("{file} → {target} through '{connection}', {when}. Import {id}.").format(
                file=record.file_name,
                target=target_text(record.endpoint_id),
                connection=record.connection,
                when=when,
                id=record.id,
            )
            + ("\n" + record.plan if record.plan else "")
        )
        if error is not None and not isinstance(error, Cancelled):
            self.banner.show_error(error)
        elif record.state is ImportState.INTERRUPTED and record.status:
            self.banner.show_message(
                Kind.WARNING,
                record.status,
                self.tr("Resume it once the problem is solved; nothing is sent twice."),
            )
        self.resume.setVisible(record.state.resumable and not running)
        if reload or self.outcomes.import_id != record.id:
            self.outcomes.load(record.id, record.file_name)

    @Slot()
    def _on_resume(self) -> None:
        if self.record is not None:
            self.resume_requested.emit(self.record.id)
