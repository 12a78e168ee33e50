"""Date decisions on built files: a column's order settled by its dates or guessed from the
file's locale and the region, overrides, messages that say why, and Excel serial numbers."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from openpyxl import Workbook

from rowboat.core.decisions import DateOrder, Decision, Kind
from rowboat.core.mapping.model import FieldSource, Mapping
from rowboat.core.sources import open_table
from rowboat.core.table import LocaleHint, SourceInfo, Table
from rowboat.core.targets.schema import Endpoint, Field, FieldType
from rowboat.core.validation import ValidationOptions, ValidationResult, validate

START = Field(key="start", label="Start", type=FieldType.DATETIME)
DAY = Field(key="day", label="Day", type=FieldType.DATE)
GERMAN = LocaleHint(DateOrder.DMY, "the file's headers are German", "the file's headers are German")


def _endpoint(field: Field) -> Endpoint:
    return Endpoint(
        id="test.rows", system="test", system_label="Test", label="Rows",
        description="Rows.", fields=(field,),
    )  # fmt: skip


def _table(values: list[str], hint: LocaleHint | None = None, column: str = "When") -> Table:
    frame = pd.DataFrame({column: values}, dtype="str")
    info = SourceInfo(Path("sessions.csv"), "csv", 1, locale_hint=hint)
    return Table(frame, np.arange(2, 2 + len(values), dtype=np.int64), (column,), info)


def _check(
    table: Table,
    field: Field = DAY,
    options: ValidationOptions | None = None,
    column: str | None = None,
    **source: object,
) -> ValidationResult:
    column = column or table.columns[0]
    mapping = Mapping(
        endpoint_id="test.rows",
        sources=(FieldSource(field=field.key, columns=(column,), **source),),
    )
    return validate(table, _endpoint(field), mapping, options or ValidationOptions())


def _decision(result: ValidationResult, kind: Kind) -> Decision:
    found = [d for d in result.decisions if d.kind is kind]
    assert len(found) == 1, [d.what for d in result.decisions]
    return found[0]


def test_a_day_above_twelve_settles_the_whole_column_day_first() -> None:
    result = _check(_table(["03/04/2026 09:00", "25/04/2026 10:00"]), START)
    assert result.values["start"].tolist() == ["2026-04-03T09:00:00", "2026-04-25T10:00:00"]
    decision = _decision(result, Kind.DATE_ORDER)
    assert (decision.value, decision.settled) == ("DMY", True)
    assert decision.evidence == "1 of 2 dates have a first number above 12, so day comes first."


def test_a_second_number_above_twelve_settles_the_column_month_first() -> None:
    result = _check(_table(["03/04/2026", "04/25/2026"]), options=ValidationOptions("DE"))
    assert result.values["day"].tolist() == ["2026-03-04", "2026-04-25"]
    decision = _decision(result, Kind.DATE_ORDER)
    assert (decision.value, decision.settled) == ("MDY", True)
    assert "second number above 12, so month comes first" in decision.evidence


@pytest.mark.parametrize(("region", "order", "day"), [("US", "MDY", "2026-03-04"),
                                                      ("DE", "DMY", "2026-04-03")])  # fmt: skip
def test_an_ambiguous_column_follows_the_region_and_is_a_guess(
    region: str, order: str, day: str
) -> None:
    result = _check(_table(["03/04/2026"]), options=ValidationOptions(default_region=region))
    assert result.values["day"].tolist() == [day]
    decision = _decision(result, Kind.DATE_ORDER)
    assert (decision.value, decision.settled) == (order, False)
    assert f"the region is {region}" in decision.evidence
    assert result.decisions[0] is decision


def test_the_files_locale_decides_before_the_region() -> None:
    result = _check(_table(["03/04/2026"], GERMAN), options=ValidationOptions("US"))
    assert result.values["day"].tolist() == ["2026-04-03"]
    decision = _decision(result, Kind.DATE_ORDER)
    assert not decision.settled
    assert "the file's headers are German" in decision.evidence


def test_a_german_semicolon_file_reads_its_ambiguous_dates_day_first(tmp_path: Path) -> None:
    path = tmp_path / "sessions.csv"
    lines = [
        "Titel;Beginn;Preis",
        "Keynote;03/04/2026 09:00;149,50",
        "Panel;05/06/2026 11:00;12,00",
    ]
    path.write_bytes("\n".join(lines).encode("cp1252"))
    table = open_table(path)
    result = _check(table, START, ValidationOptions(default_region="US"), column="Beginn")
    assert result.values["start"].tolist() == ["2026-04-03T09:00:00", "2026-06-05T11:00:00"]
    decision = _decision(result, Kind.DATE_ORDER)
    assert decision.what == "Date order of Start ('Beginn')"
    assert "German ('Titel', 'Beginn')" in decision.evidence


def test_semicolons_and_decimal_commas_settle_an_english_file_day_first(tmp_path: Path) -> None:
    path = tmp_path / "prices.csv"
    path.write_text("Start;Price\n03/04/2026 09:00;149,50\n", encoding="utf-8")
    result = _check(open_table(path), START, ValidationOptions(default_region="US"))
    assert result.values["start"].tolist() == ["2026-04-03T09:00:00"]
    assert "semicolons" in _decision(result, Kind.DATE_ORDER).evidence


@pytest.mark.parametrize(("order", "day"), [("DMY", "2026-04-03"), ("MDY", "2026-03-04"),
                                            ("YMD", "2003-04-26")])  # fmt: skip
def test_the_date_order_option_overrides_the_guess(order: str, day: str) -> None:
    values = ["03/04/26"] if order == "YMD" else ["03/04/2026"]
    result = _check(_table(values), options=ValidationOptions(date_order=DateOrder(order)))
    assert result.values["day"].tolist() == [day]
    decision = _decision(result, Kind.DATE_ORDER)
    assert (decision.value, decision.settled, decision.evidence) == (order, True, "You chose it.")


def test_a_mapping_can_give_one_column_its_own_order() -> None:
    result = _check(
        _table(["03/04/2026"]), options=ValidationOptions("US"), date_order=DateOrder.DMY
    )
    assert result.values["day"].tolist() == ["2026-04-03"]
    assert _decision(result, Kind.DATE_ORDER).settled


def test_a_date_that_fails_only_in_the_guessed_order_says_so_and_why() -> None:
    result = _check(_table(["04/25/2026", "04/26/2026", "13/04/2026"]))
    issue = result.issue_list()[0]
    assert issue.code == "date.order"
    assert issue.message == (
        "'13/04/2026' is not a date when the month comes first; the column was read month-first "
        "because more of its dates make sense only month-first than only day-first."
    )
    decision = _decision(result, Kind.DATE_ORDER)
    assert (decision.value, decision.settled) == ("MDY", False)
    assert decision.evidence.startswith("1 of 3 dates read only day-first and 2 only month-first")


def test_a_date_that_fails_in_the_order_chosen_names_the_choice() -> None:
    options = ValidationOptions(date_order=DateOrder.MDY)
    issue = _check(_table(["13/04/2026"]), options=options).issue_list()[0]
    assert issue.message == (
        "'13/04/2026' is not a date when the month comes first; the column was read month-first "
        "because that order was chosen for it."
    )
    decision = _decision(_check(_table(["13/04/2026"]), options=options), Kind.DATE_ORDER)
    assert "1 date is a date only in the other order" in decision.evidence


def test_a_date_that_is_no_date_in_either_order_is_plainly_not_a_date() -> None:
    issue = _check(_table(["14/13/2026"])).issue_list()[0]
    assert (issue.code, issue.message) == (
        "date.invalid",
        "'14/13/2026' is not a date. Use a date like 2026-03-14.",
    )


def test_year_first_dates_with_slashes_read_one_way() -> None:
    assert _check(_table(["2026/04/03", "2026.12.31"])).values["day"].tolist() == [
        "2026-04-03",
        "2026-12-31",
    ]


def test_serial_numbers_typed_as_text_are_read_as_dates_and_said_to_be() -> None:
    result = _check(_table(["46023.5", "46024.25"]), START)
    assert result.values["start"].tolist() == ["2026-01-01T12:00:00", "2026-01-02T06:00:00"]
    assert result.invalid_count == 0
    decision = _decision(result, Kind.SERIAL_DATES)
    assert (decision.decision, decision.settled) == ("read as dates", False)
    assert "'46023.5'" in decision.evidence
    assert "--serial-dates" in decision.override


def test_serial_numbers_in_number_cells_of_a_workbook_are_read_as_dates(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Title", "Start"])
    sheet.append(["Keynote", 46023.5])  # a number cell without a date format
    sheet.append(["Panel", dt.datetime(2026, 1, 2, 9, 30)])  # a real date cell
    book.save(tmp_path / "sessions.xlsx")
    table = open_table(tmp_path / "sessions.xlsx")
    result = _check(Table(table.frame[["Start"]], table.source_rows, ("Start",), table.info), START)
    assert result.values["start"].tolist() == ["2026-01-01T12:00:00", "2026-01-02T09:30:00"]
    assert _decision(result, Kind.SERIAL_DATES).value == "yes"


def test_a_whole_serial_in_a_datetime_column_says_it_is_an_excel_date_without_time() -> None:
    issue = _check(_table(["46023"]), START).issue_list()[0]
    assert issue.code == "datetime.no_time"
    assert issue.message.startswith("'46023' is an Excel date number (2026-01-01) with no time")


def test_serial_numbers_turned_off_are_explained_and_offered() -> None:
    result = _check(_table(["46023.5"]), START, ValidationOptions(serial_dates=False))
    issue = result.issue_list()[0]
    assert issue.code == "datetime.serial"
    assert issue.message == (
        "'46023.5' is a number, not a date; it looks like an Excel date number (2026-01-01 "
        "12:00). To read such numbers as dates, use --serial-dates yes (on the Map step: Read "
        "Excel date numbers as dates)."
    )
    assert _decision(result, Kind.SERIAL_DATES).settled
    per_field = _check(_table(["46023.5"]), START, serial_dates=False)
    assert per_field.issue_list()[0].code == "datetime.serial"


def test_a_date_format_is_a_settled_decision() -> None:
    result = _check(_table(["03.04.26"]), date_format="%d.%m.%y")
    decision = _decision(result, Kind.DATE_ORDER)
    assert (decision.decision, decision.settled) == ("read as %d.%m.%y", True)


def test_decimal_commas_and_the_phone_region_are_decisions() -> None:
    amount = Field(key="amount", label="Amount", type=FieldType.DECIMAL)
    result = _check(_table(["149,50", "12,00"], column="Price"), amount)
    decision = _decision(result, Kind.DECIMAL_COMMA)
    assert decision.decision == "comma (149,50 is 149.50)"
    assert not decision.settled
    phone = Field(key="phone", label="Phone", type=FieldType.PHONE)
    options = ValidationOptions(default_region="DE", region_source="locale")
    region = _decision(_check(_table(["0151 1234560"]), phone, options), Kind.REGION)
    assert (region.decision, region.settled) == ("DE (+49)", False)
    assert "your computer's region" in region.evidence
    given = ValidationOptions(default_region="DE", region_source="given")
    assert _decision(_check(_table(["0151 1234560"]), phone, given), Kind.REGION).settled
