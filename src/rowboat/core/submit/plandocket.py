"""The Plandocket Carrier: rows cut into bulk-import requests, sent, and answered row by row.

Plandocket imports synchronously: each request of at most 1000 records is answered with what
became of every record, so there is no remote job to follow. Exactly-once rests on the modes.
An update changes nothing a second time and is retried freely. A create or an upsert whose answer
was lost (a dropped connection, a timeout, a 500) is resolved by sending the same records again
in upsert mode: what the first request stored is matched by its email or customer number and
updated, the rest is created, and nothing is stored twice. The rows that the second request
"updated" are reported as created-or-updated, because Rowboat cannot tell which of the two it was.
"""

from __future__ import annotations

import json
import math
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rowboat.core.clients.plandocket import MAX_RECORDS, PlandocketClient
from rowboat.core.errors import ConfigurationError, Rejected
from rowboat.core.submit.model import COMMON_EXTRA, Ack, BatchSpec, JobStatus, Outcome, RowOutcome
from rowboat.core.submit.plandocket_outcomes import row_outcomes

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from rowboat.core.clients._http import RetryPolicy
    from rowboat.core.connections.model import Connection, Secrets
    from rowboat.core.progress import Reporter
    from rowboat.core.submit.model import Batch, Run, SubmitOptions
    from rowboat.core.targets.schema import Endpoint

__all__ = ["CONCURRENCY", "ImportSettings", "PlandocketCarrier", "make_carrier"]

MODES = ("create", "upsert", "update")
MATCH_FIELDS = ("email", "customer_number")
# Four requests in flight: Plandocket works through each request before it answers, so a few
# at once hide the network's round trips, while the hourly request limit, not speed, bounds a
# large import (1000 requests an hour carry a million rows). More would only load the vendor's
# servers and make a lost answer cost more requests to resolve.
CONCURRENCY = 4
# Plandocket publishes no timings. Until this run has measured its own requests, one is
# estimated at half a second plus 2 ms a record (2.5 s for a full request).
BASE_SECONDS = 0.5
SECONDS_PER_RECORD = 0.002
_EXTRA_KEYS = ("rows_per_request", "create_contacts")
_TRUE = {"true", "yes", "1", "on"}
_FALSE = {"false", "no", "0", "off"}


@dataclass(frozen=True)
class ImportSettings:
    """The import's options as Plandocket takes them, from SubmitOptions."""

    mode: str = "create"
    match_field: str = "email"
    rows_per_request: int = MAX_RECORDS
    create_contacts: bool = True
    event: str | None = None

    @classmethod
    def from_options(cls, options: SubmitOptions) -> ImportSettings:
        """Raises ConfigurationError for a mode, match field or extra switch Plandocket lacks."""
        mode = (options.mode or "create").strip().lower()
        if mode not in MODES:
            raise ConfigurationError(
                f"'{options.mode}' is not a way Plandocket imports.",
                hint="Choose create, upsert (create or update) or update.",
            )
        match_field = (options.match_field or "email").strip().lower()
        if match_field not in MATCH_FIELDS:
            raise ConfigurationError(
                f"Plandocket cannot find contacts by '{options.match_field}'.",
                hint="Choose email or customer_number as the match field.",
            )
        unknown = sorted(set(options.extra) - set(_EXTRA_KEYS) - set(COMMON_EXTRA))
        if unknown:
            raise ConfigurationError(
                f"Plandocket imports have no setting '{unknown[0]}'.",
                hint=f"Known settings: {', '.join(_EXTRA_KEYS)}.",
            )
        return cls(
            mode=mode,
            match_field=match_field,
            rows_per_request=_rows_per_request(options.extra.get("rows_per_request")),
            create_contacts=_switch(options.extra.get("create_contacts"), "create_contacts"),
            event=(options.event or "").strip() or None,
        )


def _rows_per_request(raw: str | None) -> int:
    """At most `raw` rows a request, and never more than Plandocket's 1000."""
    if raw is None or not raw.strip():
        return MAX_RECORDS
    try:
        size = int(raw)
    except ValueError:
        size = 0
    if size < 1:
        raise ConfigurationError(
            f"'{raw}' is not a number of rows per request.",
            hint=f"Give a whole number; Plandocket takes up to {MAX_RECORDS} rows a request.",
        )
    return min(size, MAX_RECORDS)


def _switch(raw: str | None, name: str) -> bool:
    if raw is None or not raw.strip():
        return True
    value = raw.strip().lower()
    if value in _TRUE | _FALSE:
        return value in _TRUE
    raise ConfigurationError(f"'{raw}' is not yes or no for {name}.", hint="Give yes or no.")


class PlandocketCarrier:
    """One endpoint's rows (plandocket.contacts or plandocket.participants) for one run."""

    system_label = "Plandocket"
    dry_run_supported = False  # Plandocket offers no dry run; the runner says so

    def __init__(
        self,
        endpoint: Endpoint,
        client: PlandocketClient,
        *,
        concurrency: int = CONCURRENCY,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.kind = endpoint.id.rpartition(".")[2]
        if self.kind not in ("contacts", "participants"):
            raise ValueError(f"not a Plandocket endpoint: {endpoint.id}")
        self.client = client
        self.concurrency = concurrency
        self._clock = clock
        self._lock = threading.Lock()
        self._measured = (0.0, 0)  # seconds spent sending, records sent
        self._events: tuple[str, ...] = ()  # the events the planned batches name

    # Plan

    def batches(
        self, records: Sequence[dict[str, object]], rows: Sequence[int], options: SubmitOptions
    ) -> list[BatchSpec]:
        """Requests of at most `rows_per_request` records; participants grouped by their event."""
        if len(records) != len(rows):
            raise ValueError("records and rows differ in length")
        settings = ImportSettings.from_options(options)
        groups = self._groups(records, rows, settings)
        self._events = tuple(e for e in groups if e is not None)
        specs = []
        for event, members in groups.items():
            for start in range(0, len(members), settings.rows_per_request):
                chunk = members[start : start + settings.rows_per_request]
                body = self._body(settings, event, [record for _, record in chunk])
                chunk_rows = tuple(row for row, _ in chunk)
                specs.append(
                    BatchSpec(
                        rows=chunk_rows,
                        payload=json.dumps(
                            body, ensure_ascii=False, separators=(",", ":")
                        ).encode(),
                        content_type="application/json",
                        label=_label(chunk_rows, event),
                    )
                )
        return specs

    def _groups(
        self, records: Sequence[dict[str, object]], rows: Sequence[int], settings: ImportSettings
    ) -> dict[str | None, list[tuple[int, dict[str, object]]]]:
        """Records by the event they join (None for contacts), each in its file order."""
        groups: dict[str | None, list[tuple[int, dict[str, object]]]] = {}
        if self.kind == "contacts":
            groups[None] = list(zip(rows, records, strict=True))
            return groups
        missing = []
        for row, record in zip(rows, records, strict=True):
            own = str(record.get("event_key") or "").strip()
            event = own or settings.event
            if event is None:
                missing.append(row)
                continue
            # The request names the event (Plandocket requires it there), so the record need not.
            fields = {k: v for k, v in record.items() if k != "event_key"}
            groups.setdefault(event, []).append((row, fields))
        if missing:
            shown = ", ".join(str(r) for r in missing[:5]) + (" …" if len(missing) > 5 else "")
            raise ConfigurationError(
                f"{len(missing)} row{'s' if len(missing) != 1 else ''} name no event ({shown}), "
                "and no event was chosen for the whole import.",
                hint="Choose the Plandocket event for the import, or fill in the Event key column.",
            )
        return groups

    def _body(
        self, settings: ImportSettings, event: str | None, records: list[dict[str, object]]
    ) -> dict[str, object]:
        # Every option is sent explicitly, defaults too: skip_on_error keeps one bad record
        # from refusing its 999 neighbours.
        body: dict[str, object] = {
            "mode": settings.mode,
            "match_field": settings.match_field,
            "skip_on_error": True,
        }
        if self.kind == "participants":
            body["event_key"] = event
            body["create_contacts"] = settings.create_contacts
        body["records"] = records
        return body

    def describe(self, batches: Sequence[BatchSpec], options: SubmitOptions) -> str:
        """ "100 requests of up to 1000 contacts; Plandocket allows 1000 requests an hour, so
        about 6 min." and what the mode does."""
        settings = ImportSettings.from_options(options)
        if not batches:
            return f"There are no {self.kind} to send."
        count = len(batches)
        most = max(len(b.rows) for b in batches)
        noun = self.kind if most != 1 else self.kind[:-1]
        if count == 1:
            head = f"1 request of {most} {noun}"
        elif most == 1:
            head = f"{count} requests of 1 {noun} each"
        else:
            head = f"{count} requests of up to {most} {noun}"
        events = self._events or ((settings.event,) if settings.event else ())
        if self.kind == "participants" and len(events) == 1:
            head += f" of {events[0]}"
        elif self.kind == "participants" and events:
            head += f" of {len(events)} events"
        budget = self.client.budget
        limit = budget.requests if budget is not None else None
        seconds = estimate_seconds(count, self.request_seconds(most), self.concurrency, limit)
        if limit is None:
            timing = f", {self.concurrency} at a time, so {_about(seconds)}."
        elif count > limit:
            timing = (
                f"; Plandocket allows {limit} requests an hour, so this takes {_about(seconds)}: "
                "Rowboat waits for each new hour."
            )
        else:
            timing = f"; Plandocket allows {limit} requests an hour, so {_about(seconds)}."
        return f"{head}{timing} {self._mode_sentence(settings)}"

    def _mode_sentence(self, settings: ImportSettings) -> str:
        key = settings.match_field.replace("_", " ")
        if self.kind == "contacts":
            return {
                "create": f"New contacts are created; contacts already in Plandocket (same {key}) "
                "are left as they are.",
                "upsert": f"New contacts are created and those already in Plandocket (same {key}) "
                "are updated.",
                "update": f"Contacts already in Plandocket (same {key}) are updated; the others "
                "are skipped.",
            }[settings.mode]
        new_people = (
            "people who are not contacts yet become contacts"
            if settings.create_contacts
            else "people who are not contacts yet are skipped"
        )
        return {
            "create": f"People are added to the event ({new_people}); those already taking part "
            "are left as they are.",
            "upsert": f"People are added to the event ({new_people}); those already taking part "
            "are updated.",
            "update": "People already taking part are updated; the others are skipped.",
        }[settings.mode]

    def request_seconds(self, records: int) -> float:
        """How long one request of `records` records takes: measured in this run once it has
        sent something, estimated before."""
        with self._lock:
            seconds, sent = self._measured
        if sent:
            return seconds / sent * records
        return BASE_SECONDS + SECONDS_PER_RECORD * records

    # Run

    def prepare(self, run: Run) -> None:
        ImportSettings.from_options(run.options)  # refuse a bad option before anything is sent

    def send(self, run: Run, batch: Batch) -> Ack:
        """One request. An update is retried freely; a create or an upsert whose answer is lost
        raises OutcomeUnknown, to be resolved by `resolve`."""
        settings = ImportSettings.from_options(run.options)
        started = self._clock()
        answer = self.client.bulk_import(
            self.kind, batch.payload, idempotent=settings.mode == "update"
        )
        with self._lock:
            seconds, sent = self._measured
            self._measured = (seconds + self._clock() - started, sent + len(batch.rows))
        return Ack(outcomes=row_outcomes(batch.rows, answer.data), remote=answer.remote)

    def resolve(self, run: Run, batch: Batch) -> Ack:
        """Send the batch again, in upsert mode unless it was an update: either way what the
        first request stored is matched and nothing is stored twice."""
        settings = ImportSettings.from_options(run.options)
        resent = settings.mode != "update"
        payload = batch.payload
        if resent:
            body = json.loads(payload)
            body["mode"] = "upsert"
            payload = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
        try:
            answer = self.client.bulk_import(self.kind, payload, idempotent=True)
        except Rejected as exc:
            # Refused whole (a wrong option or event): the first request was refused as well.
            return Ack(
                outcomes=tuple(RowOutcome(r, Outcome.REJECTED, exc.message) for r in batch.rows)
            )
        remote = {**answer.remote, "resent": "upsert" if resent else "update"}
        return Ack(outcomes=row_outcomes(batch.rows, answer.data, resent=resent), remote=remote)

    def finish(self, run: Run) -> None:
        return None  # nothing to start: every request was answered in full

    def poll(self, run: Run) -> JobStatus:
        return JobStatus(finished=True, text="Plandocket answered every request in full.")

    def outcomes(self, run: Run) -> list[RowOutcome]:
        return []  # every row's outcome came with its batch's answer

    def close(self) -> None:
        self.client.close()


def estimate_seconds(
    requests: int, per_request: float, concurrency: int, limit: int | None
) -> float:
    """Wall time of `requests` requests, `concurrency` at a time, at most `limit` an hour."""
    if limit is None or requests <= limit:
        return math.ceil(requests / concurrency) * per_request
    full_hours = (requests - 1) // limit
    rest = requests - full_hours * limit
    return full_hours * 3600.0 + math.ceil(rest / concurrency) * per_request


def _about(seconds: float) -> str:
    if seconds < 60:
        return "under a minute"
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"about {minutes} min"
    hours, minutes = divmod(minutes, 60)
    return f"about {hours} h {minutes} min" if minutes else f"about {hours} h"


def _label(rows: tuple[int, ...], event: str | None) -> str:
    span = f"row {rows[0]}" if len(rows) == 1 else f"rows {rows[0]}–{rows[-1]}"
    return f"{span}, {event}" if event else span


def make_carrier(
    endpoint: Endpoint,
    connection: Connection,
    secrets: Secrets,
    report: Reporter,
    policy: RetryPolicy | None = None,
) -> PlandocketCarrier:
    """The carrier of a Plandocket endpoint, paced to the connection's hourly limit."""
    client = PlandocketClient.from_connection(connection, secrets, policy=policy, report=report)
    return PlandocketCarrier(endpoint, client)
