"""Sandbox: Plandocket's API (events, bulk import of contacts and participants, lists)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.responses import JSONResponse

from rowboat.sandbox.vendor import Vendor

if TYPE_CHECKING:
    from starlette.routing import BaseRoute

    from rowboat.sandbox.context import SandboxContext

__all__ = ["API_KEY", "READONLY_KEY", "VENDOR"]

API_KEY = "sandbox-pd-key"
READONLY_KEY = "sandbox-pd-readonly"


def routes(ctx: SandboxContext) -> list[BaseRoute]:
    return []


def error_response(status: int, retry_after: int | None) -> JSONResponse:
    """An injected fault in Plandocket's error shape (its 429 carries no rate headers)."""
    messages = {429: "Rate limit exceeded", 503: "Service unavailable"}
    return JSONResponse(
        {"error": messages.get(status, "Internal server error")}, status_code=status
    )


VENDOR = Vendor(
    key="plandocket",
    label="Plandocket",
    prefix="/plandocket",
    base_path="/plandocket/api/v1",
    credentials=(("API key", API_KEY), ("read-only key (events only)", READONLY_KEY)),
    routes=routes,
    error_response=error_response,
)
