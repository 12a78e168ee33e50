"""check_connection: "Test connection" for any system, from its client module (imported lazily)."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rowboat.core.errors import ConnectionProblem
from rowboat.core.progress import NULL_REPORTER

if TYPE_CHECKING:
    from rowboat.core.clients._http import RetryPolicy
    from rowboat.core.connections.model import Connection, Secrets
    from rowboat.core.progress import Reporter
    from rowboat.core.targets.schema import Endpoint

__all__ = ["CLIENT_MODULES", "ConnectionCheck", "check_connection"]

# Each module offers check_connection(connection, secrets, endpoint, report, policy)
# -> ConnectionCheck, and raises nothing but RowboatError.
CLIENT_MODULES = {
    "thought-industries": "rowboat.core.clients.thought_industries",
    "eloqua": "rowboat.core.clients.eloqua",
    "plandocket": "rowboat.core.clients.plandocket",
    "thalamus": "rowboat.core.clients.thalamus",
}


@dataclass(frozen=True)
class ConnectionCheck:
    """What "Test connection" found, in plain words."""

    ok: bool
    message: str  # "Connected to Plandocket as sandbox-pd-key; it may import contacts and …"
    hint: str = ""  # the next step when not ok ("Check it in Plandocket under …")
    detail: str = ""  # technical detail for a Details expander (never a secret)


def check_connection(
    connection: Connection,
    secrets: Secrets,
    endpoint: Endpoint | None = None,
    report: Reporter = NULL_REPORTER,
    policy: RetryPolicy | None = None,
) -> ConnectionCheck:
    """Log in and read something harmless; with `endpoint`, also check it may be imported into."""
    name = CLIENT_MODULES[connection.system]
    try:
        module = importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name != name:
            raise  # the client exists but lacks something it imports: a real fault
        raise ConnectionProblem(
            f"This version of Rowboat cannot test {connection.spec.label} connections yet.",
            hint="Update Rowboat, or try the connection with an import.",
            detail=f"no module {name}",
        ) from None
    check: ConnectionCheck = module.check_connection(connection, secrets, endpoint, report, policy)
    return check
