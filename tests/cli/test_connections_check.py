"""`rowboat connections test`: the built-in Sandbox started for it, the check dispatched to the
system's client, and the vendors' real checks against a running sandbox."""

from __future__ import annotations

from typing import TYPE_CHECKING

import httpx
import pytest

from rowboat.core.connections.check import CLIENT_MODULES, ConnectionCheck
from rowboat.core.connections.model import SYSTEMS, sandbox_secrets
from tests.cli.support import PD_KEY, PD_URL, EventsReader, FakeClient, add_acme, files_holding, run

if TYPE_CHECKING:
    from pathlib import Path

    from rowboat.sandbox.server import SandboxServer


# -- dispatch ------------------------------------------------------------------------------------


def test_testing_the_sandbox_starts_one_and_hands_its_address_to_the_check(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, home: Path
) -> None:
    fake = EventsReader(monkeypatch, "plandocket", ConnectionCheck(False, "unused"))
    code, out, err = run(
        capsys, "connections", "test", "Sandbox", "--endpoint", "plandocket.contacts"
    )
    assert (code, err) == (0, "")
    assert out.startswith("Read ")
    assert out.endswith(" events.\n")
    [(connection, secrets, endpoint)] = fake.calls
    assert connection.builtin
    assert connection.base_url.startswith("http://127.0.0.1:")
    assert secrets == sandbox_secrets("plandocket")
    assert endpoint is not None
    assert endpoint.id == "plandocket.contacts"
    assert (home / "data" / "sandbox.db").is_file()  # state kept like a real account's
    with pytest.raises(httpx.ConnectError):  # and stopped when the command ends
        httpx.get(connection.base_url + "/events", timeout=2)


def test_testing_a_saved_connection_passes_its_keychain_secrets(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    add_acme(capsys, monkeypatch)
    fake = FakeClient(
        monkeypatch, "plandocket", ConnectionCheck(True, "Connected to Plandocket as Acme.")
    )
    code, out, _ = run(capsys, "connections", "test", "acme")
    assert (code, out) == (0, "Connected to Plandocket as Acme.\n")
    [(connection, secrets, endpoint)] = fake.calls
    assert (connection.name, connection.base_url, endpoint) == ("Acme", PD_URL, None)
    assert secrets == {"api_key": PD_KEY}


def test_a_refused_check_is_a_plain_error_with_its_hint(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    add_acme(capsys, monkeypatch)
    FakeClient(
        monkeypatch,
        "plandocket",
        ConnectionCheck(False, "The API key was refused (401).", hint="Check it in Plandocket."),
    )
    code, out, err = run(capsys, "connections", "test", "Acme")
    assert code == 2
    assert out == ""
    assert err == "rowboat: The API key was refused (401).\n  Check it in Plandocket.\n"


def test_a_system_without_a_client_yet_is_a_plain_error(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(CLIENT_MODULES, "thalamus", "rowboat.core.clients.not_written_yet")
    code, out, err = run(capsys, "connections", "test", "Sandbox", "--system", "thalamus")
    assert code == 2
    assert out == ""
    assert "rowboat: This version of Rowboat cannot test Thalamus connections yet." in err


def test_sandbox_without_a_system_is_tested_for_every_system(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for system in SYSTEMS:
        FakeClient(monkeypatch, system, ConnectionCheck(True, f"Connected to {system}."))
    monkeypatch.setitem(CLIENT_MODULES, "eloqua", "rowboat.core.clients.not_written_yet")
    code, out, err = run(capsys, "connections", "test", "Sandbox")
    assert code == 2  # one of them failed
    assert out.splitlines() == [
        "Thought Industries: Connected to thought-industries.",
        "Plandocket: Connected to plandocket.",
        "Thalamus: Connected to thalamus.",
    ]
    assert "Oracle Eloqua: This version of Rowboat cannot test Oracle Eloqua" in err


def test_test_refuses_unknown_names_and_mismatched_systems(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    add_acme(capsys, monkeypatch)
    code, _, err = run(capsys, "connections", "test", "Nobody")
    assert (code, err.splitlines()[0]) == (2, "rowboat: There is no connection called 'Nobody'.")
    code, _, err = run(
        capsys, "connections", "test", "Acme", "--endpoint", "eloqua.event-registrants"
    )
    assert code == 2
    assert "'Acme' is a Plandocket connection, not an Oracle Eloqua one." in err
    code, _, err = run(
        capsys,
        *("connections", "test", "Acme", "--endpoint", "plandocket.contacts"),
        "--system=eloqua",
    )
    assert code == 2
    assert "The endpoint plandocket.contacts is for Plandocket, not Oracle Eloqua." in err
    code, _, err = run(capsys, "connections", "test", "Acme", "--endpoint", "nope.nothing")
    assert code == 2
    assert "There is no endpoint 'nope.nothing'" in err


# -- the vendors' own checks, against a running sandbox --------------------------------------


def test_sandbox_test_uses_the_thought_industries_client(
    capsys: pytest.CaptureFixture[str], home: Path
) -> None:
    pytest.importorskip("rowboat.core.clients.thought_industries")
    code, out, err = run(capsys, "connections", "test", "Sandbox", "--system=thought-industries")
    assert (code, err) == (0, "")
    assert out.startswith("Connected to Thought Industries at 127.0.0.1:")
    assert out.endswith("; the API key is valid.\n")
    assert files_holding(home, list(sandbox_secrets("thought-industries").values())) == []


def test_sandbox_test_with_an_endpoint_uses_the_thalamus_client(
    capsys: pytest.CaptureFixture[str], home: Path
) -> None:
    pytest.importorskip("rowboat.core.clients.thalamus")
    code, out, err = run(
        capsys, "connections", "test", "Sandbox", "--endpoint", "thalamus.companies"
    )
    assert (code, err) == (0, "")
    assert out.startswith("Connected to Thalamus as demo@example.com")
    assert "companies" in out
    assert files_holding(home, list(sandbox_secrets("thalamus").values())) == []


def test_a_saved_connection_with_a_wrong_key_is_refused_by_the_server(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    sandbox: SandboxServer,
    home: Path,
) -> None:
    pytest.importorskip("rowboat.core.clients.thought_industries")
    wrong, right = "ti-wrong-key-3141592", sandbox_secrets("thought-industries")["api_key"]
    url = sandbox.base_url("thought-industries")
    for name, key in (("TI wrong", wrong), ("TI right", right)):
        monkeypatch.setenv("TI_KEY", key)
        argv = ("connections", "add", name, "--system=thought-industries", "--url", url)
        assert run(capsys, *argv, "--secret-env", "api_key=TI_KEY")[0] == 0
    code, out, err = run(capsys, "connections", "test", "TI wrong")
    assert code == 2
    assert out == ""
    assert err.startswith("rowboat: The API key was refused (401).\n")
    assert wrong not in err
    code, out, _ = run(capsys, "connections", "test", "ti right")
    assert code == 0
    assert out.startswith("Connected to Thought Industries")
    assert files_holding(home, [wrong, right]) == []


def test_sandbox_test_for_plandocket_contacts_uses_the_plandocket_client(
    capsys: pytest.CaptureFixture[str], home: Path
) -> None:
    code, out, err = run(
        capsys, "connections", "test", "Sandbox", "--endpoint", "plandocket.contacts"
    )
    assert (code, err) == (0, "")
    assert (
        out
        == "Connected to Plandocket as sandbox-pd-key; it may import contacts and participants.\n"
    )
    assert (home / "data" / "sandbox.db").is_file()
    demo = [v for s in SYSTEMS for v in sandbox_secrets(s).values()]
    assert files_holding(home, demo) == []


def test_a_saved_plandocket_key_without_the_scope_is_told_what_it_lacks(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    sandbox: SandboxServer,
    home: Path,
) -> None:
    from rowboat.sandbox.plandocket import READONLY_KEY

    monkeypatch.setenv("PD_KEY", READONLY_KEY)
    argv = ("connections", "add", "Events only", "--system=plandocket")
    code, _, _ = run(
        capsys, *argv, "--url", sandbox.base_url("plandocket"), "--secret-env", "api_key=PD_KEY"
    )
    assert code == 0
    code, out, err = run(
        capsys, "connections", "test", "Events only", "--endpoint", "plandocket.contacts"
    )
    assert code == 2
    assert out == ""
    assert "rowboat: Connected to Plandocket as" in err
    assert "contacts scope" in err
    assert files_holding(home, [READONLY_KEY]) == []
