"""TargetPage: step 2, where the rows go: an endpoint card, a connection and, where the endpoint
imports into one event, that event."""

from __future__ import annotations

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

from rowboat.core.targets import list_endpoints
from rowboat.core.targets.events import event_choice
from rowboat.gui.models.endpoint_model import EndpointModel
from rowboat.gui.session import SANDBOX
from rowboat.gui.widgets.endpoint_cards import EndpointCards

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from rowboat.core.targets import Endpoint
    from rowboat.gui.session import ImportSession
    from rowboat.gui.view_state import ViewState

__all__ = ["TargetPage"]


class TargetPage(QWidget):
    """Pick the system and endpoint (cards), the connection, and the event where one is needed.

    Connections are fed per system with set_connections() (only the built-in Sandbox exists until
    the connections core lands); events with set_events() (filled from the server later).

    Signals:
        accepted(): the user pressed Enter or double-clicked a card: go on to the next step.
    """

    accepted = Signal()

    def __init__(
        self, session: ImportSession, view_state: ViewState, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._session, self._view_state = session, view_state
        self._connections: dict[str, list[str]] = {}
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
        self.test_connection.setEnabled(False)
        why = self.tr("Testing a connection arrives with the Connections dialog.")
        self.test_connection.setToolTip(why)
        self.test_connection.setAccessibleName(self.tr("Test connection"))
        self.test_connection.setAccessibleDescription(why)
        self.connection_note = QLabel(self)
        self.connection_note.setWordWrap(True)

        self.event_combo = QComboBox(self)
        self.event_combo.setEditable(True)
        self.event_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.event_combo.setMinimumContentsLength(24)
        self.event_combo.setAccessibleName(self.tr("Event"))
        event_edit = self.event_combo.lineEdit()
        assert event_edit is not None  # an editable combo box always has its line edit
        event_edit.setPlaceholderText(self.tr("Type the event's name or key"))
        self.event_combo.editTextChanged.connect(self._on_event)
        self.event_label = QLabel(self)
        self.event_label.setBuddy(self.event_combo)
        self.event_help = QLabel(self)
        self.event_help.setWordWrap(True)

        grid = QGridLayout()
        grid.addWidget(connection_label, 0, 0)
        row = QHBoxLayout()
        row.addWidget(self.connection)
        row.addWidget(self.test_connection)
        row.addStretch(1)
        grid.addLayout(row, 0, 1)
        grid.addWidget(self.connection_note, 1, 1)
        grid.addWidget(self.event_label, 2, 0)
        event_row = QHBoxLayout()
        event_row.addWidget(self.event_combo, 2)
        event_row.addStretch(3)
        grid.addLayout(event_row, 2, 1)
        grid.addWidget(self.event_help, 3, 1)
        grid.setColumnStretch(1, 1)

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(intro)
        layout.addWidget(self.cards, 1)
        layout.addLayout(grid)
        self.set_connections({})
        self._restore()

    # what others feed in ------------------------------------------------------------------

    def set_connections(self, names_by_system: Mapping[str, Sequence[str]]) -> None:
        """The saved connection names of each system (by Endpoint.system); Sandbox is always
        offered first, for every system."""
        self._connections = {system: list(names) for system, names in names_by_system.items()}
        self._fill_connections()

    def set_events(self, names: Sequence[str]) -> None:
        """The events the chosen endpoint's server offers (the field stays editable)."""
        text = self.event_combo.currentText()
        self.event_combo.blockSignals(True)
        self.event_combo.clear()
        self.event_combo.addItems(list(names))
        self.event_combo.setEditText(text)
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

    @Slot(str)
    def _on_event(self, text: str) -> None:
        self._session.set_event_key(text.strip())

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
        choice = event_choice(endpoint) if endpoint is not None else None
        for widget in (self.event_label, self.event_combo, self.event_help):
            widget.setVisible(choice is not None)
        if choice is None:
            return
        self.event_label.setText(self.tr("{label}:").format(label=choice.label))
        self.event_combo.setAccessibleName(choice.label)
        self.event_combo.setAccessibleDescription(choice.help)
        needed = self.tr("Needed to submit.") if choice.required else self.tr("Optional.")
        self.event_help.setText(f"{choice.help} {needed}")
        self.event_combo.setEditText(self._session.event_key)
