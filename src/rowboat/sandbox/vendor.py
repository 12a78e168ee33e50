"""Vendor: what the sandbox must know of a vendor to mount it, announce it and fail like it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

    from starlette.responses import Response
    from starlette.routing import BaseRoute

    from rowboat.sandbox.context import SandboxContext

__all__ = ["Vendor"]


@dataclass(frozen=True)
class Vendor:
    """One vendor's API, mounted under `prefix` on the sandbox's single port.

    `routes(ctx)` builds the vendor's routes (paths below the prefix) and creates its tables.
    `error_response(status, retry_after)` answers an injected fault (429, 500, 503), an unknown
    route (404) or method (405) in the vendor's own error shape; `retry_after` is set for 429.
    `base_path` is what a client is configured with as the vendor's base URL, below the
    sandbox's address; `credentials` lists the demo credentials as (what, value) pairs for the
    start-up banner.
    """

    key: str
    label: str
    prefix: str
    base_path: str
    credentials: tuple[tuple[str, str], ...]
    routes: Callable[[SandboxContext], list[BaseRoute]]
    error_response: Callable[[int, int | None], Response]
