"""Plandocket sandbox over real sockets: participant imports, the lists of stored state, history."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import httpx
import pytest

from rowboat.sandbox.plandocket import API_KEY

if TYPE_CHECKING:
    from collections.abc import Iterator

    from rowboat.sandbox.context import ManualClock
    from rowboat.sandbox.server import SandboxServer

SUMMIT = "summit-2026"


@pytest.fixture
def pd(sandbox: SandboxServer) -> Iterator[httpx.Client]:
    headers = {"X-API-Key": API_KEY}
    with httpx.Client(base_url=sandbox.base_url("plandocket"), headers=headers, timeout=10) as c:
        yield c


def import_participants(client: httpx.Client, records: list[Any], **options: Any) -> httpx.Response:
    body = {"event_key": SUMMIT, "records": records, **options}
    return client.post("/bulk-import/participants", json=body)


def imported(client: httpx.Client, records: list[Any], **options: Any) -> dict[str, Any]:
    answer = import_participants(client, records, **options)
    assert answer.status_code == 200, answer.text
    data: dict[str, Any] = answer.json()["data"]
    return data


def counts(data: dict[str, Any]) -> tuple[int, ...]:
    return tuple(data[k] for k in ("total", "created", "updated", "skipped", "contacts_created"))


def add_contacts(client: httpx.Client, *records: dict[str, Any]) -> None:
    answer = client.post("/bulk-import/contacts", json={"records": list(records)})
    assert answer.json()["data"]["created"] == len(records)


def participants(client: httpx.Client, **params: Any) -> list[dict[str, Any]]:
    answer = client.get("/participants", params=params)
    assert answer.status_code == 200, answer.text
    data: list[dict[str, Any]] = answer.json()["data"]
    return data


# Participant imports


def test_participants_of_unknown_contacts_are_created_with_their_contacts(
    pd: httpx.Client,
) -> None:
    add_contacts(pd, {"email": "ana@example.pt", "first_name": "Ana"})
    data = imported(
        pd,
        [
            {"email": "ANA@example.pt", "is_confirmed": True},
            {"email": "ben@example.de", "first_name": "Ben", "company_name": "Bau AG"},
        ],
    )
    assert counts(data) == (2, 2, 0, 0, 1)
    assert data["details"] == [
        {
            "index": 0,
            "status": "created",
            "contact_id": 1,
            "participant_id": 1,
            "event_key": SUMMIT,
            "reason": None,
        },
        {
            "index": 1,
            "status": "created",
            "contact_id": 2,
            "participant_id": 2,
            "event_key": SUMMIT,
            "reason": None,
        },
    ]
    listed = participants(pd, event_key=SUMMIT)
    assert [(p["email"], p["first_name"], p["is_confirmed"]) for p in listed] == [
        ("ana@example.pt", "Ana", True),
        ("ben@example.de", "Ben", False),
    ]
    ben = pd.get("/contacts", params={"email": "ben@example.de"}).json()["data"][0]
    assert (ben["company_name"], ben["rating"]) == ("Bau AG", 3)
    assert pd.get(f"/events/{SUMMIT}").json()["data"]["participants_count"] == 2


def test_with_create_contacts_false_unknown_contacts_are_skipped(pd: httpx.Client) -> None:
    add_contacts(pd, {"email": "ana@example.pt"})
    data = imported(
        pd, [{"email": "ana@example.pt"}, {"email": "ben@example.de"}], create_contacts=False
    )
    assert counts(data) == (2, 1, 0, 1, 0)
    assert data["details"][1] == {
        "index": 1,
        "status": "skipped",
        "contact_id": None,
        "participant_id": None,
        "event_key": SUMMIT,
        "reason": "No contact with this email exists and create_contacts is false.",
    }
    assert [p["email"] for p in participants(pd)] == ["ana@example.pt"]
    assert pd.get("/contacts").json()["meta"]["total"] == 1


def test_a_participation_is_stored_once_and_the_mode_decides_what_a_repeat_does(
    pd: httpx.Client, clock: ManualClock
) -> None:
    imported(pd, [{"email": "ana@example.pt"}])
    clock.advance(30)
    repeat = imported(pd, [{"email": "ana@example.pt", "is_confirmed": True}])
    assert counts(repeat) == (1, 0, 0, 1, 0)
    assert repeat["details"][0]["reason"] == f"The contact is already a participant of {SUMMIT}."
    assert participants(pd)[0]["is_confirmed"] is False
    upsert = imported(pd, [{"email": "ana@example.pt", "is_confirmed": True}], mode="upsert")
    assert counts(upsert) == (1, 0, 1, 0, 0)
    ana = participants(pd)
    assert [(p["id"], p["is_confirmed"], p["updated_at"] - p["created_at"]) for p in ana] == [
        (1, True, 30)
    ]
    # Without is_confirmed an update keeps the stored answer.
    assert imported(pd, [{"email": "ana@example.pt"}], mode="update")["updated"] == 1
    assert participants(pd)[0]["is_confirmed"] is True


def test_update_mode_creates_neither_contacts_nor_participations(pd: httpx.Client) -> None:
    add_contacts(pd, {"email": "ana@example.pt"})
    data = imported(pd, [{"email": "ana@example.pt"}, {"email": "new@example.org"}], mode="update")
    assert counts(data) == (2, 0, 0, 2, 0)
    assert [d["reason"] for d in data["details"]] == [
        f"The contact is not a participant of {SUMMIT}.",
        "No contact with this email exists.",
    ]
    assert participants(pd) == []
    assert pd.get("/contacts").json()["meta"]["total"] == 1


def test_participants_matched_by_customer_number(pd: httpx.Client) -> None:
    add_contacts(pd, {"email": "ana@example.pt", "customer_number": "K-1"})
    records = [{"customer_number": "K-1"}, {"customer_number": "K-2", "last_name": "Neu"}]
    data = imported(pd, records, match_field="customer_number")
    assert counts(data) == (2, 2, 0, 0, 1)
    assert [(p["customer_number"], p["email"], p["last_name"]) for p in participants(pd)] == [
        ("K-1", "ana@example.pt", None),
        ("K-2", None, "Neu"),
    ]


def test_a_record_may_name_another_event_than_the_requests(pd: httpx.Client) -> None:
    records = [{"email": "a@b.de", "event_key": "roadshow-lisbon"}, {"email": "a@b.de"}]
    data = imported(pd, records)
    assert [(d["event_key"], d["status"]) for d in data["details"]] == [
        ("roadshow-lisbon", "created"),
        (SUMMIT, "created"),
    ]
    bad = imported(pd, [{"email": "c@d.de", "event_key": "gala-1999"}])
    assert [(e["field"], e["message"]) for e in bad["errors"]] == [
        ("event_key", "The selected event key is invalid.")
    ]


def test_participant_records_are_checked_like_contacts(pd: httpx.Client) -> None:
    records = [
        {"email": "a@b", "is_confirmed": "yes"},
        {"email": "c@d.de", "event_keys": [SUMMIT]},
        {"email": "e@f.de", "rating": 2},
    ]
    data = imported(pd, records)
    assert counts(data) == (3, 1, 0, 2, 1)
    assert [(e["index"], e["field"], e["message"]) for e in data["errors"]] == [
        (0, "email", "The email must be a valid email address."),
        (0, "is_confirmed", "The is confirmed field must be true or false."),
        (1, "event_keys", "The event_keys field is not a participant field."),
    ]


def test_skip_on_error_false_stores_no_contact_and_no_participation(pd: httpx.Client) -> None:
    answer = import_participants(pd, [{"email": "a@b.de"}, {"email": "x"}], skip_on_error=False)
    assert answer.status_code == 422
    assert answer.json()["errors"] == {
        "records.1.email": ["The email must be a valid email address."]
    }
    assert participants(pd) == []
    assert pd.get("/contacts").json()["data"] == []


@pytest.mark.parametrize(
    ("event_key", "message"),
    [
        (None, "The event key field is required."),
        ("", "The event key field is required."),
        (17, "The event key must be a string."),
        ("gala-1999", "The selected event key is invalid."),
    ],
)
def test_a_missing_or_unknown_event_key_refuses_the_whole_request(
    pd: httpx.Client, event_key: Any, message: str
) -> None:
    answer = import_participants(pd, [{"email": "a@b.de"}], event_key=event_key)
    assert answer.status_code == 422
    assert answer.json() == {"error": "Validation failed", "errors": {"event_key": [message]}}
    assert pd.get("/contacts").json()["data"] == []


def test_create_contacts_must_be_a_boolean(pd: httpx.Client) -> None:
    answer = import_participants(pd, [{"email": "a@b.de"}], create_contacts="no")
    assert answer.json()["errors"] == {
        "create_contacts": ["The create contacts field must be true or false."]
    }


# Lists of the stored state


def test_contacts_list_in_pages_with_totals_and_filters(pd: httpx.Client) -> None:
    add_contacts(
        pd, *({"email": f"g{i}@example.org", "customer_number": f"N{i}"} for i in range(7))
    )
    first = pd.get("/contacts", params={"per_page": 3}).json()
    assert [c["id"] for c in first["data"]] == [1, 2, 3]
    assert {k: v for k, v in first["meta"].items() if k != "request_id"} == {
        "total": 7,
        "page": 1,
        "per_page": 3,
        "last_page": 3,
    }
    last = pd.get("/contacts", params={"per_page": 3, "page": 3}).json()
    assert [c["email"] for c in last["data"]] == ["g6@example.org"]
    assert pd.get("/contacts", params={"page": 9}).json()["data"] == []
    by_email = pd.get("/contacts", params={"email": "G4@EXAMPLE.org"}).json()
    assert [(c["id"], by_email["meta"]["total"]) for c in by_email["data"]] == [(5, 1)]
    by_number = pd.get("/contacts", params={"customer_number": "N2"}).json()["data"]
    assert [c["email"] for c in by_number] == ["g2@example.org"]


def test_participants_list_by_event_and_contact(pd: httpx.Client) -> None:
    imported(pd, [{"email": "a@b.de"}, {"email": "c@d.de"}])
    imported(pd, [{"email": "c@d.de"}], event_key="roadshow-lisbon")
    assert [p["email"] for p in participants(pd, event_key=SUMMIT)] == ["a@b.de", "c@d.de"]
    assert [(p["event_key"]) for p in participants(pd, email="c@d.de")] == [
        SUMMIT,
        "roadshow-lisbon",
    ]
    assert len(participants(pd)) == 3
    unknown = pd.get("/participants", params={"event_key": "gala-1999"})
    assert (unknown.status_code, unknown.json()) == (404, {"error": "Event not found."})


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"per_page": 101}, "per_page"),
        ({"per_page": 0}, "per_page"),
        ({"page": 0}, "page"),
        ({"page": "two"}, "page"),
    ],
)
def test_paging_out_of_range_is_a_422(pd: httpx.Client, params: dict[str, Any], field: str) -> None:
    answer = pd.get("/contacts", params=params)
    assert answer.status_code == 422
    assert list(answer.json()["errors"]) == [field]


def test_bulk_import_history_lists_past_imports_newest_first(
    pd: httpx.Client, clock: ManualClock
) -> None:
    add_contacts(pd, {"email": "a@b.de"})
    clock.advance(120)
    imported(pd, [{"email": "a@b.de"}, {"email": "c@d.de"}, {"email": "bad"}], mode="upsert")
    history = pd.get("/bulk-import").json()
    assert history["meta"]["total"] == 2
    latest, first = history["data"]
    assert latest == {
        "bulk-import_id": 2,
        "type": "participants",
        "event_key": SUMMIT,
        "mode": "upsert",
        "match_field": "email",
        "skip_on_error": True,
        "total": 3,
        "created": 2,
        "updated": 0,
        "skipped": 1,
        "contacts_created": 1,
        "error_count": 1,
        "created_at": 1_767_225_720,
        "updated_at": 1_767_225_720,
    }
    assert (first["bulk-import_id"], first["type"], first["created"]) == (1, "contacts", 1)
    assert pd.get("/bulk-import/1").json()["data"] == first
    missing = pd.get("/bulk-import/99")
    assert (missing.status_code, missing.json()) == (404, {"error": "Bulk import not found."})
