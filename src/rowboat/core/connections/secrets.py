"""Where a connection's secrets are kept: the OS keychain (KeyringStore), or memory (MemoryStore).

One `SecretStore` protocol (Vorta's keyring/abc.py idea) with one entry per connection name,
holding every secret of that connection as JSON. Where the computer has no working keychain,
KeyringStore raises NoKeychain and stores nothing: Rowboat never falls back to a file of its own.
"""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Protocol

from rowboat.core.errors import ConnectionProblem, NoKeychain

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    import keyring.backend

    from rowboat.core.connections.model import Secrets

__all__ = [
    "KEYRING_SERVICE",
    "KeyringStore",
    "MemoryStore",
    "RedactedSecrets",
    "SecretStore",
    "keychain_hint",
]

KEYRING_SERVICE = "Rowboat"

# keyring's own line between backends it recommends and the rest (keyring.core.recommended):
# below it are the fail and null backends and keyrings.alt's files, plain text among them.
_RECOMMENDED_PRIORITY = 1


class RedactedSecrets(dict[str, str]):
    """A plain dict of secrets whose repr and str show the keys only, so a stray log line, an
    f-string or a test failure cannot print a value."""

    def __repr__(self) -> str:
        return "{" + ", ".join(f"{k!r}: '***'" for k in self) + "}"

    __str__ = __repr__


class SecretStore(Protocol):
    """The secrets of each connection, by connection name."""

    def get(self, name: str) -> Secrets | None:
        """The secrets saved for `name`, or None when there are none."""

    def set(self, name: str, secrets: Mapping[str, str]) -> None:
        """Save `secrets` for `name`, replacing what was saved before."""

    def delete(self, name: str) -> None:
        """Forget the secrets of `name`; forgetting what is not there is not an error."""


class MemoryStore:
    """Secrets in this process's memory only: for tests, and for the built-in Sandbox's demo
    credentials, which never go near the keychain."""

    def __init__(self, entries: Mapping[str, Mapping[str, str]] | None = None) -> None:
        self._entries = {name: dict(s) for name, s in (entries or {}).items()}

    def get(self, name: str) -> Secrets | None:
        found = self._entries.get(name)
        return RedactedSecrets(found) if found is not None else None

    def set(self, name: str, secrets: Mapping[str, str]) -> None:
        self._entries[name] = dict(secrets)

    def delete(self, name: str) -> None:
        self._entries.pop(name, None)

    def __repr__(self) -> str:
        return f"MemoryStore(names={sorted(self._entries)!r})"


class KeyringStore:
    """Secrets in the OS keychain through the `keyring` library: service "Rowboat", one entry
    per connection name whose password is the connection's secrets as JSON.

    Every method raises NoKeychain, and stores nothing, when no keychain works here: keyring
    found no backend, found only backends it does not recommend (plain files among them), or
    the backend failed (a locked keychain, no D-Bus session).
    """

    def __init__(self, service: str = KEYRING_SERVICE) -> None:
        self.service = service

    def __repr__(self) -> str:
        return f"KeyringStore(service={self.service!r})"

    def get(self, name: str) -> Secrets | None:
        backend = self._backend("read", name)
        try:
            text = backend.get_password(self.service, name)
        except Exception as exc:  # noqa: BLE001 - backends raise anything (D-Bus, OSError, …)
            raise _refused("read", name, backend, exc, ()) from None
        if text is None:
            return None
        try:
            data = json.loads(text)
        except ValueError:
            data = None
        if not isinstance(data, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in data.items()
        ):
            raise ConnectionProblem(
                f"The keychain entry of the connection '{name}' is damaged.",
                hint="Remove the connection and add it again with its secrets.",
                detail=f"{self.service}/{name} in {_backend_name(backend)} is not Rowboat's JSON",
            )
        return RedactedSecrets(data)

    def set(self, name: str, secrets: Mapping[str, str]) -> None:
        backend = self._backend("save", name)
        payload = json.dumps(dict(secrets), ensure_ascii=False, sort_keys=True)
        try:
            backend.set_password(self.service, name, payload)
        except Exception as exc:  # noqa: BLE001 - backends raise anything (D-Bus, OSError, …)
            raise _refused("save", name, backend, exc, [payload, *secrets.values()]) from None

    def delete(self, name: str) -> None:
        import keyring.errors

        backend = self._backend("remove", name)
        try:
            backend.delete_password(self.service, name)
        except keyring.errors.PasswordDeleteError:
            return  # nothing was saved under that name
        except Exception as exc:  # noqa: BLE001 - backends raise anything (D-Bus, OSError, …)
            raise _refused("remove", name, backend, exc, ()) from None

    def _backend(self, action: str, name: str) -> keyring.backend.KeyringBackend:
        """The keyring backend to use, or NoKeychain when there is none worth the name."""
        import keyring
        from keyring.backends.chainer import ChainerBackend

        try:
            backend = keyring.get_keyring()
            if isinstance(backend, ChainerBackend):
                # The chainer writes to its first backend: that one must be a real keychain.
                backend = next(iter(backend.backends), backend)
            usable = float(backend.priority) >= _RECOMMENDED_PRIORITY
        except Exception as exc:  # noqa: BLE001 - a broken keyring configuration raises anything
            raise NoKeychain(
                _no_keychain_message(action, name),
                hint=keychain_hint(),
                detail=f"keyring could not choose a backend: {type(exc).__name__}: {exc}",
            ) from None
        if not usable:
            raise NoKeychain(
                _no_keychain_message(action, name),
                hint=keychain_hint(),
                detail=f"keyring's backend is {_backend_name(backend)}, which keeps no secrets "
                "safely",
            )
        return backend


def _no_keychain_message(action: str, name: str) -> str:
    if action == "save":
        return (
            f"This computer has no keychain Rowboat can keep the secrets of '{name}' in, "
            "so nothing was saved."
        )
    if action == "read":
        return f"This computer has no keychain Rowboat can read the secrets of '{name}' from."
    return f"This computer has no keychain Rowboat can remove the secrets of '{name}' from."


def _refused(
    action: str,
    name: str,
    backend: keyring.backend.KeyringBackend,
    exc: Exception,
    secrets: Iterable[str],
) -> NoKeychain:
    """NoKeychain for a backend that raised; its text is scrubbed of the secrets just in case."""
    text = f"{type(exc).__name__}: {exc}"
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    done = {"save": "nothing was saved", "read": "nothing was read", "remove": "nothing changed"}
    return NoKeychain(
        f"The keychain could not {action} the secrets of '{name}', so {done[action]}.",
        hint=keychain_hint(),
        detail=f"{_backend_name(backend)}: {text}",
    )


def _backend_name(backend: keyring.backend.KeyringBackend) -> str:
    return f"{type(backend).__module__}.{type(backend).__name__}"


def keychain_hint(platform: str | None = None) -> str:
    """What to do on this kind of computer so that Rowboat has a keychain to use."""
    platform = platform or sys.platform
    if platform == "darwin":
        return (
            "Rowboat keeps secrets in your login keychain: open Keychain Access, make sure the "
            "login keychain exists and is unlocked, then try again."
        )
    if platform.startswith("win"):
        return (
            "Rowboat keeps secrets in the Windows Credential Manager: sign in with your own "
            "Windows account (not a guest or service account), then try again."
        )
    if platform.startswith("linux") or "bsd" in platform:
        return (
            "Install and unlock a Secret Service keyring such as GNOME Keyring or KWallet "
            "(it runs with your desktop session), then try again."
        )
    return "Install a keychain that the Python keyring library supports, then try again."
