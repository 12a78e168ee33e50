"""Test-wide setup: Qt renders offscreen, before anything imports Qt."""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True)
def _private_keyring_and_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every test gets an empty in-memory keychain and its own ROWBOAT_HOME, so nothing reads or
    writes the real keychain or the user's settings; both are put back afterwards."""
    import keyring

    from tests.keyring_backends import MemoryKeyring

    previous = keyring.get_keyring()
    keyring.set_keyring(MemoryKeyring())
    monkeypatch.setenv("ROWBOAT_HOME", str(tmp_path / "rowboat-home"))
    yield
    keyring.set_keyring(previous)
