"""How the command line talks: plain errors on stderr, JSON on stdout, progress on a terminal."""

from __future__ import annotations

import json
import sys
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

    from rowboat.core.decisions import Decision
    from rowboat.core.progress import CancelFlag

__all__ = ["TextProgress", "emit_json", "print_decisions", "print_error"]


def print_error(message: str, hint: str) -> None:
    print(f"rowboat: {message}", file=sys.stderr)
    if hint:
        print(f"  {hint}", file=sys.stderr)


def print_decisions(decisions: Sequence[Decision]) -> None:
    """Each decision on its own lines, the guesses first (as the core orders them)."""
    if not decisions:
        return
    print("Decisions (guesses first):")
    for d in decisions:
        mark = "settled" if d.settled else "GUESS  "
        print(f"  [{mark}] {d.what}: {d.decision}")
        print(f"            because: {d.evidence}")
        print(f"            change with: {d.override}")


def emit_json(data: object) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


class TextProgress:
    """A Reporter drawing one progress line on stderr when stderr is a terminal. With `lines`,
    it prints plain lines elsewhere too (a log, a scheduled task): one per tenth of the work.
    `cancel` is checked by raise_if_cancelled (a Ctrl+C sets it)."""

    def __init__(self, what: str, *, lines: bool = False, cancel: CancelFlag | None = None):
        self.what = what
        self._tty = sys.stderr.isatty()
        self.lines = lines
        self._cancel = cancel
        self._last = 0.0
        self._drawn = False
        self._step: tuple[str, int] = ("", -1)

    def progress(self, done: int, total: int, what: str = "") -> None:
        if total <= 0:
            return
        label = what or self.what
        # A whole sentence ("Eloqua is importing: 400 of 1,000 rows.") is shown as it is; a
        # bare label gets its percentage.
        text = label if label.endswith(".") else f"{label}… {done * 100 // total}%"
        if not self._tty:
            step = (label if label.endswith(".") else "", done * 10 // total)
            if self.lines and step != self._step:
                self._step = step
                print(text, file=sys.stderr, flush=True)
            return
        now = time.monotonic()
        if now - self._last < 0.1 and done < total:
            return
        self._last = now
        print(f"\r\033[K{text}", end="", file=sys.stderr, flush=True)
        self._drawn = True

    def notice(self, text: str) -> None:
        """A sentence on its own line: on a terminal over the bar, otherwise as a plain line."""
        if self._drawn:
            print("\r\033[K", end="", file=sys.stderr)
            self._drawn = False
        print(text, file=sys.stderr, flush=True)

    def raise_if_cancelled(self) -> None:
        if self._cancel is not None:
            self._cancel.raise_if_cancelled()

    def done(self) -> None:
        if self._drawn:
            print("\r\033[K", end="", file=sys.stderr, flush=True)
            self._drawn = False
