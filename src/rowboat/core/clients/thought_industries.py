"""Thought Industries' REST API: key check, asset upload, session bulk imports, background jobs.

Everything goes through HttpClient (timeouts, retries, plain errors) with the vendor's error shape
(`{"error", "message"}`, a 401 with an empty body, a 429 with Retry-After and `retryAfter`) and
its per-minute limit paced by the X-RateLimit-* headers (thought_industries_limits.py).

Two things the vendor does not document, configurable for a real site: where an import file is
uploaded (the connection's upload path; the sandbox's `POST /assets` by default), and a list of
background jobs to find the job of an asset whose import answer was lost (`GET /jobs`, newest
first: the sandbox's route). A site without that list answers 404, and the client says so.

A little over 400 lines: the client, its error shape and "Test connection" are read together.
"""

from __future__ import annotations

import contextlib
import time
from typing import TYPE_CHECKING, TypeVar
from urllib.parse import urlsplit

from rowboat.core.clients._http import HttpClient, RetryPolicy
from rowboat.core.clients.thought_industries_answers import (
    COMPLETE,
    FAILED,
    PROCESSING,
    QUEUED,
    Asset,
    BackgroundJob,
    BulkAnswer,
    JobSearch,
    bulk_answer,
    first_dict,
    json_body,
    moment,
    names_asset,
)
from rowboat.core.clients.thought_industries_limits import RateLimitPacer, read_rate_headers
from rowboat.core.connections.check import ConnectionCheck
from rowboat.core.connections.model import check_base_url
from rowboat.core.errors import (
    AuthFailed,
    ConnectionProblem,
    OutcomeUnknown,
    Rejected,
    TargetError,
    Unavailable,
)
from rowboat.core.progress import NULL_REPORTER, Reporter, wait

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    import httpx

    from rowboat.core.connections.model import Connection, Secrets
    from rowboat.core.targets.schema import Endpoint

__all__ = [
    "COMPLETE",
    "FAILED",
    "KEY_HINT",
    "PROCESSING",
    "QUEUED",
    "SYSTEM",
    "Asset",
    "BackgroundJob",
    "BulkAnswer",
    "JobSearch",
    "ThoughtIndustriesClient",
    "ThoughtIndustriesErrors",
    "check_connection",
    "open_client",
]

SYSTEM = "Thought Industries"
KEY_HINT = "Check it in Thought Industries under Settings → Security → API Key."
DEFAULT_UPLOAD_PATH = "/assets"
# The session bulk imports: endpoint id -> (route, the key the answer sits under).
_ROUTES = {
    "thought-industries.in-person-sessions": (
        "/content/session/inPersonEvent/bulk",
        "APIBulkInPersonEventImport",
    ),
    "thought-industries.webinar-sessions": (
        "/content/session/webinar/bulk",
        "APIBulkWebinarImport",
    ),
}
_ERROR_WORDS = {
    "bad_request": "the request was not understood",
    "not_found": "it does not exist",
    "unprocessable_entity": "the content could not be processed",
    "rate_limit_exceeded": "too many requests in a short time",
    "internal_server_error": "an error on its side",
    "service_unavailable": "it is not available right now",
}
_T = TypeVar("_T")
_JOB_PAGE_SIZE = 100
_JOB_PAGES = 20  # how far back the job list is searched without a time to stop at


class ThoughtIndustriesErrors:
    """How Thought Industries writes its errors (VendorErrors)."""

    def message(self, response: httpx.Response) -> str:
        body = json_body(response)
        if not isinstance(body, dict):
            return ""
        said, code = body.get("message"), body.get("error")
        if isinstance(said, str) and said.strip():
            return said.strip()
        if isinstance(code, str) and code.strip():
            return _ERROR_WORDS.get(code, code.replace("_", " "))
        return ""

    def retry_after(self, response: httpx.Response) -> float | None:
        """The longer of Retry-After and the body's retryAfter; else the rate window's reset."""
        said: list[float] = []
        body = json_body(response)
        if isinstance(body, dict) and isinstance(body.get("retryAfter"), int | float):
            said.append(float(body["retryAfter"]))
        with contextlib.suppress(ValueError):  # an HTTP date is left to HttpClient
            said.append(float(response.headers.get("Retry-After", "")))
        if said:
            return max(0.0, *said)
        now = time.time()
        reading = read_rate_headers(response.headers, now)
        if reading is not None and reading.remaining == 0:
            return max(0.0, reading.reset_at - now)
        return None

    def auth_hint(self, response: httpx.Response) -> str:
        if response.status_code == 403:
            return (
                "The API key is valid but lacks the role this needs; ask a Thought Industries "
                "administrator to allow it content imports."
            )
        return KEY_HINT


class ThoughtIndustriesClient:
    """One API key on one Thought Industries site (or the sandbox)."""

    def __init__(
        self,
        base_url: str,
        api_key: str,
        *,
        upload_path: str = DEFAULT_UPLOAD_PATH,
        policy: RetryPolicy | None = None,
        report: Reporter = NULL_REPORTER,
        pacer: RateLimitPacer | None = None,
        sleep: Callable[[float, Reporter], None] = wait,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.pacer = pacer or RateLimitPacer()
        self.upload_path = "/" + upload_path.strip().lstrip("/")
        self._http = HttpClient(
            base_url,
            system=SYSTEM,
            errors=ThoughtIndustriesErrors(),
            headers={"Authorization": f"Bearer {api_key}", "Accept": "application/json"},
            secrets=(api_key,),
            policy=policy,
            budget=self.pacer,
            report=report,
            sleep=sleep,
            transport=transport,
        )
        self._http.raw.event_hooks = {"response": [self.pacer.observe]}

    @property
    def host(self) -> str:
        return urlsplit(self._http.base_url).netloc

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> ThoughtIndustriesClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def ping(self) -> bool:
        """Whether the key is good (AuthFailed when it is refused)."""
        response = self._http.request("GET", "/ping", what="the key check", idempotent=True)
        body = json_body(response)
        return isinstance(body, dict) and body.get("valid") is True

    def upload(self, filename: str, data: bytes, content_type: str) -> Asset:
        """Store an import file; retried freely, since an extra asset harms nothing."""
        try:
            response = self._http.request(
                "POST",
                self.upload_path,
                what="the import file",
                idempotent=True,
                files={"file": (filename, data, content_type)},
            )
        except Rejected as exc:
            if exc.status in (404, 405):
                raise ConnectionProblem(
                    f"Thought Industries takes no uploads at '{self.upload_path}' "
                    f"({exc.status}), so Rowboat cannot upload the import file.",
                    hint="Set the upload path in Connections, or upload the file in Thought "
                    "Industries yourself and give Rowboat its path.",
                    detail=exc.detail,
                ) from None
            raise
        body = json_body(response)
        asset = first_dict(body, "data", "APIAsset") or (body if isinstance(body, dict) else {})
        path = asset.get("path")
        if not isinstance(path, str) or not path.strip():
            raise Unavailable(
                "Thought Industries stored the import file but did not say where.",
                hint="Check the upload path in Connections.",
                detail=f"upload answer: {response.text[:500]}",
            )
        return Asset(path=path, created_at=str(asset.get("createdAt") or ""))

    def bulk_import(self, endpoint_id: str, asset_path: str, *, dry_run: bool) -> BulkAnswer:
        """Post the asset's path to the endpoint's bulk route. Not idempotent: OutcomeUnknown
        when the import may have started without an answer."""
        route, key = _ROUTES[endpoint_id]
        body: dict[str, object] = {"bulkImportAssetPath": asset_path}
        if dry_run:  # sent only when asked, as the vendor documents no default for it
            body["dryRun"] = True
        response = self._http.request(
            "POST", route, what="the sessions", idempotent=False, json=body
        )
        try:
            return bulk_answer(json_body(response), key)
        except ValueError as exc:
            raise OutcomeUnknown(
                "Thought Industries answered the import in a form Rowboat cannot read, so it "
                "cannot tell yet whether the sessions arrived.",
                hint="Rowboat checks with Thought Industries before sending anything again.",
                detail=f"{exc}: {response.text[:500]}",
            ) from None

    def job(self, job_id: str) -> BackgroundJob | None:
        """The job as it stands now; None when the site no longer knows it (404)."""
        try:
            response = self._http.request(
                "GET", f"/jobs/{job_id}", what="a request for the import job", idempotent=True
            )
        except Rejected as exc:
            if exc.status == 404:
                return None
            raise
        return _readable(response, lambda b: BackgroundJob.from_json(
            first_dict(b, "data", "APIBackgroundJob")))  # fmt: skip

    def find_job(
        self, asset_path: str, *, since: str = "", skip: frozenset[str] = frozenset()
    ) -> JobSearch:
        """The job importing `asset_path`, from the job list (newest first): the first whose
        description names the asset, other than those in `skip`. With `since` (the asset's
        upload time) the search stops at jobs older than the asset."""
        oldest = moment(since)
        for jobs, last in self._job_pages():
            if jobs is None:
                return JobSearch(job=None, certain=False, offered=False)
            for job in jobs:
                if job.id not in skip and names_asset(job.description, asset_path):
                    return JobSearch(job=job, certain=True)
                created = moment(job.created_at)
                if oldest is not None and created is not None and created < oldest:
                    return JobSearch(job=None, certain=True)
            if last:
                return JobSearch(job=None, certain=True)
        return JobSearch(job=None, certain=False)

    def jobs_naming(self, asset_path: str) -> list[BackgroundJob] | None:
        """Every listed job whose description names the asset (as far back as the search
        goes); None when the site has no job list."""
        found: list[BackgroundJob] = []
        for jobs, _ in self._job_pages():
            if jobs is None:
                return None
            found.extend(j for j in jobs if names_asset(j.description, asset_path))
        return found

    def listed_jobs(self, job_ids: set[str], pages: int = 2) -> dict[str, BackgroundJob] | None:
        """Those of `job_ids` on the first `pages` of the job list (an import's jobs are among
        the newest), so that many jobs are followed with a request or two instead of one each;
        None when the site has no job list."""
        found: dict[str, BackgroundJob] = {}
        for jobs, _ in self._job_pages(pages):
            if jobs is None:
                return None
            found.update((j.id, j) for j in jobs if j.id in job_ids)
            if len(found) == len(job_ids):
                break
        return found

    def _job_pages(
        self, pages: int = _JOB_PAGES
    ) -> Iterator[tuple[list[BackgroundJob] | None, bool]]:
        """(jobs, is the last page) for each page of the job list, newest first, up to `pages`
        pages; (None, True) once when the site has no job list."""
        for page in range(1, pages + 1):
            listed = self._jobs_page(page)
            if listed is None:
                yield None, True
                return
            jobs, more = listed
            yield jobs, not more or not jobs
            if not more or not jobs:
                return

    def _jobs_page(self, page: int) -> tuple[list[BackgroundJob], bool] | None:
        try:
            response = self._http.request(
                "GET",
                "/jobs",
                what="the list of import jobs",
                idempotent=True,
                params={"page": page, "perPage": _JOB_PAGE_SIZE},
            )
        except Rejected as exc:
            if exc.status in (404, 405):
                return None
            raise

        def parse(body: object) -> tuple[list[BackgroundJob], bool]:
            listing = first_dict(body, "data", "APIBackgroundJobs")
            jobs = listing.get("backgroundJobs")
            if not isinstance(jobs, list):
                raise ValueError("no backgroundJobs list")
            return [BackgroundJob.from_json(j) for j in jobs], listing.get("hasMore") is True

        return _readable(response, parse)


def open_client(
    connection: Connection,
    secrets: Secrets,
    *,
    report: Reporter = NULL_REPORTER,
    policy: RetryPolicy | None = None,
    sleep: Callable[[float, Reporter], None] = wait,
    clock: Callable[[], float] = time.time,
    transport: httpx.BaseTransport | None = None,
) -> ThoughtIndustriesClient:
    """A client for a saved connection; ConnectionProblem when it lacks its key or is unsafe."""
    base_url = check_base_url(connection.base_url, SYSTEM)
    api_key = secrets.get("api_key", "").strip()
    if not api_key:
        raise ConnectionProblem(
            f"The connection '{connection.name}' has no Thought Industries API key.",
            hint="Add the API key in Connections. " + KEY_HINT,
        )
    upload_path = connection.setting("upload_path") or DEFAULT_UPLOAD_PATH
    if "://" in upload_path or not upload_path.strip():
        raise ConnectionProblem(
            f"The upload path '{upload_path}' is not a path below the API address.",
            hint="Give a path such as /assets, or leave it empty.",
        )
    return ThoughtIndustriesClient(
        base_url,
        api_key,
        upload_path=upload_path,
        policy=policy,
        report=report,
        pacer=RateLimitPacer(clock=clock),
        sleep=sleep,
        transport=transport,
    )


def check_connection(
    connection: Connection,
    secrets: Secrets,
    endpoint: Endpoint | None = None,
    report: Reporter = NULL_REPORTER,
    policy: RetryPolicy | None = None,
    *,
    transport: httpx.BaseTransport | None = None,
) -> ConnectionCheck:
    """ "Test connection": the key checked by GET /ping. Thought Industries has no read that
    shows an import's permissions without importing, so `endpoint` changes nothing."""
    with open_client(
        connection, secrets, report=report, policy=policy, transport=transport
    ) as client:
        try:
            valid = client.ping()
        except AuthFailed as exc:
            if exc.status == 401:
                return ConnectionCheck(
                    ok=False, message="The API key was refused (401).", hint=KEY_HINT,
                    detail=exc.detail,
                )  # fmt: skip
            return ConnectionCheck(ok=False, message=exc.message, hint=exc.hint, detail=exc.detail)
        except TargetError as exc:
            return ConnectionCheck(ok=False, message=exc.message, hint=exc.hint, detail=exc.detail)
        if valid:
            return ConnectionCheck(
                ok=True,
                message=f"Connected to Thought Industries at {client.host}; the API key is valid.",
            )
        return ConnectionCheck(
            ok=False,
            message="Thought Industries answered the key check without accepting the API key.",
            hint=KEY_HINT,
        )


def _readable(response: httpx.Response, parse: Callable[[object], _T]) -> _T:
    """A read's answer parsed, or Unavailable when it is not in the shape the vendor documents."""
    try:
        return parse(json_body(response))
    except ValueError as exc:
        raise Unavailable(
            "Thought Industries answered in a form Rowboat cannot read.",
            hint="Try again later; if it keeps happening, check the API address in Connections.",
            detail=f"{response.request.method} {response.request.url.path}: {exc}: "
            f"{response.text[:500]}",
        ) from None
