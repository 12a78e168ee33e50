"""ConnectionForm: add or edit one connection — system, name, address and each setting with its
help, secrets in password fields — saved through the ConnectionStore (secrets to the keychain),
in a worker. Where the computer has no keychain it says so, and nothing is stored."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
)

from rowboat.core.connections.model import SYSTEMS
from rowboat.gui.widgets.message_banner import MessageBanner
from rowboat.gui.workers import Workers

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from rowboat.core.connections.model import Connection, SystemSpec
    from rowboat.core.errors import RowboatError
    from rowboat.core.progress import Reporter
    from rowboat.gui.connection_access import ConnectionAccess

__all__ = ["ConnectionForm"]


def _save(
    access: ConnectionAccess,
    old: Connection | None,
    system: str,
    name: str,
    url: str,
    settings: dict[str, str],
    secrets: dict[str, str],
    report: Reporter,
) -> Connection:
    store = access.store()
    if old is None:
        return store.add(name, system, url, settings, secrets)
    return store.update(old.name, base_url=url, settings=settings, secrets=secrets)


class ConnectionForm(QDialog):
    """The form for a new connection (`old` None) or for changing a saved one."""

    def __init__(
        self,
        access: ConnectionAccess,
        parent: QWidget | None = None,
        *,
        old: Connection | None = None,
        system: str | None = None,
    ) -> None:
        super().__init__(parent)
        tr = self.tr
        self._access, self._old = access, old
        self._workers = Workers(self)
        self.saved: Connection | None = None
        self.setWindowTitle(tr("Change a connection") if old else tr("Add a connection"))
        self.setAccessibleName(self.windowTitle())
        self.setAccessibleDescription(
            tr("Settings go to Rowboat's settings file; secrets only to this computer's keychain")
        )
        self.system = QComboBox(self)
        for spec in SYSTEMS.values():
            self.system.addItem(spec.label, spec.key)
        chosen = old.system if old is not None else system
        if chosen is not None:
            self.system.setCurrentIndex(max(0, self.system.findData(chosen)))
        self.system.setEnabled(old is None)
        self.system.setAccessibleName(tr("System"))
        self.system.setAccessibleDescription(tr("The system this connection is for"))
        self.name = QLineEdit(self)
        self.name.setAccessibleName(tr("Name"))
        self.name.setAccessibleDescription(
            tr("A short name you recognise, such as Acme production")
        )
        self.name.setPlaceholderText(tr("such as Acme production"))
        if old is not None:
            self.name.setText(old.name)
            self.name.setEnabled(False)
        self.url = QLineEdit(self)
        self.url.setAccessibleName(tr("Address"))
        self.url_label = QLabel(self)
        self.url_label.setBuddy(self.url)
        self.url_help = self._help_label()
        head = QFormLayout()
        self.form = head
        system_label = QLabel(tr("&System:"), self)
        system_label.setBuddy(self.system)
        name_label = QLabel(tr("&Name:"), self)
        name_label.setBuddy(self.name)
        head.addRow(system_label, self.system)
        head.addRow(name_label, self.name)
        head.addRow(self.url_label, self.url)
        head.addRow("", self.url_help)
        self._fixed_rows = head.rowCount()  # the settings of the chosen system follow these
        self.fields: dict[str, QLineEdit] = {}
        self.keychain_note = QLabel(
            tr("Secrets (shown as dots) are kept only in this computer's keychain."), self
        )
        self.keychain_note.setWordWrap(True)
        self.banner = MessageBanner(self)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        for which, description in (
            (QDialogButtonBox.StandardButton.Save, tr("Checks and saves the connection")),
            (QDialogButtonBox.StandardButton.Cancel, tr("Closes the form; nothing is saved")),
        ):
            button = self.buttons.button(which)
            button.setAccessibleName(button.text().replace("&", ""))
            button.setAccessibleDescription(description)
        self.buttons.accepted.connect(self._on_save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(head)
        layout.addWidget(self.keychain_note)
        layout.addWidget(self.banner)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.system.currentIndexChanged.connect(self._on_system)
        self._on_system()
        if old is not None:
            self.url.setText(old.base_url)
            for key, value in old.settings.items():
                if key in self.fields:
                    self.fields[key].setText(value)
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("M") * 52)
        self._fit_help()

    @property
    def spec(self) -> SystemSpec:
        return SYSTEMS[str(self.system.currentData())]

    def _help_label(self) -> QLabel:
        label = QLabel(self)
        label.setWordWrap(True)
        font = label.font()
        font.setPointSizeF(font.pointSizeF() * 0.92)
        label.setFont(font)
        return label

    @Slot()
    def _on_system(self) -> None:
        spec = self.spec
        self.url_label.setText(self.tr("&{label}:").format(label=spec.url_label))
        self.url.setPlaceholderText(spec.url_example)
        self.url.setAccessibleDescription(spec.url_help)
        self.url_help.setText(spec.url_help)
        form = self.form
        while form.rowCount() > self._fixed_rows:
            form.removeRow(form.rowCount() - 1)  # the previous system's settings
        self.fields = {}
        for setting in spec.settings:
            edit = QLineEdit(self)
            optional = "" if setting.required else self.tr(" (optional)")
            label = QLabel(f"{setting.label}{optional}:", self)
            label.setBuddy(edit)
            edit.setAccessibleName(setting.label)
            edit.setAccessibleDescription(setting.help or setting.label)
            if setting.secret:
                edit.setEchoMode(QLineEdit.EchoMode.Password)
                edit.setInputMethodHints(Qt.InputMethodHint.ImhSensitiveData)
                if self._old is not None:
                    edit.setPlaceholderText(self.tr("leave empty to keep the saved one"))
            elif setting.default:
                edit.setPlaceholderText(setting.default)
            help_text = self._help_label()
            help_text.setText(setting.help)
            form.addRow(label, edit)
            if setting.help:
                form.addRow("", help_text)
            self.fields[setting.key] = edit
        self.banner.clear()
        self._fit_help()

    def _fit_help(self) -> None:
        """Give each wrapped help text the height it needs at the field column's width: a form
        layout does not ask wrapped labels for their height, and would cut them off."""
        form = self.form
        widest = 0
        for row in range(form.rowCount()):
            item = form.itemAt(row, QFormLayout.ItemRole.LabelRole)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widest = max(widest, widget.sizeHint().width())
        layout = self.layout()
        margins = layout.contentsMargins() if layout is not None else None
        sides = margins.left() + margins.right() if margins is not None else 0
        width = max(self.minimumWidth(), self.width()) - widest - sides - form.horizontalSpacing()
        for row in range(form.rowCount()):
            item = form.itemAt(row, QFormLayout.ItemRole.FieldRole)
            label = item.widget() if item is not None else None
            if isinstance(label, QLabel) and label.wordWrap():
                label.setMinimumHeight(label.heightForWidth(max(width, 100)))
        self.adjustSize()

    def values(self) -> tuple[dict[str, str], dict[str, str]]:
        """The plain settings and the secrets typed (empty secrets left out)."""
        settings: dict[str, str] = {}
        secrets: dict[str, str] = {}
        for setting in self.spec.settings:
            text = self.fields[setting.key].text()
            if setting.secret:
                if text:
                    secrets[setting.key] = text
            elif text.strip():
                settings[setting.key] = text.strip()
        return settings, secrets

    @Slot()
    def _on_save(self) -> None:
        settings, secrets = self.values()
        self.buttons.setEnabled(False)
        self.banner.clear()
        self._workers.start(
            partial(
                _save,
                self._access,
                self._old,
                str(self.system.currentData()),
                self.name.text(),
                self.url.text().strip(),
                settings,
                secrets,
            ),
            "saving the connection",
            finished=self._on_saved,
            failed=self._on_failed,
        )

    @Slot(object)
    def _on_saved(self, connection: object) -> None:
        self._forget_secrets()
        self.saved = connection  # type: ignore[assignment]
        self.accept()

    @Slot(object)
    def _on_failed(self, error: object) -> None:
        failure: RowboatError = error  # type: ignore[assignment]
        self.buttons.setEnabled(True)
        self.banner.show_error(failure)

    def _forget_secrets(self) -> None:
        for setting in self.spec.settings:
            if setting.secret:
                self.fields[setting.key].clear()

    def reject(self) -> None:
        self._forget_secrets()
        super().reject()
