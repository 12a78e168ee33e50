"""Cell values as the user sees them: whole numbers without ".0", ISO dates, no serial numbers."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from rowboat.core.arrow_text import patch, scalar

__all__ = ["display_strings"]

# Calamine writes a date in a column that also holds text as "2025-05-21 00:00:00", and a
# whole number as "12.0". Each repair is anchored, so other cells pass through unchanged.
_REPAIRS = (
    (r"^(\d{4}-\d{2}-\d{2})[ T]00:00:00$", r"\1"),
    (r"^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})$", r"\1T\2"),
    (r"^(-?\d+)\.0$", r"\1"),
)


def display_strings(column: pa.Array | pa.ChunkedArray) -> pa.Array:
    """One column as large_string display text ("" for an empty cell), vectorised."""
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    kind = column.type
    if pa.types.is_boolean(kind):
        values = pc.if_else(column, scalar("TRUE"), scalar("FALSE"))
    elif pa.types.is_timestamp(kind) or pa.types.is_date(kind):
        has_time = (
            pa.types.is_timestamp(kind)
            and pc.any(pc.not_equal(column, pc.floor_temporal(column, unit="day"))).as_py()
        )
        values = pc.strftime(column, format="%Y-%m-%dT%H:%M:%S" if has_time else "%Y-%m-%d")
    elif pa.types.is_floating(kind) or pa.types.is_integer(kind):
        values = _numbers(column)
    else:
        values = column.cast(pa.large_string())
    values = pc.fill_null(values.cast(pa.large_string()), scalar(""))
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        # Plain substring tests are cheap; the regexes run only on the cells they pick out.
        candidates = pc.or_(pc.ends_with(values, ".0"), pc.match_substring(values, ":"))
        values = patch(values, candidates, _repair)
    return values


def _repair(values: pa.Array) -> pa.Array:
    for pattern, replacement in _REPAIRS:
        values = pc.replace_substring_regex(values, pattern, replacement)
    return values


def _numbers(column: pa.Array) -> pa.Array:
    """Phones and ids typed as numbers keep every digit: 4915112345600, not 4.9e12."""
    floats = column.cast(pa.float64())
    whole = pc.equal(pc.floor(floats), floats)
    safe = pc.less(pc.abs(floats), 2.0**53)
    if pc.all(pc.and_(whole, safe)).as_py() in (True, None):
        return column.cast(pa.int64()) if pa.types.is_floating(column.type) else column
    return floats  # Arrow writes the shortest text that reads back as the same number
