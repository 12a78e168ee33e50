"""Eloqua against the sandbox: an event's fields as the endpoint's schema (cached, and used offline
with a note), the events pick-list, and "Test connection"."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from rowboat.core.clients._http import RetryPolicy
from rowboat.core.clients.eloqua import list_events
from rowboat.core.clients.eloqua_schema import event_schema
from rowboat.core.connections.check import check_connection
from rowboat.core.connections.model import Connection, sandbox_connection, sandbox_secrets
from rowboat.core.errors import Rejected, Unavailable
from rowboat.core.targets.schema import FieldType
from rowboat.core.targets.schema_cache import SchemaCache, schema_key

if TYPE_CHECKING:
    from pathlib import Path

    from rowboat.sandbox.server import SandboxServer

FAST = RetryPolicy(attempts=2, base_delay=0.001, max_delay=0.001, timeout=5.0)
SECRETS = sandbox_secrets("eloqua")


class Notes:
    """A Reporter that keeps its notices."""

    def __init__(self) -> None:
        self.notices: list[str] = []

    def progress(self, done: int, total: int, what: str = "") -> None:
        return None

    def notice(self, text: str) -> None:
        self.notices.append(text)

    def raise_if_cancelled(self) -> None:
        return None


def test_an_events_fields_become_the_endpoints_schema(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    connection = sandbox_connection("eloqua", sandbox.url)
    endpoint = event_schema(connection, SECRETS, "15", policy=FAST, cache=SchemaCache(tmp_path))
    assert endpoint.schema_origin == "server"
    assert endpoint.field_keys == (
        "emailAddress", "firstName", "lastName", "Partner_Tier", "Region", "Registration_Date",
        "Number_of_Guests",
    )  # fmt: skip
    email = endpoint.field("emailAddress")
    assert (email.label, email.type, email.required, email.unique) == (
        "Email Address", FieldType.EMAIL, True, True,
    )  # fmt: skip
    assert email.help == "The registrant's email address; Eloqua recognises registrants by it."
    assert endpoint.field("lastName").required  # the Roadshow's mandatory last name
    assert not endpoint.field("firstName").required
    assert endpoint.field("Registration_Date").type is FieldType.DATE
    assert endpoint.field("Number_of_Guests").type is FieldType.DECIMAL
    assert "Number_of_Guests" in endpoint.field("Number_of_Guests").synonyms
    assert "event 15" in endpoint.description


def test_the_fields_are_cached_and_used_offline_with_the_date_fetched(
    sandbox: SandboxServer, tmp_path: Path
) -> None:
    cache = SchemaCache(tmp_path)
    online = sandbox_connection("eloqua", sandbox.url)
    fetched = event_schema(online, SECRETS, "12", policy=FAST, cache=cache)
    cached = cache.load(schema_key("Sandbox", "eloqua.event-registrants", "12"))
    assert cached is not None
    assert cached.endpoint == fetched
    offline = sandbox_connection("eloqua", "http://127.0.0.1:9")  # nothing listens there
    notes = Notes()
    again = event_schema(offline, SECRETS, "12", notes, FAST, cache)
    assert again == fetched
    assert notes.notices[-1].startswith(
        "Oracle Eloqua could not be reached, so the file is checked against the fields of "
        "event 12 as they were when last asked (fetched "
    )


def test_without_a_cached_copy_an_unreachable_server_is_said_plainly(tmp_path: Path) -> None:
    offline = sandbox_connection("eloqua", "http://127.0.0.1:9")
    with pytest.raises(Unavailable) as caught:
        event_schema(offline, SECRETS, "12", policy=FAST, cache=SchemaCache(tmp_path))
    assert caught.value.message == (
        "Oracle Eloqua could not be reached, and Rowboat has no saved copy of the fields of "
        "event 12 yet."
    )


def test_an_unknown_event_is_refused_by_name(sandbox: SandboxServer, tmp_path: Path) -> None:
    connection = sandbox_connection("eloqua", sandbox.url)
    with pytest.raises(Rejected, match="Oracle Eloqua has no event 99"):
        event_schema(connection, SECRETS, "99", policy=FAST, cache=SchemaCache(tmp_path))


def test_the_events_pick_list_comes_from_the_sandbox(sandbox: SandboxServer) -> None:
    events = list_events(sandbox_connection("eloqua", sandbox.url), SECRETS, policy=FAST)
    assert [(e.id, e.name) for e in events] == [
        ("12", "Customer Summit 2026"), ("15", "Partner Roadshow"),
    ]  # fmt: skip


def test_test_connection_against_the_sandbox_says_who_and_how_many_events(
    sandbox: SandboxServer,
) -> None:
    check = check_connection(sandbox_connection("eloqua", sandbox.url), SECRETS, policy=FAST)
    assert check.ok
    assert check.message == (
        "Connected to Oracle Eloqua as Sandbox\\demo (site Sandbox); 2 events can take registrants."
    )


def test_test_connection_with_a_wrong_password_is_refused_in_plain_words(
    sandbox: SandboxServer,
) -> None:
    connection = sandbox_connection("eloqua", sandbox.url)
    check = check_connection(connection, {"password": "wrong-password"}, policy=FAST)
    assert not check.ok
    assert check.message == "Eloqua refused the company name, user or password."
    wrong_site = Connection(
        **{**connection.model_dump(), "settings": {"site": "Other", "user": "demo"}}
    )
    assert not check_connection(wrong_site, SECRETS, policy=FAST).ok
