"""Sandbox: Oracle Eloqua (login discovery, Bulk API 2.0 event imports, syncs, logs, rejects)."""

from __future__ import annotations

import base64
import binascii
import re
from typing import TYPE_CHECKING

from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from rowboat.sandbox.eloqua_common import CREATED_BY
from rowboat.sandbox.eloqua_db import create_tables
from rowboat.sandbox.eloqua_events import routes as event_routes
from rowboat.sandbox.eloqua_imports import Imports
from rowboat.sandbox.eloqua_syncs import Syncs
from rowboat.sandbox.vendor import Vendor

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from starlette.requests import Request
    from starlette.routing import BaseRoute

    from rowboat.sandbox.context import SandboxContext
    from rowboat.sandbox.eloqua_common import ApiRoute

__all__ = ["PASSWORD", "USER", "VENDOR"]

USER = "Sandbox\\demo"
PASSWORD = "demo-password"


def _authorized(request: Request) -> bool:
    """HTTP Basic of `Site\\User` and the password, as Eloqua's APIs take it."""
    scheme, _, encoded = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return False
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return False
    user, _, password = decoded.partition(":")
    return user == USER and password == PASSWORD


def _guarded(
    endpoint: Callable[[Request], Awaitable[Response]],
) -> Callable[[Request], Awaitable[Response]]:
    async def guarded(request: Request) -> Response:
        if not _authorized(request):
            # Eloqua answers a refused login with an empty 401.
            return Response(status_code=401, headers={"WWW-Authenticate": 'Basic realm="Eloqua"'})
        return await endpoint(request)

    return guarded


def _any_case(route: Route) -> Route:
    """The route, matching its path in any letter case: Eloqua takes /API/Bulk/2.0 and
    /api/bulk/2.0 alike (path parameters are numbers, so no value changes meaning)."""
    route.path_regex = re.compile(route.path_regex.pattern, re.IGNORECASE)
    return route


async def _login_discovery(request: Request) -> Response:
    """`GET /id`: who is logged in and where the site's APIs are (login.eloqua.com/id)."""
    if not _authorized(request):
        return JSONResponse("Not authenticated.")  # a 200, as Eloqua reportedly answers
    url = request.url
    root = f"{url.scheme}://{url.netloc}{request.scope.get('root_path', '')}"
    return JSONResponse(
        {
            "site": {"id": 1, "name": "Sandbox"},
            "user": {
                "id": 9,
                "username": CREATED_BY,
                "displayName": "Demo User",
                "emailAddress": "demo@example.com",
            },
            "urls": {
                "base": root,
                "apis": {
                    "soap": {"standard": f"{root}/API/{{version}}/Service.svc"},
                    "rest": {
                        "standard": f"{root}/api/rest/{{version}}/",
                        "bulk": f"{root}/api/bulk/{{version}}/",
                    },
                },
            },
        }
    )


def routes(ctx: SandboxContext) -> list[BaseRoute]:
    create_tables(ctx)
    api: list[ApiRoute] = [*event_routes(), *Imports(ctx).routes(), *Syncs(ctx).routes()]
    return [
        _any_case(Route("/id", _login_discovery, methods=["GET"])),
        *(_any_case(Route(a.path, _guarded(a.endpoint), methods=list(a.methods))) for a in api),
    ]


def error_response(status: int, retry_after: int | None) -> JSONResponse:
    """An injected fault, or an unknown route or method, in Eloqua's error shape."""
    messages = {
        404: "The requested resource was not found.",
        405: "The method is not allowed for the requested resource.",
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
