"""ReviewModel: the review table over a ValidationResult and its edits, without copying a row.

The model keeps the file's columns as Arrow arrays (through ReviewEdits) and a numpy array of the
visible positions: All / Valid / Invalid is a mask over the valid flags and sorting a place per
row (core.validation.row_order), never a Python call per row (a proxy model would make a million
of them). A big table's order is computed on a worker, so a click on a header never freezes the
window.
(Longer than most modules: one model's roles, editing and row order, which share its state.)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import pyarrow as pa
from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import QFont, QGuiApplication

from rowboat.core.validation.row_order import by_column, fix_first, visible_rows
from rowboat.gui.delegates import edited_font, edited_tint, problem_icon, problem_tint
from rowboat.gui.review_commands import EditCellCommand
from rowboat.gui.workers import Workers

if TYPE_CHECKING:
    from collections.abc import Callable

    import numpy.typing as npt
    from PySide6.QtCore import QObject
    from PySide6.QtGui import QUndoStack

    from rowboat.core.validation import Issue, ReviewEdits

__all__ = [
    "PROBLEMS",
    "EditedRole",
    "IssueRole",
    "PositionRole",
    "ReviewModel",
    "RowFilter",
    "SourceRowRole",
]

_Index = QModelIndex | QPersistentModelIndex
_R = Qt.ItemDataRole
_DISPLAY = int(_R.DisplayRole)
_BLOCK = 256  # visible rows whose texts are read together
# Computed once: Python enum arithmetic per painted cell would cost more than the paint.
_NO_FLAGS = Qt.ItemFlag.NoItemFlags
_PROBLEM_FLAGS = (
    Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren
)
_CELL_FLAGS = _PROBLEM_FLAGS | Qt.ItemFlag.ItemIsEditable
_HEADER_ROLES = frozenset(
    int(r)
    for r in (
        _R.DisplayRole,
        _R.DecorationRole,
        _R.ToolTipRole,
        _R.AccessibleDescriptionRole,
        _R.TextAlignmentRole,
    )
)
IssueRole = int(_R.UserRole)  # tuple[Issue, ...]: the cell's problems (a row's, in Problems)
SourceRowRole = int(_R.UserRole) + 1  # int: the row's number in the user's file
PositionRole = int(_R.UserRole) + 2  # int: the row's position in the table (0-based)
EditedRole = int(_R.UserRole) + 3  # bool: the person changed this cell


class RowFilter(StrEnum):
    ALL = "all"
    VALID = "valid"
    INVALID = "invalid"


@dataclass(frozen=True)
class _RowView:
    """One row's problems, sorted out for the cells that show them."""

    issues: tuple[Issue, ...]
    cells: dict[int, list[str]] = field(default_factory=dict)  # column -> messages
    lines: tuple[str, ...] = ()  # "Email: 'x' has no @…", one per problem


_RULE_CODES = frozenset({"one_of", "end_before_start"})  # core's rules across fields
SORT_ASIDE_ROWS = 100_000  # from here a sort takes over ~50 ms, so it runs on a worker
PROBLEMS = 0  # the first column says what is wrong with the row; the file's columns follow


class ReviewModel(QAbstractTableModel):
    """A "Problems" column, then the file's columns (editable); one row per visible row.

    Signals: changed(Change) after each edit has reached the views.
    """

    changed = Signal(object)
    sorting = Signal(bool)  # True while a big table's order is computed aside, then False

    def __init__(self, undo_stack: QUndoStack, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._stack = undo_stack
        self._edits: ReviewEdits | None = None
        self._columns: list[str] = []
        self._rows: npt.NDArray[np.int64] = np.empty(0, dtype=np.int64)
        self._row_of: npt.NDArray[np.int64] = np.empty(0, dtype=np.int64)
        self._filter = RowFilter.ALL
        self._sort_key: npt.NDArray[np.int64] | None = None  # each position's place, or None
        self._sort_request = 0  # the latest sort asked for; an older one's answer is dropped
        self._sorting_aside = False
        self._workers = Workers(self)
        self._cache: dict[int, _RowView] = {}
        self._cells_of: dict[tuple[str, str, str | None], tuple[int, ...]] = {}
        self._labels: dict[str, str] = {}
        self._unmapped: set[str] = set()  # required fields no column is mapped to
        self._feeds: dict[str, list[str]] = {}  # column -> labels of the fields it feeds
        self._pending: set[int] = set()  # positions whose place under the filter may change
        self._settle_timer = QTimer(self)
        self._settle_timer.setSingleShot(True)
        self._settle_timer.setInterval(0)
        self._settle_timer.timeout.connect(self._settle)
        self._blocks: dict[int, list[list[Any]]] = {}  # visible block -> column -> file texts
        self._italic: QFont | None = None
        self._roles = self._handlers()

    # -- what the model shows ------------------------------------------------------------------

    @property
    def edits(self) -> ReviewEdits:
        if self._edits is None:
            raise RuntimeError("ReviewModel has no result yet")
        return self._edits

    @property
    def columns(self) -> list[str]:
        return list(self._columns)

    def column_name(self, col: int) -> str | None:
        """The file's column shown at model column `col` (None for Problems)."""
        return self._columns[col - 1] if 0 < col <= len(self._columns) else None

    @property
    def row_filter(self) -> RowFilter:
        return self._filter

    def set_edits(self, edits: ReviewEdits) -> None:
        self.beginResetModel()
        self._edits = edits
        result = edits.result
        self._columns = result.table.columns
        self._labels = {f.key: f.label for f in result.endpoint.fields}
        mapped = set(result.mapping.mapped_fields)
        self._unmapped = {f.key for f in result.endpoint.required_fields if f.key not in mapped}
        self._feeds = {}
        for source in result.mapping.sources:
            for column in source.columns:
                self._feeds.setdefault(column, []).append(self._labels.get(source.field, ""))
        self._cells_of.clear()
        self._cache.clear()
        self._pending.clear()
        self._sort_key = None
        self._sort_request += 1
        self._set_sorting(False)
        self._rows = self._visible()
        self._blocks.clear()
        self._index_rows()
        self.endResetModel()

    def set_filter(self, which: RowFilter) -> None:
        """Show all rows, or only the valid or the invalid ones (a mask, kept sorted)."""
        if which == self._filter:
            return
        self._filter = which
        self._pending.clear()
        self._relayout()

    def position(self, row: int) -> int:
        """The table position shown at view row `row`."""
        return int(self._rows[row])

    def row_of(self, pos: int) -> int:
        """The view row showing position `pos`, or -1 when the filter hides it."""
        return int(self._row_of[pos]) if 0 <= pos < len(self._row_of) else -1

    def index_at(self, pos: int, column: str | None = None) -> QModelIndex:
        """The index of a cell (of the row's first column when `column` is not in the table)."""
        row = self.row_of(pos)
        if row < 0:
            return QModelIndex()
        col = self._columns.index(column) + 1 if column in self._columns else PROBLEMS
        return self.index(row, col)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's default
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's default
        return 0 if parent.isValid() or self._edits is None else len(self._columns) + 1

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return _NO_FLAGS
        return _PROBLEM_FLAGS if index.column() == PROBLEMS else _CELL_FLAGS

    def data(self, index: _Index, role: int = _DISPLAY) -> Any:
        # A view asks about seven roles of every cell it paints: unknown roles leave at once,
        # known ones go straight to their helper.
        handler = self._roles.get(role)
        if handler is None or self._edits is None or not index.isValid():
            return None
        row = index.row()
        return handler(row, int(self._rows[row]), index.column())

    def _handlers(self) -> dict[int, Callable[[int, int, int], Any]]:
        def accessible(role: int) -> Callable[[int, int, int], Any]:
            return lambda row, pos, col: self._accessible(pos, col, role)

        return {
            _DISPLAY: self._display,
            int(_R.EditRole): self._display,
            int(_R.BackgroundRole): lambda row, pos, col: self._background(pos, col),
            int(_R.DecorationRole): lambda row, pos, col: self._decoration(pos, col),
            int(_R.ToolTipRole): lambda row, pos, col: self._tooltip(pos, col),
            int(_R.FontRole): lambda row, pos, col: self._font(pos, col),
            int(_R.AccessibleTextRole): accessible(int(_R.AccessibleTextRole)),
            int(_R.AccessibleDescriptionRole): accessible(int(_R.AccessibleDescriptionRole)),
            IssueRole: lambda row, pos, col: self._issues(pos, col),
            SourceRowRole: lambda row, pos, col: int(self.edits.result.table.source_rows[pos]),
            PositionRole: lambda row, pos, col: pos,
            EditedRole: lambda row, pos, col: self._edited(pos, col),
        }

    def _display(self, row: int, pos: int, col: int) -> str:
        if col == PROBLEMS:
            return "  ·  ".join(self._view(pos).lines)
        column = self._columns[col - 1]
        if self.edits.is_edited(pos, column):
            return self.edits.text(pos, column)
        # The file's text, read for a block of visible rows at a time (one Arrow take per
        # column, not one scalar per cell).
        number, offset = divmod(row, _BLOCK)
        block = self._blocks.get(number)
        if block is None:
            if len(self._blocks) > 64:
                self._blocks.clear()
            positions = pa.array(self._rows[number * _BLOCK : (number + 1) * _BLOCK])
            block = [self.edits.original(c).take(positions).to_pylist() for c in self._columns]
            self._blocks[number] = block
        return str(block[col - 1][offset])

    def _issues(self, pos: int, col: int) -> tuple[Issue, ...]:
        view = self._view(pos)
        if col == PROBLEMS:
            return view.issues
        return tuple(i for i in view.issues if col in self._cells(i))

    def _font(self, pos: int, col: int) -> QFont | None:
        if not self._edited(pos, col):
            return None
        if self._italic is None:
            self._italic = edited_font(QGuiApplication.font())
        return self._italic

    def _bad(self, pos: int, col: int) -> bool:
        view = self._view(pos)
        return bool(view.issues) if col == PROBLEMS else col in view.cells

    def _edited(self, pos: int, col: int) -> bool:
        return col != PROBLEMS and self.edits.is_edited(pos, self._columns[col - 1])

    def _background(self, pos: int, col: int) -> object:
        if col != PROBLEMS and self._bad(pos, col):
            return problem_tint()
        if self._edited(pos, col):
            return edited_tint()
        return None

    def _decoration(self, pos: int, col: int) -> object:
        # Problems itself needs no mark: its words are the sign, and the row number has one.
        return problem_icon() if col != PROBLEMS and self._bad(pos, col) else None

    def _tooltip(self, pos: int, col: int) -> str | None:
        view = self._view(pos)
        if col == PROBLEMS:
            return "\n".join(view.lines) or None
        lines = list(view.cells.get(col, []))
        column = self._columns[col - 1]
        if lines:
            lines.append(self.tr("Double-click the cell, or press Enter, to fix it."))
        if self.edits.is_edited(pos, column):
            was = self.edits.original_text(pos, column)
            lines.append(self.tr("You changed this cell; your file has '{was}'.").format(was=was))
        return "\n".join(lines) or None

    def _accessible(self, pos: int, col: int, role: int) -> str:
        view = self._view(pos)
        if role == _R.AccessibleTextRole:
            row = self.row_of(pos)
            return self._display(row, pos, col) if row >= 0 else ""
        messages = view.lines if col == PROBLEMS else view.cells.get(col, [])
        if not messages:
            return self.tr("No problem")
        return self.tr("Problem: {text}").format(text=" ".join(messages))

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if role not in _HEADER_ROLES or self._edits is None:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self._column_header(section, role)
        if not 0 <= section < len(self._rows):
            return None
        pos = int(self._rows[section])
        row = int(self._edits.result.table.source_rows[pos])
        if role == _R.DisplayRole:
            return str(row)
        if role == _R.DecorationRole:
            return None if self._edits.valid[pos] else problem_icon()
        if role in (_R.ToolTipRole, _R.AccessibleDescriptionRole):
            state = self.tr("can be sent") if self._edits.valid[pos] else self.tr("needs a fix")
            return self.tr("Row {row} of your file: {state}").format(row=row, state=state)
        if role == _R.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _column_header(self, section: int, role: int) -> Any:
        if not 0 <= section <= len(self._columns):
            return None
        problems = section == PROBLEMS
        if role == _R.DisplayRole:
            return self.tr("Problems") if problems else self._columns[section - 1]
        if role == _R.ToolTipRole:
            if problems:
                return self.tr("Every problem of the row, in plain words")
            labels = self._feeds.get(self._columns[section - 1])
            system = self.edits.result.endpoint.system_label
            if not labels:
                return self.tr("Not sent: no {system} field is mapped to this column").format(
                    system=system
                )
            return self.tr("Sent to {system} as {fields}").format(
                system=system, fields=", ".join(labels)
            )
        return None

    def _view(self, pos: int) -> _RowView:
        view = self._cache.get(pos)
        if view is None:
            if len(self._cache) > 4096:  # a few screens' worth; the rest is cheap to rebuild
                self._cache.clear()
            issues = self.edits.issues_at(pos)
            cells: dict[int, list[str]] = {}
            for issue in issues:
                for col in self._cells(issue):
                    cells.setdefault(col, []).append(issue.message)
            # The row's own problems first; a field mapped to no column (every row's) last.
            ordered = sorted(
                issues, key=lambda i: i.code == "required" and i.field in self._unmapped
            )
            lines = tuple(self._line(i) for i in ordered)
            view = self._cache[pos] = _RowView(issues, cells, lines)
        return view

    def _line(self, issue: Issue) -> str:
        """A problem for the Problems column: "Email: 'x' has no @…". A rule across fields and a
        required cell say their own sentence (a label in front would mislead or repeat), and a
        field no column is mapped to, said once above the table, is named briefly."""
        label = self._labels.get(issue.field, issue.field)
        if issue.code == "required" and issue.field in self._unmapped:
            return self.tr("{label} is not mapped (see above)").format(label=label)
        if issue.code in _RULE_CODES or issue.code == "required":
            return issue.message
        return f"{label}: {issue.message}"

    def _cells(self, issue: Issue) -> tuple[int, ...]:
        """The table columns that show a problem: its column, else the columns feeding its field
        (for "fill in one of", those of every field the rule names)."""
        key = (issue.field, issue.code, issue.column)
        if key not in self._cells_of:
            index = {c: i + 1 for i, c in enumerate(self._columns)}
            if issue.column in index:
                self._cells_of[key] = (index[issue.column],)
            else:
                result = self.edits.result
                fields = [issue.field]
                if issue.code == "one_of":
                    for rule in result.endpoint.rules:
                        if rule.kind == "one_of" and rule.fields[0] == issue.field:
                            fields = list(rule.fields)
                columns = [
                    c for f in fields if (s := result.mapping.for_field(f)) for c in s.columns
                ]
                self._cells_of[key] = tuple(dict.fromkeys(index[c] for c in columns if c in index))
        return self._cells_of[key]

    # -- editing -------------------------------------------------------------------------------

    def setData(self, index: _Index, value: Any, role: int = _R.EditRole) -> bool:
        if role != _R.EditRole or not index.isValid() or index.column() == PROBLEMS:
            return False
        pos, column = int(self._rows[index.row()]), self._columns[index.column() - 1]
        text = "" if value is None else str(value)
        old = self.edits.text(pos, column)
        if text == old:
            return False
        self._stack.push(EditCellCommand(self, pos, column, old, text))
        return True

    def apply_edit(self, pos: int, column: str, text: str) -> None:
        """Set a cell and re-check it now (the undo commands call this); a row that leaves the
        filter goes at the next turn of the event loop, once any editor has closed."""
        change = self.edits.edit(pos, column, text)
        if change.rebased:
            self._cache.clear()
            self._relayout()
            if self._rows.size:
                last = self.index(len(self._rows) - 1, len(self._columns))
                self.dataChanged.emit(self.index(0, 0), last)
                self.headerDataChanged.emit(Qt.Orientation.Vertical, 0, len(self._rows) - 1)
        else:
            for p in sorted({pos, *change.rows}):
                self._cache.pop(p, None)
                row = self.row_of(p)
                if row >= 0:
                    last = self.index(row, len(self._columns))
                    self.dataChanged.emit(self.index(row, 0), last)
                    self.headerDataChanged.emit(Qt.Orientation.Vertical, row, row)
            if self._filter is not RowFilter.ALL and change.rows:
                self._pending.update(change.rows)
                self._settle_timer.start()
        self.changed.emit(change)

    # -- which rows, in which order ------------------------------------------------------------

    def _mask(self) -> npt.NDArray[np.bool_] | None:
        if self._filter is RowFilter.ALL:
            return None
        valid = self.edits.valid
        return valid if self._filter is RowFilter.VALID else ~valid

    def _visible(self) -> npt.NDArray[np.int64]:
        return visible_rows(self._sort_key, self._mask(), len(self.edits))

    def _index_rows(self) -> None:
        self._row_of = np.full(len(self.edits), -1, dtype=np.int64)
        self._row_of[self._rows] = np.arange(len(self._rows), dtype=np.int64)

    def _relayout(self) -> None:
        """Recompute the visible rows, keeping every persistent index (selection, current cell)
        on its row wherever that row moves, or dropping it when the row is hidden."""
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        kept = [(int(self._rows[i.row()]), i.column()) for i in persistent]
        self._rows = self._visible()
        self._blocks.clear()
        self._index_rows()
        moved = [
            self.index(self.row_of(p), c) if self.row_of(p) >= 0 else QModelIndex() for p, c in kept
        ]
        self.changePersistentIndexList(persistent, moved)
        self.layoutChanged.emit()

    @Slot()
    def _settle(self) -> None:
        """Hide the rows that left the filter and show those that joined it, one by one, so the
        views keep their place."""
        if self._edits is None or not self._pending:
            return
        mask = self._mask()
        pending, self._pending = self._pending, set()
        if mask is None:
            return
        leaving = sorted(self.row_of(p) for p in pending if self.row_of(p) >= 0 and not mask[p])
        for row in reversed(leaving):
            self.beginRemoveRows(QModelIndex(), row, row)
            self._row_of[self._rows[row]] = -1
            self._row_of[self._rows[row + 1 :]] -= 1
            self._rows = np.delete(self._rows, row)
            self._blocks.clear()
            self.endRemoveRows()
        for p in sorted(p for p in pending if self.row_of(p) < 0 and mask[p]):
            if self._sort_key is None:
                row = int(np.searchsorted(self._rows, p))
            else:
                row = int(np.searchsorted(self._sort_key[self._rows], self._sort_key[p], "right"))
            self.beginInsertRows(QModelIndex(), row, row)
            self._rows = np.insert(self._rows, row, p)
            self._blocks.clear()
            self._row_of[self._rows[row + 1 :]] += 1
            self._row_of[p] = row
            self.endInsertRows()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Order the rows by one column; -1 restores the file's order, Problems puts the rows
        needing a fix first. From SORT_ASIDE_ROWS rows the order is computed on a worker and
        applied when it arrives (`sorting` tells when); a later sort supersedes it."""
        if self._edits is None:
            return
        self._sort_request += 1
        descending = order == Qt.SortOrder.DescendingOrder
        if column == PROBLEMS:
            self._apply_order(fix_first(self.edits.valid, descending=descending))
            return
        if not 0 < column <= len(self._columns):
            self._apply_order(None)
            return
        values = self.edits.column(self._columns[column - 1])
        if len(values) < SORT_ASIDE_ROWS:
            self._apply_order(by_column(values, descending=descending))
            return
        request = self._sort_request
        self._set_sorting(True)
        self._workers.start(
            lambda _report: (request, by_column(values, descending=descending)),
            "sorting the rows",
            finished=self._on_sorted,
            failed=self._on_sort_failed,
        )

    @Slot(object)
    def _on_sorted(self, answer: object) -> None:
        request, place = cast("tuple[int, npt.NDArray[np.int64]]", answer)  # what sort() started
        if request == self._sort_request and self._edits is not None:
            self._apply_order(place)

    @Slot(object)
    def _on_sort_failed(self, _error: object) -> None:
        self._set_sorting(False)  # the rows stay in their order; the worker logged the cause

    def _apply_order(self, place: npt.NDArray[np.int64] | None) -> None:
        self._sort_key = place
        self._relayout()
        self._set_sorting(False)

    def _set_sorting(self, busy: bool) -> None:
        if busy != self._sorting_aside:
            self._sorting_aside = busy
            self.sorting.emit(busy)

    @property
    def sorting_aside(self) -> bool:
        """Whether a big table's order is being computed."""
        return self._sorting_aside
