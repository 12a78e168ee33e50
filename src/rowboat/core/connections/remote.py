"""What a connection tells about its endpoints: run-time schemas and the events to choose from.

Eloqua defines each event's fields on the server and Thalamus serves each import type's
template; both are fetched here (and cached for offline validation by their client modules).
Eloqua registrants and Plandocket participants go into an event chosen from the server's list.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rowboat.core.errors import ConfigurationError
from rowboat.core.progress import NULL_REPORTER
from rowboat.core.targets.events import event_choice

if TYPE_CHECKING:
    from rowboat.core.clients._http import RetryPolicy
    from rowboat.core.connections.model import Connection, Secrets
    from rowboat.core.progress import Reporter
    from rowboat.core.targets.schema import Endpoint
    from rowboat.core.targets.schema_cache import SchemaCache

__all__ = ["Choice", "event_choices", "needs_event", "server_schema"]


@dataclass(frozen=True)
class Choice:
    key: str  # what the import is given ("12", "summit-2026")
    label: str  # what the user reads ("Customer Summit 2026 (2026-06-16 – 2026-06-18, Berlin)")


def needs_event(endpoint: Endpoint) -> bool:
    """Whether the endpoint's rows go into an event picked from the server's list."""
    return event_choice(endpoint) is not None


def event_choices(
    endpoint: Endpoint,
    connection: Connection,
    secrets: Secrets,
    report: Reporter = NULL_REPORTER,
    policy: RetryPolicy | None = None,
) -> list[Choice]:
    """The events the endpoint's rows can go into, as the server lists them ([] when the
    endpoint takes no event)."""
    if endpoint.id == "eloqua.event-registrants":
        from rowboat.core.clients.eloqua import list_events

        return [
            Choice(e.id, e.name)
            for e in list_events(connection, secrets, report=report, policy=policy)
        ]
    if endpoint.id == "plandocket.participants":
        from rowboat.core.clients.plandocket import PlandocketClient

        with PlandocketClient.from_connection(
            connection, secrets, paced=False, policy=policy, report=report
        ) as client:
            return [Choice(e.key, e.label) for e in client.list_events()]
    return []


def server_schema(
    endpoint: Endpoint,
    connection: Connection,
    secrets: Secrets,
    event: str | None = None,
    report: Reporter = NULL_REPORTER,
    policy: RetryPolicy | None = None,
    cache: SchemaCache | None = None,
) -> Endpoint:
    """The endpoint's fields as the server defines them now (or as last fetched, when it cannot
    be reached); the endpoint unchanged for systems whose fields are documented."""
    if endpoint.system == "eloqua":
        if not event:
            raise ConfigurationError(
                "Eloqua defines its fields per event: choose the event first.",
                hint="Give the event's id with --event (see `rowboat events`).",
            )
        from rowboat.core.clients.eloqua_schema import event_schema

        return event_schema(connection, secrets, event, report, policy, cache)
    if endpoint.system == "thalamus":
        from rowboat.core.clients.thalamus import template_schema

        return template_schema(connection, secrets, endpoint, report, policy, cache)
    return endpoint
