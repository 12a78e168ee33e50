"""Reading dates as people type them: ISO, either day order, Excel serials, month names."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from rowboat.core.validation.countries import fold

if TYPE_CHECKING:
    from rowboat.core.validation.findings import Options

__all__ = ["parse_dates"]

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


def parse_dates(v: pd.Series, o: Options) -> pd.Series:
    """Datetime64 for every value that reads as a date (with or without a time), NaT otherwise."""
    out = pd.Series(pd.NaT, index=v.index, dtype="datetime64[ns]")
    if o.date_format:
        return pd.to_datetime(v, format=o.date_format, errors="coerce")
    iso = pd.to_datetime(
        v.where(v.str.match(r"^\d{4}-\d{2}-\d{2}")), format="ISO8601", errors="coerce", utc=True
    )
    out = out.fillna(iso.dt.tz_localize(None))
    rest = out.isna() & v.str.match(r"^\d{1,2}[./-]\d{1,2}[./-]\d{2,4}")
    if bool(rest.any()):
        parts = v[rest].str.extract(r"^(\d{1,2})([./-])(\d{1,2})[./-](\d{2,4})(.*)$")
        a, b = parts[0].astype(int), parts[2].astype(int)
        day_first = o.day_first
        if day_first is None:
            day_first = bool((a > 12).any()) or not (
                bool((b > 12).any())
                or (o.default_region.upper() == "US" and (parts[1] == "/").all())
            )
        day, month = (a, b) if day_first else (b, a)
        year = parts[3].astype(int)
        year = year.where(year >= 100, year + 2000)
        text = year.astype(str) + "-" + month.astype(str) + "-" + day.astype(str) + parts[4]
        out[rest] = _plausible(pd.to_datetime(text, format="mixed", errors="coerce"))
    serial = out.isna() & v.str.fullmatch(r"\d{5}(?:\.\d+)?")
    if bool(serial.any()):  # an Excel serial number that reached us as text
        out[serial] = pd.to_datetime(v[serial].astype(float), unit="D", origin="1899-12-30")
    named = out.isna() & v.str.contains(r"[^\W\d_]")
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
    return out


def _plausible(parsed: pd.Series) -> pd.Series:
    """Dates in years people import (1800-2299), as datetime64[ns]; NaT for the rest, such as
    the year 1 that "Aout" alone reads as."""
    years = parsed.dt.year
    kept = parsed.where((years >= 1800) & (years < 2300))
    return kept.astype("datetime64[ns]")
