"""Reading dates as people type them: ISO, either day order, Excel serials, month names."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from rowboat.core.decisions import DateOrder
from rowboat.core.validation.countries import fold

if TYPE_CHECKING:
    from collections.abc import Callable

    import numpy.typing as npt

    from rowboat.core.table import LocaleHint
    from rowboat.core.validation.findings import Options

__all__ = [
    "MONTH_FIRST_REGIONS",
    "OrderChoice",
    "OrderVotes",
    "ParsedDates",
    "choose_order",
    "parse_dates",
]

# Where dates written with numbers put the month first; everywhere else the day comes first
# (year-first countries write the year first, so a date with the year last reads day first).
MONTH_FIRST_REGIONS = frozenset({"US", "PH", "GU", "PR", "AS", "VI", "UM", "FM", "MH", "PW"})
# The day-month-year shape whose order the column decides, and its parts (readings.py counts
# the same shape on the same values).
DMY_SHAPE = r"^\d{1,2}[./-]\d{1,2}[./-]\d{2,4}"
_DMY_PARTS = r"^(\d{1,2})([./-])(\d{1,2})[./-](\d{2,4})(.*)$"
_YEAR_FIRST = r"^(\d{4})[./](\d{1,2})[./](\d{1,2})(.*)$"  # 2026/04/03: only one way to read
SERIAL = r"\d{5}(?:[.,]\d+)?"  # an Excel date serial: 10000 is 1927, 99999 is 2173


@dataclass(frozen=True)
class OrderVotes:
    """What a column's day-month-year dates (03/04/2026) say about their order."""

    shaped: int  # dates of that shape
    first_big: int  # first number above 12: only the day can be
    second_big: int  # second number above 12
    not_slash: int  # written with dots or dashes, as month-first dates are not


@dataclass(frozen=True)
class OrderChoice:
    """The order a column's dates are read in, and why.

    `basis` is what decided: "given" (the user), "data", "mixed" (dates that settle it both
    ways: the larger share wins), "hint" (the file's locale), "separator" or "region".
    `reason` finishes "the column was read day-first because …"; it names no counts, so it stays
    the same while edits move them (readings.py re-checks one row with the same choice).
    """

    order: DateOrder
    basis: str
    reason: str
    detail: str = ""  # the locale hint's full sentence, for the decision's evidence

    @property
    def settled(self) -> bool:
        return self.basis in {"given", "data"}


def choose_order(
    votes: OrderVotes, given: DateOrder | None, hint: LocaleHint | None, region: str
) -> OrderChoice:
    """The order of a column's dates: as given, else as its dates settle it, else as the file's
    locale, its separators or the region suggest."""
    if given is not None:
        return OrderChoice(given, "given", "that order was chosen for it")
    if votes.first_big and not votes.second_big:
        return OrderChoice(DateOrder.DMY, "data", "other dates in it only make sense day-first")
    if votes.second_big and not votes.first_big:
        return OrderChoice(DateOrder.MDY, "data", "other dates in it only make sense month-first")
    if votes.first_big:
        if votes.second_big > votes.first_big:
            reason = "more of its dates make sense only month-first than only day-first"
            return OrderChoice(DateOrder.MDY, "mixed", reason)
        reason = "more of its dates make sense only day-first than only month-first"
        return OrderChoice(DateOrder.DMY, "mixed", reason)
    if hint is not None:
        return OrderChoice(hint.order, "hint", hint.reason, hint.evidence)
    if votes.not_slash:
        reason = "its dates are written with dots or dashes, as day-first dates are"
        return OrderChoice(DateOrder.DMY, "separator", reason)
    region = region.upper()
    if region in MONTH_FIRST_REGIONS:
        reason = f"the region is {region}, where dates put the month first"
        return OrderChoice(DateOrder.MDY, "region", reason)
    return OrderChoice(
        DateOrder.DMY, "region", f"the region is {region}, where dates put the day first"
    )


@dataclass(frozen=True)
class ParsedDates:
    """Dates read from a column: `values` (NaT where not a date), how its ambiguous dates were
    ordered (`choice`, None when it has none), which values are dates only in the other order
    (`other_order`), and which are Excel serial numbers (`serial`: read as dates or not)."""

    values: pd.Series
    votes: OrderVotes
    choice: OrderChoice | None
    other_order: npt.NDArray[np.bool_]
    serial: npt.NDArray[np.bool_]
    serial_read: bool


def _votes(parts: pd.DataFrame) -> OrderVotes:
    a, b = parts[0].astype(int), parts[2].astype(int)
    return OrderVotes(
        len(parts), int((a > 12).sum()), int((b > 12).sum()), int((parts[1] != "/").sum())
    )


def _ordered(parts: pd.DataFrame, order: DateOrder) -> pd.Series:
    """Day-month-year parts read in `order`."""
    a, b, c = parts[0].astype(int), parts[2].astype(int), parts[3].astype(int)
    if order is DateOrder.YMD:
        year, month, day = a, b, c
    elif order is DateOrder.DMY:
        day, month, year = a, b, c
    else:
        month, day, year = a, b, c
    year = year.where(year >= 100, year + 2000)
    text = year.astype(str) + "-" + month.astype(str) + "-" + day.astype(str) + parts[4]
    return _plausible(pd.to_datetime(text, format="mixed", errors="coerce"))


_MONTHS = {
    "januar": 1,
    "janvier": 1,
    "enero": 1,
    "janeiro": 1,
    "februar": 2,
    "fevrier": 2,
    "febrero": 2,
    "fevereiro": 2,
    "marz": 3,
    "mars": 3,
    "marzo": 3,
    "marco": 3,
    "april": 4,
    "avril": 4,
    "abril": 4,
    "mai": 5,
    "mayo": 5,
    "maio": 5,
    "juni": 6,
    "juin": 6,
    "junio": 6,
    "junho": 6,
    "juli": 7,
    "juillet": 7,
    "julio": 7,
    "julho": 7,
    "august": 8,
    "aout": 8,
    "agosto": 8,
    "september": 9,
    "septembre": 9,
    "septiembre": 9,
    "setembro": 9,
    "oktober": 10,
    "octobre": 10,
    "octubre": 10,
    "outubro": 10,
    "november": 11,
    "novembre": 11,
    "noviembre": 11,
    "novembro": 11,
    "dezember": 12,
    "decembre": 12,
    "diciembre": 12,
    "dezembro": 12,
}


def parse_dates(v: pd.Series, o: Options) -> ParsedDates:
    """Every value that reads as a date (with or without a time) as datetime64, NaT otherwise.

    ISO dates and year-first dates read one way only; day-month-year dates (03/04/2026) in the
    order `o.date_order` gives, else the order choose_order finds for the column; Excel serial
    numbers (46023.5) as dates unless `o.serial_dates` is False; month names in six languages.
    """
    out = pd.Series(pd.NaT, index=v.index, dtype="datetime64[ns]")
    none = np.zeros(len(v), dtype=bool)
    if o.date_format:
        parsed = pd.to_datetime(v, format=o.date_format, errors="coerce")
        return ParsedDates(parsed, OrderVotes(0, 0, 0, 0), None, none, none, False)
    iso = pd.to_datetime(
        v.where(v.str.match(r"^\d{4}-\d{2}-\d{2}")), format="ISO8601", errors="coerce", utc=True
    )
    out = out.fillna(iso.dt.tz_localize(None))
    rest = out.isna() & v.str.match(DMY_SHAPE)
    votes, choice = OrderVotes(0, 0, 0, 0), None
    parts = None
    if bool(rest.any()):
        parts = v[rest].str.extract(_DMY_PARTS)
        votes = _votes(parts)
        choice = o.date_order or choose_order(votes, None, o.locale_hint, o.default_region)
        out[rest] = _ordered(parts, choice.order)
    year_first = _where_missing(out, v, lambda m: m.str.match(r"^\d{4}[./]\d{1,2}[./]\d{1,2}"))
    if bool(year_first.any()):
        ymd = v[year_first].str.extract(_YEAR_FIRST)
        text = ymd[0] + "-" + ymd[1] + "-" + ymd[2] + ymd[3]
        out[year_first] = _plausible(pd.to_datetime(text, format="mixed", errors="coerce"))
    serial = _where_missing(out, v, lambda m: m.str.fullmatch(SERIAL))
    serial_mask = serial.to_numpy(dtype=bool)
    if o.serial_dates and bool(serial.any()):  # an Excel serial number that reached us as text
        days = v[serial].str.replace(",", ".", regex=False).astype(float)
        out[serial] = pd.to_datetime(days, unit="D", origin="1899-12-30").dt.round("s")
    named = out.isna() & ~serial & v.str.contains(r"[^\W\d_]")
    if bool(named.any()):
        words = v[named].map(fold).str.replace(".", " ", regex=False)
        for name, number in _MONTHS.items():
            words = words.str.replace(rf"\b{name}\b", f" {number:02d} ", regex=True)
        out[named] = _plausible(
            pd.to_datetime(
                words.str.replace(r"\s+", " ", regex=True).str.strip(),
                format="mixed",
                dayfirst=True,
                errors="coerce",
            )
        )
    other = none
    if parts is not None and choice is not None and choice.order is not DateOrder.YMD:
        failed = out[rest].isna().to_numpy(dtype=bool)
        if failed.any():
            flip = DateOrder.MDY if choice.order is DateOrder.DMY else DateOrder.DMY
            works = _ordered(parts[failed], flip).notna().to_numpy(dtype=bool)
            other = np.zeros(len(v), dtype=bool)
            where = np.flatnonzero(rest.to_numpy(dtype=bool))[failed]
            other[where[works]] = True
    return ParsedDates(out, votes, choice, other, serial_mask, bool(o.serial_dates))


def _where_missing(
    out: pd.Series, v: pd.Series, test: Callable[[pd.Series], pd.Series]
) -> pd.Series:
    """`test` of the values not yet read as dates (False for the rest): most columns are read
    whole by the first pattern, so the later ones look at a few values only."""
    missing = out.isna()
    found = pd.Series(False, index=v.index)
    if bool(missing.any()):
        found[missing] = test(v[missing]).fillna(False).astype(bool)
    return found


def _plausible(parsed: pd.Series) -> pd.Series:
    """Dates in years people import (1800-2299), as datetime64[ns]; NaT for the rest, such as
    the year 1 that "Aout" alone reads as."""
    years = parsed.dt.year
    kept = parsed.where((years >= 1800) & (years < 2300))
    return kept.astype("datetime64[ns]")
