"""The checks of date and datetime columns: dates read in their column's order, the dates that
fail only in that order said so, and Excel serial numbers read as dates or explained."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from rowboat.core.arrow_text import as_arrow, as_series, scalar
from rowboat.core.decisions import DateOrder
from rowboat.core.validation.dates import ParsedDates, parse_dates
from rowboat.core.validation.facts import DateFacts
from rowboat.core.validation.findings import Checked, Options, Positions, quote

if TYPE_CHECKING:
    from rowboat.core.targets.schema import Field

__all__ = ["OFFSET", "check_date", "check_datetime"]


def _concat(*parts: pa.Array) -> pa.Array:
    return pc.binary_join_element_wise(*parts, scalar(""))


def _from_dates(parsed: pd.Series, fmt: str) -> pa.Array:
    return as_arrow(parsed.dt.strftime(fmt).fillna(""))


def _order_messages(out: Checked, parsed: ParsedDates, kind: str) -> None:
    """Dates that fail only in the order the column was read in say so, and why it was."""
    choice = parsed.choice
    if choice is None or not parsed.other_order.any():
        return
    first = "the day" if choice.order is DateOrder.DMY else "the month"
    read = "day-first" if choice.order is DateOrder.DMY else "month-first"
    out.flag(
        parsed.other_order,
        f"{kind}.order",
        f"{{q}} is not a date when {first} comes first; the column was read {read} because "
        f"{choice.reason}.",
    )


def _serial_messages(out: Checked, parsed: ParsedDates, kind: str) -> None:
    """Excel serial numbers left as numbers (serial dates turned off) say what they would be."""
    if parsed.serial_read or not parsed.serial.any():
        return
    positions = np.flatnonzero(parsed.serial)
    values = out.at(positions)
    days = pd.Series([float(x.replace(",", ".")) for x in values])
    as_dates = pd.to_datetime(days, unit="D", origin="1899-12-30").dt.round("s")
    shown = as_dates.dt.strftime("%Y-%m-%d %H:%M" if kind == "datetime" else "%Y-%m-%d").tolist()
    out.flag_each(
        positions,
        [
            (
                f"{kind}.serial",
                f"{quote(v)} is a number, not a date; it looks like an Excel date number "
                f"({d}). To read such numbers as dates, use --serial-dates yes (on the Map "
                "step: Read Excel date numbers as dates).",
            )
            for v, d in zip(values, shown, strict=True)
        ],
    )


def _date_facts(out: Checked, parsed: ParsedDates, o: Options) -> DateFacts:
    serials = np.flatnonzero(parsed.serial)
    return DateFacts(
        parsed.votes,
        parsed.choice,
        len(serials),
        parsed.serial_read,
        int(parsed.other_order.sum()),
        o.date_format,
        out.at(serials[:1])[0] if len(serials) else "",
    )


def check_date(v: pa.Array, f: Field, o: Options) -> Checked:
    out = Checked(v)
    parsed = parse_dates(as_series(v), o)
    _order_messages(out, parsed, "date")
    _serial_messages(out, parsed, "date")
    out.flag(
        parsed.values.isna().to_numpy(),
        "date.invalid",
        "{q} is not a date. Use a date like 2026-03-14.",
    )
    out.value = _from_dates(parsed.values, "%Y-%m-%d")
    out.facts = _date_facts(out, parsed, o)
    return out


OFFSET = r"(Z|[+-]\d{2}:?\d{2})$"


def check_datetime(v: pa.Array, f: Field, o: Options) -> Checked:
    out = Checked(v)
    values = as_series(v)
    offset = values.str.extract(OFFSET)[0].fillna("")
    offset = offset.str.replace(r"^([+-]\d{2})(\d{2})$", r"\1:\2", regex=True)
    bare = values.str.replace(OFFSET, "", regex=True).str.strip()
    parsed = parse_dates(bare, o)
    _order_messages(out, parsed, "datetime")
    _serial_messages(out, parsed, "datetime")
    out.flag(
        parsed.values.isna().to_numpy(),
        "datetime.invalid",
        "{q} is not a date and time. Use one like 2026-03-14 09:30.",
    )
    timed = bare.str.contains(r"\d:\d\d").to_numpy(dtype=bool).copy()
    serial = parsed.serial & parsed.serial_read
    if serial.any():  # a serial number's fraction is its time of day: 46023.5 is noon
        fraction = bare.str.fullmatch(r"\d{5}[.,]\d*[1-9]\d*").to_numpy(dtype=bool)
        timed |= serial & fraction

        def whole_serial(positions: Positions) -> list[str]:
            days = parsed.values.to_numpy()[positions]
            return [
                f"{quote(s)} is an Excel date number ({pd.Timestamp(d):%Y-%m-%d}) with no time "
                "of day. Add one, like 2026-03-14 09:30, or give the cell a date and time in "
                "Excel."
                for s, d in zip(out.at(positions), days, strict=True)
            ]

        out.flag(serial & ~timed, "datetime.no_time", whole_serial)
    out.flag(
        ~timed,
        "datetime.no_time",
        "{q} has no time of day. Add one, like 2026-03-14 09:30.",
    )
    out.value = _concat(_from_dates(parsed.values, "%Y-%m-%dT%H:%M:%S"), as_arrow(offset))
    out.facts = _date_facts(out, parsed, o)
    return out
