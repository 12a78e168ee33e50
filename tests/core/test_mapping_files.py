"""Mapping files: the JSON people write, its plain errors, saving, and merging over a match."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest

from rowboat.core.errors import MappingError
from rowboat.core.mapping import (
    Case,
    FieldSource,
    Mapping,
    MatchMethod,
    NamePart,
    load_mapping,
    match_columns,
    merge,
    save_mapping,
)
from rowboat.core.targets import get_endpoint

if TYPE_CHECKING:
    from pathlib import Path

CONTACTS = get_endpoint("plandocket.contacts")
SESSIONS = get_endpoint("thought-industries.in-person-sessions")


def _write(tmp_path: Path, data: Any) -> Path:
    path = tmp_path / "M.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_every_form_of_entry_is_read(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        {
            "endpoint": "plandocket.contacts",
            "fields": {
                "email": "E-Mail",
                "first_name": {"column": "Name", "split_name": "first"},
                "last_name": {"column": "Name", "split_name": "last", "case": "title"},
                "notes": {"columns": ["Note 1", "Note 2"], "separator": "; "},
                "country": {"constant": "DE"},
                "rating": {"column": "Stars", "case": "upper", "trim": False},
                "fax": None,
            },
        },
    )
    mapping = load_mapping(path, CONTACTS)
    assert mapping.endpoint_id == "plandocket.contacts"
    assert mapping.sources == (
        FieldSource(field="email", columns=("E-Mail",)),
        FieldSource(field="first_name", columns=("Name",), split_name=NamePart.FIRST),
        FieldSource(
            field="last_name", columns=("Name",), split_name=NamePart.LAST, case=Case.TITLE
        ),
        FieldSource(field="notes", columns=("Note 1", "Note 2"), separator="; "),
        FieldSource(field="country", constant="DE"),
        FieldSource(field="rating", columns=("Stars",), case=Case.UPPER, trim=False),
    )
    assert mapping.unmapped == ("fax",)
    assert {s.method for s in mapping.sources} == {MatchMethod.MANUAL}


def test_date_format_is_kept_for_validation(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        {"fields": {"startDate": {"column": "Start", "date_format": "%d.%m.%Y %H:%M"}}},
    )
    source = load_mapping(path, SESSIONS).sources[0]
    assert source.date_format == "%d.%m.%Y %H:%M"


def test_a_fields_label_may_stand_for_its_key(tmp_path: Path) -> None:
    path = _write(tmp_path, {"fields": {"Customer number": "Kd-Nr", "E-Mail": "Mail"}})
    assert load_mapping(path, CONTACTS).mapped_fields == ("customer_number", "email")


def test_numeric_constant_is_kept_as_text(tmp_path: Path) -> None:
    path = _write(tmp_path, {"fields": {"rating": {"constant": 3}}})
    assert load_mapping(path, CONTACTS).sources[0].constant == "3"


def test_unknown_field_names_the_close_one(tmp_path: Path) -> None:
    path = _write(tmp_path, {"endpoint": "plandocket.contacts", "fields": {"emial": "Mail"}})
    with pytest.raises(MappingError) as caught:
        load_mapping(path, CONTACTS)
    assert caught.value.message == (
        "The mapping file 'M.json' names the field 'emial', which plandocket.contacts does not "
        "have. Did you mean 'email'?"
    )
    assert "customer_number" in caught.value.hint


def test_mapping_file_for_another_endpoint_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, {"endpoint": "eloqua.event-registrants", "fields": {}})
    with pytest.raises(MappingError, match=r"is for eloqua\.event-registrants, not plandocket"):
        load_mapping(path, CONTACTS)


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"column": "A", "constant": "x"}, "says for 'email' column and constant"),
        ({}, "says for 'email' nothing"),
        ({"columns": []}, "with no column in it"),
        ({"column": " "}, "a column with an empty name"),
        ({"columns": ["A", "B"], "split_name": "first"}, "needs exactly one"),
        (
            {"column": "A", "cas": "upper"},
            "'email' something that does not fit: \"cas\": this is not a known setting",
        ),
        ({"column": 5}, '"column": Input should be a valid string'),
        (5, "says for 'email' 5; give a column name"),
        ({"column": "A", "case": "shout"}, "Input should be 'keep', 'upper', 'lower' or 'title'"),
    ],
)
def test_malformed_entry_is_a_plain_error(tmp_path: Path, entry: Any, message: str) -> None:
    with pytest.raises(MappingError, match=message):
        load_mapping(_write(tmp_path, {"fields": {"email": entry}}), CONTACTS)


def test_mapping_file_that_is_not_json_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "M.json"
    path.write_text('{"fields": {\n"email": "Mail",}}', encoding="utf-8")
    with pytest.raises(MappingError, match=r"'M.json' is not valid JSON \(line 2"):
        load_mapping(path, CONTACTS)


def test_missing_mapping_file_is_a_plain_error(tmp_path: Path) -> None:
    with pytest.raises(MappingError, match="does not exist"):
        load_mapping(tmp_path / "none.json", CONTACTS)


def test_saved_mapping_reads_back_the_same(tmp_path: Path) -> None:
    mapping = Mapping(
        endpoint_id="plandocket.contacts",
        sources=(
            FieldSource(field="email", columns=("E-Mail",)),
            FieldSource(field="first_name", columns=("Name",), split_name=NamePart.FIRST),
            FieldSource(field="notes", columns=("A", "B"), separator=" | ", trim=False),
            FieldSource(field="country", constant="DE", case=Case.UPPER),
        ),
        unmapped=("fax",),
    )
    path = save_mapping(mapping, tmp_path / "sub" / "saved.json")
    assert load_mapping(path, CONTACTS) == mapping
    written = json.loads(path.read_text(encoding="utf-8"))
    assert written["fields"]["email"] == "E-Mail"  # the simplest form people write by hand
    assert written["fields"]["fax"] is None
    assert [p.name for p in path.parent.iterdir()] == ["saved.json"]  # no temporary file left


def test_merge_puts_the_file_over_the_automatic_match() -> None:
    auto = match_columns(["Email", "Name", "Company", "Fax", "Stars"], CONTACTS)
    override = Mapping(
        endpoint_id="plandocket.contacts",
        sources=(
            FieldSource(field="company_name", columns=("Name",)),
            FieldSource(field="rating", columns=("Stars",)),
        ),
        unmapped=("fax",),
    )
    merged = merge(auto, override)
    assert merged.column_to_field() == {"Email": "email", "Name": "company_name", "Stars": "rating"}
    # the automatic split of "Name" into first/last name gave way to the file's use of "Name"
    assert merged.for_field("first_name") is None
    assert merged.for_field("email") == auto.for_field("email")
    assert merged.unmapped == ("fax",)


def test_merge_refuses_mappings_for_different_endpoints() -> None:
    with pytest.raises(MappingError):
        merge(Mapping(endpoint_id="a.b"), Mapping(endpoint_id="c.d"))
