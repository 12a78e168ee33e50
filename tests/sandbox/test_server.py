"""The sandbox server itself: ports, the index, starting and stopping, the command line."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
from typing import TYPE_CHECKING

import httpx
import pytest

from rowboat.sandbox.context import SandboxContext
from rowboat.sandbox.server import SandboxServer

if TYPE_CHECKING:
    from pathlib import Path

VENDOR_KEYS = ["thought-industries", "eloqua", "plandocket", "thalamus"]


def test_the_command_line_knows_every_vendor_the_app_mounts() -> None:
    from rowboat.sandbox.app import VENDORS
    from rowboat.sandbox.command import VENDOR_KEYS as COMMAND_KEYS

    assert list(COMMAND_KEYS) == [v.key for v in VENDORS] == VENDOR_KEYS


def test_index_names_every_vendor_with_its_base_url(
    sandbox: SandboxServer, http: httpx.Client
) -> None:
    index = http.get("/").json()
    assert [v["key"] for v in index["vendors"]] == VENDOR_KEYS
    by_key = {v["key"]: v for v in index["vendors"]}
    assert by_key["plandocket"]["base_url"] == f"{sandbox.url}/plandocket/api/v1"
    assert by_key["plandocket"]["credentials"]["API key"] == "sandbox-pd-key"
    for key in VENDOR_KEYS:
        assert by_key[key]["base_url"] == sandbox.base_url(key)


def test_port_zero_gives_each_server_its_own_free_port() -> None:
    with SandboxServer() as first, SandboxServer() as second:
        assert first.port != second.port
        assert first.host == "127.0.0.1"
        for server in (first, second):
            assert httpx.get(server.url + "/").status_code == 200


def test_stop_frees_the_port_for_the_next_server() -> None:
    server = SandboxServer().start()
    port = server.port
    server.stop()
    with SandboxServer(port=port) as again:
        assert httpx.get(again.url + "/").status_code == 200


def test_a_busy_port_is_refused_plainly() -> None:
    with SandboxServer() as server, pytest.raises(OSError, match="in use"):
        SandboxServer(port=server.port)


def test_answers_go_out_at_once_on_kept_alive_connections(
    sandbox: SandboxServer, http: httpx.Client
) -> None:
    # With Nagle's algorithm on, each answer after the first on a connection waited for the
    # client's delayed ACK (~40 ms): the server's connections must have TCP_NODELAY.
    assert http.get("/").status_code == 200
    connections = list(sandbox._server.server_state.connections)
    assert connections
    for protocol in connections:
        sock = protocol.transport.get_extra_info("socket")
        assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)


def test_unknown_vendor_has_no_base_url(sandbox: SandboxServer) -> None:
    with pytest.raises(KeyError):
        sandbox.base_url("salesforce")


def _start_cli(*args: str) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "rowboat", "sandbox", "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert process.stdout is not None
    first = process.stdout.readline()
    assert first.startswith("Rowboat sandbox on http://127.0.0.1:"), first
    return process, first.split()[3]


def test_command_line_prints_addresses_and_stops_cleanly_on_ctrl_c() -> None:
    process, url = _start_cli("--seed", "5", "--fail-rate", "plandocket=0.25")
    try:
        assert process.stdout is not None
        banner: list[str] = []
        while not banner or "password: demo1234" not in banner[-1]:  # Thalamus comes last
            banner.append(process.stdout.readline())
            assert banner[-1], "the banner ended early"
        text = "".join(banner)
        assert f"{url}/eloqua" in text
        assert "sandbox-ti-key" in text
        assert "demo-password" in text
        assert "25% answered 500/503" in text
        ping = httpx.get(
            f"{url}/thought-industries/incoming/v2/ping",
            headers={"Authorization": "Bearer sandbox-ti-key"},
        )
        assert ping.json() == {"valid": True}
    finally:
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=20)
    assert process.returncode == 0, err
    assert "Sandbox stopped." in out
    assert "Traceback" not in err


def test_command_line_refuses_a_busy_port_without_a_traceback() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [sys.executable, "-m", "rowboat", "sandbox", "--port", str(port)],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert done.returncode == 2
    assert "choose one with --port" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("option", "words"),
    [
        (["--fail-rate", "salesforce=0.1"], "unknown vendor 'salesforce'"),
        (["--drop-rate", "half"], "'half' is not a number"),
        (["--fail-rate", "0.7", "--throttle-rate", "0.7"], "add up to at most 1"),
    ],
)
def test_command_line_explains_bad_fault_options(option: list[str], words: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "rowboat.sandbox", "--port", "0", *option],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert words in done.stderr


def test_state_file_holds_every_vendors_tables(tmp_path: Path) -> None:
    state = tmp_path / "sandbox.db"
    with SandboxServer(ctx=SandboxContext(state_path=state)):
        pass
    with sqlite3.connect(state) as db:
        tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master")}
    assert {"pd_contacts", "ti_assets"} <= tables
