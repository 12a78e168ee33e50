"""IssuesModel: the problems panel, problems grouped by kind in plain words, each row a child.

"Email: 14 addresses are incomplete or mistyped" opens onto "Row 12: 'jane@' is missing the part
after the @." Groups are built once from the result's issue table (vectorised) and then kept
current from each edit's Change, so an edit costs a few list operations, not a regrouping.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QAbstractItemModel,
    QCoreApplication,
    QLocale,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)

from rowboat.gui.delegates import problem_icon
from rowboat.gui.models.review_model import PositionRole, SourceRowRole

if TYPE_CHECKING:
    from PySide6.QtCore import QObject

    from rowboat.core.validation import Change, Issue, ReviewEdits

__all__ = ["ColumnRole", "IssuesModel"]

_Index = QModelIndex | QPersistentModelIndex
_R = Qt.ItemDataRole
ColumnRole = int(_R.UserRole) + 10  # str | None: the file column of a child's problem

# The kinds of problem, in the order the panel lists them within a field; (one, many) sentences.
_CONTEXT = "IssuesModel"
_KINDS: dict[str, tuple[object, object]] = {  # QT_TRANSLATE_NOOP gives back its text
    "required": (
        QT_TRANSLATE_NOOP(_CONTEXT, "1 row leaves it empty"),
        QT_TRANSLATE_NOOP(_CONTEXT, "{n} rows leave it empty"),
    ),
    "email": (
        QT_TRANSLATE_NOOP(_CONTEXT, "1 address is incomplete or mistyped"),
        QT_TRANSLATE_NOOP(_CONTEXT, "{n} addresses are incomplete or mistyped"),
    ),
    "phone": (
        QT_TRANSLATE_NOOP(_CONTEXT, "1 value is not a phone number"),
        QT_TRANSLATE_NOOP(_CONTEXT, "{n} values are not phone numbers"),
    ),
    "date": (
        QT_TRANSLATE_NOOP(_CONTEXT, "1 value is not a date"),
        QT_TRANSLATE_NOOP(_CONTEXT, "{n} values are not dates"),
    ),
    "datetime": (
        QT_TRANSLATE_NOOP(_CONTEXT, "1 value is not a date and time"),
        QT_TRANSLATE_NOOP(_CONTEXT, "{n} values are not a date and time"),
    ),
    "timezone": (
        QT_TRANSLATE_NOOP(_CONTEXT, "1 value is not a time zone"),
        QT_TRANSLATE_NOOP(_CONTEXT, "{n} values are not time zones"),
    ),
    "url": (
        QT_TRANSLATE_NOOP(_CONTEXT, "1 value is not a web address"),
        QT_TRANSLATE_NOOP(_CONTEXT, "{n} values are not web addresses"),
    ),
    "integer": (
        QT_TRANSLATE_NOOP(_CONTEXT, "1 value is not a whole number"),
        QT_TRANSLATE_NOOP(_CONTEXT, "{n} values are not whole numbers"),
    ),
    "decimal": (
        QT_TRANSLATE_NOOP(_CONTEXT, "1 value is not a number"),
        QT_TRANSLATE_NOOP(_CONTEXT, "{n} values are not numbers"),
    ),
    "number": (
        QT_TRANSLATE_NOOP(_CONTEXT, "1 number is out of range"),
        QT_TRANSLATE_NOOP(_CONTEXT, "{n} numbers are out of range"),
    ),
    "boolean": (
        QT_TRANSLATE_NOOP(_CONTEXT, "1 value is not yes or no"),
        QT_TRANSLATE_NOOP(_CONTEXT, "{n} values are not yes or no"),
    ),
    "enum": (
        QT_TRANSLATE_NOOP(_CONTEXT, "1 value is not one of the choices"),
        QT_TRANSLATE_NOOP(_CONTEXT, "{n} values are not one of the choices"),
    ),
    "country": (
        QT_TRANSLATE_NOOP(_CONTEXT, "1 country is unknown"),
        QT_TRANSLATE_NOOP(_CONTEXT, "{n} countries are unknown"),
    ),
    "text": (
        QT_TRANSLATE_NOOP(_CONTEXT, "1 value is too long or too short"),
        QT_TRANSLATE_NOOP(_CONTEXT, "{n} values are too long or too short"),
    ),
    "duplicate": (
        QT_TRANSLATE_NOOP(_CONTEXT, "1 row repeats an earlier row"),
        QT_TRANSLATE_NOOP(_CONTEXT, "{n} rows repeat an earlier row"),
    ),
    "end_before_start": (
        QT_TRANSLATE_NOOP(_CONTEXT, "1 row ends before it starts"),
        QT_TRANSLATE_NOOP(_CONTEXT, "{n} rows end before they start"),
    ),
    "one_of": (
        QT_TRANSLATE_NOOP(_CONTEXT, "1 row has no {fields}"),
        QT_TRANSLATE_NOOP(_CONTEXT, "{n} rows have no {fields}"),
    ),
}
_OTHER = (QT_TRANSLATE_NOOP(_CONTEXT, "1 problem"), QT_TRANSLATE_NOOP(_CONTEXT, "{n} problems"))
_UNMAPPED = QT_TRANSLATE_NOOP(_CONTEXT, "{label}: required, and no column is mapped to it")
_BLOCKER_HINT = QT_TRANSLATE_NOOP(_CONTEXT, "Go back to Map and choose the column that holds it.")
_GROUP_HINT = QT_TRANSLATE_NOOP(
    _CONTEXT, "Open the group to see each row; choose a row to go to its cell."
)
_KIND_ORDER = {k: i for i, k in enumerate(_KINDS)}


def kind_of(code: str) -> str:
    """The kind a problem code belongs to: its type ("email.no_at" -> "email"), or the code."""
    return code.split(".", 1)[0]


ProblemGroups = list[tuple[str, str, list[int]]]  # (field key, kind, ascending positions)


def group_problems(issues: pd.DataFrame) -> ProblemGroups:
    """The issue table grouped by field and kind (vectorised; safe on any thread)."""
    if not len(issues):
        return []
    # A code's kind is its text before the first dot: split once per distinct code.
    codes = issues["code"]
    kinds = codes.map({c: kind_of(str(c)) for c in pd.unique(codes)})
    frame = pd.DataFrame({"field": issues["field"], "kind": kinds, "pos": issues["pos"]})
    return [
        (str(key), str(kind), np.unique(rows.to_numpy(dtype=np.int64)).tolist())
        for (key, kind), rows in frame.groupby(["field", "kind"], sort=False)["pos"]
    ]


@dataclass
class _Group:
    """One kind of problem in one field, and the rows that have it (ascending positions)."""

    ident: int  # stable across inserts and removals, for the children's parent pointer
    key: str  # the field's key
    kind: str
    rows: list[int] = field(default_factory=list)
    blocker: bool = False  # an unmapped required field: every row, listed once above the table


class IssuesModel(QAbstractItemModel):
    """Top level: one group per (field, kind); children: the rows with that problem."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._edits: ReviewEdits | None = None
        self._groups: list[_Group] = []
        self._by_key: dict[tuple[str, str], _Group] = {}
        self._by_ident: dict[int, _Group] = {}
        self._next = 1
        self._field_order: dict[str, int] = {}

    def set_edits(self, edits: ReviewEdits, groups: ProblemGroups | None = None) -> None:
        """Group every current problem; `groups` (from group_problems, worked out on a worker
        for a big file) when they are known already."""
        self.beginResetModel()
        self._edits = edits
        endpoint = edits.result.endpoint
        self._field_order = {f.key: i for i, f in enumerate(endpoint.fields)}
        self._groups, self._by_key, self._by_ident = [], {}, {}
        if groups is None:
            groups = group_problems(edits.apply_edits().issues)
        for key, kind, rows in groups:
            group = self._new_group(key, kind)
            group.rows = rows
        self._groups.sort(key=self._order)
        self.endResetModel()

    def _blocker(self, key: str, kind: str) -> bool:
        assert self._edits is not None
        return kind == "required" and key not in self._edits.result.mapping.mapped_fields

    def _new_group(self, key: str, kind: str) -> _Group:
        group = _Group(self._next, key, kind, blocker=self._blocker(key, kind))
        self._next += 1
        self._by_key[(key, kind)] = group
        self._by_ident[group.ident] = group
        self._groups.append(group)
        return group

    def _order(self, group: _Group) -> tuple[int, int, int]:
        return (
            0 if group.blocker else 1,
            self._field_order.get(group.key, len(self._field_order)),
            _KIND_ORDER.get(group.kind, len(_KIND_ORDER)),
        )

    @property
    def problem_rows(self) -> int:
        """How many rows the listed problems touch (for "no problems" states)."""
        return sum(len(g.rows) for g in self._groups)

    # -- keeping current -----------------------------------------------------------------------

    def apply(self, change: Change) -> None:
        """Follow one edit: move each changed row between groups, with the exact row signals."""
        if self._edits is None:
            return
        if change.rebased:
            self.set_edits(self._edits)
            return
        for pos in change.rows:
            before = {(i.field, kind_of(i.code)) for i in change.before.get(pos, ())}
            now_issues = self._edits.issues_at(pos)
            now = {(i.field, kind_of(i.code)) for i in now_issues}
            for key in before - now:
                self._remove(key, pos)
            for key in now - before:
                self._add(key, pos)
            for key in now & before:  # same kind, maybe other words
                group = self._by_key[key]
                i = bisect.bisect_left(group.rows, pos)
                parent = self.index(self._groups.index(group), 0)
                self.dataChanged.emit(self.index(i, 0, parent), self.index(i, 0, parent))

    def _remove(self, key: tuple[str, str], pos: int) -> None:
        group = self._by_key.get(key)
        if group is None:
            return
        top = self._groups.index(group)
        if len(group.rows) == 1:
            self.beginRemoveRows(QModelIndex(), top, top)
            self._groups.pop(top)
            del self._by_key[key]
            del self._by_ident[group.ident]
            self.endRemoveRows()
            return
        i = bisect.bisect_left(group.rows, pos)
        self.beginRemoveRows(self.index(top, 0), i, i)
        group.rows.pop(i)
        self.endRemoveRows()
        self.dataChanged.emit(self.index(top, 0), self.index(top, 0))

    def _add(self, key: tuple[str, str], pos: int) -> None:
        group = self._by_key.get(key)
        if group is None:
            probe = _Group(0, *key, blocker=self._blocker(*key))
            top = bisect.bisect_right([self._order(g) for g in self._groups], self._order(probe))
            self.beginInsertRows(QModelIndex(), top, top)
            group = self._new_group(*key)
            self._groups.pop()  # _new_group appended it; it belongs at `top`
            self._groups.insert(top, group)
            group.rows = [pos]
            self.endInsertRows()
            return
        top = self._groups.index(group)
        i = bisect.bisect_left(group.rows, pos)
        self.beginInsertRows(self.index(top, 0), i, i)
        group.rows.insert(i, pos)
        self.endInsertRows()
        self.dataChanged.emit(self.index(top, 0), self.index(top, 0))

    # -- the tree ------------------------------------------------------------------------------

    def index(self, row: int, column: int, parent: _Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        if column != 0 or row < 0:
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, 0, 0) if row < len(self._groups) else QModelIndex()
        if parent.internalId() != 0 or parent.row() >= len(self._groups):
            return QModelIndex()
        group = self._groups[parent.row()]
        if group.blocker or row >= len(group.rows):
            return QModelIndex()
        return self.createIndex(row, 0, group.ident)

    def parent(self, child: _Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not child.isValid() or child.internalId() == 0:
            return QModelIndex()
        group = self._by_ident.get(child.internalId())
        if group is None:
            return QModelIndex()
        return self.createIndex(self._groups.index(group), 0, 0)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        if not parent.isValid():
            return len(self._groups)
        if parent.internalId() != 0 or parent.row() >= len(self._groups):
            return 0
        group = self._groups[parent.row()]
        return 0 if group.blocker else len(group.rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 1

    def hasChildren(self, parent: _Index = QModelIndex()) -> bool:  # noqa: B008
        return self.rowCount(parent) > 0

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.internalId() != 0:
            flags |= Qt.ItemFlag.ItemNeverHasChildren
        return flags

    def data(self, index: _Index, role: int = _R.DisplayRole) -> Any:
        if not index.isValid() or self._edits is None:
            return None
        if index.internalId() == 0:
            return self._group_data(self._groups[index.row()], role)
        group = self._by_ident.get(index.internalId())
        if group is None or index.row() >= len(group.rows):
            return None
        return self._row_data(group, group.rows[index.row()], role)

    def _label(self, key: str) -> str:
        assert self._edits is not None
        try:
            return self._edits.result.endpoint.field(key).label
        except KeyError:
            return key

    def title(self, group: _Group) -> str:
        label = self._label(group.key)
        if group.blocker:
            return QCoreApplication.translate(_CONTEXT, str(_UNMAPPED)).format(label=label)
        one, many = _KINDS.get(group.kind, _OTHER)
        n = len(group.rows)
        text = QCoreApplication.translate(_CONTEXT, str(one if n == 1 else many))
        if group.kind == "one_of":
            fields = next(
                (
                    self._either(rule.fields)
                    for rule in self._edits.result.endpoint.rules  # type: ignore[union-attr]
                    if rule.kind == "one_of" and rule.fields[0] == group.key
                ),
                label,
            )
            return text.format(n=QLocale().toString(n), fields=fields)
        return f"{label}: {text.format(n=QLocale().toString(n))}"

    def _either(self, keys: tuple[str, ...]) -> str:
        """ "Email or Customer number", "A, B or C" (a row lacking all of them)."""
        labels = [self._label(k) for k in keys]
        if len(labels) == 1:
            return labels[0]
        text = QCoreApplication.translate(_CONTEXT, "{some} or {last}")
        return text.format(some=", ".join(labels[:-1]), last=labels[-1])

    def _group_data(self, group: _Group, role: int) -> Any:
        if role in (_R.DisplayRole, _R.AccessibleTextRole):
            return self.title(group)
        if role == _R.DecorationRole:
            return problem_icon()
        if role == _R.ToolTipRole:
            hint = _BLOCKER_HINT if group.blocker else _GROUP_HINT
            return f"{self.title(group)}\n{QCoreApplication.translate(_CONTEXT, str(hint))}"
        if role == PositionRole:
            return group.rows[0] if group.rows and not group.blocker else None
        if role == ColumnRole:
            return self._column(group, group.rows[0]) if group.rows else None
        return None

    def _issue(self, group: _Group, pos: int) -> Issue | None:
        assert self._edits is not None
        for issue in self._edits.issues_at(pos):
            if issue.field == group.key and kind_of(issue.code) == group.kind:
                return issue
        return None

    def _column(self, group: _Group, pos: int) -> str | None:
        issue = self._issue(group, pos)
        return issue.column if issue is not None else None

    def _row_data(self, group: _Group, pos: int, role: int) -> Any:
        assert self._edits is not None
        row = int(self._edits.result.table.source_rows[pos])
        if role in (_R.DisplayRole, _R.ToolTipRole, _R.AccessibleTextRole):
            issue = self._issue(group, pos)
            message = issue.message if issue is not None else ""
            text = QCoreApplication.translate(_CONTEXT, "Row {row}: {message}")
            return text.format(row=row, message=message)
        if role == PositionRole:
            return pos
        if role == SourceRowRole:
            return row
        if role == ColumnRole:
            return self._column(group, pos)
        return None
