"""SandboxService: the built-in Sandbox for the desktop app, started on demand and stopped at quit.

The first worker that needs the Sandbox (a test, the events, a plan, a submission) starts a
sandbox server in this process on a free port; its state lives in data_dir()/sandbox.db, so
History and resume work across restarts as with a real account. ROWBOAT_SANDBOX_URL names a
sandbox that runs elsewhere (`rowboat sandbox`) instead. The core never imports the sandbox: this
module starts it and hands its address over. Methods that start or stop it block (for up to a few
seconds): call them from workers, never from the GUI thread — except stop() at quit.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
from typing import TYPE_CHECKING

from rowboat.core.errors import ConfigurationError
from rowboat.core.paths import data_dir

if TYPE_CHECKING:
    from pathlib import Path

    from rowboat.sandbox.server import SandboxServer

__all__ = ["SANDBOX_URL_VARIABLE", "SandboxService", "sandbox_state_path"]

log = logging.getLogger(__name__)

SANDBOX_URL_VARIABLE = "ROWBOAT_SANDBOX_URL"


def sandbox_state_path() -> Path:
    return data_dir() / "sandbox.db"


class SandboxService:
    """One in-process sandbox, shared by every worker of the window (thread-safe).

    `state_path` is where it keeps its state (default: data_dir()/sandbox.db); `job_seconds` how
    long its jobs take at least (the tour makes them quick); `latency_ms` added to every answer
    (the bench's slow network); `server` a sandbox the caller started and keeps (tests hand one
    in, with a ManualClock); `url` one that runs elsewhere.
    """

    def __init__(
        self,
        *,
        state_path: Path | None = None,
        job_seconds: float | None = None,
        latency_ms: float = 0.0,
        server: SandboxServer | None = None,
        url: str | None = None,
    ) -> None:
        self._lock = threading.Lock()
        self._state_path = state_path
        self._job_seconds = job_seconds
        self._latency_ms = latency_ms
        self._given = server
        self._url = url or os.environ.get(SANDBOX_URL_VARIABLE, "").strip() or None
        self._server: SandboxServer | None = None

    @property
    def state_path(self) -> Path:
        return self._state_path if self._state_path is not None else sandbox_state_path()

    @property
    def running(self) -> bool:
        """Whether this service has a sandbox to hand out without starting one."""
        with self._lock:
            return self._given is not None or self._url is not None or self._server is not None

    @property
    def resettable(self) -> bool:
        """Only a sandbox this service starts itself keeps its state in a file it may delete."""
        return self._given is None and self._url is None

    def url(self) -> str:
        """The sandbox's address, starting it first if need be (blocks: call from a worker)."""
        if self._given is not None:
            return self._given.url
        if self._url is not None:
            return self._url.rstrip("/")
        with self._lock:
            if self._server is None:
                self._server = self._start()
            return self._server.url

    def stop(self) -> None:
        """Stop the sandbox this service started (at quit); one handed in is left running."""
        with self._lock:
            server, self._server = self._server, None
        if server is not None:
            server.stop()
            log.info("stopped the built-in sandbox")

    def reset(self) -> None:
        """Stop the sandbox and delete its state: the next use starts it empty (blocks)."""
        if not self.resettable:
            raise ConfigurationError(
                "This Sandbox runs outside Rowboat's window, so the window cannot reset it.",
                hint="Restart the sandbox you started yourself to empty it.",
            )
        self.stop()
        with self._lock:
            for suffix in ("", "-wal", "-shm"):
                part = self.state_path.with_name(self.state_path.name + suffix)
                try:
                    part.unlink(missing_ok=True)
                except OSError as exc:
                    raise ConfigurationError(
                        f"The Sandbox's file '{part}' could not be deleted.",
                        hint="Close any other Rowboat window, then try again.",
                        detail=f"{type(exc).__name__}: {exc}",
                    ) from None
        log.info("reset the built-in sandbox (%s)", self.state_path)

    def _start(self) -> SandboxServer:
        from rowboat.sandbox.context import SandboxContext
        from rowboat.sandbox.server import SandboxServer

        path = self.state_path
        ctx: SandboxContext | None = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            ctx = SandboxContext(state_path=path)
            if self._job_seconds is not None:
                ctx.job_seconds = self._job_seconds
                ctx.seconds_per_row = 0.0
            server = SandboxServer(ctx=ctx)
        except (OSError, sqlite3.Error) as exc:
            if ctx is not None:
                ctx.close()
            raise ConfigurationError(
                "The built-in Sandbox could not start with its file of demo data.",
                hint="Reset the Sandbox in Connections (it only holds demo data), then try again.",
                detail=f"{path}: {type(exc).__name__}: {exc}",
            ) from None
        if self._latency_ms:
            server.faults.configure(latency_ms=self._latency_ms)
        try:
            server.start()
        except RuntimeError as exc:
            server.stop()
            raise ConfigurationError(
                "The built-in Sandbox did not start.",
                hint="Try again; if it keeps failing, the log file says why.",
                detail=str(exc),
            ) from None
        log.info("started the built-in sandbox at %s (state in %s)", server.url, path)
        return server
