"""SubmitPage: step 5. Says plainly that submitting arrives with the submission core, and what
would be sent: the rows that are ready, the target, the connection and the event."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

from rowboat.core.targets.events import event_choice
from rowboat.gui.wording import count

if TYPE_CHECKING:
    from collections.abc import Callable

    from rowboat.core.validation import ValidationResult
    from rowboat.gui.session import ImportSession

__all__ = ["SubmitPage"]


class SubmitPage(QWidget):
    """What submitting would send, from the session; the Submit button waits for the core."""

    def __init__(
        self,
        session: ImportSession,
        result_of: Callable[[], ValidationResult | None] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._session = session
        # The Review step's corrected result when it has one (cells fixed there count here).
        self._result_of = result_of or (lambda: session.result)
        self.setAccessibleName(self.tr("Submit and track"))
        heading = QLabel(self.tr("Submit && Track").replace("&&", "&"), self)
        font = heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        font.setBold(True)
        heading.setFont(font)
        self.notice = QLabel(
            self.tr(
                "Submitting arrives with the submission core. Until then Rowboat checks your rows "
                "without sending anything; your file is never changed."
            ),
            self,
        )
        self.notice.setWordWrap(True)
        self.plan = QLabel(self)
        self.plan.setWordWrap(True)
        self.plan.setTextFormat(Qt.TextFormat.PlainText)
        self.plan.setAccessibleName(self.tr("What would be sent"))
        self.submit = QPushButton(self.tr("Submit"), self)
        self.submit.setEnabled(False)
        why = self.tr("Submitting arrives with the submission core.")
        self.submit.setToolTip(why)
        self.submit.setAccessibleName(self.tr("Submit"))
        self.submit.setAccessibleDescription(why)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.notice)
        layout.addSpacing(12)
        layout.addWidget(self.plan)
        layout.addWidget(self.submit, alignment=Qt.AlignmentFlag.AlignLeft)
        layout.addStretch(1)
        for signal in (session.result_changed, session.target_changed):
            signal.connect(self.refresh)
        self.refresh()

    @Slot()
    def refresh(self) -> None:
        s = self._session
        result, endpoint = self._result_of(), s.endpoint
        if result is None or endpoint is None:
            self.plan.setText(self.tr("Nothing is checked yet: open a file and choose a target."))
            return
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
        if result.invalid_count:
            lines.append(
                count(
                    result.invalid_count,
                    self.tr("{n} row with problems would be left out."),
                    self.tr("{n} rows with problems would be left out."),
                )
            )
        lines.extend(f"⚠ {b}" for b in result.blockers)
        self.plan.setText("\n".join(lines))
