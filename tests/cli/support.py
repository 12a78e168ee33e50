"""What the `rowboat connections` tests share: running the command, fake client modules, and a
search of files for secrets."""

from __future__ import annotations

import sys
import types
from typing import TYPE_CHECKING

import httpx

from rowboat.cli import main
from rowboat.core.connections.check import CLIENT_MODULES, ConnectionCheck

if TYPE_CHECKING:
    from pathlib import Path

    import pytest

    from rowboat.core.connections.model import Connection, Secrets
    from rowboat.core.targets.schema import Endpoint

PD_URL = "https://acme.plandocket.com/api/v1"
PD_KEY = "pd-live-7a6b5c4d3e2f1a0b"
TH_TOKEN = "th-token-55aa66bb77cc"
TH_PASSWORD = "th-pass-word-9182"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


def add_acme(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ACME_PD_KEY", PD_KEY)
    code, out, err = run(
        capsys,
        "connections",
        "add",
        "Acme",
        "--system",
        "plandocket",
        "--url",
        PD_URL,
        "--secret-env",
        "api_key=ACME_PD_KEY",
    )
    assert (code, err) == (0, "")
    assert "Added the Plandocket connection 'Acme'" in out


class FakeClient:
    """A client module standing in for a vendor's: records what "Test connection" was given."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, system: str, result: ConnectionCheck):
        self.calls: list[tuple[Connection, Secrets, Endpoint | None]] = []
        self.result = result
        module = types.ModuleType(f"tests_fake_client_{system}")
        module.check_connection = self.check_connection  # type: ignore[attr-defined]
        monkeypatch.setitem(sys.modules, module.__name__, module)
        monkeypatch.setitem(CLIENT_MODULES, system, module.__name__)

    def check_connection(
        self,
        connection: Connection,
        secrets: Secrets,
        endpoint: Endpoint | None,
        report: object,
        policy: object,
    ) -> ConnectionCheck:
        self.calls.append((connection, dict(secrets), endpoint))
        return self.result


class EventsReader(FakeClient):
    """Reads the Plandocket events over the wire, as the real check does: proves a sandbox runs
    at the address handed over, and that the demo key opens it."""

    def check_connection(
        self,
        connection: Connection,
        secrets: Secrets,
        endpoint: Endpoint | None,
        report: object,
        policy: object,
    ) -> ConnectionCheck:
        super().check_connection(connection, secrets, endpoint, report, policy)
        answer = httpx.get(
            connection.base_url + "/events",
            headers={"Authorization": f"Bearer {secrets['api_key']}"},
            timeout=10,
        )
        events = answer.json()["data"]
        return ConnectionCheck(answer.status_code == 200, f"Read {len(events)} events.")


class Crashing(FakeClient):
    """A client with a bug: it raises what no client may raise."""

    def check_connection(
        self,
        connection: Connection,
        secrets: Secrets,
        endpoint: Endpoint | None,
        report: object,
        policy: object,
    ) -> ConnectionCheck:
        raise RuntimeError("a bug in the client")


def files_holding(root: Path, secrets: list[str]) -> list[str]:
    """Every file below `root` that holds one of `secrets` (bytes, as UTF-8 and UTF-16)."""
    found = []
    for path in root.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            for s in secrets:
                if s.encode() in data or s.encode("utf-16-le") in data:
                    found.append(f"{path.relative_to(root)}: {s}")
    return found
