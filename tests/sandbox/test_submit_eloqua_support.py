"""Helpers of the Eloqua submission tests (no tests here): carriers to the sandbox, imports run
through the real runner and journal with the tracker's waits moving the sandbox clock, and the
registrants the sandbox really stored."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import httpx

from rowboat.core.clients._http import RetryPolicy
from rowboat.core.connections.model import sandbox_connection, sandbox_secrets
from rowboat.core.jobs.tracker import TrackPolicy
from rowboat.core.progress import NULL_REPORTER
from rowboat.core.submit.eloqua import EloquaCarrier
from rowboat.core.submit.model import Outcome, SubmitOptions
from rowboat.core.submit.plan import Plan
from rowboat.core.submit.runner import RunSettings, Submission, resume, submit
from rowboat.core.targets.registry import get_endpoint
from rowboat.sandbox.eloqua import PASSWORD, USER

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from rowboat.core.progress import Reporter
    from rowboat.core.submit.journal import Journal
    from rowboat.core.submit.model import RowOutcome
    from rowboat.core.targets.schema import Endpoint
    from rowboat.sandbox.context import ManualClock
    from rowboat.sandbox.server import SandboxServer

BULK = "/api/bulk/2.0"
FAST = RetryPolicy(attempts=8, base_delay=0.001, max_delay=0.01, timeout=5.0)
IMPATIENT = RetryPolicy(attempts=8, base_delay=0.001, max_delay=0.01, timeout=0.5)


def no_sleep(seconds: float, report: Reporter) -> None:
    return None


class Crash(BaseException):
    """What a kill -9 leaves behind: the run stops where it is, the journal as it was."""


@dataclass
class Harness:
    """One sandbox, its clock and a journal: imports go through `rowboat.core.submit.runner`."""

    sandbox: SandboxServer
    clock: ManualClock
    journal: Journal
    opened: list[EloquaCarrier] = field(default_factory=list)

    def carrier(
        self,
        *,
        endpoint: Endpoint | None = None,
        rows_per_post: int | None = None,
        policy: RetryPolicy = FAST,
        sleep: Callable[[float, Reporter], None] = no_sleep,
        kind: type[EloquaCarrier] = EloquaCarrier,
        **extra: Any,
    ) -> EloquaCarrier:
        """A carrier to the sandbox's Eloqua, with short retries that never really sleep."""
        endpoint = endpoint or get_endpoint("eloqua.event-registrants")
        if rows_per_post is not None:
            endpoint = endpoint.model_copy(update={"batch_size": rows_per_post})
        made = kind(
            endpoint,
            sandbox_connection("eloqua", self.sandbox.url),
            sandbox_secrets("eloqua"),
            NULL_REPORTER,
            policy,
            sleep=sleep,
            **extra,
        )
        self.opened.append(made)
        return made

    def settings(self) -> RunSettings:
        """The tracker's waits move the sandbox clock, so a sync ends without anyone sleeping."""
        return RunSettings(
            track=TrackPolicy(first_delay=1.0, factor=1.5, max_delay=15.0),
            sleep=lambda seconds, report: self.clock.advance(seconds),
        )

    def plan(
        self,
        carrier: EloquaCarrier,
        records: list[dict[str, object]],
        rows: Sequence[int],
        options: SubmitOptions,
    ) -> Plan:
        batches = carrier.batches(records, rows, options)
        return Plan(
            endpoint=carrier.endpoint, connection="Sandbox", options=options,
            batches=tuple(batches), records=dict(zip(rows, records, strict=True)), not_sent=(),
            total_rows=len(rows), summary=carrier.describe(batches, options), blockers=(),
            file_name="registrants.xlsx", file_fingerprint="0" * 16, sheet=None,
        )  # fmt: skip

    def submit(
        self,
        carrier: EloquaCarrier,
        records: list[dict[str, object]],
        rows: Sequence[int],
        *,
        event: str = "12",
        **options: Any,
    ) -> Submission:
        plan = self.plan(carrier, records, rows, SubmitOptions(event=event, **options))
        return submit(plan, self.journal, carrier, settings=self.settings())

    def start(
        self, carrier: EloquaCarrier, records: list[dict[str, object]], rows: Sequence[int]
    ) -> str:
        """Submit until the carrier crashes (raises Crash); the import's id."""
        created: list[str] = []
        plan = self.plan(carrier, records, rows, SubmitOptions(event="12"))
        try:
            submit(plan, self.journal, carrier, settings=self.settings(), on_created=created.append)
        except Crash:
            pass
        else:
            raise AssertionError("the carrier was meant to crash")
        return created[0]

    def resume(self, carrier: EloquaCarrier, import_id: str) -> Submission:
        return resume(import_id, self.journal, carrier, settings=self.settings())

    def outcomes(self, import_id: str) -> dict[int, RowOutcome]:
        return by_row(list(self.journal.outcomes(import_id)))

    def memory(self, import_id: str, key: str) -> str | None:
        return self.journal.recall(import_id, key)

    def http(self) -> httpx.Client:
        return httpx.Client(
            base_url=self.sandbox.base_url("eloqua"), auth=(USER, PASSWORD), timeout=30
        )

    def stored(self, event: int = 12) -> list[dict[str, str]]:
        """The registrants the sandbox really stored (its sandbox-only list), every page."""
        found: list[dict[str, str]] = []
        with self.http() as http:
            offset = 0
            while True:
                page = http.get(
                    f"{BULK}/_sandbox/events/{event}/registrants",
                    params={"limit": 1000, "offset": offset},
                ).json()
                found += [item["fields"] for item in page["items"]]
                offset += page["count"]
                if not page["hasMore"]:
                    return found

    def close(self) -> None:
        for each in self.opened:
            each.close()


def by_row(outcomes: Sequence[RowOutcome]) -> dict[int, RowOutcome]:
    rows = [o.row for o in outcomes]
    assert len(rows) == len(set(rows)), "a row has two outcomes"
    return {o.row: o for o in outcomes}


def rows_with(outcomes: dict[int, RowOutcome], outcome: Outcome) -> set[int]:
    return {r for r, o in outcomes.items() if o.outcome is outcome}


def people(n: int, seed: int = 1) -> list[dict[str, object]]:
    """n registrant records of Rowboat's default keys, unique emails."""
    rng = random.Random(seed)
    first = ["Anna", "Ben", "Chloé", "Dara", "Émile", "Farah", "Gustav", "Hana", "Ivo", "Jun"]
    return [
        {
            "emailAddress": f"person{i}@example.com",
            "firstName": rng.choice(first),
            "lastName": f"Nachname{i}",
            "company": rng.choice(["Acme GmbH", "Globex", "Initech", "Umbrella"]),
        }
        for i in range(n)
    ]
