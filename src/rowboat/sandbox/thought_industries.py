"""Sandbox: thought_industries (being written)."""

from __future__ import annotations

from starlette.routing import BaseRoute

from rowboat.sandbox.context import SandboxContext


def routes(ctx: SandboxContext) -> list[BaseRoute]:
    return []
