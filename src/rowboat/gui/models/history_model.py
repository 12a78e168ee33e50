"""HistoryModel: every import in the journal, newest first: file, target, connection, when, state
and counts (the records are read in a worker and handed over whole)."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QDateTime,
    QLocale,
    QModelIndex,
    Qt,
)
from PySide6.QtWidgets import QStyle

from rowboat.core.errors import UnknownEndpoint
from rowboat.core.submit.model import ImportState, Outcome
from rowboat.core.targets import get_endpoint
from rowboat.gui.assets import standard_icon
from rowboat.gui.delegates import problem_icon

if TYPE_CHECKING:
    from collections.abc import Sequence

    from PySide6.QtCore import QObject, QPersistentModelIndex
    from PySide6.QtGui import QIcon

    from rowboat.core.submit.journal import ImportRecord

__all__ = ["HistoryModel", "ImportIdRole", "counts_text", "state_text", "target_text", "when_text"]

_R = Qt.ItemDataRole
ImportIdRole = int(_R.UserRole)  # str: the import's id
WHEN, FILE, TARGET, CONNECTION, STATE, ROWS = range(6)


def _tr(text: str) -> str:
    return QCoreApplication.translate("History", text)


@cache
def target_text(endpoint_id: str) -> str:
    """ "Plandocket · Contacts", or the id of an endpoint this version does not know."""
    try:
        endpoint = get_endpoint(endpoint_id)
    except UnknownEndpoint:
        return endpoint_id
    return f"{endpoint.system_label} · {endpoint.label}"


def when_text(record: ImportRecord) -> str:
    stamp = QDateTime.fromSecsSinceEpoch(int(record.created_at.timestamp()))
    # The month by name: "2 Dec 2026, 15:06" reads the same way in every country.
    return QLocale().toString(stamp, "d MMM yyyy, HH:mm")


def state_text(record: ImportRecord, running: bool = False) -> str:
    """The state in a word or three; the running import says so."""
    if running:
        return _tr("Sending now")
    return {
        ImportState.FINISHED: _tr("Finished"),
        ImportState.SENDING: _tr("Not finished"),
        ImportState.TRACKING: _tr("Waiting for the target"),
        ImportState.INTERRUPTED: _tr("Interrupted"),
        ImportState.CANCELLED: _tr("Stopped"),
    }[record.state]


def counts_text(record: ImportRecord) -> str:
    """ "3 created, 1 rejected, 1 not sent" (only the outcomes the import has)."""
    parts = [
        (record.count(Outcome.CREATED), _tr("{n} created")),
        (record.count(Outcome.UPDATED), _tr("{n} updated")),
        (record.count(Outcome.ACCEPTED), _tr("{n} accepted")),
        (record.count(Outcome.SKIPPED), _tr("{n} skipped")),
        (record.count(Outcome.REJECTED), _tr("{n} rejected")),
        (record.count(Outcome.UNKNOWN), _tr("{n} unknown")),
        (record.count(Outcome.INVALID) + record.count(Outcome.PLANNED), _tr("{n} not sent")),
    ]
    shown = [text.format(n=f"{n:,}") for n, text in parts if n]
    return ", ".join(shown) if shown else _tr("{n} rows").format(n=f"{record.total_rows:,}")


class HistoryModel(QAbstractTableModel):
    """One row per import, in the order given (the journal's: newest first)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._records: list[ImportRecord] = []
        self._running: str | None = None
        self._headers = (
            self.tr("When"),
            self.tr("File"),
            self.tr("Target"),
            self.tr("Connection"),
            self.tr("State"),
            self.tr("Rows"),
        )

    def set_records(self, records: Sequence[ImportRecord]) -> None:
        self.beginResetModel()
        self._records = list(records)
        self.endResetModel()

    def set_running(self, import_id: str | None) -> None:
        self._running = import_id
        if self._records:
            self.dataChanged.emit(self.index(0, STATE), self.index(len(self._records) - 1, STATE))

    def record(self, row: int) -> ImportRecord | None:
        return self._records[row] if 0 <= row < len(self._records) else None

    def row_of(self, import_id: str) -> int:
        for row, r in enumerate(self._records):
            if r.id == import_id:
                return row
        return -1

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._records)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._headers)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = _R.DisplayRole
    ) -> Any:
        if orientation is Qt.Orientation.Horizontal and role == _R.DisplayRole:
            return self._headers[section] if 0 <= section < len(self._headers) else None
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = _R.DisplayRole) -> Any:
        record = self.record(index.row()) if index.isValid() else None
        if record is None:
            return None
        column = index.column()
        if role in (_R.DisplayRole, _R.AccessibleTextRole):
            return self._text(record, column)
        if role == _R.ToolTipRole:
            if column == STATE:
                return record.status or self._text(record, column)
            if column == FILE:
                return record.file_name + (f" ({record.sheet})" if record.sheet else "")
            return self._text(record, column)
        if role == ImportIdRole:
            return record.id
        if role == _R.DecorationRole and column == STATE:
            return self._sign(record)
        return None

    def _text(self, record: ImportRecord, column: int) -> str:
        if column == WHEN:
            return when_text(record)
        if column == FILE:
            return record.file_name
        if column == TARGET:
            trial = self.tr(" (dry run)") if record.options.dry_run else ""
            return target_text(record.endpoint_id) + trial
        if column == CONNECTION:
            return record.connection
        if column == STATE:
            return state_text(record, record.id == self._running)
        return counts_text(record)

    def _sign(self, record: ImportRecord) -> QIcon | None:
        """A sign beside the state's words: unfinished (warning), rows to fix (problem)."""
        if record.id == self._running:
            return None
        if record.state is not ImportState.FINISHED:
            return standard_icon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        if record.count(Outcome.REJECTED) or record.count(Outcome.UNKNOWN):
            return problem_icon()
        return None
