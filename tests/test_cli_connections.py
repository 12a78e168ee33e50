"""`rowboat connections list|add|test|remove`, in-process and as a program, secrets kept out of
every argument and every file Rowboat writes."""

from __future__ import annotations

import getpass
import json
import os
import subprocess
import sys
import types
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import keyring
import pytest

from rowboat.cli import main
from rowboat.core.connections.check import CLIENT_MODULES, ConnectionCheck
from rowboat.core.connections.model import SYSTEMS, sandbox_secrets
from rowboat.core.connections.secrets import KEYRING_SERVICE
from tests.keyring_backends import KEYRING_FILE_VARIABLE, MemoryKeyring

if TYPE_CHECKING:
    from collections.abc import Iterator

    from rowboat.core.connections.model import Connection, Secrets
    from rowboat.core.targets.schema import Endpoint
    from rowboat.sandbox.server import SandboxServer

REPO = Path(__file__).resolve().parents[1]
PD_URL = "https://acme.plandocket.com/api/v1"
PD_KEY = "pd-live-7a6b5c4d3e2f1a0b"
TH_TOKEN = "th-token-55aa66bb77cc"
TH_PASSWORD = "th-pass-word-9182"


@pytest.fixture(autouse=True)
def _no_outside_sandbox(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ROWBOAT_SANDBOX_URL", raising=False)


@pytest.fixture
def ring() -> MemoryKeyring:
    backend = keyring.get_keyring()
    assert isinstance(backend, MemoryKeyring)
    return backend


@pytest.fixture
def home() -> Path:
    return Path(os.environ["ROWBOAT_HOME"])


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


def _add_acme(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ACME_PD_KEY", PD_KEY)
    code, out, err = _run(
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


class _FakeClient:
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


class _EventsReader(_FakeClient):
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


class _Crashing(_FakeClient):
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


def _files_holding(root: Path, secrets: list[str]) -> list[str]:
    """Every file below `root` that holds one of `secrets` (bytes, as UTF-8 and UTF-16)."""
    found = []
    for path in root.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            for s in secrets:
                if s.encode() in data or s.encode("utf-16-le") in data:
                    found.append(f"{path.relative_to(root)}: {s}")
    return found


# -- list ------------------------------------------------------------------------------------


def test_list_shows_the_sandbox_as_built_in_for_every_system(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = _run(capsys, "connections", "list")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["NAME", "SYSTEM", "ADDRESS"]
    assert len(lines) == 1 + len(SYSTEMS)
    assert all(line.startswith("Sandbox") and "built in" in line for line in lines[1:])


def test_list_json_gives_name_system_and_address(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _add_acme(capsys, monkeypatch)
    code, out, _ = _run(capsys, "connections", "list", "--json")
    assert code == 0
    rows = json.loads(out)
    assert rows[0] == {
        "name": "Acme",
        "system": "plandocket",
        "system_label": "Plandocket",
        "address": PD_URL,
        "settings": {},
        "builtin": False,
    }
    assert [(r["name"], r["system"], r["builtin"]) for r in rows[1:]] == [
        ("Sandbox", s, True) for s in SYSTEMS
    ]
    assert PD_KEY not in out


# -- add -------------------------------------------------------------------------------------


def test_add_reads_the_secret_from_the_named_environment_variable(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, ring: MemoryKeyring
) -> None:
    _add_acme(capsys, monkeypatch)
    assert json.loads(ring.entries[(KEYRING_SERVICE, "Acme")]) == {"api_key": PD_KEY}


def test_add_asks_each_secret_at_a_hidden_prompt(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, ring: MemoryKeyring
) -> None:
    answers = {"Touchpoint token": TH_TOKEN, "Password": TH_PASSWORD}
    prompts: list[str] = []

    def hidden(prompt: str = "") -> str:
        prompts.append(prompt)
        return answers[prompt.split(" for ")[0]]

    monkeypatch.setattr(getpass, "getpass", hidden)
    code, out, err = _run(
        capsys,
        *("connections", "add", "Thalamus live", "--system", "thalamus"),
        *("--url", "https://th.example.com/api/v4/"),
        *("--set", "touchpoint=web", "--set", "principal=me@example.com"),
    )
    assert code == 0
    assert prompts == [
        "Touchpoint token for 'Thalamus live' (hidden): ",
        "Password for 'Thalamus live' (hidden): ",
    ]
    assert "Touchpoint token and Password are kept in this computer's keychain" in out
    assert "back-office page" in err  # where to find the token, said before asking
    assert json.loads(ring.entries[(KEYRING_SERVICE, "Thalamus live")]) == {
        "token": TH_TOKEN,
        "password": TH_PASSWORD,
    }
    assert TH_TOKEN not in out + err


def test_add_without_a_terminal_refuses_instead_of_echoing(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, ring: MemoryKeyring
) -> None:
    def no_terminal(prompt: str = "") -> str:
        warnings.warn("Can not control echo on the terminal.", getpass.GetPassWarning, stacklevel=1)
        return "typed where everyone sees it"

    monkeypatch.setattr(getpass, "getpass", no_terminal)
    code, _, err = _run(
        capsys, "connections", "add", "Acme", "--system=plandocket", "--url", PD_URL
    )
    assert code == 2
    assert "There is no terminal to type the API key at, so nothing was saved." in err
    assert "--secret-env api_key=VARIABLE" in err
    assert ring.entries == {}


def test_add_checks_everything_else_before_asking_for_a_secret(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def must_not_ask(prompt: str = "") -> str:
        raise AssertionError("asked for a secret")

    monkeypatch.setattr(getpass, "getpass", must_not_ask)
    cases = {
        ("--url", "http://acme.plandocket.com/api/v1"): "only connects to Plandocket over https",
        ("--url", PD_URL, "--set", f"api_key={PD_KEY}"): "is a secret, and secrets are never",
        ("--url", PD_URL, "--set", "nothing"): "--set takes KEY=VALUE",
        ("--url", PD_URL, "--secret-env", "token=X"): "'token' is not a secret of Plandocket",
    }
    for extra, words in cases.items():
        code, _, err = _run(capsys, "connections", "add", "Acme", "--system", "plandocket", *extra)
        assert code == 2
        assert words in err
        assert PD_KEY not in err


def test_add_with_an_unset_variable_or_a_taken_name_saves_nothing(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, ring: MemoryKeyring
) -> None:
    argv = ("connections", "add", "Acme", "--system", "plandocket", "--url", PD_URL)
    code, _, err = _run(capsys, *argv, "--secret-env", "api_key=NOT_SET_ANYWHERE")
    assert code == 2
    assert "The environment variable NOT_SET_ANYWHERE, named for the API key, is not set" in err
    assert ring.entries == {}
    _add_acme(capsys, monkeypatch)
    code, _, err = _run(capsys, *argv[:2], "ACME", *argv[3:], "--secret-env", "api_key=ACME_PD_KEY")
    assert code == 2
    assert "There is already a connection called 'Acme'." in err


def test_add_without_a_keychain_says_so_and_saves_nothing(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, home: Path
) -> None:
    from keyring.backends import fail

    keyring.set_keyring(fail.Keyring())  # type: ignore[no-untyped-call]
    monkeypatch.setenv("ACME_PD_KEY", PD_KEY)
    code, out, err = _run(
        capsys,
        *("connections", "add", "Acme", "--system", "plandocket", "--url", PD_URL),
        *("--secret-env", "api_key=ACME_PD_KEY"),
    )
    assert code == 2
    assert out == ""
    assert "no keychain Rowboat can keep the secrets of 'Acme' in, so nothing was saved" in err
    assert "GNOME Keyring or KWallet" in err
    assert not (home / "config" / "settings.json").exists()


# -- test ------------------------------------------------------------------------------------


def test_testing_the_sandbox_starts_one_and_hands_its_address_to_the_check(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, home: Path
) -> None:
    fake = _EventsReader(monkeypatch, "plandocket", ConnectionCheck(False, "unused"))
    code, out, err = _run(
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
    _add_acme(capsys, monkeypatch)
    fake = _FakeClient(
        monkeypatch, "plandocket", ConnectionCheck(True, "Connected to Plandocket as Acme.")
    )
    code, out, _ = _run(capsys, "connections", "test", "acme")
    assert (code, out) == (0, "Connected to Plandocket as Acme.\n")
    [(connection, secrets, endpoint)] = fake.calls
    assert (connection.name, connection.base_url, endpoint) == ("Acme", PD_URL, None)
    assert secrets == {"api_key": PD_KEY}


def test_a_refused_check_is_a_plain_error_with_its_hint(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _add_acme(capsys, monkeypatch)
    _FakeClient(
        monkeypatch,
        "plandocket",
        ConnectionCheck(False, "The API key was refused (401).", hint="Check it in Plandocket."),
    )
    code, out, err = _run(capsys, "connections", "test", "Acme")
    assert code == 2
    assert out == ""
    assert err == "rowboat: The API key was refused (401).\n  Check it in Plandocket.\n"


def test_a_system_without_a_client_yet_is_a_plain_error(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(CLIENT_MODULES, "thalamus", "rowboat.core.clients.not_written_yet")
    code, out, err = _run(capsys, "connections", "test", "Sandbox", "--system", "thalamus")
    assert code == 2
    assert out == ""
    assert "rowboat: This version of Rowboat cannot test Thalamus connections yet." in err


def test_sandbox_without_a_system_is_tested_for_every_system(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for system in SYSTEMS:
        _FakeClient(monkeypatch, system, ConnectionCheck(True, f"Connected to {system}."))
    monkeypatch.setitem(CLIENT_MODULES, "eloqua", "rowboat.core.clients.not_written_yet")
    code, out, err = _run(capsys, "connections", "test", "Sandbox")
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
    _add_acme(capsys, monkeypatch)
    code, _, err = _run(capsys, "connections", "test", "Nobody")
    assert (code, err.splitlines()[0]) == (2, "rowboat: There is no connection called 'Nobody'.")
    code, _, err = _run(
        capsys, "connections", "test", "Acme", "--endpoint", "eloqua.event-registrants"
    )
    assert code == 2
    assert "'Acme' is a Plandocket connection, not an Oracle Eloqua one." in err
    code, _, err = _run(
        capsys,
        *("connections", "test", "Acme", "--endpoint", "plandocket.contacts"),
        "--system=eloqua",
    )
    assert code == 2
    assert "The endpoint plandocket.contacts is for Plandocket, not Oracle Eloqua." in err
    code, _, err = _run(capsys, "connections", "test", "Acme", "--endpoint", "nope.nothing")
    assert code == 2
    assert "There is no endpoint 'nope.nothing'" in err


# -- remove ----------------------------------------------------------------------------------


def test_remove_forgets_the_connection_and_its_keychain_entry(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, ring: MemoryKeyring
) -> None:
    _add_acme(capsys, monkeypatch)
    code, out, _ = _run(capsys, "connections", "remove", "ACME")
    assert (code, out) == (0, "Removed the Plandocket connection 'Acme' and its secrets.\n")
    assert ring.entries == {}
    code, _, err = _run(capsys, "connections", "remove", "Acme")
    assert code == 2
    assert "There is no connection called 'Acme'." in err
    code, _, err = _run(capsys, "connections", "remove", "Sandbox")
    assert code == 2
    assert "The built-in Sandbox connection cannot be removed." in err


# -- no secret in any file -------------------------------------------------------------------


def test_no_secret_lands_in_rowboat_home_after_add_test_and_remove(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, home: Path
) -> None:
    _add_acme(capsys, monkeypatch)
    monkeypatch.setenv("TH_TOKEN", TH_TOKEN)
    monkeypatch.setenv("TH_PASSWORD", TH_PASSWORD)
    code, _, _ = _run(
        capsys,
        *("connections", "add", "TH", "--system", "thalamus", "--url", "https://th.example.com"),
        *("--set", "touchpoint=web", "--set", "principal=me@example.com"),
        *("--secret-env", "token=TH_TOKEN", "--secret-env", "password=TH_PASSWORD"),
    )
    assert code == 0
    code, out, _ = _run(capsys, "connections", "test", "Sandbox", "--endpoint=plandocket.contacts")
    assert (code, out[:27]) == (0, "Connected to Plandocket as ")  # the real client
    _FakeClient(monkeypatch, "plandocket", ConnectionCheck(False, "The API key was refused."))
    assert _run(capsys, "connections", "test", "Acme")[0] == 2
    monkeypatch.setitem(CLIENT_MODULES, "thalamus", "rowboat.core.clients.not_written_yet")
    code, _, err = _run(capsys, "connections", "test", "TH")
    assert code == 2
    assert "unexpected problem" not in err
    _Crashing(monkeypatch, "thalamus", ConnectionCheck(True, "unused"))
    code, _, err = _run(capsys, "connections", "test", "TH")
    assert code == 2
    assert "unexpected problem" in err
    assert (home / "logs" / "rowboat-cli.log").is_file()  # the crash log stays in ROWBOAT_HOME
    assert _run(capsys, "connections", "list", "--json")[0] == 0
    assert _run(capsys, "connections", "remove", "Acme")[0] == 0
    written = sorted(str(p.relative_to(home)) for p in home.rglob("*") if p.is_file())
    assert {"config/settings.json", "data/sandbox.db", "logs/rowboat-cli.log"} <= set(written)
    demo = [v for s in SYSTEMS for v in sandbox_secrets(s).values()]
    assert _files_holding(home, [PD_KEY, TH_TOKEN, TH_PASSWORD, *demo]) == []


def _program(
    *argv: str, env: dict[str, str], stdin: int | None = subprocess.DEVNULL
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "rowboat", *argv],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO,
        env=env,
        stdin=stdin,
        start_new_session=True,  # no controlling terminal: getpass cannot open /dev/tty
    )


def test_as_a_program_secrets_go_to_the_keychain_and_nowhere_else(tmp_path: Path) -> None:
    home, keyring_file = tmp_path / "home", tmp_path / "keyring.json"
    env = {
        **os.environ,
        "ROWBOAT_HOME": str(home),
        "PYTHON_KEYRING_BACKEND": "tests.keyring_backends.FileKeyring",
        KEYRING_FILE_VARIABLE: str(keyring_file),
        "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]),
        "ACME_PD_KEY": PD_KEY,
    }
    env.pop("ROWBOAT_SANDBOX_URL", None)
    add = ("connections", "add", "Acme", "--system", "plandocket", "--url", PD_URL)

    typed = _program(*add, env=env)  # no terminal to type at: refused, not echoed
    assert typed.returncode == 2
    assert "There is no terminal to type the API key at" in typed.stderr
    assert not keyring_file.exists()

    done = _program(*add, "--secret-env", "api_key=ACME_PD_KEY", env=env)
    assert (done.returncode, done.stderr) == (0, "")
    stored: dict[str, Any] = json.loads(keyring_file.read_text(encoding="utf-8"))
    assert json.loads(stored[KEYRING_SERVICE]["Acme"]) == {"api_key": PD_KEY}

    listed = _program("connections", "list", "--json", env=env)
    assert [r["name"] for r in json.loads(listed.stdout)][:2] == ["Acme", "Sandbox"]

    removed = _program("connections", "remove", "Acme", env=env)
    assert removed.returncode == 0
    assert json.loads(keyring_file.read_text(encoding="utf-8")) == {KEYRING_SERVICE: {}}
    assert (home / "config" / "settings.json").is_file()
    assert _files_holding(home, [PD_KEY]) == []
    for run in (typed, done, listed, removed):
        assert "Traceback" not in run.stderr
        assert PD_KEY not in run.stdout + run.stderr


# -- the vendors' own checks, against a running sandbox --------------------------------------


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    from rowboat.sandbox.context import ManualClock, SandboxContext
    from rowboat.sandbox.server import SandboxServer

    with SandboxServer(ctx=SandboxContext(clock=ManualClock(), seed=7)) as server:
        yield server


def test_sandbox_test_uses_the_thought_industries_client(
    capsys: pytest.CaptureFixture[str], home: Path
) -> None:
    pytest.importorskip("rowboat.core.clients.thought_industries")
    code, out, err = _run(capsys, "connections", "test", "Sandbox", "--system=thought-industries")
    assert (code, err) == (0, "")
    assert out.startswith("Connected to Thought Industries at 127.0.0.1:")
    assert out.endswith("; the API key is valid.\n")
    assert _files_holding(home, list(sandbox_secrets("thought-industries").values())) == []


def test_sandbox_test_with_an_endpoint_uses_the_thalamus_client(
    capsys: pytest.CaptureFixture[str], home: Path
) -> None:
    pytest.importorskip("rowboat.core.clients.thalamus")
    code, out, err = _run(
        capsys, "connections", "test", "Sandbox", "--endpoint", "thalamus.companies"
    )
    assert (code, err) == (0, "")
    assert out.startswith("Connected to Thalamus as demo@example.com")
    assert "companies" in out
    assert _files_holding(home, list(sandbox_secrets("thalamus").values())) == []


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
        assert _run(capsys, *argv, "--secret-env", "api_key=TI_KEY")[0] == 0
    code, out, err = _run(capsys, "connections", "test", "TI wrong")
    assert code == 2
    assert out == ""
    assert err.startswith("rowboat: The API key was refused (401).\n")
    assert wrong not in err
    code, out, _ = _run(capsys, "connections", "test", "ti right")
    assert code == 0
    assert out.startswith("Connected to Thought Industries")
    assert _files_holding(home, [wrong, right]) == []


def test_sandbox_test_for_plandocket_contacts_uses_the_plandocket_client(
    capsys: pytest.CaptureFixture[str], home: Path
) -> None:
    code, out, err = _run(
        capsys, "connections", "test", "Sandbox", "--endpoint", "plandocket.contacts"
    )
    assert (code, err) == (0, "")
    assert (
        out
        == "Connected to Plandocket as sandbox-pd-key; it may import contacts and participants.\n"
    )
    assert (home / "data" / "sandbox.db").is_file()
    demo = [v for s in SYSTEMS for v in sandbox_secrets(s).values()]
    assert _files_holding(home, demo) == []


def test_a_saved_plandocket_key_without_the_scope_is_told_what_it_lacks(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    sandbox: SandboxServer,
    home: Path,
) -> None:
    from rowboat.sandbox.plandocket import READONLY_KEY

    monkeypatch.setenv("PD_KEY", READONLY_KEY)
    argv = ("connections", "add", "Events only", "--system=plandocket")
    code, _, _ = _run(
        capsys, *argv, "--url", sandbox.base_url("plandocket"), "--secret-env", "api_key=PD_KEY"
    )
    assert code == 0
    code, out, err = _run(
        capsys, "connections", "test", "Events only", "--endpoint", "plandocket.contacts"
    )
    assert code == 2
    assert out == ""
    assert "rowboat: Connected to Plandocket as" in err
    assert "contacts scope" in err
    assert _files_holding(home, [READONLY_KEY]) == []
