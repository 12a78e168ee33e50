"""check_connection: a system whose client is not written yet is a plain error, a broken one is not
hidden."""

from __future__ import annotations

import importlib

import pytest

from rowboat.core.connections.check import CLIENT_MODULES, check_connection
from rowboat.core.connections.model import sandbox_connection, sandbox_secrets
from rowboat.core.errors import ConnectionProblem


def test_system_without_a_client_module_is_a_plain_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(CLIENT_MODULES, "eloqua", "rowboat.core.clients.not_written_yet")
    connection = sandbox_connection("eloqua", "http://127.0.0.1:1")
    with pytest.raises(ConnectionProblem) as caught:
        check_connection(connection, sandbox_secrets("eloqua"))
    assert (
        caught.value.message == "This version of Rowboat cannot test Oracle Eloqua connections yet."
    )
    assert caught.value.detail == "no module rowboat.core.clients.not_written_yet"


def test_client_missing_one_of_its_own_imports_is_not_passed_off_as_absent(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(name: str) -> object:
        raise ModuleNotFoundError("No module named 'jeepney'", name="jeepney")

    monkeypatch.setattr(importlib, "import_module", broken)
    connection = sandbox_connection("plandocket", "http://127.0.0.1:1")
    with pytest.raises(ModuleNotFoundError, match="jeepney"):
        check_connection(connection, sandbox_secrets("plandocket"))
