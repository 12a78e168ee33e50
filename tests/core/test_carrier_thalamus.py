"""The Thalamus carrier on its own: files and their names, resolving lost answers from the import
list, following imports to their end (states it does not know included), rows mapped back."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

import httpx
import pytest
from openpyxl import load_workbook

from rowboat.core.errors import ConfigurationError, OutcomeUnknown
from rowboat.core.submit import thalamus as carrier_module
from rowboat.core.submit.journal import Journal
from rowboat.core.submit.model import (
    NOT_SENT,
    Ack,
    Batch,
    BatchState,
    ImportState,
    Outcome,
    RowOutcome,
    SubmitOptions,
)
from rowboat.core.submit.plan import Plan
from rowboat.core.submit.runner import RunSettings, submit
from rowboat.core.submit.thalamus import ThalamusCarrier
from rowboat.core.submit.thalamus_files import import_file
from rowboat.core.targets import get_endpoint
from tests.core.thalamus_fake import FakeThalamus, client, errors
from tests.memory_run import MemoryRun

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    from rowboat.core.progress import Reporter

STOCK = get_endpoint("thalamus.partner-stock")
SALES = get_endpoint("thalamus.partner-sales")


def carrier(fake: FakeThalamus, endpoint_id: str = "thalamus.partner-stock") -> ThalamusCarrier:
    return ThalamusCarrier(get_endpoint(endpoint_id), client(fake))


def stock(count: int) -> list[dict[str, object]]:
    return [
        {"date": "2026-03-31", "partner_code": "P-0100", "product_code": "SKU-1", "quantity": i}
        for i in range(count)
    ]


def cells(payload: bytes) -> list[tuple[object, ...]]:
    book = load_workbook(io.BytesIO(payload), read_only=True)
    try:
        return list(book.worksheets[0].iter_rows(values_only=True))
    finally:
        book.close()


def journal(run: MemoryRun, specs: Sequence[object]) -> None:
    run.journal = [
        Batch(s.rows, s.payload, s.content_type, s.label, seq=i)  # type: ignore[attr-defined]
        for i, s in enumerate(specs, start=1)
    ]


# --- files and names ------------------------------------------------------------------------


def test_rows_are_cut_into_files_of_the_asked_size_with_labels_a_person_reads() -> None:
    c = carrier(FakeThalamus())
    rows = [r for r in range(2, 30) if r != 9]
    specs = c.batches(stock(27), rows, SubmitOptions(extra={"rows_per_file": "10"}))
    assert [s.label for s in specs] == [
        "file 1 of 3 (rows 2–12)", "file 2 of 3 (rows 13–22)", "file 3 of 3 (rows 23–29)",
    ]  # fmt: skip
    assert [len(s.rows) for s in specs] == [10, 10, 7]
    assert [row[3] for row in cells(specs[2].payload)[1:]] == list(range(20, 27))
    assert c.describe(specs, SubmitOptions()).startswith(
        "27 rows go to Thalamus as 3 files of up to 10 rows, each its own import."
    )
    assert c.describe(specs[:1], SubmitOptions()).startswith(
        "10 rows go to Thalamus in one file, as one import."
    )


def test_without_a_setting_ten_thousand_rows_go_in_each_file() -> None:
    specs = carrier(FakeThalamus()).batches(stock(10_001), range(2, 10_003), SubmitOptions())
    assert [len(s.rows) for s in specs] == [10_000, 1]


@pytest.mark.parametrize("value", ["0", "many", "2000000"])
def test_a_rows_per_file_setting_thalamus_cannot_take_is_refused_plainly(value: str) -> None:
    with pytest.raises(ConfigurationError, match="rows per file"):
        carrier(FakeThalamus()).batches(
            stock(3), [2, 3, 4], SubmitOptions(extra={"rows_per_file": value})
        )


def test_a_file_over_the_size_limit_is_halved_until_each_part_fits(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    limit = len(import_file(STOCK.field_keys, stock(2)))
    monkeypatch.setattr(carrier_module, "MAX_FILE_BYTES", limit)
    specs = carrier(FakeThalamus()).batches(stock(8), range(2, 10), SubmitOptions())
    assert len(specs) >= 4
    assert [r for s in specs for r in s.rows] == list(range(2, 10))
    assert all(len(s.payload) <= limit for s in specs)


def test_the_file_keeps_every_value_as_validated_and_never_writes_a_formula() -> None:
    records: list[dict[str, object]] = [
        {"date": "2026-03-31", "partner_code": "=HYPERLINK(1)", "product_code": "00123",
         "quantity": 12, "unit_price": 1e-05, "amount": 118.8, "invoice_number": "a\x07b"},
    ]  # fmt: skip
    payload = import_file(SALES.field_keys, records)
    book = load_workbook(io.BytesIO(payload))
    sheet = book.worksheets[0]
    assert [c.value for c in sheet[1]] == list(SALES.field_keys)
    row = dict(zip(SALES.field_keys, sheet[2], strict=True))
    assert (row["partner_code"].value, row["partner_code"].data_type) == ("=HYPERLINK(1)", "s")
    assert row["product_code"].value == "00123"
    assert row["quantity"].value == 12
    assert row["unit_price"].value == "0.00001"  # not "1e-05", which is no decimal to Thalamus
    assert row["amount"].value == 118.8
    assert row["currency"].value is None
    assert row["invoice_number"].value == "ab"  # a control character no xlsx can hold


def test_each_file_gets_a_unique_recognisable_name_that_stays_the_same() -> None:
    fake = FakeThalamus()
    c = carrier(fake)
    run = MemoryRun("42", SubmitOptions(extra={"file_name": "stock march.xlsx"}))
    journal(run, c.batches(stock(3), [2, 3, 4], SubmitOptions(extra={"rows_per_file": "2"})))
    c.prepare(run)
    c.prepare(run)  # a resume keeps the tag the first run chose
    tag = run.values["thalamus.name_tag"]
    assert len(tag) == 4
    for batch in run.journal:
        c.send(run, batch)
    names = [i["name"] for i in fake.imports.values()]
    assert names == [
        f"Rowboat · stock march.xlsx · 42-{tag} · 1 of 2",
        f"Rowboat · stock march.xlsx · 42-{tag} · 2 of 2",
    ]
    uploads = [r for r in fake.requests if r.url.path.endswith("/import/file")]
    assert b'filename="stock march 1 of 2.xlsx"' in uploads[0].content


def test_a_very_long_file_name_is_shortened_so_the_name_fits() -> None:
    fake = FakeThalamus()
    c = carrier(fake)
    run = MemoryRun("42", SubmitOptions(extra={"file_name": "x" * 400 + ".xlsx"}))
    journal(run, c.batches(stock(1), [2], SubmitOptions()))
    c.prepare(run)
    c.send(run, run.journal[0])
    (name,) = [i["name"] for i in fake.imports.values()]
    assert len(name) == 255
    assert name.endswith(f"x… · 42-{run.values['thalamus.name_tag']} · 1 of 1")


# --- exactly once ---------------------------------------------------------------------------


def test_an_upload_that_failed_before_arriving_is_found_missing_and_sent_again(
    tmp_path: Path,
) -> None:
    fake = FakeThalamus()
    fake.queue("/import/file", errors(500, server="InternalError"))
    fake.results[1] = [("Row", "Result", "Message"), (2, "OK", ""), (3, "OK", "")]
    c = carrier(fake)
    records = stock(2)
    plan = Plan(
        endpoint=STOCK, connection="Work", options=SubmitOptions(),
        batches=tuple(c.batches(records, [2, 3], SubmitOptions())),
        records=dict(zip([2, 3], records, strict=True)), not_sent=(), total_rows=2, summary="",
        blockers=(), file_name="stock.xlsx", file_fingerprint="0", sheet=None,
    )  # fmt: skip

    def thalamus_works(seconds: float, report: Reporter) -> None:
        fake.imports[1]["state"] = "PROCESSED"

    with Journal(tmp_path / "journal.db") as journal:
        done = submit(plan, journal, c, settings=RunSettings(sleep=thalamus_works))
        (batch,) = journal.batches(done.import_id)
        outcomes = list(journal.outcomes(done.import_id))
    assert done.state is ImportState.FINISHED
    assert (batch.state, batch.attempts) == (BatchState.ACKNOWLEDGED, 2)
    assert fake.paths("POST").count("/import/file") == 2
    assert len(fake.imports) == 1
    assert [o.outcome for o in outcomes] == [Outcome.CREATED] * 2


def test_a_lost_answer_of_an_upload_that_arrived_is_resolved_with_its_import() -> None:
    fake = FakeThalamus()
    fake.queue("/import/file", httpx.ReadTimeout("slow"))
    c = carrier(fake)
    run = MemoryRun("5")
    journal(run, c.batches(stock(2), [2, 3], SubmitOptions()))
    c.prepare(run)
    with pytest.raises(OutcomeUnknown):
        c.send(run, run.journal[0])
    assert c.resolve(run, run.journal[0]) == NOT_SENT  # the timeout came before the server acted
    name = f"Rowboat · Partner stock · 5-{run.values['thalamus.name_tag']} · 1 of 1"
    fake.add_import(name, owner={"id": 1, "entityType": 25012})  # ... or after it
    resolved = c.resolve(run, run.journal[0])
    assert resolved == Ack(remote={"import_id": "1", "import_name": name})


def test_a_name_the_server_spelled_wrongly_is_still_found_by_its_token_and_place() -> None:
    fake = FakeThalamus()
    c = carrier(fake)
    run = MemoryRun("5", SubmitOptions(extra={"file_name": "café.xlsx"}))
    journal(run, c.batches(stock(2), [2, 3], SubmitOptions(extra={"rows_per_request": "1"})))
    c.prepare(run)
    token = f"5-{run.values['thalamus.name_tag']}"
    fake.add_import(f"Rowboat Â· cafÃ©.xlsx Â· {token} Â· 12 of 2")  # not the place
    garbled = fake.add_import(f"Rowboat Â· cafÃ©.xlsx Â· {token} Â· 2 of 2", owner={})
    assert c.resolve(run, run.journal[0]) == NOT_SENT
    resolved = c.resolve(run, run.journal[1])
    assert resolved == Ack(
        remote={
            "import_id": str(garbled["id"]),
            "import_name": f"Rowboat · café.xlsx · {token} · 2 of 2",
        }
    )


def test_a_name_already_taken_by_this_file_acknowledges_the_existing_import() -> None:
    fake = FakeThalamus()
    c = carrier(fake)
    run = MemoryRun("5")
    journal(run, c.batches(stock(2), [2, 3], SubmitOptions()))
    c.prepare(run)
    first = c.send(run, run.journal[0])
    assert c.send(run, run.journal[0]) == first
    assert len(fake.imports) == 1


def test_a_taken_name_thalamus_does_not_list_leaves_the_rows_unknown_not_resent() -> None:
    fake = FakeThalamus()
    duplicate = {"ProcessorInfo": "DuplicatedName"}
    fake.queue("/import/file", httpx.Response(400, json={"errors": duplicate}))
    c = carrier(fake)
    run = MemoryRun("5")
    journal(run, c.batches(stock(2), [2, 3], SubmitOptions()))
    c.prepare(run)
    with pytest.raises(OutcomeUnknown, match="does not list it"):
        c.send(run, run.journal[0])
    assert c.resolve(run, run.journal[0]) is None


def test_an_import_of_another_type_with_the_name_is_not_taken_for_ours() -> None:
    fake = FakeThalamus()
    c = carrier(fake)
    run = MemoryRun("5")
    journal(run, c.batches(stock(1), [2], SubmitOptions()))
    c.prepare(run)
    name = f"Rowboat · Partner stock · 5-{run.values['thalamus.name_tag']} · 1 of 1"
    fake.add_import(name, owner={"id": 1, "entityType": 25004})
    assert c.resolve(run, run.journal[0]) == NOT_SENT


# --- tracking and outcomes ------------------------------------------------------------------


def acknowledged(fake: FakeThalamus, c: ThalamusCarrier, rows: Sequence[int]) -> MemoryRun:
    run = MemoryRun("5")
    journal(run, c.batches(stock(len(rows)), rows, SubmitOptions()))
    c.prepare(run)
    for batch in list(run.journal):
        ack = c.send(run, batch)
        run.update(batch, state=BatchState.ACKNOWLEDGED, remote=dict(ack.remote))
    return run


def test_polling_reports_progress_until_every_import_has_ended() -> None:
    fake = FakeThalamus()
    c = carrier(fake)
    run = acknowledged(fake, c, [2, 3, 4, 5])
    fake.imports[1].update(rows=1, totalToProcess=4, percentageProcessed=25)
    status = c.poll(run)
    assert not status.finished
    assert status.text == "Thalamus is importing the file: 25% (1 of 4 rows)."
    assert (status.done, status.total) == (1, 4)
    fake.imports[1].update(state=3, rows=4, rowsOk=3, rowsSkipped=1)  # the vendor's number
    status = c.poll(run)
    assert status.finished
    assert (
        status.text == "Thalamus has finished the file: 3 rows imported, 0 with errors, 1 skipped."
    )
    polls = len(fake.paths())
    assert c.poll(run).finished
    assert len(fake.paths()) == polls  # an ended import is not asked about again


def test_an_import_in_a_state_rowboat_does_not_know_is_waited_for_then_left_unknown() -> None:
    fake = FakeThalamus()
    c = carrier(fake)
    c.unknown_state_polls = 3
    run = acknowledged(fake, c, [7, 9])
    fake.imports[1].update(state="ON_HOLD", internationalizedState="On hold")
    assert [c.poll(run).finished for _ in range(4)] == [False, False, False, True]
    assert c.outcomes(run) == [
        RowOutcome(r, Outcome.UNKNOWN, "Thalamus still shows import 1 as 'On hold', so Rowboat "
                   "cannot say what became of this row. Check the import in Thalamus.")
        for r in (7, 9)
    ]  # fmt: skip


def test_an_import_waiting_for_its_set_up_says_so_while_it_waits() -> None:
    fake = FakeThalamus()
    c = carrier(fake)
    run = acknowledged(fake, c, [2])
    fake.imports[1].update(state="CONFIGURATION_PENDING", totalToProcess=1)
    status = c.poll(run)
    assert not status.finished
    assert "1 wait for their set-up in the Thalamus back office" in status.text


def test_result_lines_come_back_on_the_users_rows_in_plain_words() -> None:
    fake = FakeThalamus()
    c = carrier(fake, "thalamus.partner-sales")
    rows = [4, 8, 9, 15, 16, 23, 40]
    run = MemoryRun("5")
    records = [
        {"date": "2026-03-31", "partner_code": "P-1", "product_code": "S", "quantity": i}
        for i in range(len(rows))
    ]
    journal(run, c.batches(records, rows, SubmitOptions()))
    c.prepare(run)
    ack = c.send(run, run.journal[0])
    run.update(run.journal[0], state=BatchState.ACKNOWLEDGED, remote=dict(ack.remote))
    fake.imports[1].update(state="CANCELED")
    fake.results[1] = [
        ("Row", "Result", "Message", "date"),
        (2, "OK", "", "2026-03-31"),
        (3, "OK", "Updated", ""),
        (4, "ERROR", "quantity: 'x' is not a whole number; partner_code: unknown partner 'P-1'",
         ""),
        (5, "SKIPPED", "The row has no values in the template's columns.", ""),
        (6, "NOT PROCESSED", "", ""),
        (7, "PENDING", "later", ""),
        (99, "OK", "", ""),
    ]  # fmt: skip
    assert c.poll(run).finished
    assert c.outcomes(run) == [
        RowOutcome(4, Outcome.CREATED),
        RowOutcome(8, Outcome.UPDATED),
        RowOutcome(9, Outcome.REJECTED,
                   "Quantity: 'x' is not a whole number; Partner code: unknown partner 'P-1'."),
        RowOutcome(15, Outcome.SKIPPED, "The row has no values in the template's columns."),
        RowOutcome(16, Outcome.REJECTED, "Not imported: the import was cancelled in Thalamus "
                   "before it reached this row. Import the row again."),
        RowOutcome(23, Outcome.UNKNOWN, "Thalamus reported 'PENDING' for this row: Later."),
        RowOutcome(40, Outcome.UNKNOWN, "Thalamus' result file for import 1 does not mention "
                   "this row. Check the import in Thalamus."),
    ]  # fmt: skip


def test_a_file_thalamus_could_not_read_rejects_every_row_with_its_reason() -> None:
    fake = FakeThalamus()
    c = carrier(fake)
    run = acknowledged(fake, c, [2, 3])
    fake.imports[1].update(
        state="ERROR_IN_FILE_FORMAT",
        analysisResult=None,
        analysisResultJson='{"valid": false, "error": "The xlsx file is damaged."}',
    )
    assert c.poll(run).finished
    reason = "Thalamus could not import the file: The xlsx file is damaged."
    assert c.outcomes(run) == [RowOutcome(r, Outcome.REJECTED, reason) for r in (2, 3)]
    assert not [p for p in fake.paths() if p.startswith("/import/result")]


def test_the_carrier_offers_no_dry_run_and_logs_out_when_closed() -> None:
    fake = FakeThalamus()
    c = carrier(fake)
    assert not c.dry_run_supported
    c.prepare(MemoryRun("1"))
    c.close()
    assert fake.paths()[-1] == "/logout"
