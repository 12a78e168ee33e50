"""Plandocket sandbox over real sockets: each check of a bulk import's options and records."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import httpx
import pytest

from rowboat.sandbox.context import ManualClock, SandboxContext
from rowboat.sandbox.plandocket import API_KEY
from rowboat.sandbox.server import SandboxServer

if TYPE_CHECKING:
    from collections.abc import Iterator

HEADERS = {"Authorization": f"Bearer {API_KEY}"}


@pytest.fixture(scope="module")
def shared_pd() -> Iterator[httpx.Client]:
    """One sandbox for the tests that leave no state behind: a server per case costs 0.2 s."""
    with (
        SandboxServer(ctx=SandboxContext(clock=ManualClock(), seed=7)) as server,
        httpx.Client(base_url=server.base_url("plandocket"), headers=HEADERS, timeout=10) as c,
    ):
        yield c


def import_contacts(client: httpx.Client, records: list[Any], **options: Any) -> httpx.Response:
    return client.post("/bulk-import/contacts", json={"records": records, **options})


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({}, {"records": ["The records field is required."]}),
        ({"records": []}, {"records": ["The records field is required."]}),
        ({"records": {"email": "a@b.de"}}, {"records": ["The records must be an array."]}),
        (
            {"records": [{}], "mode": "merge", "match_field": "id"},
            {
                "mode": ["The selected mode is invalid."],
                "match_field": ["The selected match field is invalid."],
            },
        ),
        (
            {"records": [{}], "skip_on_error": "false"},
            {"skip_on_error": ["The skip on error field must be true or false."]},
        ),
        (
            {"records": [{}], "field_mapping": ["email"]},
            {"field_mapping": ["The field mapping must be an object."]},
        ),
        (
            {"records": [{}], "field_mapping": {"Mail": 1}},
            {"field_mapping.Mail": ["The field_mapping.Mail must be a string."]},
        ),
    ],
    ids=["no-records", "empty", "records-object", "mode-match", "flag", "mapping", "target"],
)
def test_options_of_the_wrong_type_are_refused_with_422(
    shared_pd: httpx.Client, body: dict[str, Any], errors: dict[str, list[str]]
) -> None:
    answer = shared_pd.post("/bulk-import/contacts", json=body)
    assert answer.status_code == 422
    assert answer.json() == {"error": "Validation failed", "errors": errors}


# Per-record checks


@pytest.mark.parametrize(
    ("record", "field", "message"),
    [
        ({"first_name": "Nomail"}, "email", "The email field is required."),
        ({"email": "   "}, "email", "The email field is required."),
        ({"email": "jane@"}, "email", "The email must be a valid email address."),
        ({"email": "jane doe@example.org"}, "email", "The email must be a valid email address."),
        ({"email": "jane..doe@example.org"}, "email", "The email must be a valid email address."),
        ({"email": 42}, "email", "The email must be a string."),
        (
            {"email": "a@b.de", "country": "Germany"},
            "country",
            "The country must be a valid ISO 3166-1 alpha-2 country code.",
        ),
        (
            {"email": "a@b.de", "country": "XX"},
            "country",
            "The country must be a valid ISO 3166-1 alpha-2 country code.",
        ),
        ({"email": "a@b.de", "rating": 0}, "rating", "The rating must be between 1 and 5."),
        ({"email": "a@b.de", "rating": 6}, "rating", "The rating must be between 1 and 5."),
        ({"email": "a@b.de", "rating": "4"}, "rating", "The rating must be an integer."),
        ({"email": "a@b.de", "rating": 4.5}, "rating", "The rating must be an integer."),
        ({"email": "a@b.de", "rating": True}, "rating", "The rating must be an integer."),
        (
            {"email": "a@b.de", "account_access_enabled": "yes"},
            "account_access_enabled",
            "The account access enabled field must be true or false.",
        ),
        (
            {"email": "a@b.de", "account_access_enabled": 1},
            "account_access_enabled",
            "The account access enabled field must be true or false.",
        ),
        (
            {"email": "a@b.de", "category_keys": "vip"},
            "category_keys",
            "The category keys must be an array.",
        ),
        (
            {"email": "a@b.de", "category_keys": ["vip", 7]},
            "category_keys.1",
            "The category_keys.1 must be a string.",
        ),
        (
            {"email": "a@b.de", "event_keys": ["summit-2026", "gala-1999"]},
            "event_keys.1",
            "The selected event_keys.1 is invalid.",
        ),
        (
            {"email": "a@b.de", "event_keys": "summit-2026"},
            "event_keys",
            "The event keys must be an array.",
        ),
        (
            {"email": "a@b.de", "first_name": "x" * 101},
            "first_name",
            "The first name must not be greater than 100 characters.",
        ),
        (
            {"email": "a@b.de", "notes": "x" * 5001},
            "notes",
            "The notes must not be greater than 5000 characters.",
        ),
        (
            {"email": "a@b.de", "customer_number": 10023},
            "customer_number",
            "The customer number must be a string.",
        ),
        (
            {"email": "a@b.de", "nickname": "Al"},
            "nickname",
            "The nickname field is not a contact field.",
        ),
        ("a@b.de", None, "The record must be an object."),
    ],
)
def test_each_record_check_skips_the_record_or_refuses_all_and_names_field_and_value(
    shared_pd: httpx.Client, record: Any, field: str | None, message: str
) -> None:
    answer = import_contacts(shared_pd, [record])
    assert answer.status_code == 200
    data = answer.json()["data"]
    assert [data[k] for k in ("total", "created", "skipped")] == [1, 0, 1]
    value = record if field is None else record.get(field.split(".")[0])
    if field and "." in field:
        value = value[int(field.split(".")[1])]
    elif field == "email" and isinstance(value, str) and not value.strip():
        value = None  # a blank value counts as absent
    assert data["errors"] == [{"index": 0, "field": field, "message": message, "value": value}]
    assert data["details"] == [
        {"index": 0, "status": "error", "contact_id": None, "reason": message}
    ]
    refused = import_contacts(shared_pd, [{"email": "ok@example.org"}, record], skip_on_error=False)
    key = "records.1" if field is None else f"records.1.{field}"
    assert refused.json() == {"error": "Validation failed", "errors": {key: [message]}}
    assert shared_pd.get("/contacts").json()["data"] == []  # so the next case starts clean
