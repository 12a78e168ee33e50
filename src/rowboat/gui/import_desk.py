"""ImportDesk: what the window needs to send imports and keep them — the journal, the connections
and the Sandbox, the submission runner, the banners about unfinished imports or a history that
cannot be opened, the Connections dialog, and the question and answer when the window closes
during a submission."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import QMessageBox

from rowboat.core.errors import RowboatError
from rowboat.core.jobs.history import History
from rowboat.core.submit.journal import Journal
from rowboat.gui.connection_access import ConnectionAccess
from rowboat.gui.dialogs import questions
from rowboat.gui.models.history_model import counts_text
from rowboat.gui.sandbox_service import SandboxService
from rowboat.gui.submission import SubmissionRunner
from rowboat.gui.widgets.message_banner import MessageBanner
from rowboat.gui.widgets.resume_banner import ResumeBanner

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from rowboat.core.progress import Reporter
    from rowboat.core.submit.journal import ImportRecord
    from rowboat.core.submit.runner import RunSettings
    from rowboat.gui.dialogs.connections_dialog import ConnectionsDialog
    from rowboat.gui.submission import RunEnd
    from rowboat.gui.workers import Workers

__all__ = ["ImportDesk"]


def _unfinished(journal: Journal, report: Reporter) -> list[ImportRecord]:
    return History(journal).unfinished()


def _open_journal() -> tuple[Journal, RowboatError | None]:
    """The user's journal; an empty one in memory (and why) when it cannot be opened."""
    try:
        return Journal(), None
    except RowboatError as exc:
        return Journal(":memory:"), exc


class ImportDesk(QObject):
    """The window's imports: one per window. A journal or ConnectionAccess handed in stays the
    caller's to close; those made here are closed (and the Sandbox stopped) by `shut()`.

    Signals:
        resume_requested(list[str]): the banner's Resume: these imports were queued.
        show_import(str): open History on this import.
        connections_changed(): the Connections dialog changed a connection.
    """

    resume_requested = Signal(object)
    show_import = Signal(str)
    connections_changed = Signal()

    def __init__(
        self,
        window: QWidget,
        workers: Workers,
        *,
        journal: Journal | None = None,
        access: ConnectionAccess | None = None,
        run_settings: RunSettings | None = None,
    ) -> None:
        super().__init__(window)
        self._window = window
        problem: RowboatError | None = None
        self._own_journal, self._own_access = journal is None, access is None
        if journal is None:
            journal, problem = _open_journal()
        self.journal = journal
        self.access = access or ConnectionAccess(SandboxService())
        self.sending = SubmissionRunner(journal, self.access, workers, run_settings, self)
        self.connections_dialog: ConnectionsDialog | None = None
        self.resume_banner = ResumeBanner(window)
        self.journal_banner = MessageBanner(window)
        if problem is not None:
            self.journal_banner.show_error(problem)
        self.resume_banner.resume.connect(self._on_resume)
        self.resume_banner.show_history.connect(self.show_import)
        self.sending.ended.connect(self._on_ended)
        self._stopping = ""  # the import stopped by closing the window
        workers.start(
            partial(_unfinished, journal), "looking for unfinished imports", finished=self._on_found
        )

    @Slot(object)
    def _on_found(self, records: object) -> None:
        self.resume_banner.set_imports(records)  # type: ignore[arg-type]

    @Slot(object)
    def _on_resume(self, import_ids: object) -> None:
        ids: list[str] = list(import_ids)  # type: ignore[call-overload]
        for import_id in ids:
            self.sending.resume(import_id)
        self.resume_requested.emit(ids)

    @Slot(object)
    def _on_ended(self, end: RunEnd) -> None:
        if end.import_id is not None and not end.resumable:
            self.resume_banner.forget(end.import_id)

    # -- Connections ----------------------------------------------------------------------------

    def show_connections(self, system: str | None) -> ConnectionsDialog:
        """The Connections dialog, window-modal, on `system` when given."""
        from rowboat.gui.dialogs.connections_dialog import ConnectionsDialog

        dialog = ConnectionsDialog(self.access, self.sending, self._window, system=system)
        dialog.changed.connect(self.connections_changed)
        dialog.finished.connect(self._on_connections_closed)
        self.connections_dialog = dialog
        dialog.open()
        return dialog

    @Slot(int)
    def _on_connections_closed(self, _result: int) -> None:
        self.connections_dialog = None

    # -- closing --------------------------------------------------------------------------------

    def may_close(self) -> bool:
        """Ask first when an import is being sent; False when the person keeps sending. On
        "Stop and close" the import is told to stop (the window then waits for its workers)."""
        sending = self.sending
        if not sending.busy:
            return True
        name = sending.current_file or self.tr("an import")
        if not questions.ask(
            self._window,
            self.tr("Rowboat is sending rows"),
            self.tr("Rowboat is still sending {name}. Stop and close?").format(name=name),
            self.tr("&Stop and close"),
            self.tr("&Keep sending"),
            detail=self.tr(
                "What was sent stays sent. Rowboat remembers where it stopped and offers to "
                "finish the import the next time it starts."
            ),
            warning=True,
            default_yes=False,
        ):
            return False
        self._stopping = sending.current_id or ""
        sending.cancel()
        return True

    def shut(self) -> None:
        """After the workers have ended: say what the journal will resume, then stop the
        Sandbox and close the journal this desk opened."""
        if self._stopping:
            self._say_what_resumes(self._stopping)
            self._stopping = ""
        if self._own_access:
            self.access.sandbox.stop()
        if self._own_journal:
            self.journal.close()

    def _say_what_resumes(self, import_id: str) -> None:
        try:
            record = self.journal.get(import_id)
        except RowboatError:
            return
        if not record.state.resumable:
            return
        QMessageBox.information(
            self._window,
            self.tr("Rowboat stopped sending"),
            self.tr(
                "Rowboat stopped sending {file} ({counts} so far). Nothing sent is lost: the "
                "next time Rowboat starts, it offers to resume the import and send the rest."
            ).format(file=record.file_name, counts=counts_text(record)),
        )
