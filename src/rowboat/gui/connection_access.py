"""ConnectionAccess: the window's way to the user's connections and the built-in Sandbox.

The saved connections are listed from the settings file (a small local file, read on the GUI
thread); everything that may wait — the keychain (which can ask the user to unlock it), starting
the Sandbox, the network — goes through `resolve()` and `store()`, called from workers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rowboat.core.connections.store import ConnectionStore, is_sandbox_name

if TYPE_CHECKING:
    from pathlib import Path

    from rowboat.core.connections.model import Connection, Secrets
    from rowboat.core.connections.secrets import SecretStore
    from rowboat.gui.sandbox_service import SandboxService

__all__ = ["ConnectionAccess"]


class ConnectionAccess:
    """The settings file and keychain of connections (defaults: the user's), and the Sandbox."""

    def __init__(
        self,
        sandbox: SandboxService,
        *,
        path: Path | None = None,
        secrets: SecretStore | None = None,
    ) -> None:
        self.sandbox = sandbox
        self._path = path
        self._secrets = secrets

    def store(self, *, with_sandbox: bool = False) -> ConnectionStore:
        """A ConnectionStore over the user's connections; with the Sandbox's connections when
        asked (which starts the Sandbox: call from a worker)."""
        url = self.sandbox.url() if with_sandbox else None
        return ConnectionStore(self._path, secrets=self._secrets, sandbox_url=url)

    def saved(self, system: str | None = None) -> list[Connection]:
        """The saved connections (no Sandbox, no secrets), in the order they were added."""
        return self.store().list(system)

    def resolve(self, name: str, system: str) -> tuple[Connection, Secrets]:
        """The connection `name` of `system` with its secrets (blocks: call from a worker)."""
        return self.store(with_sandbox=is_sandbox_name(name)).resolve(name, system)
