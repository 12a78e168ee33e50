"""OutcomesModel: what became of each row of an import, over the journal's outcomes, virtualised.

The outcomes are numpy arrays (row numbers, outcome codes) and one list of reasons, made in a
worker by `OutcomeRows.of()`; the filter by outcome is a mask over the codes inside the model,
never a proxy calling Python once per row.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

import numpy as np
from PySide6.QtCore import QAbstractTableModel, QCoreApplication, QModelIndex, Qt

from rowboat.core.jobs.outcomes import OUTCOME_WORDS
from rowboat.core.submit.model import Outcome
from rowboat.gui.delegates import problem_icon, problem_tint

if TYPE_CHECKING:
    from collections.abc import Iterable

    import numpy.typing as npt
    from PySide6.QtCore import QObject, QPersistentModelIndex

    from rowboat.core.submit.model import RowOutcome

__all__ = ["OUTCOME_CODES", "OutcomeFilter", "OutcomeRows", "OutcomesModel", "RowRole"]

_R = Qt.ItemDataRole
OUTCOME_CODES: tuple[Outcome, ...] = tuple(Outcome)  # an outcome's code is its place here
RowRole = int(_R.UserRole)  # int: the row's number in the user's file
_TO_FIX = frozenset({Outcome.REJECTED, Outcome.UNKNOWN})
ROW, OUTCOME, REASON = range(3)


class OutcomeFilter(StrEnum):
    """The groups a person filters by; "not sent" holds both kinds of row that never left."""

    ALL = "all"
    CREATED = "created"
    UPDATED = "updated"
    ACCEPTED = "accepted"
    SKIPPED = "skipped"
    REJECTED = "rejected"
    UNKNOWN = "unknown"
    NOT_SENT = "not sent"

    @property
    def outcomes(self) -> frozenset[Outcome]:
        if self is OutcomeFilter.ALL:
            return frozenset(Outcome)
        if self is OutcomeFilter.NOT_SENT:
            return frozenset({Outcome.INVALID, Outcome.PLANNED})
        return frozenset({Outcome(self.value)})


@dataclass(frozen=True)
class OutcomeRows:
    """Every row's outcome of one import, as arrays (made off the GUI thread, never changed)."""

    import_id: str
    rows: npt.NDArray[np.int64]
    codes: npt.NDArray[np.int8]
    reasons: tuple[str, ...]

    @classmethod
    def of(cls, import_id: str, outcomes: Iterable[RowOutcome]) -> OutcomeRows:
        """From the journal's RowOutcomes (in the file's order)."""
        code_of = {o: i for i, o in enumerate(OUTCOME_CODES)}
        rows: list[int] = []
        codes: list[int] = []
        reasons: list[str] = []
        for o in outcomes:
            rows.append(o.row)
            codes.append(code_of[o.outcome])
            reasons.append(o.message)
        return cls(
            import_id,
            np.asarray(rows, dtype=np.int64),
            np.asarray(codes, dtype=np.int8),
            tuple(reasons),
        )

    @classmethod
    def empty(cls) -> OutcomeRows:
        return cls("", np.empty(0, np.int64), np.empty(0, np.int8), ())

    def __len__(self) -> int:
        return len(self.rows)

    def count(self, which: OutcomeFilter) -> int:
        if which is OutcomeFilter.ALL:
            return len(self.rows)
        return int(np.count_nonzero(self.mask(which)))

    def mask(self, which: OutcomeFilter) -> npt.NDArray[np.bool_]:
        wanted = [OUTCOME_CODES.index(o) for o in which.outcomes]
        return np.isin(self.codes, np.asarray(wanted, dtype=np.int8))


def outcome_words(outcome: Outcome) -> str:
    """The core's words for an outcome, through Qt's translation."""
    return QCoreApplication.translate("Outcome", OUTCOME_WORDS[outcome])


class OutcomesModel(QAbstractTableModel):
    """Row (in the user's file), Outcome and Reason, for the rows the filter shows."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._data = OutcomeRows.empty()
        self._filter = OutcomeFilter.ALL
        self._visible: npt.NDArray[np.int64] = np.empty(0, dtype=np.int64)
        self._headers = (self.tr("Row"), self.tr("Outcome"), self.tr("Reason"))
        self._words = [outcome_words(o) for o in OUTCOME_CODES]

    @property
    def words(self) -> tuple[str, ...]:
        """Each outcome's words, as the Outcome column shows them."""
        return tuple(self._words)

    @property
    def outcomes(self) -> OutcomeRows:
        return self._data

    @property
    def row_filter(self) -> OutcomeFilter:
        return self._filter

    def set_outcomes(self, data: OutcomeRows) -> None:
        self.beginResetModel()
        self._data = data
        self._visible = self._positions()
        self.endResetModel()

    def set_filter(self, which: OutcomeFilter) -> None:
        self.beginResetModel()
        self._filter = which
        self._visible = self._positions()
        self.endResetModel()

    def _positions(self) -> npt.NDArray[np.int64]:
        if self._filter is OutcomeFilter.ALL:
            return np.arange(len(self._data), dtype=np.int64)
        return np.flatnonzero(self._data.mask(self._filter)).astype(np.int64)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._visible)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 3

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = _R.DisplayRole
    ) -> Any:
        if orientation is Qt.Orientation.Horizontal and role == _R.DisplayRole:
            return self._headers[section] if 0 <= section < 3 else None
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = _R.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._visible):
            return None
        pos = int(self._visible[index.row()])
        code = int(self._data.codes[pos])
        column = index.column()
        if role in (_R.DisplayRole, _R.ToolTipRole, _R.AccessibleTextRole):
            if column == ROW:
                return str(int(self._data.rows[pos]))
            if column == OUTCOME:
                return self._words[code]
            return self._data.reasons[pos] or None
        if role == RowRole:
            return int(self._data.rows[pos])
        to_fix = OUTCOME_CODES[code] in _TO_FIX
        if role == _R.DecorationRole and column == OUTCOME and to_fix:
            return problem_icon()  # a sign beside the tint: colour is never the only one
        if role == _R.BackgroundRole and to_fix:
            return problem_tint()
        if role == _R.TextAlignmentRole and column == ROW:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None
