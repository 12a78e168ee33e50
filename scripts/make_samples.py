"""Writes the sample spreadsheets Rowboat ships: messy on purpose, like the files coordinators hold.

Run `.venv/bin/python scripts/make_samples.py` after changing it; the xlsx files it writes into
src/rowboat/resources/samples/ are committed.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font

SAMPLES = Path(__file__).resolve().parents[1] / "src" / "rowboat" / "resources" / "samples"

ATTENDEE_HEADERS = [
    "First name", "Last name", "E-mail address", "Mobile", "Company", "City", "Country",
    "Customer no.", "Registered on", "Rating", "Notes",
]  # fmt: skip

# Phones typed as numbers, customer numbers with leading zeros, Excel dates, accents, and a few
# rows with the problems a coordinator meets: a cut-off email, a duplicate, an unknown country.
ATTENDEES = [
    ("Anna", "Müller", "anna.mueller@example.de", 4915112345600, "Acme GmbH", "Berlin", "Germany", "000123", dt.date(2026, 3, 2), 5, "Vegetarian"),
    ("José", "García", "jose.garcia@example.es", 34612345678, "Globex SA", "Madrid", "ES", "000124", dt.date(2026, 3, 2), 4, ""),
    ("Chloé", "Dubois", "chloe.dubois@", 33612345678, "Initech", "Lyon", "France", "000125", dt.date(2026, 3, 3), 3, "Arrives late"),
    ("Zoë", "van Dijk", "zoe.vandijk@example.nl", 31612345678, "Umbrella BV", "Utrecht", "Netherlands", "000126", dt.date(2026, 3, 3), 5, ""),
    ("Łukasz", "Nowak", "lukasz.nowak@example.pl", 48512345678, "Stark Sp. z o.o.", "Kraków", "Poland", "000127", dt.date(2026, 3, 4), 4, ""),
    ("Mia", "Schmidt", "Mia.Schmidt@Example.de", "0151 2345678", "Acme GmbH", "Hamburg", "DE", "000128", dt.date(2026, 3, 4), 2, ""),
    ("Noah", "Smith", "noah.smith@example.co.uk", "+44 20 7946 0958", "Hooli Ltd", "London", "United Kingdom", "000129", dt.date(2026, 3, 5), 5, ""),
    ("Emma", "Rossi", "emma.rossi@example.it", 393471234567, "Pirelli", "Milano", "Atlantis", "000130", dt.date(2026, 3, 5), 4, ""),
    ("Liam", "Jansen", "anna.mueller@example.de", 31687654321, "Umbrella BV", "Rotterdam", "NL", "000131", dt.date(2026, 3, 6), 3, "Same email as row 5"),
    ("Sofía", "Silva", "sofia.silva@example.pt", 351912345678, "Galp", "Lisboa", "Portugal", "000132", dt.date(2026, 3, 6), 9, ""),
    ("Jonas", "Weber", "jonas weber@example.de", 4917612345678, "Acme GmbH", "München", "Germany", "000133", dt.date(2026, 3, 7), 4, ""),
    ("Ella", "Fischer", "ella.fischer@example.at", 436641234567, "Voest", "Wien", "Austria", "000134", dt.date(2026, 3, 7), 5, ""),
]  # fmt: skip

SESSION_HEADERS = ["Title", "Start", "End", "Time zone", "Location", "Instructors", "Capacity"]
SESSIONS = [
    ("Onboarding bootcamp", dt.datetime(2026, 4, 14, 9, 0), dt.datetime(2026, 4, 14, 12, 0), "Europe/Berlin", "Berlin HQ, Room 2", "Anna Müller", 24),
    ("Advanced reporting", dt.datetime(2026, 4, 15, 13, 0), dt.datetime(2026, 4, 15, 16, 30), "Europe/Paris", "Paris office", "Chloé Dubois; José García", 16),
    ("Safety refresher", dt.datetime(2026, 4, 16, 10, 0), dt.datetime(2026, 4, 16, 9, 0), "Berlin", "Warehouse 3", "Jonas Weber", 0),
    ("Customer care basics", dt.datetime(2026, 4, 17, 9, 30), dt.datetime(2026, 4, 17, 11, 0), "America/New_York", "NYC training room", "Noah Smith", 30),
]  # fmt: skip


def write_attendees(path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Attendees"
    sheet["A1"] = "Spring Partner Summit 2026 — attendee list"
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.merge_cells("A1:K1")
    sheet["A2"] = "Exported 2026-03-08 by the events team"
    sheet.append([])  # row 3 stays blank, as in real exports
    sheet.append(ATTENDEE_HEADERS)
    for cell in sheet[4]:
        cell.font = Font(bold=True)
    for row in ATTENDEES:
        sheet.append(list(row))
    for r in range(5, 5 + len(ATTENDEES)):
        sheet.cell(r, 9).number_format = "DD.MM.YYYY"
        sheet.cell(r, 8).number_format = "@"
    sheet.append([])
    sheet.append(["Total attendees: 12"])
    notes = book.create_sheet("Notes")
    notes["A1"] = "Rooms are confirmed one week before the summit."
    book.save(path)


def write_sessions(path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Sessions"
    sheet.append(SESSION_HEADERS)
    for row in SESSIONS:
        sheet.append(list(row))
    for r in range(2, 2 + len(SESSIONS)):
        for c in (2, 3):
            sheet.cell(r, c).number_format = "YYYY-MM-DD HH:MM"
    book.save(path)


if __name__ == "__main__":
    write_attendees(SAMPLES / "attendees.xlsx")
    write_sessions(SAMPLES / "sessions.xlsx")
