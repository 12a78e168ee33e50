"""RepeatIndex: where each value of a unique field sits in the file, kept current as cells change.

validate() calls a row a repeat when an earlier row holds the same normalised value (compared
without case, empty values never repeat). Re-checking one row needs the value's first row without
a pass over the file: the index groups the rows of each value once, from the validated column, and
edits move single rows between groups in a small overlay.
"""

from __future__ import annotations

import bisect
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

if TYPE_CHECKING:
    import numpy.typing as npt

__all__ = ["RepeatIndex", "repeat_keys"]


def repeat_keys(normal: pa.Array) -> list[str]:
    """The keys validate() compares: normalised values in lower case ("" never repeats)."""
    return [str(k) for k in pc.utf8_lower(normal).to_pylist()]


class _Sorted:
    """A sorted Arrow string array as a sequence of str, for bisect."""

    def __init__(self, values: pa.Array) -> None:
        self._values = values

    def __len__(self) -> int:
        return len(self._values)

    def __getitem__(self, i: int) -> str:
        return str(self._values[i].as_py())


class RepeatIndex:
    """The rows holding each key of one field: the validated column's groups plus moved rows.

    Built by one stable sort of the keys (no Python object per row); a key's rows are found by
    binary search, so building a million-row index takes a fraction of a second.
    """

    def __init__(self, normal: pa.Array) -> None:
        self._keys = pc.utf8_lower(normal)
        order = pc.sort_indices(self._keys)  # stable: a key's rows stay in file order
        self._order: npt.NDArray[np.int64] = np.asarray(order, dtype=np.int64)
        self._sorted = _Sorted(self._keys.take(order))
        self._moved: dict[int, str] = {}  # row -> its key now, for rows moved since the build
        self._joined: dict[str, list[int]] = {}  # key -> moved rows now holding it, ascending

    def key(self, row: int) -> str:
        if row in self._moved:
            return self._moved[row]
        return str(self._keys[row].as_py())

    def _original(self, key: str) -> npt.NDArray[np.int64]:
        start = bisect.bisect_left(self._sorted, key)
        stop = bisect.bisect_right(self._sorted, key, lo=start)
        return self._order[start:stop]

    def rows(self, key: str) -> list[int]:
        """Every row holding `key` now, ascending."""
        if key == "":
            return []
        original = self._original(key)
        if self._moved and len(original):
            moved = np.fromiter(self._moved, dtype=np.int64, count=len(self._moved))
            original = original[~np.isin(original, moved)]
        joined = self._joined.get(key, [])
        if not joined:
            return [int(r) for r in original]
        return sorted([int(r) for r in original] + joined)

    def first(self, key: str) -> int | None:
        """The earliest row holding `key` now (the one its repeats point to)."""
        if key == "":
            return None
        first: int | None = None
        for row in self._original(key):  # usually the first one: rows rarely move away
            if int(row) not in self._moved:
                first = int(row)
                break
        joined = self._joined.get(key)
        if joined and (first is None or joined[0] < first):
            first = joined[0]
        return first

    def move(self, row: int, key: str) -> list[str]:
        """Give `row` a new key; the keys whose first row changed (their repeats all change)."""
        old = self.key(row)
        if old == key:
            return []
        before = (self.first(old), self.first(key))
        if row in self._moved:
            joined = self._joined[old]
            joined.pop(bisect.bisect_left(joined, row))
            if not joined:
                del self._joined[old]
        self._moved[row] = key
        bisect.insort(self._joined.setdefault(key, []), row)
        after = (self.first(old), self.first(key))
        return [k for k, b, a in zip((old, key), before, after, strict=True) if k and b != a]
