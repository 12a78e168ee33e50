"""Every source of a mapping says in one line where its value comes from and why."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rowboat.core.mapping import FieldSource, Mapping, MatchMethod, ProfileStore, describe
from rowboat.core.mapping.explanations import details
from rowboat.core.mapping.files import mapping_from_json
from rowboat.core.mapping.match import match_columns
from rowboat.core.targets import get_endpoint

if TYPE_CHECKING:
    from pathlib import Path

CONTACTS = get_endpoint("plandocket.contacts")


def test_a_source_from_a_mapping_file_says_it_was_chosen() -> None:
    mapping = mapping_from_json({"fields": {"email": "Kontakt"}}, CONTACTS)
    (source,) = mapping.sources
    assert describe(source, CONTACTS) == "'Kontakt' → Email: chosen by you or by the mapping file"


def test_a_remembered_source_says_so(tmp_path: Path) -> None:
    store = ProfileStore(tmp_path)
    store.save(["Mail"], Mapping(endpoint_id=CONTACTS.id, sources=(FieldSource(field="email",
               columns=("Mail",)),)))  # fmt: skip
    found = store.find(["Mail"], CONTACTS.id)
    assert found is not None
    (source,) = found.sources
    assert source.method is MatchMethod.PROFILE
    assert describe(source, CONTACTS) == ("'Mail' → Email: remembered for files with these columns")


def test_a_constant_and_a_split_say_what_they_are() -> None:
    constant = FieldSource(field="country", constant="DE")
    assert describe(constant, CONTACTS) == "Country: always 'DE'"
    split = match_columns(["Full name"], CONTACTS).for_field("last_name")
    assert split is not None
    assert describe(split, CONTACTS) == "'Full name' → Last name: a full name: its last part"


def test_details_carry_the_reason_and_the_alternative() -> None:
    mapping = match_columns(["E-mail", "Work email", "Vorname"], CONTACTS)
    rows = details(mapping, CONTACTS)
    email = next(r for r in rows if r["field"] == "email")
    assert email == {
        "field": "email",
        "columns": ["E-mail"],
        "constant": None,
        "split_name": None,
        "method": "exact",
        "confidence": 1.0,
        "reason": "'E-mail' → Email: the same name as the field",
        "alternative": {
            "column": "Work email",
            "confidence": 0.98,
            "reason": "'Work email' → Email: the qualifier 'Work' fits Email; 'E-mail' fits better",
        },
    }
    first = next(r for r in rows if r["field"] == "first_name")
    assert first["alternative"] is None


def test_a_mapping_file_taking_the_alternative_column_elsewhere_drops_the_offer() -> None:
    from rowboat.core.mapping import merge

    auto = match_columns(["Email", "Work email"], CONTACTS)
    email = auto.for_field("email")
    assert email is not None
    assert email.alternative is not None
    override = mapping_from_json({"fields": {"notes": "Work email"}}, CONTACTS)
    merged = merge(auto, override).for_field("email")
    assert merged is not None
    assert merged.alternative is None
