"""Cell values as the user sees them: whole numbers without ".0", ISO dates, no serial numbers."""

from __future__ import annotations

import pandas as pd

__all__ = ["display_strings"]

_MIDNIGHT = r"^(\d{4}-\d{2}-\d{2})[ T]00:00:00$"
_DATETIME = r"^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})$"
_WHOLE = r"^(-?\d+)\.0$"


def display_strings(column: pd.Series) -> pd.Series:
    """One column as display strings ("" for empty), vectorised over the column."""
    if pd.api.types.is_bool_dtype(column):
        flags: pd.Series = column.map({True: "TRUE", False: "FALSE"}).fillna("").astype(str)
        return flags
    if pd.api.types.is_datetime64_any_dtype(column):
        has_time = bool((column.dropna() != column.dropna().dt.normalize()).any())
        fmt = "%Y-%m-%dT%H:%M:%S" if has_time else "%Y-%m-%d"
        dates: pd.Series = column.dt.strftime(fmt).astype(str).where(column.notna(), "")
        return dates
    if pd.api.types.is_numeric_dtype(column):
        values = column.astype("float64")
        whole = values.dropna()
        if bool(((whole % 1) == 0).all()) and bool((whole.abs() < 2**53).all()):
            # Phones and ids typed as numbers keep every digit: 4915112345600, not 4.9e12.
            return values.astype("Int64").astype(str).where(values.notna(), "")
        return values.map(lambda v: "" if pd.isna(v) else f"{v:.15g}").astype(str)
    text = column.astype(str).where(column.notna(), "")
    # Calamine hands back dates in a column with other text as "2025-05-21 00:00:00". Replacing
    # with back-references runs per value in Python, so only the values that match are touched.
    for pattern, replacement in ((_MIDNIGHT, r"\1"), (_DATETIME, r"\1T\2"), (_WHOLE, r"\1")):
        hits = text.str.match(pattern)
        if bool(hits.any()):
            text = text.where(~hits, text[hits].str.replace(pattern, replacement, regex=True))
    return text
