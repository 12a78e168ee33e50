"""Keyring backends for tests only: in memory, and in a JSON file for subprocesses.

TEST-ONLY. Neither keeps a secret safe: the file one writes secrets in plain text. Rowboat itself
refuses such backends (secrets.py); these pass only because they claim keyring's "recommended"
priority, and they are never found by keyring's own discovery (`viable = False`), so nothing
picks them up outside a test that installs them on purpose:

- in-process: `keyring.set_keyring(MemoryKeyring())` (the autouse fixture in tests/conftest.py);
- in a subprocess (the `rowboat` command line): set the environment variables
  `PYTHON_KEYRING_BACKEND=tests.keyring_backends.FileKeyring` and
  `ROWBOAT_TEST_KEYRING_FILE=/tmp/.../keyring.json`, with the repository root on PYTHONPATH.
  Keep that file outside ROWBOAT_HOME, which tests grep for secrets.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError

__all__ = ["KEYRING_FILE_VARIABLE", "FileKeyring", "MemoryKeyring"]

KEYRING_FILE_VARIABLE = "ROWBOAT_TEST_KEYRING_FILE"


class MemoryKeyring(KeyringBackend):
    """A keyring in this process's memory; `entries` shows what was stored, for assertions."""

    priority: float = 1
    viable = False

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.entries.pop((service, username), None) is None:
            raise PasswordDeleteError("no such password")


class FileKeyring(KeyringBackend):
    """A keyring in the JSON file named by $ROWBOAT_TEST_KEYRING_FILE, so a `rowboat`
    subprocess and the test that started it see the same secrets."""

    priority: float = 1
    viable = False

    def __init__(self, path: str | Path | None = None) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        where = path if path is not None else os.environ.get(KEYRING_FILE_VARIABLE)
        if not where:
            raise RuntimeError(f"FileKeyring needs ${KEYRING_FILE_VARIABLE} (tests only)")
        self.path = Path(where)

    def _read(self) -> dict[str, dict[str, str]]:
        if not self.path.exists():
            return {}
        data: dict[str, dict[str, str]] = json.loads(self.path.read_text(encoding="utf-8"))
        return data

    def _write(self, data: dict[str, dict[str, str]]) -> None:
        self.path.write_text(json.dumps(data), encoding="utf-8")

    def get_password(self, service: str, username: str) -> str | None:
        return self._read().get(service, {}).get(username)

    def set_password(self, service: str, username: str, password: str) -> None:
        data = self._read()
        data.setdefault(service, {})[username] = password
        self._write(data)

    def delete_password(self, service: str, username: str) -> None:
        data = self._read()
        if data.get(service, {}).pop(username, None) is None:
            raise PasswordDeleteError("no such password")
        self._write(data)
