"""The endpoint registry: ids, field lists, rules, lookups and rebuilding with other fields."""

from __future__ import annotations

import pytest

from rowboat.core.errors import UnknownEndpoint
from rowboat.core.targets import (
    ENDPOINTS,
    Field,
    FieldType,
    endpoint_with_fields,
    get_endpoint,
    list_endpoints,
)

EXPECTED_IDS = [
    "thought-industries.in-person-sessions",
    "thought-industries.webinar-sessions",
    "eloqua.event-registrants",
    "plandocket.contacts",
    "plandocket.participants",
    "thalamus.physical-locations",
    "thalamus.companies",
    "thalamus.partner-sales",
    "thalamus.partner-stock",
]


def test_registry_holds_every_endpoint_in_order() -> None:
    assert list(ENDPOINTS) == EXPECTED_IDS
    assert [e.id for e in list_endpoints()] == EXPECTED_IDS


@pytest.mark.parametrize("endpoint_id", EXPECTED_IDS)
def test_every_endpoint_is_complete_and_consistent(endpoint_id: str) -> None:
    e = get_endpoint(endpoint_id)
    assert e.id.startswith(e.system + ".")
    assert e.label
    assert e.system_label
    assert len(e.description) > 60  # a plain paragraph, not a stub
    keys = [f.key for f in e.fields]
    assert len(keys) == len(set(keys))
    labels = [f.label.casefold() for f in e.fields]
    assert len(labels) == len(set(labels))  # template headers must tell fields apart
    for rule in e.rules:
        assert set(rule.fields) <= set(keys)
        assert rule.message
    for f in e.fields:
        assert f.example, f"{endpoint_id}.{f.key} has no example for the template"
        if f.type is FieldType.ENUM:
            assert f.choices


def test_endpoints_without_vendor_field_lists_ship_a_default_schema() -> None:
    origins = {e.id: e.schema_origin for e in list_endpoints()}
    assert origins["plandocket.contacts"] == "vendor"
    assert origins["plandocket.participants"] == "vendor"
    for endpoint_id in EXPECTED_IDS:
        if not endpoint_id.startswith("plandocket."):
            assert origins[endpoint_id] == "default"


def test_plandocket_contacts_has_the_vendor_fields_and_needs_email_or_customer_number() -> None:
    e = get_endpoint("plandocket.contacts")
    assert e.field_keys == (
        "email", "company_name", "first_name", "last_name", "phone", "fax", "mobile",
        "customer_number", "address", "postal_code", "city", "country", "state", "website",
        "notes", "tax_id", "rating", "account_access_enabled", "category_keys", "event_keys",
    )  # fmt: skip
    assert e.batch_size == 1000
    assert [(r.kind, r.fields) for r in e.rules] == [("one_of", ("email", "customer_number"))]
    rating = e.field("rating")
    assert (rating.type, rating.minimum, rating.maximum) == (FieldType.INTEGER, 1, 5)
    assert e.field("country").type is FieldType.COUNTRY
    assert e.field("account_access_enabled").type is FieldType.BOOLEAN
    assert e.field("category_keys").multiple
    assert e.field("event_keys").multiple


def test_plandocket_participants_carry_event_key_and_contact_fields() -> None:
    keys = get_endpoint("plandocket.participants").field_keys
    for key in ("event_key", "customer_number", "is_confirmed", "email", "first_name"):
        assert key in keys


def test_sessions_need_title_and_an_end_after_the_start() -> None:
    for endpoint_id in EXPECTED_IDS[:2]:
        e = get_endpoint(endpoint_id)
        assert {"title", "startDate", "endDate"} <= {f.key for f in e.required_fields}
        assert e.field("startDate").type is FieldType.DATETIME
        assert e.field("timeZone").type is FieldType.TIMEZONE
        assert e.field("capacity").minimum == 1
        assert e.field("instructors").multiple
        assert [(r.kind, r.fields) for r in e.rules] == [("after", ("startDate", "endDate"))]
    webinar = get_endpoint("thought-industries.webinar-sessions")
    assert webinar.field("meetingUrl").type is FieldType.URL
    # A webinar without the link learners join by is refused by Thought Industries' import.
    assert webinar.field("meetingUrl").required
    in_person = get_endpoint("thought-industries.in-person-sessions")
    assert {f.key for f in in_person.required_fields} == {"title", "startDate", "endDate"}


def test_eloqua_registrants_are_recognised_by_a_required_unique_email() -> None:
    email = get_endpoint("eloqua.event-registrants").field("emailAddress")
    assert (email.type, email.required, email.unique) == (FieldType.EMAIL, True, True)


def test_thalamus_partner_sales_have_typed_quantities_and_prices() -> None:
    e = get_endpoint("thalamus.partner-sales")
    assert e.field("quantity").type is FieldType.INTEGER
    assert e.field("unit_price").type is FieldType.DECIMAL
    assert e.field("date").type is FieldType.DATE
    assert e.batch_size is None


def test_unknown_endpoint_suggests_the_close_id() -> None:
    with pytest.raises(UnknownEndpoint) as caught:
        get_endpoint("plandocket.contact")
    assert caught.value.message == (
        "There is no endpoint 'plandocket.contact'. Did you mean plandocket.contacts?"
    )
    assert caught.value.hint == "Run `rowboat endpoints` for the list."


def test_unknown_endpoint_named_by_its_system_lists_that_systems_endpoints() -> None:
    with pytest.raises(UnknownEndpoint, match=r"plandocket\.contacts or plandocket\.participants"):
        get_endpoint("plandocket")


def test_unknown_endpoint_named_without_its_system_suggests_it() -> None:
    with pytest.raises(UnknownEndpoint, match=r"Did you mean eloqua\.event-registrants\?"):
        get_endpoint("event-registrants")


def test_unrelated_endpoint_name_suggests_nothing() -> None:
    with pytest.raises(UnknownEndpoint) as caught:
        get_endpoint("zzz")
    assert "Did you mean" not in caught.value.message


def test_endpoint_id_with_underscores_or_capitals_is_found() -> None:
    assert get_endpoint("Thalamus.Partner_Sales").id == "thalamus.partner-sales"


def test_endpoint_with_fields_drops_rules_about_missing_fields() -> None:
    sessions = get_endpoint("thought-industries.in-person-sessions")
    only_title = endpoint_with_fields(
        sessions, [sessions.field("title"), sessions.field("startDate")], schema_origin="server"
    )
    assert only_title.field_keys == ("title", "startDate")
    assert only_title.rules == ()
    assert only_title.schema_origin == "server"
    assert only_title.id == sessions.id


def test_endpoint_with_fields_keeps_the_present_part_of_a_one_of_rule() -> None:
    contacts = get_endpoint("plandocket.contacts")
    shorter = endpoint_with_fields(
        contacts, [contacts.field("email"), Field(key="x", label="X")], schema_origin="file"
    )
    assert [r.fields for r in shorter.rules] == [("email",)]
