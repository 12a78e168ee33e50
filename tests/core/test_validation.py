"""Validation: each type's checks in plain words, required fields, duplicates, rules, payloads."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rowboat.core.mapping.model import FieldSource, Mapping
from rowboat.core.reports import escape_formulas, export_invalid, export_valid
from rowboat.core.table import SourceInfo, Table
from rowboat.core.targets.schema import Endpoint, Field, FieldType, Rule
from rowboat.core.validation import ValidationOptions, ValidationResult, validate


def _endpoint(*fields: Field, rules: tuple[Rule, ...] = ()) -> Endpoint:
    return Endpoint(
        id="test.rows", system="test", system_label="Test", label="Rows",
        description="Rows for tests.", fields=fields, rules=rules,
    )  # fmt: skip


def _check(
    field: Field, values: list[str], options: ValidationOptions | None = None
) -> ValidationResult:
    frame = pd.DataFrame({"Value": values}, dtype=object)
    table = Table(
        frame,
        np.arange(2, 2 + len(values), dtype=np.int64),
        ("Value",),
        SourceInfo(path=Path("rows.csv"), format="csv", header_row=1),
    )
    mapping = Mapping(
        endpoint_id="test.rows", sources=(FieldSource(field=field.key, columns=("Value",)),)
    )
    return validate(table, _endpoint(field), mapping, options or ValidationOptions())


def _normal(result: ValidationResult) -> list[str]:
    return result.values.iloc[:, 0].tolist()


def _codes(result: ValidationResult) -> list[str]:
    return result.issues["code"].tolist()


EMAIL = Field(key="email", label="Email", type=FieldType.EMAIL)


@pytest.mark.parametrize(
    ("value", "code", "words"),
    [
        ("chloe.dubois@", "email.no_domain", "missing the part after the @"),
        ("chloe.dubois", "email.no_at", "has no @"),
        ("@example.com", "email.no_name", "missing the part before the @"),
        ("jonas weber@example.de", "email.space", "contains a space"),
        ("a@@example.com", "email.two_at", "more than one @"),
        ("anna@example", "email.no_tld", "such as .com"),
        ("anna..b@example.com", "email.double_dot", "two dots"),
    ],
)
def test_bad_email_says_what_is_wrong_plainly(value: str, code: str, words: str) -> None:
    result = _check(EMAIL, [value])
    issue = result.issue_list()[0]
    assert (issue.code, issue.row, issue.column) == (code, 2, "Value")
    assert words in issue.message
    assert f"'{value}'" in issue.message


def test_good_emails_pass_and_domain_is_lower_cased() -> None:
    result = _check(EMAIL, ["Mia.Schmidt@Example.DE", "zoë@exämple.nl", "a+tag@sub.example.co.uk"])
    assert result.invalid_count == 0
    assert _normal(result)[0] == "Mia.Schmidt@example.de"


def test_duplicate_emails_compare_without_case_and_name_the_first_row() -> None:
    result = _check(EMAIL, ["anna@example.com", "ben@example.com", "ANNA@example.com"])
    assert result.valid.tolist() == [True, True, False]
    assert result.issue_list()[0].message == "'ANNA@example.com' is already on row 2."


PHONE = Field(key="phone", label="Phone", type=FieldType.PHONE)


@pytest.mark.parametrize(
    ("value", "region", "e164"),
    [
        ("0151 1234560", "DE", "+491511234560"),
        ("+44 20 7946 0958", "DE", "+442079460958"),
        ("0049 151 1234560", "FR", "+491511234560"),
        ("(212) 555-0147", "US", "+12125550147"),
        ("4915112345600", "DE", "+4915112345600"),
    ],
)
def test_phone_is_normalised_to_e164(value: str, region: str, e164: str) -> None:
    result = _check(PHONE, [value], ValidationOptions(default_region=region))
    assert _normal(result) == [e164]


@pytest.mark.parametrize(
    ("value", "code"), [("call me", "phone.letters"), ("12 34", "phone.too_short")]
)
def test_bad_phone_is_reported(value: str, code: str) -> None:
    assert _codes(_check(PHONE, [value])) == [code]


DATE = Field(key="day", label="Day", type=FieldType.DATE)


def test_dates_in_common_shapes_become_iso() -> None:
    values = ["2026-03-14", "14.03.2026", "14/03/2026", "14 March 2026", "14. März 2026", "46095"]
    result = _check(DATE, values)
    assert _normal(result) == ["2026-03-14"] * 5 + ["2026-03-14"]


def test_impossible_date_is_explained() -> None:
    issue = _check(DATE, ["14/13/2026"]).issue_list()[0]
    assert issue.code == "date.invalid"
    assert issue.message == "'14/13/2026' is not a date. Use a date like 2026-03-14."


def test_month_name_alone_or_year_one_is_not_a_date() -> None:
    # "Aout" alone once read as 8 January of the year 1 and crashed the date column; years
    # nobody imports (1200) are typing slips, not dates.
    result = _check(DATE, ["Aout", "1/1/1200", "14 août 2026"])
    assert _codes(result) == ["date.invalid", "date.invalid"]
    assert _normal(result) == ["", "", "2026-08-14"]


def test_explicit_date_format_is_used() -> None:
    frame = pd.DataFrame({"When": ["03-14-26"]}, dtype=object)
    table = Table(frame, np.array([2]), ("When",), SourceInfo(Path("x.csv"), "csv", 1))
    source = FieldSource(field="day", columns=("When",), date_format="%m-%d-%y")
    result = validate(table, _endpoint(DATE), Mapping(endpoint_id="test.rows", sources=(source,)))
    assert result.values["day"].tolist() == ["2026-03-14"]


def test_end_before_start_is_flagged_on_the_end() -> None:
    start = Field(key="start", label="Start", type=FieldType.DATETIME)
    end = Field(key="end", label="End", type=FieldType.DATETIME)
    frame = pd.DataFrame(
        {
            "S": ["2026-04-16 10:00", "2026-04-16 10:00"],
            "E": ["2026-04-16 09:00", "2026-04-16 11:00"],
        }
    )
    table = Table(frame, np.array([2, 3]), ("S", "E"), SourceInfo(Path("x.csv"), "csv", 1))
    mapping = Mapping(
        endpoint_id="test.rows",
        sources=(
            FieldSource(field="start", columns=("S",)),
            FieldSource(field="end", columns=("E",)),
        ),
    )
    endpoint = _endpoint(start, end, rules=(Rule(kind="after", fields=("start", "end")),))
    result = validate(table, endpoint, mapping)
    assert result.valid.tolist() == [False, True]
    issue = result.issue_list()[0]
    assert (issue.code, issue.field, issue.column) == ("end_before_start", "end", "E")
    assert "must be after Start" in issue.message


def test_datetime_keeps_its_offset() -> None:
    field = Field(key="at", label="At", type=FieldType.DATETIME)
    assert _normal(_check(field, ["2026-04-14T09:00:00+02:00"])) == ["2026-04-14T09:00:00+02:00"]


@pytest.mark.parametrize(
    ("values", "comma", "expected"),
    [
        (["149,50", "12"], None, ["149.5", "12"]),
        (["1.234,56"], None, ["1234.56"]),
        (["1,234.56"], None, ["1234.56"]),
        (["1,234"], False, ["1234"]),
    ],
)
def test_decimals_follow_the_files_habit(
    values: list[str], comma: bool | None, expected: list[str]
) -> None:
    field = Field(key="price", label="Price", type=FieldType.DECIMAL)
    assert _normal(_check(field, values, ValidationOptions(decimal_comma=comma))) == expected


def test_integer_limits_are_plain() -> None:
    field = Field(key="rating", label="Rating", type=FieldType.INTEGER, minimum=1, maximum=5)
    result = _check(field, ["5", "5.0", "9", "two"])
    assert _normal(result) == ["5", "5", "", ""]
    assert result.issue_list()[0].message == "'9' is above 5, the largest Rating allowed."
    assert result.issue_list()[1].code == "integer.invalid"


def test_booleans_in_many_languages() -> None:
    field = Field(key="ok", label="Confirmed", type=FieldType.BOOLEAN)
    result = _check(field, ["ja", "Oui", "x", "nein", "no", "maybe"])
    assert _normal(result) == ["true", "true", "true", "false", "false", ""]
    assert next(result.payload()) == {"ok": True}


def test_countries_by_name_in_any_language_or_code() -> None:
    field = Field(key="country", label="Country", type=FieldType.COUNTRY)
    result = _check(field, ["Deutschland", "Allemagne", "DEU", "UK", "United States", "Atlantis"])
    assert _normal(result) == ["DE", "DE", "DE", "GB", "US", ""]
    assert "Atlantis" in result.issue_list()[0].message


def test_enum_lists_allowed_values() -> None:
    field = Field(key="mode", label="Mode", type=FieldType.ENUM, choices=("online", "onsite"))
    result = _check(field, ["ONLINE", "hybrid"])
    assert _normal(result) == ["online", ""]
    assert "online, onsite" in result.issue_list()[0].message


def test_time_zone_names_and_city_hint() -> None:
    field = Field(key="tz", label="Time zone", type=FieldType.TIMEZONE)
    result = _check(field, ["europe/berlin", "Berlin"])
    assert _normal(result) == ["Europe/Berlin", ""]
    assert "Europe/Berlin" in result.issue_list()[0].message


def test_urls_get_a_scheme() -> None:
    field = Field(key="url", label="Meeting link", type=FieldType.URL)
    result = _check(field, ["www.example.com/join", "not a link"])
    assert _normal(result) == ["https://www.example.com/join", ""]


def test_text_limits_and_list_fields() -> None:
    short = Field(key="code", label="Code", max_length=5)
    assert _codes(_check(short, ["ABCDEFG"])) == ["text.too_long"]
    emails = Field(key="emails", label="Emails", type=FieldType.EMAIL, multiple=True)
    result = _check(emails, ["a@x.de; b@x.de", "a@x.de, broken@"])
    assert next(result.payload()) == {"emails": ["a@x.de", "b@x.de"]}
    assert "broken@" in result.issue_list()[0].message


def test_required_field_empty_and_unmapped() -> None:
    name = Field(key="name", label="Name", required=True)
    assert _check(name, ["Anna", " "]).issue_list()[0].message == "Name is required but empty."
    table = Table(
        pd.DataFrame({"X": ["1"]}), np.array([2]), ("X",), SourceInfo(Path("x.csv"), "csv", 1)
    )
    result = validate(table, _endpoint(name), Mapping(endpoint_id="test.rows"))
    assert result.blockers == ("The required field 'Name' is not mapped to any column.",)
    assert result.invalid_count == 1
    # No column of the file is to blame: the issue says so with None, never "nan".
    assert result.issue_list()[0].column is None


def test_one_of_rule_names_no_column() -> None:
    email = Field(key="email", label="Email", type=FieldType.EMAIL)
    number = Field(key="number", label="Number")
    rule = Rule(kind="one_of", fields=("email", "number"), message="Give an email or a number.")
    table = Table(
        pd.DataFrame({"Mail": ["a@example.com", "", "b@example"]}),
        np.array([2, 3, 4]),
        ("Mail",),
        SourceInfo(Path("x.csv"), "csv", 1),
    )
    mapping = Mapping(
        endpoint_id="test.rows", sources=(FieldSource(field="email", columns=("Mail",)),)
    )
    result = validate(table, _endpoint(email, number, rules=(rule,)), mapping)
    issue, bad_email = result.issue_list()
    assert (issue.row, issue.column, issue.code) == (3, None, "one_of")
    assert issue.message == "Give an email or a number."
    # Row 4 has an email, written wrongly: that is its one problem.
    assert (bad_email.row, bad_email.code) == (4, "email.no_tld")


def test_payload_is_typed() -> None:
    count = Field(key="n", label="Seats", type=FieldType.INTEGER)
    assert list(_check(count, ["12", ""]).payload()) == [{"n": 12}, {}]


def test_reports_escape_formulas_and_list_errors(tmp_path: Path) -> None:
    cells = ["=1+1", "+4915112345600", "-12.50", "+A1", "-2+3", "@x", "\tx", "plain", "+49 30 1"]
    assert escape_formulas(pd.Series(cells)).tolist() == [
        "'=1+1",
        "+4915112345600",  # an E.164 phone is data
        "-12.50",  # so is a negative number
        "'+A1",
        "'-2+3",
        "'@x",
        "'\tx",
        "plain",
        "'+49 30 1",  # Excel would read this as a formula with the space operator
    ]
    result = _check(EMAIL, ['=HYPERLINK("x")', "ok@example.com"])
    out = export_invalid(result, tmp_path / "fix.csv")
    text = out.read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in text
    assert text.splitlines()[0] == "Row,Value,Errors"
    xlsx = export_invalid(result, tmp_path / "fix.xlsx")
    from openpyxl import load_workbook

    sheet = load_workbook(xlsx).active
    assert sheet is not None
    assert sheet["A2"].value == 2
    assert sheet["B2"].data_type == "s"
    assert sheet["C1"].value == "Errors"
    valid = export_valid(result, tmp_path / "valid.csv")
    assert "ok@example.com" in valid.read_text(encoding="utf-8-sig")


def test_export_never_overwrites_the_source(tmp_path: Path) -> None:
    from rowboat.core.errors import ConfigurationError

    result = _check(EMAIL, ["x"])
    with pytest.raises(ConfigurationError):
        export_invalid(result, Path("rows.csv"))


@settings(max_examples=40, deadline=None)
@given(
    values=st.lists(st.text(max_size=30), min_size=1, max_size=20),
    kind=st.sampled_from(list(FieldType)),
)
def test_validate_never_raises_and_splits_all_rows(values: list[str], kind: FieldType) -> None:
    choices = ("a", "b") if kind is FieldType.ENUM else ()
    result = _check(Field(key="f", label="F", type=kind, choices=choices), values)
    assert result.valid_count + result.invalid_count == len(values)
    assert set(result.issues["pos"]) == set(np.flatnonzero(~result.valid))


def test_shipped_country_data_matches_phonenumbers() -> None:
    # The table ships precomputed (building it costs ~0.4 s); an upgrade of phonenumbers that
    # changes a name or a calling code must refresh it: python -m rowboat.core.validation.countries
    from rowboat.core.validation.countries import _TABLE, build_table, calling_code

    assert json.loads(_TABLE.read_text(encoding="utf-8")) == build_table()
    assert (calling_code("de"), calling_code("US"), calling_code("XX")) == ("49", "1", "")


def test_valid_rows_csv_keeps_e164_phones_as_they_are(tmp_path: Path) -> None:
    result = _check(PHONE, ["+49 151 12345600"], ValidationOptions(default_region="DE"))
    text = export_valid(result, tmp_path / "valid.csv").read_text(encoding="utf-8-sig")
    assert text.splitlines() == ["Phone", "+4915112345600"]
