"""open_carrier: the Carrier of an endpoint's system, from its vendor module (imported lazily)."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rowboat.core.clients._http import RetryPolicy
    from rowboat.core.connections.model import Connection, Secrets
    from rowboat.core.progress import Reporter
    from rowboat.core.submit.model import Carrier
    from rowboat.core.targets.schema import Endpoint

__all__ = ["VENDOR_MODULES", "open_carrier"]

# Each module offers make_carrier(endpoint, connection, secrets, report, policy) -> Carrier.
VENDOR_MODULES = {
    "thought-industries": "rowboat.core.submit.thought_industries",
    "eloqua": "rowboat.core.submit.eloqua",
    "plandocket": "rowboat.core.submit.plandocket",
    "thalamus": "rowboat.core.submit.thalamus",
}


def open_carrier(
    endpoint: Endpoint,
    connection: Connection,
    secrets: Secrets,
    report: Reporter,
    *,
    policy: RetryPolicy | None = None,
) -> Carrier:
    """The Carrier that takes `endpoint`'s rows to `connection`. Close it when done."""
    module = importlib.import_module(VENDOR_MODULES[endpoint.system])
    carrier: Carrier = module.make_carrier(endpoint, connection, secrets, report, policy)
    return carrier
