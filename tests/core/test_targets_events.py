"""Endpoints that import into one event say so, and how the event is asked for."""

from __future__ import annotations

from rowboat.core.targets import get_endpoint, list_endpoints
from rowboat.core.targets.events import event_choice


def test_eloqua_registrants_need_an_event_for_the_whole_import() -> None:
    choice = event_choice(get_endpoint("eloqua.event-registrants"))
    assert choice is not None
    assert choice.required
    assert choice.field is None


def test_plandocket_participants_take_the_import_event_unless_a_row_names_one() -> None:
    endpoint = get_endpoint("plandocket.participants")
    choice = event_choice(endpoint)
    assert choice is not None
    assert not choice.required
    assert choice.field == "event_key"
    assert choice.field in endpoint.field_keys


def test_other_endpoints_import_into_no_event() -> None:
    with_event = {"eloqua.event-registrants", "plandocket.participants"}
    for endpoint in list_endpoints():
        assert (event_choice(endpoint) is not None) == (endpoint.id in with_event)
