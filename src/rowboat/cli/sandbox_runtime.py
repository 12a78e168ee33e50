"""The built-in Sandbox for the commands that use it: started on a free port, for one command.

The core never imports the sandbox; a command that needs the Sandbox connection starts it here
and hands its address to ConnectionStore. Its state is kept in data_dir()/sandbox.db, so what a
user imported into the Sandbox is still there next time, as in a real account.
"""

from __future__ import annotations

import sqlite3
from contextlib import contextmanager
from typing import TYPE_CHECKING

from rowboat.core.errors import ConfigurationError

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from rowboat.core.connections.store import ConnectionStore

__all__ = ["connection_store", "running_sandbox", "sandbox_state_path"]


def sandbox_state_path() -> Path:
    from rowboat.core.paths import data_dir

    return data_dir() / "sandbox.db"


@contextmanager
def running_sandbox(state_path: Path | None = None) -> Iterator[str]:
    """Run the sandbox on 127.0.0.1 in a background thread; yield its address; stop it after."""
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


@contextmanager
def connection_store(connection_name: str | None = None) -> Iterator[ConnectionStore]:
    """The user's ConnectionStore; with the Sandbox running behind it when `connection_name`
    is the built-in Sandbox (any other name, or None, starts nothing)."""
    from rowboat.core.connections.store import ConnectionStore, is_sandbox_name

    if connection_name is None or not is_sandbox_name(connection_name):
        yield ConnectionStore()
        return
    with running_sandbox() as url:
        yield ConnectionStore(sandbox_url=url)
