"""Sandbox: Thalamus' REST JSON API v4 (login, file imports, their status, results, templates)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.responses import JSONResponse

from rowboat.sandbox.vendor import Vendor

if TYPE_CHECKING:
    from starlette.routing import BaseRoute

    from rowboat.sandbox.context import SandboxContext

__all__ = ["LOGIN", "PASSWORD", "TOKEN", "TOUCHPOINT", "VENDOR"]

TOUCHPOINT = "sandbox"
TOKEN = "sandbox-token"
LOGIN = "demo@example.com"
PASSWORD = "demo1234"


def routes(ctx: SandboxContext) -> list[BaseRoute]:
    return []


def error_response(status: int, retry_after: int | None) -> JSONResponse:
    """An injected fault in Thalamus' error shape."""
    codes = {429: "TooManyRequests", 503: "ServiceUnavailable"}
    return JSONResponse(
        {"errors": {"server": codes.get(status, "InternalError")}}, status_code=status
    )


VENDOR = Vendor(
    key="thalamus",
    label="Thalamus",
    prefix="/thalamus",
    base_path="/thalamus/api/v4",
    credentials=(
        ("touchpoint", TOUCHPOINT),
        ("token", TOKEN),
        ("login", LOGIN),
        ("password", PASSWORD),
    ),
    routes=routes,
    error_response=error_response,
)
