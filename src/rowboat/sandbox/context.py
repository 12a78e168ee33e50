"""What every vendor module of the sandbox shares: the clock, the state database and the seeded RNG.

Each vendor module exposes `routes(ctx) -> list[BaseRoute]`, mounted under its own prefix, and
keeps its state in tables of `ctx.db` whose names start with its prefix. The database is
":memory:" by default and a file with `--state FILE`, so the same code keeps or forgets state.
Jobs and syncs store the clock time they started and derive their progress from `ctx.clock.now()`
when asked, so tests move them by advancing a ManualClock instead of sleeping.
"""

from __future__ import annotations

import random
import sqlite3
import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from pathlib import Path

__all__ = ["Clock", "ManualClock", "SandboxContext", "SystemClock"]


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


@dataclass
class SandboxContext:
    """Shared by every vendor module of one running sandbox."""

    clock: Clock = field(default_factory=SystemClock)
    state_path: Path | None = None  # None keeps state in memory
    seed: int | None = None
    job_seconds: float = 4.0  # how long a background job, sync or file import takes to finish
    db: sqlite3.Connection = field(init=False)
    lock: threading.RLock = field(init=False, default_factory=threading.RLock)
    rng: random.Random = field(init=False)

    def __post_init__(self) -> None:
        target = str(self.state_path) if self.state_path is not None else ":memory:"
        # One connection shared by the server's threads; every use holds `lock`.
        self.db = sqlite3.connect(target, check_same_thread=False, isolation_level=None)
        journal = "WAL" if self.state_path else "MEMORY"
        self.db.execute(f"PRAGMA journal_mode={journal}")
        self.rng = random.Random(self.seed)

    def close(self) -> None:
        with self.lock:
            self.db.close()
