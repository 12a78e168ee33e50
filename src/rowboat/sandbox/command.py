"""`rowboat sandbox` (also `python -m rowboat.sandbox`): the sandbox in the foreground.

Only the standard library is imported at module level, so the CLI can build its parser without
loading the server.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import argparse

    from rowboat.sandbox.faults import FaultPlan
    from rowboat.sandbox.server import SandboxServer

__all__ = ["add_arguments", "run"]

DEFAULT_PORT = 8765
# The vendors' keys, named here so the parser needs no server import (a test keeps it in step).
VENDOR_KEYS = ("thought-industries", "eloqua", "plandocket", "thalamus")

# Fault options: (flag, FaultPlan setting, converter, what it means)
_FAULTS: tuple[tuple[str, str, type, str], ...] = (
    ("--latency", "latency_ms", float, "milliseconds added to every answer"),
    ("--fail-rate", "error_rate", float, "fraction of requests answered 500 or 503"),
    ("--throttle-rate", "throttle_rate", float, "fraction answered 429 with Retry-After"),
    ("--retry-after", "retry_after", int, "seconds a 429 asks the client to wait (default 2)"),
    ("--drop-rate", "drop_rate", float, "fraction acted on, then the connection is cut"),
    ("--slow-rate", "slow_rate", float, "fraction acted on, then answered --slow-seconds late"),
    ("--slow-seconds", "slow_seconds", float, "how late a slow answer comes (default 30)"),
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
    parser.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=f"port ({DEFAULT_PORT}); 0 picks a free one"
    )
    parser.add_argument("--seed", type=int, help="makes faults and ids repeat from run to run")
    parser.add_argument("--state", metavar="FILE", help="keep state in this SQLite file")
    parser.add_argument(
        "--job-seconds",
        type=float,
        default=4.0,
        metavar="S",
        help="how long jobs and syncs take at least (4)",
    )
    parser.add_argument("--access-log", action="store_true", help="print every request")
    faults = parser.add_argument_group(
        "faults",
        "Each takes VALUE for every vendor or VENDOR=VALUE for one, and may be repeated; "
        f"vendors: {', '.join(VENDOR_KEYS)}.",
    )
    for flag, _, _, meaning in _FAULTS:
        faults.add_argument(flag, action="append", default=[], metavar="[VENDOR=]V", help=meaning)


def fault_settings(args: argparse.Namespace) -> list[tuple[str | None, str, float | int]]:
    """(vendor or None for every vendor, FaultPlan setting, value) from the fault options."""
    settings: list[tuple[str | None, str, float | int]] = []
    for flag, setting, convert, _ in _FAULTS:
        for given in getattr(args, flag[2:].replace("-", "_")):
            vendor, _, value = given.rpartition("=")
            if vendor and vendor not in VENDOR_KEYS:
                raise ValueError(
                    f"{flag}: unknown vendor '{vendor}' (use {', '.join(VENDOR_KEYS)})"
                )
            try:
                settings.append((vendor or None, setting, convert(value)))
            except ValueError:
                raise ValueError(f"{flag}: '{value}' is not a number") from None
    return settings


def run(args: argparse.Namespace) -> int:
    """Serve until Ctrl+C. Exit status 2, with a plain message, when it cannot start."""
    from rowboat.sandbox.context import SandboxContext
    from rowboat.sandbox.server import SandboxServer

    try:
        settings = fault_settings(args)
    except ValueError as exc:
        print(f"rowboat sandbox: {exc}", file=sys.stderr)
        return 2
    state = Path(args.state) if args.state else None
    try:
        ctx = SandboxContext(state_path=state, seed=args.seed, job_seconds=args.job_seconds)
    except Exception as exc:  # noqa: BLE001 - sqlite3 says why a state file cannot be used
        print(f"rowboat sandbox: cannot use '{state}' as the state file ({exc}).", file=sys.stderr)
        return 2
    try:
        server = SandboxServer(host=args.host, port=args.port, ctx=ctx, access_log=args.access_log)
    except OSError as exc:
        ctx.close()
        print(
            f"rowboat sandbox: cannot listen on {args.host}:{args.port} ({exc.strerror}). "
            "Another program may use that port: choose one with --port, "
            "or --port 0 for a free one.",
            file=sys.stderr,
        )
        return 2
    try:
        for vendor, setting, value in settings:
            server.faults.configure(vendor, **{setting: value})
    except ValueError as exc:
        server.stop()
        print(f"rowboat sandbox: {exc}", file=sys.stderr)
        return 2
    print(banner(server, state), flush=True)
    server.serve_forever()
    print("Sandbox stopped.", flush=True)
    return 0


def banner(server: SandboxServer, state: Path | None) -> str:
    """What a person needs to point a client at the sandbox: addresses and credentials."""
    from rowboat.sandbox.app import VENDORS
    from rowboat.sandbox.faults import FaultPlan

    lines = [
        f"Rowboat sandbox on {server.url}  (Ctrl+C stops it)",
        f"State: kept in {state}" if state else "State: in memory, forgotten when it stops",
        "",
    ]
    for vendor in VENDORS:
        lines.append(f"  {vendor.label:<20}{server.base_url(vendor.key)}")
        lines.extend(f"  {'':<20}{what}: {value}" for what, value in vendor.credentials)
        plan = server.faults.plan(vendor.key)
        if plan != FaultPlan():
            lines.append(f"  {'':<20}faults: {describe(plan)}")
    return "\n".join(lines)


def describe(plan: FaultPlan) -> str:
    """A fault plan in words: "+50 ms per answer, 10% answered 500/503"."""
    parts = []
    if plan.latency_ms:
        parts.append(f"+{plan.latency_ms:g} ms per answer")
    for rate, what in (
        (plan.error_rate, "answered 500/503"),
        (plan.throttle_rate, f"answered 429 (retry after {plan.retry_after} s)"),
        (plan.drop_rate, "cut off mid-answer"),
        (plan.slow_rate, f"answered {plan.slow_seconds:g} s late"),
    ):
        if rate:
            parts.append(f"{rate:.0%} {what}")
    return ", ".join(parts)
