"""`python -m bench.submit_plandocket [--rows 100000] [--latency 50] [--per-request 1000,100]
[--repeat 1]`: Plandocket contacts submitted through a sandbox that adds latency to every answer,
against the ideal.

The ideal is requests × latency ÷ concurrency: the time the requests would take if the network's
wait were all there is. "raw" is the same requests (the same bytes) posted by a bare httpx loop
with the same concurrency and no journal, measured in this same run: what the sandbox itself
costs. "rowboat" is submit() through the runner: journal, requests, outcomes. Each measurement
runs in a fresh client process (its peak memory is its own) against a fresh sandbox.

At 1000 contacts a request (what Rowboat plans) the sandbox's own work, one request at a time in
its event loop, takes longer than the latency it adds, so "raw" shows what any client can reach;
at 100 a request the latency dominates and the ratio shows the client's own overhead.

The sandbox runs in a separate process (multiprocessing, spawn), not in a thread of the client:
in one process it would share the client's interpreter lock, so its own work on each request
(checking and storing 1000 contacts) would be charged to the client and the client's JSON and
journal work would hold up the server. Its hourly limit is raised (the context's rate_limits) so
that the bench measures speed, not Plandocket's 1000 requests an hour.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import resource
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

    from rowboat.core.submit.model import BatchSpec

TARGET = 1.25  # wall time may be at most this times the ideal
ENDPOINT = "plandocket.contacts"


def _serve(pipe: Connection, latency_ms: float) -> None:
    """The sandbox process: serve until the bench says stop."""
    from rowboat.sandbox.context import RateLimit, SandboxContext
    from rowboat.sandbox.server import SandboxServer

    ctx = SandboxContext(seed=1, rate_limits={"plandocket": RateLimit(1_000_000, 3600.0)})
    server = SandboxServer(ctx=ctx)
    server.faults.configure("plandocket", latency_ms=latency_ms)
    server.start()
    pipe.send(server.url)
    pipe.recv()
    server.stop()


class Sandbox:
    """A sandbox in its own process, for one measurement."""

    def __init__(self, latency_ms: float) -> None:
        self._pipe, child = multiprocessing.get_context("spawn").Pipe()
        self._process = multiprocessing.get_context("spawn").Process(
            target=_serve, args=(child, latency_ms), daemon=True
        )
        self._process.start()
        self.url: str = self._pipe.recv()

    def stored(self) -> int:
        import httpx

        answer = httpx.get(
            self.url + "/plandocket/api/v1/contacts",
            params={"per_page": 1},
            headers={"Authorization": "Bearer sandbox-pd-key"},
        )
        total: int = answer.json()["meta"]["total"]
        return total

    def stop(self) -> None:
        self._pipe.send("stop")
        self._process.join(timeout=30)


def _contacts_csv(path: Path, rows: int) -> None:
    lines = ["Email,First name,Last name,Company,Phone,City,Country"]
    lines += [
        f"p{i:06d}@example.com,Anna{i},Müller,Acme GmbH,+49 30 {1000000 + i},Berlin,DE"
        for i in range(rows)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _plan(url: str, path: Path, per_request: int) -> tuple[Any, Any]:
    """The file validated and planned for the sandbox: (plan, carrier)."""
    from rowboat.core.connections.model import sandbox_connection, sandbox_secrets
    from rowboat.core.mapping import match_columns
    from rowboat.core.progress import NULL_REPORTER
    from rowboat.core.sources import open_table
    from rowboat.core.submit.model import SubmitOptions
    from rowboat.core.submit.plan import make_plan
    from rowboat.core.submit.plandocket import make_carrier
    from rowboat.core.targets import get_endpoint
    from rowboat.core.validation import ValidationOptions, validate

    endpoint = get_endpoint(ENDPOINT)
    table = open_table(path)
    result = validate(
        table, endpoint, match_columns(table.columns, endpoint), ValidationOptions("DE")
    )
    connection = sandbox_connection("plandocket", url)
    carrier = make_carrier(endpoint, connection, sandbox_secrets("plandocket"), NULL_REPORTER)
    options = SubmitOptions(extra={"rows_per_request": str(per_request)})
    return make_plan(result, carrier, connection.name, options), carrier


def _measure_raw(url: str, path: Path, per_request: int) -> dict[str, Any]:
    import httpx

    plan, carrier = _plan(url, path, per_request)
    specs: tuple[BatchSpec, ...] = plan.batches
    carrier.close()
    with httpx.Client(
        base_url=url + "/plandocket/api/v1",
        headers={"Authorization": "Bearer sandbox-pd-key", "Content-Type": "application/json"},
        timeout=60,
        limits=httpx.Limits(max_connections=carrier.concurrency),
    ) as http:

        def post(spec: BatchSpec) -> None:
            http.post("/bulk-import/contacts", content=spec.payload).raise_for_status()

        started = time.perf_counter()
        with ThreadPoolExecutor(carrier.concurrency) as pool:
            list(pool.map(post, specs))
        seconds = time.perf_counter() - started
    return {"seconds": seconds, "requests": len(specs), "concurrency": carrier.concurrency}


def _measure_rowboat(url: str, path: Path, per_request: int) -> dict[str, Any]:
    from rowboat.core.submit.journal import Journal
    from rowboat.core.submit.model import ImportState, Outcome
    from rowboat.core.submit.runner import submit

    started = time.perf_counter()
    plan, carrier = _plan(url, path, per_request)
    planned, cpu = time.perf_counter(), _cpu_seconds()
    with tempfile.TemporaryDirectory() as folder, Journal(Path(folder) / "rowboat.db") as journal:
        done = submit(plan, journal, carrier)
        seconds = time.perf_counter() - planned
        cpu = _cpu_seconds() - cpu
        assert done.state is ImportState.FINISHED, done.error
        created = done.record.count(Outcome.CREATED)
    return {
        "seconds": seconds,
        "cpu_seconds": cpu,
        "plan_seconds": planned - started,
        "requests": len(plan.batches),
        "concurrency": carrier.concurrency,
        "created": created,
        "request_seconds": carrier.request_seconds(max(len(b.rows) for b in plan.batches)),
    }


def _cpu_seconds() -> float:
    """CPU time this process has used, every thread counted (unlike wall time, the machine's
    other load does not change it)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


MEASURES = {"raw": _measure_raw, "rowboat": _measure_rowboat}


def _measure_in_a_fresh_process(
    which: str, path: Path, latency_ms: float, per_request: int
) -> dict[str, Any]:
    sandbox = Sandbox(latency_ms)
    try:
        out = subprocess.run(
            [sys.executable, "-m", "bench.submit_plandocket", "--measure", which,
             "--url", sandbox.url, "--file", str(path), "--per-request", str(per_request)],
            check=True, capture_output=True, text=True,
        ).stdout  # fmt: skip
        result: dict[str, Any] = json.loads(out)
        result["stored"] = sandbox.stored()
    finally:
        sandbox.stop()
    return result


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.submit_plandocket")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--latency", type=float, default=50.0, help="ms added to every answer")
    parser.add_argument(
        "--per-request", default="1000,100", help="comma-separated contacts per request"
    )
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--measure", choices=list(MEASURES), help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:  # one measurement, in this fresh process
        result = MEASURES[args.measure](args.url, Path(args.file), int(args.per_request))
        result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(result))
        return 0
    print(
        f"{'rows':>8}{'requests':>10}{'latency':>9}{'at once':>9}{'ideal':>8}{'raw':>8}"
        f"{'rowboat':>9}{'ratio':>8}{'target':>8}{'vs raw':>8}{'plan':>7}{'peak MB':>9}"
    )
    failed = False
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"contacts-{args.rows}.csv"
        _contacts_csv(path, args.rows)
        for per_request in (int(n) for n in args.per_request.split(",")):
            failed |= not _compare(path, args.rows, args.latency, per_request, args.repeat)
    return 1 if failed else 0


def _compare(path: Path, rows: int, latency: float, per_request: int, repeat: int) -> bool:
    """One line of the table; True when the target is met and every contact was stored."""
    raw = min(
        (_measure_in_a_fresh_process("raw", path, latency, per_request) for _ in range(repeat)),
        key=lambda r: r["seconds"],
    )
    runs = [_measure_in_a_fresh_process("rowboat", path, latency, per_request)
            for _ in range(repeat)]  # fmt: skip
    ours = min(runs, key=lambda r: r["seconds"])
    requests, concurrency = ours["requests"], ours["concurrency"]
    ideal = requests * latency / 1000 / concurrency
    ratio = ours["seconds"] / ideal
    ok = bool(ratio <= TARGET and ours["stored"] == rows == ours["created"])
    print(
        f"{rows:>8}{requests:>10}{latency:>7.0f}ms{concurrency:>9}{ideal:>7.2f}s"
        f"{raw['seconds']:>7.2f}s{ours['seconds']:>8.2f}s{ratio:>7.2f}x{TARGET:>7.2f}x"
        f"{ours['seconds'] / raw['seconds']:>7.2f}x{ours['plan_seconds']:>6.1f}s"
        f"{max(r['peak_mb'] for r in runs):>9.0f}{'' if ok else '  MISSED'}"
    )
    print(
        f"{'':>8}stored {ours['stored']:,} contacts, {ours['created']:,} created; a request "
        f"took {ours['request_seconds'] * 1000:.0f} ms on average (raw "
        f"{raw['seconds'] / requests * concurrency * 1000:.0f} ms); the client used "
        f"{ours['cpu_seconds']:.2f} s of CPU while sending"
    )
    return ok


if __name__ == "__main__":
    raise SystemExit(main())
