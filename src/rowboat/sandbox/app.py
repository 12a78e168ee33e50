"""The sandbox's ASGI app: every vendor mounted under its own prefix, each behind its faults."""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse
from starlette.routing import Mount, Route

from rowboat.sandbox import eloqua, plandocket, thalamus, thought_industries
from rowboat.sandbox.faults import FaultMiddleware

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from starlette.requests import Request
    from starlette.responses import Response

    from rowboat.sandbox.context import SandboxContext
    from rowboat.sandbox.faults import Faults
    from rowboat.sandbox.vendor import Vendor

__all__ = ["VENDORS", "build_app"]

VENDORS: tuple[Vendor, ...] = (
    thought_industries.VENDOR,
    eloqua.VENDOR,
    plandocket.VENDOR,
    thalamus.VENDOR,
)


def build_app(ctx: SandboxContext, faults: Faults) -> Starlette:
    """One app for every vendor, each behind its fault plan in `faults`."""
    routes: list[Route | Mount] = [Route("/", _index, methods=["GET"])]
    for vendor in VENDORS:
        inner = Starlette(
            routes=vendor.routes(ctx),
            exception_handlers={HTTPException: _in_shape_of(vendor)},
        )
        app = FaultMiddleware(inner, vendor.key, faults, vendor.error_response)
        routes.append(Mount(vendor.prefix, app=app))
    return Starlette(routes=routes)


def _in_shape_of(vendor: Vendor) -> Callable[[Request, Exception], Awaitable[Response]]:
    """Unknown routes and methods (404, 405) answered in the vendor's own error shape."""

    async def answer(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        response = vendor.error_response(exc.status_code, None)
        response.headers.update(exc.headers or {})  # Allow, on a 405
        return response

    return answer


async def _index(request: Request) -> JSONResponse:
    """What is served here, for a person who opens the sandbox's address in a browser."""
    root = str(request.base_url).rstrip("/")
    return JSONResponse(
        {
            "name": "Rowboat sandbox",
            "vendors": [
                {
                    "key": v.key,
                    "label": v.label,
                    "base_url": root + v.base_path,
                    "credentials": dict(v.credentials),
                }
                for v in VENDORS
            ],
        }
    )
