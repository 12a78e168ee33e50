"""Reading real, messy spreadsheets: formats, encodings, header rows, values as the user sees."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from rowboat.core.errors import EmptyFile, NotASpreadsheet, PasswordProtected, SourceError
from rowboat.core.sources import list_sheets, open_table

if TYPE_CHECKING:
    from pathlib import Path

_FIXTURE = HealthCheck.function_scoped_fixture  # tmp_path is reused; each example writes anew
NAMES = ["Müller", "José", "Zoë", "Łukasz"]


def _csv(tmp_path: Path, text: str, encoding: str, name: str = "people.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16"])
def test_names_survive_every_unicode_encoding(tmp_path: Path, encoding: str) -> None:
    text = "Name,Email\n" + "\n".join(f"{n},{i}@example.com" for i, n in enumerate(NAMES))
    table = open_table(_csv(tmp_path, text, encoding))
    assert table.frame["Name"].tolist() == NAMES


def test_excel_unicode_text_export_is_utf16_with_tabs(tmp_path: Path) -> None:
    text = "Vorname\tNachname\r\nŁukasz\tNowak\r\nZoë\tvan Dijk\r\n"
    table = open_table(_csv(tmp_path, text, "utf-16", "export.txt"))
    assert table.info.delimiter == "\t"
    assert table.frame["Vorname"].tolist() == ["Łukasz", "Zoë"]


def test_cp1252_file_is_detected(tmp_path: Path) -> None:
    text = "Vorname;Nachname;Stadt\nJürgen;Müller;Köln\nJosé;García;Málaga\nZoë;Weiß;Gießen\n"
    table = open_table(_csv(tmp_path, text, "cp1252"))
    assert table.info.encoding == "cp1252"
    assert table.frame["Nachname"].tolist() == ["Müller", "García", "Weiß"]


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_delimiter_is_detected(tmp_path: Path, delimiter: str) -> None:
    rows = [["First", "Last", "Email"], ["Anna", "Smith", "a@x.de"], ["Ben", "Ode", "b@x.de"]]
    text = "\n".join(delimiter.join(r) for r in rows)
    table = open_table(_csv(tmp_path, text, "utf-8"))
    assert table.info.delimiter == delimiter
    assert table.columns == ["First", "Last", "Email"]


def test_header_below_report_preamble_is_found_and_rows_keep_file_numbers(tmp_path: Path) -> None:
    lines = [
        "Report: Attendees",
        "Generated: 2026-03-01",
        "Filter: all",
        "",
        "",
        "",
        "First name,Last name,Email,Customer number",
        "Anna,Smith,anna@example.com,000123",
        "",
        "Ben,Ode,ben@example.com,000124",
    ]
    table = open_table(_csv(tmp_path, "\n".join(lines), "utf-8"))
    assert table.info.header_row == 7
    assert table.source_rows.tolist() == [8, 10]
    assert table.frame["Customer number"].tolist() == ["000123", "000124"]


def test_header_row_can_be_overridden(tmp_path: Path) -> None:
    path = _csv(tmp_path, "a,b\nc,d\ne,f\n", "utf-8")
    table = open_table(path, header_row=2)
    assert table.columns == ["c", "d"]
    assert not table.info.header_detected
    assert table.source_rows.tolist() == [3]


def test_duplicate_and_blank_headers_are_made_unique_and_noted(tmp_path: Path) -> None:
    table = open_table(_csv(tmp_path, "Email,,Email\na@x.de,1,b@x.de\n", "utf-8"))
    assert table.columns == ["Email", "Column B", "Email (2)"]
    assert any("Email (2)" in note for note in table.notes)


def test_quoted_line_break_stays_one_row(tmp_path: Path) -> None:
    text = 'Name,Notes\nAnna,"first line\nsecond line"\nBen,short\n'
    table = open_table(_csv(tmp_path, text, "utf-8"))
    assert table.frame["Notes"].tolist() == ["first line\nsecond line", "short"]
    assert table.source_rows.tolist() == [2, 3]


def _workbook(tmp_path: Path) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Attendees"
    sheet["A1"] = "Summit attendees"
    sheet.merge_cells("A1:F1")
    sheet.append([])
    sheet.append(["Name", "Phone", "Customer", "Registered", "Starts", "Price"])
    sheet.append(
        ["Anna", 4915112345600, "000123", dt.date(2026, 1, 5), dt.datetime(2026, 1, 5, 9, 30), 12.0]
    )
    sheet.append([])
    sheet.append(
        ["Ben", 31612345678, "000124", dt.date(2026, 1, 6), dt.datetime(2026, 1, 6, 10, 0), 149.5]
    )
    sheet.append(["Total: 2"])
    book.create_sheet("Notes")["A1"] = "nothing here"
    path = tmp_path / "attendees.xlsx"
    book.save(path)
    return path


def test_xlsx_values_look_as_in_excel(tmp_path: Path) -> None:
    table = open_table(_workbook(tmp_path))
    assert table.info.header_row == 3
    frame = table.frame
    assert frame["Phone"].tolist()[:2] == ["4915112345600", "31612345678"]
    assert frame["Customer"].tolist()[:2] == ["000123", "000124"]
    assert frame["Registered"].tolist()[:2] == ["2026-01-05", "2026-01-06"]
    assert frame["Starts"].tolist()[:2] == ["2026-01-05T09:30:00", "2026-01-06T10:00:00"]
    assert frame["Price"].tolist()[:2] == ["12", "149.5"]
    assert table.source_rows.tolist() == [4, 6, 7]


def test_trailing_totals_row_stays_and_is_noted(tmp_path: Path) -> None:
    table = open_table(_workbook(tmp_path))
    assert table.frame["Name"].tolist()[-1] == "Total: 2"
    assert any("totals" in note for note in table.notes)


def test_sheets_are_listed_and_chosen(tmp_path: Path) -> None:
    path = _workbook(tmp_path)
    assert list_sheets(path) == ["Attendees", "Notes"]
    assert open_table(path, sheet="notes").info.sheet == "Notes"
    assert open_table(path, sheet=1).info.sheet == "Notes"


def test_xls_and_ods_are_read(tmp_path: Path) -> None:
    import xlwt

    book = xlwt.Workbook()
    sheet = book.add_sheet("People")
    for c, value in enumerate(["Name", "Phone"]):
        sheet.write(0, c, value)
    sheet.write(1, 0, "Zoë")
    sheet.write(1, 1, 4915112345600)
    xls = tmp_path / "old.xls"
    book.save(str(xls))
    assert open_table(xls).frame.iloc[0].tolist() == ["Zoë", "4915112345600"]

    ods = tmp_path / "calc.ods"
    pd.DataFrame({"Name": ["Łukasz"], "Count": [3]}).to_excel(ods, engine="odf", index=False)  # type: ignore[arg-type]  # pandas-stubs omit odf
    table = open_table(ods)
    assert table.info.format == "ods"
    assert table.frame.iloc[0].tolist() == ["Łukasz", "3"]


def test_formula_cells_give_their_cached_values(tmp_path: Path) -> None:
    import xlsxwriter

    path = tmp_path / "formulas.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["Seats", "Booked", "Free"])
    sheet.write_row(1, 0, [20, 12])
    sheet.write_formula(1, 2, "=A2-B2", None, 8)
    book.close()
    assert open_table(path).frame["Free"].tolist() == ["8"]


@pytest.mark.parametrize(
    ("content", "error"),
    [
        (b"", EmptyFile),
        (b"%PDF-1.7\n" + bytes(range(256)) * 4, NotASpreadsheet),
        (b"\x89PNG\r\n\x1a\n" + bytes(200), NotASpreadsheet),
        (b"PK\x03\x04" + bytes(100), NotASpreadsheet),
    ],
)
def test_unreadable_files_get_one_plain_error(
    tmp_path: Path, content: bytes, error: type[SourceError]
) -> None:
    path = tmp_path / "attendees.xlsx"
    path.write_bytes(content)
    with pytest.raises(error) as caught:
        open_table(path)
    assert "attendees.xlsx" in caught.value.message
    assert caught.value.hint


def test_truncated_workbook_is_reported(tmp_path: Path) -> None:
    whole = _workbook(tmp_path).read_bytes()
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(NotASpreadsheet, match=r"cut\.xlsx"):
        open_table(cut)


def test_password_protected_workbook_is_reported(tmp_path: Path) -> None:
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = _workbook(tmp_path)
    locked = tmp_path / "locked.xlsx"
    with plain.open("rb") as source, locked.open("wb") as target:
        OOXMLFile(source).encrypt("secret", target)
    with pytest.raises(PasswordProtected, match="password"):
        open_table(locked)


def test_missing_file_is_reported(tmp_path: Path) -> None:
    with pytest.raises(NotASpreadsheet, match="not found"):
        open_table(tmp_path / "nowhere.csv")


def test_the_users_file_is_never_modified(tmp_path: Path) -> None:
    path = _workbook(tmp_path)
    before, mtime = path.read_bytes(), path.stat().st_mtime_ns
    open_table(path)
    assert path.read_bytes() == before
    assert path.stat().st_mtime_ns == mtime


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.binary(max_size=2048), suffix=st.sampled_from([".csv", ".xlsx", ".txt", ".xls"]))
def test_readers_never_crash_on_arbitrary_bytes(tmp_path: Path, data: bytes, suffix: str) -> None:
    path = tmp_path / f"any{suffix}"
    path.write_bytes(data)
    try:
        table = open_table(path)
    except SourceError as exc:
        message = exc.message
        assert message
    else:
        assert len(table.frame) == len(table.source_rows)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text(max_size=500))
def test_readers_never_crash_on_arbitrary_text(tmp_path: Path, text: str) -> None:
    path = tmp_path / "any.csv"
    path.write_text(text, encoding="utf-8")
    try:
        table = open_table(path)
    except SourceError as exc:
        message = exc.message
        assert message
    else:
        assert all(isinstance(v, str) for v in table.frame.to_numpy().ravel())


def test_big_regular_csv_takes_the_fast_path_with_the_same_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = [f"Person {i},000{i},{i}@example.com" for i in range(12_000)]
    rows[5000] = 'Person 5000,"line one\nline two",5000@example.com'
    preamble = "Attendee report,,\nExported 2026-03-01,,\n"
    text = preamble + "Name,Customer,Email\n" + "\n".join(rows)
    fast = _csv(tmp_path, text, "utf-8-sig", "fast.csv")
    with monkeypatch.context() as m:  # the fast path never reads the whole file the slow way
        m.setattr("rowboat.core.sources.read_records", _never)
        table = open_table(fast)
    assert table.info.header_row == 3
    assert len(table) == 12_000
    assert table.source_rows[[0, 5000, 11_999]].tolist() == [4, 5004, 12_003]
    assert table.frame["Customer"].iloc[5000] == "line one\nline two"
    assert table.frame["Customer"].iloc[7] == "0007"
    assert table.frame["Name"].iloc[0] == "Person 0"  # no BOM left on the first cell
    # The same file with one blank line goes the careful way and skips the blank row's number.
    slow_rows = [*rows[:100], "", *rows[100:]]
    slow = _csv(tmp_path, "Name,Customer,Email\n" + "\n".join(slow_rows), "cp1252", "slow.csv")
    careful = open_table(slow)
    assert len(careful) == 12_000
    assert careful.source_rows[[99, 100]].tolist() == [101, 103]


def _never(*args: object) -> None:
    raise AssertionError("the whole file was read with the csv module")


def test_huge_quoted_cell_near_the_top_is_read_whole(tmp_path: Path) -> None:
    # The header is looked for in the file's first 256 KB; a cell longer than that must not be
    # cut where the sample ends.
    notes = "x" * 300_000
    text = f'Name,Notes\nAnna,"{notes}"\nJonas,short\n'
    table = open_table(_csv(tmp_path, text, "utf-8", "huge.csv"))
    assert table.frame["Notes"].tolist() == [notes, "short"]
    assert table.source_rows.tolist() == [2, 3]
