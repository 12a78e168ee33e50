"""The order of the Review table's rows: one place per row, and the visible rows in that order.

An order is a permutation `place` (place[pos] is row pos's place, 0 first), so the visible rows
under a filter come out in O(n) by inverting it, with no second sort. Computing a column's order
for a million rows takes about half a second; it needs only an Arrow array (immutable), so a
caller may run it on a worker thread while edits go on.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from rowboat.core.arrow_text import filled_mask

if TYPE_CHECKING:
    import numpy.typing as npt

__all__ = ["by_column", "fix_first", "visible_rows"]


def by_column(values: pa.Array, *, descending: bool = False) -> npt.NDArray[np.int64]:
    """Each row's place when ordered by `values`: numbers as numbers when every filled cell is
    one (empty cells then last), text regardless of case; ties keep the file's order."""
    n = len(values)
    keys: pa.Array = pc.utf8_lower(values)
    filled = filled_mask(values)
    if filled.any():
        try:
            trimmed = pc.utf8_trim_whitespace(values.filter(pa.array(filled)))
            numbers = pc.cast(trimmed, pa.float64())
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            pass
        else:
            full = np.full(n, -np.inf if descending else np.inf)
            full[filled] = np.asarray(numbers)
            keys = pa.array(full)
    direction = "descending" if descending else "ascending"
    ranks = pc.rank(keys, sort_keys=direction, tiebreaker="first")
    return np.asarray(ranks, dtype=np.int64) - 1  # Arrow's ranks start at 1


def fix_first(valid: npt.NDArray[np.bool_], *, descending: bool = False) -> npt.NDArray[np.int64]:
    """Each row's place with the rows that need a fix first (last when descending), each group
    in the file's order."""
    first = ~valid if not descending else valid
    order = np.concatenate([np.flatnonzero(first), np.flatnonzero(~first)])
    return _inverse(order)


def visible_rows(
    place: npt.NDArray[np.int64] | None, shown: npt.NDArray[np.bool_] | None, n: int
) -> npt.NDArray[np.int64]:
    """The positions shown (all when `shown` is None), in order of `place` (the file's order
    when None)."""
    if place is None:
        return np.arange(n, dtype=np.int64) if shown is None else np.flatnonzero(shown)
    order = _inverse(place)
    return order if shown is None else order[shown[order]]


def _inverse(permutation: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    inverse = np.empty_like(permutation, dtype=np.int64)
    inverse[permutation] = np.arange(len(permutation), dtype=np.int64)
    return inverse
