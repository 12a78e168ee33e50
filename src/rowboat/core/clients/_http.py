"""HttpClient: the one transport under every vendor client.

It holds what all four vendors share: explicit timeouts; retries with exponential backoff and
full jitter on 429, 5xx and connection errors, honouring the server's Retry-After; a request
budget for vendors that count requests per hour; and the turning of httpx errors and status codes
into Rowboat's plain errors. It is the only place that does so (ARCHITECTURE.md §5).

Exactly-once depends on one distinction made here. A request is *idempotent* when sending it twice
does no harm (a read, an upload of a file, an upsert by key); it is retried on any failure. A
request that is not idempotent (a create, a job start) is retried only where the server cannot
have acted on it: the connection never opened, or a 429 or 503. When it may have been acted on (a
timeout after sending, a dropped answer, a 500/502/504), OutcomeUnknown is raised and the caller
resolves it from the target instead of guessing.
"""

from __future__ import annotations

import email.utils
import logging
import random
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import httpx

from rowboat.core.errors import (
    AuthFailed,
    OutcomeUnknown,
    RateLimited,
    Rejected,
    TargetError,
    Unavailable,
)
from rowboat.core.progress import NULL_REPORTER, Reporter, wait

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

__all__ = [
    "HttpClient",
    "RequestBudget",
    "RetryPolicy",
    "VendorErrors",
    "VendorRefusals",
    "redact",
]

log = logging.getLogger(__name__)

# Statuses after which a non-idempotent request may have been carried out.
_MAYBE_DONE = frozenset({500, 502, 504})
_REJECTED = frozenset({400, 404, 405, 409, 410, 413, 415, 422})


@dataclass(frozen=True)
class RetryPolicy:
    """How long to wait for an answer and how often to try again."""

    attempts: int = 6  # tries in all, the first included
    base_delay: float = 0.5  # seconds; the n-th retry waits up to base * 2**(n-1)
    max_delay: float = 30.0
    max_wait: float = 3600.0  # a Retry-After longer than this is handed up as RateLimited
    timeout: float = 60.0  # seconds to wait for each read or write
    connect_timeout: float = 10.0

    def backoff(self, attempt: int, rng: random.Random) -> float:
        """Full jitter: a uniform wait up to the exponential ceiling of this attempt."""
        return rng.uniform(0.0, min(self.max_delay, self.base_delay * 2 ** (attempt - 1)))


class VendorErrors(Protocol):
    """How one vendor writes its errors; each client module provides one."""

    def message(self, response: httpx.Response) -> str:
        """The vendor's own error text of a refused request, in a sentence ("" if none)."""

    def retry_after(self, response: httpx.Response) -> float | None:
        """Seconds the vendor asks us to wait before trying again, when it says."""

    def auth_hint(self, response: httpx.Response) -> str:
        """Where the user checks the credentials in the vendor's admin pages."""


@runtime_checkable
class VendorRefusals(Protocol):
    """Optional beside VendorErrors: a vendor whose refusals (4xx other than 429) carry codes
    worth their own sentence and error class (Thalamus' InvalidTouchpointCode is a credentials
    problem although it comes as a 400)."""

    def refusal(self, response: httpx.Response, what: str, detail: str) -> TargetError | None:
        """The error for this refusal, with `detail` (already scrubbed) as its detail; None
        leaves it to the defaults. Its message and hint must hold no secret."""


class RequestBudget:
    """At most `requests` per `per_seconds`, counted here, so a long import paces itself instead
    of running into a vendor's hourly limit (Plandocket's 429 says nothing of when to retry)."""

    def __init__(self, requests: int, per_seconds: float, clock: Callable[[], float] = time.time):
        self.requests = requests
        self.per_seconds = per_seconds
        self._clock = clock
        self._sent: list[float] = []
        self._lock = threading.Lock()

    def wait_time(self) -> float:
        """Seconds until one more request fits (0 when it fits now)."""
        with self._lock:
            now = self._clock()
            self._sent = [t for t in self._sent if now - t < self.per_seconds]
            if len(self._sent) < self.requests:
                return 0.0
            return self._sent[0] + self.per_seconds - now

    def take(self) -> None:
        with self._lock:
            self._sent.append(self._clock())

    def exhausted(self) -> None:
        """The vendor said 429 although we counted room: treat the window as full."""
        with self._lock:
            now = self._clock()
            self._sent = [now] * self.requests


def redact(text: str, secrets: Iterable[str]) -> str:
    """The text with every secret replaced by '***' (secrets shorter than 4 characters are not
    searched: they would blank out ordinary words)."""
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, "***")
    return text


class HttpClient:
    """An httpx.Client for one vendor's base URL, with the policy above.

    `system` is the vendor's name as the user knows it ("Plandocket"); it starts every message.
    `secrets` are scrubbed from every message and detail this client produces.
    """

    def __init__(
        self,
        base_url: str,
        *,
        system: str,
        errors: VendorErrors,
        headers: dict[str, str] | None = None,
        auth: httpx.Auth | None = None,
        secrets: Iterable[str] = (),
        policy: RetryPolicy | None = None,
        budget: RequestBudget | None = None,
        report: Reporter = NULL_REPORTER,
        rng: random.Random | None = None,
        sleep: Callable[[float, Reporter], None] = wait,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.system = system
        self.policy = policy or RetryPolicy()
        self.report = report
        self.budget = budget
        self._errors = errors
        self._secrets = tuple(secrets)
        self._rng = rng or random.Random()
        self._sleep = sleep
        self._client = httpx.Client(
            base_url=base_url.rstrip("/"),
            headers=headers,
            auth=auth,
            timeout=httpx.Timeout(self.policy.timeout, connect=self.policy.connect_timeout),
            transport=transport,
        )

    @property
    def base_url(self) -> str:
        return str(self._client.base_url).rstrip("/")

    @property
    def raw(self) -> httpx.Client:
        """The underlying client (cookies, headers) for vendor clients that need it."""
        return self._client

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def request(
        self,
        method: str,
        url: str,
        *,
        what: str,
        idempotent: bool,
        expect: Iterable[int] = (),
        attempts: int | None = None,
        **kwargs: Any,
    ) -> httpx.Response:
        """Send one request, retrying as the policy allows; the answer when its status is 2xx
        or in `expect`. `what` names the request in messages ("the contacts"). `attempts`
        overrides the policy's number of tries for this request (1: a best-effort logout).

        Raises AuthFailed (401/403), Rejected (other 4xx), RateLimited (429 after every retry),
        Unavailable (5xx or no connection after every retry), OutcomeUnknown (a request that is
        not idempotent may have been carried out) and Cancelled.
        """
        expected = frozenset(expect)
        policy = self.policy
        tries = max(1, attempts if attempts is not None else policy.attempts)
        for attempt in range(1, tries + 1):
            self.report.raise_if_cancelled()
            self._wait_for_budget()
            retry_after: float | None = None
            try:
                response = self._client.request(method, url, **kwargs)
            except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
                # The request never reached the server: always safe to try again.
                error: TargetError = Unavailable(
                    f"{self.system} could not be reached.",
                    hint="Check the internet connection and the address in Connections.",
                    detail=self._scrub(f"{method} {url}: {exc!r}"),
                )
            except httpx.TransportError as exc:
                # Sent, then no (whole) answer: a timeout or a connection cut half-way.
                self._count_request()
                lost = "did not answer in time" if isinstance(exc, httpx.TimeoutException) else (
                    "closed the connection before answering"
                )  # fmt: skip
                detail = self._scrub(f"{method} {url}: {exc!r}")
                if not idempotent:
                    raise OutcomeUnknown(
                        f"{self.system} {lost} after {what} were sent, so Rowboat cannot tell "
                        "yet whether they arrived.",
                        hint="Rowboat checks with the system before sending anything again.",
                        detail=detail,
                    ) from None
                error = Unavailable(
                    f"{self.system} {lost}.",
                    hint="Try again in a few minutes.",
                    detail=detail,
                )
            else:
                self._count_request()
                if response.is_success or response.status_code in expected:
                    return response
                error, retry_after = self._status_error(response, what, idempotent)
            if attempt == tries:
                raise error
            delay = retry_after if retry_after is not None else policy.backoff(attempt, self._rng)
            if delay > policy.max_wait:
                raise error
            self.report.notice(f"{error.message} Trying again in {_seconds(delay)}.")
            log.info("%s %s: %s; retry %d in %.2f s", method, url, error.message, attempt, delay)
            self._sleep(delay, self.report)
        raise AssertionError("unreachable")  # pragma: no cover - the loop returns or raises

    def _status_error(
        self, response: httpx.Response, what: str, idempotent: bool
    ) -> tuple[TargetError, float | None]:
        """The error for a status that is not success, or raise it when it is final."""
        status = response.status_code
        said = self._scrub(self._errors.message(response))
        detail = self._scrub(f"{response.request.method} {response.request.url.path}: {status} "
                             f"{response.text[:2000]}")  # fmt: skip
        if status != 429 and status < 500 and isinstance(self._errors, VendorRefusals):
            own = self._errors.refusal(response, what, detail)
            if own is not None and self._scrub(f"{own.message} {own.hint}") == (
                f"{own.message} {own.hint}"
            ):  # a vendor sentence that would show a secret falls back to the defaults
                raise own
        if status in (401, 403):
            refused = "refused the credentials" if status == 401 else "refused the request"
            raise AuthFailed(
                _sentence(f"{self.system} {refused} ({status})", said),
                hint=self._errors.auth_hint(response),
                detail=detail,
                status=status,
            )
        if status == 429:
            after = self._errors.retry_after(response)
            if after is None:
                after = _retry_after_header(response)
            if after is None and self.budget is not None:
                # A 429 that says nothing of when: the vendor's window is used up (Plandocket
                # documents only an hourly limit), so wait for it rather than hammer it.
                self.budget.exhausted()
            error: TargetError = RateLimited(
                f"{self.system} is busy (429).",
                retry_after=after if after is not None else 0.0,
                hint="Rowboat waits and tries again.",
                detail=detail,
            )
            return error, after
        if status >= 500:
            if not idempotent and status in _MAYBE_DONE:
                raise OutcomeUnknown(
                    f"{self.system} failed ({status}) while handling {what}, so Rowboat cannot "
                    "tell yet whether they arrived.",
                    hint="Rowboat checks with the system before sending anything again.",
                    detail=detail,
                    status=status,
                )
            error = Unavailable(
                f"{self.system} is not available right now ({status}).",
                hint="Try again in a few minutes.",
                detail=detail,
                status=status,
            )
            return error, _retry_after_header(response)
        raise Rejected(
            _sentence(f"{self.system} refused {what} ({status})", said),
            detail=detail,
            status=status,
        )

    def _count_request(self) -> None:
        # Vendors count the requests that reach them, refused and failed ones too.
        if self.budget is not None:
            self.budget.take()

    def _wait_for_budget(self) -> None:
        if self.budget is None:
            return
        delay = self.budget.wait_time()
        if delay > 0:
            self.report.notice(
                f"{self.system} allows {self.budget.requests} requests every "
                f"{_seconds(self.budget.per_seconds)}; waiting {_seconds(delay)} to stay within it."
            )
            self._sleep(delay, self.report)

    def _scrub(self, text: str) -> str:
        return redact(text, self._secrets)


def _retry_after_header(response: httpx.Response) -> float | None:
    """Retry-After as seconds (or an HTTP date); None when absent or unreadable."""
    value = response.headers.get("Retry-After", "").strip()
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _sentence(head: str, reason: str) -> str:
    """ "head: reason." with one full stop at the end, or "head." without a reason."""
    text = f"{head}: {reason}" if reason else head
    return text if text.endswith((".", "!", "?")) else text + "."


def _seconds(seconds: float) -> str:
    if seconds < 1:
        return "a moment"
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"
