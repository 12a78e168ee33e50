"""Oracle Eloqua: login discovery, the Bulk API 2.0 calls of the event registrant import, the
events pick-list, and "Test connection".

Eloqua is reached in two steps. The login address (https://login.eloqua.com) answers `GET /id`
with the site's own API addresses; a refused login answers 200 with the JSON string
"Not authenticated.", so success is told by the `urls` object, not the status. Every later call
goes to the discovered bulk (or REST) address; a 401 there re-runs the discovery once, since the
instance may have moved.
"""

from __future__ import annotations

import base64
import logging
from typing import TYPE_CHECKING, Any

import httpx

from rowboat.core.clients._http import HttpClient, RetryPolicy, redact
from rowboat.core.clients.eloqua_answers import (
    AUTH_HINT,
    EloquaErrors,
    EloquaEvent,
    EventField,
    Login,
)
from rowboat.core.connections.check import ConnectionCheck
from rowboat.core.connections.model import check_base_url
from rowboat.core.errors import (
    AuthFailed,
    Cancelled,
    ConnectionProblem,
    Rejected,
    RowboatError,
)
from rowboat.core.progress import NULL_REPORTER, Reporter, wait

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from rowboat.core.connections.model import Connection, Secrets
    from rowboat.core.targets.schema import Endpoint

__all__ = [
    "AUTH_HINT",
    "SYSTEM",
    "EloquaClient",
    "EloquaErrors",
    "EloquaEvent",
    "EventField",
    "Login",
    "check_connection",
    "list_events",
]

log = logging.getLogger(__name__)

SYSTEM = "Oracle Eloqua"
BULK_VERSION = "2.0"
REST_VERSION = "2.0"
PAGE_LIMIT = 1000  # the largest page the Bulk API answers


class EloquaClient:
    """The calls Rowboat makes to one Eloqua site, over one HttpClient."""

    def __init__(
        self,
        connection: Connection,
        secrets: Secrets,
        *,
        report: Reporter = NULL_REPORTER,
        policy: RetryPolicy | None = None,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float, Reporter], None] = wait,
    ) -> None:
        site = connection.setting("site").strip()
        user = connection.setting("user").strip()
        password = secrets.get("password", "")
        missing = [label for label, value in (("company name", site), ("user name", user),
                                              ("password", password)) if not value]  # fmt: skip
        if missing:
            raise ConnectionProblem(
                f"The Eloqua connection '{connection.name}' has no {' or '.join(missing)}.",
                hint="Fill them in under Connections.",
            )
        self.site_setting, self.user_setting = site, user
        self.login_url = check_base_url(connection.base_url, SYSTEM)
        account = f"{site}\\{user}"
        token = base64.b64encode(f"{account}:{password}".encode()).decode("ascii")
        self.report = report
        self._secrets = (password, token)
        self.http = HttpClient(
            self.login_url,
            system=SYSTEM,
            errors=EloquaErrors(),
            auth=httpx.BasicAuth(account, password),
            secrets=self._secrets,
            policy=policy,
            report=report,
            sleep=sleep,
            transport=transport,
        )
        self._login: Login | None = None

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> EloquaClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- login discovery -------------------------------------------------------------------

    def login(self, *, again: bool = False) -> Login:
        """Where this site's APIs live; asked once, and `again` after a 401."""
        if self._login is not None and not again:
            return self._login
        answer = self.http.request("GET", self.login_url + "/id", what="the login", idempotent=True)
        try:
            body = answer.json()
        except ValueError:
            body = None
        urls = body.get("urls") if isinstance(body, dict) else None
        if not isinstance(urls, dict):
            said = body if isinstance(body, str) else answer.text[:200]
            raise AuthFailed(
                "Eloqua refused the company name, user or password.",
                hint=AUTH_HINT,
                detail=redact(f"GET /id: {answer.status_code} {said!r}", self._secrets),
            )
        assert isinstance(body, dict)  # for mypy: urls came out of it
        apis = urls.get("apis", {}).get("rest", {}) if isinstance(urls.get("apis"), dict) else {}
        bulk = _versioned(apis.get("bulk"), BULK_VERSION)
        rest = _versioned(apis.get("standard"), REST_VERSION)
        base = str(urls.get("base") or "").rstrip("/")
        bulk = bulk or (f"{base}/api/bulk/{BULK_VERSION}" if base else "")
        rest = rest or (f"{base}/api/rest/{REST_VERSION}" if base else "")
        if not bulk:
            raise Rejected(
                "Eloqua's login answer does not say where the Bulk API of this site is.",
                hint="Check the login address in Connections (normally https://login.eloqua.com).",
                detail=redact(f"GET /id: {answer.text[:2000]}", self._secrets),
            )
        # The credentials go wherever the discovery points: only over https (or to this computer).
        for url in (bulk, rest):
            check_base_url(url, SYSTEM)
        site = body.get("site", {}) if isinstance(body.get("site"), dict) else {}
        user = body.get("user", {}) if isinstance(body.get("user"), dict) else {}
        self._login = Login(
            site=str(site.get("name") or self.site_setting),
            user=str(user.get("username") or self.user_setting),
            bulk=bulk,
            rest=rest,
        )
        return self._login

    # -- requests --------------------------------------------------------------------------

    def bulk(
        self, method: str, path: str, *, what: str, idempotent: bool, **kwargs: Any
    ) -> httpx.Response:
        """A Bulk API request; `path` starts with "/" (e.g. "/syncs/3")."""
        return self._call("bulk", method, path, what=what, idempotent=idempotent, **kwargs)

    def rest(
        self, method: str, path: str, *, what: str, idempotent: bool, **kwargs: Any
    ) -> httpx.Response:
        return self._call("rest", method, path, what=what, idempotent=idempotent, **kwargs)

    def _call(self, api: str, method: str, path: str, **kwargs: Any) -> httpx.Response:
        for again in (False, True):
            login = self.login()
            base = login.bulk if api == "bulk" else login.rest
            try:
                return self.http.request(method, base + path, **kwargs)
            except AuthFailed as exc:
                # A 401 acted on nothing, so asking /id again and repeating is safe, even for
                # a create; a second 401 is the real answer.
                if exc.status != 401 or again:
                    raise
                log.info("Eloqua answered 401 to %s %s; asking /id again", method, path)
                self.login(again=True)
        raise AssertionError("unreachable")  # pragma: no cover

    def pages(self, path: str, *, what: str, limit: int = PAGE_LIMIT) -> Iterator[dict[str, Any]]:
        """Every item of a paged Bulk API list (items, hasMore, offset, limit)."""
        offset = 0
        while True:
            self.report.raise_if_cancelled()
            page = self.bulk(
                "GET", path, what=what, idempotent=True,
                params={"limit": min(limit, PAGE_LIMIT), "offset": offset},
            ).json()  # fmt: skip
            items = (page.get("items") or []) if isinstance(page, dict) else []
            yield from (item for item in items if isinstance(item, dict))
            offset += len(items)
            total = page.get("totalResults")
            # hasMore ends the list; a total reached ends it too, should a page say more anyway.
            if not items or not page.get("hasMore") or (isinstance(total, int) and offset >= total):
                return

    # -- events ----------------------------------------------------------------------------

    def events(self) -> list[EloquaEvent]:
        """The site's events, from the REST API's eventRegistrations list (paged by page/count)."""
        found: list[EloquaEvent] = []
        count, number = PAGE_LIMIT, 1
        while True:
            self.report.raise_if_cancelled()
            page = self.rest(
                "GET", "/assets/eventRegistrations", what="the list of events",
                idempotent=True, params={"page": number, "count": count, "depth": "minimal"},
            ).json()  # fmt: skip
            elements = (page.get("elements") or []) if isinstance(page, dict) else []
            found += [
                EloquaEvent(id=str(e["id"]), name=str(e.get("name") or f"Event {e['id']}"))
                for e in elements
                if isinstance(e, dict) and e.get("id") is not None
            ]
            total = page.get("total") if isinstance(page, dict) else None
            if not elements or (isinstance(total, int) and number * count >= total):
                return found
            number += 1

    def event_fields(self, event_id: str) -> list[EventField]:
        try:
            items = list(self.pages(f"/events/{event_id}/fields", what="the event's fields"))
        except Rejected as exc:
            if exc.status != 404:
                raise
            raise Rejected(
                f"Oracle Eloqua has no event {event_id}.",
                hint="Choose one of the events Rowboat lists for this connection.",
                detail=exc.detail,
                status=404,
            ) from None
        return [EventField.from_json(item) for item in items]

    # -- import definitions, data, syncs ---------------------------------------------------

    def create_definition(self, event_id: str, body: dict[str, Any]) -> dict[str, Any]:
        answer = self.bulk(
            "POST", f"/events/{event_id}/imports", what="the import definition",
            idempotent=False, json=body,
        )  # fmt: skip
        return _object(answer)

    def definitions(self, event_id: str) -> Iterator[dict[str, Any]]:
        return self.pages(f"/events/{event_id}/imports", what="the event's import definitions")

    def definition(self, uri: str) -> dict[str, Any] | None:
        """The definition at `uri`, or None when Eloqua no longer has it (auto-deleted)."""
        try:
            answer = self.bulk("GET", uri, what="the import definition", idempotent=True)
        except Rejected as exc:
            if exc.status == 404:
                return None
            raise
        return _object(answer)

    def post_data(self, uri: str, payload: bytes, content_type: str) -> None:
        """Stage one data post. Not idempotent: a lost answer raises OutcomeUnknown."""
        self.bulk(
            "POST", uri + "/data", what="the registrants", idempotent=False,
            content=payload, headers={"Content-Type": content_type},
        )  # fmt: skip

    def delete_data(self, uri: str) -> None:
        """Empty the definition's staging area (deleting twice does no harm)."""
        self.bulk("DELETE", uri + "/data", what="the staged registrants", idempotent=True)

    def create_sync(self, definition_uri: str) -> dict[str, Any]:
        answer = self.bulk(
            "POST", "/syncs", what="the request to process the registrants", idempotent=False,
            json={"syncedInstanceUri": definition_uri},
        )  # fmt: skip
        return _object(answer)

    def syncs(self) -> Iterator[dict[str, Any]]:
        return self.pages("/syncs", what="the list of syncs")

    def sync(self, uri: str) -> dict[str, Any]:
        return _object(self.bulk("GET", uri, what="the sync", idempotent=True))

    def logs(self, sync_uri: str) -> list[dict[str, Any]]:
        return list(self.pages(sync_uri + "/logs", what="the sync's logs"))

    def rejects(self, sync_uri: str) -> list[dict[str, Any]]:
        return list(self.pages(sync_uri + "/rejects", what="the sync's rejected rows"))


def _versioned(url: object, version: str) -> str:
    return url.replace("{version}", version).rstrip("/") if isinstance(url, str) else ""


def _object(answer: httpx.Response) -> dict[str, Any]:
    try:
        body = answer.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise Rejected(
            f"{SYSTEM} answered in a form Rowboat does not know.",
            hint="Try again; if it keeps happening, send the details to your Rowboat contact.",
            detail=f"{answer.request.method} {answer.request.url.path}: {answer.status_code} "
            f"{answer.text[:500]!r}",
            status=answer.status_code,
        )
    return body


def list_events(
    connection: Connection,
    secrets: Secrets,
    report: Reporter = NULL_REPORTER,
    policy: RetryPolicy | None = None,
) -> list[EloquaEvent]:
    """The pick-list of events registrants can be imported into."""
    with EloquaClient(connection, secrets, report=report, policy=policy) as client:
        return client.events()


def check_connection(
    connection: Connection,
    secrets: Secrets,
    endpoint: Endpoint | None = None,
    report: Reporter = NULL_REPORTER,
    policy: RetryPolicy | None = None,
    *,
    transport: httpx.BaseTransport | None = None,
) -> ConnectionCheck:
    """Log in (login discovery), then read the events, and say what was found in plain words."""
    try:
        with EloquaClient(
            connection, secrets, report=report, policy=policy, transport=transport
        ) as client:
            login = client.login()
            events = client.events()
    except Cancelled:
        raise
    except RowboatError as exc:
        return ConnectionCheck(ok=False, message=exc.message, hint=exc.hint, detail=exc.detail)
    who = f"Connected to {SYSTEM} as {login.site}\\{login.user} (site {login.site})"
    if not events:
        return ConnectionCheck(
            ok=True,
            message=f"{who}; the site has no events yet, so there is nothing to register people "
            "for.",
            hint="Create the event in Eloqua first, then import its registrants.",
        )
    count = "1 event can" if len(events) == 1 else f"{len(events)} events can"
    return ConnectionCheck(ok=True, message=f"{who}; {count} take registrants.")
