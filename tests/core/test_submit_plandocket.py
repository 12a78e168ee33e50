"""The Plandocket carrier's plan (requests, options, the plan's sentence) and its reading of the
vendor's answers into row outcomes, without a server."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from typing import TYPE_CHECKING

import httpx
import pytest

from rowboat.core.clients.plandocket import HourlyBudget, PlandocketClient
from rowboat.core.errors import ConfigurationError
from rowboat.core.submit.model import Outcome, RowOutcome, SubmitOptions
from rowboat.core.submit.plandocket import PlandocketCarrier, estimate_seconds
from rowboat.core.submit.plandocket_outcomes import LOST_ANSWER, row_outcomes
from rowboat.core.targets.registry import get_endpoint

if TYPE_CHECKING:
    from pathlib import Path

    from rowboat.core.submit.model import BatchSpec, Carrier


def carrier(
    endpoint_id: str = "plandocket.contacts", limit: int | None = 1000
) -> PlandocketCarrier:
    never = httpx.MockTransport(lambda request: httpx.Response(599))
    budget = HourlyBudget(limit) if limit else None
    client = PlandocketClient(
        "https://acme.plandocket.com/api/v1", "k" * 16, budget=budget, transport=never
    )
    return PlandocketCarrier(get_endpoint(endpoint_id), client)


def contacts(n: int) -> list[dict[str, object]]:
    return [{"email": f"p{i}@example.com", "first_name": "Anna", "rating": 4} for i in range(n)]


def body(spec: BatchSpec) -> dict[str, object]:
    parsed: dict[str, object] = json.loads(spec.payload)
    return parsed


def test_carrier_is_a_carrier() -> None:
    typed: Carrier = carrier()
    assert typed.system_label == "Plandocket"
    assert not typed.dry_run_supported


def test_rows_are_cut_into_requests_of_1000_in_file_order() -> None:
    rows = list(range(2, 2502))
    specs = carrier().batches(contacts(2500), rows, SubmitOptions(mode="upsert"))
    assert [len(s.rows) for s in specs] == [1000, 1000, 500]
    assert [r for s in specs for r in s.rows] == rows
    assert specs[0].label == "rows 2–1001"
    first = body(specs[0])
    assert first["mode"] == "upsert"
    assert first["match_field"] == "email"
    assert first["skip_on_error"] is True
    assert first["records"] == contacts(1000)
    assert "event_key" not in first


def test_a_smaller_request_size_can_be_asked_for() -> None:
    options = SubmitOptions(extra={"rows_per_request": "100"})
    specs = carrier().batches(contacts(250), list(range(1, 251)), options)
    assert [len(s.rows) for s in specs] == [100, 100, 50]
    assert body(specs[0])["mode"] == "create"  # Plandocket's default, sent explicitly


def test_a_larger_request_size_stays_within_plandockets_limit() -> None:
    options = SubmitOptions(extra={"rows_per_request": "5000"})
    specs = carrier().batches(contacts(1500), list(range(1, 1501)), options)
    assert [len(s.rows) for s in specs] == [1000, 500]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (SubmitOptions(mode="merge"), "not a way Plandocket imports"),
        (SubmitOptions(match_field="phone"), "cannot find contacts by 'phone'"),
        (SubmitOptions(extra={"rows_per_request": "0"}), "not a number of rows per request"),
        (SubmitOptions(extra={"create_contact": "no"}), "no setting 'create_contact'"),
        (SubmitOptions(extra={"create_contacts": "maybe"}), "not yes or no"),
    ],
)
def test_options_plandocket_lacks_are_refused_in_a_sentence(
    options: SubmitOptions, message: str
) -> None:
    with pytest.raises(ConfigurationError, match=message):
        carrier("plandocket.participants").batches(contacts(1), [1], options)


def test_participants_go_to_their_own_event_or_the_chosen_one() -> None:
    records = contacts(4)
    records[1]["event_key"] = "roadshow-lisbon"
    records[3]["event_key"] = "roadshow-lisbon"
    options = SubmitOptions(mode="upsert", event="summit-2026", extra={"create_contacts": "no"})
    specs = carrier("plandocket.participants").batches(records, [2, 3, 4, 5], options)
    assert [(body(s)["event_key"], s.rows) for s in specs] == [
        ("summit-2026", (2, 4)),
        ("roadshow-lisbon", (3, 5)),
    ]
    assert body(specs[0])["create_contacts"] is False
    assert specs[1].label == "rows 3–5, roadshow-lisbon"
    sent = body(specs[1])["records"]
    assert isinstance(sent, list)
    assert all("event_key" not in r for r in sent)  # the request names it


def test_participants_without_any_event_are_refused_before_sending() -> None:
    records = contacts(3)
    records[0]["event_key"] = "summit-2026"
    with pytest.raises(ConfigurationError, match=r"2 rows name no event \(3, 4\)"):
        carrier("plandocket.participants").batches(records, [2, 3, 4], SubmitOptions())


def test_plan_says_how_many_requests_and_how_long() -> None:
    c = carrier()
    specs = c.batches(contacts(2500), list(range(2500)), SubmitOptions())
    assert c.describe(specs, SubmitOptions()) == (
        "3 requests of up to 1000 contacts; Plandocket allows 1000 requests an hour, so under "
        "a minute. New contacts are created; contacts already in Plandocket (same email) are "
        "left as they are."
    )


def test_plan_past_the_hourly_limit_says_it_waits_for_each_hour() -> None:
    c = carrier(limit=1000)
    specs = c.batches(
        contacts(2500), list(range(2500)), SubmitOptions(extra={"rows_per_request": "1"})
    )
    text = c.describe(specs, SubmitOptions(mode="update", match_field="customer_number"))
    assert text.startswith(
        "2500 requests of 1 contact each; Plandocket allows 1000 requests an hour, so this "
        "takes about 2 h 1 min: Rowboat waits for each new hour."
    )
    assert text.endswith("(same customer number) are updated; the others are skipped.")


def test_plan_without_a_limit_says_how_many_go_at_once() -> None:
    c = carrier("plandocket.participants", limit=None)
    options = SubmitOptions(event="summit-2026")
    specs = c.batches(contacts(5000), list(range(5000)), options)
    assert c.describe(specs, options).startswith(
        "5 requests of up to 1000 participants of summit-2026, 4 at a time, so under a minute. "
        "People are added to the event (people who are not contacts yet become contacts)"
    )


def test_estimate_counts_the_hours_the_limit_adds() -> None:
    assert estimate_seconds(100, 2.0, 4, 1000) == 50.0
    assert estimate_seconds(1000, 1.0, 1, 1000) == 1000.0
    assert estimate_seconds(1001, 1.0, 1, 1000) == 3601.0
    assert estimate_seconds(2500, 1.0, 4, None) == 625.0


# Answers into outcomes


def test_each_record_gets_its_details_status_and_reason() -> None:
    data = {
        "total": 4,
        "created": 1,
        "updated": 1,
        "skipped": 2,
        "errors": [
            {
                "index": 3,
                "field": "email",
                "message": "The email must be a valid email address.",
                "value": "jane@",
            },
        ],
        "details": [
            {"index": 0, "status": "created", "contact_id": 17, "reason": None},
            {"index": 1, "status": "updated", "contact_id": 4, "reason": None},
            {
                "index": 2,
                "status": "skipped",
                "reason": "A contact with this email already exists.",
            },
            {"index": 3, "status": "error", "reason": "The email must be a valid email address."},
        ],
    }
    assert row_outcomes([10, 11, 12, 14], data) == (
        RowOutcome(10, Outcome.CREATED),
        RowOutcome(11, Outcome.UPDATED),
        RowOutcome(12, Outcome.SKIPPED, "A contact with this email already exists."),
        RowOutcome(14, Outcome.REJECTED, "The email must be a valid email address ('jane@')."),
    )


def test_several_errors_of_one_record_are_all_told() -> None:
    data = {
        "errors": [
            {"index": 0, "message": "The rating must be between 1 and 5.", "value": 9},
            {
                "index": 0,
                "message": "The country must be a valid ISO 3166-1 alpha-2 country code",
                "value": "XX",
            },
        ],
        "details": [{"index": 0, "status": "error", "reason": "…"}],
    }
    assert row_outcomes([2], data)[0].message == (
        "The rating must be between 1 and 5 ('9'). "
        "The country must be a valid ISO 3166-1 alpha-2 country code ('XX')."
    )


def test_without_details_the_counts_decide_when_they_leave_no_doubt() -> None:
    data = {"total": 3, "created": 2, "updated": 0, "skipped": 1,
            "errors": [{"index": 1, "message": "The email field is required."}]}  # fmt: skip
    assert [o.outcome for o in row_outcomes([1, 2, 3], data)] == [
        Outcome.CREATED,
        Outcome.REJECTED,
        Outcome.CREATED,
    ]
    mixed = {"total": 2, "created": 1, "updated": 1, "skipped": 0, "errors": []}
    assert {o.outcome for o in row_outcomes([1, 2], mixed)} == {Outcome.ACCEPTED}


def test_rows_a_resent_batch_updated_are_created_or_updated() -> None:
    data = {
        "details": [
            {"index": 0, "status": "created"},
            {"index": 1, "status": "updated"},
            {"index": 2, "status": "skipped", "reason": "No contact with this email exists."},
        ]
    }
    assert row_outcomes([5, 6, 7], data, resent=True) == (
        RowOutcome(5, Outcome.CREATED),  # the lost request had not created it: certain
        RowOutcome(6, Outcome.UPDATED, LOST_ANSWER),
        RowOutcome(7, Outcome.SKIPPED, "No contact with this email exists."),
    )


def test_an_unknown_status_is_reported_not_guessed() -> None:
    data = {"details": [{"index": 0, "status": "merged"}]}
    assert row_outcomes([3], data) == (
        RowOutcome(3, Outcome.ACCEPTED, "Plandocket answered 'merged' for this row."),
    )


def test_the_journal_finds_a_batchs_rows_by_index(tmp_path: Path) -> None:
    # Found by bench/submit_plandocket.py: each acknowledged batch of a 100k-row import scanned
    # every row of the outcomes table (acknowledging took 80 ms a batch).
    from rowboat.core.submit.journal import Journal

    Journal(tmp_path / "rowboat.db").close()
    with closing(sqlite3.connect(tmp_path / "rowboat.db")) as db:
        plan = db.execute(
            "EXPLAIN QUERY PLAN UPDATE outcomes SET outcome='created'"
            " WHERE import_id=? AND batch=?",
            ("x", 1),
        ).fetchall()
    assert "USING INDEX outcomes_by_batch" in " ".join(str(step[-1]) for step in plan)
