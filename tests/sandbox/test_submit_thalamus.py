"""Thalamus end to end: validated rows carried into the sandbox as file imports, tracked to their
end, every row's outcome on its source row, checked against what the sandbox really stored."""

from __future__ import annotations

import csv
import json
from typing import TYPE_CHECKING

import httpx
import numpy as np
import pytest

from rowboat.core.clients._http import RetryPolicy
from rowboat.core.clients.thalamus import ThalamusClient
from rowboat.core.connections.model import sandbox_connection, sandbox_secrets
from rowboat.core.mapping import match_columns
from rowboat.core.sources import open_table
from rowboat.core.submit.model import Batch, BatchState, Outcome, RowOutcome, SubmitOptions
from rowboat.core.submit.thalamus import ThalamusCarrier
from rowboat.core.targets import get_endpoint
from rowboat.core.targets.registry import endpoint_with_fields
from rowboat.core.validation import ValidationOptions, validate
from rowboat.sandbox.thalamus import TOKEN, TOUCHPOINT
from rowboat.sandbox.thalamus_auth import SESSION_IDLE_SECONDS
from tests.memory_run import Carried, MemoryRun, carry

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    from rowboat.core.targets.schema import Endpoint
    from rowboat.sandbox.context import ManualClock
    from rowboat.sandbox.server import SandboxServer

FAST = RetryPolicy(attempts=8, base_delay=0.001, max_delay=0.01, timeout=5.0)


def no_sleep(seconds: float, report: object) -> None:
    return None


def carrier(
    sandbox: SandboxServer, endpoint: Endpoint, policy: RetryPolicy = FAST
) -> ThalamusCarrier:
    connection = sandbox_connection("thalamus", sandbox.url)
    client = ThalamusClient(connection, sandbox_secrets("thalamus"), policy=policy, sleep=no_sleep)
    return ThalamusCarrier(endpoint, client)


def validated(
    tmp_path: Path, endpoint: Endpoint, header: Sequence[str], rows: Sequence[Sequence[object]]
) -> tuple[list[dict[str, object]], list[int], list[int]]:
    """The file's valid rows as typed records, their row numbers, and the invalid rows'."""
    path = tmp_path / "rows.csv"
    with path.open("w", newline="", encoding="utf-8") as out:
        csv.writer(out).writerows([header, *rows])
    table = open_table(path)
    mapping = match_columns(table.columns, endpoint)
    result = validate(table, endpoint, mapping, ValidationOptions(default_region="ES"))
    valid = np.flatnonzero(result.valid)
    invalid = np.flatnonzero(~result.valid)
    return (
        list(result.payload()),
        table.source_rows[valid].tolist(),
        table.source_rows[invalid].tolist(),
    )


def as_sandbox_reads(value: object) -> str:
    """A typed value as the sandbox reads it back out of the uploaded cell."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def stored_records(sandbox: SandboxServer, entity_type: int) -> dict[str, dict[str, str]]:
    rows = sandbox.ctx.db.execute(
        "SELECT record_key, data FROM thalamus_records WHERE entity_type = ?", (entity_type,)
    ).fetchall()
    return {r["record_key"]: json.loads(r["data"]) for r in rows}


def imported_rows(sandbox: SandboxServer) -> list[tuple[str, dict[str, str], str]]:
    """Every row of every import the sandbox holds: import name, cells by header, outcome."""
    found = sandbox.ctx.db.execute(
        "SELECT i.name, i.header, r.cells, r.outcome FROM thalamus_import_rows r"
        " JOIN thalamus_imports i ON i.id = r.import_id ORDER BY i.id, r.position"
    ).fetchall()
    return [
        (r["name"], dict(zip(json.loads(r["header"]), json.loads(r["cells"]), strict=True)),
         r["outcome"])
        for r in found
    ]  # fmt: skip


def sent_cells(record: dict[str, object], codes: Sequence[str]) -> dict[str, str]:
    return {c: as_sandbox_reads(record[c]) if c in record else "" for c in codes}


def api(sandbox: SandboxServer) -> httpx.Client:
    """A plain logged-in client of the sandbox, for what a coordinator would do in Thalamus."""
    client = httpx.Client(
        base_url=sandbox.base_url("thalamus"),
        headers={"Thalamus-Touchpoint": TOUCHPOINT, "Thalamus-Token": TOKEN},
        timeout=10,
    )
    client.post("/login", json={"principal": "demo@example.com", "password": "demo1234"})
    return client


# --- each type ------------------------------------------------------------------------------

LOCATION_HEADER = (
    "name", "address", "city", "postal_code", "country", "phone", "email", "latitude",
    "longitude", "external_code",
)  # fmt: skip
LOCATION_ROWS = [
    ("Madrid store", "Calle Mayor 1", "Madrid", "28013", "ES", "+34 912 345 678",
     "madrid@example.es", "40.4168", "-3.7038", "LOC-1"),
    ("Lisbon office", "=Rua Augusta 2", "Lisboa", "1100-053", "Portugal", "", "", "", "", ""),
    ("Broken shop", "", "", "", "ES", "", "shop@", "", "", "LOC-3"),  # invalid: Rowboat's check
    ("Half placed", "", "Sevilla", "", "ES", "", "", "37.38", "", "LOC-4"),  # server refuses
    ("Porto depot", "", "Porto", "", "PT", "+351 22 123 4567", "", "41.15", "-8.61", "LOC-5"),
]  # fmt: skip


def test_locations_store_exactly_the_valid_rows_and_refusals_land_on_their_rows(
    sandbox: SandboxServer, clock: ManualClock, tmp_path: Path
) -> None:
    endpoint = get_endpoint("thalamus.physical-locations")
    records, rows, invalid = validated(tmp_path, endpoint, LOCATION_HEADER, LOCATION_ROWS)
    assert (rows, invalid) == ([2, 3, 5, 6], [4])
    done = run_import(sandbox, clock, endpoint, records, rows, file_name="stores.xlsx")

    assert {r: (o.outcome, o.message) for r, o in done.outcomes.items()} == {
        2: (Outcome.CREATED, ""),
        3: (Outcome.CREATED, ""),
        5: (Outcome.REJECTED, "Latitude and longitude: give both or neither."),
        6: (Outcome.CREATED, ""),
    }
    accepted = [rec for rec, row in zip(records, rows, strict=True) if row != 5]
    expected = {
        (f"external_code:{rec['external_code']}" if "external_code" in rec
         else f"name:{str(rec['name']).casefold()}"): {k: as_sandbox_reads(v)
                                                       for k, v in rec.items()}
        for rec in accepted
    }  # fmt: skip
    assert stored_records(sandbox, 25006) == expected
    assert expected["name:lisbon office"]["address"] == "=Rua Augusta 2"  # text, not a formula
    assert expected["name:lisbon office"]["country"] == "PT"
    (name,) = {name for name, _, _ in imported_rows(sandbox)}
    tag = done.run.values["thalamus.name_tag"]
    assert name == f"Rowboat · stores.xlsx · 7-{tag} · 1 of 1"


def run_import(
    sandbox: SandboxServer,
    clock: ManualClock,
    endpoint: Endpoint,
    records: Sequence[dict[str, object]],
    rows: Sequence[int],
    *,
    file_name: str = "rows.csv",
    import_id: str = "7",
    extra: dict[str, str] | None = None,
    policy: RetryPolicy = FAST,
) -> Carried:
    options = SubmitOptions(extra={"file_name": file_name, **(extra or {})})
    the_carrier = carrier(sandbox, endpoint, policy)
    try:
        return carry(
            the_carrier, records, rows, options=options, import_id=import_id,
            between_polls=lambda: clock.advance(2),
        )  # fmt: skip
    finally:
        the_carrier.close()


COMPANY_HEADER = ("name", "tax_id", "country", "address", "city", "website", "external_code")


def test_a_second_import_updates_companies_and_keeps_what_it_leaves_blank(
    sandbox: SandboxServer, clock: ManualClock, tmp_path: Path
) -> None:
    endpoint = get_endpoint("thalamus.companies")
    first = [
        ("Globex SA", "ESA12345678", "es", "Calle Mayor 1", "Madrid", "globex.example", "C-1"),
        ("Initech", "", "Germany", "", "Berlin", "", "C-2"),
    ]
    records, rows, _ = validated(tmp_path, endpoint, COMPANY_HEADER, first)
    created = run_import(sandbox, clock, endpoint, records, rows, import_id="1")
    assert [o.outcome for o in created.outcomes.values()] == [Outcome.CREATED] * 2

    second = [("Globex SA", "", "", "", "Barcelona", "", "C-1")]
    records, rows, _ = validated(tmp_path, endpoint, COMPANY_HEADER, second)
    updated = run_import(sandbox, clock, endpoint, records, rows, import_id="2")
    assert updated.outcomes == {2: RowOutcome(2, Outcome.UPDATED)}

    stored = stored_records(sandbox, 25004)
    assert set(stored) == {"external_code:C-1", "external_code:C-2"}
    assert stored["external_code:C-1"] == {
        "name": "Globex SA", "tax_id": "ESA12345678", "country": "ES",
        "address": "Calle Mayor 1", "city": "Barcelona", "website": "https://globex.example",
        "external_code": "C-1",
    }  # fmt: skip


SALES_HEADER = ("date", "partner_code", "product_code", "quantity", "unit_price", "amount",
                "currency", "invoice_number")  # fmt: skip
STOCK_HEADER = ("date", "partner_code", "product_code", "quantity", "warehouse")


@pytest.mark.parametrize(
    ("endpoint_id", "header", "lines", "invalid", "refused"),
    [
        (
            "thalamus.partner-sales",
            SALES_HEADER,
            [
                ("2026-03-31", "P-0100", "SKU-123", "12", "9.90", "118.80", "EUR", "INV-1"),
                ("2026-03-31", "P-0100", "SKU-123", "twelve", "", "", "", ""),
                ("2026-03-31", "P-9999", "SKU-456", "3", "", "", "", "INV-3"),
                ("2026-04-01", "P-0300", "SKU-789", "-2", "7.5", "-15", "EUR", "INV-4"),
            ],
            [3],
            {4: "Partner code: unknown partner 'P-9999'."},
        ),
        (
            "thalamus.partner-stock",
            STOCK_HEADER,
            [
                ("2026-03-31", "P-0200", "SKU-456", "40", "Madrid central"),
                ("2026-03-31", "P-0200", "SKU-000", "5", ""),
                ("2026-03-31", "P-0200", "SKU-456", "-5", ""),
                ("2026-04-01", "P-0100", "SKU-123", "0", "Lisboa"),
            ],
            [4],
            {3: "Product code: unknown product 'SKU-000'."},
        ),
    ],
    ids=["sales", "stock"],
)
def test_sales_and_stock_rows_reach_the_import_exactly_and_refusals_are_reported(
    sandbox: SandboxServer,
    clock: ManualClock,
    tmp_path: Path,
    endpoint_id: str,
    header: tuple[str, ...],
    lines: list[tuple[str, ...]],
    invalid: list[int],
    refused: dict[int, str],
) -> None:
    endpoint = get_endpoint(endpoint_id)
    records, rows, found_invalid = validated(tmp_path, endpoint, header, lines)
    assert found_invalid == invalid
    done = run_import(sandbox, clock, endpoint, records, rows)

    # The sandbox keeps sales and stock rows only in the import itself: exactly the valid rows.
    stored = imported_rows(sandbox)
    assert [cells for _, cells, _ in stored] == [
        sent_cells(r, endpoint.field_keys) for r in records
    ]
    outcome_by_row = {row: outcome for row, (_, _, outcome) in zip(rows, stored, strict=True)}
    assert {r for r, o in outcome_by_row.items() if o == "ERROR"} == set(refused)
    assert {r: o.message for r, o in done.outcomes.items() if o.outcome is Outcome.REJECTED} == (
        refused
    )
    assert {r for r, o in done.outcomes.items() if o.outcome is Outcome.CREATED} == (
        set(rows) - set(refused)
    )


def test_an_expired_session_is_renewed_and_the_import_still_ends(
    sandbox: SandboxServer, clock: ManualClock, tmp_path: Path
) -> None:
    endpoint = get_endpoint("thalamus.partner-stock")
    records, rows, _ = validated(
        tmp_path, endpoint, STOCK_HEADER, [("2026-03-31", "P-0200", "SKU-456", "40", "")]
    )
    start = clock.now()
    the_carrier = carrier(sandbox, endpoint)
    try:
        done = carry(
            the_carrier, records, rows,
            between_polls=lambda: clock.advance(SESSION_IDLE_SECONDS + 1),
        )  # fmt: skip
    finally:
        the_carrier.close()
    assert done.outcomes == {2: RowOutcome(2, Outcome.CREATED)}
    assert done.polls >= 1
    logins = sandbox.ctx.db.execute("SELECT created_at FROM thalamus_sessions").fetchall()
    assert logins == []  # logged out at the end
    assert clock.now() - start > SESSION_IDLE_SECONDS  # the first session did expire


def test_a_file_thalamus_cannot_import_rejects_all_its_rows_with_the_reason(
    sandbox: SandboxServer, clock: ManualClock, tmp_path: Path
) -> None:
    full = get_endpoint("thalamus.partner-stock")
    endpoint = endpoint_with_fields(
        full, [f for f in full.fields if f.key != "product_code"], schema_origin="server"
    )
    records, rows, _ = validated(
        tmp_path, endpoint, ("date", "partner_code", "quantity"),
        [("2026-03-31", "P-0200", "40"), ("2026-03-31", "P-0100", "2")],
    )  # fmt: skip
    done = run_import(sandbox, clock, endpoint, records, rows)
    reason = (
        "Thalamus could not import the file: The file lacks the required column(s): product_code."
    )
    assert done.outcomes == {
        2: RowOutcome(2, Outcome.REJECTED, reason),
        3: RowOutcome(3, Outcome.REJECTED, reason),
    }


def test_rows_an_import_cancelled_in_thalamus_did_not_reach_are_reported_not_imported(
    sandbox: SandboxServer, clock: ManualClock, tmp_path: Path
) -> None:
    endpoint = get_endpoint("thalamus.physical-locations")
    lines = [(f"Store {i}", "", "", "", "ES", "", "", "", "", f"L-{i}") for i in range(10)]
    records, rows, _ = validated(tmp_path, endpoint, LOCATION_HEADER, lines)
    coordinator = api(sandbox)

    def cancel_half_way() -> None:
        if clock.now() == start:
            clock.advance(sandbox.ctx.job_duration(10) / 2)
            import_id = coordinator.get("/import/status").json()["content"][0]["id"]
            assert coordinator.post(f"/import/cancel/{import_id}").status_code == 200

    start = clock.now()
    the_carrier = carrier(sandbox, endpoint)
    try:
        done = carry(the_carrier, records, rows, between_polls=cancel_half_way)
    finally:
        the_carrier.close()
        coordinator.close()
    created = [r for r, o in done.outcomes.items() if o.outcome is Outcome.CREATED]
    cancelled = [r for r, o in done.outcomes.items() if o.outcome is Outcome.REJECTED]
    assert (created, cancelled) == (rows[:5], rows[5:])
    assert "cancelled in Thalamus" in done.outcomes[rows[5]].message
    assert set(stored_records(sandbox, 25006)) == {f"external_code:L-{i}" for i in range(5)}


# --- exactly once -----------------------------------------------------------------------------


def stock_rows(count: int) -> list[tuple[str, ...]]:
    return [("2026-03-31", "P-0100", "SKU-123", str(i), "") for i in range(count)]


def test_a_lost_upload_answer_is_resolved_by_the_import_name_without_sending_again(
    sandbox: SandboxServer, clock: ManualClock, tmp_path: Path
) -> None:
    endpoint = get_endpoint("thalamus.partner-stock")
    records, rows, _ = validated(tmp_path, endpoint, STOCK_HEADER, stock_rows(3))
    sandbox.faults.script("thalamus", "none", "drop")  # the login, then the upload's answer
    done = run_import(sandbox, clock, endpoint, records, rows)
    assert (done.unknown_answers, done.resends) == (1, 0)
    assert len(imported_rows(sandbox)) == 3
    (batch,) = done.run.journal
    assert batch.state is BatchState.ACKNOWLEDGED
    assert [o.outcome for o in done.outcomes.values()] == [Outcome.CREATED] * 3


def test_a_resumed_import_resending_a_file_that_arrived_finds_it_by_its_name(
    sandbox: SandboxServer, clock: ManualClock, tmp_path: Path
) -> None:
    endpoint = get_endpoint("thalamus.partner-stock")
    records, rows, _ = validated(tmp_path, endpoint, STOCK_HEADER, stock_rows(2))
    options = SubmitOptions(extra={"file_name": "stock.xlsx"})
    run = MemoryRun("12", options)
    first = carrier(sandbox, endpoint)
    (spec,) = first.batches(records, rows, options)
    run.journal = [Batch(spec.rows, spec.payload, spec.content_type, spec.label, seq=1)]
    first.prepare(run)
    sent = first.send(run, run.journal[0])  # then Rowboat "crashes": the answer is never journaled
    first.client._http.close()  # no logout: the process died

    again = carrier(sandbox, endpoint)
    try:
        again.prepare(run)
        resent = again.send(run, run.journal[0])
    finally:
        again.close()
    assert resent.remote == sent.remote
    assert len(imported_rows(sandbox)) == 2


def test_at_scale_with_mixed_faults_every_valid_row_is_imported_once(
    sandbox: SandboxServer, clock: ManualClock, tmp_path: Path
) -> None:
    endpoint = get_endpoint("thalamus.physical-locations")
    lines = []
    for i in range(600):
        email = "shop@" if i % 23 == 5 else f"shop{i}@example.es"  # invalid: Rowboat's check
        latitude, longitude = ("40.1", "") if i % 19 == 7 else ("40.1", "-3.2")  # server refuses
        lines.append((f"Store {i}", f"Street {i}", "Madrid", "28013", "ES", "", email,
                      latitude, longitude, f"LOC-{i:04d}"))  # fmt: skip
    records, rows, invalid = validated(tmp_path, endpoint, LOCATION_HEADER, lines)
    refused = {row for row, rec in zip(rows, records, strict=True) if "longitude" not in rec}
    assert (len(invalid), len(refused)) == (26, 31)  # ~5% each
    sandbox.faults.configure(
        "thalamus", error_rate=0.03, throttle_rate=0.02, retry_after=0, drop_rate=0.03,
        slow_rate=0.02, slow_seconds=0.6,
    )  # fmt: skip
    # Besides the dice (seeded): the first upload's answer is cut off, the second's comes late.
    sandbox.faults.script("thalamus", "none", "drop", "none", "slow")
    done = run_import(
        sandbox, clock, endpoint, records, rows, file_name="stores.xlsx",
        extra={"rows_per_file": "50"}, policy=RetryPolicy(attempts=10, base_delay=0.001,
                                                          max_delay=0.01, timeout=0.4),
    )  # fmt: skip
    sandbox.faults.reset()

    assert done.unknown_answers >= 2  # uploads whose answer was lost were looked up by name
    batches = done.run.journal
    assert len(batches) == 12
    assert all(b.state is BatchState.ACKNOWLEDGED for b in batches)
    imports = sandbox.ctx.db.execute("SELECT id, name FROM thalamus_imports").fetchall()
    names = [r["name"] for r in imports]
    assert len(names) == len(set(names)) == 12  # one import per file, no name used twice
    assert sorted(names) == sorted(b.remote["import_name"] for b in batches)
    assert sorted(str(r["id"]) for r in imports) == sorted(b.remote["import_id"] for b in batches)

    sent = [sent_cells(r, endpoint.field_keys) for r in records]
    got = [cells for _, cells, _ in imported_rows(sandbox)]
    assert sorted(got, key=str) == sorted(sent, key=str)  # each valid row in exactly one import
    stored = stored_records(sandbox, 25006)
    accepted = {f"external_code:{rec['external_code']}" for rec, row in zip(records, rows,
                strict=True) if row not in refused}  # fmt: skip
    assert set(stored) == accepted
    assert {r for r, o in done.outcomes.items() if o.outcome is Outcome.CREATED} == (
        set(rows) - refused
    )
    assert {r for r, o in done.outcomes.items() if o.outcome is Outcome.REJECTED} == refused
    assert set(done.outcomes).isdisjoint(invalid)
