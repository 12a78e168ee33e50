"""The Eloqua carrier: an event import definition, data posts staged into it, one sync, and
the sync's logs and rejects mapped back to the rows.

Exactly once. Staged data is not stored until the sync, and the sync matches every record on the
definition's identifier field (the email address): a registrant is created once and then only
updated, and a second record of one identifier in a sync is refused as a duplicate (ELQ-00026,
docs/sandbox.md). So a data post whose answer was lost is resolved by posting it again, and the
row is stored once either way (eloqua_staging journals every post around its request). A lost
answer to `POST /syncs` never starts a second sync blindly: the syncs are looked up for one of
this definition first (a 409 also says one runs). Posts go one at a time (concurrency 1), so the
posting order is known, and eloqua_outcomes places each reject on its row.
"""

from __future__ import annotations

import json
import random
import time
from typing import TYPE_CHECKING, Any

from rowboat.core.clients.eloqua import SYSTEM, EloquaClient
from rowboat.core.clients.eloqua_schema import fields_by_key, identifier_key
from rowboat.core.errors import (
    ConfigurationError,
    MappingError,
    OutcomeUnknown,
    Rejected,
    TargetError,
)
from rowboat.core.progress import wait
from rowboat.core.submit.eloqua_outcomes import Post, Reject, SyncCounts, row_outcomes
from rowboat.core.submit.eloqua_posts import megabytes, pack
from rowboat.core.submit.eloqua_staging import RETENTION, Staging
from rowboat.core.submit.model import Ack, BatchState, JobStatus
from rowboat.core.targets.schema import FieldType

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence

    import httpx

    from rowboat.core.clients._http import RetryPolicy
    from rowboat.core.clients.eloqua import EventField
    from rowboat.core.connections.model import Connection, Secrets
    from rowboat.core.progress import Reporter
    from rowboat.core.submit.model import (
        Batch,
        BatchSpec,
        Resolution,
        RowOutcome,
        Run,
        SubmitOptions,
    )
    from rowboat.core.targets.schema import Endpoint, Field

__all__ = ["EloquaCarrier", "make_carrier"]

DEFAULT_ROWS_PER_POST = 2000
AUTO_DELETE = "P14D"  # a definition left behind (a create whose answer was lost) goes by itself
UPDATE_RULES = ("always", "ifNewIsNotNull", "ifExistingIsNull", "useFieldRule")
MAX_FIELDS = 100  # Eloqua's limit of an import definition
FINISHED = {"success": "success", "warning": "warning", "error": "error", "errored": "error"}


def _event_id(options: SubmitOptions) -> str:
    event = (options.event or "").strip()
    if not event.isdigit():
        raise ConfigurationError(
            "Choose the Eloqua event to register these people for."
            if not event
            else f"'{event}' is not an Eloqua event id (a number, such as 12).",
            hint="Give the event's id with --event; Rowboat lists the events of the connection.",
        )
    return event


class EloquaCarrier:
    """Registrants of one Eloqua event, carried by a definition, data posts and one sync."""

    system_label = SYSTEM
    concurrency = 1  # the sync's recordIndex follows the posting order, so posts go in turn
    dry_run_supported = False

    def __init__(
        self,
        endpoint: Endpoint,
        connection: Connection,
        secrets: Secrets,
        report: Reporter,
        policy: RetryPolicy | None = None,
        *,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float, Reporter], None] = wait,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.endpoint = endpoint
        self.report = report
        self._client = EloquaClient(
            connection, secrets, report=report, policy=policy, transport=transport, sleep=sleep
        )
        self._policy = self._client.http.policy
        self._sleep = sleep
        self._rng = random.Random()
        self.staging = Staging(self._client, report, self._policy, sleep, clock)
        self._keyed: dict[str, tuple[EventField, Field | None]] | None = None

    # -- the plan --------------------------------------------------------------------------

    def _identifier_field(self) -> str:
        unique = [f for f in self.endpoint.fields if f.unique]
        emails = [f.key for f in unique if f.type is FieldType.EMAIL]
        return (emails or [f.key for f in unique] or ["emailAddress"])[0]

    def _check_options(self, options: SubmitOptions) -> None:
        _event_id(options)
        if options.dry_run:
            raise ConfigurationError(
                "Eloqua has no dry run: every row sent is imported.",
                hint="Check the file with Validate first; it finds what Eloqua would refuse.",
            )
        if (options.mode or "upsert") != "upsert":
            raise ConfigurationError(
                "Eloqua adds new registrants and updates the ones it has, matched by email "
                f"address; it cannot only {options.mode}.",
                hint="Import with the mode 'upsert' (the default for Eloqua).",
            )
        identifier = self._identifier_field()
        keys = self.endpoint.field_keys
        label = self.endpoint.field(identifier).label if identifier in keys else ""
        if options.match_field and options.match_field not in (identifier, label):
            raise ConfigurationError(
                f"Eloqua matches registrants by {label or identifier}, not by "
                f"'{options.match_field}'.",
                hint="Leave the match field out, or give the email address field.",
            )
        rule = options.extra.get("update_rule", "always")
        if rule not in UPDATE_RULES:
            raise ConfigurationError(
                f"'{rule}' is not one of Eloqua's update rules ({', '.join(UPDATE_RULES)}).",
            )

    def batches(
        self, records: Sequence[dict[str, object]], rows: Sequence[int], options: SubmitOptions
    ) -> list[BatchSpec]:
        self._check_options(options)
        # Checked now, before anything is sent: every field the rows fill is one of the event's.
        self._statements(_event_id(options), {key: None for r in records for key in r})
        most = self.endpoint.batch_size or DEFAULT_ROWS_PER_POST
        asked = options.extra.get("rows_per_request", "")
        if asked:
            if not asked.isdigit() or int(asked) < 1:
                raise ConfigurationError(
                    f"'{asked}' is not a number of rows per request.",
                    hint="Give a whole number, such as 500.",
                )
            most = min(most, int(asked))
        return pack(records, rows, rows_per_post=most)

    def describe(self, batches: Sequence[BatchSpec], options: SubmitOptions) -> str:
        rows = sum(len(b.rows) for b in batches)
        if not batches:
            return "Nothing to send to Eloqua: no row is valid."
        largest = max(len(b.payload) for b in batches)
        posts = "1 request" if len(batches) == 1 else f"{len(batches)} requests"
        return (
            f"{rows:,} registrant{'s' if rows != 1 else ''} for Eloqua event {options.event}, in "
            f"{posts} of up to {max(len(b.rows) for b in batches):,} rows "
            f"({megabytes(largest)} at most), then one sync: Eloqua processes the rows after the "
            "last request, usually within a few minutes, and reports each rejected row."
        )

    # -- the run ---------------------------------------------------------------------------

    def prepare(self, run: Run) -> None:
        self._client.login()
        if run.recall("sync"):
            return  # everything was staged and synced already
        staging = self.staging
        staging.load(run)
        uri = run.recall("definition")
        if uri and self._client.definition(uri) is None:
            self.report.notice("Eloqua no longer has this import's definition; making a new one.")
            uri = None
        if uri is None:
            staging.definition = self._create_definition(run)
            if any(b.state is BatchState.ACKNOWLEDGED for b in run.batches()):
                staging.restage(run, "The rows staged earlier went with the old definition.")
                return
        else:
            staging.definition = uri
        if run.recall("restage") == "pending":
            staging.restage(run, "Rowboat was stopped while staging the rows again.")

    def send(self, run: Run, batch: Batch) -> Ack:
        self.staging.post(run, batch)
        return Ack(remote={"definition": self.staging.definition})

    def resolve(self, run: Run, batch: Batch) -> Resolution:
        """Post it again: the sync keeps one record per email address (see the module text)."""
        self.staging.post_until_answered(run, batch)
        return Ack(remote={"definition": self.staging.definition})

    def finish(self, run: Run) -> None:
        if run.recall("sync"):
            return
        if not any(b.state is BatchState.ACKNOWLEDGED for b in run.batches()):
            run.remember("sync", "none")  # nothing staged: a sync would only end in error
            return
        if self.staging.stale(run):
            self.staging.restage(run, "The staged rows were about to expire in Eloqua.")
        generation = str(self.staging.generation)
        if run.recall("sync.requested") == generation and self._adopt_sync(run):
            return
        run.remember("sync.requested", generation)
        for attempt in range(1, self._policy.attempts + 1):
            try:
                sync = self._client.create_sync(self.staging.definition)
            except OutcomeUnknown:
                if self._adopt_sync(run):
                    return
            except Rejected as exc:
                if exc.status != 409:
                    raise
                if self._adopt_sync(run):  # 409: a sync of the definition runs, so it is ours
                    return
                self._sleep(self._policy.backoff(attempt, self._rng), self.report)
            else:
                self._remember_sync(run, str(sync["uri"]))
                return
        raise TargetError(
            "Eloqua did not confirm the start of the sync, and none is listed.",
            hint="Resume the import in a few minutes; Rowboat looks for the sync again first.",
        )

    def poll(self, run: Run) -> JobStatus:
        uri = run.recall("sync")
        if not uri or uri == "none":
            return JobStatus(finished=True, text="Nothing was staged in Eloqua, so no sync ran.")
        sync = self._client.sync(uri)
        status = str(sync.get("status") or "").casefold()
        if status in FINISHED:
            text = {
                "success": "Eloqua has imported the registrants.",
                "warning": "Eloqua has imported the registrants and rejected some rows.",
                "error": "Eloqua's sync ended with an error; Rowboat reads which rows it refused.",
            }[FINISHED[status]]
            return JobStatus(finished=True, text=text)
        if status == "pending":
            return JobStatus(finished=False, text="Eloqua has queued the registrants' sync.")
        return JobStatus(finished=False, text="Eloqua is importing the registrants.")

    def outcomes(self, run: Run) -> list[RowOutcome]:
        uri = run.recall("sync")
        if not uri or uri == "none":
            return []
        counts = SyncCounts.from_logs(self._client.logs(uri))
        rejects = [Reject.from_json(item) for item in self._client.rejects(uri)]
        generation = int(run.recall("sync.generation") or self.staging.generation)
        by_seq = {b.seq: b for b in run.batches()}
        parsed: dict[int, list[dict[str, object]]] = {}
        posts: list[Post] = []
        for seq, state in Staging.log(run, generation):
            if state == "none" or seq not in by_seq:
                continue
            if seq not in parsed:
                parsed[seq] = json.loads(by_seq[seq].payload)
            posts.append(Post(seq, state == "staged", parsed[seq], by_seq[seq].rows))
        identifier = run.recall("identifier") or self._identifier_field()
        return row_outcomes(posts, rejects, counts, identifier)

    def close(self) -> None:
        self._client.close()

    # -- definition ------------------------------------------------------------------------

    def _create_definition(self, run: Run) -> str:
        event = _event_id(run.options)
        name = f"Rowboat {run.import_id}"[:100]
        if run.recall("definition.name") == name and (found := self._find_definition(event, name)):
            run.remember("definition", found)
            return found
        body = self._definition_body(run, event, name)
        run.remember("definition.name", name)
        for _ in range(self._policy.attempts):
            try:
                created = self._client.create_definition(event, body)
            except OutcomeUnknown:
                found = self._find_definition(event, name)
                if found is None:
                    continue  # it was not made: make it now
                created = {"uri": found}
            uri = str(created["uri"])
            run.remember("definition", uri)
            return uri
        raise TargetError(
            "Eloqua did not confirm the import definition, and none is listed under its name.",
            hint="Resume the import in a few minutes.",
        )

    def _find_definition(self, event: str, name: str) -> str | None:
        for item in self._client.definitions(event):
            if item.get("name") == name and item.get("uri"):
                return str(item["uri"])
        return None

    def _statements(self, event: str, keys: Iterable[str]) -> tuple[dict[str, str], str]:
        """The statement of each key's event field, with the identifier's key; plain errors
        when the event lacks a field the rows fill."""
        if self._keyed is None:
            self._keyed = fields_by_key(self._client.event_fields(event))
        keyed = self._keyed
        identifier = identifier_key(keyed)
        if identifier is None:
            raise ConfigurationError(
                f"Eloqua event {event} has no field that identifies a registrant (such as the "
                "email address), so Eloqua cannot take registrants for it.",
                hint="Check the event's fields in Eloqua.",
            )
        used = dict.fromkeys([identifier, *keys])
        missing = [k for k in used if k not in keyed]
        if missing:
            labels = ", ".join(
                self.endpoint.field(k).label if k in self.endpoint.field_keys else k
                for k in missing
            )
            raise MappingError(
                f"Eloqua event {event} has no field for {labels}.",
                hint="Map those columns to nothing, or add the fields to the event in Eloqua.",
            )
        if len(used) > MAX_FIELDS:
            raise ConfigurationError(
                f"An Eloqua import takes at most {MAX_FIELDS} fields; these rows fill {len(used)}.",
                hint="Map fewer columns.",
            )
        statements = {
            key: keyed[key][0].statement or _statement(event, keyed[key][0].internal_name)
            for key in used
        }
        return statements, identifier

    def _definition_body(self, run: Run, event: str, name: str) -> dict[str, Any]:
        keys: dict[str, None] = {}
        for batch in run.batches():
            for record in json.loads(batch.payload):
                keys.update(dict.fromkeys(record))
        statements, identifier = self._statements(event, keys)
        run.remember("identifier", identifier)
        return {
            "name": name,
            "fields": statements,
            "identifierFieldName": identifier,
            "isSyncTriggeredOnImport": False,  # sent explicitly: Oracle's pages disagree
            "updateRule": run.options.extra.get("update_rule", "always"),
            "dataRetentionDuration": RETENTION,
            "autoDeleteDuration": AUTO_DELETE,
        }

    # -- sync ------------------------------------------------------------------------------

    def _adopt_sync(self, run: Run) -> bool:
        """Find this definition's sync (its definition is Rowboat's own, so any is ours)."""
        wanted = self.staging.definition.casefold()
        for item in self._client.syncs():
            if str(item.get("syncedInstanceUri", "")).strip().casefold() == wanted:
                self._remember_sync(run, str(item["uri"]))
                return True
        return False

    def _remember_sync(self, run: Run, uri: str) -> None:
        run.remember("sync.generation", str(self.staging.generation))
        run.remember("sync", uri)


def _statement(event: str, internal_name: str) -> str:
    return f"{{{{Event[{event}].Field({internal_name})}}}}"


def make_carrier(
    endpoint: Endpoint,
    connection: Connection,
    secrets: Secrets,
    report: Reporter,
    policy: RetryPolicy | None = None,
) -> EloquaCarrier:
    return EloquaCarrier(endpoint, connection, secrets, report, policy)
