"""make_plan: the validated rows cut into the target's requests, shown before anything is sent.

Check, then do: a Plan names its blockers (a required field not mapped, no valid row, a dry run
the target does not offer) in plain words before any worker starts. Invalid rows are never
sent; they travel with the plan as outcomes, so the journal holds every row of the file.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from rowboat.core.submit.model import Outcome, RowOutcome

if TYPE_CHECKING:
    from pathlib import Path

    from rowboat.core.submit.model import BatchSpec, Carrier, SubmitOptions
    from rowboat.core.targets.schema import Endpoint
    from rowboat.core.validation import ValidationResult

__all__ = ["Plan", "file_fingerprint", "make_plan"]


@dataclass(frozen=True)
class Plan:
    endpoint: Endpoint
    connection: str
    options: SubmitOptions
    batches: tuple[BatchSpec, ...]
    records: dict[int, dict[str, object]]  # each row to send: its typed record
    not_sent: tuple[RowOutcome, ...]  # the invalid rows, with their problems
    total_rows: int
    summary: str  # the carrier's words: "3 requests of up to 1000 contacts; about 10 s."
    blockers: tuple[str, ...]
    file_name: str
    file_fingerprint: str
    sheet: str | None

    @property
    def ready(self) -> bool:
        return not self.blockers

    @property
    def rows_to_send(self) -> int:
        return sum(len(b.rows) for b in self.batches)

    def in_words(self) -> str:
        """The plan as a coordinator reads it before pressing Submit."""
        if self.blockers:
            return " ".join(self.blockers)
        skipped = len(self.not_sent)
        rows = (
            "1 row with problems stays" if skipped == 1 else f"{skipped:,} rows with problems stay"
        )
        rest = f" {rows} behind in the report." if skipped else ""
        trial = " This is a dry run: the target checks the rows and keeps nothing." if (
            self.options.dry_run
        ) else ""  # fmt: skip
        return f"{self.summary}{trial}{rest}"


def file_fingerprint(path: Path) -> str:
    """A short SHA-256 of the file's bytes, so the history can tell the same file again."""
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()[:16]


def make_plan(
    result: ValidationResult, carrier: Carrier, connection: str, options: SubmitOptions
) -> Plan:
    """The plan for sending `result`'s valid rows through `carrier`."""
    endpoint = result.endpoint
    table = result.table
    # Carriers name remote imports after the user's file (Thalamus' unique import names).
    options = options.model_copy(
        update={"extra": {"file_name": table.info.path.name, **options.extra}}
    )
    blockers = list(result.blockers)
    positions = np.flatnonzero(result.valid)
    rows = table.source_rows[positions].tolist()
    if not len(positions) and not blockers:
        blockers.append("No row can be sent: every row has a problem. Fix them and try again.")
    if options.dry_run and not carrier.dry_run_supported:
        blockers.append(
            f"{carrier.system_label} offers no dry run, so nothing was sent. Rowboat's own checks "
            f"found {result.valid_count:,} rows ready and {result.invalid_count:,} with problems."
        )
    batches: list[BatchSpec] = []
    records: list[dict[str, object]] = []
    summary = ""
    if not blockers:
        records = list(result.payload())  # the valid rows, in the order of `rows`
        batches = carrier.batches(records, rows, options)
        summary = carrier.describe(batches, options)
    messages = result.messages_by_position()
    invalid = np.flatnonzero(~result.valid)
    texts = messages.reindex(invalid).fillna("").tolist()
    not_sent = tuple(
        RowOutcome(int(r), Outcome.INVALID, str(m))
        for r, m in zip(table.source_rows[invalid].tolist(), texts, strict=True)
    )
    return Plan(
        endpoint=endpoint,
        connection=connection,
        options=options,
        batches=tuple(batches),
        records=dict(zip(rows, records, strict=False)),
        not_sent=not_sent,
        total_rows=len(table),
        summary=summary,
        blockers=tuple(blockers),
        file_name=table.info.path.name,
        file_fingerprint=file_fingerprint(table.info.path),
        sheet=table.info.sheet,
    )
