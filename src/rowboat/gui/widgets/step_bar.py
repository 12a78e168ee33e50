"""StepBar: the five steps of an import across the top of the window, each a button."""

from __future__ import annotations

from enum import IntEnum

from PySide6.QtCore import QCoreApplication, QEvent, Qt, Signal, Slot
from PySide6.QtWidgets import QButtonGroup, QHBoxLayout, QLabel, QToolButton, QWidget

__all__ = ["Step", "StepBar", "step_label"]


# The current step is underlined in the highlight colour and bold; the focused one dotted.
_STYLE = (
    "QToolButton { border: none; border-bottom: 3px solid transparent; padding: 6px 10px; }"
    "QToolButton:checked { border-bottom: 3px solid palette(highlight); }"
    "QToolButton:focus { border-bottom: 3px dotted palette(highlight); }"
)


class Step(IntEnum):
    OPEN = 0
    TARGET = 1
    MAP = 2
    REVIEW = 3
    SUBMIT = 4


def step_label(step: Step) -> str:
    labels = {
        Step.OPEN: QCoreApplication.translate("StepBar", "Open"),
        Step.TARGET: QCoreApplication.translate("StepBar", "Target"),
        Step.MAP: QCoreApplication.translate("StepBar", "Map"),
        Step.REVIEW: QCoreApplication.translate("StepBar", "Review"),
        Step.SUBMIT: QCoreApplication.translate("StepBar", "Submit && Track"),
    }
    return labels[step]


class StepBar(QWidget):
    """One checkable button per step: the current one checked and bold, finished ones ticked,
    unreachable ones disabled (each state in the text too, never by colour alone).

    Signals:
        step_chosen(int): the user clicked (or pressed Alt+number on) a reachable step.
    """

    step_chosen = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(self.tr("Steps"))
        self.setAccessibleDescription(self.tr("The steps of an import; finished steps are ticked"))
        self._group = QButtonGroup(self)
        self._group.setExclusive(True)
        self._buttons: list[QToolButton] = []
        self._current = Step.OPEN
        self._done: set[Step] = set()
        self._reachable: set[Step] = {Step.OPEN}
        self._away = False
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 0)
        layout.setSpacing(2)
        for step in Step:
            if step:
                arrow = QLabel("›", self)
                arrow.setAccessibleName("")
                layout.addWidget(arrow)
            button = QToolButton(self)
            button.setCheckable(True)
            button.setAutoRaise(True)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            self._group.addButton(button, int(step))
            self._buttons.append(button)
            layout.addWidget(button)
        layout.addStretch(1)
        self._restyle()
        self._group.idClicked.connect(self._on_clicked)
        self._refresh()

    def _restyle(self) -> None:
        self.setStyleSheet(_STYLE)

    def changeEvent(self, event: QEvent) -> None:
        # palette() in a style sheet is resolved when it is set: set it again after a switch
        # between light and dark.
        if event.type() == QEvent.Type.PaletteChange:
            self._restyle()
        super().changeEvent(event)

    @property
    def current(self) -> Step:
        return self._current

    def button(self, step: Step) -> QToolButton:
        return self._buttons[step]

    def set_state(
        self, current: Step, done: set[Step], reachable: set[Step], *, away: bool = False
    ) -> None:
        """`away`: another view (History) is shown; `current` is the step it returns to."""
        self._current, self._done, self._reachable = current, set(done), set(reachable)
        self._away = away
        self._refresh()

    def _refresh(self) -> None:
        total = len(Step)
        # Away, no step is checked: an exclusive group would keep one, so it lets go meanwhile.
        self._group.setExclusive(not self._away)
        for step, button in zip(Step, self._buttons, strict=True):
            label = step_label(step)
            tick = "✓ " if step in self._done and step != self._current else ""
            button.setText(f"{tick}&{int(step) + 1} {label}")
            shown = step == self._current and not self._away
            font = button.font()
            font.setBold(shown)
            button.setFont(font)
            button.setChecked(shown)
            button.setEnabled(step in self._reachable or step == self._current)
            if shown:
                state = self.tr("current step")
            elif step == self._current:
                state = self.tr("the step you were on")
            elif step in self._done:
                state = self.tr("done")
            elif step in self._reachable:
                state = self.tr("available")
            else:
                state = self.tr("not available yet")
            plain = label.replace("&&", "&")
            button.setAccessibleName(
                self.tr("Step {n} of {total}: {label}").format(
                    n=int(step) + 1, total=total, label=plain
                )
            )
            button.setAccessibleDescription(state)
            button.setToolTip(f"{plain} ({state})")

    @Slot(int)
    def _on_clicked(self, step: int) -> None:
        self._refresh()  # keep the check on the current step until the window moves
        if Step(step) != self._current or self._away:
            self.step_chosen.emit(step)
