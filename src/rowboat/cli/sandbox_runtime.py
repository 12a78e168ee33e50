"""The built-in Sandbox for the command line: a sandbox server on a free port, for one command.

Its state lives in data_dir()/sandbox.db, so what one command imported into the Sandbox is there
for the next (History, resume and job tracking work like with a real account). When
ROWBOAT_SANDBOX_URL names a running sandbox (`rowboat sandbox` in another window), that one is
used instead. The core never starts the sandbox: the CLI does, and hands its URL over.
"""

from __future__ import annotations

import contextlib
import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = ["SANDBOX_URL_VARIABLE", "running_sandbox"]

SANDBOX_URL_VARIABLE = "ROWBOAT_SANDBOX_URL"


@contextlib.contextmanager
def running_sandbox() -> Iterator[str]:
    """The URL of a sandbox that runs until the block ends."""
    given = os.environ.get(SANDBOX_URL_VARIABLE, "").strip()
    if given:
        yield given.rstrip("/")
        return
    from rowboat.core.paths import data_dir
    from rowboat.sandbox.context import SandboxContext
    from rowboat.sandbox.server import SandboxServer

    folder = data_dir()
    folder.mkdir(parents=True, exist_ok=True)
    server = SandboxServer(ctx=SandboxContext(state_path=folder / "sandbox.db"))
    server.start()
    try:
        yield server.url
    finally:
        server.stop()
