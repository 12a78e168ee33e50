"""MappingKeeper: keeps the session's mapping in step with the table and endpoint, without losing
the user's edits when they go back to another step and return."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Slot

from rowboat.core.errors import RowboatError
from rowboat.core.mapping import Mapping, MatchMethod, ProfileStore, match_columns, merge
from rowboat.gui.session import MappingOrigin

if TYPE_CHECKING:
    from rowboat.core.mapping import Profile
    from rowboat.core.table import Table
    from rowboat.core.targets import Endpoint
    from rowboat.gui.session import ImportSession

__all__ = ["MATCH_SAMPLE_ROWS", "MappingKeeper"]

log = logging.getLogger(__name__)

MATCH_SAMPLE_ROWS = 200  # rows whose values may pick an email column when no header names it


@dataclass(frozen=True)
class _Kept:
    columns: tuple[str, ...]
    mapping: Mapping
    origin: MappingOrigin


class MappingKeeper(QObject):
    """Chooses the mapping whenever the table or endpoint changes, with the core's functions.

    A mapping remembered for these columns (ProfileStore) comes first, else core.match_columns.
    Per endpoint it keeps the last mapping used: the same columns get it back unchanged, and
    after the file changed the user's own choices that still fit are merged over the new match.
    """

    def __init__(
        self, session: ImportSession, profiles: ProfileStore, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._session = session
        self.profiles = profiles
        self._kept: dict[str, _Kept] = {}
        self._basis: tuple[Table, str] | None = None  # the table and endpoint id mapped last
        session.table_changed.connect(self._refresh)
        session.target_changed.connect(self._refresh)
        session.mapping_changed.connect(self._remember)

    @Slot()
    def _refresh(self) -> None:
        table, endpoint = self._session.table, self._session.endpoint
        if table is None or endpoint is None:
            self._basis = None
            self._session.set_mapping(None, MappingOrigin.AUTOMATIC)
            return
        if self._basis is not None and self._basis[0] is table and self._basis[1] == endpoint.id:
            return  # only the connection or event changed
        self._basis = (table, endpoint.id)
        columns = tuple(table.columns)
        kept = self._kept.get(endpoint.id)
        if kept is not None and kept.columns == columns:
            self._session.set_mapping(kept.mapping, kept.origin)
            return
        mapping, origin = self._fresh(table, endpoint)
        if kept is not None and kept.origin is MappingOrigin.EDITED:
            own = tuple(
                s
                for s in kept.mapping.sources
                if s.method is MatchMethod.MANUAL and set(s.columns) <= set(columns)
            )
            if own:
                override = Mapping(endpoint_id=endpoint.id, sources=own)
                mapping, origin = merge(mapping, override), MappingOrigin.EDITED
        self._session.set_mapping(mapping, origin)

    def _fresh(self, table: Table, endpoint: Endpoint) -> tuple[Mapping, MappingOrigin]:
        saved = self.profiles.find(table.columns, endpoint.id)
        if saved is not None:
            return saved, MappingOrigin.PROFILE
        return self.matched(table, endpoint), MappingOrigin.AUTOMATIC

    @staticmethod
    def matched(table: Table, endpoint: Endpoint) -> Mapping:
        return match_columns(table.columns, endpoint, sample=table.frame.head(MATCH_SAMPLE_ROWS))

    def match_again(self) -> None:
        """Forget the remembered mapping and the user's edits: match the columns afresh."""
        table, endpoint = self._session.table, self._session.endpoint
        if table is None or endpoint is None:
            return
        self._kept.pop(endpoint.id, None)
        self._session.set_mapping(self.matched(table, endpoint), MappingOrigin.AUTOMATIC)

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
        table, endpoint, mapping = (
            self._session.table,
            self._session.endpoint,
            self._session.mapping,
        )
        if table is None or endpoint is None or mapping is None:
            return
        if mapping.endpoint_id == endpoint.id:
            self._kept[endpoint.id] = _Kept(
                tuple(table.columns), mapping, self._session.mapping_origin
            )
