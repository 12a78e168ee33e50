"""Thalamus end to end through the runner: validated rows carried into the sandbox as file
imports, followed to their end, every row's outcome on its source row, all checked against what
the sandbox really stored."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import pytest

from rowboat.core.clients._http import RetryPolicy
from rowboat.core.connections.model import sandbox_secrets
from rowboat.core.jobs.tracker import TrackPolicy
from rowboat.core.submit.journal import Journal
from rowboat.core.submit.model import BatchState, ImportState, Outcome, RowOutcome, SubmitOptions
from rowboat.core.submit.plan import make_plan
from rowboat.core.submit.runner import RunSettings, resume, submit
from rowboat.core.targets import get_endpoint
from rowboat.core.targets.registry import endpoint_with_fields
from rowboat.sandbox.faults import FaultKind
from rowboat.sandbox.thalamus_auth import SESSION_IDLE_SECONDS
from tests.sandbox.thalamus_support import (
    FAST,
    api,
    as_sandbox_reads,
    carrier,
    imported_rows,
    run_import,
    sent_cells,
    stored_records,
    valid_records,
    validated,
)

if TYPE_CHECKING:
    from pathlib import Path

    from rowboat.core.submit.model import Batch, Run
    from rowboat.sandbox.context import ManualClock
    from rowboat.sandbox.server import SandboxServer


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
    result = validated(tmp_path, endpoint, LOCATION_HEADER, LOCATION_ROWS)
    done = run_import(sandbox, clock, result, tmp_path, file_name="stores.xlsx")

    outcomes = {r: (o.outcome, o.message) for r, o in done.outcomes.items()}
    assert outcomes.pop(4)[0] is Outcome.INVALID  # never sent
    assert outcomes == {
        2: (Outcome.CREATED, ""),
        3: (Outcome.CREATED, ""),
        5: (Outcome.REJECTED, "Latitude and longitude: give both or neither."),
        6: (Outcome.CREATED, ""),
    }
    records, rows = valid_records(result)
    expected = {
        (f"external_code:{rec['external_code']}" if "external_code" in rec
         else f"name:{str(rec['name']).casefold()}"): {k: as_sandbox_reads(v)
                                                       for k, v in rec.items()}
        for rec, row in zip(records, rows, strict=True) if row != 5
    }  # fmt: skip
    assert stored_records(sandbox, 25006) == expected
    assert expected["name:lisbon office"]["address"] == "=Rua Augusta 2"  # text, not a formula
    assert expected["name:lisbon office"]["country"] == "PT"
    (name,) = {name for name, _, _ in imported_rows(sandbox)}
    import_id = done.submission.import_id
    assert (
        name == f"Rowboat · stores.xlsx · {import_id}-{done.recall('thalamus.name_tag')} · 1 of 1"
    )
    (batch,) = done.batches
    assert batch.remote["import_name"] == name


COMPANY_HEADER = ("name", "tax_id", "country", "address", "city", "website", "external_code")


def test_a_second_import_updates_companies_and_keeps_what_it_leaves_blank(
    sandbox: SandboxServer, clock: ManualClock, tmp_path: Path
) -> None:
    endpoint = get_endpoint("thalamus.companies")
    first = [
        ("Globex SA", "ESA12345678", "es", "Calle Mayor 1", "Madrid", "globex.example", "C-1"),
        ("Initech", "", "Germany", "", "Berlin", "", "C-2"),
    ]
    created = run_import(sandbox, clock, validated(tmp_path, endpoint, COMPANY_HEADER, first),
                         tmp_path)  # fmt: skip
    assert [o.outcome for o in created.outcomes.values()] == [Outcome.CREATED] * 2

    second = [("Globex SA", "", "", "", "Barcelona", "", "C-1")]
    updated = run_import(sandbox, clock, validated(tmp_path, endpoint, COMPANY_HEADER, second),
                         tmp_path)  # fmt: skip
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
    result = validated(tmp_path, endpoint, header, lines)
    records, rows = valid_records(result)
    done = run_import(sandbox, clock, result, tmp_path)

    # The sandbox keeps sales and stock rows only in the import itself: exactly the valid rows.
    stored = imported_rows(sandbox)
    assert [cells for _, cells, _ in stored] == [
        sent_cells(r, endpoint.field_keys) for r in records
    ]
    outcome_by_row = {row: outcome for row, (_, _, outcome) in zip(rows, stored, strict=True)}
    assert {r for r, o in outcome_by_row.items() if o == "ERROR"} == set(refused)
    by_kind: dict[Outcome, dict[int, str]] = {}
    for row, o in done.outcomes.items():
        by_kind.setdefault(o.outcome, {})[row] = o.message
    assert by_kind[Outcome.REJECTED] == refused
    assert set(by_kind[Outcome.CREATED]) == set(rows) - set(refused)
    assert set(by_kind[Outcome.INVALID]) == set(invalid)


def test_an_expired_session_is_renewed_and_the_import_still_ends(
    sandbox: SandboxServer, clock: ManualClock, tmp_path: Path
) -> None:
    endpoint = get_endpoint("thalamus.partner-stock")
    result = validated(
        tmp_path, endpoint, STOCK_HEADER, [("2026-03-31", "P-0200", "SKU-456", "40", "")]
    )
    start = clock.now()
    done = run_import(
        sandbox, clock, result, tmp_path,
        between_polls=lambda: clock.advance(SESSION_IDLE_SECONDS),
    )  # fmt: skip
    assert done.outcomes == {2: RowOutcome(2, Outcome.CREATED)}
    assert clock.now() - start > SESSION_IDLE_SECONDS  # the first session did expire
    assert sandbox.ctx.db.execute("SELECT COUNT(*) FROM thalamus_sessions").fetchone()[0] == 0


def test_a_file_thalamus_cannot_import_rejects_all_its_rows_with_the_reason(
    sandbox: SandboxServer, clock: ManualClock, tmp_path: Path
) -> None:
    full = get_endpoint("thalamus.partner-stock")
    endpoint = endpoint_with_fields(
        full, [f for f in full.fields if f.key != "product_code"], schema_origin="server"
    )
    result = validated(
        tmp_path, endpoint, ("date", "partner_code", "quantity"),
        [("2026-03-31", "P-0200", "40"), ("2026-03-31", "P-0100", "2")],
    )  # fmt: skip
    done = run_import(sandbox, clock, result, tmp_path)
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
    result = validated(tmp_path, endpoint, LOCATION_HEADER, lines)
    _, rows = valid_records(result)
    coordinator = api(sandbox)
    started = clock.now()

    def cancel_half_way() -> None:
        if not coordinator.is_closed:
            clock.advance(sandbox.ctx.job_duration(10) / 2 - (clock.now() - started))
            import_id = coordinator.get("/import/status").json()["content"][0]["id"]
            assert coordinator.post(f"/import/cancel/{import_id}").status_code == 200
            coordinator.close()

    done = run_import(sandbox, clock, result, tmp_path, policy=FAST, between_polls=cancel_half_way)
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
    result = validated(tmp_path, endpoint, STOCK_HEADER, stock_rows(3))
    sandbox.faults.script("thalamus", "none", "drop")  # the login, then the upload's answer
    done = run_import(sandbox, clock, result, tmp_path)
    assert (done.carrier.resolved, done.carrier.not_sent) == (1, 0)
    assert len(imported_rows(sandbox)) == 3
    (batch,) = done.batches
    assert (batch.state, batch.attempts) == (BatchState.ACKNOWLEDGED, 1)
    assert [o.outcome for o in done.outcomes.values()] == [Outcome.CREATED] * 3


def test_a_resume_after_a_crash_mid_upload_finds_the_import_and_never_sends_it_twice(
    sandbox: SandboxServer, clock: ManualClock, tmp_path: Path
) -> None:
    endpoint = get_endpoint("thalamus.partner-stock")
    result = validated(tmp_path, endpoint, STOCK_HEADER, stock_rows(4))
    journal = Journal(tmp_path / "journal.db")
    first = carrier(sandbox, endpoint)
    options = SubmitOptions(extra={"file_name": "stock.xlsx", "rows_per_request": "2"})
    plan = make_plan(result, first, "Sandbox", options)

    class Crash(BaseException):
        """The process dies the moment the second file has been uploaded."""

    real_send = first.send

    def send_then_die(run: Run, batch: Batch) -> object:
        ack = real_send(run, batch)
        if batch.seq == 2:
            raise Crash
        return ack

    first.send = send_then_die  # type: ignore[assignment, method-assign]
    first.concurrency = 1
    with pytest.raises(Crash):
        submit(plan, journal, first)
    (import_id,) = [r.id for r in journal.imports()]
    states = [b.state for b in journal.batches(import_id)]
    assert states == [BatchState.ACKNOWLEDGED, BatchState.SENDING]
    journal.release(import_id)  # the dead process's claim

    again = carrier(sandbox, endpoint)
    wait = RunSettings(TrackPolicy(first_delay=5), sleep=lambda s, r: clock.advance(s))
    done = resume(import_id, journal, again, settings=wait)
    assert done.state is ImportState.FINISHED
    assert (again.resolved, again.not_sent) == (1, 0)
    assert len(imported_rows(sandbox)) == 4
    names = [n for (n,) in sandbox.ctx.db.execute("SELECT name FROM thalamus_imports")]
    assert len(names) == len(set(names)) == 2
    assert [o.outcome for o in journal.outcomes(import_id)] == [Outcome.CREATED] * 4


def test_at_scale_with_mixed_faults_every_valid_row_is_imported_once(
    sandbox: SandboxServer, clock: ManualClock, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    endpoint = get_endpoint("thalamus.physical-locations")
    lines = []
    for i in range(600):
        email = "shop@" if i % 23 == 5 else f"shop{i}@example.es"  # invalid: Rowboat's check
        latitude, longitude = ("40.1", "") if i % 19 == 7 else ("40.1", "-3.2")  # server refuses
        lines.append((f"Store {i}", f"Street {i}", "Madrid", "28013", "ES", "", email,
                      latitude, longitude, f"LOC-{i:04d}"))  # fmt: skip
    result = validated(tmp_path, endpoint, LOCATION_HEADER, lines)
    records, rows = valid_records(result)
    refused = {row for row, rec in zip(rows, records, strict=True) if "longitude" not in rec}
    assert (result.invalid_count, len(refused)) == (26, 31)  # ~5% each
    sandbox.faults.configure(
        "thalamus", error_rate=0.03, throttle_rate=0.02, retry_after=0, drop_rate=0.03,
        slow_rate=0.02, slow_seconds=0.6,
    )  # fmt: skip
    # Besides the dice (seeded): the first upload's answer is cut off, the second's comes late.
    sandbox.faults.script("thalamus", "none", "drop", "slow")
    done = run_import(
        sandbox, clock, result, tmp_path, file_name="stores.xlsx",
        extra={"rows_per_request": "50"},
        policy=RetryPolicy(attempts=10, base_delay=0.001, max_delay=0.01, timeout=0.4),
    )  # fmt: skip
    sandbox.faults.reset()

    injected = sandbox.faults.injected
    assert injected[("thalamus", FaultKind.DROP)] >= 1
    assert injected[("thalamus", FaultKind.SLOW)] >= 1
    assert done.carrier.resolved >= 2  # uploads whose answer was lost were looked up by name
    batches = done.batches
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
    accepted = {f"external_code:{rec['external_code']}" for rec, row in zip(records, rows,
                strict=True) if row not in refused}  # fmt: skip
    assert set(stored_records(sandbox, 25006)) == accepted
    by_kind: dict[Outcome, set[int]] = {}
    for row, o in done.outcomes.items():
        by_kind.setdefault(o.outcome, set()).add(row)
    assert by_kind == {
        Outcome.CREATED: set(rows) - refused,
        Outcome.REJECTED: refused,
        Outcome.INVALID: set(range(2, 602)) - set(rows),
    }

    # No secret in the journal (payloads, memory, messages) or in any log line (each URL).
    done.journal.close()
    secrets = [s.encode() for s in sandbox_secrets("thalamus").values()]
    written = b"".join(f.read_bytes() for f in tmp_path.glob("journal.db*"))
    assert written
    assert not [s for s in secrets if s in written]
    assert "HTTP Request: POST" in caplog.text
    assert not [s for s in secrets if s.decode() in caplog.text]
