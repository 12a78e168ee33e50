"""Sandbox: Oracle Eloqua (login discovery, Bulk API 2.0 event imports, syncs, logs, rejects)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.responses import JSONResponse

from rowboat.sandbox.vendor import Vendor

if TYPE_CHECKING:
    from starlette.routing import BaseRoute

    from rowboat.sandbox.context import SandboxContext

__all__ = ["PASSWORD", "USER", "VENDOR"]

USER = "Sandbox\\demo"
PASSWORD = "demo-password"


def routes(ctx: SandboxContext) -> list[BaseRoute]:
    return []


def error_response(status: int, retry_after: int | None) -> JSONResponse:
    """An injected fault in Eloqua's error shape."""
    messages = {
        429: "Too many requests.",
        500: "The service has encountered an internal server error.",
        503: "There was a timeout processing the request.",
    }
    message = messages.get(status, "The service has encountered an error.")
    return JSONResponse({"failures": [{"constraint": message}]}, status_code=status)


VENDOR = Vendor(
    key="eloqua",
    label="Oracle Eloqua",
    prefix="/eloqua",
    base_path="/eloqua",
    credentials=(("Basic auth user", USER), ("password", PASSWORD)),
    routes=routes,
    error_response=error_response,
)
