"""Sandbox: Plandocket's API (events, bulk import of contacts and participants, lists)."""

from __future__ import annotations

import json
import math
import re
from typing import TYPE_CHECKING, Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse
from starlette.routing import Mount, Route

from rowboat.sandbox import plandocket_store as store
from rowboat.sandbox.plandocket_imports import run_import
from rowboat.sandbox.plandocket_records import InvalidOptions, parse_options
from rowboat.sandbox.vendor import Vendor

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import BaseRoute

    from rowboat.sandbox.context import SandboxContext

    Handler = Callable[[Request], Awaitable[Response]]

__all__ = ["API_KEY", "READONLY_KEY", "VENDOR"]

API_KEY = "sandbox-pd-key"
READONLY_KEY = "sandbox-pd-readonly"
KEY_SCOPES: dict[str, frozenset[str]] = {
    API_KEY: frozenset({"contacts", "participants", "events"}),
    READONLY_KEY: frozenset({"events"}),
}
DEFAULT_PER_PAGE = 25
MAX_PER_PAGE = 100
_STATUS_MESSAGES = {
    400: "Bad request.",
    404: "Not found.",
    405: "Method not allowed.",
    429: "Rate limit exceeded",
    500: "Internal server error",
    503: "Service unavailable",
}


class ApiError(Exception):
    """An answer of the shape {"error": message}, raised from anywhere inside a handler."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def error(status: int, message: str | None = None) -> JSONResponse:
    return JSONResponse({"error": message or _STATUS_MESSAGES.get(status, "Error")}, status)


def invalid(errors: dict[str, list[str]]) -> JSONResponse:
    return JSONResponse({"error": "Validation failed", "errors": errors}, 422)


def presented_key(request: Request) -> str | None:
    """The API key, from (in this order) a Bearer token, X-API-Key or ?api_key=."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    header = request.headers.get("x-api-key", "").strip()
    return header or request.query_params.get("api_key") or None


def _int_param(request: Request, name: str, default: int) -> int | None:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    return int(raw) if re.fullmatch(r"\d{1,9}", raw) else None


def paging(request: Request) -> tuple[int, int]:
    """(page, per_page) from the query, or InvalidOptions (422)."""
    page = _int_param(request, "page", 1)
    per_page = _int_param(request, "per_page", DEFAULT_PER_PAGE)
    errors: dict[str, list[str]] = {}
    if page is None or page < 1:
        errors["page"] = ["The page must be an integer of at least 1."]
    if per_page is None or not 1 <= per_page <= MAX_PER_PAGE:
        errors["per_page"] = [f"The per page must be an integer between 1 and {MAX_PER_PAGE}."]
    if errors or page is None or per_page is None:
        raise InvalidOptions(errors)
    return page, per_page


def contact_filters(request: Request) -> dict[str, str]:
    names = ("email", "customer_number")
    return {n: v.strip() for n in names if (v := request.query_params.get(n, "")).strip()}


async def json_object(request: Request) -> dict[str, Any]:
    """The request's body as a JSON object, or a 400."""
    body = await request.body()
    try:
        parsed = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ApiError(400, f"Malformed JSON in request body: {exc}.") from None
    if not isinstance(parsed, dict):
        raise ApiError(400, "The request body must be a JSON object.")
    return parsed


class PlandocketApi:
    """The endpoints, each guarded by key, rate limit and scope, in that order."""

    def __init__(self, ctx: SandboxContext) -> None:
        self.ctx = ctx

    def guard(self, scopes: tuple[str, ...], handler: Handler) -> Handler:
        """Answer 401/429/403 before the handler runs, and its errors in the vendor's shape."""

        async def endpoint(request: Request) -> Response:
            key = presented_key(request)
            if key is None:
                return error(401, "Unauthenticated. Send your API key as a Bearer token.")
            if key not in KEY_SCOPES:
                return error(401, "Invalid API key.")
            if not self.ctx.take_request("plandocket", key)[0]:
                return error(429, "Rate limit exceeded")  # the vendor sends no rate headers
            if not KEY_SCOPES[key] & set(scopes):
                needed = " or ".join(scopes)
                return error(403, f"This API key is missing the required scope: {needed}.")
            try:
                return await handler(request)
            except ApiError as exc:
                return error(exc.status, exc.message)
            except InvalidOptions as exc:
                return invalid(exc.errors)

        return endpoint

    def ok(self, data: Any, **meta: Any) -> JSONResponse:
        """A success in the vendor's envelope; the request id comes from the seeded RNG."""
        request_id = "req_" + self.ctx.new_uuid().replace("-", "")
        return JSONResponse({"data": data, "meta": {"request_id": request_id, **meta}})

    def listing(self, request: Request, fetch: Callable[[slice], store.Page]) -> Response:
        """One page of `fetch`'s items, with the paging in meta."""
        number, per_page = paging(request)
        with self.ctx.lock:
            items, total = fetch(slice((number - 1) * per_page, number * per_page))
        last = max(1, math.ceil(total / per_page))
        meta = {"total": total, "page": number, "per_page": per_page, "last_page": last}
        return self.ok(items, **meta)

    async def events(self, request: Request) -> Response:
        return self.listing(request, lambda span: store.list_events(self.ctx.db, span))

    async def event(self, request: Request) -> Response:
        with self.ctx.lock:
            event = store.get_event(self.ctx.db, request.path_params["event_key"])
        if event is None:
            raise ApiError(404, "Event not found.")
        return self.ok(event)

    async def import_contacts(self, request: Request) -> Response:
        return await self._import(request, participants=False)

    async def import_participants(self, request: Request) -> Response:
        return await self._import(request, participants=True)

    async def _import(self, request: Request, *, participants: bool) -> Response:
        options = parse_options(await json_object(request), participants=participants)
        if participants:
            with self.ctx.lock:
                known = store.event_keys(self.ctx.db)
            if options.event_key not in known:
                raise InvalidOptions({"event_key": ["The selected event key is invalid."]})
        result = run_import(self.ctx, options, participants=participants)
        if not result.applied:
            return invalid(result.error_fields())
        return self.ok(result.as_json())

    async def imports(self, request: Request) -> Response:
        return self.listing(request, lambda span: store.list_imports(self.ctx.db, span))

    async def one_import(self, request: Request) -> Response:
        with self.ctx.lock:
            found = store.get_import(self.ctx.db, request.path_params["bulk_import_id"])
        if found is None:
            raise ApiError(404, "Bulk import not found.")
        return self.ok(found)

    async def contacts(self, request: Request) -> Response:
        filters = contact_filters(request)
        return self.listing(request, lambda span: store.list_contacts(self.ctx.db, filters, span))

    async def participants(self, request: Request) -> Response:
        event_key = request.query_params.get("event_key") or None
        if event_key is not None:
            with self.ctx.lock:
                if store.get_event(self.ctx.db, event_key) is None:
                    raise ApiError(404, "Event not found.")
        filters = contact_filters(request)
        return self.listing(
            request, lambda span: store.list_participants(self.ctx.db, event_key, filters, span)
        )


def routes(ctx: SandboxContext) -> list[BaseRoute]:
    """One app of our own below the prefix, so unknown routes and methods answer in JSON too."""
    with ctx.lock:
        store.create_tables(ctx.db)
    api = PlandocketApi(ctx)
    imports_scopes = ("contacts", "participants")
    table: list[tuple[str, tuple[str, ...], Handler, str]] = [
        ("/events", ("events",), api.events, "GET"),
        ("/events/{event_key}", ("events",), api.event, "GET"),
        ("/bulk-import", imports_scopes, api.imports, "GET"),
        ("/bulk-import/{bulk_import_id:int}", imports_scopes, api.one_import, "GET"),
        ("/bulk-import/contacts", ("contacts",), api.import_contacts, "POST"),
        ("/bulk-import/participants", ("participants",), api.import_participants, "POST"),
        ("/contacts", ("contacts",), api.contacts, "GET"),
        ("/participants", ("participants",), api.participants, "GET"),
    ]
    inner = Starlette(
        routes=[
            Route("/api/v1" + path, api.guard(scopes, handler), methods=[method])
            for path, scopes, handler, method in table
        ],
        exception_handlers={HTTPException: _http_exception, Exception: _server_error},
    )
    return [Mount("", app=inner)]


async def _http_exception(request: Request, exc: Exception) -> Response:
    """Starlette's own 404 and 405, in Plandocket's shape (405 keeps its Allow header)."""
    assert isinstance(exc, HTTPException)
    response = error(exc.status_code, _STATUS_MESSAGES.get(exc.status_code, str(exc.detail)))
    response.headers.update(exc.headers or {})
    return response


async def _server_error(request: Request, exc: Exception) -> Response:
    return error(500)


def error_response(status: int, retry_after: int | None) -> JSONResponse:
    """An injected fault in Plandocket's error shape (the middleware adds Retry-After to a 429)."""
    return error(status)


VENDOR = Vendor(
    key="plandocket",
    label="Plandocket",
    prefix="/plandocket",
    base_path="/plandocket/api/v1",
    credentials=(("API key", API_KEY), ("read-only key (events only)", READONLY_KEY)),
    routes=routes,
    error_response=error_response,
)
