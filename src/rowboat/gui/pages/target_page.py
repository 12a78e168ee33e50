"""TargetPage: step 2, where the rows go: an endpoint card, a connection (with Test connection and
Manage connections) and, where the endpoint imports into one event, that event, chosen from the
server's list (read in a worker) or typed.
(Longer than most modules: the cards, the connection and the event share the page's state.)
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelection, QModelIndex, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from rowboat.core.errors import RowboatError
from rowboat.core.targets import list_endpoints
from rowboat.core.targets.events import event_choice
from rowboat.gui.models.endpoint_model import EndpointModel
from rowboat.gui.session import SANDBOX
from rowboat.gui.target_remote import TargetRemote, has_server_fields
from rowboat.gui.widgets.endpoint_cards import EndpointCards
from rowboat.gui.widgets.message_banner import Kind, MessageBanner

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from rowboat.core.connections.check import ConnectionCheck
    from rowboat.core.connections.remote import Choice
    from rowboat.core.targets import Endpoint
    from rowboat.gui.connection_access import ConnectionAccess
    from rowboat.gui.session import ImportSession
    from rowboat.gui.view_state import ViewState
    from rowboat.gui.workers import Workers

__all__ = ["TargetPage"]


class TargetPage(QWidget):
    """Pick the system and endpoint (cards), the connection, and the event where one is needed.

    With `access` and `workers` the page asks the server (TargetRemote): Test connection, the
    events to choose from; without them (tests of the page alone) those controls say why not.
    Connections are fed per system with set_connections() (reload_connections() reads them).

    Signals:
        accepted(): the user pressed Enter or double-clicked a card: go on to the next step.
        manage_connections(): the user asked for the Connections dialog.
    """

    accepted = Signal()
    manage_connections = Signal()

    def __init__(
        self,
        session: ImportSession,
        view_state: ViewState,
        parent: QWidget | None = None,
        *,
        access: ConnectionAccess | None = None,
        workers: Workers | None = None,
    ) -> None:
        super().__init__(parent)
        self._session, self._view_state = session, view_state
        self._access = access
        self.remote = (
            TargetRemote(session, access, workers, self)
            if access is not None and workers is not None
            else None
        )
        self._connections: dict[str, list[str]] = {}
        self._events_for = ""  # "endpoint id\nconnection" the event list was read for
        self.setAccessibleName(self.tr("Choose the target"))
        heading = QLabel(self.tr("Where should the rows go?"), self)
        font = heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        font.setBold(True)
        heading.setFont(font)
        intro = QLabel(
            self.tr(
                "Choose a card with the arrow keys or the mouse. Checking the rows needs no "
                "connection; only submitting does."
            ),
            self,
        )
        intro.setWordWrap(True)
        self.model = EndpointModel(list_endpoints(), self)
        self.cards = EndpointCards(self)
        self.cards.setModel(self.model)
        self.cards.setAccessibleName(self.tr("Target endpoints"))
        self.cards.setAccessibleDescription(
            self.tr("One card per system and endpoint; press Enter to go on to Map")
        )
        heading.setBuddy(self.cards)
        self.cards.selectionModel().selectionChanged.connect(self._on_selection)
        self.cards.activated.connect(self._on_activated)

        self.connection = QComboBox(self)
        self.connection.setAccessibleName(self.tr("Connection"))
        self.connection.setAccessibleDescription(
            self.tr("The saved account the rows are sent with; Sandbox needs no account")
        )
        self.connection.setMinimumContentsLength(18)
        self.connection.currentTextChanged.connect(self._on_connection)
        connection_label = QLabel(self.tr("&Connection:"), self)
        connection_label.setBuddy(self.connection)
        self.test_connection = QPushButton(self.tr("&Test connection"), self)
        self.test_connection.setAccessibleName(self.tr("Test connection"))
        self.test_connection.clicked.connect(self._on_test)
        self.manage = QPushButton(self.tr("&Manage connections…"), self)
        self.manage.setAccessibleName(self.tr("Manage connections"))
        self.manage.setAccessibleDescription(
            self.tr("Add, test, change or remove the accounts Rowboat sends rows with")
        )
        self.manage.setToolTip(self.manage.accessibleDescription())
        self.manage.clicked.connect(self.manage_connections)
        self.manage.setVisible(access is not None)
        self.connection_note = QLabel(self)
        self.connection_note.setWordWrap(True)
        self.test_result = MessageBanner(self, compact=True)
        self.test_result.setAccessibleName(self.tr("Connection test"))

        self.event_combo = QComboBox(self)
        self.event_combo.setEditable(True)
        self.event_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.event_combo.setMinimumContentsLength(24)
        self.event_combo.setAccessibleName(self.tr("Event"))
        self.event_combo.setAccessibleDescription(self.tr("The event the rows go into"))
        event_edit = self.event_combo.lineEdit()
        assert event_edit is not None  # an editable combo box always has its line edit
        event_edit.setPlaceholderText(self.tr("Type the event's name or key"))
        self.event_combo.editTextChanged.connect(self._on_event)
        self.event_label = QLabel(self)
        self.event_label.setBuddy(self.event_combo)
        self.event_combo.activated.connect(self._on_event_chosen)
        self.event_help = QLabel(self)
        self.event_help.setWordWrap(True)
        self.event_status = QLabel(self)
        self.event_status.setWordWrap(True)
        self.event_status.setTextFormat(Qt.TextFormat.RichText)
        self.event_status.setTextInteractionFlags(
            Qt.TextInteractionFlag.LinksAccessibleByMouse
            | Qt.TextInteractionFlag.LinksAccessibleByKeyboard
        )
        self.event_status.setAccessibleName(self.tr("Events"))
        self.event_status.linkActivated.connect(self._on_retry)
        self.fields_note = QLabel(self)
        self.fields_note.setWordWrap(True)
        self.fields_note.setAccessibleName(self.tr("The event's fields"))

        grid = QGridLayout()
        grid.addWidget(connection_label, 0, 0)
        row = QHBoxLayout()
        row.addWidget(self.connection)
        row.addWidget(self.test_connection)
        row.addWidget(self.manage)
        row.addStretch(1)
        grid.addLayout(row, 0, 1)
        grid.addWidget(self.connection_note, 1, 1)
        grid.addWidget(self.test_result, 2, 1)
        grid.addWidget(self.event_label, 3, 0)
        event_row = QHBoxLayout()
        event_row.addWidget(self.event_combo, 2)
        event_row.addStretch(3)
        grid.addLayout(event_row, 3, 1)
        grid.addWidget(self.event_help, 4, 1)
        grid.addWidget(self.event_status, 5, 1)
        grid.addWidget(self.fields_note, 6, 1)
        grid.setColumnStretch(1, 1)

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(intro)
        layout.addWidget(self.cards, 1)
        layout.addLayout(grid)
        if self.remote is not None:
            self.remote.tested.connect(self._on_tested)
            self.remote.test_failed.connect(self._on_test_failed)
            self.remote.events_loaded.connect(self._on_events)
            self.remote.events_failed.connect(self._on_events_failed)
            self.remote.fields_note.connect(self._on_fields_note)
            self.remote.busy_changed.connect(self._enable_test)
        self.set_connections({})
        self.reload_connections()
        self._restore()

    # what others feed in ------------------------------------------------------------------

    def set_connections(self, names_by_system: Mapping[str, Sequence[str]]) -> None:
        """The saved connection names of each system (by Endpoint.system); Sandbox is always
        offered first, for every system."""
        self._connections = {system: list(names) for system, names in names_by_system.items()}
        self._fill_connections()

    def reload_connections(self) -> None:
        """Read the saved connections again (after the Connections dialog changed them)."""
        if self._access is None:
            return
        try:
            saved = self._access.saved()
        except RowboatError as exc:
            self.test_result.show_error(exc)
            return
        names: dict[str, list[str]] = {}
        for c in saved:
            names.setdefault(c.system, []).append(c.name)
        self.set_connections(names)

    def set_events(self, choices: Sequence[Choice]) -> None:
        """The events the chosen endpoint's server offers (the field stays editable: a key may
        be typed). Each shows its name and key; the key is what the import is given."""
        key = self._session.event_key
        self.event_combo.blockSignals(True)
        self.event_combo.clear()
        for choice in choices:
            label = choice.label if choice.label == choice.key else f"{choice.label} ({choice.key})"
            self.event_combo.addItem(label, choice.key)
        found = self.event_combo.findData(key) if key else -1
        if found >= 0:
            self.event_combo.setCurrentIndex(found)
        else:
            self.event_combo.setCurrentIndex(-1)
            self.event_combo.setEditText(key)
        self.event_combo.blockSignals(False)

    def select_endpoint(self, endpoint_id: str) -> bool:
        row = self.model.row_of(endpoint_id)
        if row < 0:
            return False
        self.cards.setCurrentIndex(self.model.index(row, 0))
        return True

    def focus_cards(self) -> None:
        self.cards.setFocus(Qt.FocusReason.OtherFocusReason)
        if not self.cards.currentIndex().isValid() and self.model.rowCount():
            # Focus on a card without choosing it: the arrow keys start from the first.
            self.cards.selectionModel().setCurrentIndex(
                self.model.index(0, 0), self.cards.selectionModel().SelectionFlag.NoUpdate
            )

    # reactions ----------------------------------------------------------------------------

    def _restore(self) -> None:
        last = self._view_state.last_endpoint
        if last:
            self.select_endpoint(last)
        connection = self._view_state.last_connection
        if connection and self.connection.findText(connection) >= 0:
            self.connection.setCurrentText(connection)
        self._show_event(self._session.endpoint)

    @Slot(QItemSelection, QItemSelection)
    def _on_selection(self, selected: QItemSelection, deselected: QItemSelection) -> None:
        rows = self.cards.selectionModel().selectedRows()
        endpoint = self.model.endpoint(rows[0].row()) if rows else None
        self._session.set_endpoint(endpoint)
        if endpoint is not None:
            self._view_state.last_endpoint = endpoint.id
        self.test_result.clear()  # it was about the endpoint chosen before
        self._fill_connections()
        self._show_event(endpoint)

    @Slot(QModelIndex)
    def _on_activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.cards.setCurrentIndex(index)
            self.accepted.emit()

    @Slot(str)
    def _on_connection(self, name: str) -> None:
        if name:
            self._session.set_connection(name)
            self._view_state.last_connection = name
        self._describe_connection()
        self.test_result.clear()
        self._show_event(self._session.endpoint)

    @Slot(str)
    def _on_event(self, text: str) -> None:
        """A typed event: its key, or the key of the listed event it names."""
        text = text.strip()
        found = self.event_combo.findText(text, Qt.MatchFlag.MatchFixedString)
        key = self.event_combo.itemData(found) if found >= 0 else text
        self._session.set_event_key(str(key or ""))

    @Slot(int)
    def _on_event_chosen(self, index: int) -> None:
        key = self.event_combo.itemData(index)
        if key:
            self._session.set_event_key(str(key))

    # -- asking the server ----------------------------------------------------------------------

    @Slot()
    def _enable_test(self) -> None:
        endpoint = self._session.endpoint
        remote = self.remote
        if remote is None:
            why = self.tr("Connections are tested from the window's Target step.")
            enabled = False
        elif endpoint is None:
            why = self.tr("Choose a card first: the test checks the connection may import there.")
            enabled = False
        elif remote.testing:
            why = self.tr("Testing…")
            enabled = False
        else:
            why = self.tr("Logs in to {system} and checks that it may import {what}.").format(
                system=endpoint.system_label, what=endpoint.label.lower()
            )
            enabled = True
        self.test_connection.setEnabled(enabled)
        self.test_connection.setToolTip(why)
        self.test_connection.setAccessibleDescription(why)

    @Slot()
    def _on_test(self) -> None:
        endpoint = self._session.endpoint
        if self.remote is None or endpoint is None or self.remote.testing:
            return
        self.test_result.show_message(
            Kind.INFO,
            self.tr("Testing '{name}' with {system}…").format(
                name=self._session.connection, system=endpoint.system_label
            ),
        )
        self.remote.test(self._session.connection, endpoint)
        self._enable_test()

    @Slot(object)
    def _on_tested(self, check: ConnectionCheck) -> None:
        kind = Kind.INFO if check.ok else Kind.ERROR
        self.test_result.show_message(kind, check.message, check.hint, check.detail)

    @Slot(object)
    def _on_test_failed(self, error: RowboatError) -> None:
        self.test_result.show_error(error)

    def _load_events(self, endpoint: Endpoint, *, again: bool = False) -> None:
        if self.remote is None:
            return
        wanted = f"{endpoint.id}\n{self._session.connection}"
        if wanted == self._events_for and not again:
            return
        if not again:
            self.set_events([])  # the list of another endpoint or connection is no guide
        self._events_for = wanted
        self.event_status.setToolTip("")
        self.event_status.setText(
            self.tr("Reading the events from {system}…").format(system=endpoint.system_label)
        )
        self.remote.load_events(self._session.connection, endpoint)

    @Slot(str, object)
    def _on_events(self, endpoint_id: str, choices: list[Choice]) -> None:
        endpoint = self._session.endpoint
        if endpoint is None or endpoint.id != endpoint_id:
            return
        self.set_events(choices)
        if choices:
            self.event_status.setText(
                self.tr("Choose one of the {n} events from the list, or type its key.").format(
                    n=len(choices)
                )
            )
        else:
            self.event_status.setText(
                self.tr("'{name}' lists no events yet; type the event's key.").format(
                    name=self._session.connection
                )
            )

    @Slot(object)
    def _on_events_failed(self, error: RowboatError) -> None:
        self._events_for = ""
        retry = self.tr("Try again")
        text = self.tr("The events could not be read: {message} You can type the key instead.")
        self.event_status.setText(
            f"{html.escape(text.format(message=error.message))} <a href='retry'>{retry}</a>"
        )
        self.event_status.setToolTip(error.hint)

    @Slot(str)
    def _on_retry(self, _link: str) -> None:
        endpoint = self._session.endpoint
        if endpoint is not None:
            self._load_events(endpoint, again=True)

    @Slot(str)
    def _on_fields_note(self, text: str) -> None:
        self.fields_note.setText(text)

    def _fill_connections(self) -> None:
        endpoint = self._session.endpoint
        names = [SANDBOX]
        if endpoint is not None:
            names += [n for n in self._connections.get(endpoint.system, []) if n != SANDBOX]
        current = self._session.connection
        self.connection.blockSignals(True)
        self.connection.clear()
        self.connection.addItems(names)
        self.connection.setCurrentText(current if current in names else SANDBOX)
        self.connection.blockSignals(False)
        self._session.set_connection(self.connection.currentText())
        self._describe_connection()

    def _describe_connection(self) -> None:
        endpoint = self._session.endpoint
        if self.connection.currentText() == SANDBOX:
            system = endpoint.system_label if endpoint is not None else self.tr("each system")
            text = self.tr(
                "The built-in Sandbox behaves like {system} on this computer and needs no account."
            ).format(system=system)
        else:
            text = self.tr("Rows are sent with the saved connection '{name}'.").format(
                name=self.connection.currentText()
            )
        self.connection_note.setText(text)

    def _show_event(self, endpoint: Endpoint | None) -> None:
        self._enable_test()
        choice = event_choice(endpoint) if endpoint is not None else None
        for widget in (self.event_label, self.event_combo, self.event_help, self.event_status):
            widget.setVisible(choice is not None)
        self.fields_note.setVisible(
            self.remote is not None and endpoint is not None and has_server_fields(endpoint)
        )
        if endpoint is None or not has_server_fields(endpoint):
            self.fields_note.clear()
        if choice is None or endpoint is None:
            return
        self.event_label.setText(self.tr("{label}:").format(label=choice.label))
        self.event_combo.setAccessibleName(choice.label)
        self.event_combo.setAccessibleDescription(choice.help)
        needed = self.tr("Needed to submit.") if choice.required else self.tr("Optional.")
        self.event_help.setText(f"{choice.help} {needed}")
        if self.event_combo.currentData() != self._session.event_key or not self._session.event_key:
            self.event_combo.setEditText(self._session.event_key)
        self._load_events(endpoint)
