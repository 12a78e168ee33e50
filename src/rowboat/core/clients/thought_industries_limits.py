"""RateLimitPacer: Thought Industries' per-minute limit, paced by its X-RateLimit-* headers.

Thought Industries allows each API key a number of requests a minute (Standard 120 plus a burst
of 20, Enterprise 600 plus 100) and says on every answer how many are left (X-RateLimit-Limit,
X-RateLimit-Remaining, X-RateLimit-Reset). Reading those headers paces an import on any plan: the
limit is learnt from the first answer, and a request waits for the window to reset instead of
running into a 429. Before the first answer, requests are counted against the Standard plan.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from rowboat.core.clients._http import RequestBudget

if TYPE_CHECKING:
    from collections.abc import Callable

    import httpx

__all__ = [
    "ENTERPRISE_PER_MINUTE",
    "STANDARD_PER_MINUTE",
    "RateLimitPacer",
    "RateReading",
    "read_rate_headers",
]

STANDARD_PER_MINUTE = 140  # 120 a minute plus a burst of 20
ENTERPRISE_PER_MINUTE = 700  # 600 a minute plus a burst of 100
_WINDOW = 60.0
_LONGEST_RESET = 3600.0  # a reset further away than this is a misreading, not a plan


class RateReading:
    """What one answer's X-RateLimit-* headers said, with the reset as a moment on `now`'s clock."""

    __slots__ = ("limit", "remaining", "reset_at")

    def __init__(self, limit: int, remaining: int, reset_at: float) -> None:
        self.limit = limit
        self.remaining = remaining
        self.reset_at = reset_at


def read_rate_headers(headers: httpx.Headers, now: float) -> RateReading | None:
    """The rate-limit headers of an answer, or None when they are missing or unreadable.

    X-RateLimit-Reset is read as seconds from now (the sandbox's choice) unless it is large
    enough to be a Unix time in seconds or milliseconds, which other APIs send; the vendor does
    not say which it sends.
    """
    try:
        limit = int(headers["X-RateLimit-Limit"])
        remaining = int(headers["X-RateLimit-Remaining"])
        reset = float(headers["X-RateLimit-Reset"])
    except (KeyError, ValueError):
        return None
    if limit <= 0 or remaining < 0 or reset < 0:
        return None
    if reset > 1e12:  # a Unix time in milliseconds
        reset = reset / 1000.0 - now
    elif reset > 1e9:  # a Unix time in seconds
        reset -= now
    return RateReading(limit, remaining, now + min(max(reset, 0.0), _LONGEST_RESET))


class RateLimitPacer(RequestBudget):
    """A RequestBudget that believes the vendor's headers once it has seen them.

    `observe` is an httpx response hook: it reads every answer's headers. `wait_time` (asked by
    HttpClient before each request) counts the request against what the vendor said is left in
    its window, less the requests already on their way, and answers how long to wait for the
    window to reset when nothing is left. Safe to share between threads.
    """

    def __init__(
        self,
        requests: int = STANDARD_PER_MINUTE,
        per_seconds: float = _WINDOW,
        clock: Callable[[], float] = time.time,
    ) -> None:
        super().__init__(requests, per_seconds, clock)
        self._left: int | None = None  # requests we may still send in the vendor's window
        self._reset_at = 0.0
        self._in_flight = 0  # sent since the last answer, perhaps not yet counted by the vendor
        self._queued = 0  # told to wait for the next window, and counted against it

    @property
    def known(self) -> bool:
        """Whether an answer has told the limit yet."""
        with self._lock:
            return self._left is not None

    def observe(self, response: httpx.Response) -> None:
        """Read the rate-limit headers of an answer (any status)."""
        with self._lock:
            now = self._clock()
            self._in_flight = max(0, self._in_flight - 1)
            reading = read_rate_headers(response.headers, now)
            if reading is None:
                return
            self.requests = reading.limit
            left = reading.remaining - self._in_flight
            if self._left is not None and abs(reading.reset_at - self._reset_at) < 2.0:
                # The same window: answers may arrive out of order, so keep the lower count.
                self._left = min(self._left, left)
            else:
                self._left, self._reset_at = left, reading.reset_at

    def wait_time(self) -> float:
        """Seconds to wait before the next request; the request is counted as sent."""
        with self._lock:
            if self._left is None:
                counted = None
            else:
                now = self._clock()
                if now >= self._reset_at:
                    # The window we were told of is over: assume a fresh one from now until an
                    # answer says otherwise, less the requests that waited for it.
                    self._left = self.requests - self._queued
                    self._reset_at = now + self.per_seconds
                    self._in_flight, self._queued = self._queued, 0
                if self._left > 0:
                    self._left -= 1
                    self._in_flight += 1
                    return 0.0
                self._queued += 1
                counted = self._reset_at - now
        if counted is not None:
            return counted
        with self._lock:
            self._in_flight += 1
        return super().wait_time()

    def take(self) -> None:
        """Count an answered request; only needed while no answer has told the limit."""
        if not self.known:
            super().take()

    def exhausted(self) -> None:
        """A 429 that said nothing of when: nothing is left until the window resets."""
        super().exhausted()
        with self._lock:
            now = self._clock()
            self._left = 0
            if self._reset_at <= now:
                self._reset_at = now + self.per_seconds
