"""Attendee files for the benchmarks: 12 columns, deterministic, with a few per cent bad values."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from pathlib import Path

__all__ = ["HEADERS", "attendee_frame", "ensure_files"]

HEADERS = [
    "First name",
    "Last name",
    "E-mail address",
    "Phone",
    "Company",
    "City",
    "Country",
    "Postal code",
    "Customer number",
    "Rating",
    "Registered",
    "Notes",
]

_FIRST = ["Anna", "Jonas", "Chloé", "José", "Zoë", "Łukasz", "Mia", "Noah", "Emma", "Liam", "Sofía"]
_LAST = ["Müller", "Dubois", "García", "Kowalski", "Smith", "Rossi", "Silva", "Jansen", "Nowak"]
_COMPANY = ["Acme GmbH", "Globex SA", "Initech Ltd", "Umbrella BV", "Stark Industries", "Hooli"]
_CITY = ["Berlin", "Paris", "Madrid", "Warszawa", "London", "Roma", "Lisboa", "Amsterdam"]
_COUNTRY = ["Germany", "FR", "Spain", "PL", "United Kingdom", "IT", "Portugal", "NL", "Atlantis"]


def attendee_frame(rows: int, seed: int = 7) -> pd.DataFrame:
    """A frame shaped like a real export: phones as numbers, dates as dates, ~2% bad values."""
    rng = np.random.default_rng(seed)
    idx = np.arange(rows)
    first = np.array(_FIRST, dtype=object)[rng.integers(0, len(_FIRST), rows)]
    last = np.array(_LAST, dtype=object)[rng.integers(0, len(_LAST), rows)]
    email = pd.Series([f"user{i}@example{i % 97}.com" for i in idx], dtype=object)
    bad = rng.random(rows) < 0.02
    email[bad] = email[bad].str.replace("@", "", regex=False)
    phone = 4915100000000 + rng.integers(0, 99_999_999, rows)  # typed as numbers in Excel
    registered = pd.Timestamp("2025-01-01") + pd.to_timedelta(rng.integers(0, 600, rows), "D")
    return pd.DataFrame(
        {
            "First name": first,
            "Last name": last,
            "E-mail address": email,
            "Phone": phone,
            "Company": np.array(_COMPANY, dtype=object)[rng.integers(0, len(_COMPANY), rows)],
            "City": np.array(_CITY, dtype=object)[rng.integers(0, len(_CITY), rows)],
            "Country": np.array(_COUNTRY, dtype=object)[rng.integers(0, len(_COUNTRY), rows)],
            "Postal code": [f"{v:05d}" for v in rng.integers(1000, 99999, rows)],
            "Customer number": [f"{v:06d}" for v in idx],
            "Rating": rng.integers(1, 6, rows),
            "Registered": registered,
            "Notes": np.where(rng.random(rows) < 0.3, "Vegetarian; needs parking", ""),
        }
    )


def _write_xlsx(frame: pd.DataFrame, path: Path) -> None:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("Attendees")
    date_format = book.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_row(0, 0, HEADERS)
    columns = [frame[h].tolist() for h in HEADERS]
    dates = [ts.to_pydatetime() for ts in frame["Registered"]]
    for r in range(len(frame)):
        for c, col in enumerate(columns):
            if c == 10:
                sheet.write_datetime(r + 1, c, dates[r], date_format)
            else:
                sheet.write(r + 1, c, col[r])
    book.close()


def ensure_files(rows: int, folder: Path) -> dict[str, Path]:
    """The xlsx and csv of `rows` attendees, made once and kept in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = {"xlsx": folder / f"attendees-{rows}.xlsx", "csv": folder / f"attendees-{rows}.csv"}
    if all(p.exists() for p in paths.values()):
        return paths
    frame = attendee_frame(rows)
    if not paths["csv"].exists():
        out = frame.copy()
        out["Registered"] = out["Registered"].dt.strftime("%Y-%m-%d")
        out.to_csv(paths["csv"], index=False)
    if not paths["xlsx"].exists():
        _write_xlsx(frame, paths["xlsx"])
    return paths
