"""DecisionsPanel: the core's decisions about a file (guesses first), each with its evidence and,
where one makes sense, the control that overrides it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFrame,
    QGridLayout,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from rowboat.core.decisions import DateOrder, Kind, NameOrder
from rowboat.core.validation.countries import phone_regions

if TYPE_CHECKING:
    from collections.abc import Sequence

    from rowboat.core.decisions import Decision
    from rowboat.core.mapping import FieldSource, Mapping

__all__ = ["DecisionsPanel", "keep_overrides"]

_OVERRIDES = ("date_order", "serial_dates", "decimal_comma", "name_order")


def keep_overrides(before: FieldSource | None, after: FieldSource | None) -> FieldSource | None:
    """`after` (the field editor's new source) with the overrides `before` carried, so changing
    a field's column or case keeps the date order chosen for it."""
    if before is None or after is None:
        return after
    kept = {k: getattr(before, k) for k in _OVERRIDES if getattr(after, k) is None}
    return after.model_copy(update={k: v for k, v in kept.items() if v is not None})


class DecisionsPanel(QFrame):
    """One row per decision: settled or a guess, what was decided, why, and an override.

    The page sets the decisions (`set_decisions`) and, for field decisions, the mapping, so the
    controls show the overrides already chosen. Setting them emits nothing.

    Signals:
        override_requested(object, object): (Decision, the value chosen as Decision.value writes
            it: "DMY", "yes", "last first"; None to let Rowboat decide again).
    """

    override_requested = Signal(object, object)

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAccessibleName(title)
        self._title = QLabel(title, self)
        font = self._title.font()
        font.setBold(True)
        self._title.setFont(font)
        self._rows = QWidget(self)
        self._grid = QGridLayout(self._rows)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setColumnStretch(1, 1)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self._rows)
        scroll.setMaximumHeight(220)
        layout = QVBoxLayout(self)
        layout.addWidget(self._title)
        layout.addWidget(scroll)
        self.decisions: tuple[Decision, ...] = ()
        self.controls: dict[tuple[Kind, str | None], QComboBox | QCheckBox] = {}
        self._shown: dict[object, Decision] = {}
        self.setVisible(False)

    def set_decisions(self, decisions: Sequence[Decision], mapping: Mapping | None = None) -> None:
        """Show these decisions (in their order: the core puts the guesses first)."""
        self.decisions = tuple(decisions)
        while self._grid.count():
            item = self._grid.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.controls.clear()
        self._shown.clear()
        for row, decision in enumerate(self.decisions):
            self._add(row, decision, mapping)
        self.setVisible(bool(self.decisions))

    def _add(self, row: int, d: Decision, mapping: Mapping | None) -> None:
        tr = self.tr
        mark = QLabel(tr("Settled") if d.settled else tr("Guess"), self._rows)
        mark.setAccessibleName(tr("settled") if d.settled else tr("a guess"))
        if not d.settled:
            font = mark.font()
            font.setBold(True)
            mark.setFont(font)
        text = QLabel(f"{d.what}: {d.decision}\n{d.evidence}", self._rows)
        text.setWordWrap(True)
        text.setTextFormat(Qt.TextFormat.PlainText)
        text.setToolTip(tr("Change with: {override}").format(override=d.override))
        self._grid.addWidget(mark, row, 0, Qt.AlignmentFlag.AlignTop)
        self._grid.addWidget(text, row, 1)
        control = self._control(d, mapping)
        if control is not None:
            control.setAccessibleName(f"{d.what}")
            control.setAccessibleDescription(d.evidence)
            self.controls[(d.kind, d.subject)] = control
            self._shown[control] = d
            self._grid.addWidget(control, row, 2, Qt.AlignmentFlag.AlignTop)

    def _control(self, d: Decision, mapping: Mapping | None) -> QComboBox | QCheckBox | None:
        tr = self.tr
        source = mapping.for_field(d.subject) if mapping and d.subject else None
        if d.kind is Kind.DATE_ORDER and d.value in {o.value for o in DateOrder}:
            chosen = source.date_order.value if source and source.date_order else None
            return self._combo(
                [
                    (tr("Decide for me"), None),
                    (tr("Day first"), "DMY"),
                    (tr("Month first"), "MDY"),
                    (tr("Year first"), "YMD"),
                ],
                chosen,
            )
        if d.kind is Kind.NAME_SPLIT:
            chosen = source.name_order.value if source and source.name_order else None
            return self._combo(
                [
                    (tr("First name first"), NameOrder.FIRST_LAST.value),
                    (tr("Last name first"), NameOrder.LAST_FIRST.value),
                ],
                chosen or NameOrder.FIRST_LAST.value,
            )
        if d.kind is Kind.DECIMAL_COMMA:
            chosen = None
            if source is not None and source.decimal_comma is not None:
                chosen = "yes" if source.decimal_comma else "no"
            return self._combo(
                [
                    (tr("Decide for me"), None),
                    (tr("Decimal comma"), "yes"),
                    (tr("Decimal dot"), "no"),
                ],
                chosen,
            )
        if d.kind is Kind.REGION:
            regions: list[tuple[str, str | None]] = [
                (f"{code} (+{calling})", code) for code, calling in phone_regions()
            ]
            return self._combo(regions, d.value)
        checks = {
            Kind.SERIAL_DATES: (tr("Read Excel date numbers as dates"), d.value == "yes"),
            Kind.HIDDEN_ROWS: (tr("Leave out hidden rows"), d.settled),
            Kind.TOTALS_ROW: (tr("Leave out the totals row"), d.settled),
        }
        if d.kind in checks:
            label, ticked = checks[d.kind]
            box = QCheckBox(label, self._rows)
            box.setChecked(ticked)
            box.toggled.connect(self._on_toggled)
            return box
        return None  # the Open step's own controls (sheet, header, encoding) or nothing to change

    def _combo(self, items: list[tuple[str, str | None]], chosen: str | None) -> QComboBox:
        combo = QComboBox(self._rows)
        for text, value in items:
            combo.addItem(text, value)
        combo.setCurrentIndex(max(combo.findData(chosen), 0) if chosen else 0)
        combo.activated.connect(self._on_chosen)
        return combo

    @Slot(int)
    def _on_chosen(self, index: int) -> None:
        combo = self.sender()
        if isinstance(combo, QComboBox) and combo in self._shown:
            data = combo.itemData(index)
            self.override_requested.emit(self._shown[combo], None if data is None else str(data))

    @Slot(bool)
    def _on_toggled(self, checked: bool) -> None:
        box = self.sender()
        if isinstance(box, QCheckBox) and box in self._shown:
            self.override_requested.emit(self._shown[box], "yes" if checked else "no")
