"""Sandbox: Thought Industries' REST API (ping, asset upload, session bulk imports, jobs)."""

from __future__ import annotations

import json
import math
import posixpath
from typing import TYPE_CHECKING, Any

from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from rowboat.sandbox.spreadsheets import UnreadableFile, UploadTooLarge, read_numbered_rows
from rowboat.sandbox.thought_industries_sessions import IN_PERSON, KINDS, check_rows
from rowboat.sandbox.thought_industries_store import Store
from rowboat.sandbox.vendor import Vendor

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from starlette.requests import Request
    from starlette.routing import BaseRoute

    from rowboat.sandbox.context import SandboxContext

    Handler = Callable[[Request], Awaitable[Response]]

__all__ = ["API_KEY", "MAX_ASSET_BYTES", "MAX_IMPORT_ROWS", "MAX_JOBS_PER_PAGE", "VENDOR"]

API_KEY = "sandbox-ti-key"
MAX_ASSET_BYTES = 10 * 1024 * 1024  # the sandbox's cap on one uploaded asset
MAX_IMPORT_ROWS = 1000  # the vendor's cap on its learner CSV import, applied to session files
_KEY = "thought-industries"
_API = "/incoming/v2"
_CONTENT_TYPES = {
    ".csv": "text/csv",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
_ANSWER_KEYS = {IN_PERSON: "APIBulkInPersonEventImport", "webinar": "APIBulkWebinarImport"}


def routes(ctx: SandboxContext) -> list[BaseRoute]:
    store = Store(ctx)

    def guarded(handler: Handler) -> Handler:
        return _guarded(ctx, handler)

    async def ping(request: Request) -> Response:
        return JSONResponse({"valid": True})

    async def upload(request: Request) -> Response:
        return await _upload(store, request)

    async def job(request: Request) -> Response:
        found = store.job(request.path_params["job_id"])
        if found is None:
            return _error(404, "not_found", "No background job with this id.")
        return JSONResponse({"data": {"APIBackgroundJob": found}})

    async def jobs(request: Request) -> Response:
        return _job_list(store, request)

    async def sessions(request: Request) -> Response:
        listed = store.sessions(request.query_params.get("jobId"))
        return JSONResponse({"data": {"sessions": listed}})

    async def courses(request: Request) -> Response:
        return JSONResponse({"data": {"courses": store.courses()}})

    def bulk(scope: str, kind: str) -> Route:
        async def endpoint(request: Request) -> Response:
            return await _bulk_import(store, request, scope, kind)

        path = f"{_API}/content/{scope}/{kind}/bulk"
        return Route(path, guarded(endpoint), methods=["POST"])

    return [
        Route(f"{_API}/ping", guarded(ping), methods=["GET"]),
        Route(f"{_API}/assets", guarded(upload), methods=["POST"]),
        *(bulk(scope, kind) for scope in ("session", "courseGroup") for kind in KINDS),
        Route(f"{_API}/jobs", guarded(jobs), methods=["GET"]),
        Route(f"{_API}/jobs/{{job_id}}", guarded(job), methods=["GET"]),
        Route(f"{_API}/_sandbox/sessions", guarded(sessions), methods=["GET"]),
        Route(f"{_API}/_sandbox/courses", guarded(courses), methods=["GET"]),
    ]


def _guarded(ctx: SandboxContext, handler: Handler) -> Handler:
    """The handler behind the API key check and the per-key rate limit, as every route is."""

    async def endpoint(request: Request) -> Response:
        key = _bearer_token(request)
        if key != API_KEY:
            return Response(status_code=401)  # the vendor answers a bad key with an empty body
        allowed, remaining, reset_in = ctx.take_request(_KEY, key)
        wait = math.ceil(reset_in)
        if allowed:
            response = await handler(request)
        else:
            response = error_response(429, max(wait, 1))
            response.headers["Retry-After"] = str(max(wait, 1))
        limit = ctx.rate_limits.get(_KEY)
        if limit is not None:
            response.headers["X-RateLimit-Limit"] = str(limit.requests)
            response.headers["X-RateLimit-Remaining"] = str(remaining)
            response.headers["X-RateLimit-Reset"] = str(wait)
        return response

    return endpoint


def _bearer_token(request: Request) -> str | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else None


def _error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"error": code, "message": message}, status_code=status)


async def _upload(store: Store, request: Request) -> Response:
    """Store a csv or xlsx file as an asset whose path a bulk import can name."""
    declared = request.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > MAX_ASSET_BYTES + 64 * 1024:
        async for _ in request.stream():  # read it all, so the client hears the answer
            pass
        return _too_large()
    try:
        async with request.form(max_files=1, max_fields=20) as form:
            part = form.get("file")
            if not isinstance(part, UploadFile):
                return _error(400, "bad_request", "Send the file as the multipart field 'file'.")
            data = await part.read(MAX_ASSET_BYTES + 1)
            filename = posixpath.basename((part.filename or "").replace("\\", "/")).strip()
    except (HTTPException, MultiPartException):
        return _error(400, "bad_request", "The request is not valid multipart/form-data.")
    if len(data) > MAX_ASSET_BYTES:
        return _too_large()
    return _store_asset(store, filename, data)


def _store_asset(store: Store, filename: str, data: bytes) -> Response:
    extension = posixpath.splitext(filename.lower())[1]
    if extension not in _CONTENT_TYPES:
        message = f"'{filename}' is not a .csv or .xlsx file; only those can be imported."
        return _error(422, "unprocessable_entity", message)
    if not data:
        return _error(422, "unprocessable_entity", f"'{filename}' is empty.")
    try:
        read_numbered_rows(data, filename)
    except UploadTooLarge as exc:
        return _error(413, "payload_too_large", f"The file is too large once read: {exc}.")
    except UnreadableFile as exc:
        return _error(422, "unprocessable_entity", f"The file could not be read: {exc}.")
    asset = store.add_asset(filename, _CONTENT_TYPES[extension], data)
    return JSONResponse({"data": {"APIAsset": asset}}, status_code=201)


def _too_large() -> Response:
    message = f"The file is larger than {MAX_ASSET_BYTES:,} bytes, the most an asset may have."
    return _error(413, "payload_too_large", message)


async def _bulk_import(store: Store, request: Request, scope: str, kind: str) -> Response:
    """Check each row of the named asset; unless it is a dry run, queue a job for the valid ones."""
    body, problem = await _import_request(request)
    if problem is not None:
        return problem
    path: str = body["bulkImportAssetPath"]
    dry_run: bool = body.get("dryRun") or False
    asset = store.asset(path)
    if asset is None:
        return _error(404, "not_found", f"No asset found at bulkImportAssetPath '{path}'.")
    try:
        header, rows = read_numbered_rows(asset[1], asset[0])
    except UnreadableFile as exc:
        return _error(422, "unprocessable_entity", f"The file could not be read: {exc}.")
    if len(rows) > MAX_IMPORT_ROWS:
        message = (
            f"The file has {len(rows)} rows; at most {MAX_IMPORT_ROWS} rows can be imported "
            "at once. Split it into smaller files."
        )
        return _error(422, "unprocessable_entity", message)
    checked = check_rows(header, rows, kind)
    job = None
    if not dry_run and checked.valid:
        job = store.create_job(kind, scope, path, checked.valid)
    answer = {
        "dryRun": dry_run,
        "validRows": checked.valid,
        "invalidRows": checked.invalid,
        "backgroundJob": job,
        "warnings": checked.warnings,
    }
    return JSONResponse({"data": {_ANSWER_KEYS[kind]: answer}})


async def _import_request(request: Request) -> tuple[dict[str, Any], Response | None]:
    """The bulk import's JSON body, or the vendor's 400 answer saying what is wrong with it."""
    try:
        body = json.loads(await request.body())
    except (UnicodeDecodeError, json.JSONDecodeError):
        return {}, _error(400, "bad_request", "The request body is not valid JSON.")
    if not isinstance(body, dict):
        return {}, _error(400, "bad_request", "The request body must be a JSON object.")
    path = body.get("bulkImportAssetPath")
    if not isinstance(path, str) or not path.strip():
        message = "bulkImportAssetPath is required: the path of an uploaded asset."
        return {}, _error(400, "bad_request", message)
    if body.get("dryRun") is not None and not isinstance(body["dryRun"], bool):
        return {}, _error(400, "bad_request", "dryRun must be true or false.")
    return body, None


MAX_JOBS_PER_PAGE = 100


def _job_list(store: Store, request: Request) -> Response:
    """GET /jobs: every background job, newest first, a page at a time (a sandbox route: the
    vendor documents only GET /jobs/{id})."""
    numbers: dict[str, int] = {}
    for name, default, most in (("page", 1, None), ("perPage", 50, MAX_JOBS_PER_PAGE)):
        text = request.query_params.get(name, str(default)).strip()
        if not text.isdigit() or int(text) < 1 or (most is not None and int(text) > most):
            limit = f"from 1 to {most}" if most else "of 1 or more"
            return _error(400, "bad_request", f"{name} must be a whole number {limit}.")
        numbers[name] = int(text)
    page, per_page = numbers["page"], numbers["perPage"]
    listed, total = store.jobs(page, per_page)
    answer = {
        "backgroundJobs": listed,
        "page": page,
        "perPage": per_page,
        "total": total,
        "hasMore": page * per_page < total,
    }
    return JSONResponse({"data": {"APIBackgroundJobs": answer}})


_ROUTE_ERRORS = {
    404: ("not_found", "The requested resource does not exist."),
    405: ("method_not_allowed", "The method is not allowed for this resource."),
}


def error_response(status: int, retry_after: int | None) -> JSONResponse:
    """An injected fault, or an unknown route or method, in Thought Industries' error shape."""
    if status in _ROUTE_ERRORS:
        code, message = _ROUTE_ERRORS[status]
        return JSONResponse({"error": code, "message": message}, status_code=status)
    if status == 429:
        wait = retry_after or 1
        return JSONResponse(
            {
                "error": "rate_limit_exceeded",
                "message": f"Rate limit exceeded. Try again in {wait} seconds.",
                "retryAfter": wait,
            },
            status_code=429,
        )
    code = "service_unavailable" if status == 503 else "internal_server_error"
    return JSONResponse({"error": code, "message": "Something went wrong."}, status_code=status)


VENDOR = Vendor(
    key="thought-industries",
    label="Thought Industries",
    prefix="/thought-industries",
    base_path="/thought-industries/incoming/v2",
    credentials=(("API key", API_KEY),),
    routes=routes,
    error_response=error_response,
)
