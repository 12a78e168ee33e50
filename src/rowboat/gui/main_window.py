"""MainWindow: the step bar over the five step pages and History, Back/Next, menus, the status
bar, and the services the steps share (ImportDesk: the journal, the Sandbox, the runner).
(Longer than most modules: the wiring of every step and of History, which share the window.)
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, Qt, Slot
from PySide6.QtGui import QUndoGroup
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from rowboat.core.mapping import ProfileStore
from rowboat.gui.assets import SAMPLE_ENDPOINT, sample_file
from rowboat.gui.import_desk import ImportDesk
from rowboat.gui.mapping_keeper import MappingKeeper
from rowboat.gui.menus import build_menus
from rowboat.gui.pages.history_page import HistoryPage
from rowboat.gui.pages.map_page import MapPage
from rowboat.gui.pages.open_page import OpenPage
from rowboat.gui.pages.submit_page import SubmitPage
from rowboat.gui.pages.target_page import TargetPage
from rowboat.gui.review_step import ReviewStep
from rowboat.gui.session import SANDBOX, ImportSession
from rowboat.gui.table_loader import TableLoader
from rowboat.gui.validation_runner import ValidationRunner
from rowboat.gui.view_state import ViewState
from rowboat.gui.widgets.drop_zone import dropped_file
from rowboat.gui.widgets.import_result import headline_text
from rowboat.gui.widgets.step_bar import Step, StepBar, step_label
from rowboat.gui.workers import Workers

if TYPE_CHECKING:
    from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent, QUndoStack

    from rowboat.core.errors import RowboatError
    from rowboat.core.submit.journal import Journal
    from rowboat.core.submit.runner import RunSettings
    from rowboat.gui.connection_access import ConnectionAccess
    from rowboat.gui.dialogs.connections_dialog import ConnectionsDialog
    from rowboat.gui.submission import RunEnd

__all__ = ["MainWindow"]

SHUTDOWN_WAIT_MS = 10_000  # a million-row read cannot stop half-way; give it time to finish


class MainWindow(QMainWindow):
    """One window for the whole import; every step can be gone back to without losing work.

    Reading and checking run in workers (TableLoader, ValidationRunner); results reach the pages
    through the ImportSession's signals.
    """

    def __init__(
        self,
        *,
        profiles: ProfileStore | None = None,
        view_state: ViewState | None = None,
        log_file: Path | None = None,
        journal: Journal | None = None,
        access: ConnectionAccess | None = None,
        run_settings: RunSettings | None = None,
    ) -> None:
        super().__init__()
        self.log_file = log_file
        self.view_state = view_state or ViewState()
        self.session = ImportSession(self)
        self.workers = Workers(self)
        self.loader = TableLoader(self.session, self.workers, self)
        self.keeper = MappingKeeper(self.session, profiles or ProfileStore(), self.workers, self)
        self.runner = ValidationRunner(self.session, self.workers, self)
        self.desk = ImportDesk(
            self, self.workers, journal=journal, access=access, run_settings=run_settings
        )
        self.journal, self.access, self.sending = (
            self.desk.journal,
            self.desk.access,
            self.desk.sending,
        )
        self.resume_banner, self.journal_banner = self.desk.resume_banner, self.desk.journal_banner

        def folder() -> Path:
            return (
                self.session.path.parent if self.session.path else Path(self.view_state.last_folder)
            )

        self.step_bar = StepBar(self)
        self.open_page = OpenPage(self.session, self.loader, self.view_state, self)
        self.target_page = TargetPage(
            self.session, self.view_state, self, access=self.access, workers=self.workers
        )
        self.map_page = MapPage(
            self.session, self.keeper, self.runner, self.workers, self.view_state, self
        )
        self.review_step = ReviewStep(self.session, self.runner, self)
        self.submit_page = SubmitPage(
            self.session,
            self.review_step.corrected_result,
            self.sending,
            self.access,
            self.workers,
            self,
            folder=folder,
        )
        self.history_page = HistoryPage(self.sending, self, folder=folder)
        self.pages: dict[Step, QWidget] = {
            Step.OPEN: self.open_page,
            Step.TARGET: self.target_page,
            Step.MAP: self.map_page,
            Step.REVIEW: self.review_step,
            Step.SUBMIT: self.submit_page,
        }
        self._furthest = Step.OPEN  # the furthest step visited, for the ticks in the step bar
        self._step = Step.OPEN
        self.stack = QStackedWidget(self)
        for page in self.pages.values():
            self.stack.addWidget(page)
        self.stack.addWidget(self.history_page)
        self.history_button = QToolButton(self)
        self.history_button.setText(self.tr("Histor&y"))
        self.history_button.setCheckable(True)
        self.history_button.setAutoRaise(True)
        self.history_button.setAccessibleName(self.tr("History"))
        self.history_button.setAccessibleDescription(
            self.tr("Every import sent, with the outcome of each row (Ctrl+H)")
        )
        self.history_button.setToolTip(self.history_button.accessibleDescription())
        self.history_button.clicked.connect(self._on_history_button)

        self.back = QPushButton(self)
        self.back.setAutoDefault(True)
        self.back.setAccessibleName(self.tr("Back"))
        self.back.clicked.connect(self.go_back)
        self.next = QPushButton(self)
        self.next.setAutoDefault(True)
        self.next.setAccessibleName(self.tr("Next"))
        self.next.clicked.connect(self.go_next)
        nav = QHBoxLayout()
        nav.addWidget(self.back)
        nav.addStretch(1)
        nav.addWidget(self.next)
        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 8)
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 12, 0)
        top.addWidget(self.step_bar, 1)
        top.addWidget(self.history_button)
        layout.addLayout(top)
        for banner in (self.journal_banner, self.resume_banner):
            margin = QHBoxLayout()
            margin.setContentsMargins(12, 4, 12, 0)
            margin.addWidget(banner)
            layout.addLayout(margin)
        layout.addWidget(self.stack, 1)
        nav_margin = QHBoxLayout()
        nav_margin.setContentsMargins(12, 0, 12, 0)
        nav_margin.addLayout(nav)
        layout.addLayout(nav_margin)
        self.setCentralWidget(central)

        self.undo_group = QUndoGroup(self)
        for page in self.pages.values():
            stack = self._undo_stack_of(page)
            if stack is not None:
                self.undo_group.addStack(stack)
        self._build_status_bar()
        self.menu_actions = build_menus(self)
        self.setAcceptDrops(True)
        self.setWindowTitle("Rowboat")
        self.resize(1180, 800)
        if self.view_state.geometry is not None:
            self.restoreGeometry(self.view_state.geometry)
        splitter = self.view_state.splitter("map")
        if splitter is not None:
            self.map_page.splitter.restoreState(splitter)

        self.step_bar.step_chosen.connect(self._on_step_chosen)
        self.target_page.accepted.connect(self.go_next)
        self.target_page.manage_connections.connect(self.show_connections)
        self.submit_page.start_another.connect(self._on_start_another)
        self.desk.resume_requested.connect(self._on_resume_requested)
        self.desk.show_import.connect(self.show_import)
        self.desk.connections_changed.connect(self.target_page.reload_connections)
        self.sending.ended.connect(self._on_import_ended)
        self.sending.busy_changed.connect(self._refresh)
        self.review_step.edited.connect(self.submit_page.refresh)
        self.open_page.recent_files_changed.connect(self.menu_actions.refresh_recent)
        self.open_page.start.sample_requested.connect(self.try_sample)
        self.map_page.status.connect(self.show_status)
        self.loader.failed.connect(self._on_read_failed)
        self.loader.finished.connect(self._on_read)
        self.runner.busy_changed.connect(self._on_checking)
        self.runner.progress.connect(self._on_check_progress)
        for signal in (
            self.session.table_changed,
            self.session.target_changed,
            self.session.mapping_changed,
            self.session.result_changed,
        ):
            signal.connect(self._refresh)
        self.go_to(Step.OPEN)

    # steps --------------------------------------------------------------------------------

    @property
    def step(self) -> Step:
        """The step shown, or the one History returns to while History is shown."""
        return self._step

    @property
    def showing_history(self) -> bool:
        return self.stack.currentWidget() is self.history_page

    def reachable(self) -> set[Step]:
        s = self.session
        steps = {Step.OPEN}
        if s.table is not None:
            steps.add(Step.TARGET)
            if s.endpoint is not None:
                steps.add(Step.MAP)
                if s.mapping is not None:
                    steps.add(Step.REVIEW)
                    if s.result is not None:
                        steps.add(Step.SUBMIT)
        return steps

    def done(self) -> set[Step]:
        """Steps that are complete and that the user has gone past."""
        s = self.session
        facts = {
            Step.OPEN: s.table is not None,
            Step.TARGET: s.endpoint is not None,
            Step.MAP: s.mapping is not None,
            Step.REVIEW: s.result is not None,
        }
        return {step for step, fact in facts.items() if fact and step < self._furthest}

    def go_to(self, step: Step) -> bool:
        if step not in self.reachable() and step != Step.OPEN:
            return False
        if self.step == Step.MAP and step > Step.MAP and not self.showing_history:
            self.map_page.remember_mapping()
        self._step = step
        self.stack.setCurrentWidget(self.pages[step])
        self._furthest = max(self._furthest, step)
        # None leaves Undo and Redo disabled on pages that edit nothing (the stubs omit None).
        self.undo_group.setActiveStack(self._undo_stack_of(self.pages[step]))  # type: ignore[arg-type]
        self._refresh()
        self._focus(step)
        return True

    @Slot()
    def go_next(self) -> None:
        if self.showing_history:
            return
        if self.step < Step.SUBMIT:
            self.go_to(Step(self.step + 1))

    @Slot()
    def go_back(self) -> None:
        if self.showing_history:
            self.go_to(self.step)  # History's Back returns to the step it was opened from
        elif self.step > Step.OPEN:
            self.go_to(Step(self.step - 1))

    @Slot(str)
    def show_import(self, import_id: str) -> None:
        self.show_history(import_id)

    def show_history(self, import_id: str = "") -> None:
        """Show the history of imports (choosing `import_id` when given)."""
        if import_id:
            self.history_page.show_import(import_id)
        self.stack.setCurrentWidget(self.history_page)
        self.undo_group.setActiveStack(None)  # type: ignore[arg-type]
        self._refresh()
        self.history_page.table.setFocus(Qt.FocusReason.OtherFocusReason)

    @Slot()
    def _on_history_button(self) -> None:
        if self.showing_history:
            self.go_to(self.step)
        else:
            self.show_history()

    @Slot()
    def show_connections(self) -> None:
        """The Connections dialog (window-modal), on the system of the chosen endpoint."""
        endpoint = self.session.endpoint
        self.desk.show_connections(endpoint.system if endpoint else None)

    @property
    def connections_dialog(self) -> ConnectionsDialog | None:
        return self.desk.connections_dialog

    @Slot()
    def _on_start_another(self) -> None:
        self.go_to(Step.OPEN)
        self.open_page.browse()

    @Slot(object)
    def _on_resume_requested(self, import_ids: object) -> None:
        ids: list[str] = list(import_ids)  # type: ignore[call-overload]
        if ids:
            self.show_history(ids[0])  # where the resumed import's progress shows

    @Slot(object)
    def _on_import_ended(self, end: RunEnd) -> None:
        if end.submission is not None:
            self.show_status(headline_text(end.submission.record))

    @Slot(int)
    def _on_step_chosen(self, step: int) -> None:
        self.go_to(Step(step))

    @staticmethod
    def _undo_stack_of(page: QWidget) -> QUndoStack | None:
        return getattr(page, "undo_stack", None)

    def _focus(self, step: Step) -> None:
        if step == Step.OPEN:
            target = self.open_page.table if self.session.table else self.open_page.drop_zone.button
            target.setFocus(Qt.FocusReason.OtherFocusReason)
        elif step == Step.TARGET:
            self.target_page.focus_cards()
        elif step == Step.MAP:
            self.map_page.table.setFocus(Qt.FocusReason.OtherFocusReason)
        elif step == Step.SUBMIT and self.submit_page.focus_main():
            return
        else:
            button = self.next if self.next.isEnabled() else self.back
            button.setFocus(Qt.FocusReason.OtherFocusReason)

    @Slot()
    def _refresh(self) -> None:
        reachable, step = self.reachable(), self.step
        self.step_bar.set_state(step, self.done(), reachable, away=self.showing_history)
        self.history_button.setChecked(self.showing_history)
        self.back.setEnabled(step > Step.OPEN or self.showing_history)
        if self.showing_history:
            self.back.setText(self.tr("‹ &Back to {step}").format(step=step_label(step)))
        elif step > Step.OPEN:
            self.back.setText(self.tr("‹ &Back to {step}").format(step=step_label(Step(step - 1))))
        else:
            self.back.setText(self.tr("‹ &Back"))
        if self.showing_history:
            self.next.setText(self.tr("&Next ›"))
            self.next.setEnabled(False)
            self.next.setToolTip(self.tr("Go back to the import to go on."))
        elif step < Step.SUBMIT:
            following = Step(step + 1)
            self.next.setText(self.tr("&Next: {step} ›").format(step=step_label(following)))
            self.next.setEnabled(following in reachable)
            self.next.setToolTip("" if following in reachable else self._why_not(following))
        else:
            self.next.setText(self.tr("&Next ›"))
            self.next.setEnabled(False)
            self.next.setToolTip(self.tr("This is the last step."))
        self.next.setAccessibleDescription(self.next.toolTip() or self.next.text().replace("&", ""))
        self.back.setAccessibleDescription(self.back.text().replace("&", ""))
        self.menu_actions.template.setEnabled(self.session.endpoint is not None)
        s = self.session
        parts = []
        if s.path is not None and s.table is not None:
            parts.append(
                self.tr("{name}: {rows} rows").format(name=s.path.name, rows=f"{len(s.table):,}")
            )
            self.setWindowTitle(self.tr("{name} – Rowboat").format(name=s.path.name))
        if s.endpoint is not None:
            parts.append(f"{s.endpoint.system_label} · {s.endpoint.label} ({s.connection})")
        self.summary.setText("  →  ".join(parts))

    def _why_not(self, step: Step) -> str:
        s = self.session
        if s.table is None:
            return self.tr("Open a file first.")
        if s.endpoint is None:
            return self.tr("Choose where the rows go first.")
        if step == Step.SUBMIT:
            return self.tr("Wait until the rows are checked.")
        return ""

    # files ------------------------------------------------------------------------------------

    def open_file(self, path: str | Path) -> None:
        self.go_to(Step.OPEN)
        self.open_page.open_file(Path(path))

    @Slot()
    def try_sample(self) -> None:
        """The first run's tour by hand: the bundled sample, for the endpoint it was made for,
        with the built-in Sandbox whatever connection was used last, so nothing real is sent."""
        self.target_page.select_endpoint(SAMPLE_ENDPOINT)
        self.target_page.connection.setCurrentText(SANDBOX)
        self.open_file(sample_file())

    @Slot()
    def _on_read(self) -> None:
        self.show_status(
            self.tr("Read {name}.").format(name=self.session.path.name if self.session.path else "")
        )

    @Slot(object)
    def _on_read_failed(self, error: RowboatError) -> None:
        self.go_to(Step.OPEN)
        self.show_status(error.message)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if dropped_file(event.mimeData()) is not None:
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        path = dropped_file(event.mimeData())
        if path is not None:
            event.acceptProposedAction()
            self.open_file(path)

    # status bar ---------------------------------------------------------------------------------

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.summary = QLabel(self)
        self.summary.setAccessibleName(self.tr("Current import"))
        self.check_label = QLabel(self.tr("Checking the rows…"), self)
        self.check_progress = QProgressBar(self)
        self.check_progress.setMaximumWidth(160)
        self.check_progress.setAccessibleName(self.tr("Checking progress"))
        self.stop = QPushButton(self.tr("Stop"), self)
        self.stop.setAccessibleName(self.tr("Stop checking"))
        self.stop.setAccessibleDescription(self.tr("Stops checking the rows (Escape)"))
        self.stop.clicked.connect(self.stop_work)
        bar.addPermanentWidget(self.check_label)
        bar.addPermanentWidget(self.check_progress)
        bar.addPermanentWidget(self.stop)
        bar.addPermanentWidget(self.summary)
        self._on_checking(False)

    @Slot(str)
    def show_status(self, message: str) -> None:
        self.statusBar().showMessage(message, 8000)

    @Slot(bool)
    def _on_checking(self, busy: bool) -> None:
        for widget in (self.check_label, self.check_progress, self.stop):
            widget.setVisible(busy)
        if busy:
            self.check_progress.setRange(0, 0)

    @Slot(int, int, str)
    def _on_check_progress(self, done: int, total: int, what: str) -> None:
        if total > 0:
            self.check_progress.setRange(0, total)
            self.check_progress.setValue(done)

    @Slot()
    def stop_work(self) -> None:
        """Escape: stop reading a file if one is being read, else stop checking."""
        if self.loader.busy:
            self.loader.cancel()
        elif self.runner.busy:
            self.runner.cancel()
            self.show_status(self.tr("Stopped checking the rows."))

    # shutdown -------------------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.desk.may_close():
            event.ignore()  # "Keep sending"
            return
        self.loader.cancel()
        self.runner.cancel()
        for workers in self.findChildren(Workers):
            workers.cancel_all()
        if self.workers.running:
            self.show_status(self.tr("Finishing the work that is running…"))
        self.workers.wait(SHUTDOWN_WAIT_MS)
        self.desk.shut()  # says what the journal will resume; stops the Sandbox
        self.view_state.geometry = QByteArray(self.saveGeometry())
        self.view_state.set_splitter("map", QByteArray(self.map_page.splitter.saveState()))
        self.view_state.sync()
        super().closeEvent(event)
