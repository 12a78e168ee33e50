"""Schema files extend or replace an endpoint's fields, and bad ones get plain messages."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest

from rowboat.core.errors import ConfigurationError, UnknownEndpoint
from rowboat.core.targets import FieldType, get_endpoint, load_schema_file

if TYPE_CHECKING:
    from pathlib import Path


def _write(tmp_path: Path, data: Any) -> Path:
    path = tmp_path / "schema.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_extend_adds_a_field_and_overrides_one_with_the_same_key(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        {
            "endpoint": "eloqua.event-registrants",
            "mode": "extend",
            "fields": [
                {"key": "dietary", "label": "Dietary needs", "synonyms": ["Ernährung"]},
                {"key": "company", "label": "Company", "required": True},
            ],
        },
    )
    e = load_schema_file(path)
    base = get_endpoint("eloqua.event-registrants")
    assert e.schema_origin == "file"
    assert e.field_keys == (*base.field_keys, "dietary")
    assert e.field("company").required
    assert e.field("dietary").synonyms == ("Ernährung",)


def test_replace_uses_only_the_files_fields_and_keeps_rules_that_still_apply(
    tmp_path: Path,
) -> None:
    path = _write(
        tmp_path,
        {
            "endpoint": "thought-industries.webinar-sessions",
            "mode": "replace",
            "fields": [
                {"key": "title", "label": "Title", "required": True},
                {"key": "startDate", "label": "Start", "type": "datetime"},
                {"key": "endDate", "label": "End", "type": "datetime"},
            ],
        },
    )
    e = load_schema_file(path)
    assert e.field_keys == ("title", "startDate", "endDate")
    assert [r.kind for r in e.rules] == ["after"]
    assert e.field("endDate").type is FieldType.DATETIME


def test_mode_defaults_to_extend_and_file_rules_are_added(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        {
            "endpoint": "thalamus.companies",
            "fields": [{"key": "vat", "label": "VAT"}],
            "rules": [{"kind": "one_of", "fields": ["tax_id", "vat"]}],
        },
    )
    e = load_schema_file(path)
    assert "name" in e.field_keys
    assert [(r.kind, r.fields) for r in e.rules] == [("one_of", ("tax_id", "vat"))]


def test_schema_file_with_a_bom_is_read(tmp_path: Path) -> None:
    path = tmp_path / "bom.json"
    text = json.dumps({"endpoint": "thalamus.companies", "fields": [{"key": "a", "label": "A"}]})
    path.write_text("\ufeff" + text, encoding="utf-8")
    assert "a" in load_schema_file(path).field_keys


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {
                "endpoint": "eloqua.event-registrants",
                "fields": [{"key": "x", "label": "X", "type": "colour"}],
            },
            "field 1 ('x'), \"type\": Input should be 'text'",
        ),
        ({"endpoint": "eloqua.event-registrants"}, '"fields": this is missing'),
        (
            {"endpoint": "eloqua.event-registrants", "fields": [{"key": "x", "lable": "X"}]},
            "field 1 ('x'), \"label\": this is missing",
        ),
        (
            {"endpoint": "eloqua.event-registrants", "fields": [], "mode": "merge"},
            "\"mode\": Input should be 'extend' or 'replace'",
        ),
        ([1, 2], "the top level: it should be a JSON object"),
    ],
)  # fmt: skip
def test_malformed_schema_file_says_where_and_what(tmp_path: Path, data: Any, message: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        load_schema_file(_write(tmp_path, data))
    assert caught.value.message.startswith("The schema file 'schema.json' does not fit: ")
    assert message in caught.value.message
    assert "mapping-and-schema-files.md" in caught.value.hint


@pytest.mark.parametrize(
    ("fields", "rules", "message"),
    [
        ([{"key": "a", "label": "A"}, {"key": "a", "label": "B"}], [], "the field 'a' twice"),
        ([{"key": "a", "label": "A", "type": "enum"}], [], "lists no allowed values"),
        ([{"key": "a", "label": "A", "minimum": 5, "maximum": 1}], [], "minimum above"),
        ([{"key": "a", "label": "A"}], [{"kind": "one_of", "fields": ["a", "zz"]}], "'zz'"),
        (
            [{"key": "a", "label": "A"}, {"key": "b", "label": "B"}, {"key": "c", "label": "C"}],
            [{"kind": "after", "fields": ["a", "b", "c"]}],
            "needs exactly two",
        ),
    ],
)
def test_schema_file_that_does_not_make_sense_is_refused(
    tmp_path: Path, fields: list[dict[str, Any]], rules: list[dict[str, Any]], message: str
) -> None:
    data = {"endpoint": "thalamus.companies", "mode": "replace", "fields": fields, "rules": rules}
    with pytest.raises(ConfigurationError, match=message):
        load_schema_file(_write(tmp_path, data))


def test_schema_file_for_an_unknown_endpoint_suggests_the_close_one(tmp_path: Path) -> None:
    path = _write(tmp_path, {"endpoint": "eloqua.registrants", "fields": []})
    with pytest.raises(UnknownEndpoint, match=r"Did you mean eloqua\.event-registrants"):
        load_schema_file(path)


def test_schema_file_that_is_not_json_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"endpoint": "thalamus.companies",\n "fields": [,]}', encoding="utf-8")
    with pytest.raises(ConfigurationError, match=r"'broken.json' is not valid JSON \(line 2"):
        load_schema_file(path)


def test_missing_schema_file_is_a_plain_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="does not exist"):
        load_schema_file(tmp_path / "nope.json")
