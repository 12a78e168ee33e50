"""ImportOptions: how the rows are imported, where the endpoint lets the person choose — the mode
and the match field (from core.submit.choices), a dry run where the target offers one, and a
plain sentence where it does not."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QFormLayout, QLabel, QWidget

from rowboat.core.submit.choices import import_choices
from rowboat.core.submit.model import SubmitOptions

if TYPE_CHECKING:
    from rowboat.core.submit.choices import ImportChoices
    from rowboat.core.targets import Endpoint

__all__ = ["ImportOptions"]


class ImportOptions(QWidget):
    """The choices of one endpoint; `options(event)` is what the plan is made with.

    Signals:
        changed(): the person changed an option.
    """

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        tr = self.tr
        self._choices: ImportChoices | None = None
        self.mode = QComboBox(self)
        self.mode.setAccessibleName(tr("Mode"))
        self.mode.setAccessibleDescription(tr("What happens to records the target already has"))
        self.match_field = QComboBox(self)
        self.match_field.setAccessibleName(tr("Match by"))
        self.match_field.setAccessibleDescription(
            tr("The field the target finds its existing records by")
        )
        self.dry_run = QCheckBox(self)
        self.dry_run.setAccessibleName(tr("Dry run"))
        self.dry_run.setAccessibleDescription(
            tr("The target checks every row and keeps none of them")
        )
        self.no_dry_run = QLabel(self)
        self.no_dry_run.setWordWrap(True)
        self.mode_label = QLabel(tr("M&ode:"), self)
        self.mode_label.setBuddy(self.mode)
        self.match_label = QLabel(tr("&Match by:"), self)
        self.match_label.setBuddy(self.match_field)
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        form.addRow(self.mode_label, self.mode)
        form.addRow(self.match_label, self.match_field)
        form.addRow(self.dry_run)
        form.addRow(self.no_dry_run)
        for combo in (self.mode, self.match_field):
            combo.currentIndexChanged.connect(self.changed)
        self.dry_run.toggled.connect(self.changed)
        self.set_endpoint(None)

    def options(self, event: str) -> SubmitOptions:
        """The options chosen, with the import's event ("" for none)."""
        return SubmitOptions(
            mode=self.mode.currentData() if self.mode.count() else None,
            match_field=self.match_field.currentData() if self.match_field.count() else None,
            event=event or None,
            dry_run=self.dry_run.isChecked() and self.dry_run.isVisibleTo(self),
        )

    def set_endpoint(self, endpoint: Endpoint | None) -> None:
        """Offer the choices of `endpoint` (kept as they are while it offers the same)."""
        choices = import_choices(endpoint) if endpoint is not None else None
        if choices == self._choices and endpoint is not None:
            return
        self._choices = choices
        translate = QCoreApplication.translate
        for combo, items in (
            (self.mode, choices.modes if choices else ()),
            (self.match_field, choices.match_fields if choices else ()),
        ):
            combo.blockSignals(True)
            combo.clear()
            for item in items:
                combo.addItem(translate("ImportChoices", item.label), item.key)
            combo.blockSignals(False)
        has_modes = bool(choices and choices.modes)
        for widget in (self.mode_label, self.mode, self.match_label, self.match_field):
            widget.setVisible(has_modes)
        offers = bool(choices and choices.dry_run)
        system = choices.system_label if choices else ""
        self.dry_run.blockSignals(True)
        self.dry_run.setChecked(False)
        self.dry_run.blockSignals(False)
        self.dry_run.setVisible(offers)
        self.dry_run.setText(
            self.tr("&Dry run: {system} checks every row and keeps none").format(system=system)
        )
        self.no_dry_run.setVisible(not offers and choices is not None)
        self.no_dry_run.setText(
            self.tr(
                "{system} offers no dry run: what is sent is imported. The Review step showed "
                "what Rowboat's own checks found."
            ).format(system=system)
        )
