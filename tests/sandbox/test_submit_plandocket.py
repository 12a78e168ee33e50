"""Plandocket end to end: a file validated, planned and sent through the runner to a running
sandbox; what the sandbox stored (GET /contacts, GET /participants) is checked against the rows.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING, Any

import httpx

from rowboat.core.clients._http import RetryPolicy
from rowboat.core.clients.plandocket import check_connection
from rowboat.core.connections.model import sandbox_connection, sandbox_secrets
from rowboat.core.mapping import match_columns
from rowboat.core.progress import NULL_REPORTER
from rowboat.core.sources import open_table
from rowboat.core.submit.journal import Journal
from rowboat.core.submit.model import BatchState, ImportState, Outcome, RowOutcome, SubmitOptions
from rowboat.core.submit.plan import make_plan
from rowboat.core.submit.plandocket import make_carrier
from rowboat.core.submit.plandocket_outcomes import LOST_ANSWER
from rowboat.core.submit.runner import RunSettings, submit
from rowboat.core.targets import get_endpoint
from rowboat.core.validation import ValidationOptions, validate

if TYPE_CHECKING:
    from pathlib import Path

    from rowboat.core.progress import Reporter
    from rowboat.core.submit.model import Batch
    from rowboat.core.submit.runner import Submission
    from rowboat.sandbox.server import SandboxServer

FAST = RetryPolicy(attempts=8, base_delay=0.005, max_delay=0.02, timeout=5, connect_timeout=2)
KEY = {"Authorization": "Bearer sandbox-pd-key"}
_names = itertools.count()


def _no_sleep(seconds: float, report: Reporter) -> None:
    report.raise_if_cancelled()


class Imported:
    """One import run through the runner: its record, each row's outcome, its batches."""

    def __init__(self, done: Submission, journal: Journal) -> None:
        self.done = done
        self.rows = {o.row: o for o in journal.outcomes(done.import_id)}
        self.batches: list[Batch] = journal.batches(done.import_id)

    def outcome(self, row: int) -> tuple[Outcome, str]:
        return self.rows[row].outcome, self.rows[row].message


def run_import(
    sandbox: SandboxServer,
    tmp_path: Path,
    endpoint_id: str,
    lines: list[str],
    options: SubmitOptions | None = None,
    policy: RetryPolicy = FAST,
) -> Imported:
    """Write `lines` as a csv file, validate it, plan it and submit it to the sandbox."""
    path = tmp_path / f"rows{next(_names)}.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    table = open_table(path)
    endpoint = get_endpoint(endpoint_id)
    result = validate(
        table, endpoint, match_columns(table.columns, endpoint), ValidationOptions("DE")
    )
    connection = sandbox_connection("plandocket", sandbox.url)
    carrier = make_carrier(
        endpoint, connection, sandbox_secrets("plandocket"), NULL_REPORTER, policy
    )
    plan = make_plan(result, carrier, connection.name, options or SubmitOptions())
    with Journal(tmp_path / "rowboat.db") as journal:
        done = submit(plan, journal, carrier, settings=RunSettings(sleep=_no_sleep))
        assert done.error is None, done.error
        assert done.state is ImportState.FINISHED
        return Imported(done, journal)


def stored(sandbox: SandboxServer, what: str, **params: str) -> list[dict[str, Any]]:
    """Every stored contact or participant, read page by page from the sandbox's lists."""
    sandbox.faults.reset()  # the reading is not under test
    items: list[dict[str, Any]] = []
    page, last = 0, 1
    with httpx.Client(base_url=sandbox.base_url("plandocket"), headers=KEY, timeout=10) as http:
        while page < last:
            page += 1
            answer = http.get(f"/{what}", params={**params, "page": page, "per_page": 100})
            assert answer.status_code == 200, answer.text
            body = answer.json()
            items += body["data"]
            last = body["meta"]["last_page"]
    return items


def contacts_by_email(sandbox: SandboxServer) -> dict[str, dict[str, Any]]:
    """The stored contacts by email (in lower case: Plandocket matches emails so)."""
    contacts = stored(sandbox, "contacts")
    found = {c["email"].lower(): c for c in contacts}
    assert len(found) == len(contacts), "a contact was stored twice"
    return found


PEOPLE = [
    "Email,First name,Last name,Phone,Country,Rating,Categories,Events,Customer number",
    "anna@example.com,Anna,Müller,030 1234567,Germany,4,vip; press,summit-2026,000123",
    "ben@example.com,Ben,Okafor,+44 20 7946 0958,GB,,,,",
    "broken@,Carl,Invalid,,,,,,",  # Rowboat's own check: never sent
    "dora@example.com,Dora,Lind,,SE,5,,no-such-event,",  # Plandocket refuses the event
    "emil@example.com,Emil,Berg,,AT,2,speaker,,000124",
]


def test_contacts_are_stored_as_the_valid_rows_and_each_row_says_what_happened(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    imported = run_import(sandbox, tmp_path, "plandocket.contacts", PEOPLE)
    contacts = contacts_by_email(sandbox)
    assert sorted(contacts) == ["anna@example.com", "ben@example.com", "emil@example.com"]
    anna = contacts["anna@example.com"]
    assert (anna["first_name"], anna["last_name"], anna["phone"], anna["country"]) == (
        "Anna", "Müller", "+49301234567", "DE",
    )  # fmt: skip
    assert (anna["rating"], anna["category_keys"], anna["event_keys"]) == (
        4, ["vip", "press"], ["summit-2026"],
    )  # fmt: skip
    assert anna["customer_number"] == "000123"  # leading zeros kept
    assert contacts["ben@example.com"]["rating"] == 3  # Plandocket's default for an empty cell
    assert contacts["emil@example.com"]["category_keys"] == ["speaker"]
    assert imported.outcome(2) == (Outcome.CREATED, "")
    assert imported.outcome(3) == (Outcome.CREATED, "")
    assert imported.outcome(4)[0] is Outcome.INVALID
    assert imported.outcome(5) == (
        Outcome.REJECTED,
        "The selected event_keys.0 is invalid ('no-such-event').",
    )
    assert imported.outcome(6) == (Outcome.CREATED, "")
    assert imported.done.record.status == "Finished: 3 created, 1 rejected, 1 invalid."
    assert imported.batches[0].remote["bulk_import_id"] == "1"


def test_create_mode_leaves_existing_contacts_as_they_are(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    run_import(sandbox, tmp_path, "plandocket.contacts", PEOPLE)
    again = ["Email,First name", "anna@example.com,Annette", "fritz@example.com,Fritz"]
    imported = run_import(sandbox, tmp_path, "plandocket.contacts", again)
    contacts = contacts_by_email(sandbox)
    assert contacts["anna@example.com"]["first_name"] == "Anna"
    assert contacts["fritz@example.com"]["first_name"] == "Fritz"
    assert len(contacts) == 4
    assert imported.outcome(2) == (Outcome.SKIPPED, "A contact with this email already exists.")
    assert imported.outcome(3) == (Outcome.CREATED, "")


def test_upsert_updates_existing_contacts_and_creates_new_ones(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    run_import(sandbox, tmp_path, "plandocket.contacts", PEOPLE)
    again = ["Email,First name,City", "ANNA@example.com,Annette,Bonn", "fritz@example.com,Fritz,"]
    imported = run_import(
        sandbox, tmp_path, "plandocket.contacts", again, SubmitOptions(mode="upsert")
    )
    contacts = contacts_by_email(sandbox)
    assert len(contacts) == 4  # Anna matched by email, whatever its letter case
    anna = contacts["anna@example.com"]
    assert (anna["first_name"], anna["city"], anna["last_name"]) == ("Annette", "Bonn", "Müller")
    assert anna["email"] == "ANNA@example.com"  # stored as last sent
    assert contacts["fritz@example.com"]["first_name"] == "Fritz"
    assert imported.outcome(2) == (Outcome.UPDATED, "")
    assert imported.outcome(3) == (Outcome.CREATED, "")


def test_update_mode_changes_only_contacts_that_exist(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    run_import(sandbox, tmp_path, "plandocket.contacts", PEOPLE)
    again = ["Customer number,Last name", "000124,Bergmann", "999999,Nobody"]
    options = SubmitOptions(mode="update", match_field="customer_number")
    imported = run_import(sandbox, tmp_path, "plandocket.contacts", again, options)
    contacts = contacts_by_email(sandbox)
    assert len(contacts) == 3
    assert contacts["emil@example.com"]["last_name"] == "Bergmann"
    assert imported.outcome(2) == (Outcome.UPDATED, "")
    assert imported.outcome(3) == (Outcome.SKIPPED, "No contact with this customer number exists.")


ATTENDEES = [
    "Email,First name,Last name,Event key,Confirmed",
    "anna@example.com,Anna,Müller,,yes",
    "gina@example.com,Gina,Rossi,,no",
    "hugo@example.com,Hugo,Weber,roadshow-lisbon,yes",
]


def participations(sandbox: SandboxServer) -> dict[tuple[str, str], bool]:
    return {
        (p["event_key"], p["email"]): p["is_confirmed"] for p in stored(sandbox, "participants")
    }


def test_participants_join_the_chosen_event_or_their_own_and_new_people_become_contacts(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    run_import(sandbox, tmp_path, "plandocket.contacts", PEOPLE)
    imported = run_import(
        sandbox, tmp_path, "plandocket.participants", ATTENDEES,
        SubmitOptions(event="summit-2026"),
    )  # fmt: skip
    assert participations(sandbox) == {
        ("summit-2026", "anna@example.com"): True,
        ("summit-2026", "gina@example.com"): False,
        ("roadshow-lisbon", "hugo@example.com"): True,
    }
    contacts = contacts_by_email(sandbox)
    assert contacts["gina@example.com"]["last_name"] == "Rossi"  # created for the event
    assert contacts["anna@example.com"]["last_name"] == "Müller"  # existing: left alone
    assert [imported.outcome(r) for r in (2, 3, 4)] == [(Outcome.CREATED, "")] * 3
    assert [b.label for b in imported.batches] == [
        "rows 2–3, summit-2026",
        "row 4, roadshow-lisbon",
    ]


def test_participants_without_contacts_are_skipped_when_contacts_may_not_be_created(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    run_import(sandbox, tmp_path, "plandocket.contacts", PEOPLE)
    options = SubmitOptions(event="summit-2026", extra={"create_contacts": "no"})
    imported = run_import(sandbox, tmp_path, "plandocket.participants", ATTENDEES, options)
    assert participations(sandbox) == {("summit-2026", "anna@example.com"): True}
    assert "gina@example.com" not in contacts_by_email(sandbox)
    assert imported.outcome(3) == (
        Outcome.SKIPPED,
        "No contact with this email exists and create_contacts is false.",
    )


def test_participant_modes_create_upsert_update(sandbox: SandboxServer, tmp_path: Path) -> None:
    event = SubmitOptions(event="summit-2026")
    run_import(sandbox, tmp_path, "plandocket.participants", ATTENDEES[:3], event)
    changed = ["Email,Confirmed", "anna@example.com,no", "ivan@example.com,yes"]

    created = run_import(sandbox, tmp_path, "plandocket.participants", changed, event)
    assert created.outcome(2) == (
        Outcome.SKIPPED,
        "The contact is already a participant of summit-2026.",
    )
    assert participations(sandbox)[("summit-2026", "anna@example.com")] is True

    update = SubmitOptions(event="summit-2026", mode="update")
    updated = run_import(sandbox, tmp_path, "plandocket.participants", ["Email,Confirmed",
                         "gina@example.com,yes", "jan@example.com,yes"], update)  # fmt: skip
    assert updated.outcome(2) == (Outcome.UPDATED, "")
    assert updated.outcome(3) == (Outcome.SKIPPED, "No contact with this email exists.")

    upsert = SubmitOptions(event="summit-2026", mode="upsert")
    upserted = run_import(sandbox, tmp_path, "plandocket.participants", changed, upsert)
    assert upserted.outcome(2) == (Outcome.UPDATED, "")
    assert participations(sandbox) == {
        ("summit-2026", "anna@example.com"): False,
        ("summit-2026", "gina@example.com"): True,
        ("summit-2026", "ivan@example.com"): True,  # created by the create run
    }
    assert created.outcome(3) == (Outcome.CREATED, "")


def test_an_unknown_event_rejects_its_rows_in_plandockets_words(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    imported = run_import(
        sandbox, tmp_path, "plandocket.participants", ATTENDEES, SubmitOptions(event="summit-2062")
    )
    assert imported.outcome(2) == (
        Outcome.REJECTED,
        "Plandocket refused the participants (422): The selected event key is invalid.",
    )
    assert imported.outcome(4) == (Outcome.CREATED, "")  # its own event exists
    assert [b.state for b in imported.batches] == [BatchState.FAILED, BatchState.ACKNOWLEDGED]
    assert participations(sandbox) == {("roadshow-lisbon", "hugo@example.com"): True}


# Test connection against the sandbox


def test_connection_check_with_the_demo_key(sandbox: SandboxServer) -> None:
    connection = sandbox_connection("plandocket", sandbox.url)
    check = check_connection(
        connection, sandbox_secrets("plandocket"), get_endpoint("plandocket.participants")
    )
    assert check.ok
    assert check.message == (
        "Connected to Plandocket as sandbox-pd-key; it may import contacts and participants."
    )


def test_connection_check_with_the_read_only_key_names_the_missing_scope(
    sandbox: SandboxServer,
) -> None:
    connection = sandbox_connection("plandocket", sandbox.url)
    check = check_connection(
        connection, {"api_key": "sandbox-pd-readonly"}, get_endpoint("plandocket.contacts")
    )
    assert not check.ok
    assert check.message == (
        "Connected to Plandocket as sandbox-pd-readonly; it may import neither contacts nor "
        "participants."
    )
    assert (
        check.hint
        == "Give the key the contacts scope in Plandocket under Settings → API → API keys."
    )


def test_connection_check_with_a_wrong_key(sandbox: SandboxServer) -> None:
    connection = sandbox_connection("plandocket", sandbox.url)
    check = check_connection(connection, {"api_key": "sandbox-pd-typo"})
    assert not check.ok
    assert check.message == "The API key was refused (401)."
    assert check.hint == "Check it in Plandocket under Settings → API → API keys."
    assert "sandbox-pd-typo" not in check.detail


# Faults


def test_ten_thousand_contacts_through_a_failing_plandocket_are_stored_exactly_once(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    n = 10_000
    lines = ["Email,First name,Last name", *(f"c{i:05d}@example.com,F{i},L{i}" for i in range(n))]
    # ~10% of requests fail: 500/503 (nothing done), 429 (nothing done), dropped answers and
    # answers later than the client waits (both done). Slow answers come just after the timeout.
    sandbox.faults.configure(
        "plandocket",
        error_rate=0.03,
        throttle_rate=0.03,
        retry_after=0,
        drop_rate=0.02,
        slow_rate=0.02,
        slow_seconds=0.6,
    )
    policy = RetryPolicy(attempts=8, base_delay=0.005, max_delay=0.02, timeout=0.4)
    options = SubmitOptions(extra={"rows_per_request": "100"})
    imported = run_import(sandbox, tmp_path, "plandocket.contacts", lines, options, policy)
    injected = {kind.value: count for (vendor, kind), count in sandbox.faults.injected.items()
                if vendor == "plandocket"}  # fmt: skip
    assert set(injected) == {"error", "throttle", "drop", "slow"}, injected

    contacts = contacts_by_email(sandbox)
    expected = {f"c{i:05d}@example.com": (f"F{i}", f"L{i}") for i in range(n)}
    assert {e: (c["first_name"], c["last_name"]) for e, c in contacts.items()} == expected

    assert len(imported.batches) == 100
    assert all(b.state is BatchState.ACKNOWLEDGED for b in imported.batches)
    resent = [b for b in imported.batches if "resent" in b.remote]
    assert resent, "no answer was lost: the faults did not reach the submission"
    for batch in imported.batches:
        outcomes = [imported.rows[r] for r in batch.rows]
        if "resent" in batch.remote:
            # The first request may have stored a row (then the re-send updated it) or not
            # (then the re-send created it); both say so, and nothing is left unknown.
            assert all(
                o in (RowOutcome(o.row, Outcome.CREATED), RowOutcome(o.row, Outcome.UPDATED,
                      LOST_ANSWER)) for o in outcomes
            )  # fmt: skip
        else:
            assert all(o == RowOutcome(o.row, Outcome.CREATED) for o in outcomes)
    assert len(imported.rows) == n
    assert imported.done.record.count(Outcome.UNKNOWN) == 0
