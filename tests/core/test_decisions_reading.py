"""Reading decisions on built files: encoding, delimiter, quotes, sheet, header row, blank,
totals and hidden rows, renamed headers, and the locale hints a file gives."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from openpyxl import Workbook

from rowboat.core.decisions import DateOrder, Decision, Kind, ordered
from rowboat.core.sources import open_table

if TYPE_CHECKING:
    from pathlib import Path

    from rowboat.core.table import Table


def _one(table: Table, kind: Kind) -> Decision:
    found = [d for d in table.decisions if d.kind is kind]
    assert len(found) == 1, [d.what for d in table.decisions]
    return found[0]


def _kinds(table: Table) -> set[Kind]:
    return {d.kind for d in table.decisions}


def _hidden_workbook(path: Path, *, auto_filter: bool) -> Path:
    """Ten attendees on rows 2-11; rows 4 and 7 hidden (by an AutoFilter when asked)."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["First name", "Last name", "Email"])
    for i in range(10):
        sheet.append([f"Person{i}", f"Family{i}", f"p{i}@example.com"])
    if auto_filter:
        sheet.auto_filter.ref = "A1:C11"
        sheet.auto_filter.add_filter_column(0, [f"Person{i}" for i in (0, 1, 3, 4, 6, 7, 8, 9)])
    for row in (4, 7):
        sheet.row_dimensions[row].hidden = True
    book.save(path)
    return path


def test_rows_hidden_by_hand_are_counted_and_imported_by_default(tmp_path: Path) -> None:
    table = open_table(_hidden_workbook(tmp_path / "hidden.xlsx", auto_filter=False))
    assert len(table) == 10
    assert (table.info.hidden_rows, table.info.filtered_rows) == (2, 0)
    decision = _one(table, Kind.HIDDEN_ROWS)
    assert not decision.settled
    assert decision.decision == "2 hidden rows imported like the others"
    assert "Rows 4, 7 are hidden in Excel" in decision.evidence
    assert "--skip-hidden-rows" in decision.override
    assert table.decisions[0] is decision  # a guess comes before what is settled
    assert decision.evidence in table.notes


def test_rows_filtered_out_by_an_autofilter_are_said_to_be(tmp_path: Path) -> None:
    table = open_table(_hidden_workbook(tmp_path / "filtered.xlsx", auto_filter=True))
    assert (table.info.hidden_rows, table.info.filtered_rows) == (2, 2)
    assert "(all filtered out by an AutoFilter)" in _one(table, Kind.HIDDEN_ROWS).evidence


def test_skip_hidden_rows_leaves_them_out_and_keeps_row_numbers(tmp_path: Path) -> None:
    path = _hidden_workbook(tmp_path / "filtered.xlsx", auto_filter=True)
    table = open_table(path, skip_hidden_rows=True)
    assert len(table) == 8
    assert 4 not in table.source_rows
    assert 7 not in table.source_rows
    assert table.source_rows.tolist() == [2, 3, 5, 6, 8, 9, 10, 11]
    assert table.frame["First name"].tolist()[2] == "Person3"
    decision = _one(table, Kind.HIDDEN_ROWS)
    assert decision.settled
    assert decision.decision == "2 hidden rows left out"
    assert table.info.hidden_rows_skipped


def test_a_workbook_without_hidden_rows_says_nothing_of_them(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Email"])
    sheet.append(["a@example.com"])
    book.save(tmp_path / "plain.xlsx")
    table = open_table(tmp_path / "plain.xlsx")
    assert Kind.HIDDEN_ROWS not in _kinds(table)
    assert table.info.hidden_rows == 0


def test_text_file_reading_decisions_say_why(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_bytes('Name;Email\n"Müller; Anna";anna@example.de\n'.encode("cp1252"))
    table = open_table(path)
    encoding = _one(table, Kind.ENCODING)
    assert (encoding.value, encoding.settled) == ("cp1252", False)
    assert "cp1252" in encoding.evidence
    delimiter = _one(table, Kind.DELIMITER)
    assert (delimiter.value, delimiter.settled) == (";", True)
    assert delimiter.evidence == "Semicolon (;) splits every line into 2 cells."
    quote = _one(table, Kind.QUOTE)
    assert "double quotes" in quote.evidence
    assert table.frame["Name"].tolist() == ["Müller; Anna"]


def test_choices_given_are_settled_and_say_so(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text("Title\n\nName,Email\nAnna,a@example.com\n", encoding="utf-8")
    table = open_table(path, header_row=3, encoding="utf-8", delimiter=",")
    for kind in (Kind.ENCODING, Kind.DELIMITER, Kind.HEADER_ROW):
        assert _one(table, kind).settled
        assert _one(table, kind).evidence == "You chose it."


def test_quotes_read_as_text_on_request(tmp_path: Path) -> None:
    path = tmp_path / "quotes.csv"
    path.write_text('Name,Size\nScreen,"27"""\n', encoding="utf-8")
    assert open_table(path).frame["Size"].tolist() == ['27"']
    table = open_table(path, quote=None)
    assert table.frame["Size"].tolist() == ['"27"""']
    assert _one(table, Kind.QUOTE).decision == "quotes are read as text"


def test_header_below_a_title_is_a_guess_with_its_reason(tmp_path: Path) -> None:
    path = tmp_path / "report.csv"
    path.write_text("Attendees spring fair\n\nName,Email,City\nAnna,a@example.com,Berlin\n")
    decision = _one(open_table(path), Kind.HEADER_ROW)
    assert (decision.value, decision.settled) == ("3", False)
    assert decision.evidence.startswith("Rows 1–2 hold fewer cells")


def test_blank_rows_totals_row_and_renamed_headers_are_decisions(tmp_path: Path) -> None:
    path = tmp_path / "totals.csv"
    path.write_text("Email,Email,\na@example.com,b@example.com,x\n,,\nTotal,,\n")
    table = open_table(path)
    assert _one(table, Kind.BLANK_ROWS).decision == "1 blank row left out"
    totals = _one(table, Kind.TOTALS_ROW)
    assert (totals.settled, totals.value) == (False, "4")
    assert "--skip-totals-row" in totals.override
    names = _one(table, Kind.HEADER_NAMES)
    assert "'Email' → 'Email (2)'" in names.decision
    assert "'(blank)' → 'Column C'" in names.decision
    skipped = open_table(path, skip_totals_row=True)
    assert len(skipped) == 1
    assert _one(skipped, Kind.TOTALS_ROW).decision == "row 4 left out"


def test_the_first_of_several_sheets_is_a_guess(tmp_path: Path) -> None:
    book = Workbook()
    first = book.active
    assert first is not None
    first.title = "Attendees"
    first.append(["Email"])
    first.append(["a@example.com"])
    book.create_sheet("Notes").append(["just notes"])
    book.save(tmp_path / "two.xlsx")
    decision = _one(open_table(tmp_path / "two.xlsx"), Kind.SHEET)
    assert (decision.decision, decision.settled) == ("'Attendees'", False)
    assert "'Notes'" in decision.evidence
    assert _one(open_table(tmp_path / "two.xlsx", sheet="Attendees"), Kind.SHEET).settled


@pytest.mark.parametrize(
    ("headers", "language"),
    [
        ("Vorname;Nachname;Straße;Datum", "German"),
        ("Prénom;Nom;Ville;Société", "French"),
        ("Nombre;Apellidos;Fecha;Ciudad", "Spanish"),
        ("Nome;Sobrenome;Cidade;Telefone", "Portuguese"),
    ],
)
def test_header_words_of_a_day_first_language_are_a_locale_hint(
    tmp_path: Path, headers: str, language: str
) -> None:
    path = tmp_path / "list.csv"
    path.write_text(f"{headers}\na;b;c;d\n", encoding="utf-8")
    hint = open_table(path).info.locale_hint
    assert hint is not None
    assert hint.order is DateOrder.DMY
    assert hint.reason == f"the file's headers are {language}"


def test_semicolons_with_decimal_commas_are_a_locale_hint(tmp_path: Path) -> None:
    path = tmp_path / "prices.csv"
    path.write_text("Session;Start;Price\nKeynote;03/04/2026 09:00;149,50\n", encoding="utf-8")
    hint = open_table(path).info.locale_hint
    assert hint is not None
    assert "semicolons and decimal commas" in hint.reason
    assert "'149,50'" in hint.evidence


def test_english_headers_and_commas_give_no_locale_hint(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text("Name,Start,Price\nKeynote,03/04/2026,149.50\n", encoding="utf-8")
    assert open_table(path).info.locale_hint is None
    semicolons = tmp_path / "semi.csv"
    semicolons.write_text("Name;Start;Seats\nKeynote;03/04/2026;1,500\n", encoding="utf-8")
    assert open_table(semicolons).info.locale_hint is None  # 1,500 may be a thousands comma


def test_decisions_as_json_have_exactly_the_five_keys() -> None:
    decision = Decision(Kind.ENCODING, "Text encoding", "UTF-8", "Because.", True, "--encoding")
    assert decision.as_json() == {
        "what": "Text encoding",
        "decision": "UTF-8",
        "evidence": "Because.",
        "settled": True,
        "override": "--encoding",
    }


def test_ordered_puts_guesses_first_and_keeps_the_order_within_each() -> None:
    made = [
        Decision(Kind.ENCODING, "a", "", "", True, ""),
        Decision(Kind.SHEET, "b", "", "", False, ""),
        Decision(Kind.DELIMITER, "c", "", "", True, ""),
        Decision(Kind.HEADER_ROW, "d", "", "", False, ""),
    ]
    assert [d.what for d in ordered(made)] == ["b", "d", "a", "c"]
