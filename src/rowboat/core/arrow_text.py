"""Text columns as Arrow arrays: the conversions and small helpers mapping and validation share.

The heavy work on columns runs through pyarrow.compute: the same vectorised kernels pandas' str
accessor uses for Arrow-backed strings, without its per-call overhead and without the silent fall
back to a Python loop that some patterns trigger. Arrays here are large_string without nulls
("" for an empty cell), so every kernel sees one string type.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

if TYPE_CHECKING:
    from collections.abc import Callable

    import numpy.typing as npt

__all__ = ["as_arrow", "as_series", "filled_mask", "mask_array", "patch", "scalar"]


def scalar(value: str) -> pa.Scalar:
    """A large_string scalar: Arrow kernels want the same string type on every argument."""
    return pa.scalar(value, type=pa.large_string())


def as_arrow(series: pd.Series) -> pa.Array:
    """The column as an Arrow string array without nulls (no copy for Arrow-backed columns)."""
    try:
        values = pa.array(series.array)
    except (pa.ArrowInvalid, pa.ArrowTypeError):  # object columns of mixed values
        values = pa.array(series.astype("str").array)
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    if not pa.types.is_large_string(values.type):
        values = values.cast(pa.large_string())
    return pc.fill_null(values, scalar("")) if values.null_count else values


def as_series(values: pa.Array, index: pd.Index | None = None) -> pd.Series:
    """An Arrow string array as a pandas str column (no copy)."""
    return pd.Series(pd.array(values, dtype="str"), index=index)


def mask_array(mask: pa.Array | npt.NDArray[np.bool_]) -> npt.NDArray[np.bool_]:
    """A boolean mask as numpy, nulls counting as False."""
    if isinstance(mask, np.ndarray):
        return mask
    return np.asarray(pc.fill_null(mask, False).to_numpy(zero_copy_only=False), dtype=bool)


def filled_mask(values: pa.Array) -> npt.NDArray[np.bool_]:
    """Which cells hold something besides whitespace."""
    return mask_array(pc.not_equal(pc.utf8_trim_whitespace(values), scalar("")))


def patch(values: pa.Array, mask: pa.Array, change: Callable[[pa.Array], pa.Array]) -> pa.Array:
    """`values` with `change` applied to the rows `mask` selects, and only to those.

    Most cells need no repair, so running the costly kernels on the few that do keeps a million
    rows fast.
    """
    if not pc.any(mask).as_py():
        return values
    if pc.all(mask).as_py():
        return change(values)
    return pc.replace_with_mask(values, mask, change(pc.filter(values, mask)))
