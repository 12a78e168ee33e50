"""Empty templates: a styled Data sheet whose headers match back to the fields, and a Help sheet."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from rowboat.core.mapping import MatchMethod, match_columns
from rowboat.core.targets import Endpoint, get_endpoint, list_endpoints
from rowboat.core.templates import write_template

if TYPE_CHECKING:
    from pathlib import Path


def _headers(path: Path) -> list[str]:
    sheet = load_workbook(path)["Data"]
    return [str(c.value) for c in sheet[1]]


@pytest.mark.parametrize("endpoint", list_endpoints(), ids=lambda e: e.id)
def test_template_headers_match_back_to_their_fields(endpoint: Endpoint, tmp_path: Path) -> None:
    path = write_template(endpoint, tmp_path / f"{endpoint.id}.xlsx")
    headers = _headers(path)
    mapping = match_columns(headers, endpoint)
    assert mapping.column_to_field() == dict(zip(headers, endpoint.field_keys, strict=True))
    assert {s.method for s in mapping.sources} == {MatchMethod.EXACT}


def test_required_fields_are_marked_and_headers_bold(tmp_path: Path) -> None:
    path = write_template(
        get_endpoint("thought-industries.in-person-sessions"), tmp_path / "t.xlsx"
    )
    sheet = load_workbook(path)["Data"]
    headers = [c.value for c in sheet[1]]
    assert headers[:4] == ["Title *", "Start *", "End *", "Time zone"]
    assert all(c.font.b for c in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.max_row == 1  # empty below the header


def test_text_columns_keep_leading_zeros_and_dates_are_dates(tmp_path: Path) -> None:
    contacts = get_endpoint("plandocket.contacts")
    path = write_template(contacts, tmp_path / "c.xlsx")
    sheet = load_workbook(path)["Data"]
    formats = {
        str(cell.value): sheet.column_dimensions[get_column_letter(i)].number_format
        for i, cell in enumerate(sheet[1], start=1)
    }
    assert formats["Phone"] == "@"
    assert formats["Customer number"] == "@"
    assert formats["Postal code"] == "@"
    assert formats["Rating"] == "0"
    sessions = write_template(get_endpoint("thalamus.partner-sales"), tmp_path / "s.xlsx")
    sales = load_workbook(sessions)["Data"]
    assert sales.column_dimensions["A"].number_format == "yyyy-mm-dd"


def test_columns_are_wide_enough_for_their_headers(tmp_path: Path) -> None:
    path = write_template(get_endpoint("plandocket.contacts"), tmp_path / "c.xlsx")
    sheet = load_workbook(path)["Data"]
    for i, cell in enumerate(sheet[1], start=1):
        assert sheet.column_dimensions[get_column_letter(i)].width >= len(str(cell.value))


def test_help_sheet_explains_every_field(tmp_path: Path) -> None:
    endpoint = get_endpoint("plandocket.contacts")
    path = write_template(endpoint, tmp_path / "c.xlsx")
    book = load_workbook(path)
    assert book.sheetnames == ["Data", "Help"]
    rows = [list(r) for r in book["Help"].iter_rows(values_only=True)]
    assert rows[0][0] == "Plandocket · Contacts"
    assert rows[1][0] == endpoint.description
    assert any("email or a customer number" in str(r[0]) for r in rows)  # the one_of rule
    table_start = next(i for i, r in enumerate(rows) if r[0] == "Column")
    assert rows[table_start] == [
        "Column", "Required", "Type", "Allowed values and limits", "Help", "Example",
    ]  # fmt: skip
    by_column = {r[0]: r for r in rows[table_start + 1 :]}
    assert len(by_column) == len(endpoint.fields)
    assert by_column["Rating"][2:4] == ["Whole number", "From 1 to 5"]
    assert by_column["Email"][3] == "At most 255 characters; must not repeat in the file"
    assert by_column["Categories"][2] == "Text; several values separated by ;"
    assert by_column["Customer number"][5] == "000123"


def test_help_sheet_marks_required_columns(tmp_path: Path) -> None:
    path = write_template(get_endpoint("eloqua.event-registrants"), tmp_path / "e.xlsx")
    rows = list(load_workbook(path)["Help"].iter_rows(values_only=True))
    email = next(r for r in rows if r[0] == "Email address *")
    assert email[1] == "yes"
    assert email[2] == "Email address"


def test_template_is_written_into_a_new_folder(tmp_path: Path) -> None:
    path = write_template(get_endpoint("thalamus.companies"), tmp_path / "new" / "companies.xlsx")
    assert path.exists()
    assert _headers(path)[0] == "Company name *"
