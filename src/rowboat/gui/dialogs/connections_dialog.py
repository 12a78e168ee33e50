"""ConnectionsDialog: the connections of each system (the built-in Sandbox marked built in), with
Add, Edit, Test, Remove and Reset sandbox. Tests, removals and resets run in workers; no secret is
ever shown or logged here."""

from __future__ import annotations

import itertools
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from rowboat.core.connections.check import check_connection
from rowboat.core.connections.model import SANDBOX_NAME, SYSTEMS
from rowboat.core.errors import RowboatError
from rowboat.gui.dialogs import questions
from rowboat.gui.dialogs.connection_form import ConnectionForm
from rowboat.gui.widgets.message_banner import Kind, MessageBanner
from rowboat.gui.workers import Workers

if TYPE_CHECKING:
    from rowboat.core.connections.check import ConnectionCheck
    from rowboat.core.connections.model import Connection
    from rowboat.core.progress import Reporter
    from rowboat.gui.connection_access import ConnectionAccess
    from rowboat.gui.submission import SubmissionRunner

__all__ = ["ConnectionsDialog"]

_NAME, _SYSTEM = int(Qt.ItemDataRole.UserRole), int(Qt.ItemDataRole.UserRole) + 1


def _test(access: ConnectionAccess, name: str, system: str, report: Reporter) -> ConnectionCheck:
    connection, secrets = access.resolve(name, system)
    return check_connection(connection, secrets, None, report)


def _remove(access: ConnectionAccess, name: str, report: Reporter) -> str:
    return access.store().remove(name).name


def _reset(access: ConnectionAccess, report: Reporter) -> None:
    access.sandbox.reset()


class ConnectionsDialog(QDialog):
    """Where connections are added, tested, changed and removed.

    Signals:
        changed(): a connection was added, changed or removed (lists elsewhere read them again).
    """

    changed = Signal()

    def __init__(
        self,
        access: ConnectionAccess,
        runner: SubmissionRunner | None = None,
        parent: QWidget | None = None,
        *,
        system: str | None = None,
    ) -> None:
        super().__init__(parent)
        tr = self.tr
        self._access, self._runner = access, runner
        self._workers = Workers(self)
        self._testing = ""
        self.form: ConnectionForm | None = None
        self.setWindowTitle(tr("Connections"))
        self.setAccessibleName(tr("Connections"))
        self.setAccessibleDescription(tr("The accounts Rowboat sends rows with, per system"))
        intro = QLabel(
            tr(
                "A connection says where a system lives and how Rowboat logs in. Settings are "
                "saved in Rowboat's settings file; secrets only in this computer's keychain. The "
                "built-in Sandbox needs no account."
            ),
            self,
        )
        intro.setWordWrap(True)
        self.tree = QTreeWidget(self)
        self.tree.setColumnCount(2)
        self.tree.setHeaderLabels([tr("Connection"), tr("Address")])
        self.tree.setAccessibleName(tr("Connections by system"))
        self.tree.setAccessibleDescription(
            tr("Each system with its connections; the Sandbox is built in")
        )
        self.tree.setRootIsDecorated(False)
        self.tree.setItemsExpandable(False)
        self.tree.currentItemChanged.connect(self._on_current)
        self.tree.itemActivated.connect(self._on_activated)
        title = QLabel(tr("&Connections:"), self)
        title.setBuddy(self.tree)
        self.add = self._button(tr("&Add…"), tr("Adds a connection for the chosen system"))
        self.edit = self._button(tr("&Edit…"), tr("Changes the chosen connection's settings"))
        self.test = self._button(tr("&Test"), tr("Logs in and reads something harmless"))
        self.remove = self._button(
            tr("&Remove…"), tr("Forgets the chosen connection and its secrets")
        )
        self.reset = self._button(
            tr("Reset &sandbox…"), tr("Deletes everything imported into the built-in Sandbox")
        )
        self.close_button = self._button(tr("C&lose"), tr("Closes this window"))
        self.add.clicked.connect(self._on_add)
        self.edit.clicked.connect(self._on_edit)
        self.test.clicked.connect(self._on_test)
        self.remove.clicked.connect(self._on_remove)
        self.reset.clicked.connect(self._on_reset)
        self.close_button.clicked.connect(self.accept)
        self.banner = MessageBanner(self)
        side = QVBoxLayout()
        for button in (self.add, self.edit, self.test, self.remove):
            side.addWidget(button)
        side.addStretch(1)
        side.addWidget(self.reset)
        row = QHBoxLayout()
        row.addWidget(self.tree, 1)
        row.addLayout(side)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(title)
        layout.addLayout(row, 1)
        layout.addWidget(self.banner)
        layout.addLayout(bottom)
        order = [self.tree, self.add, self.edit, self.test, self.remove, self.reset]
        for first, second in itertools.pairwise([*order, self.close_button]):
            QWidget.setTabOrder(first, second)
        em = self.fontMetrics().horizontalAdvance("M")
        self.resize(em * 64, em * 42)
        self.tree.header().resizeSection(0, em * 18)
        self.reload(system)

    def _button(self, text: str, description: str) -> QPushButton:
        button = QPushButton(text, self)
        button.setAutoDefault(False)
        button.setAccessibleName(text.replace("&", "").rstrip("…"))
        button.setAccessibleDescription(description)
        button.setToolTip(description)
        return button

    # -- the list -------------------------------------------------------------------------------

    def reload(self, select_system: str | None = None, select_name: str | None = None) -> None:
        """List the connections again (a small local file); keep or make the given choice."""
        current = self.chosen()
        system, name = select_system, select_name
        if system is None and current is not None:
            system, name = current
        try:
            saved = self._access.saved()
        except RowboatError as exc:
            saved = []
            self.banner.show_error(exc)
        self.tree.clear()
        chosen: QTreeWidgetItem | None = None
        for spec in SYSTEMS.values():
            group = QTreeWidgetItem(self.tree, [spec.label, ""])
            font = group.font(0)
            font.setBold(True)
            group.setFont(0, font)
            group.setFlags(Qt.ItemFlag.ItemIsEnabled)
            group.setData(0, _SYSTEM, spec.key)
            rows: list[tuple[str, str, Connection | None]] = [
                (SANDBOX_NAME, self.tr("on this computer; no account needed"), None)
            ]
            rows += [(c.name, c.base_url, c) for c in saved if c.system == spec.key]
            for label, address, connection in rows:
                text = label if connection else self.tr("{name} (built in)").format(name=label)
                item = QTreeWidgetItem(group, [text, address])
                item.setData(0, _NAME, label)
                item.setData(0, _SYSTEM, spec.key)
                item.setToolTip(1, address)
                if spec.key == system and (name is None or label == name) and chosen is None:
                    chosen = item
        self.tree.expandAll()
        first = self.tree.topLevelItem(0)
        if chosen is None and first is not None:
            chosen = first.child(0)
        if chosen is not None:
            self.tree.setCurrentItem(chosen)
        self._enable()

    def chosen(self) -> tuple[str, str | None] | None:
        """(system, connection name) of the current line; the name is None on a system line."""
        item = self.tree.currentItem()
        if item is None:
            return None
        name = item.data(0, _NAME)
        return str(item.data(0, _SYSTEM)), (str(name) if name else None)

    def select(self, system: str, name: str) -> None:
        self.reload(system, name)

    @Slot(QTreeWidgetItem, QTreeWidgetItem)
    def _on_current(self, current: QTreeWidgetItem | None, previous: object) -> None:
        self._enable()

    @Slot(QTreeWidgetItem, int)
    def _on_activated(self, item: QTreeWidgetItem, column: int) -> None:
        if item.data(0, _NAME):
            self._on_test()

    def _enable(self) -> None:
        chosen = self.chosen()
        name = chosen[1] if chosen else None
        own = name is not None and name != SANDBOX_NAME
        busy = bool(self._testing)
        self.edit.setEnabled(own and not busy)
        self.remove.setEnabled(own and not busy)
        self.test.setEnabled(name is not None and not busy)
        resettable = self._access.sandbox.resettable
        self.reset.setEnabled(resettable and not busy)
        self.reset.setToolTip(
            self.tr("Deletes everything imported into the built-in Sandbox")
            if resettable
            else self.tr("This Sandbox runs outside this window; restart it to empty it")
        )

    # -- actions --------------------------------------------------------------------------------

    @Slot()
    def _on_add(self) -> None:
        chosen = self.chosen()
        self._open_form(None, chosen[0] if chosen else None)

    @Slot()
    def _on_edit(self) -> None:
        chosen = self.chosen()
        if chosen is None or chosen[1] is None:
            return
        old = next((c for c in self._access.saved() if c.name == chosen[1]), None)
        if old is not None:
            self._open_form(old, old.system)

    def _open_form(self, old: Connection | None, system: str | None) -> None:
        self.form = ConnectionForm(self._access, self, old=old, system=system)
        self.form.accepted.connect(self._on_form_saved)
        self.form.open()

    @Slot()
    def _on_form_saved(self) -> None:
        form = self.form
        saved = form.saved if form is not None else None
        if saved is None:
            return
        self.reload(saved.system, saved.name)
        self.banner.show_message(
            Kind.INFO,
            self.tr("Saved the {system} connection '{name}'.").format(
                system=saved.spec.label, name=saved.name
            ),
            self.tr("Test it to see that it works."),
        )
        self.changed.emit()

    @Slot()
    def _on_test(self) -> None:
        chosen = self.chosen()
        if chosen is None or chosen[1] is None or self._testing:
            return
        system, name = chosen[0], chosen[1]
        self._testing = name
        self._enable()
        self.banner.show_message(
            Kind.INFO,
            self.tr("Testing '{name}' with {system}…").format(
                name=name, system=SYSTEMS[system].label
            ),
        )
        self._workers.start(
            partial(_test, self._access, name, system),
            "testing the connection",
            finished=self._on_tested,
            failed=self._on_failed,
        )

    @Slot(object)
    def _on_tested(self, check: object) -> None:
        result: ConnectionCheck = check  # type: ignore[assignment]
        self._testing = ""
        self._enable()
        kind = Kind.INFO if result.ok else Kind.ERROR
        self.banner.show_message(kind, result.message, result.hint, result.detail)

    @Slot(object)
    def _on_failed(self, error: object) -> None:
        self._testing = ""
        self._enable()
        self.banner.show_error(error)  # type: ignore[arg-type]

    @Slot()
    def _on_remove(self) -> None:
        chosen = self.chosen()
        if chosen is None or chosen[1] is None or chosen[1] == SANDBOX_NAME:
            return
        name = chosen[1]
        if not questions.ask(
            self,
            self.tr("Remove a connection"),
            self.tr("Remove the connection '{name}' and its secrets?").format(name=name),
            self.tr("&Remove"),
            self.tr("&Keep it"),
            detail=self.tr("Imports sent with it stay in History; resuming them needs it again."),
            warning=True,
            default_yes=False,
        ):
            return
        self._workers.start(
            partial(_remove, self._access, name),
            "removing the connection",
            finished=self._on_removed,
            failed=self._on_failed,
        )

    @Slot(object)
    def _on_removed(self, name: object) -> None:
        chosen = self.chosen()
        self.reload(chosen[0] if chosen else None, SANDBOX_NAME)
        self.banner.show_message(
            Kind.INFO, self.tr("Removed the connection '{name}' and its secrets.").format(name=name)
        )
        self.changed.emit()

    @Slot()
    def _on_reset(self) -> None:
        if self._runner is not None and self._runner.busy:
            self.banner.show_message(
                Kind.WARNING,
                self.tr("An import is being sent, so the Sandbox cannot be reset now."),
                self.tr("Reset it once the import has ended (see History)."),
            )
            return
        if not questions.ask(
            self,
            self.tr("Reset the Sandbox"),
            self.tr("Delete everything imported into the built-in Sandbox?"),
            self.tr("&Reset"),
            self.tr("&Keep it"),
            detail=self.tr(
                "Its contacts, registrants, sessions and imports go; your files and History stay. "
                "Unfinished imports to the Sandbox cannot be resumed afterwards."
            ),
            warning=True,
            default_yes=False,
        ):
            return
        self.reset.setEnabled(False)
        self._workers.start(
            partial(_reset, self._access),
            "resetting the sandbox",
            finished=self._on_was_reset,
            failed=self._on_failed,
        )

    @Slot(object)
    def _on_was_reset(self, _nothing: object) -> None:
        self._enable()
        self.banner.show_message(
            Kind.INFO,
            self.tr("The Sandbox is empty again."),
            self.tr("It starts afresh the next time it is used."),
        )
