"""ConnectionStore: connections by name, secrets only in the keychain, the built-in Sandbox."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import keyring
import pytest
from keyring.backends import fail

from rowboat.core.connections import store as store_module
from rowboat.core.connections.model import (
    SANDBOX_NAME,
    SYSTEMS,
    Setting,
    SystemSpec,
    sandbox_secrets,
)
from rowboat.core.connections.secrets import KEYRING_SERVICE, MemoryStore
from rowboat.core.connections.store import ConnectionStore, is_sandbox_name
from rowboat.core.errors import ConfigurationError, ConnectionProblem, NoKeychain
from rowboat.core.paths import config_dir
from tests.keyring_backends import MemoryKeyring

if TYPE_CHECKING:
    from pathlib import Path

PD_URL = "https://acme.plandocket.com/api/v1"
PD_KEY = "pd-live-0a1b2c3d4e5f"
ELOQUA = {"site": "AcmeCorp", "user": "importer"}
ELOQUA_PASSWORD = "correct horse battery staple"


@pytest.fixture
def ring() -> MemoryKeyring:
    backend = keyring.get_keyring()
    assert isinstance(backend, MemoryKeyring)
    return backend


def _add_two(store: ConnectionStore) -> None:
    store.add("Acme", "plandocket", PD_URL, secrets={"api_key": PD_KEY})
    store.add(
        "Eloqua EU",
        "eloqua",
        "https://login.eloqua.com/",
        ELOQUA,
        {"password": ELOQUA_PASSWORD},
    )


def test_added_connections_are_listed_in_order_and_found_by_name_in_any_case() -> None:
    store = ConnectionStore()
    _add_two(store)
    assert store.path == config_dir() / "settings.json"
    assert [(c.name, c.system) for c in store.list()] == [
        ("Acme", "plandocket"),
        ("Eloqua EU", "eloqua"),
    ]
    assert [c.name for c in store.list("eloqua")] == ["Eloqua EU"]
    found = store.get("  eloqua eu ")
    assert found.base_url == "https://login.eloqua.com"
    assert found.settings == ELOQUA
    assert store.find("ACME") == store.get("acme", "plandocket")
    assert store.find("Nobody") is None
    assert ConnectionStore().list() == store.list()  # read back from the file


def test_secrets_go_to_the_keychain_and_never_into_the_settings_file(
    ring: MemoryKeyring,
) -> None:
    store = ConnectionStore()
    _add_two(store)
    text = store.path.read_text(encoding="utf-8")
    for secret in (PD_KEY, ELOQUA_PASSWORD, "api_key", "password"):
        assert secret not in text
    assert json.loads(ring.entries[(KEYRING_SERVICE, "Acme")]) == {"api_key": PD_KEY}
    assert json.loads(ring.entries[(KEYRING_SERVICE, "Eloqua EU")]) == {"password": ELOQUA_PASSWORD}


def test_resolve_gives_the_connection_with_its_keychain_secrets() -> None:
    store = ConnectionStore()
    _add_two(store)
    connection, secrets = store.resolve("acme", "plandocket")
    assert connection.name == "Acme"
    assert secrets == {"api_key": PD_KEY}
    assert PD_KEY not in repr(secrets)


def test_names_are_unique_regardless_of_case() -> None:
    store = ConnectionStore()
    _add_two(store)
    with pytest.raises(ConnectionProblem, match="already a connection called 'Acme'"):
        store.add("ACME", "thought-industries", "https://x.example.com", secrets={"api_key": "k"})
    assert len(store.list()) == 2


@pytest.mark.parametrize("name", ["Sandbox", "sandbox", " SANDBOX "])
def test_sandbox_is_a_reserved_name(name: str) -> None:
    with pytest.raises(ConnectionProblem, match="name of the built-in sandbox"):
        ConnectionStore().add(name, "plandocket", PD_URL, secrets={"api_key": PD_KEY})


@pytest.mark.parametrize("name", ["", "   ", "two\nlines", "x" * 61])
def test_names_must_be_one_short_line(name: str) -> None:
    with pytest.raises(ConnectionProblem):
        ConnectionStore().add(name, "plandocket", PD_URL, secrets={"api_key": PD_KEY})


def test_plain_http_to_another_computer_is_refused_and_loopback_allowed() -> None:
    store = ConnectionStore()
    with pytest.raises(ConnectionProblem, match="only connects to Plandocket over https"):
        store.add(
            "Acme", "plandocket", "http://acme.plandocket.com/api/v1", secrets={"api_key": "k"}
        )
    local = store.add("Local", "plandocket", "http://127.0.0.1:8765/pd/", secrets={"api_key": "k"})
    assert local.base_url == "http://127.0.0.1:8765/pd"
    with pytest.raises(ConnectionProblem, match="over https"):
        store.update("Local", base_url="http://example.com/pd")
    assert store.get("Local").base_url == "http://127.0.0.1:8765/pd"


def test_missing_required_setting_is_named_with_where_to_find_it() -> None:
    with pytest.raises(ConnectionProblem) as caught:
        ConnectionStore().add(
            "EU", "eloqua", "https://login.eloqua.com", {"site": "AcmeCorp"}, {"password": "p"}
        )
    assert caught.value.message == "An Oracle Eloqua connection needs its User name (user)."
    assert caught.value.hint == "An Eloqua user allowed to use the Bulk API."


def test_missing_or_empty_secret_is_refused_and_nothing_saved(ring: MemoryKeyring) -> None:
    store = ConnectionStore()
    with pytest.raises(
        ConnectionProblem, match=r"needs its API key \(api_key\); it was left empty"
    ):
        store.add("Acme", "plandocket", PD_URL, secrets={"api_key": ""})
    with pytest.raises(ConnectionProblem, match="Touchpoint token"):
        store.add(
            "TH",
            "thalamus",
            "https://th.example.com/api/v4",
            {"touchpoint": "web", "principal": "me@example.com"},
            {"password": "pw"},
        )
    assert store.list() == []
    assert ring.entries == {}
    assert not store.path.exists()


def test_secret_given_as_a_setting_is_refused() -> None:
    with pytest.raises(ConnectionProblem, match="is a secret, and secrets are never saved"):
        ConnectionStore().add("Acme", "plandocket", PD_URL, {"api_key": PD_KEY})


def test_unknown_settings_systems_and_secrets_are_named(monkeypatch: pytest.MonkeyPatch) -> None:
    store = ConnectionStore()
    with pytest.raises(ConnectionProblem, match="have no setting 'colour'") as setting:
        store.add("Acme", "plandocket", PD_URL, {"colour": "blue"}, {"api_key": PD_KEY})
    assert setting.value.hint == "Their settings are: requests_per_hour."
    key_only = SystemSpec(
        key="key-only",
        label="Key Only",
        url_label="API address",
        url_example="https://k.example.com",
        url_help="",
        settings=(Setting("api_key", "API key", secret=True),),
        sandbox_path="/key-only",
    )
    monkeypatch.setattr(store_module, "SYSTEMS", {**SYSTEMS, "key-only": key_only})
    with pytest.raises(ConnectionProblem, match="have no setting 'site'") as only_key:
        store.add("K", "key-only", "https://k.example.com", {"site": "x"})
    assert only_key.value.hint == "They need only their address and their API key."
    with pytest.raises(ConnectionProblem, match="'sap' is not a system"):
        store.add("Acme", "sap", PD_URL)
    with pytest.raises(ConnectionProblem, match="have no secret 'token'"):
        store.add("Acme", "plandocket", PD_URL, secrets={"api_key": PD_KEY, "token": "t"})


def test_optional_setting_is_left_out_and_reads_as_its_default() -> None:
    store = ConnectionStore()
    th = store.add(
        "TH",
        "thalamus",
        "https://th.example.com/api/v4",
        {"touchpoint": "web", "principal": "me@example.com", "login_path": " "},
        {"token": "tok-12345", "password": "pw-12345"},
    )
    assert "login_path" not in th.settings
    assert th.setting("login_path") == "/login"


def test_update_changes_settings_and_merges_secrets() -> None:
    store = ConnectionStore()
    _add_two(store)
    changed = store.update(
        "eloqua eu",
        base_url="https://login.eloqua.com",
        settings={"site": "AcmeCorp", "user": "bulk-user"},
        secrets={"password": "new-password-1"},
    )
    assert changed.settings["user"] == "bulk-user"
    assert store.get("Eloqua EU") == changed
    assert store.resolve("Eloqua EU", "eloqua")[1] == {"password": "new-password-1"}
    assert [c.name for c in store.list()] == ["Acme", "Eloqua EU"]


def test_remove_forgets_the_connection_and_its_keychain_entry(ring: MemoryKeyring) -> None:
    store = ConnectionStore()
    _add_two(store)
    removed = store.remove("ACME")
    assert removed.name == "Acme"
    assert [c.name for c in store.list()] == ["Eloqua EU"]
    assert (KEYRING_SERVICE, "Acme") not in ring.entries
    with pytest.raises(ConnectionProblem, match="no connection called 'Acme'") as caught:
        store.remove("Acme")
    assert "Saved connections: Eloqua EU." in caught.value.hint


def test_without_a_keychain_nothing_is_saved_anywhere() -> None:
    keyring.set_keyring(fail.Keyring())  # type: ignore[no-untyped-call]
    store = ConnectionStore()
    with pytest.raises(NoKeychain, match="nothing was saved"):
        store.add("Acme", "plandocket", PD_URL, secrets={"api_key": PD_KEY})
    assert not store.path.exists()
    assert store.list() == []


def test_keychain_refusing_to_remove_keeps_the_connection() -> None:
    store = ConnectionStore()
    _add_two(store)
    keyring.set_keyring(fail.Keyring())  # type: ignore[no-untyped-call]
    with pytest.raises(NoKeychain):
        store.remove("Acme")
    assert store.find("Acme") is not None


def test_failed_settings_write_takes_the_secrets_back_out(
    ring: MemoryKeyring, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = ConnectionStore()

    def refuse(*args: object) -> None:
        raise ConfigurationError("Rowboat could not save its settings.")

    monkeypatch.setattr(type(store._file), "save", refuse)
    with pytest.raises(ConfigurationError):
        store.add("Acme", "plandocket", PD_URL, secrets={"api_key": PD_KEY})
    assert ring.entries == {}


def test_damaged_settings_file_is_never_overwritten_by_a_change() -> None:
    store = ConnectionStore()
    store.path.parent.mkdir(parents=True)
    store.path.write_text('{"version": 1, "connections": [', encoding="utf-8")
    with pytest.raises(ConfigurationError, match="is damaged"):
        store.add("Acme", "plandocket", PD_URL, secrets={"api_key": PD_KEY})
    with pytest.raises(ConfigurationError, match="is damaged"):
        store.list()
    assert store.path.read_text(encoding="utf-8") == '{"version": 1, "connections": ['


def test_secrets_missing_from_the_keychain_are_reported(ring: MemoryKeyring) -> None:
    store = ConnectionStore()
    _add_two(store)
    ring.entries.clear()  # another computer, or the user emptied the keychain
    with pytest.raises(ConnectionProblem, match="API key of the connection 'Acme' is not in"):
        store.resolve("Acme", "plandocket")
    with pytest.raises(ConnectionProblem, match="The Password of the connection 'Eloqua EU' is"):
        store.resolve("Eloqua EU", "eloqua")


def test_resolve_refuses_a_connection_of_another_system() -> None:
    store = ConnectionStore()
    _add_two(store)
    with pytest.raises(
        ConnectionProblem, match="'Acme' is a Plandocket connection, not a Thalamus"
    ):
        store.resolve("Acme", "thalamus")


def test_sandbox_is_listed_per_system_only_when_a_sandbox_runs() -> None:
    assert ConnectionStore().list() == []
    store = ConnectionStore(sandbox_url="http://127.0.0.1:4321/")
    _add_two(store)
    listed = store.list()
    assert [c.name for c in listed] == ["Acme", "Eloqua EU", *[SANDBOX_NAME] * len(SYSTEMS)]
    sandbox = store.get("sandbox", "plandocket")
    assert sandbox.builtin
    assert sandbox.base_url == "http://127.0.0.1:4321/plandocket/api/v1"
    assert [c.system for c in store.list("thalamus")] == ["thalamus"]
    assert "Sandbox" not in store.path.read_text(encoding="utf-8")


def test_sandbox_resolves_to_its_demo_secrets_without_the_keychain(ring: MemoryKeyring) -> None:
    store = ConnectionStore(sandbox_url="http://127.0.0.1:4321")
    for system in SYSTEMS:
        connection, secrets = store.resolve("Sandbox", system)
        assert connection.builtin
        assert secrets == sandbox_secrets(system)
    assert ring.entries == {}
    assert not store.path.exists()


def test_sandbox_needs_a_system_and_a_running_sandbox() -> None:
    with pytest.raises(ConnectionProblem, match="stands in for every system"):
        ConnectionStore(sandbox_url="http://127.0.0.1:4321").get("Sandbox")
    with pytest.raises(ConnectionProblem, match="Sandbox is not running"):
        ConnectionStore().resolve("Sandbox", "plandocket")


def test_sandbox_cannot_be_changed_or_removed() -> None:
    store = ConnectionStore(sandbox_url="http://127.0.0.1:4321")
    with pytest.raises(ConnectionProblem, match="cannot be removed"):
        store.remove("Sandbox")
    with pytest.raises(ConnectionProblem, match="cannot be changed"):
        store.update("sandbox", base_url="http://127.0.0.1:1")


def test_a_given_secret_store_is_used_instead_of_the_keychain(
    ring: MemoryKeyring, tmp_path: Path
) -> None:
    secrets = MemoryStore()
    store = ConnectionStore(tmp_path / "settings.json", secrets=secrets)
    store.add("Acme", "plandocket", PD_URL, secrets={"api_key": PD_KEY})
    assert secrets.get("Acme") == {"api_key": PD_KEY}
    assert ring.entries == {}
    assert PD_KEY not in repr(store)


def test_is_sandbox_name_ignores_case_and_spaces() -> None:
    assert is_sandbox_name(" sandBOX ")
    assert not is_sandbox_name("Sandbox 2")
