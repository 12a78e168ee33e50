"""Plandocket's "Test connection": the key reads the events, then asks each import scope.

A 401 says the key is wrong; a 403 on a list says the key lacks that list's scope, which is how
a harmless one-item read of contacts and of participants tells what the key may import.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rowboat.core.clients.plandocket import KEYS_PAGE, SCOPE_READS, PlandocketClient
from rowboat.core.connections.check import ConnectionCheck
from rowboat.core.errors import AuthFailed, Cancelled, RateLimited, Rejected, RowboatError
from rowboat.core.progress import NULL_REPORTER

if TYPE_CHECKING:
    from rowboat.core.clients._http import RetryPolicy
    from rowboat.core.connections.model import Connection, Secrets
    from rowboat.core.progress import Reporter
    from rowboat.core.targets.schema import Endpoint

__all__ = ["check_client", "check_connection", "key_name"]


def key_name(connection: Connection, api_key: str) -> str:
    """How messages name the key without showing it: the Sandbox's public demo keys by name,
    a real key by its last four characters (enough to tell keys apart, too few to use)."""
    if connection.builtin:
        return api_key
    if len(api_key) >= 12:
        return f"the key ending in …{api_key[-4:]}"
    return "the saved API key"


def check_connection(
    connection: Connection,
    secrets: Secrets,
    endpoint: Endpoint | None = None,
    report: Reporter = NULL_REPORTER,
    policy: RetryPolicy | None = None,
) -> ConnectionCheck:
    """ "Test connection": the key read the events, and asked for each import scope."""
    kind = endpoint.id.rpartition(".")[2] if endpoint is not None else None
    try:
        # Unpaced: three reads never strain the limit, and a 429 should say so, not wait.
        client = PlandocketClient.from_connection(
            connection, secrets, paced=False, policy=policy, report=report
        )
    except RowboatError as exc:
        return ConnectionCheck(False, exc.message, hint=exc.hint, detail=exc.detail)
    with client:
        return check_client(client, key_name(connection, secrets.get("api_key", "").strip()), kind)


def check_client(client: PlandocketClient, who: str, kind: str | None) -> ConnectionCheck:
    """Read the events, then each import scope's list one item long (a 403 there says the key
    lacks that scope). `who` names the key; `kind` is the endpoint's ("contacts", …) or None."""
    try:
        events_ok = _reads_events(client)
        scopes = {s: client.has_scope(s) for s in SCOPE_READS}
    except AuthFailed as exc:
        if exc.status == 401:
            return ConnectionCheck(
                False,
                "The API key was refused (401).",
                hint=f"Check it in Plandocket under {KEYS_PAGE}.",
                detail=exc.detail,
            )
        return ConnectionCheck(False, exc.message, hint=exc.hint, detail=exc.detail)
    except RateLimited as exc:
        return ConnectionCheck(
            False,
            "Plandocket's hourly request limit for this API key is used up (429).",
            hint="Try again later: the limit resets within the hour.",
            detail=exc.detail,
        )
    except Rejected as exc:
        if exc.status == 404:
            return ConnectionCheck(
                False,
                "Plandocket has no API at this address (404).",
                hint="Check the address in Connections: it ends in /api/v1.",
                detail=exc.detail,
            )
        return ConnectionCheck(False, exc.message, hint=exc.hint, detail=exc.detail)
    except Cancelled:
        raise
    except RowboatError as exc:
        return ConnectionCheck(False, exc.message, hint=exc.hint, detail=exc.detail)
    return _verdict(who, scopes, events_ok, kind)


def _reads_events(client: PlandocketClient) -> bool:
    try:
        client.get("/events", what="the list of events", params={"per_page": 1})
    except AuthFailed as exc:
        if exc.status == 403:
            return False  # the key is good (403, not 401) but may not read events
        raise
    return True


def _verdict(
    who: str, scopes: dict[str, bool], events_ok: bool, kind: str | None
) -> ConnectionCheck:
    """The check's sentence; ok when the key may import into the endpoint (any, without one)."""
    allowed = [s for s, ok in scopes.items() if ok]
    missing = [s for s, ok in scopes.items() if not ok]
    if not allowed:
        can = "it may import neither contacts nor participants"
    elif not missing:
        can = f"it may import {' and '.join(allowed)}"
    else:
        can = f"it may import {allowed[0]} but not {missing[0]}"
    message = f"Connected to Plandocket as {who}; {can}."
    if not events_ok and kind != "contacts":
        message += " It may not list events, so type the event key yourself."
    needed = kind if kind in scopes else None
    lacking = missing if needed is None else [s for s in missing if s == needed]
    hint = ""
    if lacking:
        scope_words = " and ".join(f"the {s} scope" for s in lacking)
        hint = f"Give the key {scope_words} in Plandocket under {KEYS_PAGE}."
    elif needed == "participants" and not scopes["contacts"]:
        hint = (
            "Without the contacts scope Plandocket may refuse to create contacts for new "
            f"participants; add it in Plandocket under {KEYS_PAGE}."
        )
    ok = not lacking if needed else bool(allowed)
    return ConnectionCheck(ok, message, hint=hint)
