"""Eloqua sandbox: a new registrant needs every not-null field, however the value is missing."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tests.sandbox.test_eloqua_support import BULK, define, import_now, registrants

if TYPE_CHECKING:
    import httpx

    from rowboat.sandbox.context import ManualClock


def test_a_new_registrant_leaving_out_an_imported_not_null_key_is_rejected(
    eloqua: httpx.Client, clock: ManualClock
) -> None:
    uri = define(eloqua, event_id=15)["uri"]  # imports the Roadshow's mandatory last name
    records = [
        {"email": "ana@example.com", "lastName": "Arroyo"},
        {"email": "ben@example.com"},  # no lastName key at all
    ]
    sync_uri = import_now(eloqua, clock, uri, records)
    rejects = eloqua.get(f"{BULK}{sync_uri}/rejects").json()["items"]
    assert [(r["recordIndex"], r["invalidFields"], r["statusCode"]) for r in rejects] == [
        (2, ["lastName"], "ELQ-00061")
    ]
    assert rejects[0]["message"] == "Record rejected: Last Name is required."
    assert [r["Email_Address"] for r in registrants(eloqua, 15)] == ["ana@example.com"]


def test_an_existing_registrant_may_leave_out_an_imported_not_null_key(
    eloqua: httpx.Client, clock: ManualClock
) -> None:
    uri = define(eloqua, event_id=15)["uri"]
    import_now(eloqua, clock, uri, [{"email": "ana@example.com", "lastName": "Arroyo"}])
    import_now(eloqua, clock, uri, [{"email": "ana@example.com", "tier": "Gold"}])
    assert registrants(eloqua, 15) == [
        {"Email_Address": "ana@example.com", "Last_Name": "Arroyo", "Partner_Tier": "Gold"}
    ]
