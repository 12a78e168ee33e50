"""SandboxServer: the sandbox served by uvicorn on 127.0.0.1, in a thread or in the foreground."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from typing import TYPE_CHECKING, Self

import uvicorn

from rowboat.sandbox.app import VENDORS, build_app
from rowboat.sandbox.context import SandboxContext
from rowboat.sandbox.faults import Faults, quiet_dropped_answers

if TYPE_CHECKING:
    from types import TracebackType

__all__ = ["SandboxServer"]


class _PromptServer(uvicorn.Server):
    """uvicorn's server, noticing a stop request within 10 ms instead of 100 ms.

    Tests start and stop a sandbox for each case; uvicorn's tenth-of-a-second poll was most of
    what that cost.
    """

    async def main_loop(self) -> None:
        counter = 0
        while not await self.on_tick(counter):
            counter = (counter + 1) % 864_000  # on_tick refreshes the Date header every 10th
            await asyncio.sleep(0.01)


class SandboxServer:
    """One sandbox on one port. `port=0` picks a free port; `url` tells which.

    Use `start()`/`stop()` (or `with`) to run it in a background thread, for the app and for
    tests; `serve_forever()` runs it in the calling thread until Ctrl+C.
    """

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        ctx: SandboxContext | None = None,
        faults: Faults | None = None,
        access_log: bool = False,
    ) -> None:
        self.ctx = ctx or SandboxContext()
        self.faults = faults or Faults(tuple(v.key for v in VENDORS), seed=self.ctx.seed)
        # IPPROTO_TCP named, not left 0: asyncio switches Nagle off (TCP_NODELAY) only on
        # sockets that say they are TCP, and with Nagle on every answer on a kept-alive
        # connection waited ~40 ms for the client's delayed ACK.
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self._socket = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            self._socket.bind((host, port))
        except OSError:
            self._socket.close()
            raise
        self.host, self.port = self._socket.getsockname()[:2]
        quiet_dropped_answers()
        config = uvicorn.Config(
            build_app(self.ctx, self.faults),
            http="h11",
            lifespan="off",
            log_config=None,
            log_level="info" if access_log else "warning",
            access_log=access_log,
            timeout_graceful_shutdown=1,
        )
        self._server = _PromptServer(config)
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def base_url(self, vendor: str) -> str:
        """The address a client of `vendor` is configured with."""
        for v in VENDORS:
            if v.key == vendor:
                return self.url + v.base_path
        raise KeyError(vendor)

    def start(self, timeout: float = 10.0) -> Self:
        """Serve in a daemon thread; return once the server accepts connections."""
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._socket]}, daemon=True,
            name="rowboat-sandbox",
        )  # fmt: skip
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the sandbox server did not start")
            time.sleep(0.01)
        return self

    def serve_forever(self) -> None:
        """Serve in this thread until Ctrl+C (uvicorn handles the signal and shuts down)."""
        try:
            self._server.run(sockets=[self._socket])
        except KeyboardInterrupt:
            pass  # uvicorn shut down cleanly, then raised the Ctrl+C again for its caller
        finally:
            self._socket.close()
            self.ctx.close()

    def stop(self) -> None:
        self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None
        self._socket.close()
        self.ctx.close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
