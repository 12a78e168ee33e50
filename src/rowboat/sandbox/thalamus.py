"""Sandbox: thalamus (being written)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from starlette.routing import BaseRoute

    from rowboat.sandbox.context import SandboxContext


def routes(ctx: SandboxContext) -> list[BaseRoute]:
    return []
