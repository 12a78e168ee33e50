"""The Thought Industries Carrier: rows → an import file → upload → bulk import → background job.

Each batch (≤ 1000 rows) is written as a CSV import file, uploaded (or, for a single batch, the
path of a file the user uploaded elsewhere is used), and its path posted to the endpoint's bulk
route. The answer sorts the file's rows into valid and invalid ones; the valid ones are imported
by a background job, followed to its end.

Exactly-once: the upload may be repeated freely (an unused asset harms nothing), and its path is
remembered before it is posted. A bulk post whose answer was lost is resolved from the job list:
a job whose description names the asset means it arrived; no such job, that it did not (then it
is posted again); a site without a job list cannot tell, and its rows become unknown.
"""

from __future__ import annotations

import json
import re
import time
from typing import TYPE_CHECKING

from rowboat.core.clients.thought_industries import (
    FAILED,
    PROCESSING,
    QUEUED,
    SYSTEM,
    open_client,
)
from rowboat.core.clients.thought_industries_limits import (
    ENTERPRISE_PER_MINUTE,
    STANDARD_PER_MINUTE,
)
from rowboat.core.errors import ConfigurationError
from rowboat.core.progress import wait
from rowboat.core.submit.model import (
    NOT_SENT,
    Ack,
    BatchSpec,
    BatchState,
    JobStatus,
    RowOutcome,
)
from rowboat.core.submit.thought_industries_rows import (
    BatchMemo,
    SentAsset,
    acknowledgement,
    asset_columns,
    job_outcomes,
    job_row_count,
    read_answer,
    write_asset,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    import httpx

    from rowboat.core.clients._http import RetryPolicy
    from rowboat.core.clients.thought_industries import (
        BackgroundJob,
        BulkAnswer,
        ThoughtIndustriesClient,
    )
    from rowboat.core.connections.model import Connection, Secrets
    from rowboat.core.progress import Reporter
    from rowboat.core.submit.model import Batch, Resolution, Run, SubmitOptions
    from rowboat.core.targets.schema import Endpoint

__all__ = ["MAX_ROWS", "ThoughtIndustriesCarrier", "make_carrier"]

MAX_ROWS = 1000  # rows per import file (the vendor caps its CSV imports at 1000)
ASSET_PATH = "asset_path"  # SubmitOptions.extra: the path of a file uploaded elsewhere
ROWS_PER_REQUEST = "rows_per_request"  # SubmitOptions.extra: smaller files than MAX_ROWS
UNKNOWN_STATUS_LIMIT = 1800.0  # seconds a job may report a state Rowboat does not know
_POLLS_PER_JOB = 2  # for the plan's estimate: most jobs are read about twice


def make_carrier(
    endpoint: Endpoint,
    connection: Connection,
    secrets: Secrets,
    report: Reporter,
    policy: RetryPolicy | None = None,
    *,
    sleep: Callable[[float, Reporter], None] = wait,
    clock: Callable[[], float] = time.time,
    transport: httpx.BaseTransport | None = None,
) -> ThoughtIndustriesCarrier:
    client = open_client(
        connection, secrets, report=report, policy=policy, sleep=sleep, clock=clock,
        transport=transport,
    )  # fmt: skip
    return ThoughtIndustriesCarrier(endpoint, client, clock=clock)


class ThoughtIndustriesCarrier:
    """Carrier of one Thought Industries session endpoint (in-person events or webinars)."""

    system_label = SYSTEM
    concurrency = 4
    dry_run_supported = True

    def __init__(
        self,
        endpoint: Endpoint,
        client: ThoughtIndustriesClient,
        *,
        clock: Callable[[], float] = time.time,
        unknown_status_limit: float = UNKNOWN_STATUS_LIMIT,
    ) -> None:
        self.endpoint = endpoint
        self.client = client
        self._clock = clock
        self._unknown_status_limit = unknown_status_limit
        self._labels = {f.key: f.label for f in endpoint.fields}
        self._warned: set[str] = set()
        self._job_list: bool | None = None  # whether the site lists its jobs (None: not asked)

    # Plan

    def batches(
        self, records: Sequence[dict[str, object]], rows: Sequence[int], options: SubmitOptions
    ) -> list[BatchSpec]:
        size = _rows_per_batch(options, self.endpoint.batch_size or MAX_ROWS)
        if _asset_path(options) and len(rows) > size:
            raise ConfigurationError(
                f"A file uploaded elsewhere holds one import of at most {size} rows, and "
                f"{len(rows)} rows are ready to send.",
                hint="Let Rowboat upload the files, or import at most "
                f"{size} rows from the uploaded file.",
            )
        columns = asset_columns(self.endpoint.field_keys, records)
        specs = []
        for start in range(0, len(rows), size):
            chunk = tuple(rows[start : start + size])
            specs.append(
                BatchSpec(
                    rows=chunk,
                    payload=write_asset(records[start : start + size], columns),
                    content_type="text/csv",
                    label=f"rows {chunk[0]}–{chunk[-1]}" if len(chunk) > 1 else f"row {chunk[0]}",
                )
            )
        return specs

    def describe(self, batches: Sequence[BatchSpec], options: SubmitOptions) -> str:
        rows = sum(len(b.rows) for b in batches)
        if not batches:
            return "Nothing to send: no row is ready for Thought Industries."
        path = _asset_path(options)
        files = _count(len(batches), "import file")
        if path:
            how = f"The file already uploaded at '{path}' is imported ({_count(rows, 'row')})"
        else:
            largest = max(len(b.rows) for b in batches)
            how = (
                f"{files} of up to {_count(largest, 'session')} ({_count(rows, 'row')}), each "
                "uploaded and then imported"
            )
        requests = len(batches) * ((1 if path else 2) + _POLLS_PER_JOB)
        minutes = (requests - 1) // STANDARD_PER_MINUTE
        if minutes == 0:
            pace = (
                f"about {_count(requests, 'request')}, within Thought Industries' limit of "
                f"{STANDARD_PER_MINUTE} a minute"
            )
        else:
            pace = (
                f"about {_count(requests, 'request')}; Thought Industries allows "
                f"{STANDARD_PER_MINUTE} a minute ({ENTERPRISE_PER_MINUTE} on Enterprise plans), "
                f"so about {minutes} min"
            )
        if options.dry_run:  # the plan itself says what a dry run is
            return f"{how}: {pace}."
        then = (
            "Thought Industries then imports each file in the background, and Rowboat follows "
            "each job to its end."
        )
        return f"{how}: {pace}. {then}"

    # Send

    def prepare(self, run: Run) -> None:
        return None  # an API key needs no login, and the bulk imports need nothing created

    def send(self, run: Run, batch: Batch) -> Ack:
        asset = self._asset(run, batch)
        answer = self.client.bulk_import(self.endpoint.id, asset.path, dry_run=run.options.dry_run)
        memo = self._memo(run, batch, answer)
        run.remember(_answer_key(batch), memo.dumps())
        return acknowledgement(batch, memo, asset.path)

    def resolve(self, run: Run, batch: Batch) -> Resolution:
        asset = self._recalled_asset(run, batch)
        known = run.recall(_answer_key(batch))
        if known is not None:  # the answer arrived before Rowboat stopped
            return acknowledgement(batch, BatchMemo.loads(known), asset.path if asset else "")
        if asset is None:
            return NOT_SENT  # its path is remembered before it is posted: it never was
        search = (
            self.client.find_job(asset.path, since=asset.created_at, skip=frozenset(asset.earlier))
            if asset.listed
            else None
        )
        if search is None or not search.offered:
            run.report.notice(
                "Thought Industries offers no list of import jobs to check whether "
                f"{batch.label or 'a file'} arrived; its rows are marked unknown."
            )
            return None
        if search.job is None:
            return NOT_SENT if search.certain else None
        memo = BatchMemo(
            job=search.job.id,
            dry_run=False,
            checked=False,
            count=job_row_count(search.job.description, asset.path),
        )
        run.remember(_answer_key(batch), memo.dumps())
        return acknowledgement(batch, memo, asset.path)

    def finish(self, run: Run) -> None:
        return None  # each bulk import starts its own job

    # Track

    def poll(self, run: Run) -> JobStatus:
        tracked = self._tracked(run)
        if not tracked:
            return JobStatus(finished=True, text="Thought Industries has no import job to follow.")
        states = {m.job: self._job_end(run, m.job) for _, m in tracked if m.job}
        pending = {job for job, state in states.items() if state is None}
        listed = self._listed(pending)
        waiting = False
        for _, memo in tracked:
            job_id = memo.job or ""
            if states[job_id] is not None:
                continue
            if job_id in listed:
                states[job_id] = self._note(run, job_id, listed[job_id])
            elif not waiting:
                states[job_id] = self._note(run, job_id, self.client.job(job_id))
                # Jobs end about in the order they began: while one runs, later ones wait.
                waiting = states[job_id] in _RUNNING
        ended = [(b, m) for b, m in tracked if states[m.job or ""] not in (*_RUNNING, None)]
        done = sum(len(b.rows) for b, _ in ended)
        total = sum(len(b.rows) for b, _ in tracked)
        if len(ended) < len(tracked):
            text = (
                f"Thought Industries is importing: {len(ended)} of "
                f"{_count(len(tracked), 'file')} done ({done:,} of {_count(total, 'row')})."
            )
            return JobStatus(finished=False, text=text, done=done, total=total)
        failed = sum(1 for _, m in ended if states[m.job or ""] == FAILED)
        text = f"Thought Industries finished importing {_count(len(tracked), 'file')}"
        text += f"; {failed} failed." if failed else "."
        return JobStatus(finished=True, text=text, done=done, total=total)

    def outcomes(self, run: Run) -> list[RowOutcome]:
        decided: list[RowOutcome] = []
        for batch, memo in self._tracked(run):
            assert memo.job is not None
            end = run.recall(_job_key(memo.job))
            if end is not None:
                decided.extend(job_outcomes(batch, memo, json.loads(end)))
        return decided

    def close(self) -> None:
        self.client.close()

    # Helpers

    def _asset(self, run: Run, batch: Batch) -> SentAsset:
        """The batch's uploaded file, remembered before its path is posted: uploaded now, or
        given by the user (with the jobs that already named it, so that resolve can tell them
        from the one this import starts)."""
        known = self._recalled_asset(run, batch)
        if known is not None:
            return known
        given = _asset_path(run.options)
        if given:
            earlier = self.client.jobs_naming(given)
            sent = SentAsset(given, "", tuple(j.id for j in earlier or ()), earlier is not None)
        else:
            name = re.sub(r"[^A-Za-z0-9_-]+", "-", run.import_id).strip("-") or "import"
            filename = f"rowboat-{name}-{batch.seq:04d}.csv"
            asset = self.client.upload(filename, batch.payload, batch.content_type)
            sent = SentAsset(asset.path, asset.created_at)
        run.remember(_asset_key(batch), sent.dumps())
        return sent

    def _recalled_asset(self, run: Run, batch: Batch) -> SentAsset | None:
        known = run.recall(_asset_key(batch))
        return None if known is None else SentAsset.loads(known)

    def _memo(self, run: Run, batch: Batch, answer: BulkAnswer) -> BatchMemo:
        for warning in answer.warnings:
            if warning not in self._warned:
                self._warned.add(warning)
                run.report.notice(f"Thought Industries: {warning}")
        # Whether it was a dry run is read back from the answer. One that does not say is a dry
        # run only if one was asked for and it names no job.
        asked = run.options.dry_run
        dry_run = answer.dry_run if answer.dry_run is not None else asked and answer.job is None
        if asked and not dry_run:
            run.report.notice(
                "Thought Industries did not do a dry run: it is importing the rows for real."
            )
        elif dry_run and not asked:
            run.report.notice("Thought Industries did a dry run: it imported nothing.")
        reading = read_answer(answer.valid_rows, answer.invalid_rows, batch.rows, self._labels)
        return BatchMemo(
            job=answer.job.id if answer.job is not None and not dry_run else None,
            dry_run=dry_run,
            valid=tuple(reading.valid),
            invalid=tuple(reading.invalid.items()),
            unreported=tuple(reading.unreported),
        )

    def _tracked(self, run: Run) -> list[tuple[Batch, BatchMemo]]:
        """The acknowledged batches whose import has a job to follow, in the order they went."""
        tracked = []
        for batch in sorted(run.batches(), key=lambda b: b.seq):
            if batch.state is not BatchState.ACKNOWLEDGED:
                continue
            known = run.recall(_answer_key(batch))
            if known is not None and (memo := BatchMemo.loads(known)).job is not None:
                tracked.append((batch, memo))
        return tracked

    def _job_end(self, run: Run, job_id: str) -> str | None:
        end = run.recall(_job_key(job_id))
        return None if end is None else str(json.loads(end)["status"])

    def _listed(self, job_ids: set[str]) -> dict[str, BackgroundJob]:
        """Several running jobs read from the job list at once (where the site has one), to
        spare the per-minute limit; {} when one job is left or there is no list."""
        if len(job_ids) < 2 or self._job_list is False:
            return {}
        listed = self.client.listed_jobs(job_ids)
        self._job_list = listed is not None
        return listed or {}

    def _note(self, run: Run, job_id: str, job: BackgroundJob | None) -> str:
        """A job's state as just read; its end is remembered once it has one. A state the
        vendor's schema does not list counts as running, but not for ever."""
        if job is None:
            self._end(run, job_id, {"status": "missing"})
            return "missing"
        if job.ended:
            self._end(run, job_id, {"status": job.status, "errorMessage": job.error_message})
            return job.status
        if job.status in (QUEUED, PROCESSING):
            return job.status
        since_key = _job_key(job_id) + ".unknown-since"
        since = run.recall(since_key)
        now = self._clock()
        if since is None:
            run.remember(since_key, repr(now))
        elif now - float(since) > self._unknown_status_limit:
            self._end(run, job_id, {"status": "timeout", "seen": job.status})
            return "timeout"
        return "running"

    def _end(self, run: Run, job_id: str, end: dict[str, str]) -> None:
        run.remember(_job_key(job_id), json.dumps(end, ensure_ascii=False))


_RUNNING = frozenset({QUEUED, PROCESSING, "running"})


def _asset_path(options: SubmitOptions) -> str:
    return options.extra.get(ASSET_PATH, "").strip()


def _rows_per_batch(options: SubmitOptions, most: int) -> int:
    text = options.extra.get(ROWS_PER_REQUEST, "").strip()
    if not text:
        return min(most, MAX_ROWS)
    if not text.isdigit() or not 1 <= int(text) <= min(most, MAX_ROWS):
        raise ConfigurationError(
            f"'{text}' rows per import file is not a whole number from 1 to {min(most, MAX_ROWS)}.",
            hint="Leave it empty to send up to 1000 rows in each file.",
        )
    return int(text)


def _asset_key(batch: Batch) -> str:
    return f"ti.asset.{batch.seq}"


def _answer_key(batch: Batch) -> str:
    return f"ti.answer.{batch.seq}"


def _job_key(job_id: str) -> str:
    return f"ti.job.{job_id}"


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}" + ("" if n == 1 else "s")
