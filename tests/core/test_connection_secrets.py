"""Secrets live in the OS keychain or nowhere: KeyringStore, its honest failures, MemoryStore."""

from __future__ import annotations

import json

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import chainer, fail, null

from rowboat.core.connections.secrets import (
    KEYRING_SERVICE,
    KeyringStore,
    MemoryStore,
    RedactedSecrets,
    keychain_hint,
)
from rowboat.core.errors import ConnectionProblem, NoKeychain
from tests.keyring_backends import MemoryKeyring

SECRET = "pd-live-9f8e7d6c5b4a"


@pytest.fixture
def backend() -> MemoryKeyring:
    ring = keyring.get_keyring()
    assert isinstance(ring, MemoryKeyring)  # the autouse fixture in tests/conftest.py
    return ring


class _RaisingKeyring(KeyringBackend):
    """A keychain that is there but fails, like a locked one; its error echoes the password."""

    priority = 5
    viable = False

    def get_password(self, service: str, username: str) -> str | None:
        raise keyring.errors.KeyringLocked("the collection is locked")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise keyring.errors.PasswordSetError(f"could not store {password!r}")

    def delete_password(self, service: str, username: str) -> None:
        raise OSError("dbus went away")


@pytest.fixture
def raising() -> None:
    keyring.set_keyring(_RaisingKeyring())  # type: ignore[no-untyped-call]
    # the autouse fixture in tests/conftest.py puts the previous keyring back


def _install(backend: type[KeyringBackend]) -> None:
    keyring.set_keyring(backend())


def test_secrets_are_one_json_entry_per_connection_under_rowboat(backend: MemoryKeyring) -> None:
    store = KeyringStore()
    store.set("Acme", {"api_key": SECRET})
    assert json.loads(backend.entries[(KEYRING_SERVICE, "Acme")]) == {"api_key": SECRET}
    assert store.get("Acme") == {"api_key": SECRET}
    assert store.get("Other") is None


def test_setting_again_replaces_the_entry(backend: MemoryKeyring) -> None:
    store = KeyringStore()
    store.set("Eloqua EU", {"password": "first-password"})
    store.set("Eloqua EU", {"password": "second-password"})
    assert store.get("Eloqua EU") == {"password": "second-password"}
    assert len(backend.entries) == 1


def test_delete_forgets_and_deleting_twice_is_fine(backend: MemoryKeyring) -> None:
    store = KeyringStore()
    store.set("Acme", {"api_key": SECRET})
    store.delete("Acme")
    store.delete("Acme")
    assert store.get("Acme") is None
    assert backend.entries == {}


def test_read_secrets_print_without_their_values(backend: MemoryKeyring) -> None:
    store = KeyringStore()
    store.set("Acme", {"api_key": SECRET})
    found = store.get("Acme")
    assert found is not None
    for text in (repr(found), str(found), f"{found}", repr(store), repr([found])):
        assert SECRET not in text
    assert repr(found) == "{'api_key': '***'}"
    assert isinstance(found, dict)
    assert found["api_key"] == SECRET


def test_fail_backend_raises_no_keychain_and_stores_nothing() -> None:
    _install(fail.Keyring)  # what keyring picks on a headless Linux box
    store = KeyringStore()
    with pytest.raises(NoKeychain) as caught:
        store.set("Acme", {"api_key": SECRET})
    error = caught.value
    assert error.message == (
        "This computer has no keychain Rowboat can keep the secrets of 'Acme' in, "
        "so nothing was saved."
    )
    assert error.hint == keychain_hint()
    assert "keyring.backends.fail.Keyring" in error.detail
    for text in (error.message, error.hint, error.detail, str(error), repr(error)):
        assert SECRET not in text
    with pytest.raises(NoKeychain, match="read the secrets of 'Acme'"):
        store.get("Acme")
    with pytest.raises(NoKeychain, match="remove the secrets of 'Acme'"):
        store.delete("Acme")


def test_the_real_keyring_on_this_headless_box_is_refused_the_same_way() -> None:
    keyring.core.init_backend()  # keyring's own choice here: no Secret Service, no D-Bus
    if not isinstance(keyring.get_keyring(), fail.Keyring):
        pytest.skip("this computer has a keychain")
    with pytest.raises(NoKeychain):
        KeyringStore().set("Acme", {"api_key": SECRET})


def test_null_backend_is_refused_because_it_would_lose_the_secret() -> None:
    _install(null.Keyring)
    with pytest.raises(NoKeychain) as caught:
        KeyringStore().set("Acme", {"api_key": SECRET})
    assert "keyring.backends.null.Keyring" in caught.value.detail


def test_chainer_without_usable_backends_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(keyring.backend, "get_all_keyring", list)
    _install(chainer.ChainerBackend)
    with pytest.raises(NoKeychain):
        KeyringStore().set("Acme", {"api_key": SECRET})


def test_chainer_whose_first_backend_is_a_plain_file_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    class _PlainFile(MemoryKeyring):
        priority = 0.5  # keyrings.alt's PlaintextKeyring claims this

    monkeypatch.setattr(keyring.backend, "get_all_keyring", lambda: [_PlainFile()])
    _install(chainer.ChainerBackend)
    with pytest.raises(NoKeychain):
        KeyringStore().set("Acme", {"api_key": SECRET})


def test_chainer_uses_its_first_real_keychain(monkeypatch: pytest.MonkeyPatch) -> None:
    real = MemoryKeyring()
    monkeypatch.setattr(keyring.backend, "get_all_keyring", lambda: [real])
    _install(chainer.ChainerBackend)
    KeyringStore().set("Acme", {"api_key": SECRET})
    assert json.loads(real.entries[(KEYRING_SERVICE, "Acme")]) == {"api_key": SECRET}


def test_broken_keyring_configuration_is_no_keychain(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken() -> KeyringBackend:
        raise ModuleNotFoundError("No module named 'keyrings.missing'")

    monkeypatch.setattr(keyring, "get_keyring", broken)
    with pytest.raises(NoKeychain, match="no keychain") as caught:
        KeyringStore().get("Acme")
    assert "ModuleNotFoundError" in caught.value.detail


@pytest.mark.usefixtures("raising")
def test_backend_that_raises_is_no_keychain_without_the_secret_in_any_text() -> None:
    store = KeyringStore()
    with pytest.raises(NoKeychain) as caught:
        store.set("Acme", {"api_key": SECRET})
    error = caught.value
    assert (
        error.message == "The keychain could not save the secrets of 'Acme', so nothing was saved."
    )
    assert "PasswordSetError" in error.detail
    assert "***" in error.detail
    for text in (error.message, error.hint, error.detail, str(error), repr(error)):
        assert SECRET not in text
    assert error.__cause__ is None
    assert error.__suppress_context__


@pytest.mark.usefixtures("raising")
def test_locked_keychain_on_read_and_remove_is_no_keychain() -> None:
    store = KeyringStore()
    with pytest.raises(NoKeychain, match="could not read") as read:
        store.get("Acme")
    assert "KeyringLocked" in read.value.detail
    with pytest.raises(NoKeychain, match="could not remove") as removed:
        store.delete("Acme")
    assert "dbus went away" in removed.value.detail


def test_damaged_keychain_entry_is_reported_plainly(backend: MemoryKeyring) -> None:
    backend.entries[(KEYRING_SERVICE, "Acme")] = "not json at all"
    with pytest.raises(ConnectionProblem, match="keychain entry of the connection 'Acme'"):
        KeyringStore().get("Acme")
    backend.entries[(KEYRING_SERVICE, "Acme")] = json.dumps({"api_key": 12})
    with pytest.raises(ConnectionProblem, match="damaged"):
        KeyringStore().get("Acme")


@pytest.mark.parametrize(
    ("platform", "words"),
    [
        ("linux", "Secret Service keyring such as GNOME Keyring or KWallet"),
        ("darwin", "login keychain"),
        ("win32", "Windows Credential Manager"),
        ("sunos5", "keyring library supports"),
    ],
)
def test_each_platform_gets_its_own_hint(platform: str, words: str) -> None:
    assert words in keychain_hint(platform)


def test_memory_store_round_trips_and_hides_values() -> None:
    store = MemoryStore({"plandocket": {"api_key": SECRET}})
    assert store.get("plandocket") == {"api_key": SECRET}
    store.set("eloqua", {"password": "demo-password"})
    store.delete("plandocket")
    store.delete("plandocket")
    assert store.get("plandocket") is None
    assert repr(store) == "MemoryStore(names=['eloqua'])"
    assert "demo-password" not in repr(store.get("eloqua"))


def test_redacted_secrets_stay_a_dict_for_json() -> None:
    secrets = RedactedSecrets(token="sandbox-token", password="demo1234")
    assert json.loads(json.dumps(secrets)) == {"token": "sandbox-token", "password": "demo1234"}
    assert "demo1234" not in f"{secrets!r} {secrets!s}"
