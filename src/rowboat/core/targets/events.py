"""Which endpoints import into one event chosen for the whole import, and how it is asked for."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rowboat.core.targets.schema import Endpoint

__all__ = ["EventChoice", "event_choice"]


@dataclass(frozen=True)
class EventChoice:
    """How an endpoint asks for the event its rows go into.

    `field` is the endpoint field a row may fill to name its own event instead (None when rows
    cannot); `required` says whether submitting needs an event for the whole import.
    """

    label: str  # what the event is called in the target system
    help: str  # one plain sentence under the event field
    field: str | None
    required: bool


# Eloqua imports registrants into the event an import definition is created for; Plandocket
# participants name their event per row or take the import's event (event_key, see its help).
_CHOICES: dict[str, EventChoice] = {
    "eloqua.event-registrants": EventChoice(
        label="Eloqua event",
        help="The event the registrants are imported into; its fields decide the columns.",
        field=None,
        required=True,
    ),
    "plandocket.participants": EventChoice(
        label="Plandocket event key",
        help="The event the people take part in, unless a row names its own event key.",
        field="event_key",
        required=False,
    ),
}


def event_choice(endpoint: Endpoint) -> EventChoice | None:
    """How this endpoint asks for its event, or None when it imports into no event."""
    return _CHOICES.get(endpoint.id)
