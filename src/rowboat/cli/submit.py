"""`rowboat submit`, `resume`, `jobs` and `job`: the submission core on the command line.

Exit status: 0 every row sent and accepted, 1 some rows invalid, rejected or unknown, 2 it could
not start (with a plain message), 3 interrupted or stopped and resumable (`rowboat resume ID`).
"""

from __future__ import annotations

import contextlib
import signal
import sys
from typing import TYPE_CHECKING, Any

from rowboat.cli.output import TextProgress, emit_json, print_error

if TYPE_CHECKING:
    import argparse
    from collections.abc import Callable, Iterator

    from rowboat.core.connections.model import Connection, Secrets
    from rowboat.core.progress import CancelFlag, Reporter
    from rowboat.core.submit.journal import ImportRecord, Journal
    from rowboat.core.submit.runner import Submission
    from rowboat.core.targets.schema import Endpoint
    from rowboat.core.validation import ValidationResult

__all__ = ["EXIT_INTERRUPTED", "add_arguments", "commands"]

EXIT_OK, EXIT_SOME_ROWS, EXIT_ERROR, EXIT_INTERRUPTED = 0, 1, 2, 3
_ROWS_SHOWN = 50


def add_arguments(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from rowboat.cli import add_source_arguments, add_validation_arguments

    p = sub.add_parser(
        "submit",
        help="check a spreadsheet, then send its valid rows to a target and follow the job",
        description="Validates first, shows the plan and asks before sending (unless --yes). "
        "Exit status: 0 every row sent and accepted, 1 some rows invalid, rejected or unknown, "
        "2 could not start, 3 interrupted and resumable with `rowboat resume ID`.",
    )
    add_source_arguments(p)
    p.add_argument("--endpoint", required=True, metavar="ID", help="endpoint id (see `endpoints`)")
    p.add_argument(
        "--connection",
        default="Sandbox",
        metavar="NAME",
        help="a saved connection (see `connections list`); default: the built-in Sandbox",
    )
    p.add_argument(
        "--mode", choices=["create", "upsert", "update"], help="how existing records are treated"
    )
    p.add_argument("--match-field", metavar="FIELD", help="the field existing records are found by")
    p.add_argument(
        "--event", metavar="KEY", help="the event (Eloqua event id, Plandocket event key)"
    )
    add_validation_arguments(p)
    p.add_argument(
        "--dry-run", action="store_true", help="let the target check the rows and keep none"
    )
    p.add_argument(
        "--rows-per-request",
        type=int,
        metavar="N",
        help="send at most N rows a request (below the target's own limit)",
    )
    p.add_argument("--yes", action="store_true", help="send without asking")
    p.add_argument("--rejects", metavar="OUT", help="export the rows to fix (rejected, unknown)")
    p.add_argument("--json", action="store_true", help="print one JSON object instead of text")

    p = sub.add_parser(
        "resume",
        help="go on with an import that was interrupted or stopped",
        description="Sends what was not sent, asks the target about what may have arrived, "
        "and follows the job to its end. Nothing is sent twice.",
    )
    p.add_argument("import_id", metavar="ID", help="the import's id (see `jobs`)")
    p.add_argument("--rejects", metavar="OUT", help="export the rows to fix (rejected, unknown)")
    p.add_argument("--json", action="store_true", help="print one JSON object instead of text")

    p = sub.add_parser("events", help="list the events an endpoint's rows can go into")
    p.add_argument("--endpoint", required=True, metavar="ID", help="eloqua.event-registrants or "
                   "plandocket.participants")  # fmt: skip
    p.add_argument(
        "--connection",
        default="Sandbox",
        metavar="NAME",
        help="a saved connection (see `connections list`); default: the built-in Sandbox",
    )
    p.add_argument("--json", action="store_true", help="print JSON instead of text")

    p = sub.add_parser("jobs", help="list past imports, newest first")
    p.add_argument("--limit", type=int, default=20, metavar="N", help="how many to list (20)")
    p.add_argument("--json", action="store_true", help="print JSON instead of text")

    p = sub.add_parser("job", help="show one import and the outcome of each row")
    p.add_argument("import_id", metavar="ID", help="the import's id (see `jobs`)")
    p.add_argument("--all", action="store_true", help="list every row, not only those to fix")
    p.add_argument("--rejects", metavar="OUT", help="export the rows to fix (rejected, unknown)")
    p.add_argument("--json", action="store_true", help="print one JSON object instead of text")


def commands() -> dict[str, Callable[[argparse.Namespace], int]]:
    return {"submit": _submit, "resume": _resume, "jobs": _jobs, "job": _job, "events": _events}


# -- connections ---------------------------------------------------------------------------


def resolve(name: str, system: str, stack: contextlib.ExitStack) -> tuple[Connection, Secrets]:
    """The named connection with its secrets (the Sandbox started for the block, if named)."""
    from rowboat.cli.sandbox_runtime import resolve_connection

    return resolve_connection(name, system, stack)


def server_endpoint(
    endpoint: Endpoint,
    connection: Connection,
    secrets: Secrets,
    event: str | None,
    report: Reporter,
) -> Endpoint:
    """The endpoint's fields as the connection's server defines them (Eloqua per event,
    Thalamus per template), cached for offline use; documented endpoints come back as they are."""
    from rowboat.core.connections.remote import server_schema

    return server_schema(endpoint, connection, secrets, event, report)


@contextlib.contextmanager
def _ctrl_c_stops(flag: CancelFlag) -> Iterator[None]:
    """The first Ctrl+C asks the import to stop cleanly (it stays resumable); a second one
    stops Rowboat at once."""
    if sys.platform == "win32" or not _main_thread():
        yield
        return

    def first(signum: int, frame: object) -> None:
        flag.cancel()
        print("rowboat: stopping after the requests under way (Ctrl+C again to quit now)…",
              file=sys.stderr, flush=True)  # fmt: skip
        signal.signal(signal.SIGINT, signal.default_int_handler)

    previous = signal.signal(signal.SIGINT, first)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _main_thread() -> bool:
    import threading

    return threading.current_thread() is threading.main_thread()


# -- commands ------------------------------------------------------------------------------


def _submit(args: argparse.Namespace) -> int:
    from rowboat.cli.commands import endpoint_for, mapping_for, open_source, validation_options
    from rowboat.core.progress import CancelFlag
    from rowboat.core.submit.journal import Journal
    from rowboat.core.validation import validate

    endpoint = endpoint_for(args.endpoint, args.schema)
    flag = CancelFlag()
    report = TextProgress("Reading", cancel=flag)
    table = open_source(args, report)
    with contextlib.ExitStack() as stack:
        connection, secrets = resolve(args.connection, endpoint.system, stack)
        if not args.schema:
            endpoint = server_endpoint(endpoint, connection, secrets, args.event, report)
        mapping, origin = mapping_for(args, table, endpoint)
        report.what = "Checking"
        result = validate(table, endpoint, mapping, validation_options(args), report=report)
        report.done()
        where = f"{endpoint.system_label} · {endpoint.label}"
        _say(args, f"{table.info.path.name}: {len(table):,} rows, {result.valid_count:,} valid, "
                   f"{result.invalid_count:,} with problems (columns {origin}).")  # fmt: skip
        journal = stack.enter_context(Journal())
        return _send(args, journal, result, where, connection, secrets, report, flag)


def _send(
    args: argparse.Namespace,
    journal: Journal,
    result: ValidationResult,
    where: str,
    connection: Connection,
    secrets: Secrets,
    report: TextProgress,
    flag: CancelFlag,
) -> int:
    """Plan, ask, send and follow: the part of `submit` after the rows are checked."""
    from rowboat.core.submit.carriers import open_carrier
    from rowboat.core.submit.model import SubmitOptions
    from rowboat.core.submit.plan import make_plan
    from rowboat.core.submit.runner import submit

    extra = {"rows_per_request": str(args.rows_per_request)} if args.rows_per_request else {}
    options = SubmitOptions(
        mode=args.mode,
        match_field=args.match_field,
        event=args.event,
        dry_run=args.dry_run,
        extra=extra,
    )
    carrier = open_carrier(result.endpoint, connection, secrets, report)
    try:
        plan = make_plan(result, carrier, connection.name, options)
        if not plan.ready:
            print_error(plan.blockers[0], " ".join(plan.blockers[1:]))
            return EXIT_ERROR
        _say(args, f"Plan: {plan.in_words()}")
        question = f"Send {plan.rows_to_send:,} rows to {where} through '{connection.name}'?"
        if not args.yes and not _confirm(question):
            print_error("Nothing was sent.", "Add --yes to send without being asked.")
            return EXIT_ERROR
    except BaseException:
        carrier.close()
        raise

    def started(import_id: str) -> None:
        print(f"Import {import_id} started.", file=sys.stderr, flush=True)

    report.what, report.lines = "Sending", True
    with _ctrl_c_stops(flag):
        done = submit(plan, journal, carrier, report, on_created=started)  # closes the carrier
    report.done()
    return _finish(args, journal, done)


def _resume(args: argparse.Namespace) -> int:
    from rowboat.core.progress import CancelFlag
    from rowboat.core.submit.carriers import open_carrier
    from rowboat.core.submit.journal import Journal
    from rowboat.core.submit.model import ImportState
    from rowboat.core.submit.runner import Submission, resume
    from rowboat.core.targets import get_endpoint

    with contextlib.ExitStack() as stack:
        journal = stack.enter_context(Journal())
        record = journal.get(args.import_id)
        if record.state is ImportState.FINISHED:
            return _finish(args, journal, Submission(record))
        endpoint = get_endpoint(record.endpoint_id)
        connection, secrets = resolve(record.connection, endpoint.system, stack)
        flag = CancelFlag()
        report = TextProgress("Sending", lines=True, cancel=flag)
        carrier = open_carrier(endpoint, connection, secrets, report)
        print(f"Resuming import {record.id} ({record.file_name}).", file=sys.stderr)
        with _ctrl_c_stops(flag):
            done = resume(record.id, journal, carrier, report)
        report.done()
        return _finish(args, journal, done)


def _events(args: argparse.Namespace) -> int:
    from rowboat.core.connections.remote import event_choices, needs_event
    from rowboat.core.errors import ConfigurationError
    from rowboat.core.targets import get_endpoint

    endpoint = get_endpoint(args.endpoint)
    if not needs_event(endpoint):
        raise ConfigurationError(
            f"{endpoint.system_label} · {endpoint.label} is not imported into an event.",
            hint="Events belong to eloqua.event-registrants and plandocket.participants.",
        )
    with contextlib.ExitStack() as stack:
        connection, secrets = resolve(args.connection, endpoint.system, stack)
        choices = event_choices(endpoint, connection, secrets, TextProgress("Reading"))
    if args.json:
        emit_json([{"key": c.key, "label": c.label} for c in choices])
        return EXIT_OK
    if not choices:
        print(f"'{connection.name}' has no events to import into.")
    width = max((len(c.key) for c in choices), default=0)
    for c in choices:
        print(f"{c.key:<{width}}  {c.label}")
    return EXIT_OK


def _jobs(args: argparse.Namespace) -> int:
    from rowboat.core.jobs.history import History
    from rowboat.core.submit.journal import Journal

    with Journal() as journal:
        records = History(journal).recent(args.limit)
        if args.json:
            emit_json([_record_json(r) for r in records])
            return EXIT_OK
        if not records:
            print("No imports yet. Send one with `rowboat submit FILE --endpoint ID`.")
            return EXIT_OK
        for r in records:
            when = r.created_at.astimezone().strftime("%Y-%m-%d %H:%M")
            print(f"{r.id}  {when}  {r.state.value:<11} {r.endpoint_id:<38} {r.file_name}")
            print(f"{'':<22}{r.status}")
    return EXIT_OK


def _job(args: argparse.Namespace) -> int:
    from rowboat.core.submit.journal import Journal
    from rowboat.core.submit.runner import Submission

    with Journal() as journal:
        return _finish(args, journal, Submission(journal.get(args.import_id)), show_all=args.all)


# -- output --------------------------------------------------------------------------------


def _finish(
    args: argparse.Namespace, journal: Journal, done: Submission, *, show_all: bool = False
) -> int:
    from rowboat.core.jobs.outcomes import OUTCOME_WORDS, TO_FIX, export_rows
    from rowboat.core.submit.model import ImportState, Outcome

    record = done.record
    written = ""
    if getattr(args, "rejects", None):
        written = str(export_rows(journal, record.id, args.rejects))
    rows = list(journal.outcomes(record.id))
    if args.json:
        data = _record_json(record)
        data["rows"] = [{"row": o.row, "outcome": o.outcome.value, "message": o.message}
                        for o in rows]  # fmt: skip
        if done.error is not None:
            data["error"] = {"message": done.error.message, "hint": done.error.hint}
        if written:
            data["rejects_file"] = written
        emit_json(data)
    else:
        print(f"Import {record.id}: {record.endpoint_id} through '{record.connection}', "
              f"{record.file_name}")  # fmt: skip
        print(record.status)
        listed = {*TO_FIX, Outcome.INVALID}
        shown = [o for o in rows if show_all or o.outcome in listed]
        for o in shown[: None if show_all else _ROWS_SHOWN]:
            reason = f": {o.message}" if o.message else ""
            print(f"  Row {o.row}  {OUTCOME_WORDS[o.outcome]}{reason}")
        if not show_all and len(shown) > _ROWS_SHOWN:
            print(f"  … and {len(shown) - _ROWS_SHOWN:,} more (use --rejects FILE to export them)")
        if written:
            print(f"Wrote the rows to fix to {written}")
    if done.error is not None:
        print_error(done.error.message, done.error.hint)
    if record.state is not ImportState.FINISHED:
        print_error(
            f"Import {record.id} is {record.state.value}; nothing sent is lost.",
            f"Run `rowboat resume {record.id}` to finish it.",
        )
        return EXIT_INTERRUPTED
    bad = (Outcome.INVALID, Outcome.REJECTED, Outcome.UNKNOWN)
    return EXIT_SOME_ROWS if any(record.count(o) for o in bad) else EXIT_OK


def _record_json(record: ImportRecord) -> dict[str, Any]:
    from rowboat.core.submit.model import Outcome

    counts = {o.value: record.count(o) for o in Outcome}
    return {
        "import_id": record.id,
        "state": record.state.value,
        "endpoint": record.endpoint_id,
        "connection": record.connection,
        "file": record.file_name,
        "file_fingerprint": record.file_fingerprint,
        "created_at": record.created_at.isoformat(),
        "finished_at": record.finished_at.isoformat() if record.finished_at else None,
        "plan": record.plan,
        "status": record.status,
        "dry_run": record.options.dry_run,
        "rows_total": record.total_rows,
        "sent": record.sent_rows,
        **counts,
    }


def _say(args: argparse.Namespace, text: str) -> None:
    """Plan and progress talk goes to stderr when stdout carries JSON."""
    print(text, file=sys.stderr if args.json else sys.stdout, flush=True)


def _confirm(question: str) -> bool:
    if not sys.stdin.isatty():
        return False
    try:
        answer = input(f"{question} [y/N] ")
    except EOFError:
        return False
    return answer.strip().lower() in {"y", "yes"}
