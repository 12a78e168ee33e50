"""Saved mapping profiles: offered again for a file with the same headers, in any order."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from rowboat.core.mapping import FieldSource, Mapping, MatchMethod, NamePart, ProfileStore
from rowboat.core.mapping.profiles import default_profile_dir, fingerprint

if TYPE_CHECKING:
    from pathlib import Path

    import pytest

COLUMNS = ["E-Mail", "Name", "Firma"]
MAPPING = Mapping(
    endpoint_id="plandocket.contacts",
    sources=(
        FieldSource(field="email", columns=("E-Mail",), method=MatchMethod.SYNONYM),
        FieldSource(field="first_name", columns=("Name",), split_name=NamePart.FIRST),
        FieldSource(field="last_name", columns=("Name",), split_name=NamePart.LAST),
        FieldSource(field="company_name", columns=("Firma",), confidence=0.9),
    ),
)


def test_saved_mapping_is_found_again_for_the_same_headers_in_another_order(
    tmp_path: Path,
) -> None:
    store = ProfileStore(tmp_path)
    store.save(COLUMNS, MAPPING)
    found = ProfileStore(tmp_path).find(["Firma", "Name", "E-Mail"], "plandocket.contacts")
    assert found is not None
    assert [(s.field, s.columns, s.split_name) for s in found.sources] == [
        (s.field, s.columns, s.split_name) for s in MAPPING.sources
    ]
    assert {s.method for s in found.sources} == {MatchMethod.PROFILE}
    assert {s.confidence for s in found.sources} == {1.0}


def test_profile_uses_the_new_files_spelling_of_a_header(tmp_path: Path) -> None:
    store = ProfileStore(tmp_path)
    store.save(COLUMNS, MAPPING)
    found = store.find(["e-mail", "NAME", "Firma "], "plandocket.contacts")
    assert found is not None
    assert found.for_field("email") == FieldSource(
        field="email", columns=("e-mail",), method=MatchMethod.PROFILE
    )
    assert found.column_to_field()["Firma "] == "company_name"


def test_no_profile_for_other_headers_or_another_endpoint(tmp_path: Path) -> None:
    store = ProfileStore(tmp_path)
    store.save(COLUMNS, MAPPING)
    assert store.find([*COLUMNS, "Stadt"], "plandocket.contacts") is None
    assert store.find(COLUMNS, "plandocket.participants") is None


def test_fingerprint_ignores_order_case_and_punctuation() -> None:
    assert fingerprint(["E-Mail", "Name"]) == fingerprint(["name", "email"])
    assert fingerprint(["E-Mail", "Name"]) != fingerprint(["E-Mail", "Name", "City"])


def test_saving_again_replaces_the_profile(tmp_path: Path) -> None:
    store = ProfileStore(tmp_path)
    store.save(COLUMNS, MAPPING, name="first")
    store.save(COLUMNS, Mapping(endpoint_id="plandocket.contacts"), name="second")
    profiles = store.list()
    assert [p.name for p in profiles] == ["second"]
    assert profiles[0].mapping.sources == ()
    assert [p.suffix for p in tmp_path.iterdir()] == [".json"]  # no temporary file left


def test_list_shows_every_profile_newest_first_and_delete_forgets_one(tmp_path: Path) -> None:
    store = ProfileStore(tmp_path)
    older = store.save(COLUMNS, MAPPING)
    newer = store.save(["Mail"], Mapping(endpoint_id="eloqua.event-registrants"), name="Eloqua")
    assert [p.name for p in store.list()] == ["Eloqua", "E-Mail, Name, Firma"]
    assert newer.fingerprint == fingerprint(["mail"])
    store.delete(older)
    assert [p.name for p in store.list()] == ["Eloqua"]
    assert store.find(COLUMNS, "plandocket.contacts") is None
    store.delete(older)  # already gone: not an error


def test_list_of_a_store_never_written_is_empty(tmp_path: Path) -> None:
    assert ProfileStore(tmp_path / "nothing-yet").list() == []


def test_damaged_profile_is_skipped_with_a_log_line(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    store = ProfileStore(tmp_path)
    profile = store.save(COLUMNS, MAPPING)
    profile.path.write_text("{ not json", encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        assert store.find(COLUMNS, "plandocket.contacts") is None
        assert store.list() == []
    assert "unreadable mapping profile" in caplog.text


def test_default_directory_is_rowboats_user_data_folder() -> None:
    path = default_profile_dir()
    assert path.name == "mappings"
    assert "rowboat" in str(path).lower()
