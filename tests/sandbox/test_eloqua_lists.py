"""Eloqua sandbox: the lists of an event's import definitions and of syncs, which a client reads
to find out what became of a create whose answer was lost."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tests.sandbox.test_eloqua_support import BULK, define, post_data, start_sync

if TYPE_CHECKING:
    import httpx

    from rowboat.sandbox.context import ManualClock


def test_an_events_definitions_are_listed_oldest_first_and_paged(eloqua: httpx.Client) -> None:
    first = define(eloqua, name="Rowboat one")
    define(eloqua, event_id=15, name="Rowboat elsewhere")
    second = define(eloqua, name="Rowboat two")
    answer = eloqua.get(f"{BULK}/events/12/imports", params={"limit": 1}).json()
    assert answer["totalResults"] == 2
    assert answer["hasMore"] is True
    assert answer["items"] == [first]
    rest = eloqua.get(f"{BULK}/events/12/imports", params={"offset": 1}).json()
    assert [item["name"] for item in rest["items"]] == ["Rowboat two"]
    assert rest["items"][0]["uri"] == second["uri"]
    assert rest["hasMore"] is False


def test_the_definitions_list_of_an_unknown_event_answers_404(eloqua: httpx.Client) -> None:
    answer = eloqua.get(f"{BULK}/events/99/imports")
    assert answer.status_code == 404
    assert answer.json()["failures"][0]["constraint"] == "The requested event was not found."


def test_an_auto_deleted_definition_drops_out_of_the_list(
    eloqua: httpx.Client, clock: ManualClock
) -> None:
    define(eloqua, name="Short-lived", autoDeleteDuration="PT1H")
    kept = define(eloqua, name="Kept")
    clock.advance(3601)
    items = eloqua.get(f"{BULK}/events/12/imports").json()["items"]
    assert [item["uri"] for item in items] == [kept["uri"]]


def test_syncs_are_listed_with_their_state_on_the_sandbox_clock(
    eloqua: httpx.Client, clock: ManualClock
) -> None:
    uri = define(eloqua)["uri"]
    assert post_data(eloqua, uri, [{"email": "ana@example.com"}]).status_code == 204
    sync_uri = start_sync(eloqua, uri)
    listed = eloqua.get(f"{BULK}/syncs").json()
    assert listed["totalResults"] == 1
    assert listed["items"][0]["uri"] == sync_uri
    assert listed["items"][0]["syncedInstanceUri"] == uri
    assert listed["items"][0]["status"] == "pending"
    clock.advance(3600)
    ended = eloqua.get(f"{BULK}/syncs", params={"limit": 1000, "offset": 0}).json()["items"][0]
    assert ended["status"] == "success"
    assert "syncEndedAt" in ended
    # Listing processed the sync once: its logs are there, and reading it again agrees.
    assert eloqua.get(BULK + sync_uri).json()["status"] == "success"
    assert eloqua.get(f"{BULK}{sync_uri}/logs").json()["totalResults"] > 0


def test_the_syncs_list_refuses_a_limit_over_1000(eloqua: httpx.Client) -> None:
    answer = eloqua.get(f"{BULK}/syncs", params={"limit": 1001})
    assert answer.status_code == 400
    assert answer.json()["failures"][0]["field"] == "limit"
