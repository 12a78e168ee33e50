"""Mapping edits: one undoable change of a field's source; the jobs of the Map step's workers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QUndoCommand

from rowboat.core.errors import RowboatError
from rowboat.core.templates import write_template
from rowboat.gui.models.mapping_model import Samples, sample_values
from rowboat.gui.session import MappingOrigin

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from rowboat.core.mapping import FieldSource, Mapping
    from rowboat.core.progress import Reporter
    from rowboat.core.table import Table
    from rowboat.core.targets import Endpoint
    from rowboat.gui.session import ImportSession

__all__ = ["SetSource", "same_source", "samples_job", "template_job", "with_source"]


class SetSource(QUndoCommand):
    """One mapping edit: the mapping before and after, for Undo and Redo."""

    def __init__(
        self,
        session: ImportSession,
        before: tuple[Mapping, MappingOrigin],
        after: Mapping,
        text: str,
    ) -> None:
        super().__init__(text)
        self._session, self._before, self._after = session, before, after

    def redo(self) -> None:
        self._session.set_mapping(self._after, MappingOrigin.EDITED)

    def undo(self) -> None:
        self._session.set_mapping(*self._before)


def same_source(a: FieldSource | None, b: FieldSource | None) -> bool:
    """The same value for the field, whoever chose it (method and confidence aside)."""
    if a is None or b is None:
        return a is b
    return a.model_copy(update={"method": b.method, "confidence": b.confidence}) == b


def with_source(mapping: Mapping, key: str, source: FieldSource | None) -> Mapping:
    """The mapping with this field's source replaced (None: the field left out)."""
    sources = [s for s in mapping.sources if s.field != key]
    if source is not None:
        sources.append(source)
    unmapped = tuple(u for u in mapping.unmapped if u != key)
    return mapping.model_copy(update={"sources": tuple(sources), "unmapped": unmapped})


def samples_job(table: Table, mapping: Mapping) -> Callable[[Reporter], Samples]:
    def work(report: Reporter) -> Samples:
        report.raise_if_cancelled()
        return sample_values(table, mapping)

    return work


def template_job(endpoint: Endpoint, path: Path) -> Callable[[Reporter], Path]:
    def work(report: Reporter) -> Path:
        report.raise_if_cancelled()
        try:
            return write_template(endpoint, path)
        except OSError as exc:
            tr = QCoreApplication.translate
            raise RowboatError(
                tr("MapPage", "Rowboat could not save the template as '{name}'.").format(
                    name=path.name
                ),
                hint=tr(
                    "MapPage", "Close the file if it is open in Excel, or choose another folder."
                ),
                detail=str(exc),
            ) from exc

    return work
