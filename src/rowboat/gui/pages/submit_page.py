"""SubmitPage: step 5. The plan in words, the import's options, Submit (asked once), the progress
of the import with Cancel, and at the end the outcome of every row with the export of the rows to
fix. Planning and sending run in workers; their results arrive through queued signals.
(Longer than most modules: the plan, the run and its outcome share the page's state.)
"""

from __future__ import annotations

from enum import Enum
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from rowboat.core.errors import RowboatError
from rowboat.core.submit.carriers import open_carrier
from rowboat.core.submit.plan import Plan, make_plan
from rowboat.core.targets.events import event_choice
from rowboat.gui.dialogs import questions
from rowboat.gui.widgets.import_options import ImportOptions
from rowboat.gui.widgets.import_result import ImportResult
from rowboat.gui.widgets.message_banner import Kind, MessageBanner
from rowboat.gui.widgets.track_panel import TrackPanel
from rowboat.gui.wording import count

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from PySide6.QtGui import QShowEvent

    from rowboat.core.progress import Reporter
    from rowboat.core.submit.model import SubmitOptions
    from rowboat.core.validation import ValidationResult
    from rowboat.gui.connection_access import ConnectionAccess
    from rowboat.gui.session import ImportSession
    from rowboat.gui.submission import RunEnd, SubmissionRunner
    from rowboat.gui.workers import Worker, Workers

__all__ = ["PLAN_SETTLE_MS", "SubmitPage"]

PLAN_SETTLE_MS = 200  # inputs still this long before the plan is worked out again


class _Mode(Enum):
    PLAN = "plan"  # the plan and Submit
    RUNNING = "running"  # this page's import is being sent
    DONE = "done"  # its outcome


def _plan(
    result: ValidationResult,
    connection: str,
    options: SubmitOptions,
    access: ConnectionAccess,
    report: Reporter,
) -> Plan:
    """The plan, made with a carrier of the connection (closed again: a run opens its own)."""
    found, secrets = access.resolve(connection, result.endpoint.system)
    carrier = open_carrier(result.endpoint, found, secrets, report)
    try:
        return make_plan(result, carrier, found.name, options)
    finally:
        carrier.close()


class SubmitPage(QWidget):
    """The Submit & Track step for the session's checked rows.

    Signals:
        start_another(): the person wants to open another file.
        import_ended(str): an import this page sent (or resumed) ended; its id.
    """

    start_another = Signal()
    import_ended = Signal(str)

    def __init__(
        self,
        session: ImportSession,
        result_of: Callable[[], ValidationResult | None] | None,
        runner: SubmissionRunner,
        access: ConnectionAccess,
        workers: Workers,
        parent: QWidget | None = None,
        *,
        folder: Callable[[], Path] | None = None,
    ) -> None:
        super().__init__(parent)
        self._session, self._runner, self._access, self._workers = session, runner, access, workers
        # The Review step's corrected result when it has one (cells fixed there count here).
        self._result_of = result_of or (lambda: session.result)
        self._mode = _Mode.PLAN
        self.plan: Plan | None = None
        self._planning: Worker | None = None
        self._inputs: tuple[object, ...] | None = None
        self._following: str | None = None  # the import this page follows
        self._awaiting = False  # submitted; its id not known yet
        self._placed_focus: QWidget | None = None  # where focus_main() put the focus
        self._build(runner, folder)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(PLAN_SETTLE_MS)
        self._timer.timeout.connect(self._make_plan)
        for signal in (session.result_changed, session.target_changed):
            signal.connect(self.refresh)
        runner.busy_changed.connect(self._on_runner_busy)
        runner.created.connect(self._on_created)
        runner.ended.connect(self._on_ended)
        self._show()

    # -- building -------------------------------------------------------------------------------

    def _build(self, runner: SubmissionRunner, folder: Callable[[], Path] | None) -> None:
        tr = self.tr
        self.setAccessibleName(tr("Submit and track"))
        heading = QLabel(tr("Submit && Track").replace("&&", "&"), self)
        font = heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        font.setBold(True)
        heading.setFont(font)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setAccessibleName(tr("What is sent where"))
        self.plan_text = QLabel(self)
        self.plan_text.setWordWrap(True)
        self.plan_text.setTextFormat(Qt.TextFormat.PlainText)
        self.plan_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.plan_text.setAccessibleName(tr("The plan"))
        self.blockers = MessageBanner(self, compact=True)

        self.options = ImportOptions(self)
        self.options.changed.connect(self.refresh)
        # The options' own controls, by their names on the page (tests and the tour use them).
        self.mode, self.match_field = self.options.mode, self.options.match_field
        self.dry_run, self.no_dry_run = self.options.dry_run, self.options.no_dry_run

        self.submit = QPushButton(tr("&Submit…"), self)
        self.submit.setAccessibleName(tr("Submit"))
        self.submit.setDefault(True)
        self.submit.clicked.connect(self._on_submit)
        self.waiting = QLabel(self)
        self.waiting.setWordWrap(True)
        submit_row = QHBoxLayout()
        submit_row.addWidget(self.submit)
        submit_row.addWidget(self.waiting, 1)

        self.track = TrackPanel(runner, self)
        self.result = ImportResult(runner.journal, self, folder=folder)
        self.result.resume_requested.connect(self._on_resume)
        self.another = QPushButton(tr("Start &another import…"), self.result)
        self.another.setAccessibleName(tr("Start another import"))
        self.another.setAccessibleDescription(
            tr("Opens another file; this import stays in History")
        )
        self.another.clicked.connect(self._on_another)
        self.result.buttons.insertWidget(0, self.another)

        self.plan_section = QWidget(self)
        section = QVBoxLayout(self.plan_section)
        section.setContentsMargins(0, 0, 0, 0)
        section.addWidget(self.summary)
        section.addSpacing(6)
        section.addWidget(self.plan_text)
        section.addWidget(self.blockers)
        section.addSpacing(6)
        section.addWidget(self.options)
        section.addSpacing(6)
        section.addLayout(submit_row)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.plan_section)
        layout.addWidget(self.track)
        layout.addWidget(self.result, 1)
        self._stretch = layout.count()
        layout.addStretch(1)

    # -- the plan -------------------------------------------------------------------------------

    @Slot()
    def refresh(self) -> None:
        """The inputs changed (rows, target, an edit, an option): show a fresh plan soon."""
        if self._mode is _Mode.DONE and not self._runner.busy:
            self._mode = _Mode.PLAN
        self._timer.start()
        self._show()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._timer.start()

    @Slot()
    def _make_plan(self) -> None:
        if not self.isVisible() or self._mode is not _Mode.PLAN:
            return
        s, result = self._session, self._result_of()
        endpoint = s.endpoint
        if result is None or endpoint is None or result.endpoint.id != endpoint.id:
            self._set_plan(None)
            return
        choice = event_choice(endpoint)
        options = self.options.options(s.event_key)
        inputs = (result, s.connection, options)
        if (
            self._inputs is not None
            and inputs[0] is self._inputs[0]
            and inputs[1:] == self._inputs[1:]
        ):
            return
        self._inputs = inputs
        self.plan = None
        if choice is not None and choice.required and not s.event_key:
            if self._planning is not None:
                self._planning.cancel()
                self._planning = None
            self._show_problem(
                self.tr("Choose the {label} first.").format(label=choice.label),
                self.tr("Go back to Target and pick it from the list, or type its key."),
            )
            return
        self.plan_text.setText(self.tr("Working out the plan…"))
        self.blockers.clear()
        if self._planning is not None:
            self._planning.cancel()  # its late plan is ignored: it is no longer current
        self._planning = self._workers.start(
            partial(_plan, result, s.connection, options, self._access),
            "working out the plan",
            finished=self._on_planned,
            failed=self._on_plan_failed,
        )
        self._show()

    def _is_planning(self) -> bool:
        return self._planning is not None and self.sender() is self._planning.signals

    @Slot(object)
    def _on_planned(self, plan: object) -> None:
        if self._is_planning():
            self._planning = None
            assert isinstance(plan, Plan)
            self._set_plan(plan)

    @Slot(object)
    def _on_plan_failed(self, error: object) -> None:
        if self._is_planning():
            self._planning = None
            failure: RowboatError = error  # type: ignore[assignment]
            self._inputs = None  # try again next time something changes or the page is shown
            self._show_problem(failure.message, failure.hint, failure.detail)

    def _set_plan(self, plan: Plan | None) -> None:
        self.plan = plan
        self.summary.setText(self._summary())
        if plan is None:
            self.plan_text.setText(
                self.tr("Nothing is checked yet: open a file and choose a target.")
            )
            self.blockers.clear()
        elif plan.blockers:
            self.plan_text.setText(self.tr("Nothing can be sent yet."))
            what = self.tr("Fix this on the Map or Review step, then come back here.")
            self.blockers.show_message(Kind.WARNING, " ".join(plan.blockers), what)
        else:
            self.plan_text.setText(plan.in_words())
            self.blockers.clear()
        self._show()
        window = self.window()
        unmoved = (self._placed_focus, getattr(window, "next", None), getattr(window, "back", None))
        focus = window.focusWidget()
        if (
            self.isVisible()
            and plan is not None
            and plan.ready
            and (focus is None or focus in unmoved)
        ):
            self.submit.setFocus(Qt.FocusReason.OtherFocusReason)  # ready: Enter sends
        self._placed_focus = None

    def _show_problem(self, message: str, hint: str, detail: str = "") -> None:
        self.plan = None
        self.plan_text.setText(self.tr("Nothing can be sent yet."))
        self.blockers.show_message(Kind.WARNING, message, hint, detail)
        self._show()

    # -- sending --------------------------------------------------------------------------------

    @Slot()
    def _on_submit(self) -> None:
        plan = self.plan
        if plan is None or not plan.ready or self._runner.busy:
            return
        where = f"{plan.endpoint.system_label} · {plan.endpoint.label}"
        trial = self.tr(" as a dry run") if plan.options.dry_run else ""
        n = plan.rows_to_send
        question = (
            self.tr("Send {n} row to {where} through '{connection}'{trial}?")
            if n == 1
            else self.tr("Send {n} rows to {where} through '{connection}'{trial}?")
        ).format(n=f"{n:,}", where=where, connection=plan.connection, trial=trial)
        if questions.ask(
            self,
            self.tr("Submit the rows"),
            question,
            self.tr("&Send"),
            self.tr("Do&n't send"),
            detail=plan.in_words(),
        ):
            self.start_submission()

    def start_submission(self) -> bool:
        """Send the plan shown, without asking (the tour; the button asks first)."""
        plan = self.plan
        if plan is None or not plan.ready or not self._runner.submit(plan):
            return False
        self._mode, self._following, self._awaiting = _Mode.RUNNING, None, True
        self._show()
        return True

    @Slot(str)
    def _on_resume(self, import_id: str) -> None:
        self._runner.resume(import_id)
        self._mode, self._following, self._awaiting = _Mode.RUNNING, import_id, False
        self._show()

    @Slot(str)
    def _on_created(self, import_id: str) -> None:
        if self._awaiting:
            self._following, self._awaiting = import_id, False

    @Slot(object)
    def _on_ended(self, end: RunEnd) -> None:
        own = (end.import_id is not None and end.import_id == self._following) or (
            self._awaiting and end.import_id is None
        )
        if not own or self._mode is not _Mode.RUNNING:
            return
        self._awaiting = False
        if end.submission is None and end.import_id is None:
            # Nothing was journaled (no connection, no Sandbox): the plan stands, with why.
            self._mode = _Mode.PLAN
            error = end.error or RowboatError(self.tr("Stopped before anything was sent."))
            self._show_problem(error.message, error.hint, error.detail)
            return
        self._mode = _Mode.DONE
        record = end.submission.record if end.submission is not None else None
        if record is None and end.import_id is not None:
            try:
                record = self._runner.journal.get(end.import_id)
            except RowboatError:
                record = None
        self.result.show_record(record, end.error)
        self._inputs = None
        self._show()
        if record is not None:
            self.import_ended.emit(record.id)

    @Slot(bool)
    def _on_runner_busy(self, busy: bool) -> None:
        self._show()

    @Slot()
    def _on_another(self) -> None:
        self._mode = _Mode.PLAN
        self._show()
        self.start_another.emit()

    # -- showing --------------------------------------------------------------------------------

    @property
    def showing_outcome(self) -> bool:
        return self._mode is _Mode.DONE

    def focus_main(self) -> bool:
        """Put the focus on the page's main control; False when none can take it yet."""
        for widget in (self.submit, self.another, self.track.cancel, self.mode, self.dry_run):
            if widget.isVisibleTo(self) and widget.isEnabled():
                widget.setFocus(Qt.FocusReason.OtherFocusReason)
                self._placed_focus = widget  # moved on to Submit once the plan is ready
                return True
        return False

    @property
    def planning(self) -> bool:
        """A plan is being worked out, or soon will be."""
        return self._planning is not None or self._timer.isActive()

    def _show(self) -> None:
        mode = self._mode
        self.options.set_endpoint(self._session.endpoint)
        self.summary.setText(self._summary())
        planning = mode is _Mode.PLAN
        self.plan_section.setVisible(planning)
        self.track.setVisible(self._runner.busy and mode is not _Mode.DONE)
        self.result.setVisible(mode is _Mode.DONE)
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.setStretch(self._stretch, 0 if mode is _Mode.DONE else 1)
        ready = self.plan is not None and self.plan.ready and not self._runner.busy
        self.submit.setEnabled(ready)
        if self._runner.busy and planning:
            self.waiting.setText(
                self.tr(
                    "Another import is being sent ({name}); Submit waits until it ends."
                ).format(name=self._runner.current_file or self.tr("see History"))
            )
        elif self.plan is not None and self.plan.ready:
            self.waiting.setText(
                count(
                    self.plan.rows_to_send,
                    self.tr("{n} row goes to the target; you are asked once more first."),
                    self.tr("{n} rows go to the target; you are asked once more first."),
                )
            )
        else:
            self.waiting.clear()
        why = self.waiting.text() or self.tr("Sends the rows that are ready, after asking once")
        self.submit.setToolTip(why)
        self.submit.setAccessibleDescription(why)

    def _summary(self) -> str:
        s = self._session
        result, endpoint = self._result_of(), s.endpoint
        if result is None or endpoint is None:
            return ""
        lines = [
            self.tr("Target: {target}").format(
                target=f"{endpoint.system_label} · {endpoint.label}"
            ),
            self.tr("Connection: {name}").format(name=s.connection),
        ]
        choice = event_choice(endpoint)
        if choice is not None:
            event = s.event_key or (
                self.tr("none chosen yet (needed)") if choice.required else self.tr("none")
            )
            lines.append(f"{choice.label}: {event}")
        lines.append(
            count(
                result.valid_count,
                self.tr("{n} row is ready to send."),
                self.tr("{n} rows are ready to send."),
            )
        )
        if result.invalid_count and self.plan is None:  # a plan says so in its own words
            lines.append(
                count(
                    result.invalid_count,
                    self.tr("{n} row with problems stays behind (it is listed in the outcome)."),
                    self.tr("{n} rows with problems stay behind (they are listed in the outcome)."),
                )
            )
        return "\n".join(lines)
