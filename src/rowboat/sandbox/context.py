"""What every vendor module of the sandbox shares: the clock, the state database and the seeded RNG.

Each vendor module exposes `VENDOR` (a `Vendor`), whose `routes(ctx)` are mounted under its own
prefix; it keeps its state in tables of `ctx.db` whose names start with its key. The database is
":memory:" by default and a file with `--state FILE`, so the same code keeps or forgets state.
Jobs and syncs store the clock time they started and derive their progress from `ctx.clock.now()`
when asked, so tests move them by advancing a ManualClock instead of sleeping.
"""

from __future__ import annotations

import random
import sqlite3
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from pathlib import Path

__all__ = ["Clock", "ManualClock", "RateLimit", "SandboxContext", "SystemClock"]


class Clock(Protocol):
    def now(self) -> float:
        """Seconds since the epoch."""


class SystemClock:
    def now(self) -> float:
        return time.time()


class ManualClock:
    """A clock that only moves when told to: tests advance it instead of sleeping."""

    def __init__(self, start: float = 1_767_225_600.0) -> None:  # 2026-01-01T00:00:00Z
        self._now = start
        self._lock = threading.Lock()

    def now(self) -> float:
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._now += seconds


@dataclass(frozen=True)
class RateLimit:
    """At most `requests` per `per_seconds` window, for each credential."""

    requests: int
    per_seconds: float


def _default_rate_limits() -> dict[str, RateLimit]:
    # The vendors' published standard plans: Thought Industries 120 a minute plus a burst of 20,
    # Plandocket 1,000 an hour. Eloqua and Thalamus publish no per-request limit.
    return {
        "thought-industries": RateLimit(140, 60.0),
        "plandocket": RateLimit(1000, 3600.0),
    }


@dataclass
class SandboxContext:
    """Shared by every vendor module of one running sandbox."""

    clock: Clock = field(default_factory=SystemClock)
    state_path: Path | None = None  # None keeps state in memory
    seed: int | None = None
    job_seconds: float = 4.0  # how long a background job, sync or file import takes at least
    seconds_per_row: float = 0.002  # and how much longer each row makes it
    rate_limits: dict[str, RateLimit] = field(default_factory=_default_rate_limits)
    db: sqlite3.Connection = field(init=False)
    lock: threading.RLock = field(init=False, default_factory=threading.RLock)
    rng: random.Random = field(init=False)

    def __post_init__(self) -> None:
        target = str(self.state_path) if self.state_path is not None else ":memory:"
        # One connection shared by the server's threads; every use holds `lock`.
        self.db = sqlite3.connect(target, check_same_thread=False, isolation_level=None)
        self.db.row_factory = sqlite3.Row
        journal = "WAL" if self.state_path else "MEMORY"
        self.db.execute(f"PRAGMA journal_mode={journal}")
        self.rng = random.Random(self.seed)
        self._windows: dict[tuple[str, str], tuple[float, int]] = {}

    def job_duration(self, rows: int) -> float:
        """Seconds a job of `rows` rows takes from start to its end state."""
        return self.job_seconds + rows * self.seconds_per_row

    def job_fraction(self, started_at: float, rows: int) -> float:
        """How far (0..1) a job started at `started_at` has come on the sandbox clock."""
        elapsed = self.clock.now() - started_at
        return max(0.0, min(1.0, elapsed / self.job_duration(rows)))

    def new_uuid(self) -> str:
        """A version-4 UUID drawn from the seeded RNG, so a seeded sandbox repeats its ids."""
        with self.lock:
            return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def take_request(self, vendor: str, credential: str) -> tuple[bool, int, float]:
        """Count one request against the vendor's rate limit for this credential.

        Returns (allowed, remaining, seconds until the window resets). Vendors without a limit
        always allow. Windows are fixed and follow the sandbox clock, so tests can move past them.
        """
        limit = self.rate_limits.get(vendor)
        if limit is None:
            return True, 1_000_000, 0.0
        now = self.clock.now()
        with self.lock:
            start, used = self._windows.get((vendor, credential), (now, 0))
            if now - start >= limit.per_seconds:
                start, used = now, 0
            reset_in = max(0.0, start + limit.per_seconds - now)
            if used >= limit.requests:
                return False, 0, reset_in
            self._windows[(vendor, credential)] = (start, used + 1)
            return True, limit.requests - used - 1, reset_in

    def close(self) -> None:
        with self.lock:
            self.db.close()
