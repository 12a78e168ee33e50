"""Sandbox: Thought Industries' REST API (ping, asset upload, session bulk imports, jobs)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.responses import JSONResponse

from rowboat.sandbox.vendor import Vendor

if TYPE_CHECKING:
    from starlette.routing import BaseRoute

    from rowboat.sandbox.context import SandboxContext

__all__ = ["API_KEY", "VENDOR"]

API_KEY = "sandbox-ti-key"


def routes(ctx: SandboxContext) -> list[BaseRoute]:
    return []


def error_response(status: int, retry_after: int | None) -> JSONResponse:
    """An injected fault in Thought Industries' error shape."""
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
