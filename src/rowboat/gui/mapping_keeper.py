"""MappingKeeper: keeps the session's mapping in step with the table and endpoint, without losing
the user's edits when they go back to another step and return."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal, Slot

from rowboat.core.errors import RowboatError
from rowboat.core.mapping import Mapping, MatchMethod, ProfileStore, match_columns, merge
from rowboat.gui.session import MappingOrigin

if TYPE_CHECKING:
    from collections.abc import Callable

    from rowboat.core.mapping import Profile
    from rowboat.core.progress import Reporter
    from rowboat.core.table import Table
    from rowboat.core.targets import Endpoint
    from rowboat.gui.session import ImportSession
    from rowboat.gui.workers import Worker, Workers

__all__ = ["MATCH_SAMPLE_ROWS", "MappingKeeper"]

log = logging.getLogger(__name__)

MATCH_SAMPLE_ROWS = 200  # rows whose values may pick an email column when no header names it


@dataclass(frozen=True)
class _Kept:
    columns: tuple[str, ...]
    mapping: Mapping
    origin: MappingOrigin
    endpoint: Endpoint  # the fields it was made for (a server may define them: Eloqua events)


def matched(table: Table, endpoint: Endpoint) -> Mapping:
    return match_columns(table.columns, endpoint, sample=table.frame.head(MATCH_SAMPLE_ROWS))


def _choose(
    table: Table, endpoint: Endpoint, profiles: ProfileStore | None, own: Mapping | None
) -> Callable[[Reporter], tuple[Mapping, MappingOrigin]]:
    """The work of choosing a mapping: the remembered one, else a match; the user's own
    choices (`own`) merged over it."""

    def work(report: Reporter) -> tuple[Mapping, MappingOrigin]:
        saved = profiles.find(table.columns, endpoint.id) if profiles is not None else None
        if saved is not None:
            mapping, origin = saved, MappingOrigin.PROFILE
        else:
            report.raise_if_cancelled()
            mapping, origin = matched(table, endpoint), MappingOrigin.AUTOMATIC
        if own is not None and own.sources:
            mapping, origin = merge(mapping, own), MappingOrigin.EDITED
        return mapping, origin

    return work


class MappingKeeper(QObject):
    """Chooses the mapping whenever the table or endpoint changes, with the core's functions.

    A mapping remembered for these columns (ProfileStore) comes first, else core.match_columns,
    worked out in a worker (matching a wide file takes a while). Per endpoint it keeps the last
    mapping used: the same columns get it back at once, unchanged; after the file changed, the
    user's own choices that still fit are merged over the new match. While a mapping is being
    chosen the session's mapping is None.

    Signals:
        busy_changed(bool): a mapping is being chosen, or no longer.
    """

    busy_changed = Signal(bool)

    def __init__(
        self,
        session: ImportSession,
        profiles: ProfileStore,
        workers: Workers,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._session = session
        self._workers = workers
        self.profiles = profiles
        self._kept: dict[str, _Kept] = {}
        self._basis: tuple[Table, Endpoint] | None = None  # the table and endpoint mapped last
        self._current: Worker | None = None
        session.table_changed.connect(self._refresh)
        session.target_changed.connect(self._refresh)
        session.mapping_changed.connect(self._remember)

    @property
    def busy(self) -> bool:
        return self._current is not None

    @Slot()
    def _refresh(self) -> None:
        table, endpoint = self._session.table, self._session.endpoint
        if table is None or endpoint is None:
            self._basis = None
            self._stop()
            self._session.set_mapping(None, MappingOrigin.AUTOMATIC)
            return
        if self._basis is not None and self._basis[0] is table and self._basis[1] == endpoint:
            return  # only the connection or event changed
        self._basis = (table, endpoint)
        columns = tuple(table.columns)
        kept = self._kept.get(endpoint.id)
        if kept is not None and kept.columns == columns and kept.endpoint == endpoint:
            self._stop()
            self._session.set_mapping(kept.mapping, kept.origin)
            return
        own = None
        if kept is not None and kept.origin is MappingOrigin.EDITED:
            sources = tuple(
                s
                for s in kept.mapping.sources
                if s.method is MatchMethod.MANUAL
                and set(s.columns) <= set(columns)
                and s.field in endpoint.field_keys
            )
            own = Mapping(endpoint_id=endpoint.id, sources=sources)
        self._start(_choose(table, endpoint, self.profiles, own))

    def match_again(self) -> None:
        """Forget the remembered mapping and the user's edits: match the columns afresh."""
        table, endpoint = self._session.table, self._session.endpoint
        if table is None or endpoint is None:
            return
        self._kept.pop(endpoint.id, None)
        self._start(_choose(table, endpoint, None, None))

    def _start(self, work: Callable[[Reporter], tuple[Mapping, MappingOrigin]]) -> None:
        was_busy = self.busy
        self._stop()
        self._session.set_mapping(None, MappingOrigin.AUTOMATIC)
        self._current = self._workers.start(work, "matching the columns")
        self._current.signals.finished.connect(self._on_chosen)
        self._current.signals.failed.connect(self._on_failed)
        self._current.signals.cancelled.connect(self._on_ended)
        if not was_busy:
            self.busy_changed.emit(True)

    def _stop(self) -> None:
        if self._current is not None:
            self._current.cancel()  # its late result is ignored: it is no longer current
            self._current = None
            self.busy_changed.emit(False)

    def _is_current(self) -> bool:
        return self._current is not None and self.sender() is self._current.signals

    @Slot(object)
    def _on_chosen(self, chosen: tuple[Mapping, MappingOrigin]) -> None:
        if not self._is_current():
            return
        self._current = None
        endpoint = self._session.endpoint
        if endpoint is not None and chosen[0].endpoint_id == endpoint.id:
            self._session.set_mapping(*chosen)
        self.busy_changed.emit(False)

    @Slot(object)
    def _on_failed(self, error: RowboatError) -> None:
        if not self._is_current():
            return
        log.warning("could not choose a mapping: %s (%s)", error.message, error.detail)
        self._current = None
        endpoint = self._session.endpoint
        if endpoint is not None:
            # Nothing matched: every field starts unmapped, and the user maps them by hand.
            self._session.set_mapping(Mapping(endpoint_id=endpoint.id), MappingOrigin.AUTOMATIC)
        self.busy_changed.emit(False)

    @Slot()
    def _on_ended(self) -> None:
        if self._current is not None and self.sender() is self._current.signals:
            self._current = None
            self.busy_changed.emit(False)

    def remember(self) -> Profile | None:
        """Save the current mapping for files with these columns (None when it cannot be)."""
        table, mapping = self._session.table, self._session.mapping
        if table is None or mapping is None:
            return None
        try:
            return self.profiles.save(table.columns, mapping)
        except (OSError, RowboatError) as exc:
            # Not remembering a mapping must never stop an import; the log says why.
            log.warning("could not save the mapping profile: %r", exc)
            return None

    @Slot()
    def _remember(self) -> None:
        s = self._session
        table, endpoint, mapping = s.table, s.endpoint, s.mapping
        if table is None or endpoint is None or mapping is None:
            return
        if mapping.endpoint_id == endpoint.id:
            self._kept[endpoint.id] = _Kept(
                tuple(table.columns), mapping, s.mapping_origin, endpoint
            )
