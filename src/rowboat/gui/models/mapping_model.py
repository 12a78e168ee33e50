"""MappingModel: one row per endpoint field (required first): where its value comes from, how
sure the match is, and its first values after the transforms."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication, QStyle

from rowboat.core.errors import RowboatError
from rowboat.core.mapping import Case, MatchMethod, NamePart, apply_mapping, describe
from rowboat.core.table import Table
from rowboat.core.templates import type_in_words
from rowboat.gui.assets import standard_icon

if TYPE_CHECKING:
    from rowboat.core.mapping import FieldSource, Mapping
    from rowboat.core.targets import Endpoint, Field

__all__ = [
    "SAMPLE_ROWS",
    "Column",
    "FieldKeyRole",
    "MappingModel",
    "NeedsColumnRole",
    "Samples",
    "match_words",
    "sample_values",
    "source_words",
]

FieldKeyRole = Qt.ItemDataRole.UserRole  # the field's key
NeedsColumnRole = Qt.ItemDataRole.UserRole + 1  # True for a required field with no source
SAMPLE_ROWS = 3  # first values shown per field, shaped by core.apply_mapping

_Index = QModelIndex | QPersistentModelIndex


class Column(IntEnum):
    FIELD = 0
    SOURCE = 1
    MATCH = 2
    SAMPLE = 3


def _tr(text: str) -> str:
    return QCoreApplication.translate("MappingModel", text)


def source_words(source: FieldSource | None) -> str:
    """Where a field's value comes from, and how it is shaped, in plain words."""
    if source is None:
        return ""
    if source.constant is not None:
        what = _tr("Always “{value}”").format(value=source.constant)
    elif source.split_name is NamePart.FIRST:
        what = _tr("First part of “{column}”").format(column=source.columns[0])
    elif source.split_name is NamePart.LAST:
        what = _tr("Last part of “{column}”").format(column=source.columns[0])
    else:
        what = " + ".join(f"“{c}”" if len(source.columns) > 1 else c for c in source.columns)
    shaping = []
    if not source.trim:
        shaping.append(_tr("spaces kept"))
    case = {
        Case.UPPER: _tr("UPPER CASE"),
        Case.LOWER: _tr("lower case"),
        Case.TITLE: _tr("Title Case"),
    }.get(source.case)
    if case:
        shaping.append(case)
    if source.date_format:
        shaping.append(_tr("dates as {format}").format(format=source.date_format))
    return " · ".join([what, *shaping])


def match_words(source: FieldSource | None) -> str:
    """How the source was found and, for an automatic match, how sure it is."""
    if source is None:
        return ""
    method = {
        MatchMethod.EXACT: _tr("Same name"),
        MatchMethod.SYNONYM: _tr("Another name for it"),
        MatchMethod.FUZZY: _tr("Similar name"),
        MatchMethod.CONTENT: _tr("Its values look like email addresses"),
        MatchMethod.PROFILE: _tr("Remembered for these columns"),
        MatchMethod.MANUAL: _tr("Chosen by you"),
    }[source.method]
    if source.split_name is not None and source.method is MatchMethod.SYNONYM:
        method = _tr("A full name, split")
    if source.method in (MatchMethod.PROFILE, MatchMethod.MANUAL) or source.confidence >= 0.999:
        return method
    return _tr("{method}, {percent}% sure").format(
        method=method, percent=round(source.confidence * 100)
    )


@dataclass(frozen=True)
class Samples:
    """The first values of each mapped field as they will be sent, or why there are none."""

    values: dict[str, list[str]]
    problem: str = ""


def sample_values(table: Table, mapping: Mapping) -> Samples:
    """core.apply_mapping on the first SAMPLE_ROWS rows (run in a worker: pandas takes tens of
    milliseconds even for three rows)."""
    first = Table(
        frame=table.frame.head(SAMPLE_ROWS),
        source_rows=table.source_rows[:SAMPLE_ROWS],
        headers=table.headers,
        info=table.info,
    )
    try:
        shaped = apply_mapping(first, mapping)
    except RowboatError as exc:
        return Samples({}, exc.message)
    return Samples({k: shaped[k].tolist() for k in shaped.columns})


class MappingModel(QAbstractTableModel):
    """The endpoint's fields, required ones first, over the session's mapping and table.

    A required field with no source is tinted and bold, carries a warning icon and says "Needs a
    column" (so it never rests on colour). Sample values (set_samples, from sample_values) come
    from core.apply_mapping on the first rows, so they show the transforms exactly as applied.
    """

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._fields: list[Field] = []
        self._endpoint: Endpoint | None = None
        self._mapping: Mapping | None = None
        self._samples: dict[str, list[str]] = {}
        self._sample_problem = ""

    def set_context(
        self, endpoint: Endpoint | None, table: Table | None, mapping: Mapping | None
    ) -> None:
        self.beginResetModel()
        fields = list(endpoint.fields) if endpoint is not None else []
        self._fields = [f for f in fields if f.required] + [f for f in fields if not f.required]
        self._endpoint = endpoint
        self._mapping = mapping if endpoint is not None else None
        self.endResetModel()

    def set_samples(self, samples: Samples) -> None:
        """The first values for the current mapping (until they come, the previous ones stay)."""
        self._samples, self._sample_problem = samples.values, samples.problem
        if self._fields:
            last = self.rowCount() - 1
            self.dataChanged.emit(self.index(0, Column.SAMPLE), self.index(last, Column.SAMPLE))

    def field(self, row: int) -> Field:
        return self._fields[row]

    def row_of(self, key: str) -> int:
        for row, f in enumerate(self._fields):
            if f.key == key:
                return row
        return -1

    def source(self, row: int) -> FieldSource | None:
        if self._mapping is None:
            return None
        return self._mapping.for_field(self._fields[row].key)

    def missing_required(self) -> list[Field]:
        return [f for row, f in enumerate(self._fields) if f.required and self.source(row) is None]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._fields)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Column)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(Column):
            return None
        if role == Qt.ItemDataRole.ToolTipRole and section == Column.SAMPLE:
            return self.tr("The first rows' values after trimming, joining and splitting, as sent")
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        return {
            Column.FIELD: self.tr("Field"),
            Column.SOURCE: self.tr("From the file"),
            Column.MATCH: self.tr("How it was matched"),
            Column.SAMPLE: self.tr("First values"),
        }[Column(section)]

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._fields):
            return None
        field = self._fields[index.row()]
        source = self.source(index.row())
        needs = field.required and source is None
        column = Column(index.column())
        if role == FieldKeyRole:
            return field.key
        if role == NeedsColumnRole:
            return needs
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._text(field, source, column, needs)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(field, source, column)
        if role == Qt.ItemDataRole.DecorationRole and column == Column.FIELD and needs:
            return standard_icon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        if role == Qt.ItemDataRole.BackgroundRole and needs:
            return QColor(230, 80, 60, 55)  # reads on light and dark palettes alike
        if role == Qt.ItemDataRole.FontRole and (
            needs or (column == Column.FIELD and field.required)
        ):
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ForegroundRole and source is None and not needs:
            return QApplication.palette().color(
                QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text
            )
        return None

    def _text(self, field: Field, source: FieldSource | None, column: Column, needs: bool) -> str:
        if column == Column.FIELD:
            return f"{field.label} *" if field.required else field.label
        if column == Column.SOURCE:
            if source is None:
                return self.tr("Needs a column") if needs else self.tr("Not imported")
            return source_words(source)
        if column == Column.MATCH:
            return match_words(source)
        if source is None:
            return ""
        if self._sample_problem:
            return self._sample_problem
        values = [v for v in self._samples.get(field.key, []) if v]
        return " · ".join(values) if values else self.tr("(empty in the first rows)")

    def _tooltip(self, field: Field, source: FieldSource | None, column: Column) -> str:
        if column == Column.FIELD:
            parts = [f"{field.label} ({type_in_words(field)})"]
            if field.required:
                parts.append(self.tr("Required."))
            if field.help:
                parts.append(field.help)
            return "\n".join(parts)
        text = self._text(field, source, column, field.required and source is None)
        if column == Column.MATCH and source is not None and self._endpoint is not None:
            # the match's one-line reason, and the column that came second for the field
            lines = [text, describe(source, self._endpoint)]
            if source.alternative is not None:
                lines.append(
                    self.tr("Also fits: {reason}").format(reason=source.alternative.reason)
                )
            return "\n".join(lines)
        return text

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
