"""`rowboat connections list|add|remove`, in-process and as a program: secrets only from a hidden
prompt or a named environment variable, kept in the keychain and out of every file written."""

from __future__ import annotations

import getpass
import json
import os
import subprocess
import sys
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

import keyring

from rowboat.core.connections.check import CLIENT_MODULES, ConnectionCheck
from rowboat.core.connections.model import SYSTEMS, sandbox_secrets
from rowboat.core.connections.secrets import KEYRING_SERVICE
from tests.cli.support import (
    PD_KEY,
    PD_URL,
    TH_PASSWORD,
    TH_TOKEN,
    Crashing,
    FakeClient,
    add_acme,
    files_holding,
    run,
)
from tests.keyring_backends import KEYRING_FILE_VARIABLE, MemoryKeyring

if TYPE_CHECKING:
    import pytest

REPO = Path(__file__).resolve().parents[2]


# -- list ------------------------------------------------------------------------------------


def test_list_shows_the_sandbox_as_built_in_for_every_system(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys, "connections", "list")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["NAME", "SYSTEM", "ADDRESS"]
    assert len(lines) == 1 + len(SYSTEMS)
    assert all(line.startswith("Sandbox") and "built in" in line for line in lines[1:])


def test_list_json_gives_name_system_and_address(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    add_acme(capsys, monkeypatch)
    code, out, _ = run(capsys, "connections", "list", "--json")
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
    add_acme(capsys, monkeypatch)
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
    code, out, err = run(
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
    code, _, err = run(capsys, "connections", "add", "Acme", "--system=plandocket", "--url", PD_URL)
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
        code, _, err = run(capsys, "connections", "add", "Acme", "--system", "plandocket", *extra)
        assert code == 2
        assert words in err
        assert PD_KEY not in err


def test_add_with_an_unset_variable_or_a_taken_name_saves_nothing(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, ring: MemoryKeyring
) -> None:
    argv = ("connections", "add", "Acme", "--system", "plandocket", "--url", PD_URL)
    code, _, err = run(capsys, *argv, "--secret-env", "api_key=NOT_SET_ANYWHERE")
    assert code == 2
    assert "The environment variable NOT_SET_ANYWHERE, named for the API key, is not set" in err
    assert ring.entries == {}
    add_acme(capsys, monkeypatch)
    code, _, err = run(capsys, *argv[:2], "ACME", *argv[3:], "--secret-env", "api_key=ACME_PD_KEY")
    assert code == 2
    assert "There is already a connection called 'Acme'." in err


def test_add_without_a_keychain_says_so_and_saves_nothing(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, home: Path
) -> None:
    from keyring.backends import fail

    keyring.set_keyring(fail.Keyring())  # type: ignore[no-untyped-call]
    monkeypatch.setenv("ACME_PD_KEY", PD_KEY)
    code, out, err = run(
        capsys,
        *("connections", "add", "Acme", "--system", "plandocket", "--url", PD_URL),
        *("--secret-env", "api_key=ACME_PD_KEY"),
    )
    assert code == 2
    assert out == ""
    assert "no keychain Rowboat can keep the secrets of 'Acme' in, so nothing was saved" in err
    assert "GNOME Keyring or KWallet" in err
    assert not (home / "config" / "settings.json").exists()


# -- remove ----------------------------------------------------------------------------------


def test_remove_forgets_the_connection_and_its_keychain_entry(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, ring: MemoryKeyring
) -> None:
    add_acme(capsys, monkeypatch)
    code, out, _ = run(capsys, "connections", "remove", "ACME")
    assert (code, out) == (0, "Removed the Plandocket connection 'Acme' and its secrets.\n")
    assert ring.entries == {}
    code, _, err = run(capsys, "connections", "remove", "Acme")
    assert code == 2
    assert "There is no connection called 'Acme'." in err
    code, _, err = run(capsys, "connections", "remove", "Sandbox")
    assert code == 2
    assert "The built-in Sandbox connection cannot be removed." in err


# -- no secret in any file -------------------------------------------------------------------


def test_no_secret_lands_in_rowboat_home_after_add_test_and_remove(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, home: Path
) -> None:
    add_acme(capsys, monkeypatch)
    monkeypatch.setenv("TH_TOKEN", TH_TOKEN)
    monkeypatch.setenv("TH_PASSWORD", TH_PASSWORD)
    code, _, _ = run(
        capsys,
        *("connections", "add", "TH", "--system", "thalamus", "--url", "https://th.example.com"),
        *("--set", "touchpoint=web", "--set", "principal=me@example.com"),
        *("--secret-env", "token=TH_TOKEN", "--secret-env", "password=TH_PASSWORD"),
    )
    assert code == 0
    code, out, _ = run(capsys, "connections", "test", "Sandbox", "--endpoint=plandocket.contacts")
    assert (code, out[:27]) == (0, "Connected to Plandocket as ")  # the real client
    FakeClient(monkeypatch, "plandocket", ConnectionCheck(False, "The API key was refused."))
    assert run(capsys, "connections", "test", "Acme")[0] == 2
    monkeypatch.setitem(CLIENT_MODULES, "thalamus", "rowboat.core.clients.not_written_yet")
    code, _, err = run(capsys, "connections", "test", "TH")
    assert code == 2
    assert "unexpected problem" not in err
    Crashing(monkeypatch, "thalamus", ConnectionCheck(True, "unused"))
    code, _, err = run(capsys, "connections", "test", "TH")
    assert code == 2
    assert "unexpected problem" in err
    assert (home / "logs" / "rowboat-cli.log").is_file()  # the crash log stays in ROWBOAT_HOME
    assert run(capsys, "connections", "list", "--json")[0] == 0
    assert run(capsys, "connections", "remove", "Acme")[0] == 0
    written = sorted(str(p.relative_to(home)) for p in home.rglob("*") if p.is_file())
    assert {"config/settings.json", "data/sandbox.db", "logs/rowboat-cli.log"} <= set(written)
    demo = [v for s in SYSTEMS for v in sandbox_secrets(s).values()]
    assert files_holding(home, [PD_KEY, TH_TOKEN, TH_PASSWORD, *demo]) == []


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
    assert files_holding(home, [PD_KEY]) == []
    for program in (typed, done, listed, removed):
        assert "Traceback" not in program.stderr
        assert PD_KEY not in program.stdout + program.stderr
