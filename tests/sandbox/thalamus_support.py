"""Helpers of the Thalamus end-to-end tests: a validated file, a carrier that counts its
resolutions, a run through the runner on the sandbox clock, and what the sandbox stored."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

import httpx
import numpy as np

from rowboat.core.clients._http import RetryPolicy
from rowboat.core.clients.thalamus import ThalamusClient
from rowboat.core.connections.model import sandbox_connection, sandbox_secrets
from rowboat.core.jobs.tracker import TrackPolicy
from rowboat.core.mapping import match_columns
from rowboat.core.sources import open_table
from rowboat.core.submit.journal import Journal
from rowboat.core.submit.model import (
    ImportState,
    NotSent,
    RowOutcome,
    SubmitOptions,
)
from rowboat.core.submit.plan import make_plan
from rowboat.core.submit.runner import RunSettings, submit
from rowboat.core.submit.thalamus import ThalamusCarrier
from rowboat.core.validation import ValidationOptions, validate
from rowboat.sandbox.thalamus import TOKEN, TOUCHPOINT

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from pathlib import Path

    from rowboat.core.progress import Reporter
    from rowboat.core.submit.model import Batch, Resolution, Run
    from rowboat.core.submit.runner import Submission
    from rowboat.core.targets.schema import Endpoint
    from rowboat.core.validation import ValidationResult
    from rowboat.sandbox.context import ManualClock
    from rowboat.sandbox.server import SandboxServer

FAST = RetryPolicy(attempts=8, base_delay=0.001, max_delay=0.01, timeout=5.0)


def no_sleep(seconds: float, report: object) -> None:
    return None


class WatchedCarrier(ThalamusCarrier):
    """The carrier, counting how often the runner had to ask what became of an upload."""

    resolved: int = 0
    not_sent: int = 0

    def resolve(self, run: Run, batch: Batch) -> Resolution:
        found = super().resolve(run, batch)
        self.resolved += 1
        self.not_sent += isinstance(found, NotSent)
        return found


def carrier(
    sandbox: SandboxServer, endpoint: Endpoint, policy: RetryPolicy = FAST
) -> WatchedCarrier:
    connection = sandbox_connection("thalamus", sandbox.url)
    client = ThalamusClient(connection, sandbox_secrets("thalamus"), policy=policy, sleep=no_sleep)
    return WatchedCarrier(endpoint, client)


def validated(
    tmp_path: Path, endpoint: Endpoint, header: Sequence[str], rows: Sequence[Sequence[object]]
) -> ValidationResult:
    path = tmp_path / "rows.csv"
    with path.open("w", newline="", encoding="utf-8") as out:
        csv.writer(out).writerows([header, *rows])
    table = open_table(path)
    mapping = match_columns(table.columns, endpoint)
    return validate(table, endpoint, mapping, ValidationOptions(default_region="ES"))


def valid_records(result: ValidationResult) -> tuple[list[dict[str, object]], list[int]]:
    """The valid rows as the typed records the carrier is given, and their row numbers."""
    rows = result.table.source_rows[np.flatnonzero(result.valid)].tolist()
    return list(result.payload()), rows


@dataclass
class Done:
    submission: Submission
    journal: Journal
    carrier: WatchedCarrier

    @property
    def outcomes(self) -> dict[int, RowOutcome]:
        return {o.row: o for o in self.journal.outcomes(self.submission.import_id)}

    @property
    def batches(self) -> list[Batch]:
        return self.journal.batches(self.submission.import_id)

    def recall(self, key: str) -> str | None:
        return self.journal.recall(self.submission.import_id, key)


def run_import(
    sandbox: SandboxServer,
    clock: ManualClock,
    result: ValidationResult,
    tmp_path: Path,
    *,
    file_name: str | None = None,
    extra: dict[str, str] | None = None,
    policy: RetryPolicy = FAST,
    between_polls: Callable[[], None] | None = None,
) -> Done:
    """Plan and submit through the runner; the tracker's waits move the sandbox clock instead
    of sleeping (`between_polls` runs at each wait too)."""
    names = {"file_name": file_name} if file_name else {}
    options = SubmitOptions(extra={**names, **(extra or {})})
    the_carrier = carrier(sandbox, result.endpoint, policy)
    plan = make_plan(result, the_carrier, "Sandbox", options)

    def wait(seconds: float, report: Reporter) -> None:
        clock.advance(seconds)
        if between_polls is not None:
            between_polls()

    journal = Journal(tmp_path / "journal.db")
    settings = RunSettings(track=TrackPolicy(first_delay=2, factor=1.5, max_delay=5), sleep=wait)
    submission = submit(plan, journal, the_carrier, settings=settings)
    assert submission.error is None, submission.error
    assert submission.state is ImportState.FINISHED
    return Done(submission, journal, the_carrier)


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
