"""The Reporter protocol: how slow core work reports progress and learns it was cancelled.

Core code knows no threads or signals; the CLI passes a text bar, the GUI a signal-emitting
reporter, tests NULL_REPORTER.
"""

from __future__ import annotations

import threading
import time
from typing import Protocol

from rowboat.core.errors import Cancelled

__all__ = ["NULL_REPORTER", "CancelFlag", "NullReporter", "Reporter", "wait"]


class Reporter(Protocol):
    def progress(self, done: int, total: int, what: str = "") -> None:
        """Report that `done` of `total` units are finished."""

    def notice(self, text: str) -> None:
        """Tell the user one plain sentence about the work ("Plandocket is busy; retrying in
        20 s."), shown until the next notice or progress."""

    def raise_if_cancelled(self) -> None:
        """Raise Cancelled when the user asked to stop."""


class NullReporter:
    """Reports nowhere and is never cancelled."""

    def progress(self, done: int, total: int, what: str = "") -> None:
        return None

    def notice(self, text: str) -> None:
        return None

    def raise_if_cancelled(self) -> None:
        return None


NULL_REPORTER: Reporter = NullReporter()


class CancelFlag:
    """A Reporter that only carries a cancel flag (set from any thread)."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def progress(self, done: int, total: int, what: str = "") -> None:
        return None

    def notice(self, text: str) -> None:
        return None

    def raise_if_cancelled(self) -> None:
        if self._event.is_set():
            raise Cancelled()


def wait(seconds: float, report: Reporter, *, step: float = 0.1) -> None:
    """Sleep for `seconds`, noticing a cancel within `step` seconds (Cancelled is raised)."""
    deadline = time.monotonic() + max(0.0, seconds)
    pause = threading.Event()
    while True:
        report.raise_if_cancelled()
        left = deadline - time.monotonic()
        if left <= 0:
            return
        pause.wait(min(step, left))
