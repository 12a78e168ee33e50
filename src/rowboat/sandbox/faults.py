"""Faults injected on demand: latency, 500/503, 429 with Retry-After, dropped and slow answers.

Each vendor has its own FaultPlan and its own RNG seeded from the sandbox seed and the vendor's
key, so a seeded run injects the same faults in the same order whatever the other vendors see.
A script (`Faults.script`) overrides the dice for the next requests, for tests that need one
exact sequence. Kinds, and what the server has done when the client hears of it:

- error     500 or 503 before the request is acted on: nothing happened.
- throttle  429 with Retry-After before the request is acted on: nothing happened.
- drop      the request is acted on, then the connection is cut half-way through the answer:
            the client cannot know whether it worked (it did).
- slow      the request is acted on, then the answer is held for `slow_seconds`, longer than a
            client's timeout: the client times out although the work was done.
"""

from __future__ import annotations

import asyncio
import logging
import random
import threading
from collections import Counter, deque
from dataclasses import dataclass, fields, replace
from enum import StrEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable

    from starlette.responses import Response
    from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["FaultKind", "FaultMiddleware", "FaultPlan", "Faults", "quiet_dropped_answers"]


class FaultKind(StrEnum):
    NONE = "none"
    ERROR = "error"
    THROTTLE = "throttle"
    DROP = "drop"
    SLOW = "slow"


@dataclass(frozen=True)
class FaultPlan:
    """How one vendor misbehaves. Rates are fractions of requests (0..1), drawn in this order."""

    latency_ms: float = 0.0
    error_rate: float = 0.0
    throttle_rate: float = 0.0
    retry_after: int = 2  # seconds announced with a 429
    drop_rate: float = 0.0
    slow_rate: float = 0.0
    slow_seconds: float = 30.0

    def __post_init__(self) -> None:
        rates = (self.error_rate, self.throttle_rate, self.drop_rate, self.slow_rate)
        if any(not 0.0 <= r <= 1.0 for r in rates) or sum(rates) > 1.0:
            raise ValueError("fault rates must lie between 0 and 1 and add up to at most 1")
        if self.latency_ms < 0 or self.slow_seconds < 0 or self.retry_after < 0:
            raise ValueError("latency, slow_seconds and retry_after cannot be negative")


PLAN_FIELDS = frozenset(f.name for f in fields(FaultPlan))


class Faults:
    """The fault plans of every vendor; safe to change from any thread while the server runs."""

    def __init__(self, vendors: tuple[str, ...], seed: int | None = None) -> None:
        self._lock = threading.Lock()
        self._plans = {v: FaultPlan() for v in vendors}
        self._rngs = {v: random.Random(f"{seed}:{v}") for v in vendors}
        self._scripts: dict[str, deque[FaultKind]] = {v: deque() for v in vendors}
        self.injected: Counter[tuple[str, FaultKind]] = Counter()

    @property
    def vendors(self) -> tuple[str, ...]:
        return tuple(self._plans)

    def plan(self, vendor: str) -> FaultPlan:
        with self._lock:
            return self._plans[vendor]

    def configure(self, vendor: str | None = None, **changes: Any) -> None:
        """Change the plan of one vendor, or of every vendor when `vendor` is None."""
        unknown = set(changes) - PLAN_FIELDS
        if unknown:
            raise ValueError(f"unknown fault setting(s): {', '.join(sorted(unknown))}")
        with self._lock:
            for v in self._targets(vendor):
                self._plans[v] = replace(self._plans[v], **changes)

    def script(self, vendor: str, *kinds: FaultKind | str) -> None:
        """Give the vendor's next requests exactly these faults ("none" for a clean answer)."""
        with self._lock:
            self._scripts[self._targets(vendor)[0]].extend(FaultKind(k) for k in kinds)

    def reset(self) -> None:
        """No faults anywhere, no scripts left."""
        with self._lock:
            for v in self._plans:
                self._plans[v] = FaultPlan()
                self._scripts[v].clear()

    def draw(self, vendor: str) -> FaultKind:
        """The fault for the vendor's next request."""
        with self._lock:
            if self._scripts[vendor]:
                kind = self._scripts[vendor].popleft()
            else:
                kind = self._roll(self._plans[vendor], self._rngs[vendor])
            if kind is not FaultKind.NONE:
                self.injected[(vendor, kind)] += 1
            return kind

    def server_error_status(self, vendor: str) -> int:
        with self._lock:
            return self._rngs[vendor].choice((500, 503))

    def _targets(self, vendor: str | None) -> tuple[str, ...]:
        if vendor is None:
            return tuple(self._plans)
        if vendor not in self._plans:
            raise ValueError(f"unknown vendor {vendor!r}; known: {', '.join(self._plans)}")
        return (vendor,)

    @staticmethod
    def _roll(plan: FaultPlan, rng: random.Random) -> FaultKind:
        u = rng.random()
        for rate, kind in (
            (plan.error_rate, FaultKind.ERROR),
            (plan.throttle_rate, FaultKind.THROTTLE),
            (plan.drop_rate, FaultKind.DROP),
            (plan.slow_rate, FaultKind.SLOW),
        ):
            if u < rate:
                return kind
            u -= rate
        return FaultKind.NONE


class FaultMiddleware:
    """Wraps one vendor's ASGI app and applies that vendor's fault plan to each request."""

    def __init__(
        self,
        app: ASGIApp,
        vendor: str,
        faults: Faults,
        error_response: Callable[[int, int | None], Response],
    ) -> None:
        self.app = app
        self.vendor = vendor
        self.faults = faults
        self.error_response = error_response

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        plan = self.faults.plan(self.vendor)
        kind = self.faults.draw(self.vendor)
        if plan.latency_ms:
            await asyncio.sleep(plan.latency_ms / 1000)
        if kind is FaultKind.ERROR:
            status = self.faults.server_error_status(self.vendor)
            response: Response = self.error_response(status, None)
            await response(scope, receive, send)
        elif kind is FaultKind.THROTTLE:
            response = self.error_response(429, plan.retry_after)
            response.headers["Retry-After"] = str(plan.retry_after)
            await response(scope, receive, send)
        elif kind is FaultKind.DROP:
            start, body = await self._act(scope, receive)
            await _send_cut_short(start, body, send)
        elif kind is FaultKind.SLOW:
            start, body = await self._act(scope, receive)
            await asyncio.sleep(plan.slow_seconds)
            await send(start)
            await send({"type": "http.response.body", "body": body, "more_body": False})
        else:
            await self.app(scope, receive, send)

    async def _act(self, scope: Scope, receive: Receive) -> tuple[Message, bytes]:
        """Run the request to its end and keep the answer instead of sending it."""
        start: Message = {}
        chunks: list[bytes] = []

        async def keep(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        await self.app(scope, receive, keep)
        return start, b"".join(chunks)


_CUT_MESSAGE = "ASGI callable returned without completing response."


async def _send_cut_short(start: Message, body: bytes, send: Send) -> None:
    """Announce the whole answer, send half of it, and stop: the server closes the connection."""
    status = start.get("status", 200)
    if status in (204, 304) or status < 200:
        status = 200  # answers without a body cannot be cut short
    headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
    headers.append((b"content-length", str(len(body) + 1).encode()))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body[: len(body) // 2], "more_body": True})


class _DropFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != _CUT_MESSAGE


def quiet_dropped_answers() -> None:
    """Keep uvicorn from logging each answer the sandbox cut short on purpose as an error."""
    logger = logging.getLogger("uvicorn.error")
    if not any(isinstance(f, _DropFilter) for f in logger.filters):
        logger.addFilter(_DropFilter())
