"""The `rowboat` command line end to end, on messy files built here, in-process and as a program."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import TYPE_CHECKING, Any

import pytest
from openpyxl import Workbook

from rowboat.cli import main

if TYPE_CHECKING:
    from pathlib import Path


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, dict[str, Any]]:
    code, out, err = _run(capsys, *argv, "--json")
    assert "Traceback" not in err
    return code, json.loads(out)


@pytest.fixture
def messy_csv(tmp_path: Path) -> Path:
    """A semicolon export in cp1252 with a report preamble; the header is on line 5."""
    lines = [
        "Teilnehmerliste Frühjahrsmesse 2026",
        "Erstellt am;01.03.2026",
        "",
        "",
        "Vorname;Nachname;E-Mail;Telefon;Firma;Land;Kundennummer",
        "Jürgen;Müller;juergen.mueller@example.de;0151 1234560;Acme GmbH;Deutschland;000123",
        "José;García;jose.garcia@example.es;+34 612 345 678;Globex SA;Spanien;000124",
        "",
        "Chloé;Dubois;chloe.dubois@;+33 6 12 34 56 78;Initech;Frankreich;000125",
        "Anna;Schmidt;JUERGEN.MUELLER@example.de;0170 9876543;Acme GmbH;DE;000126",
        "Summe: 4;;;;;;",
    ]
    path = tmp_path / "teilnehmer.csv"
    path.write_bytes("\r\n".join(lines).encode("cp1252"))
    return path


@pytest.fixture
def messy_xlsx(tmp_path: Path) -> Path:
    """A workbook with a merged title row, a blank row, phones as numbers and Excel dates."""
    import datetime as dt

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Attendees"
    sheet["A1"] = "Summit 2026 attendees"
    sheet.merge_cells("A1:E1")
    sheet.append([])
    sheet.append(["First name", "Last name", "Email address", "Mobile", "Registered"])
    sheet.append(["Anna", "Müller", "anna@example.de", 4915112345600, dt.date(2026, 3, 2)])
    sheet.append(["Zoë", "van Dijk", "zoe@example.nl", 31612345678, dt.date(2026, 3, 3)])
    path = tmp_path / "attendees.xlsx"
    book.save(path)
    return path


def test_validate_messy_csv_finds_header_rows_and_problems(
    capsys: pytest.CaptureFixture[str], messy_csv: Path
) -> None:
    before = messy_csv.read_bytes()
    code, data = _run_json(
        capsys, "validate", str(messy_csv), "--endpoint", "plandocket.contacts", "--region", "DE"
    )
    assert code == 1
    assert data["header_row"] == 5
    assert data["columns"][:3] == ["Vorname", "Nachname", "E-Mail"]
    assert data["mapping"]["Vorname"] == "first_name"
    assert data["mapping"]["E-Mail"] == "email"
    assert data["rows"] == 5  # four people and the totals row; the blank line is skipped
    assert data["valid"] == 2
    assert data["invalid"] == 3
    rows_with_issues = {i["row"] for i in data["issues"]}
    # Chloé's email is cut off (line 9), Anna repeats Jürgen's email in capitals (line 10),
    # and the totals line (11) is no attendee.
    assert rows_with_issues == {9, 10, 11}
    chloe = next(i for i in data["issues"] if i["row"] == 9)
    assert chloe["field"] == "email"
    assert chloe["column"] == "E-Mail"
    assert "chloe.dubois@" in chloe["message"]
    assert messy_csv.read_bytes() == before


def test_validate_messy_xlsx_keeps_phone_digits_and_excel_rows(
    capsys: pytest.CaptureFixture[str], messy_xlsx: Path, tmp_path: Path
) -> None:
    valid_out = tmp_path / "valid.csv"
    code, data = _run_json(
        capsys,
        "validate",
        str(messy_xlsx),
        "--endpoint",
        "plandocket.contacts",
        "--valid-out",
        str(valid_out),
    )
    assert code == 0
    assert data["header_row"] == 3
    assert data["valid"] == 2
    assert data["issues"] == []
    exported = valid_out.read_text(encoding="utf-8-sig")
    assert "+4915112345600" in exported
    assert "Müller" in exported


def test_validate_report_lists_invalid_rows_with_errors(
    capsys: pytest.CaptureFixture[str], messy_csv: Path, tmp_path: Path
) -> None:
    report = tmp_path / "to-fix.csv"
    code, _out, _err = _run(
        capsys,
        "validate",
        str(messy_csv),
        "--endpoint",
        "plandocket.contacts",
        "--region",
        "DE",
        "--report",
        str(report),
    )
    assert code == 1
    text = report.read_text(encoding="utf-8-sig")
    assert "chloe.dubois@" in text
    assert "Errors" in text.splitlines()[0]


def test_validate_text_output_names_rows_in_plain_words(
    capsys: pytest.CaptureFixture[str], messy_csv: Path
) -> None:
    code, out, _err = _run(
        capsys, "validate", str(messy_csv), "--endpoint", "plandocket.contacts", "--region", "DE"
    )
    assert code == 1
    assert "header on row 5" in out
    assert "2 valid, 3 invalid" in out
    assert "Row 9" in out


def test_unreadable_file_exits_2_with_plain_message(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    fake = tmp_path / "attendees.xlsx"
    fake.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 8)
    code, out, err = _run(capsys, "validate", str(fake), "--endpoint", "plandocket.contacts")
    assert code == 2
    assert out == ""
    assert "attendees.xlsx" in err
    assert "Traceback" not in err


def test_missing_file_exits_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _out, err = _run(capsys, "inspect", str(tmp_path / "nowhere.csv"))
    assert code == 2
    assert "nowhere.csv" in err


def test_unknown_endpoint_exits_2_and_suggests(
    capsys: pytest.CaptureFixture[str], messy_csv: Path
) -> None:
    code, _out, err = _run(capsys, "validate", str(messy_csv), "--endpoint", "plandocket.contact")
    assert code == 2
    assert "plandocket.contacts" in err


def test_endpoints_lists_every_id(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _err = _run(capsys, "endpoints")
    assert code == 0
    for endpoint_id in (
        "thought-industries.in-person-sessions",
        "thought-industries.webinar-sessions",
        "eloqua.event-registrants",
        "plandocket.contacts",
        "plandocket.participants",
        "thalamus.physical-locations",
        "thalamus.companies",
        "thalamus.partner-sales",
        "thalamus.partner-stock",
    ):
        assert endpoint_id in out


def test_inspect_reports_encoding_delimiter_and_header(
    capsys: pytest.CaptureFixture[str], messy_csv: Path
) -> None:
    code, data = _run_json(capsys, "inspect", str(messy_csv))
    assert code == 0
    assert data["delimiter"] == ";"
    assert data["encoding"] in {"cp1252", "windows-1252", "latin-1", "iso-8859-1"}
    assert data["header_row"] == 5
    assert data["rows"] == 5


def test_header_row_override_is_used(capsys: pytest.CaptureFixture[str], messy_xlsx: Path) -> None:
    code, data = _run_json(capsys, "inspect", str(messy_xlsx), "--header-row", "4")
    assert code == 0
    assert data["header_row"] == 4
    assert data["header_detected"] is False
    assert data["columns"][0] == "Anna"


def test_template_round_trips_through_validate(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out_path = tmp_path / "participants.xlsx"
    code, _out, _err = _run(capsys, "template", "plandocket.participants", str(out_path))
    assert code == 0
    code, data = _run_json(capsys, "inspect", str(out_path))
    assert code == 0
    assert data["header_row"] == 1
    assert data["rows"] == 0


def test_sample_spreadsheet_validates_as_readme_says(capsys: pytest.CaptureFixture[str]) -> None:
    from rowboat.resources import sample_path

    sample = sample_path()
    code, data = _run_json(
        capsys, "validate", str(sample), "--endpoint", "plandocket.contacts", "--region", "DE"
    )
    assert code == 1
    assert data["header_row"] == 4
    assert data["valid"] > 0
    assert data["invalid"] > 0
    messages = " ".join(i["message"] for i in data["issues"])
    assert "chloe.dubois@" in messages


def test_version_runs_as_a_program() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "rowboat", "--version"], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0
    assert done.stdout.startswith("rowboat ")


def test_bad_arguments_exit_2() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "rowboat", "validate"], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
