"""Sandbox: Thalamus' REST JSON API v4 (login, file imports, their status, results, templates).

The parts live beside this module: `thalamus_auth` (touchpoint, token, logins and sessions),
`thalamus_imports` (the import routes), `thalamus_store` (import records and their progress) and
`thalamus_templates` (import types, their columns and row checks).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.responses import JSONResponse

from rowboat.sandbox import thalamus_auth, thalamus_store
from rowboat.sandbox.thalamus_auth import LOGIN, PASSWORD, TOKEN, TOUCHPOINT, Gate, auth_routes
from rowboat.sandbox.thalamus_imports import import_routes
from rowboat.sandbox.vendor import Vendor

if TYPE_CHECKING:
    from starlette.routing import BaseRoute

    from rowboat.sandbox.context import SandboxContext

__all__ = ["LOGIN", "PASSWORD", "TOKEN", "TOUCHPOINT", "VENDOR"]


def routes(ctx: SandboxContext) -> list[BaseRoute]:
    thalamus_auth.create_tables(ctx)
    thalamus_store.create_tables(ctx)
    gate = Gate(ctx)
    return [*auth_routes(gate), *import_routes(ctx, gate)]


def error_response(status: int, retry_after: int | None) -> JSONResponse:
    """An injected fault, or an unknown route or method, in Thalamus' error shape."""
    codes = {
        404: "NotFound",
        405: "MethodNotAllowed",
        429: "TooManyRequests",
        503: "ServiceUnavailable",
    }
    return JSONResponse(
        {
            "errors": {
                "request" if status in (404, 405) else "server": codes.get(status, "InternalError")
            }
        },
        status_code=status,
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
