"""Plandocket sandbox over real sockets: bulk import of contacts, its modes, options and checks."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import httpx
import pytest

from rowboat.sandbox.plandocket import API_KEY

if TYPE_CHECKING:
    from collections.abc import Iterator

    from rowboat.sandbox.context import ManualClock
    from rowboat.sandbox.server import SandboxServer

START = 1_767_225_600  # the ManualClock's start, 2026-01-01T00:00:00Z


HEADERS = {"Authorization": f"Bearer {API_KEY}"}


@pytest.fixture
def pd(sandbox: SandboxServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=sandbox.base_url("plandocket"), headers=HEADERS, timeout=10) as c:
        yield c


def import_contacts(client: httpx.Client, records: list[Any], **options: Any) -> httpx.Response:
    return client.post("/bulk-import/contacts", json={"records": records, **options})


def imported(client: httpx.Client, records: list[Any], **options: Any) -> dict[str, Any]:
    answer = import_contacts(client, records, **options)
    assert answer.status_code == 200, answer.text
    data: dict[str, Any] = answer.json()["data"]
    return data


def counts(data: dict[str, Any]) -> tuple[int, int, int, int, int]:
    keys = ("total", "created", "updated", "skipped", "contacts_created")
    return tuple(data[k] for k in keys)


def stored(client: httpx.Client) -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = client.get("/contacts", params={"per_page": 100}).json()["data"]
    return data


def statuses(data: dict[str, Any]) -> list[tuple[int, str, int | None]]:
    return [(d["index"], d["status"], d["contact_id"]) for d in data["details"]]


# Modes


def test_create_stores_every_field_with_defaults_and_answers_counts_and_details(
    pd: httpx.Client,
) -> None:
    data = imported(
        pd,
        [
            {
                "email": "ana@example.pt",
                "company_name": "Atlântico Lda",
                "first_name": "Ana",
                "last_name": "Sousa",
                "phone": "+351 21 000 0000",
                "country": "pt",
                "rating": 5,
                "account_access_enabled": True,
                "category_keys": ["vip"],
                "event_keys": ["roadshow-lisbon"],
            },
            {"email": "ben@example.de"},
        ],
    )
    assert counts(data) == (2, 2, 0, 0, 2)
    assert data["errors"] == []
    assert data["details"] == [
        {"index": 0, "status": "created", "contact_id": 1, "reason": None},
        {"index": 1, "status": "created", "contact_id": 2, "reason": None},
    ]
    ana, ben = stored(pd)
    assert ana["id"] == 1
    assert ana["company_name"] == "Atlântico Lda"
    assert ana["country"] == "PT"  # codes are taken in any case and kept in capitals
    assert (ana["rating"], ana["account_access_enabled"]) == (5, True)
    assert (ana["category_keys"], ana["event_keys"]) == (["vip"], ["roadshow-lisbon"])
    assert (ben["rating"], ben["account_access_enabled"], ben["category_keys"]) == (3, False, [])
    assert ben["first_name"] is None
    assert (ben["created_at"], ben["updated_at"]) == (START, START)


def test_create_skips_contacts_that_exist_matching_email_regardless_of_case(
    pd: httpx.Client,
) -> None:
    imported(pd, [{"email": "Ana@Example.PT", "first_name": "Ana"}])
    data = imported(pd, [{"email": "ana@example.pt", "first_name": "Anna"}, {"email": "c@d.org"}])
    assert counts(data) == (2, 1, 0, 1, 1)
    assert data["details"][0] == {
        "index": 0,
        "status": "skipped",
        "contact_id": 1,
        "reason": "A contact with this email already exists.",
    }
    assert [(c["email"], c["first_name"]) for c in stored(pd)] == [
        ("Ana@Example.PT", "Ana"),
        ("c@d.org", None),
    ]


def test_upsert_updates_existing_contacts_and_creates_new_ones_without_duplicates(
    pd: httpx.Client, clock: ManualClock
) -> None:
    imported(pd, [{"email": "ana@example.pt", "first_name": "Ana", "city": "Porto"}])
    clock.advance(60)
    records = [
        {"email": "ANA@example.pt", "city": "Lisboa", "rating": 4},
        {"email": "ben@example.de", "city": "Köln"},
    ]
    data = imported(pd, records, mode="upsert")
    assert counts(data) == (2, 1, 1, 0, 1)
    assert statuses(data) == [(0, "updated", 1), (1, "created", 2)]
    again = imported(pd, records, mode="upsert")
    assert counts(again) == (2, 0, 2, 0, 0)
    ana, ben = stored(pd)
    assert (ana["first_name"], ana["city"], ana["rating"]) == ("Ana", "Lisboa", 4)
    assert (ana["created_at"], ana["updated_at"]) == (START, START + 60)
    assert (ben["id"], ben["city"]) == (2, "Köln")


def test_update_touches_only_existing_contacts_and_null_resets_a_field(pd: httpx.Client) -> None:
    imported(pd, [{"email": "ana@example.pt", "phone": "+351 1", "rating": 5}])
    data = imported(
        pd,
        [{"email": "ana@example.pt", "phone": None, "rating": None}, {"email": "new@example.org"}],
        mode="update",
    )
    assert counts(data) == (2, 0, 1, 1, 0)
    assert data["details"][1] == {
        "index": 1,
        "status": "skipped",
        "contact_id": None,
        "reason": "No contact with this email exists.",
    }
    assert [(c["email"], c["phone"], c["rating"]) for c in stored(pd)] == [
        ("ana@example.pt", None, 3)
    ]


def test_match_field_customer_number_matches_on_the_customer_number(pd: httpx.Client) -> None:
    imported(pd, [{"customer_number": "K-100", "email": "old@example.org"}])
    records = [
        {"customer_number": "K-100", "email": "new@example.org"},
        {"customer_number": "K-200"},
        {"email": "no-number@example.org"},
    ]
    data = imported(pd, records, mode="upsert", match_field="customer_number")
    assert counts(data) == (3, 1, 1, 1, 1)
    assert statuses(data) == [(0, "updated", 1), (1, "created", 2), (2, "error", None)]
    assert data["errors"] == [
        {
            "index": 2,
            "field": "customer_number",
            "message": "The customer number field is required.",
            "value": None,
        }
    ]
    assert [(c["customer_number"], c["email"]) for c in stored(pd)] == [
        ("K-100", "new@example.org"),
        ("K-200", None),
    ]


def test_a_later_record_of_the_same_request_sees_what_an_earlier_one_stored(
    pd: httpx.Client,
) -> None:
    records = [{"email": "a@b.de", "city": "Ulm"}, {"email": "A@B.de", "city": "Bonn"}]
    assert statuses(imported(pd, records)) == [(0, "created", 1), (1, "skipped", 1)]
    assert statuses(imported(pd, records, mode="upsert")) == [(0, "updated", 1), (1, "updated", 1)]
    assert [c["city"] for c in stored(pd)] == ["Bonn"]


def test_an_email_another_contact_holds_is_a_record_error(pd: httpx.Client) -> None:
    imported(pd, [{"email": "a@b.de", "customer_number": "1"}, {"email": "c@d.de"}])
    data = imported(pd, [{"email": "c@d.de", "customer_number": "1"}], mode="update")
    assert data["errors"] == [
        {
            "index": 0,
            "field": "customer_number",
            "message": "The customer number has already been taken.",
            "value": "1",
        }
    ]
    assert [c["customer_number"] for c in stored(pd)] == ["1", None]


# Options


def test_field_mapping_renames_each_records_keys_before_they_are_checked(
    pd: httpx.Client,
) -> None:
    mapping = {"E-Mail": "email", "Vorname": "first_name", "Land": "country"}
    data = imported(
        pd,
        [
            {"E-Mail": "jana@example.de", "Vorname": "Jana", "Land": "DE"},
            {"E-Mail": "jana@", "Vorname": "Jo"},
            {"E-Mail": "x@example.de", "email": "y@example.de"},
        ],
        field_mapping=mapping,
    )
    assert counts(data) == (3, 1, 0, 2, 1)
    assert [(e["index"], e["field"], e["message"]) for e in data["errors"]] == [
        (1, "email", "The email must be a valid email address."),
        (2, "email", "The email field is given more than once after field mapping."),
    ]
    assert [(c["email"], c["first_name"], c["country"]) for c in stored(pd)] == [
        ("jana@example.de", "Jana", "DE")
    ]


def test_skip_on_error_true_imports_the_good_records_and_lists_the_bad_ones(
    pd: httpx.Client,
) -> None:
    records = [{"email": "a@b.de"}, {"email": "jane@", "rating": 9}, {"email": "c@d.de"}]
    data = imported(pd, records, skip_on_error=True)
    assert counts(data) == (3, 2, 0, 1, 2)
    assert data["errors"] == [
        {
            "index": 1,
            "field": "email",
            "message": "The email must be a valid email address.",
            "value": "jane@",
        },
        {
            "index": 1,
            "field": "rating",
            "message": "The rating must be between 1 and 5.",
            "value": 9,
        },
    ]
    assert data["details"][1] == {
        "index": 1,
        "status": "error",
        "contact_id": None,
        "reason": "The email must be a valid email address. The rating must be between 1 and 5.",
    }
    assert [c["email"] for c in stored(pd)] == ["a@b.de", "c@d.de"]


def test_skip_on_error_false_imports_nothing_when_one_record_is_wrong(pd: httpx.Client) -> None:
    records = [{"email": "a@b.de"}, {"email": "jane@"}, {"email": "c@d.de", "country": "XX"}]
    answer = import_contacts(pd, records, skip_on_error=False)
    assert answer.status_code == 422
    assert answer.json() == {
        "error": "Validation failed",
        "errors": {
            "records.1.email": ["The email must be a valid email address."],
            "records.2.country": ["The country must be a valid ISO 3166-1 alpha-2 country code."],
        },
    }
    assert stored(pd) == []
    assert pd.get("/bulk-import").json()["data"] == []
    # The same request with the records fixed goes through whole.
    records[1:] = [{"email": "jane@example.org"}, {"email": "c@d.de", "country": "AT"}]
    assert counts(imported(pd, records, skip_on_error=False)) == (3, 3, 0, 0, 3)
    assert [c["id"] for c in stored(pd)] == [1, 2, 3]  # the refused attempt used up no ids


def test_a_thousand_records_are_taken_and_a_thousand_and_one_refused_whole(
    pd: httpx.Client,
) -> None:
    records = [{"email": f"guest{i}@example.org"} for i in range(1001)]
    refused = import_contacts(pd, records)
    assert refused.status_code == 422
    assert refused.json() == {
        "error": "Validation failed",
        "errors": {"records": ["The records must not have more than 1000 items."]},
    }
    assert stored(pd) == []
    assert counts(imported(pd, records[:1000])) == (1000, 1000, 0, 0, 1000)
    assert pd.get("/contacts").json()["meta"]["total"] == 1000


def test_a_body_that_is_not_json_is_a_400(pd: httpx.Client) -> None:
    headers = {"Content-Type": "application/json"}
    answer = pd.post("/bulk-import/contacts", content=b'{"records": [', headers=headers)
    assert answer.status_code == 400
    assert answer.json()["error"].startswith("Malformed JSON in request body")
    array = pd.post("/bulk-import/contacts", json=[{"email": "a@b.de"}])
    assert array.json() == {"error": "The request body must be a JSON object."}


def test_values_are_trimmed_and_blank_strings_count_as_absent(pd: httpx.Client) -> None:
    data = imported(pd, [{"email": "  ana@example.pt ", "first_name": " Ana ", "city": ""}])
    assert data["created"] == 1
    ana = stored(pd)[0]
    assert (ana["email"], ana["first_name"], ana["city"]) == ("ana@example.pt", "Ana", None)
