"""How the command line talks: plain errors on stderr, JSON on stdout, progress on a terminal."""

from __future__ import annotations

import json
import sys
import time

__all__ = ["TextProgress", "emit_json", "print_error"]


def print_error(message: str, hint: str) -> None:
    print(f"rowboat: {message}", file=sys.stderr)
    if hint:
        print(f"  {hint}", file=sys.stderr)


def emit_json(data: object) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


class TextProgress:
    """A Reporter drawing one progress line on stderr, only when stderr is a terminal."""

    def __init__(self, what: str) -> None:
        self.what = what
        self._enabled = sys.stderr.isatty()
        self._last = 0.0
        self._drawn = False

    def progress(self, done: int, total: int, what: str = "") -> None:
        now = time.monotonic()
        if not self._enabled or now - self._last < 0.1 or total <= 0:
            return
        self._last = now
        label = what or self.what
        print(f"\r{label}… {done * 100 // total:>3}%", end="", file=sys.stderr, flush=True)
        self._drawn = True

    def notice(self, text: str) -> None:
        """A sentence on its own line: on a terminal over the bar, otherwise as a plain line."""
        if self._drawn:
            print("\r\033[K", end="", file=sys.stderr)
            self._drawn = False
        print(text, file=sys.stderr, flush=True)

    def raise_if_cancelled(self) -> None:
        return None  # Ctrl+C arrives as KeyboardInterrupt

    def done(self) -> None:
        if self._drawn:
            print("\r\033[K", end="", file=sys.stderr, flush=True)
            self._drawn = False
