"""Edits while reviewing: a row re-checked at once, the other rows it touches, and a corrected
result equal to validate() run on the edited table."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rowboat.core.mapping.model import FieldSource, Mapping, NamePart
from rowboat.core.table import SourceInfo, Table
from rowboat.core.targets.schema import Endpoint, Field, FieldType, Rule
from rowboat.core.validation import ValidationOptions, ValidationResult, validate
from rowboat.core.validation.edits import ReviewEdits

_T = FieldType
FIELDS = (
    Field(key="email", label="Email", type=_T.EMAIL),
    Field(key="customer", label="Customer number", max_length=8, unique=True),
    Field(key="first", label="First name", required=True),
    Field(key="last", label="Last name"),
    Field(key="phone", label="Phone", type=_T.PHONE),
    Field(key="day", label="Day", type=_T.DATE),
    Field(key="start", label="Start", type=_T.DATETIME),
    Field(key="end", label="End", type=_T.DATETIME),
    Field(key="amount", label="Amount", type=_T.DECIMAL),
    Field(key="seats", label="Seats", type=_T.INTEGER, minimum=1, maximum=500),
    Field(key="country", label="Country", type=_T.COUNTRY),
    Field(key="tags", label="Tags", type=_T.DATE, multiple=True),
    Field(key="code", label="Code", required=True),  # never mapped: every row lacks it
)
RULES = (
    Rule(kind="one_of", fields=("email", "customer"), message="Give an email or a number."),
    Rule(kind="after", fields=("start", "end")),
)
SOURCES = (
    FieldSource(field="email", columns=("Mail",)),
    FieldSource(field="customer", columns=("Customer",)),
    FieldSource(field="first", columns=("Name",), split_name=NamePart.FIRST),
    FieldSource(field="last", columns=("Name",), split_name=NamePart.LAST),
    FieldSource(field="phone", columns=("Phone",)),
    FieldSource(field="day", columns=("Day",)),
    FieldSource(field="start", columns=("Start",)),
    FieldSource(field="end", columns=("End",)),
    FieldSource(field="amount", columns=("Amount",)),
    FieldSource(field="seats", columns=("Seats",)),
    FieldSource(field="country", columns=("Country",)),
    FieldSource(field="tags", columns=("Tags",)),
)
# Messy values for each column: good ones, bad ones, repeats, empties and ambiguous readings.
POOLS: dict[str, list[str]] = {
    "Mail": ["anna@example.com", "ANNA@example.com", "ben@example.com", "ben@", "chloe@example",
             "", " ", "Dora@Example.DE", "dora@example.de", "x y@example.com"],
    "Customer": ["001", "002", "001 ", "", "ABCDEFGHIJ", "003"],
    "Name": ["Anna Müller", "van der Berg, Jan", "  ", "Jean Pierre Martin", "", "Zoë"],
    "Phone": ["0151 1234560", "+44 20 7946 0958", "12 34", "call me", "", "4915112345600"],
    "Day": ["03/04/2026", "13/04/2026", "04/13/2026", "2026-04-03", "14.03.2026", "46095",
            "14 March 2026", "Aout", "", "3-4-26"],
    "Start": ["2026-04-16 10:00", "16/04/2026 11:00", "04/16/2026 08:00", "2026-04-16", "soon",
              "2026-04-16T10:00:00+02:00", ""],
    "End": ["2026-04-16 09:00", "2026-04-16 12:00", "17/04/2026 09:00", "04/17/2026 09:00", ""],
    "Amount": ["149,50", "149.50", "1.234,56", "1,234.56", "12", "abc", "", "1,5"],
    "Seats": ["1", "500", "501", "0", "two", "1,000", "10.0", ""],
    "Country": ["Germany", "DE", "Atlantis", "", "UK"],
    "Tags": ["03/04/2026; 13/04/2026", "04/13/2026", "2026-01-01, x", ""],
    "Notes": ["", "call first", "=1+1"],
}  # fmt: skip
COLUMNS = list(POOLS)


def _table(rows: list[dict[str, str]], dtype: str) -> Table:
    frame = pd.DataFrame({c: [r[c] for r in rows] for c in COLUMNS}, dtype=dtype)
    source_rows = np.arange(2, 2 + len(rows), dtype=np.int64)
    info = SourceInfo(path=Path("attendees.csv"), format="csv", header_row=1)
    return Table(frame, source_rows, tuple(COLUMNS), info)


def _endpoint(unmapped_required: bool) -> Endpoint:
    fields = FIELDS if unmapped_required else FIELDS[:-1]
    return Endpoint(
        id="test.rows", system="test", system_label="Test", label="Rows",
        description="Rows for tests.", fields=fields, rules=RULES,
    )  # fmt: skip


MAPPING = Mapping(endpoint_id="test.rows", sources=SOURCES)


def _edited(table: Table, cells: dict[tuple[int, str], str]) -> Table:
    frame = table.frame.copy()
    for (pos, column), text in cells.items():
        frame.loc[pos, column] = text
    return Table(frame, table.source_rows, table.headers, table.info)


def _assert_same(ours: ValidationResult, theirs: ValidationResult) -> None:
    pd.testing.assert_frame_equal(ours.issues, theirs.issues)
    pd.testing.assert_frame_equal(ours.values, theirs.values)
    np.testing.assert_array_equal(ours.valid, theirs.valid)
    assert ours.blockers == theirs.blockers
    assert ours.table.frame.astype(object).equals(theirs.table.frame.astype(object))


row_strategy = st.fixed_dictionaries({c: st.sampled_from(v) for c, v in POOLS.items()})
edit_strategy = st.tuples(
    st.integers(min_value=0, max_value=99),
    st.sampled_from(COLUMNS),
    st.integers(min_value=0, max_value=99),
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=st.lists(row_strategy, min_size=1, max_size=6),
    edits=st.lists(edit_strategy, min_size=1, max_size=6),
    region=st.sampled_from(["DE", "US"]),
    unmapped_required=st.booleans(),
    dtype=st.sampled_from(["str", "object"]),
)
def test_edits_give_what_validate_gives_on_the_edited_table(
    rows: list[dict[str, str]],
    edits: list[tuple[int, str, int]],
    region: str,
    unmapped_required: bool,
    dtype: str,
) -> None:
    table = _table(rows, dtype)
    endpoint, options = _endpoint(unmapped_required), ValidationOptions(default_region=region)
    first = validate(table, endpoint, MAPPING, options)
    review = ReviewEdits(first)
    cells: dict[tuple[int, str], str] = {}
    previous = first
    for row, column, choice in edits:
        pos, text = row % len(rows), POOLS[column][choice % len(POOLS[column])]
        change = review.edit(pos, column, text)
        cells[(pos, column)] = text
        expected = validate(_edited(table, cells), endpoint, MAPPING, options)
        _assert_same(review.apply_edits(), expected)
        assert review.valid_count == expected.valid_count
        for p in range(len(rows)):
            assert list(review.issues_at(p)) == expected.issues_at(p)
        if not change.rebased:  # every row whose problems changed is reported
            moved = {p for p in range(len(rows)) if previous.issues_at(p) != expected.issues_at(p)}
            assert moved <= set(change.rows)
            assert all(list(change.before[p]) == previous.issues_at(p) for p in change.rows)
        previous = expected
    for row, column, _ in reversed(edits):  # undoing every edit gives back the file as read
        pos = row % len(rows)
        review.edit(pos, column, table.frame.iloc[pos][column])
    _assert_same(review.apply_edits(), first)
    assert review.edited_cells == {}


# -- single behaviours, on a small contacts table -------------------------------------------------

CONTACTS = Endpoint(
    id="test.contacts", system="test", system_label="Test", label="Contacts",
    description="Contacts.", rules=(RULES[0],),
    fields=(FIELDS[0], FIELDS[1], Field(key="name", label="Name", required=True)),
)  # fmt: skip
CONTACT_MAPPING = Mapping(
    endpoint_id="test.contacts",
    sources=(
        FieldSource(field="email", columns=("Mail",)),
        FieldSource(field="customer", columns=("Customer",)),
        FieldSource(field="name", columns=("Name",)),
    ),
)


def _contacts(*rows: tuple[str, str, str]) -> ReviewEdits:
    frame = pd.DataFrame(rows, columns=["Mail", "Customer", "Name"], dtype="str")
    frame["Notes"] = ""
    info = SourceInfo(path=Path("contacts.xlsx"), format="xlsx", header_row=3)
    table = Table(frame, np.arange(4, 4 + len(rows)), ("Mail", "Customer", "Name", "Notes"), info)
    return ReviewEdits(validate(table, CONTACTS, CONTACT_MAPPING))


def test_fixing_a_bad_email_makes_the_row_valid_and_moves_the_counts() -> None:
    review = _contacts(("anna@example.com", "", "Anna"), ("jane@", "", "Jane"))
    assert (review.valid_count, review.invalid_count) == (1, 1)
    change = review.edit(1, "Mail", "jane@example.com")
    assert change.rows == (1,)
    assert change.before[1][0].code == "email.no_domain"
    assert review.issues_at(1) == ()
    assert review.valid.tolist() == [True, True]
    assert (review.valid_count, review.invalid_count) == (2, 0)
    assert review.values_at(1)["email"] == "jane@example.com"


def test_changing_the_first_copy_of_an_email_clears_the_later_copy() -> None:
    review = _contacts(
        ("anna@example.com", "", "Anna"), ("ben@example.com", "", "Ben"),
        ("Anna@Example.com", "", "Anna again"),
    )  # fmt: skip
    assert review.issues_at(2)[0].message == "'Anna@Example.com' is already on row 4."
    change = review.edit(0, "Mail", "anna.b@example.com")
    assert change.rows == (0, 2)  # the edited row's email changed; the other lost its problem
    assert review.issues_at(2) == ()
    assert review.valid_count == 3


def test_an_edit_that_copies_a_later_email_makes_the_later_row_the_repeat() -> None:
    review = _contacts(("anna@example.com", "", "Anna"), ("ben@example.com", "", "Ben"))
    change = review.edit(0, "Mail", "BEN@example.com")
    assert change.rows == (0, 1)
    assert review.issues_at(1)[0].message == "'ben@example.com' is already on row 4."
    assert review.issues_at(0) == ()


def test_a_repeat_moves_to_the_next_copy_when_the_first_is_emptied() -> None:
    review = _contacts(("", "001", "A"), ("", "001", "B"), ("", "001", "C"))
    review.edit(0, "Customer", "")
    assert review.issues_at(0)[0].code == "one_of"
    assert review.issues_at(1) == ()
    assert review.issues_at(2)[0].message == "'001' is already on row 5."


def test_editing_a_column_nothing_is_mapped_to_changes_no_problem() -> None:
    review = _contacts(("jane@", "", "Jane"))
    change = review.edit(0, "Notes", "call first")
    assert change.rows == ()
    assert review.text(0, "Notes") == "call first"
    assert review.apply_edits().table.frame["Notes"].tolist() == ["call first"]


def test_typing_the_original_text_again_forgets_the_edit() -> None:
    review = _contacts(("jane@", "", "Jane"))
    review.edit(0, "Mail", "jane@example.com")
    assert review.is_edited(0, "Mail")
    review.edit(0, "Mail", "jane@")
    assert review.edited_cells == {}
    assert review.issues_at(0)[0].code == "email.no_domain"


def test_emptying_a_required_cell_is_reported_at_once() -> None:
    review = _contacts(("anna@example.com", "", "Anna"))
    review.edit(0, "Name", "   ")
    assert [i.message for i in review.issues_at(0)] == ["Name is required but empty."]


def test_the_users_file_and_the_first_result_are_never_changed() -> None:
    review = _contacts(("jane@", "", "Jane"))
    first = review.result
    review.edit(0, "Mail", "jane@example.com")
    corrected = review.apply_edits()
    assert first.table.frame["Mail"].tolist() == ["jane@"]
    assert first.valid.tolist() == [False]
    assert corrected.table.frame["Mail"].tolist() == ["jane@example.com"]
    assert corrected.table.info == first.table.info
    assert corrected is review.apply_edits()  # built once until the next edit
    with pytest.raises(ValueError, match="read-only"):
        review.valid[0] = False


def test_a_day_first_date_in_a_month_first_column_reads_the_whole_column_again() -> None:
    day = Field(key="day", label="Day", type=_T.DATE)
    endpoint = Endpoint(
        id="t.d", system="t", system_label="T", label="D", description="D.", fields=(day,)
    )
    frame = pd.DataFrame({"Day": ["03/04/2026", "05/06/2026"]}, dtype="str")
    table = Table(frame, np.array([2, 3]), ("Day",), SourceInfo(Path("d.csv"), "csv", 1))
    mapping = Mapping(endpoint_id="t.d", sources=(FieldSource(field="day", columns=("Day",)),))
    review = ReviewEdits(validate(table, endpoint, mapping, ValidationOptions("US")))
    assert review.values_at(0)["day"] == "2026-03-04"  # US slashes: month first
    change = review.edit(1, "Day", "25/06/2026")  # only day-first can read this one
    assert change.rebased
    assert review.values_at(0)["day"] == "2026-04-03"  # and now the first reads day-first too
    assert review.values_at(1)["day"] == "2026-06-25"


def test_indexes_built_aside_give_the_same_answers_even_after_edits_meanwhile() -> None:
    rows = [{c: POOLS[c][i % len(POOLS[c])] for c in COLUMNS} for i in range(8)]
    table, endpoint = _table(rows, "str"), _endpoint(False)
    options = ValidationOptions(default_region="US")
    review = ReviewEdits(validate(table, endpoint, MAPPING, options))
    prepared = review.prepare()  # as a worker would, from the validated result alone
    cells = {(1, "Mail"): "anna@example.com", (2, "Amount"): "1,5", (3, "Day"): "04/13/2026"}
    for (pos, column), text in list(cells.items())[:1]:
        review.edit(pos, column, text)
    review.adopt(prepared)  # the email index exists already; the readings catch up
    for (pos, column), text in list(cells.items())[1:]:
        review.edit(pos, column, text)
    _assert_same(review.apply_edits(), validate(_edited(table, cells), endpoint, MAPPING, options))


def test_indexes_built_for_an_earlier_reading_of_the_file_are_ignored() -> None:
    day = Field(key="day", label="Day", type=_T.DATE)
    endpoint = Endpoint(
        id="t.d", system="t", system_label="T", label="D", description="D.", fields=(day,)
    )
    frame = pd.DataFrame({"Day": ["03/04/2026", "05/06/2026"]}, dtype="str")
    table = Table(frame, np.array([2, 3]), ("Day",), SourceInfo(Path("d.csv"), "csv", 1))
    mapping = Mapping(endpoint_id="t.d", sources=(FieldSource(field="day", columns=("Day",)),))
    review = ReviewEdits(validate(table, endpoint, mapping, ValidationOptions("US")))
    prepared = review.prepare()
    assert review.edit(1, "Day", "25/06/2026").rebased
    review.adopt(prepared)  # counts of the month-first reading: not for this file any more
    review.edit(0, "Day", "07/08/2026")
    assert review.values_at(0)["day"] == "2026-08-07"  # still read day-first
