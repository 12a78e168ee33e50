"""The runner journals every batch and stores every valid row exactly once, whatever fails.

The target here is a small in-memory system with a real store, so "stored exactly once" is a fact
about its records, not about the runner's counters. Vendor carriers are tested end to end against
the sandbox in tests/sandbox/test_submit_*.py.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pytest

from rowboat.core.errors import AuthFailed, OutcomeUnknown, Rejected, Unavailable
from rowboat.core.mapping import match_columns
from rowboat.core.progress import CancelFlag
from rowboat.core.sources import open_table
from rowboat.core.submit.journal import Journal
from rowboat.core.submit.model import (
    NOT_SENT,
    Ack,
    BatchSpec,
    BatchState,
    ImportState,
    JobStatus,
    Outcome,
    RowOutcome,
    SubmitOptions,
)
from rowboat.core.submit.plan import make_plan
from rowboat.core.submit.runner import RunSettings, resume, submit
from rowboat.core.targets import get_endpoint
from rowboat.core.validation import validate

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    from rowboat.core.progress import Reporter
    from rowboat.core.submit.model import Batch, Resolution, Run
    from rowboat.core.validation import ValidationResult


@dataclass
class Target:
    """The other side: records by email, and what to do with the next requests."""

    store: dict[str, dict[str, object]] = field(default_factory=dict)
    script: list[str] = field(default_factory=list)  # per send: ok, drop, refuse, down, auth
    requests: int = 0
    polls_left: int = 0
    poll_faults: list[str] = field(default_factory=list)

    def take(self, records: list[dict[str, object]], upsert: bool) -> list[RowOutcome | str]:
        done: list[RowOutcome | str] = []
        for record in records:
            key = str(record["email"]).lower()
            if key in self.store and not upsert:
                done.append("skipped")
                continue
            done.append("updated" if key in self.store else "created")
            self.store[key] = record
        return done


class TargetCarrier:
    system_label = "Testdocket"
    dry_run_supported = False

    def __init__(self, target: Target, concurrency: int = 2, per_batch: int = 2) -> None:
        self.target = target
        self.concurrency = concurrency
        self.per_batch = per_batch
        self.finished = 0
        self.closed = 0
        self.prepared = 0

    def batches(
        self, records: Sequence[dict[str, object]], rows: Sequence[int], options: SubmitOptions
    ) -> list[BatchSpec]:
        out = []
        for i in range(0, len(records), self.per_batch):
            body = json.dumps(list(records[i : i + self.per_batch])).encode()
            out.append(BatchSpec(tuple(rows[i : i + self.per_batch]), body, "application/json"))
        return out

    def describe(self, batches: Sequence[BatchSpec], options: SubmitOptions) -> str:
        return f"{len(batches)} requests."

    def prepare(self, run: Run) -> None:
        self.prepared += 1

    def _ack(self, batch: Batch, upsert: bool) -> Ack:
        results = self.target.take(json.loads(batch.payload), upsert)
        return Ack(
            tuple(
                RowOutcome(row, Outcome(str(r)), "the first answer was lost" if upsert else "")
                for row, r in zip(batch.rows, results, strict=True)
            ),
            {"request": str(self.target.requests)},
        )

    def send(self, run: Run, batch: Batch) -> Ack:
        self.target.requests += 1
        step = self.target.script.pop(0) if self.target.script else "ok"
        if step == "refuse":
            raise Rejected("Testdocket refused the contacts (422): mode is invalid.")
        if step == "down":
            raise Unavailable("Testdocket could not be reached.")
        if step == "auth":
            raise AuthFailed("Testdocket refused the credentials (401).")
        ack = self._ack(batch, upsert=False)
        if step == "drop":
            raise OutcomeUnknown("Testdocket closed the connection before answering.")
        return ack

    def resolve(self, run: Run, batch: Batch) -> Resolution:
        how = run.options.extra.get("resolve", "resend")
        if how == "unknown":
            return None
        if how == "not-sent":
            return NOT_SENT
        return self._ack(batch, upsert=True)

    def finish(self, run: Run) -> None:
        self.finished += 1

    def poll(self, run: Run) -> JobStatus:
        if self.target.poll_faults:
            self.target.poll_faults.pop(0)
            raise Unavailable("Testdocket is not available right now (503).")
        if self.target.polls_left:
            self.target.polls_left -= 1
            return JobStatus(False, "Processing", 1, 2)
        return JobStatus(True, "Done", 2, 2)

    def outcomes(self, run: Run) -> list[RowOutcome]:
        return []

    def close(self) -> None:
        self.closed += 1


def _no_sleep(seconds: float, report: Reporter) -> None:
    report.raise_if_cancelled()


SETTINGS = RunSettings(sleep=_no_sleep)


@pytest.fixture
def result(tmp_path: Path) -> ValidationResult:
    lines = ["Email,First name", *(f"p{i}@example.com,P{i}" for i in range(9)), "broken@,X"]
    path = tmp_path / "people.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    table = open_table(path)
    endpoint = get_endpoint("plandocket.contacts")
    return validate(table, endpoint, match_columns(table.columns, endpoint))


@pytest.fixture
def journal(tmp_path: Path) -> Journal:
    return Journal(tmp_path / "rowboat.db")


def test_every_valid_row_is_stored_once_and_every_row_has_its_outcome(
    result: ValidationResult, journal: Journal
) -> None:
    target = Target()
    carrier = TargetCarrier(target)
    plan = make_plan(result, carrier, "Test", SubmitOptions())
    assert plan.in_words() == "5 requests. 1 row with problems stays behind in the report."
    done = submit(plan, journal, carrier, settings=SETTINGS)
    assert done.error is None
    assert done.state is ImportState.FINISHED
    assert sorted(target.store) == [f"p{i}@example.com" for i in range(9)]
    outcomes = list(journal.outcomes(done.import_id))
    assert [o.row for o in outcomes] == list(range(2, 12))
    assert outcomes[-1].outcome is Outcome.INVALID
    assert "missing the part after the @" in outcomes[-1].message
    assert done.record.count(Outcome.CREATED) == 9
    assert done.record.status == "Finished: 9 created, 1 invalid."
    assert carrier.finished == 1
    assert carrier.closed == 1


def test_a_lost_answer_is_resolved_by_the_target_and_nothing_is_stored_twice(
    result: ValidationResult, journal: Journal
) -> None:
    target = Target(script=["ok", "drop", "ok", "drop"])
    done = submit(
        make_plan(result, TargetCarrier(target), "Test", SubmitOptions()),
        journal,
        TargetCarrier(target),
        settings=SETTINGS,
    )
    assert done.state is ImportState.FINISHED
    assert len(target.store) == 9
    by_row = {o.row: o for o in journal.outcomes(done.import_id)}
    assert by_row[4].outcome is Outcome.UPDATED  # sent twice, stored once
    assert by_row[4].message == "the first answer was lost"
    assert all(b.state is BatchState.ACKNOWLEDGED for b in journal.batches(done.import_id))


def test_a_batch_the_target_cannot_account_for_is_never_sent_again(
    result: ValidationResult, journal: Journal
) -> None:
    target = Target(script=["drop"])
    carrier = TargetCarrier(target, concurrency=1)
    plan = make_plan(result, carrier, "Test", SubmitOptions(extra={"resolve": "unknown"}))
    done = submit(plan, journal, carrier, settings=SETTINGS)
    assert target.requests == 5
    first = journal.batches(done.import_id)[0]
    assert first.state is BatchState.UNKNOWN
    row2 = next(iter(journal.outcomes(done.import_id)))
    assert row2.outcome is Outcome.UNKNOWN
    assert "Check it in Testdocket" in row2.message
    assert done.record.count(Outcome.UNKNOWN) == 2


def test_a_batch_the_target_never_received_is_sent_again(
    result: ValidationResult, journal: Journal
) -> None:
    target = Target(script=["down", "ok"])
    carrier = TargetCarrier(target, concurrency=1)
    plan = make_plan(result, carrier, "Test", SubmitOptions(extra={"resolve": "not-sent"}))
    first = submit(plan, journal, carrier, settings=SETTINGS)
    assert first.state is ImportState.INTERRUPTED
    assert first.error is not None
    assert "could not be reached" in first.error.message
    assert first.record.status == "Testdocket could not be reached."
    again = resume(first.import_id, journal, TargetCarrier(target), settings=SETTINGS)
    assert again.state is ImportState.FINISHED
    assert len(target.store) == 9
    assert again.record.count(Outcome.CREATED) == 9


def test_a_refused_batch_rejects_its_rows_and_the_rest_go_on(
    result: ValidationResult, journal: Journal
) -> None:
    target = Target(script=["refuse"])
    carrier = TargetCarrier(target, concurrency=1)
    done = submit(make_plan(result, carrier, "Test", SubmitOptions()), journal, carrier,
                  settings=SETTINGS)  # fmt: skip
    assert done.state is ImportState.FINISHED
    assert len(target.store) == 7
    rejected = [o for o in journal.outcomes(done.import_id) if o.outcome is Outcome.REJECTED]
    assert [o.row for o in rejected] == [2, 3]
    assert rejected[0].message.endswith("mode is invalid.")


def test_refused_credentials_stop_the_import_and_resume_finishes_it(
    result: ValidationResult, journal: Journal
) -> None:
    target = Target(script=["ok", "auth"])
    carrier = TargetCarrier(target, concurrency=1)
    first = submit(make_plan(result, carrier, "Test", SubmitOptions()), journal, carrier,
                   settings=SETTINGS)  # fmt: skip
    assert first.state is ImportState.INTERRUPTED
    assert isinstance(first.error, AuthFailed)
    assert first.record.count(Outcome.CREATED) == 2
    again = resume(first.import_id, journal, TargetCarrier(target), settings=SETTINGS)
    assert again.state is ImportState.FINISHED
    assert len(target.store) == 9
    # the refused batch's fate was asked of the target, then it was re-sent in upsert mode
    assert again.record.count(Outcome.CREATED) + again.record.count(Outcome.UPDATED) == 9


def test_cancel_keeps_what_was_acknowledged_and_resume_sends_the_rest(
    result: ValidationResult, journal: Journal
) -> None:
    target = Target()
    flag = CancelFlag()

    class CancelAfterTwo(TargetCarrier):
        def send(self, run: Run, batch: Batch) -> Ack:
            ack = super().send(run, batch)
            if self.target.requests == 2:
                flag.cancel()
            return ack

    carrier = CancelAfterTwo(target, concurrency=1)
    first = submit(make_plan(result, carrier, "Test", SubmitOptions()), journal, carrier, flag,
                   settings=SETTINGS)  # fmt: skip
    assert first.state is ImportState.CANCELLED
    assert first.record.status == "Stopped by you after 2 of 5 requests. Resume to send the rest."
    assert first.record.count(Outcome.CREATED) == 4
    assert first.record.count(Outcome.PLANNED) == 5
    again = resume(first.import_id, journal, TargetCarrier(target), settings=SETTINGS)
    assert again.state is ImportState.FINISHED
    assert again.record.count(Outcome.CREATED) == 9
    assert target.requests == 5


def test_a_batch_marked_sending_when_rowboat_died_is_resolved_before_anything_else(
    result: ValidationResult, journal: Journal
) -> None:
    target = Target()
    carrier = TargetCarrier(target, concurrency=1)
    plan = make_plan(result, carrier, "Test", SubmitOptions())

    class Crash(BaseException):
        """Stands for kill -9: nothing after it runs, not even the runner's handlers."""

    class DiesAfterSending(TargetCarrier):
        def send(self, run: Run, batch: Batch) -> Ack:
            super().send(run, batch)
            raise Crash

    with pytest.raises(Crash):
        submit(plan, journal, DiesAfterSending(target, concurrency=1), settings=SETTINGS)
    (record,) = journal.imports()
    assert [b.state for b in journal.batches(record.id)][:2] == [
        BatchState.SENDING,
        BatchState.PLANNED,
    ]
    again = resume(record.id, journal, carrier, settings=SETTINGS)
    assert again.state is ImportState.FINISHED
    assert len(target.store) == 9
    outcomes = {o.row: o.outcome for o in journal.outcomes(record.id)}
    assert outcomes[2] is Outcome.UPDATED  # it had arrived; resolution found it so
    assert target.requests == 5  # batch 1 once by send, once as the resolving upsert


def test_tracking_survives_an_interruption_and_remote_work_is_started_once(
    result: ValidationResult, journal: Journal
) -> None:
    target = Target(polls_left=2, poll_faults=["503"])
    carrier = TargetCarrier(target)
    first = submit(make_plan(result, carrier, "Test", SubmitOptions()), journal, carrier,
                   settings=SETTINGS)  # fmt: skip
    assert first.state is ImportState.INTERRUPTED
    again_carrier = TargetCarrier(target)
    again = resume(first.import_id, journal, again_carrier, settings=SETTINGS)
    assert again.state is ImportState.FINISHED
    assert carrier.finished == 1
    assert again_carrier.finished == 0
    assert target.requests == 5


def test_an_import_run_by_another_live_process_is_not_run_twice(
    result: ValidationResult, journal: Journal, tmp_path: Path
) -> None:
    carrier = TargetCarrier(Target())
    plan = make_plan(result, carrier, "Test", SubmitOptions())
    first = submit(plan, journal, carrier, settings=RunSettings(sleep=_no_sleep))
    # Another process takes the import (a child that stays alive while we try).
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        journal._db.execute(
            "UPDATE imports SET owner_pid=?, state='sending' WHERE id=?",
            (other.pid, first.import_id),
        )
        from rowboat.core.errors import ConfigurationError

        with pytest.raises(ConfigurationError, match="being sent by another Rowboat"):
            resume(first.import_id, journal, TargetCarrier(Target()), settings=SETTINGS)
    finally:
        other.kill()
        other.wait()
    assert os.getpid() != other.pid


def test_blockers_stop_a_plan_before_anything_is_journaled(
    result: ValidationResult, journal: Journal
) -> None:
    carrier = TargetCarrier(Target())
    plan = make_plan(result, carrier, "Test", SubmitOptions(dry_run=True))
    assert not plan.ready
    assert plan.blockers[0].startswith("Testdocket offers no dry run, so nothing was sent.")
    assert "9 rows ready and 1 with problems" in plan.blockers[0]
    from rowboat.core.errors import ConfigurationError

    with pytest.raises(ConfigurationError, match="offers no dry run"):
        submit(plan, journal, carrier, settings=SETTINGS)
    assert journal.imports() == []
