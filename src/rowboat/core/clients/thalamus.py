"""The Thalamus client: touchpoint and token on every call, the user's login and its session,
file imports (upload, status, look-up by name, result file), templates, and "Test connection".

Thalamus (REST JSON API v4) wants the touchpoint code and its token with every call; Rowboat sends
them as the headers `Thalamus-Touchpoint` and `Thalamus-Token`, never in the query string, which
ends up in servers' and proxies' logs. Imports also need a logged-in user: the login answers a
session cookie, kept in this client's memory only. The vendor's stored pages do not give the v4
login path, so it is the connection's `login_path` setting, below the API address ("/login");
a path ending in `thalamus_security_check` (the older v3 form login, e.g.
"../v3/thalamus_security_check") is sent as that form's `j_username`/`j_password` fields.
"""

from __future__ import annotations

import logging
import posixpath
import threading
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from rowboat.core.clients._http import HttpClient, RetryPolicy
from rowboat.core.clients.thalamus_errors import SessionEnded, ThalamusErrors
from rowboat.core.clients.thalamus_records import ImportRecord, number
from rowboat.core.clients.thalamus_schema import template_fields
from rowboat.core.connections.check import ConnectionCheck
from rowboat.core.connections.model import check_base_url
from rowboat.core.errors import (
    AuthFailed,
    Cancelled,
    ConnectionProblem,
    OutcomeUnknown,
    Rejected,
    RowboatError,
    Unavailable,
)
from rowboat.core.progress import NULL_REPORTER, wait
from rowboat.core.targets.registry import endpoint_with_fields
from rowboat.core.targets.schema_cache import SchemaCache, schema_key
from rowboat.core.targets.thalamus_fields import IMPORT_TYPES

if TYPE_CHECKING:
    import random
    from collections.abc import Callable

    import httpx

    from rowboat.core.connections.model import Connection, Secrets
    from rowboat.core.progress import Reporter
    from rowboat.core.targets.schema import Endpoint

__all__ = [
    "XLSX_TYPE",
    "ImportRecord",
    "ThalamusClient",
    "check_connection",
    "template_schema",
]

log = logging.getLogger(__name__)

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_V3_LOGIN = "thalamus_security_check"
_LIST_PAGE_SIZE = 100
_LIST_MAX_PAGES = 20  # a server that ignores the name filter is searched this far back


class ThalamusClient:
    """One connection's calls to Thalamus. Thread-safe: a carrier may upload from two threads.

    Every call logs in first if needed; a call answered 401 SessionExpired/NotAuthenticated logs
    in again once and is repeated (the server refused it before acting, so even an upload may
    be repeated). `close()` logs out.
    """

    def __init__(
        self,
        connection: Connection,
        secrets: Secrets,
        *,
        report: Reporter = NULL_REPORTER,
        policy: RetryPolicy | None = None,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float, Reporter], None] = wait,
        rng: random.Random | None = None,
    ) -> None:
        base = check_base_url(connection.base_url, "Thalamus")
        self.touchpoint = connection.setting("touchpoint").strip()
        self.principal = connection.setting("principal").strip()
        self._password = secrets.get("password", "")
        token = secrets.get("token", "").strip()
        for label, value in (("touchpoint code", self.touchpoint), ("token", token)):
            if not value.isascii():
                raise ConnectionProblem(
                    f"The Thalamus {label} holds letters Thalamus codes never have.",
                    hint=f"Copy the {label} again {_WHERE_TOUCHPOINTS}.",
                )
        self.login_path = connection.setting("login_path").strip() or "/login"
        self._login_url, self._logout = _login_urls(base, self.login_path)
        self._http = HttpClient(
            base,
            system="Thalamus",
            errors=ThalamusErrors(self.touchpoint, self.principal),
            headers={
                "Thalamus-Touchpoint": self.touchpoint,
                "Thalamus-Token": token,
                "Accept": "application/json",
            },
            secrets=(token, self._password),
            policy=policy,
            report=report,
            rng=rng,
            sleep=sleep,
            transport=transport,
        )
        self._lock = threading.Lock()
        self._generation = 0  # logins so far; a call that began before the last one just retries
        self.user: dict[str, Any] | None = None

    @property
    def base_url(self) -> str:
        return self._http.base_url

    # --- session ----------------------------------------------------------------------------

    def login(self) -> dict[str, Any]:
        """Log the connection's user in (again); the user record Thalamus answers."""
        with self._lock:
            return self._login_locked()

    def _login_locked(self) -> dict[str, Any]:
        if self._login_url.rstrip("/").endswith(_V3_LOGIN):
            body: dict[str, Any] = {
                "data": {"j_username": self.principal, "j_password": self._password}
            }
        else:
            body = {"json": {"principal": self.principal, "password": self._password}}
        try:
            response = self._http.request(
                "POST", self._login_url, what="the login", idempotent=True, **body
            )
        except Rejected as exc:
            if exc.status in (404, 405):
                raise ConnectionProblem(
                    f"Thalamus takes no logins at '{self.login_path}' below the API address.",
                    hint="Check the API address and the login path in Connections "
                    "(ask your Thalamus administrator which login this server uses).",
                    detail=exc.detail,
                ) from None
            raise
        self._generation += 1
        user = response.json() if _is_json(response) else {}
        self.user = user if isinstance(user, dict) else {}
        return self.user

    def _ensure_login(self) -> int:
        with self._lock:
            if self.user is None:
                self._login_locked()
            return self._generation

    def _login_again(self, seen: int) -> None:
        with self._lock:
            if self._generation == seen:  # nobody else logged in since that call began
                self._login_locked()

    def call(
        self, method: str, path: str, *, what: str, idempotent: bool, **kwargs: Any
    ) -> httpx.Response:
        """A call inside the session: logs in first, and once more if the session has ended."""
        seen = self._ensure_login()
        try:
            return self._http.request(method, path, what=what, idempotent=idempotent, **kwargs)
        except SessionEnded:
            log.info("Thalamus session ended; logging in again")
        self._login_again(seen)
        try:
            return self._http.request(method, path, what=what, idempotent=idempotent, **kwargs)
        except SessionEnded as exc:
            raise AuthFailed(
                "Thalamus did not keep Rowboat's session after it logged in again.",
                hint="Check the login path in Connections, and that this user may import files.",
                detail=exc.detail,
                status=exc.status,
            ) from None

    def me(self) -> dict[str, Any]:
        """The logged-in user (GET /me)."""
        return self._object(self.call("GET", "/me", what="the user's details", idempotent=True))

    def close(self) -> None:
        """Log out (best effort: one try, nothing raised) and close the connections."""
        try:
            if self.user is not None:
                method, url = self._logout
                self._http.request(method, url, what="the logout", idempotent=True, attempts=1)
        except Cancelled:
            pass
        except RowboatError as exc:
            log.info("Thalamus logout failed: %s", exc.message)
        finally:
            self.user = None
            self._http.raw.cookies.clear()
            self._http.close()

    def __enter__(self) -> ThalamusClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- imports ----------------------------------------------------------------------------

    def upload(self, name: str, type_code: int, file_name: str, content: bytes) -> ImportRecord:
        """POST /import/file: one file as a new import named `name`.

        Raises DuplicatedName when the name is taken (perhaps by this very upload, sent before
        its answer was lost) and OutcomeUnknown when it may have arrived without an answer.
        """
        response = self.call(
            "POST",
            "/import/file",
            what=f"the file {file_name}",
            idempotent=False,
            params={"name": name, "type": str(type_code)},
            files={"file": (file_name, content, XLSX_TYPE)},
        )
        try:
            return ImportRecord.from_json(self._object(response))
        except Unavailable as exc:
            # A 200 whose body cannot be read: the import may well exist.
            raise OutcomeUnknown(
                f"Thalamus took the file {file_name} but its answer could not be read, so "
                "Rowboat cannot tell yet whether the import began.",
                hint="Rowboat checks with Thalamus before sending anything again.",
                detail=exc.detail,
            ) from None

    def status(self, import_id: str) -> ImportRecord:
        """GET /import/status/{id}: the import record now."""
        response = self.call(
            "GET", f"/import/status/{import_id}", what=f"import {import_id}", idempotent=True
        )
        return ImportRecord.from_json(self._object(response))

    def find_import(
        self,
        name: str,
        *,
        search: str = "",
        type_code: int | None = None,
        accept: Callable[[str], bool] | None = None,
    ) -> ImportRecord | None:
        """The import named exactly `name` (or one `accept` takes), from the status list; None
        when there is none.

        `search` (default: the name) is what the list's name filter is given, a part of the
        name; the filter matches parts, so each hit's full name is compared. A server that
        ignores the filter is searched newest first, `_LIST_MAX_PAGES` pages deep.
        """
        params: dict[str, str] = {"name": search or name, "pageSize": str(_LIST_PAGE_SIZE)}
        if type_code is not None:
            params["type"] = str(type_code)
        for page in range(1, _LIST_MAX_PAGES + 1):
            response = self.call(
                "GET",
                "/import/status",
                what="the list of imports",
                idempotent=True,
                params={**params, "page": str(page)},
            )
            body = self._object(response)
            content = body.get("content")
            if not isinstance(content, list):
                content = []
            for item in content:
                listed = str(item.get("name") or "") if isinstance(item, dict) else None
                if listed is not None and (listed == name or (accept and accept(listed))):
                    return ImportRecord.from_json(item)
            pages = number(body.get("totalPages"))
            if not content or page >= pages:
                return None
        raise Unavailable(
            f"Thalamus lists more than {_LIST_PAGE_SIZE * _LIST_MAX_PAGES} imports and Rowboat "
            f"did not find '{name}' among them.",
            hint="Look for the import by its name in Thalamus' list of imports.",
        )

    def result(self, import_id: str) -> bytes:
        """GET /import/result/{id}: the result file (xlsx) of an import that has ended."""
        response = self.call(
            "GET",
            f"/import/result/{import_id}",
            what=f"the results of import {import_id}",
            idempotent=True,
        )
        return response.content

    def template(self, type_code: int) -> bytes:
        """GET /import/template/{type}: the template file (xlsx) of an import type."""
        response = self.call(
            "GET",
            f"/import/template/{type_code}",
            what=f"the template of import type {type_code}",
            idempotent=True,
        )
        return response.content

    def _object(self, response: httpx.Response) -> dict[str, Any]:
        """The answer's JSON object; Unavailable when it is none (a proxy's page, cut short)."""
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            raise Unavailable(
                "Thalamus answered with something Rowboat cannot read.",
                hint="Check the API address in Connections: it ends with /api/v4.",
                detail=f"{response.request.method} {response.request.url.path}: "
                f"{response.status_code} {response.headers.get('content-type', '')} "
                f"{response.text[:200]!r}",
            )
        return body


_WHERE_TOUCHPOINTS = "from the Thalamus back office under Touchpoints"


def _is_json(response: httpx.Response) -> bool:
    try:
        response.json()
    except ValueError:
        return False
    return True


def _login_urls(base: str, login_path: str) -> tuple[str, tuple[str, str]]:
    """The login's full URL (login_path below the API address; "../" steps up) and the logout
    that goes with it: POST /logout for the v4 login, GET …/v3/logout beside the v3 form."""
    parts = urlsplit(base)
    path = (login_path or "/login").strip()
    joined = posixpath.normpath(parts.path.rstrip("/") + "/" + path.lstrip("/"))
    login = urlunsplit((parts.scheme, parts.netloc, joined, "", ""))
    if joined.rstrip("/").endswith(_V3_LOGIN):
        folder = posixpath.dirname(joined.rstrip("/"))
        return login, ("GET", urlunsplit((parts.scheme, parts.netloc, folder + "/logout", "", "")))
    return login, ("POST", "/logout")


def check_connection(
    connection: Connection,
    secrets: Secrets,
    endpoint: Endpoint | None = None,
    report: Reporter = NULL_REPORTER,
    policy: RetryPolicy | None = None,
    *,
    transport: httpx.BaseTransport | None = None,
) -> ConnectionCheck:
    """Log in, read the user (GET /me), and with a Thalamus endpoint read its template."""
    try:
        with ThalamusClient(
            connection, secrets, report=report, policy=policy, transport=transport
        ) as client:
            client.login()
            user = client.me()
            who = str(user.get("principal") or user.get("email") or client.principal)
            name = str(
                user.get("fullName")
                or " ".join(str(user.get(k) or "") for k in ("name", "surname")).strip()
            )
            text = f"Connected to Thalamus as {who}" + (f" ({name})." if name else ".")
            if endpoint is not None and endpoint.id in IMPORT_TYPES:
                client.template(IMPORT_TYPES[endpoint.id])
                text += f" It offers the import of {endpoint.label.lower()}."
    except Cancelled:
        raise
    except RowboatError as exc:
        return ConnectionCheck(False, exc.message, exc.hint, exc.detail)
    return ConnectionCheck(True, text)


def template_schema(
    connection: Connection,
    secrets: Secrets,
    endpoint: Endpoint,
    report: Reporter = NULL_REPORTER,
    policy: RetryPolicy | None = None,
    cache: SchemaCache | None = None,
    *,
    transport: httpx.BaseTransport | None = None,
) -> Endpoint:
    """The endpoint with the columns of its type's template on the server, cached for offline use.

    Offline (Thalamus cannot be reached or fails), the cached copy serves, or failing that the
    built-in columns, each with a plain notice saying so. Refused credentials are raised.
    """
    cache = cache or SchemaCache()
    key = schema_key(connection.name, endpoint.id)
    try:
        with ThalamusClient(
            connection, secrets, report=report, policy=policy, transport=transport
        ) as client:
            content = client.template(IMPORT_TYPES[endpoint.id])
        fields = template_fields(content, endpoint)
    except Unavailable as exc:
        cached = cache.load(key)
        if cached is not None:
            report.notice(
                f"{exc.message} Rowboat checks the file against the {endpoint.label.lower()} "
                f"columns it read from Thalamus before ({cached.age_text()})."
            )
            return cached.endpoint
        report.notice(
            f"{exc.message} Rowboat has not read this server's {endpoint.label.lower()} columns "
            "before, so it checks the file against its own default columns."
        )
        return endpoint
    server = endpoint_with_fields(endpoint, fields, schema_origin="server")
    cache.save(key, server)
    return server
