"""The quick look at a file's top: rows as the full read shows them, the header, and the reasons."""

from __future__ import annotations

import codecs
import datetime as dt
from typing import TYPE_CHECKING

import pandas as pd
import pytest
from openpyxl import Workbook

from rowboat.core.errors import EmptyFile, NotASpreadsheet, PasswordProtected, SheetNotFound
from rowboat.core.sources import open_table
from rowboat.core.sources.preview import delimiter_reason, encoding_reason, read_preview

if TYPE_CHECKING:
    from pathlib import Path

MESSY_LINES = [
    "Teilnehmerliste Frühjahrsmesse 2026",
    "Erstellt am;01.03.2026",
    "",
    "Vorname;Nachname;E-Mail;Stadt",
    "Jürgen;Müller;juergen@example.de;Köln",
    "",
    "Zoë;Weiß;zoe@example.de;Gießen",
]


def _messy_csv(tmp_path: Path) -> Path:
    path = tmp_path / "teilnehmer.csv"
    path.write_bytes("\r\n".join(MESSY_LINES).encode("cp1252"))
    return path


def _workbook(tmp_path: Path) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Attendees"
    sheet["A1"] = "Summit attendees"
    sheet.append([])
    sheet.append(["Name", "Phone", "Registered", "Starts", "Price", "Member"])
    sheet.append(
        ["Anna", 4915112345600, dt.date(2026, 1, 5), dt.datetime(2026, 1, 5, 9, 30), 12.0, True]
    )
    sheet.append(
        ["Ben", 31612345678, dt.date(2026, 1, 6), dt.datetime(2026, 1, 6, 10, 0), 149.5, False]
    )
    book.create_sheet("Notes")["A1"] = "nothing here"
    path = tmp_path / "attendees.xlsx"
    book.save(path)
    return path


def test_text_preview_shows_the_rows_above_the_header_and_finds_it(tmp_path: Path) -> None:
    preview = read_preview(_messy_csv(tmp_path))
    assert preview.rows[0] == ("Teilnehmerliste Frühjahrsmesse 2026",)
    assert preview.rows[3] == ("Vorname", "Nachname", "E-Mail", "Stadt")
    assert preview.header_row == 4
    assert preview.header_detected
    assert preview.complete


def test_text_preview_says_why_it_chose_the_encoding_and_delimiter(tmp_path: Path) -> None:
    preview = read_preview(_messy_csv(tmp_path))
    assert preview.encoding == "cp1252"
    assert "bytes UTF-8 cannot read" in preview.encoding_reason
    assert preview.delimiter == ";"
    assert preview.delimiter_reason == "semicolon (;) splits every line into 4 cells"


def test_choices_the_user_made_are_said_to_be_theirs(tmp_path: Path) -> None:
    preview = read_preview(_messy_csv(tmp_path), encoding="latin-1", delimiter=",", header_row=2)
    assert (preview.encoding, preview.delimiter) == ("latin-1", ",")
    assert preview.encoding_reason == preview.delimiter_reason == "chosen by you"
    assert preview.header_row == 2
    assert not preview.header_detected


@pytest.mark.parametrize(
    ("data", "encoding", "words"),
    [
        (codecs.BOM_UTF8 + "Name,Stadt\nZoë,Köln\n".encode(), "utf-8-sig", "UTF-8 byte-order mark"),
        ("Name\tStadt\nZoë\tKöln\n".encode("utf-16"), "utf-16", "UTF-16 byte-order mark"),
        ("Name,Stadt\nZoë,Köln\n".encode(), "utf-8", "every byte of the file reads as UTF-8"),
        (b"Name,City\nAnna,Berlin\n", "utf-8", "only plain letters and digits"),
    ],
)
def test_each_encoding_has_its_reason(
    tmp_path: Path, data: bytes, encoding: str, words: str
) -> None:
    path = tmp_path / "people.csv"
    path.write_bytes(data)
    preview = read_preview(path)
    assert preview.encoding == encoding
    assert words in preview.encoding_reason


def test_a_tsv_is_tab_separated_by_its_name(tmp_path: Path) -> None:
    path = tmp_path / "people.tsv"
    path.write_text("Name\tCity\nAnna\tBerlin\n", encoding="utf-8")
    preview = read_preview(path)
    assert preview.delimiter == "\t"
    assert ".tsv" in preview.delimiter_reason


def test_delimiter_reason_counts_the_lines_it_splits_evenly() -> None:
    rows = [["a", "b", "c"], ["1", "2", "3"], ["4", "5"], []]
    assert delimiter_reason(rows, ",") == "comma (,) splits 2 of the first 3 lines into 3 cells"
    assert "each line is one cell" in delimiter_reason([["only"], ["one"]], ",")
    assert "usual" in delimiter_reason([], ",")
    assert "look most like" in encoding_reason("cp1250")


def test_a_big_text_file_is_previewed_from_its_start_like_the_full_read(tmp_path: Path) -> None:
    lines = ["Report of 2026", "", "Name,Email,City"]
    lines += [f"Person {i},p{i}@example.com,Zürich" for i in range(20_000)]
    path = tmp_path / "big.csv"
    path.write_text("\n".join(lines), encoding="utf-8")
    assert path.stat().st_size > 256 * 1024
    preview = read_preview(path)
    table = open_table(path)
    assert not preview.complete
    assert preview.header_row == table.info.header_row == 3
    assert list(preview.rows[3]) == table.frame.iloc[0].tolist()


def test_utf16_prefix_is_cut_on_a_whole_character(tmp_path: Path) -> None:
    lines = ["Name\tCity"] + [f"Zoë {i}\tKöln" for i in range(30_000)]
    path = tmp_path / "export.txt"
    path.write_bytes("\r\n".join(lines).encode("utf-16"))
    preview = read_preview(path)
    assert preview.encoding == "utf-16"
    assert preview.rows[1] == ("Zoë 0", "Köln")


def test_workbook_preview_shows_values_as_the_full_read_does(tmp_path: Path) -> None:
    path = _workbook(tmp_path)
    preview = read_preview(path)
    table = open_table(path)
    assert preview.rows[0] == ("Summit attendees",)
    assert preview.rows[1] == ()
    assert preview.header_row == table.info.header_row == 3
    assert preview.sheet == "Attendees"
    assert preview.sheets == ("Attendees", "Notes")
    assert list(preview.rows[3]) == table.frame.iloc[0].tolist()
    assert preview.rows[3] == (
        "Anna",
        "4915112345600",
        "2026-01-05",
        "2026-01-05T09:30:00",
        "12",
        "true",
    )
    assert preview.rows[4][4] == "149.5"
    assert preview.encoding is None
    assert preview.complete


def test_workbook_sheet_is_chosen_by_name_and_a_missing_one_is_named(tmp_path: Path) -> None:
    path = _workbook(tmp_path)
    assert read_preview(path, sheet="notes").rows == (("nothing here",),)
    assert read_preview(path, sheet=1).sheet == "Notes"
    with pytest.raises(SheetNotFound, match="Attendees, Notes"):
        read_preview(path, sheet="Sessions")


def test_first_sheet_with_cells_is_previewed(tmp_path: Path) -> None:
    book = Workbook()
    book.active.title = "Cover"  # type: ignore[union-attr]
    book.create_sheet("Data").append(["Name", "City"])
    path = tmp_path / "covered.xlsx"
    book.save(path)
    assert read_preview(path).sheet == "Data"


def test_ods_and_xls_are_previewed(tmp_path: Path) -> None:
    import xlwt

    ods = tmp_path / "calc.ods"
    pd.DataFrame({"Name": ["Łukasz"], "Count": [3]}).to_excel(ods, engine="odf", index=False)  # type: ignore[arg-type]  # pandas-stubs omit odf
    assert read_preview(ods).rows == (("Name", "Count"), ("Łukasz", "3"))
    book = xlwt.Workbook()
    sheet = book.add_sheet("People")
    sheet.write(0, 0, "Phone")
    sheet.write(1, 0, 4915112345600)
    xls = tmp_path / "old.xls"
    book.save(str(xls))
    assert read_preview(xls).rows == (("Phone",), ("4915112345600",))


def test_broken_files_get_the_readers_plain_errors(tmp_path: Path) -> None:
    pdf = tmp_path / "attendees.xlsx"
    pdf.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 4)
    with pytest.raises(NotASpreadsheet, match=r"attendees\.xlsx"):
        read_preview(pdf)
    fake = tmp_path / "fake.xlsx"
    with __import__("zipfile").ZipFile(fake, "w") as z:
        z.writestr("xl/workbook.xml", "<not a workbook")
    with pytest.raises(NotASpreadsheet, match="damaged") as caught:
        read_preview(fake)
    assert caught.value.hint


def test_password_protected_workbook_is_named(tmp_path: Path) -> None:
    from msoffcrypto.format.ooxml import OOXMLFile

    locked = tmp_path / "locked.xlsx"
    with _workbook(tmp_path).open("rb") as source, locked.open("wb") as target:
        OOXMLFile(source).encrypt("secret", target)
    with pytest.raises(PasswordProtected):
        read_preview(locked)


def test_files_with_nothing_in_them_are_empty(tmp_path: Path) -> None:
    blank = tmp_path / "blank.csv"
    blank.write_text("\n\n ; \n", encoding="utf-8")
    with pytest.raises(EmptyFile):
        read_preview(blank)
    book = Workbook()
    empty = tmp_path / "empty.xlsx"
    book.save(empty)
    with pytest.raises(EmptyFile, match="no rows in any sheet"):
        read_preview(empty)
    with pytest.raises(SheetNotFound):
        read_preview(empty, sheet=3)


def test_times_and_width_read_plainly(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Session", "Starts at", "Room"])
    sheet.append(["Opening", dt.time(9, 30)])
    path = tmp_path / "times.xlsx"
    book.save(path)
    preview = read_preview(path)
    assert preview.rows[1] == ("Opening", "09:30:00")
    assert preview.width == 3
