"""The built-in Sandbox for the command line: a sandbox server on a free port, for one command.

Its state lives in data_dir()/sandbox.db, so what one command imported into the Sandbox is there
for the next (History, resume and job tracking work like with a real account). When
ROWBOAT_SANDBOX_URL names a running sandbox (`rowboat sandbox` in another window), that one is
used instead. The core never starts the sandbox: the CLI does, and hands its URL over.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from typing import TYPE_CHECKING

from rowboat.core.errors import ConfigurationError

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from rowboat.core.connections.model import Connection, Secrets
    from rowboat.core.connections.store import ConnectionStore

__all__ = [
    "SANDBOX_URL_VARIABLE",
    "connection_store",
    "resolve_connection",
    "running_sandbox",
    "sandbox_state_path",
]

SANDBOX_URL_VARIABLE = "ROWBOAT_SANDBOX_URL"


def sandbox_state_path() -> Path:
    from rowboat.core.paths import data_dir

    return data_dir() / "sandbox.db"


@contextlib.contextmanager
def running_sandbox(state_path: Path | None = None) -> Iterator[str]:
    """The URL of a sandbox that runs until the block ends; ConfigurationError, in plain words,
    when it cannot start (its state file damaged or not writable)."""
    given = os.environ.get(SANDBOX_URL_VARIABLE, "").strip()
    if given:
        yield given.rstrip("/")
        return
    from rowboat.sandbox.context import SandboxContext
    from rowboat.sandbox.server import SandboxServer

    path = state_path if state_path is not None else sandbox_state_path()
    ctx: SandboxContext | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        ctx = SandboxContext(state_path=path)
        server = SandboxServer(ctx=ctx)
    except (OSError, sqlite3.Error) as exc:
        if ctx is not None:
            ctx.close()
        raise ConfigurationError(
            f"The built-in Sandbox could not start with its state file '{path}'.",
            hint="The file only holds demo data: delete it to start the Sandbox afresh.",
            detail=f"{type(exc).__name__}: {exc}",
        ) from None
    try:
        server.start()
    except RuntimeError as exc:
        server.stop()
        raise ConfigurationError(
            "The built-in Sandbox did not start.",
            hint="Try again; if it keeps failing, run `rowboat sandbox` to see why.",
            detail=str(exc),
        ) from None
    try:
        yield server.url
    finally:
        server.stop()


@contextlib.contextmanager
def connection_store(connection_name: str | None = None) -> Iterator[ConnectionStore]:
    """The user's ConnectionStore; with the Sandbox running behind it when `connection_name`
    is the built-in Sandbox (any other name, or None, starts nothing)."""
    from rowboat.core.connections.store import ConnectionStore, is_sandbox_name

    if connection_name is None or not is_sandbox_name(connection_name):
        yield ConnectionStore()
        return
    with running_sandbox() as url:
        yield ConnectionStore(sandbox_url=url)


def resolve_connection(
    name: str, system: str, stack: contextlib.ExitStack
) -> tuple[Connection, Secrets]:
    """The connection `name` for `system` with its secrets, for a command that then uses it
    within `stack` (which keeps the Sandbox running, when that is the one named)."""
    store = stack.enter_context(connection_store(name))
    return store.resolve(name, system)
