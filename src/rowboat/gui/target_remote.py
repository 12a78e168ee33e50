"""TargetRemote: what the Target step asks the target's server, always in workers — Test
connection, the events to choose from, and the fields the server defines (Eloqua: the chosen
event's own; Thalamus: its import template), which become the session's endpoint before the
columns are mapped. Offline, the core falls back to the copy read before, and says when."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from rowboat.core.connections.check import check_connection
from rowboat.core.connections.remote import event_choices, server_schema
from rowboat.core.targets import get_endpoint

if TYPE_CHECKING:
    from rowboat.core.connections.check import ConnectionCheck
    from rowboat.core.connections.remote import Choice
    from rowboat.core.errors import RowboatError
    from rowboat.core.progress import Reporter
    from rowboat.core.targets import Endpoint
    from rowboat.gui.connection_access import ConnectionAccess
    from rowboat.gui.session import ImportSession
    from rowboat.gui.workers import Worker, Workers

__all__ = ["EVENT_FIELDS", "SCHEMA_SETTLE_MS", "TargetRemote", "has_server_fields"]

EVENT_FIELDS = frozenset({"eloqua.event-registrants"})  # endpoints whose event sets the fields
SCHEMA_SETTLE_MS = 400  # a typed event key settles this long before its fields are read

_Key = tuple[str, str, str]  # (endpoint id, connection, event or "")


def has_server_fields(endpoint: Endpoint) -> bool:
    """Whether the server defines the endpoint's fields: Eloqua per event, Thalamus by the
    template of each import type (as `rowboat submit` reads them too)."""
    return endpoint.id in EVENT_FIELDS or endpoint.system == "thalamus"


def _test(
    access: ConnectionAccess, name: str, endpoint: Endpoint, report: Reporter
) -> ConnectionCheck:
    connection, secrets = access.resolve(name, endpoint.system)
    return check_connection(connection, secrets, endpoint, report)


def _events(
    access: ConnectionAccess, name: str, endpoint: Endpoint, report: Reporter
) -> tuple[str, str, list[Choice]]:
    connection, secrets = access.resolve(name, endpoint.system)
    return endpoint.id, name, event_choices(endpoint, connection, secrets, report)


def _fields(access: ConnectionAccess, key: _Key, report: Reporter) -> tuple[_Key, Endpoint]:
    endpoint_id, name, event = key
    base = get_endpoint(endpoint_id)
    connection, secrets = access.resolve(name, base.system)
    return key, server_schema(base, connection, secrets, event or None, report)


class TargetRemote(QObject):
    """Asks the server for the Target step; one question of each kind at a time (a newer one
    replaces the older, whose late answer is ignored).

    Signals:
        tested(ConnectionCheck) / test_failed(RowboatError): Test connection's answer.
        events_loaded(str endpoint_id, list[Choice]) / events_failed(RowboatError).
        fields_note(str): a sentence about the event's fields (read now, or an offline copy).
        busy_changed(): a question started or ended.
    """

    tested = Signal(object)
    test_failed = Signal(object)
    events_loaded = Signal(str, object)
    events_failed = Signal(object)
    fields_note = Signal(str)
    busy_changed = Signal()

    def __init__(
        self,
        session: ImportSession,
        access: ConnectionAccess,
        workers: Workers,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._session, self._access, self._workers = session, access, workers
        self._test: Worker | None = None
        self._events: Worker | None = None
        self._fields: Worker | None = None
        self._known: dict[_Key, Endpoint] = {}  # the fields read for each key
        self._note = ""
        self._fetching: _Key | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SCHEMA_SETTLE_MS)
        self._timer.timeout.connect(self._fetch_fields)
        session.target_changed.connect(self._timer.start)
        session.table_changed.connect(self._timer.start)

    @property
    def testing(self) -> bool:
        return self._test is not None

    @property
    def loading_events(self) -> bool:
        return self._events is not None

    @property
    def reading_fields(self) -> bool:
        return self._fields is not None or self._timer.isActive()

    # -- Test connection ------------------------------------------------------------------------

    def test(self, connection: str, endpoint: Endpoint) -> None:
        self._test = self._workers.start(
            partial(_test, self._access, connection, endpoint),
            "testing the connection",
            finished=self._on_tested,
            failed=self._on_test_failed,
        )
        self._test.signals.ended.connect(self._on_test_ended)
        self.busy_changed.emit()

    @Slot(object)
    def _on_tested(self, check: object) -> None:
        if self._test is not None and self.sender() is self._test.signals:
            self.tested.emit(check)

    @Slot(object)
    def _on_test_failed(self, error: object) -> None:
        if self._test is not None and self.sender() is self._test.signals:
            self.test_failed.emit(error)

    @Slot()
    def _on_test_ended(self) -> None:
        if self._test is not None and self.sender() is self._test.signals:
            self._test = None
            self.busy_changed.emit()

    # -- the events -----------------------------------------------------------------------------

    def load_events(self, connection: str, endpoint: Endpoint) -> None:
        if self._events is not None:
            self._events.cancel()
        self._events = self._workers.start(
            partial(_events, self._access, connection, endpoint),
            "reading the events",
            finished=self._on_events,
            failed=self._on_events_failed,
        )
        self._events.signals.ended.connect(self._on_events_ended)
        self.busy_changed.emit()

    def _is_events(self) -> bool:
        return self._events is not None and self.sender() is self._events.signals

    @Slot(object)
    def _on_events(self, answer: object) -> None:
        if self._is_events():
            endpoint_id, _name, choices = cast("tuple[str, str, list[Choice]]", answer)
            self.events_loaded.emit(endpoint_id, choices)

    @Slot(object)
    def _on_events_failed(self, error: object) -> None:
        if self._is_events():
            self.events_failed.emit(error)

    @Slot()
    def _on_events_ended(self) -> None:
        if self._is_events():
            self._events = None
            self.busy_changed.emit()

    # -- the event's fields ---------------------------------------------------------------------

    def _wanted(self) -> _Key | None:
        """(endpoint id, connection, event) whose fields the session's endpoint should have."""
        s = self._session
        endpoint = s.endpoint
        if endpoint is None or s.table is None or not has_server_fields(endpoint):
            return None
        if endpoint.id in EVENT_FIELDS:
            return (endpoint.id, s.connection, s.event_key) if s.event_key else None
        return endpoint.id, s.connection, ""

    @Slot()
    def _fetch_fields(self) -> None:
        wanted, endpoint = self._wanted(), self._session.endpoint
        if wanted is None or endpoint is None:
            return
        known = self._known.get(wanted)
        if known is not None:
            if endpoint != known:
                self._session.set_endpoint(known)
            return
        if self._fields is not None and self._fetching == wanted:
            return  # already being read
        if endpoint.schema_origin == "server":
            # Another event's fields are no guide to this one's: its usual fields until they come.
            self._session.set_endpoint(get_endpoint(endpoint.id))
        if self._fields is not None:
            self._fields.cancel()
        self._note = ""
        self._fetching = wanted
        self._fields = self._workers.start(
            partial(_fields, self._access, wanted),
            "reading the fields from the server",
            finished=self._on_fields,
            failed=self._on_fields_failed,
            notice=self._on_fields_notice,
        )
        self._fields.signals.ended.connect(self._on_fields_ended)
        if wanted[2]:
            note = self.tr("Reading the fields of event {event}…").format(event=wanted[2])
        else:
            note = self.tr("Reading the columns {system} asks for…").format(
                system=endpoint.system_label
            )
        self.fields_note.emit(note)
        self.busy_changed.emit()

    def _is_fields(self) -> bool:
        return self._fields is not None and self.sender() is self._fields.signals

    @Slot(str)
    def _on_fields_notice(self, text: str) -> None:
        if self._is_fields():
            self._note = text  # the offline copy and its date, in the core's words

    @Slot(object)
    def _on_fields(self, answer: object) -> None:
        if not self._is_fields():
            return
        key, endpoint = cast("tuple[_Key, Endpoint]", answer)
        self._known[key] = endpoint
        if self._note:
            note = self._note
        elif key[2]:
            note = self.tr(
                "The columns are the fields of event {event}, as {system} describes them."
            ).format(event=key[2], system=endpoint.system_label)
        else:
            note = self.tr("The columns are those of {system}'s own template for {what}.").format(
                system=endpoint.system_label, what=endpoint.label.lower()
            )
        self.fields_note.emit(note)
        current = self._session.endpoint
        if self._wanted() == key and current is not None and current.id == endpoint.id:
            self._session.set_endpoint(endpoint)

    @Slot(object)
    def _on_fields_failed(self, error: object) -> None:
        if self._is_fields():
            failure: RowboatError = error  # type: ignore[assignment]
            endpoint = self._session.endpoint
            system = endpoint.system_label if endpoint is not None else ""
            self.fields_note.emit(
                self.tr("{message} The file is checked against {system}'s usual fields.").format(
                    message=failure.message, system=system
                )
            )

    @Slot()
    def _on_fields_ended(self) -> None:
        if self._is_fields():
            self._fields = None
            self.busy_changed.emit()
