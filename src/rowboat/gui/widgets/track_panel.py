"""TrackPanel: the import being sent: a progress bar with rows sent and time left, the remote
job's state, the latest notice, and Cancel (what was acknowledged stays; the rest resumes)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QElapsedTimer, Slot
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from rowboat.gui.submission import SubmissionRunner

__all__ = ["SENDING", "TrackPanel", "time_left_text"]

SENDING = "Sending"  # the runner's word for progress in rows sent (else: the job's state)
_MIN_SECONDS = 2.0  # a time left guessed from less than this would jump about


def time_left_text(seconds: float) -> str:
    from PySide6.QtCore import QCoreApplication

    tr = QCoreApplication.translate
    if seconds < 5:
        return tr("TrackPanel", "a few seconds left")
    if seconds < 90:
        return tr("TrackPanel", "about {n} s left").format(n=int(round(seconds / 5) * 5) or 5)
    if seconds < 90 * 60:
        return tr("TrackPanel", "about {n} min left").format(n=round(seconds / 60))
    return tr("TrackPanel", "about {n} h left").format(n=f"{seconds / 3600:.1f}")


class TrackPanel(QWidget):
    """Follows whatever the SubmissionRunner sends; shown by its page while it runs."""

    def __init__(self, runner: SubmissionRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        tr = self.tr
        self._runner = runner
        self._clock = QElapsedTimer()
        self._first: tuple[float, int] | None = None  # (seconds, rows) at the first progress
        self.title = QLabel(self)
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.plan = QLabel(self)
        self.plan.setWordWrap(True)
        self.plan.setAccessibleName(tr("The plan"))
        self.bar = QProgressBar(self)
        self.bar.setAccessibleName(tr("Sending progress"))
        self.bar.setAccessibleDescription(tr("How many of the rows have been sent"))
        self.bar.setTextVisible(True)
        self.sent = QLabel(self)
        self.sent.setAccessibleName(tr("Rows sent"))
        self.job = QLabel(self)
        self.job.setWordWrap(True)
        self.job.setAccessibleName(tr("The target's job"))
        self.notice = QLabel(self)
        self.notice.setWordWrap(True)
        self.notice.setAccessibleName(tr("Latest notice"))
        self.cancel = QPushButton(tr("&Cancel sending"), self)
        self.cancel.setAccessibleName(tr("Cancel sending"))
        self.cancel.setAccessibleDescription(
            tr("Stops after the requests under way; what was sent stays; the rest resumes later")
        )
        self.cancel.setToolTip(self.cancel.accessibleDescription())
        self.cancel.clicked.connect(self._on_cancel)
        row = QHBoxLayout()
        row.addWidget(self.bar, 1)
        row.addWidget(self.cancel)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.plan)
        layout.addLayout(row)
        layout.addWidget(self.sent)
        layout.addWidget(self.job)
        layout.addWidget(self.notice)
        runner.started.connect(self._on_started)
        runner.progress.connect(self._on_progress)
        runner.notice.connect(self._on_notice)
        if runner.busy:
            self._on_started("")

    @Slot(str)
    def _on_started(self, import_id: str) -> None:
        runner = self._runner
        name, where = runner.current_file, runner.current_where
        if name and where:
            title = self.tr("Sending {name} to {where}…").format(name=name, where=where)
        else:
            title = self.tr("Sending {name}…").format(name=name) if name else self.tr("Sending…")
        self.title.setText(title)
        self.plan.setText(runner.current_plan)
        self.bar.setRange(0, 0)  # busy until the first rows are counted
        self.sent.setText(self.tr("Getting ready: connecting and checking what was sent before…"))
        self.job.clear()
        self.notice.clear()
        self.cancel.setEnabled(True)
        self._clock.start()
        self._first = None

    @Slot(int, int, str)
    def _on_progress(self, done: int, total: int, what: str) -> None:
        if what != SENDING:
            # The remote job's state, in the target's words ("Processing, 40% (400 of 1000)").
            self.job.setText(self.tr("{target}: {state}").format(target=self._target(), state=what))
            if total > 0:
                self.bar.setRange(0, total)
                self.bar.setValue(done)
            return
        if total <= 0:
            return
        self.bar.setRange(0, total)
        self.bar.setValue(done)
        text = self.tr("{done} of {total} rows sent").format(done=f"{done:,}", total=f"{total:,}")
        seconds = self._clock.elapsed() / 1000
        if self._first is None:
            self._first = (seconds, done)
        start, base = self._first
        if done >= total:
            text = self.tr("All {total} rows sent; waiting for the answers.").format(
                total=f"{total:,}"
            )
        elif done > base and seconds - start >= _MIN_SECONDS:
            rate = (done - base) / (seconds - start)
            text += " · " + time_left_text((total - done) / rate)
        self.sent.setText(text)
        self.bar.setAccessibleDescription(text)

    @Slot(str)
    def _on_notice(self, text: str) -> None:
        self.notice.setText(text)

    @Slot()
    def _on_cancel(self) -> None:
        self._runner.cancel()
        self.cancel.setEnabled(False)
        self.notice.setText(
            self.tr(
                "Stopping after the requests under way. What was sent stays sent; the rest can "
                "be resumed at any time."
            )
        )

    def _target(self) -> str:
        return self._runner.current_system or self.tr("The target")
