"""The Thalamus carrier: rows travel as xlsx files, one import each, followed to their end.

Exactly-once rests on the import's name. Thalamus refuses a name its touchpoint has used before
(DuplicatedName), so each file gets a name no other import can have ("Rowboat · stores.xlsx ·
42-7f3a · 1 of 3": the file, Rowboat's import id with a random tag remembered for the import, the
file's place) and keeps it through every retry and resume. The upload (POST /import/file) is not
idempotent; when its answer is lost, the import is looked up by that name in the status list:
found, the file arrived; not found, it did not, and sending it again is safe because the server
itself would refuse a second import of that name.

Rows per file: the vendor documents no limit; its sandbox refuses uploads over 20 MB and takes
4 s plus 2 ms a row. 10,000 rows a file keeps a file of ten 255-character columns near 10 MB at
worst and a typical one near 0.5 MB, far below that; keeps each import a few minutes at most, so
progress shows file by file; and bounds what one lost import can hold up. A file that still comes
out over 10 MB is halved until it fits. `SubmitOptions.extra["rows_per_request"]` (the option
every carrier honours; "rows_per_file" is the same for Thalamus) sends fewer rows a file.

The import's name shows the user's file when the options carry it (`extra["file_name"]`), else
the endpoint's label ("Partner stock").
"""

from __future__ import annotations

import logging
import re
import secrets as random_tokens
from typing import TYPE_CHECKING

from rowboat.core.clients.thalamus import XLSX_TYPE, ThalamusClient
from rowboat.core.clients.thalamus_errors import DuplicatedName
from rowboat.core.errors import ConfigurationError, OutcomeUnknown
from rowboat.core.submit.model import (
    NOT_SENT,
    Ack,
    BatchSpec,
    BatchState,
    JobStatus,
    Outcome,
    RowOutcome,
)
from rowboat.core.submit.thalamus_files import import_file, read_result
from rowboat.core.targets.thalamus_fields import IMPORT_TYPES

if TYPE_CHECKING:
    from collections.abc import Sequence

    from rowboat.core.clients._http import RetryPolicy
    from rowboat.core.clients.thalamus_records import ImportRecord
    from rowboat.core.connections.model import Connection, Secrets
    from rowboat.core.progress import Reporter
    from rowboat.core.submit.model import Batch, Resolution, Run, SubmitOptions
    from rowboat.core.submit.thalamus_files import ResultLine
    from rowboat.core.targets.schema import Endpoint

__all__ = ["MAX_FILE_BYTES", "ROWS_PER_FILE", "ThalamusCarrier", "make_carrier"]

log = logging.getLogger(__name__)

ROWS_PER_FILE = 10_000
MAX_FILE_BYTES = 10 * 1024 * 1024
_MAX_ROWS_PER_FILE = 1_048_575  # an Excel sheet's rows, less the header
_NAME_LIMIT = 255  # the sandbox's; the vendor documents none
_TAG_KEY = "thalamus.name_tag"

_RUNNING = frozenset({"WAITING", "PROCESSING", "1", "2"})
_PENDING = frozenset({"CONFIGURATIONPENDING", "5"})  # waits for someone in the back office
_FORMAT_ERROR = frozenset({"ERRORINFILEFORMAT", "4"})
_ENDED = frozenset({"PROCESSED", "FINISHED", "3", "CANCELED", "CANCELLED", "6"})


def _state(record: ImportRecord) -> str:
    return re.sub(r"[^A-Z0-9]", "", record.state.upper())


class ThalamusCarrier:
    """Carries one endpoint's rows to Thalamus as file imports (see the module's docstring)."""

    system_label = "Thalamus"
    concurrency = 2  # uploads in flight; Thalamus works through the imports in the background
    dry_run_supported = False
    unknown_state_polls = 120  # polls an import may spend in a state Rowboat does not know

    def __init__(self, endpoint: Endpoint, client: ThalamusClient) -> None:
        if endpoint.id not in IMPORT_TYPES:
            raise ConfigurationError(f"Thalamus cannot import {endpoint.label.lower()}.")
        self.endpoint = endpoint
        self.client = client
        self.type_code = IMPORT_TYPES[endpoint.id]
        self._ended: dict[str, ImportRecord] = {}  # import id -> its record at its end
        self._strange: dict[str, int] = {}  # import id -> polls seen in an unknown state
        self._gave_up: set[str] = set()

    # --- plan -------------------------------------------------------------------------------

    def batches(
        self, records: Sequence[dict[str, object]], rows: Sequence[int], options: SubmitOptions
    ) -> list[BatchSpec]:
        size = _rows_per_file(options)
        codes = self.endpoint.field_keys
        chunks: list[tuple[tuple[int, ...], bytes]] = []
        for start in range(0, len(records), size):
            chunks.extend(
                _fitting(codes, records[start : start + size], tuple(rows[start : start + size]))
            )
        count = len(chunks)
        return [
            BatchSpec(
                rows=chunk_rows,
                payload=payload,
                content_type=XLSX_TYPE,
                label=f"file {i} of {count} (rows {min(chunk_rows)}–{max(chunk_rows)})",
            )
            for i, (chunk_rows, payload) in enumerate(chunks, start=1)
        ]

    def describe(self, batches: Sequence[BatchSpec], options: SubmitOptions) -> str:
        rows = sum(len(b.rows) for b in batches)
        if not batches:
            return "There are no rows to send to Thalamus."
        most = max(len(b.rows) for b in batches)
        files = (
            "in one file, as one import"
            if len(batches) == 1
            else f"as {len(batches)} files of up to {most:,} rows, each its own import"
        )
        return (
            f"{_rows(rows)} go to Thalamus {files}. Thalamus imports in the background and does "
            "not say how fast; Rowboat shows the progress and then the result, row by row."
        )

    # --- send -------------------------------------------------------------------------------

    def prepare(self, run: Run) -> None:
        if run.recall(_TAG_KEY) is None:
            run.remember(_TAG_KEY, random_tokens.token_hex(2))
        self.client.login()

    def _naming(self, run: Run, batch: Batch) -> tuple[str, str, str]:
        """The import's name, the part of it the status list is searched by, and the file name."""
        tag = run.recall(_TAG_KEY) or ""
        seqs = sorted(b.seq for b in run.batches())
        place = seqs.index(batch.seq) + 1 if batch.seq in seqs else batch.seq
        count = max(len(seqs), place)
        source = (run.options.extra.get("file_name") or "").strip() or self.endpoint.label
        token = f"{run.import_id}-{tag}" if tag else run.import_id
        tail = f" · {token} · {place} of {count}"
        room = _NAME_LIMIT - len("Rowboat · ") - len(tail)
        shown = source if len(source) <= room else source[: max(1, room - 1)] + "…"
        stem = re.sub(r"\.[A-Za-z0-9]{1,5}$", "", source)[:80] or "rows"
        return f"Rowboat · {shown}{tail}", token, f"{stem} {place} of {count}.xlsx"

    def _find(self, run: Run, batch: Batch) -> ImportRecord | None:
        name, token, _ = self._naming(run, batch)
        place = name.rsplit(" · ", 1)[-1]  # "2 of 3"

        def ours(listed: str) -> bool:
            # A server that decodes the name's "·" or the file's accents wrongly still keeps
            # the ASCII token (import id and tag) and the file's place.
            return token in listed and listed.endswith(f" {place}")

        found = self.client.find_import(name, search=token, type_code=self.type_code, accept=ours)
        if found is not None and found.type not in (None, self.type_code):
            return None  # not ours: another type cannot carry this name's file
        return found

    def send(self, run: Run, batch: Batch) -> Ack:
        name, _, file_name = self._naming(run, batch)
        try:
            record = self.client.upload(name, self.type_code, file_name, batch.payload)
        except DuplicatedName as exc:
            # Taken: most likely by this very file, sent before a crash or a lost answer.
            found = self._find(run, batch)
            if found is None:
                run.remember(f"thalamus.duplicated.{batch.seq}", name)
                raise OutcomeUnknown(
                    f"Thalamus says it already has an import named '{name}' but does not list "
                    "it, so Rowboat cannot tell whether these rows arrived.",
                    hint="Look for the import by that name in Thalamus.",
                    detail=exc.detail,
                ) from None
            record = found
        return _ack(record, name)

    def resolve(self, run: Run, batch: Batch) -> Resolution:
        found = self._find(run, batch)
        if found is not None:
            return _ack(found, self._naming(run, batch)[0])
        if run.recall(f"thalamus.duplicated.{batch.seq}") is not None:
            return None  # the name is taken, yet not listed: Thalamus cannot tell us
        return NOT_SENT

    def finish(self, run: Run) -> None:
        return None  # each import starts with its upload

    # --- track ------------------------------------------------------------------------------

    def _imports(self, run: Run) -> list[tuple[Batch, str]]:
        return [
            (b, b.remote["import_id"])
            for b in run.batches()
            if b.state is BatchState.ACKNOWLEDGED and b.remote.get("import_id")
        ]

    def poll(self, run: Run) -> JobStatus:
        imports = self._imports(run)
        records: list[ImportRecord] = []
        running = 0
        waiting_for_setup = 0
        for _batch, import_id in imports:
            record = self._ended.get(import_id)
            if record is None:
                run.report.raise_if_cancelled()
                record = self.client.status(import_id)
                if self._has_ended(import_id, record):
                    self._ended[import_id] = record
                else:
                    running += 1
                    waiting_for_setup += _state(record) in _PENDING
            records.append(record)
        done = sum(r.total if r.id in self._ended else r.rows for r in records)
        total = sum(r.total for r in records)
        return JobStatus(
            finished=running == 0,
            text=_status_text(records, running, waiting_for_setup, done, total),
            done=done,
            total=total,
        )

    def _has_ended(self, import_id: str, record: ImportRecord) -> bool:
        state = _state(record)
        if state in _ENDED or state in _FORMAT_ERROR:
            return True
        if state not in _RUNNING:
            # Configuration pending, or a state Rowboat does not know: wait, but not forever.
            seen = self._strange.get(import_id, 0) + 1
            self._strange[import_id] = seen
            if seen > self.unknown_state_polls:
                self._gave_up.add(import_id)
                return True
        return False

    def outcomes(self, run: Run) -> list[RowOutcome]:
        found: list[RowOutcome] = []
        for batch, import_id in self._imports(run):
            run.report.raise_if_cancelled()
            record = self._ended.get(import_id) or self.client.status(import_id)
            found.extend(self._batch_outcomes(batch, import_id, record))
        return found

    def _batch_outcomes(
        self, batch: Batch, import_id: str, record: ImportRecord
    ) -> list[RowOutcome]:
        state = _state(record)
        if import_id in self._gave_up or not (state in _ENDED or state in _FORMAT_ERROR):
            text = (
                f"Thalamus still shows import {import_id} as '{record.label or record.state}', "
                "so Rowboat cannot say what became of this row. Check the import in Thalamus."
            )
            return [RowOutcome(r, Outcome.UNKNOWN, text) for r in batch.rows]
        if state in _FORMAT_ERROR:
            why = record.problem or "the file is not in a format it reads"
            text = _sentence(f"Thalamus could not import the file: {why}")
            return [RowOutcome(r, Outcome.REJECTED, text) for r in batch.rows]
        by_row: dict[int, RowOutcome] = {}
        for line in read_result(self.client.result(import_id)):
            place = line.row - 2  # the upload's header is row 1 and it has no blank rows
            if 0 <= place < len(batch.rows):
                row = batch.rows[place]
                by_row[row] = self._row_outcome(row, line)
            else:
                log.warning("import %s: result row %d is not in the file", import_id, line.row)
        missing = (
            f"Thalamus' result file for import {import_id} does not mention this row. Check "
            "the import in Thalamus."
        )
        return [by_row.get(r) or RowOutcome(r, Outcome.UNKNOWN, missing) for r in batch.rows]

    def _row_outcome(self, row: int, line: ResultLine) -> RowOutcome:
        result = re.sub(r"[^A-Z]", "", line.result.upper())
        message = self._plain(line.message)
        if result == "OK":
            if line.message.strip().casefold() == "updated":
                return RowOutcome(row, Outcome.UPDATED)
            if line.message.strip().casefold() in ("", "created"):
                return RowOutcome(row, Outcome.CREATED)
            return RowOutcome(row, Outcome.CREATED, message)
        if result == "ERROR":
            return RowOutcome(row, Outcome.REJECTED, message or "Thalamus refused the row.")
        if result == "SKIPPED":
            return RowOutcome(row, Outcome.SKIPPED, message or "Thalamus skipped the row.")
        if result == "NOTPROCESSED":
            return RowOutcome(
                row,
                Outcome.REJECTED,
                "Not imported: the import was cancelled in Thalamus before it reached this row. "
                "Import the row again.",
            )
        text = f"Thalamus reported '{line.result}' for this row" + (
            f": {message}" if message else "."
        )
        return RowOutcome(row, Outcome.UNKNOWN, _sentence(text))

    def _plain(self, message: str) -> str:
        """A result message with the column codes named as the user knows them: "quantity:
        'x' is not a whole number" -> "Quantity: 'x' is not a whole number."."""
        if not message:
            return ""
        labels = {f.key.casefold(): f.label for f in self.endpoint.fields}
        parts = []
        for part in message.split("; "):
            code, sep, problem = part.partition(": ")
            label = labels.get(code.strip().casefold())
            parts.append(f"{label}: {problem}" if sep and label else part)
        return _sentence("; ".join(parts))

    def close(self) -> None:
        self.client.close()


def _ack(record: ImportRecord, name: str) -> Ack:
    return Ack(remote={"import_id": record.id, "import_name": name})


def _sentence(text: str) -> str:
    text = text.strip()
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


def _rows_per_file(options: SubmitOptions) -> int:
    extra = options.extra
    text = (extra.get("rows_per_file") or extra.get("rows_per_request") or "").strip()
    if not text:
        return ROWS_PER_FILE
    if not text.isdigit() or not 1 <= int(text) <= _MAX_ROWS_PER_FILE:
        raise ConfigurationError(
            f"'{text}' rows per file does not work for Thalamus.",
            hint=f"Give a whole number from 1 to {_MAX_ROWS_PER_FILE:,}.",
        )
    return int(text)


def _fitting(
    codes: Sequence[str], records: Sequence[dict[str, object]], rows: tuple[int, ...]
) -> list[tuple[tuple[int, ...], bytes]]:
    """The rows as one file, or halved until each file is at most MAX_FILE_BYTES."""
    payload = import_file(codes, records)
    if len(payload) <= MAX_FILE_BYTES or len(records) == 1:
        return [(rows, payload)]
    half = len(records) // 2
    return [
        *_fitting(codes, records[:half], rows[:half]),
        *_fitting(codes, records[half:], rows[half:]),
    ]


def _status_text(
    records: Sequence[ImportRecord], running: int, waiting: int, done: int, total: int
) -> str:
    if not records:
        return "Nothing was imported into Thalamus."
    share = f"{100 * done // total}%" if total else "0%"
    rows = f"({done:,} of {total:,} rows)"
    if running:
        files = "the file" if len(records) == 1 else f"{running} of {len(records)} files"
        setup = f"; {waiting} wait for their set-up in the Thalamus back office" if waiting else ""
        return f"Thalamus is importing {files}: {share} {rows}{setup}."
    ok = sum(r.rows_ok for r in records)
    bad = sum(r.rows_with_errors for r in records)
    skipped = sum(r.rows_skipped for r in records)
    files = "the file" if len(records) == 1 else f"{len(records)} files"
    return (
        f"Thalamus has finished {files}: {_rows(ok)} imported, {bad:,} with errors, "
        f"{skipped:,} skipped."
    )


def _rows(count: int) -> str:
    return "1 row" if count == 1 else f"{count:,} rows"


def make_carrier(
    endpoint: Endpoint,
    connection: Connection,
    secrets: Secrets,
    report: Reporter,
    policy: RetryPolicy | None,
) -> ThalamusCarrier:
    """The carrier open_carrier hands the runner."""
    return ThalamusCarrier(
        endpoint, ThalamusClient(connection, secrets, report=report, policy=policy)
    )
