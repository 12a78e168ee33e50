"""Plandocket's API client: its Bearer key, error shapes, hourly budget, events and key scopes.

Plandocket (docs.plandocket.com/en/api) answers `{"data": …, "meta": …}`; its errors are
`{"error": "<message>"}`, and 422 adds `"errors": {"<field>": ["<message>", …]}`. Its 429 carries
no rate headers: the plan's hourly limit (Standard 1,000 requests, Professional 5,000, Enterprise
none) is paced here by an HourlyBudget, which also finds its own way back after a 429.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rowboat.core.clients._http import HttpClient, RequestBudget, RetryPolicy
from rowboat.core.connections.model import check_base_url
from rowboat.core.errors import AuthFailed, ConnectionProblem, Rejected
from rowboat.core.progress import NULL_REPORTER, Reporter, wait

if TYPE_CHECKING:
    from collections.abc import Callable

    import httpx

    from rowboat.core.connections.check import ConnectionCheck
    from rowboat.core.connections.model import Connection, Secrets
    from rowboat.core.targets.schema import Endpoint

__all__ = [
    "DEFAULT_REQUESTS_PER_HOUR",
    "KEYS_PAGE",
    "MAX_RECORDS",
    "SCOPE_READS",
    "Event",
    "HourlyBudget",
    "ImportAnswer",
    "PlandocketClient",
    "PlandocketErrors",
    "check_connection",
    "requests_per_hour",
]

log = logging.getLogger(__name__)

SYSTEM = "Plandocket"
MAX_RECORDS = 1000  # records one bulk-import request may carry
DEFAULT_REQUESTS_PER_HOUR = 1000  # the Standard plan's limit per API key
KEYS_PAGE = "Settings → API → API keys"
_PER_PAGE = 100  # the largest page Plandocket's lists serve

# The read that proves each scope: the endpoint's own list, one item long.
SCOPE_READS = {"contacts": "/contacts", "participants": "/participants"}


class PlandocketErrors:
    """Plandocket's error shapes, as one plain sentence."""

    def message(self, response: httpx.Response) -> str:
        body = _json(response)
        if not isinstance(body, dict):
            return ""
        errors = body.get("errors")
        if isinstance(errors, dict) and errors:
            return " ".join(_field_message(str(k), v) for k, v in errors.items())
        error = body.get("error")
        return _full_stop(error) if isinstance(error, str) and error.strip() else ""

    def retry_after(self, response: httpx.Response) -> float | None:
        return None  # Plandocket's body never says when; a Retry-After header is read by HttpClient

    def auth_hint(self, response: httpx.Response) -> str:
        if response.status_code == 403:
            return f"Give the API key that scope in Plandocket under {KEYS_PAGE}."
        return f"Check the API key in Plandocket under {KEYS_PAGE}."


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def _field_message(key: str, messages: object) -> str:
    """ "records.3.email": ["The email must …"] -> "Record 4: The email must …" (the messages
    already name their field; a record's index is 0-based)."""
    texts = messages if isinstance(messages, list) else [messages]
    said = " ".join(_full_stop(str(m)) for m in texts if str(m).strip()) or "Not valid."
    parts = key.split(".")
    if len(parts) >= 2 and parts[0] == "records" and parts[1].isdigit():
        return f"Record {int(parts[1]) + 1}: {said}"
    return said


def _full_stop(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else text + "."


class HourlyBudget(RequestBudget):
    """The hourly limit of one API key, counted here; after a 429 it probes for the reset.

    Plandocket counts fixed one-hour windows that we cannot see (another program may share the
    key, or an earlier run used part of the window). A header-less 429 therefore means "the
    window is full until some moment within the hour": instead of waiting a blind hour, the
    next request waits the next step of `PROBES` (they add up to just over an hour, within the
    retries HttpClient makes), so the import goes on soon after the window resets.
    """

    PROBES = (120.0, 300.0, 600.0, 900.0, 1800.0)  # seconds

    def __init__(self, requests: int, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(requests, 3600.0, clock)
        self._blocked_until = 0.0
        self._strikes = 0
        self._last_strike = 0.0

    def wait_time(self) -> float:
        with self._lock:
            blocked = self._blocked_until - self._clock()
        return blocked if blocked > 0 else super().wait_time()

    def exhausted(self) -> None:
        with self._lock:
            now = self._clock()
            if now < self._blocked_until:
                return  # another request in flight already heard the 429
            step = self.PROBES[min(self._strikes, len(self.PROBES) - 1)]
            if self._strikes and now - self._last_strike > 2 * step:
                self._strikes, step = 0, self.PROBES[0]  # a fresh 429, long after the last one
            self._strikes += 1
            self._last_strike = now
            self._blocked_until = now + step


@dataclass(frozen=True)
class ImportAnswer:
    """A bulk import's answer: its `data` (counts, errors, details) and the request's id."""

    data: dict[str, Any]
    request_id: str = ""

    @property
    def remote(self) -> dict[str, str]:
        """The ids Plandocket gave this import, for the history."""
        ids = {"request_id": self.request_id}
        if self.data.get("bulk-import_id") is not None:
            ids["bulk_import_id"] = str(self.data["bulk-import_id"])
        return {k: v for k, v in ids.items() if v}


@dataclass(frozen=True)
class Event:
    """One entry of the event pick-list."""

    key: str  # event_key, as an import names it
    title: str
    date_from: str  # ISO dates as Plandocket gives them
    date_to: str
    city: str = ""

    @property
    def label(self) -> str:
        """ "Customer Summit 2026 (2026-06-16 – 2026-06-18, Berlin)" """
        same_day = self.date_to in ("", self.date_from)
        dates = self.date_from if same_day else f"{self.date_from} – {self.date_to}"
        where = ", ".join(p for p in (dates, self.city) if p)
        return f"{self.title} ({where})" if where else self.title


def requests_per_hour(connection: Connection) -> int | None:
    """The connection's hourly request limit (None: the plan has none)."""
    raw = connection.setting("requests_per_hour").strip().replace(",", "").replace("_", "")
    try:
        value = int(raw) if raw else DEFAULT_REQUESTS_PER_HOUR
    except ValueError:
        value = -1
    if value < 0:
        raise ConnectionProblem(
            f"'{raw}' is not a number of requests per hour for the connection '{connection.name}'.",
            hint="Give your Plandocket plan's limit: 1000 (Standard), 5000 (Professional), "
            "or 0 for no limit (Enterprise).",
        )
    return value or None


class PlandocketClient:
    """One API key at one Plandocket address, over HttpClient."""

    def __init__(
        self,
        base_url: str,
        api_key: str,
        *,
        budget: RequestBudget | None = None,
        policy: RetryPolicy | None = None,
        report: Reporter = NULL_REPORTER,
        sleep: Callable[[float, Reporter], None] = wait,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.budget = budget
        self.http = HttpClient(
            base_url,
            system=SYSTEM,
            errors=PlandocketErrors(),
            headers={"Authorization": f"Bearer {api_key}", "Accept": "application/json"},
            secrets=(api_key,),
            policy=policy,
            budget=budget,
            report=report,
            sleep=sleep,
            transport=transport,
        )

    @classmethod
    def from_connection(
        cls,
        connection: Connection,
        secrets: Secrets,
        *,
        paced: bool = True,
        policy: RetryPolicy | None = None,
        report: Reporter = NULL_REPORTER,
    ) -> PlandocketClient:
        """A client of a saved connection; `paced` keeps to its hourly limit (imports do)."""
        base_url = check_base_url(connection.base_url, SYSTEM)
        api_key = secrets.get("api_key", "").strip()
        if not api_key:
            raise ConnectionProblem(
                f"The connection '{connection.name}' has no Plandocket API key.",
                hint=f"Add the key to the connection; it is made in Plandocket under {KEYS_PAGE}.",
            )
        limit = requests_per_hour(connection)
        budget = HourlyBudget(limit) if paced and limit is not None else None
        return cls(base_url, api_key, budget=budget, policy=policy, report=report)

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> PlandocketClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def get(self, path: str, *, what: str, params: dict[str, str | int] | None = None) -> Any:
        """The `data` of a GET (retried freely: reading changes nothing)."""
        response = self.http.request("GET", path, what=what, idempotent=True, params=params)
        return _data(response, what)

    def list_pages(
        self, path: str, *, what: str, params: dict[str, str | int] | None = None
    ) -> list[dict[str, Any]]:
        """Every item of a paged list, page by page (100 a page, Plandocket's most)."""
        items: list[dict[str, Any]] = []
        page = 1
        while True:
            query: dict[str, str | int] = {**(params or {}), "page": page, "per_page": _PER_PAGE}
            response = self.http.request("GET", path, what=what, idempotent=True, params=query)
            data = _data(response, what)
            if not isinstance(data, list):
                raise _odd_answer(what, response)
            items.extend(i for i in data if isinstance(i, dict))
            meta = _meta(response)
            last = meta.get("last_page")
            if not data or not isinstance(last, int) or page >= last:
                return items
            page += 1

    def list_events(self) -> list[Event]:
        """The events an import can name, in Plandocket's order (by date)."""
        return [
            Event(
                key=str(item.get("event_key") or ""),
                title=str(item.get("title") or item.get("event_key") or ""),
                date_from=str(item.get("date_from") or ""),
                date_to=str(item.get("date_to") or ""),
                city=str(item.get("city") or ""),
            )
            for item in self.list_pages("/events", what="the list of events")
            if item.get("event_key")
        ]

    def has_scope(self, scope: str) -> bool:
        """Whether the key may use `scope` ("contacts", "participants"): the scope's own list,
        read one item long, answers 403 when the key lacks it."""
        try:
            self.get(SCOPE_READS[scope], what=f"the {scope}", params={"per_page": 1})
        except AuthFailed as exc:
            if exc.status == 403:
                return False
            raise
        return True

    def bulk_import(self, kind: str, payload: bytes, *, idempotent: bool) -> ImportAnswer:
        """POST one bulk import ("contacts" or "participants") and read its answer."""
        response = self.http.request(
            "POST",
            f"/bulk-import/{kind}",
            what=f"the {kind}",
            idempotent=idempotent,
            content=payload,
            headers={"Content-Type": "application/json"},
        )
        body = _json(response)  # parsed once: an answer of 1000 records is ~150 KB
        data = body.get("data") if isinstance(body, dict) else None
        if not isinstance(data, dict):
            raise _odd_answer(f"the {kind}", response)
        meta = body.get("meta")
        request_id = meta.get("request_id") if isinstance(meta, dict) else None
        return ImportAnswer(data, str(request_id or ""))


def _data(response: httpx.Response, what: str) -> Any:
    body = _json(response)
    if not isinstance(body, dict) or "data" not in body:
        raise _odd_answer(what, response)
    return body["data"]


def _meta(response: httpx.Response) -> dict[str, Any]:
    body = _json(response)
    meta = body.get("meta") if isinstance(body, dict) else None
    return meta if isinstance(meta, dict) else {}


def _odd_answer(what: str, response: httpx.Response) -> Rejected:
    return Rejected(
        f"Plandocket answered {what} in a form Rowboat does not know.",
        hint="Check that the address in Connections ends in /api/v1.",
        detail=f"{response.request.method} {response.request.url.path}: "
        f"{response.status_code} {response.text[:500]}",
        status=response.status_code,
    )


def check_connection(
    connection: Connection,
    secrets: Secrets,
    endpoint: Endpoint | None = None,
    report: Reporter = NULL_REPORTER,
    policy: RetryPolicy | None = None,
) -> ConnectionCheck:
    """ "Test connection" (rowboat.core.connections.check calls it here): see plandocket_check."""
    from rowboat.core.clients import plandocket_check

    return plandocket_check.check_connection(connection, secrets, endpoint, report, policy)
