"""Overrides carried per column: mapping files read and write them, saved profiles remember
them, and re-checking single rows in Review agrees with validate() under each of them."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rowboat.core.decisions import DateOrder, NameOrder
from rowboat.core.errors import MappingError
from rowboat.core.mapping import FieldSource, Mapping, NamePart, ProfileStore, load_mapping
from rowboat.core.mapping.files import mapping_to_json
from rowboat.core.table import LocaleHint
from rowboat.core.targets import get_endpoint
from rowboat.core.validation import ValidationOptions, validate
from rowboat.core.validation.edits import ReviewEdits
from tests.core.test_validation_edits import (
    MAPPING,
    POOLS,
    _assert_same,
    _edited,
    _endpoint,
    _table,
    edit_strategy,
    row_strategy,
)

if TYPE_CHECKING:
    from pathlib import Path

SESSIONS = get_endpoint("thought-industries.in-person-sessions")


def test_a_mapping_file_carries_the_overrides_per_column(tmp_path: Path) -> None:
    path = tmp_path / "sessions.json"
    path.write_text(
        json.dumps(
            {
                "endpoint": SESSIONS.id,
                "fields": {
                    "startDate": {"column": "Beginn", "date_order": "DMY", "serial_dates": False},
                    "endDate": {"column": "Ende", "date_order": "MDY"},
                    "capacity": {"column": "Plätze", "decimal_comma": True},
                },
            }
        ),
        encoding="utf-8",
    )
    mapping = load_mapping(path, SESSIONS)
    start = mapping.for_field("startDate")
    assert start is not None
    assert (start.date_order, start.serial_dates) == (DateOrder.DMY, False)
    end, seats = mapping.for_field("endDate"), mapping.for_field("capacity")
    assert end is not None
    assert end.date_order is DateOrder.MDY
    assert seats is not None
    assert seats.decimal_comma is True
    assert mapping_to_json(mapping)["fields"]["startDate"] == {
        "column": "Beginn",
        "date_order": "DMY",
        "serial_dates": False,
    }


def test_a_wrong_date_order_in_a_mapping_file_is_a_plain_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"fields": {"startDate": {"column": "S", "date_order": "DDM"}}}))
    with pytest.raises(MappingError) as caught:
        load_mapping(path, SESSIONS)
    assert "date_order" in caught.value.message


def test_a_saved_profile_remembers_the_overrides(tmp_path: Path) -> None:
    store = ProfileStore(tmp_path / "profiles")
    mapping = Mapping(
        endpoint_id="plandocket.contacts",
        sources=(
            FieldSource(
                field="firstName",
                columns=("Name",),
                split_name=NamePart.FIRST,
                name_order=NameOrder.LAST_FIRST,
            ),
        ),
    )
    store.save(["Name", "Email"], mapping)
    found = store.find(["Email", "Name"], "plandocket.contacts")
    assert found is not None
    source = found.for_field("firstName")
    assert source is not None
    assert source.name_order is NameOrder.LAST_FIRST


# Review's single-row re-checks must agree with validate() under the new readings too: a file
# whose headers say German, an order chosen for the file or for one column.
HINTS = st.sampled_from([None, LocaleHint(DateOrder.DMY, "the file's headers are German", "")])
ORDERS = st.sampled_from([None, DateOrder.DMY, DateOrder.MDY])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=st.lists(row_strategy, min_size=1, max_size=6),
    edits=st.lists(edit_strategy, min_size=1, max_size=5),
    region=st.sampled_from(["DE", "US"]),
    hint=HINTS,
    file_order=ORDERS,
    column_order=ORDERS,
)
def test_edits_agree_with_validate_under_locale_hints_and_chosen_orders(
    rows: list[dict[str, str]],
    edits: list[tuple[int, str, int]],
    region: str,
    hint: LocaleHint | None,
    file_order: DateOrder | None,
    column_order: DateOrder | None,
) -> None:
    from dataclasses import replace

    base = _table(rows, "str")
    table = replace(base, info=replace(base.info, locale_hint=hint))
    sources = tuple(
        s.model_copy(update={"date_order": column_order}) if s.field == "start" else s
        for s in MAPPING.sources
    )
    mapping = MAPPING.model_copy(update={"sources": sources})
    endpoint = _endpoint(False)
    options = ValidationOptions(default_region=region, date_order=file_order)
    review = ReviewEdits(validate(table, endpoint, mapping, options))
    cells: dict[tuple[int, str], str] = {}
    for row, column, choice in edits:
        pos, text = row % len(rows), POOLS[column][choice % len(POOLS[column])]
        review.edit(pos, column, text)
        cells[(pos, column)] = text
        expected = validate(_edited(table, cells), endpoint, mapping, options)
        _assert_same(review.apply_edits(), expected)
        for p in range(len(rows)):
            assert list(review.issues_at(p)) == expected.issues_at(p)


def test_overriding_a_name_order_sets_it_on_both_parts_and_none_clears_it() -> None:
    from rowboat.core.decisions import Kind
    from rowboat.core.mapping.overrides import override_field

    mapping = Mapping(
        endpoint_id="plandocket.contacts",
        sources=(
            FieldSource(field="firstName", columns=("Name",), split_name=NamePart.FIRST),
            FieldSource(field="lastName", columns=("Name",), split_name=NamePart.LAST),
            FieldSource(field="email", columns=("Mail",)),
        ),
    )
    after = override_field(mapping, Kind.NAME_SPLIT, "firstName", "last first")
    assert [s.name_order for s in after.sources] == [NameOrder.LAST_FIRST] * 2 + [None]
    cleared = override_field(after, Kind.NAME_SPLIT, "lastName", None)
    assert [s.name_order for s in cleared.sources] == [None, None, None]
    dated = override_field(mapping, Kind.SERIAL_DATES, "email", "no")
    assert dated.for_field("email") is not None
    assert dated.sources[2].serial_dates is False
