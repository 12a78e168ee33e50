"""The Reporter protocol: how slow core work reports progress and learns it was cancelled.

Core code knows no threads or signals; the CLI passes a text bar, the GUI a signal-emitting
reporter, tests NULL_REPORTER.
"""

from __future__ import annotations

import threading
from typing import Protocol

from rowboat.core.errors import Cancelled

__all__ = ["NULL_REPORTER", "CancelFlag", "NullReporter", "Reporter"]


class Reporter(Protocol):
    def progress(self, done: int, total: int, what: str = "") -> None:
        """Report that `done` of `total` units are finished."""

    def raise_if_cancelled(self) -> None:
        """Raise Cancelled when the user asked to stop."""


class NullReporter:
    """Reports nowhere and is never cancelled."""

    def progress(self, done: int, total: int, what: str = "") -> None:
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

    def raise_if_cancelled(self) -> None:
        if self._event.is_set():
            raise Cancelled()
