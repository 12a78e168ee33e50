"""ConnectionStore: the user's connections (settings file) with their secrets (keychain).

The built-in Sandbox connection of each system joins them when the store is given the address
of a running sandbox; the CLI and the GUI start that sandbox and hand the address over, because
the core never imports it. Every change re-reads the file first, so two Rowboat windows do not
undo each other's edits.
"""

from __future__ import annotations

import logging
import unicodedata
from typing import TYPE_CHECKING

from rowboat.core.connections.model import (
    SANDBOX_NAME,
    SYSTEMS,
    Connection,
    check_base_url,
    sandbox_connection,
    sandbox_secrets,
)
from rowboat.core.connections.secrets import KeyringStore, MemoryStore, RedactedSecrets
from rowboat.core.errors import ConnectionProblem, RowboatError
from rowboat.core.settings import SettingsFile

if TYPE_CHECKING:
    import builtins
    from collections.abc import Mapping
    from pathlib import Path

    from rowboat.core.connections.model import Secrets, Setting, SystemSpec
    from rowboat.core.connections.secrets import SecretStore
    from rowboat.core.settings import AppSettings

__all__ = ["ConnectionStore", "is_sandbox_name"]

log = logging.getLogger(__name__)

MAX_NAME_LENGTH = 60


def is_sandbox_name(name: str) -> bool:
    """Whether `name` means the built-in Sandbox (names are compared case-insensitively)."""
    return name.strip().casefold() == SANDBOX_NAME.casefold()


class ConnectionStore:
    """The user's saved connections, by name (unique regardless of case), and their secrets.

    `path` is the settings file (default: settings.json under config_dir()); `secrets` the
    SecretStore (default: the OS keychain); `sandbox_url` the address of a running sandbox,
    which adds the built-in Sandbox connection of each system.
    """

    def __init__(
        self,
        path: str | Path | None = None,
        *,
        secrets: SecretStore | None = None,
        sandbox_url: str | None = None,
    ) -> None:
        self._file = SettingsFile(path)
        self._secrets: SecretStore = secrets if secrets is not None else KeyringStore()
        self.sandbox_url = sandbox_url.rstrip("/") if sandbox_url else None
        # The demo credentials live in memory only: never in the keychain, never in a file.
        self._sandbox_secrets = MemoryStore({s: sandbox_secrets(s) for s in SYSTEMS})

    @property
    def path(self) -> Path:
        return self._file.path

    def __repr__(self) -> str:
        return f"ConnectionStore(path={str(self.path)!r}, sandbox_url={self.sandbox_url!r})"

    # -- reading ------------------------------------------------------------------------------

    def list(self, system: str | None = None) -> builtins.list[Connection]:
        """The saved connections in the order they were added, then the built-in Sandbox ones
        (when a sandbox is running); only those of `system` when given."""
        found = self._file.load().connections
        if self.sandbox_url:
            found = [*found, *(sandbox_connection(s, self.sandbox_url) for s in SYSTEMS)]
        return [c for c in found if system is None or c.system == system]

    def find(self, name: str) -> Connection | None:
        """The saved connection called `name` (in any case), or None. Never the Sandbox."""
        key = name.strip().casefold()
        for c in self._file.load().connections:
            if c.name.casefold() == key:
                return c
        return None

    def get(self, name: str, system: str | None = None) -> Connection:
        """The connection called `name`; ConnectionProblem when there is none. The Sandbox
        stands in for every system, so it needs `system`; with `system`, a saved connection of
        another system is refused too."""
        if system is not None and system not in SYSTEMS:
            raise ConnectionProblem(
                f"'{system}' is not a system Rowboat connects to.",
                hint=f"Use one of {', '.join(SYSTEMS)}.",
            )
        if is_sandbox_name(name):
            if system is None:
                raise ConnectionProblem(
                    "The built-in Sandbox stands in for every system: say which one.",
                    hint=f"Name one of {', '.join(SYSTEMS)}.",
                )
            if not self.sandbox_url:
                raise ConnectionProblem(
                    "The built-in Sandbox is not running, so it cannot be used.",
                    hint="Start Rowboat's sandbox and try again.",
                    detail="ConnectionStore was made without sandbox_url",
                )
            return sandbox_connection(system, self.sandbox_url)
        found = self.find(name)
        if found is None:
            names = [c.name for c in self._file.load().connections]
            raise ConnectionProblem(
                f"There is no connection called '{name.strip()}'.",
                hint=(f"Saved connections: {', '.join(names)}." if names else "None is saved yet.")
                + " Add one first, or use the built-in Sandbox.",
            )
        if system is not None and found.system != system:
            raise ConnectionProblem(
                f"'{found.name}' is {_a(found.spec.label)} connection, not "
                f"{_a(SYSTEMS[system].label)} one.",
                hint=f"Choose {_a(SYSTEMS[system].label)} connection.",
            )
        return found

    def resolve(self, name: str, system: str) -> tuple[Connection, Secrets]:
        """The connection called `name` for `system`, with its secrets, ready for a client.

        The Sandbox gets its demo secrets; a saved connection gets those in the keychain
        (NoKeychain without one; ConnectionProblem when they are missing there)."""
        connection = self.get(name, system)
        store = self._sandbox_secrets if connection.builtin else self._secrets
        key = connection.system if connection.builtin else connection.name
        secrets = store.get(key)
        missing = [
            s.label for s in _required_secrets(connection.spec) if not (secrets or {}).get(s.key)
        ]
        if secrets is None or missing:
            what = " and ".join(missing) or "secrets"
            verb = "is" if len(missing) == 1 else "are"
            raise ConnectionProblem(
                f"The {what} of the connection '{connection.name}' {verb} not in this "
                "computer's keychain.",
                hint="Remove the connection and add it again with its secrets.",
            )
        return connection, secrets

    # -- changing -----------------------------------------------------------------------------

    def check_new(
        self,
        name: str,
        system: str,
        base_url: str,
        settings: Mapping[str, str] | None = None,
    ) -> Connection:
        """The connection `add` would save, checked in everything but its secrets: a free
        name, a known system, a safe address, the settings that system has and needs. Ask for
        the secrets only after this passed, so nobody types a password for nothing."""
        return self._checked_new(self._file.load(), name, system, base_url, settings or {})

    def add(
        self,
        name: str,
        system: str,
        base_url: str,
        settings: Mapping[str, str] | None = None,
        secrets: Mapping[str, str] | None = None,
    ) -> Connection:
        """Save a new connection: its settings in the file, its secrets in the keychain.

        Nothing is saved when anything is wrong, the keychain included."""
        state = self._file.load()
        connection = self._checked_new(state, name, system, base_url, settings or {})
        values = _checked_secrets(connection.spec, secrets or {})
        self._secrets.set(connection.name, values)  # first: NoKeychain leaves nothing behind
        try:
            self._save(state, [*state.connections, connection])
        except BaseException:
            self._secrets.delete(connection.name)
            raise
        log.info("added the %s connection %r", connection.spec.label, connection.name)
        return connection

    def update(
        self,
        name: str,
        *,
        base_url: str | None = None,
        settings: Mapping[str, str] | None = None,
        secrets: Mapping[str, str] | None = None,
    ) -> Connection:
        """Change a saved connection. `settings` replace the non-secret settings; `secrets`
        replace the secrets they name and keep the others."""
        if is_sandbox_name(name):
            raise _sandbox_is_builtin("changed")
        state = self._file.load()
        old = self.get(name)
        spec = old.spec
        new = old.model_copy(
            update={
                "base_url": check_base_url(
                    base_url if base_url is not None else old.base_url, spec.label
                ),
                "settings": _checked_settings(
                    spec, settings if settings is not None else old.settings
                ),
            }
        )
        if secrets:
            current = self._secrets.get(old.name) or {}
            self._secrets.set(old.name, _checked_secrets(spec, {**current, **secrets}))
        self._save(state, [new if c.name == old.name else c for c in state.connections])
        log.info("changed the %s connection %r", spec.label, new.name)
        return new

    def remove(self, name: str) -> Connection:
        """Forget a saved connection and its secrets (the keychain entry goes first: when the
        keychain refuses, the connection stays, so its secrets are not orphaned)."""
        if is_sandbox_name(name):
            raise _sandbox_is_builtin("removed")
        state = self._file.load()
        old = self.get(name)
        self._secrets.delete(old.name)
        self._save(state, [c for c in state.connections if c.name != old.name])
        log.info("removed the %s connection %r", old.spec.label, old.name)
        return old

    def _checked_new(
        self,
        state: AppSettings,
        name: str,
        system: str,
        base_url: str,
        settings: Mapping[str, str],
    ) -> Connection:
        spec = _spec(system)
        name = _checked_name(name)
        for c in state.connections:
            if c.name.casefold() == name.casefold():
                raise ConnectionProblem(
                    f"There is already a connection called '{c.name}'.",
                    hint="Choose another name, or remove the old connection first.",
                )
        return Connection(
            name=name,
            system=system,
            base_url=check_base_url(base_url, spec.label),
            settings=_checked_settings(spec, settings),
        )

    def _save(self, state: AppSettings, connections: builtins.list[Connection]) -> None:
        self._file.save(state.model_copy(update={"connections": connections}))


def _spec(system: str) -> SystemSpec:
    try:
        return SYSTEMS[system]
    except KeyError:
        raise ConnectionProblem(
            f"'{system}' is not a system Rowboat connects to.",
            hint=f"Use one of {', '.join(SYSTEMS)}.",
        ) from None


def _checked_name(name: str) -> str:
    name = unicodedata.normalize("NFC", name.strip())
    if not name:
        raise ConnectionProblem("A connection needs a name.", hint="Give it a short name.")
    if len(name) > MAX_NAME_LENGTH or any(unicodedata.category(ch)[0] == "C" for ch in name):
        raise ConnectionProblem(
            f"A connection name must be one line of at most {MAX_NAME_LENGTH} characters.",
            hint="Give it a shorter name, such as 'Acme production'.",
        )
    if is_sandbox_name(name):
        raise ConnectionProblem(
            f"'{SANDBOX_NAME}' is the name of the built-in sandbox connection.",
            hint="Choose another name.",
        )
    return name


def _checked_settings(spec: SystemSpec, given: Mapping[str, str]) -> dict[str, str]:
    """The non-secret settings to save: known, not secret, the required ones filled in."""
    known = {s.key: s for s in spec.settings}
    for key in given:
        if key not in known:
            names = ", ".join(s.key for s in spec.settings if not s.secret)
            raise ConnectionProblem(
                f"{spec.label} connections have no setting '{key}'.",
                hint=f"Their settings are: {names}."
                if names
                else f"They need only their address and their {_secret_labels(spec)}.",
            )
        if known[key].secret:
            raise ConnectionProblem(
                f"The {known[key].label} ({key}) of {_a(spec.label)} connection is a secret, "
                "and secrets are never saved with the settings.",
                hint="Give it where Rowboat asks for the secrets, so it goes to the keychain.",
            )
    values = {k: str(v).strip() for k, v in given.items() if str(v).strip()}
    for s in spec.settings:
        if not s.secret and s.required and not values.get(s.key, s.default):
            raise ConnectionProblem(
                f"{_a(spec.label, capital=True)} connection needs its {s.label} ({s.key}).",
                hint=s.help,
            )
    return values


def _checked_secrets(spec: SystemSpec, given: Mapping[str, str]) -> RedactedSecrets:
    """The secrets to keep: those of this system, the required ones not empty."""
    for key in given:
        if key not in spec.secret_keys:
            raise ConnectionProblem(
                f"{spec.label} connections have no secret '{key}'.",
                hint=f"Their secrets are: {', '.join(spec.secret_keys)}.",
            )
    values = RedactedSecrets({k: v for k, v in given.items() if v})
    for s in _required_secrets(spec):
        if not values.get(s.key):
            raise ConnectionProblem(
                f"{_a(spec.label, capital=True)} connection needs its {s.label} ({s.key}); "
                "it was left empty.",
                hint=s.help,
            )
    return values


def _a(label: str, *, capital: bool = False) -> str:
    """'a Plandocket', 'an Oracle Eloqua' (or 'A …' to start a sentence)."""
    article = "an" if label[:1].lower() in "aeiou" else "a"
    return f"{article.capitalize() if capital else article} {label}"


def _secret_labels(spec: SystemSpec) -> str:
    return " and ".join(s.label for s in spec.settings if s.secret)


def _required_secrets(spec: SystemSpec) -> builtins.list[Setting]:
    return [s for s in spec.settings if s.secret and s.required]


def _sandbox_is_builtin(what: str) -> RowboatError:
    return ConnectionProblem(
        f"The built-in Sandbox connection cannot be {what}.",
        hint="Add a connection of your own to use other settings.",
    )
