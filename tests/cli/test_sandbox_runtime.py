"""The command line's built-in Sandbox: started for one command, state kept, failures plain."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import httpx
import pytest

from rowboat.cli.sandbox_runtime import (
    SANDBOX_URL_VARIABLE,
    connection_store,
    resolve_connection,
    running_sandbox,
    sandbox_state_path,
)
from rowboat.core.connections.model import sandbox_secrets
from rowboat.core.errors import ConfigurationError


@pytest.fixture(autouse=True)
def _no_outside_sandbox(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(SANDBOX_URL_VARIABLE, raising=False)


def _contacts(url: str) -> list[dict[str, object]]:
    answer = httpx.get(
        url + "/plandocket/api/v1/contacts",
        headers={"Authorization": f"Bearer {sandbox_secrets('plandocket')['api_key']}"},
        timeout=10,
    )
    answer.raise_for_status()
    data: list[dict[str, object]] = answer.json()["data"]
    return data


def test_sandbox_state_survives_from_one_command_to_the_next() -> None:
    assert sandbox_state_path() == Path(os.environ["ROWBOAT_HOME"]) / "data" / "sandbox.db"
    with running_sandbox() as url:
        assert url.startswith("http://127.0.0.1:")
        answer = httpx.post(
            url + "/plandocket/api/v1/bulk-import/contacts",
            headers={"Authorization": f"Bearer {sandbox_secrets('plandocket')['api_key']}"},
            json={
                "mode": "create",
                "records": [
                    {"email": "kept@example.com", "first_name": "Kept", "last_name": "Row"}
                ],
            },
            timeout=10,
        )
        assert answer.status_code == 200, answer.text
    with running_sandbox() as again:
        assert [c["email"] for c in _contacts(again)] == ["kept@example.com"]


def test_damaged_state_file_is_a_plain_error(tmp_path: Path) -> None:
    state = tmp_path / "sandbox.db"
    state.write_bytes(b"this is not a database" * 100)
    with (
        pytest.raises(ConfigurationError, match="could not start with its state file") as caught,
        running_sandbox(state),
    ):
        pass
    assert "delete it to start the Sandbox afresh" in caught.value.hint
    assert "DatabaseError" in caught.value.detail


def test_a_sandbox_named_in_the_environment_is_used_instead(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(SANDBOX_URL_VARIABLE, "http://127.0.0.1:8765/")
    with running_sandbox() as url:
        assert url == "http://127.0.0.1:8765"
    assert not sandbox_state_path().exists()


def test_connection_store_starts_a_sandbox_only_for_the_sandbox() -> None:
    with connection_store("Acme") as store:
        assert store.sandbox_url is None
    with connection_store(None) as store:
        assert store.sandbox_url is None
    with connection_store(" sandbox ") as store:
        assert store.sandbox_url is not None
        assert _contacts(store.sandbox_url) == []


def test_resolve_connection_keeps_the_sandbox_running_while_the_stack_is_open() -> None:
    with contextlib.ExitStack() as stack:
        connection, secrets = resolve_connection("Sandbox", "plandocket", stack)
        assert secrets == sandbox_secrets("plandocket")
        answer = httpx.get(
            connection.base_url + "/events",
            headers={"Authorization": f"Bearer {secrets['api_key']}"},
            timeout=10,
        )
        assert answer.status_code == 200
    with pytest.raises(httpx.ConnectError):
        httpx.get(connection.base_url + "/events", timeout=2)
