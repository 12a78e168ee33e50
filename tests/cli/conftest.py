"""Fixtures of the command-line tests: the keyring the autouse fixture installed, ROWBOAT_HOME,
no outside sandbox, and a sandbox of their own."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import keyring
import pytest

from tests.keyring_backends import MemoryKeyring

if TYPE_CHECKING:
    from collections.abc import Iterator

    from rowboat.sandbox.server import SandboxServer


@pytest.fixture(autouse=True)
def _no_outside_sandbox(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ROWBOAT_SANDBOX_URL", raising=False)


@pytest.fixture
def ring() -> MemoryKeyring:
    backend = keyring.get_keyring()
    assert isinstance(backend, MemoryKeyring)  # installed by tests/conftest.py
    return backend


@pytest.fixture
def home() -> Path:
    return Path(os.environ["ROWBOAT_HOME"])


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    from rowboat.sandbox.context import ManualClock, SandboxContext
    from rowboat.sandbox.server import SandboxServer

    with SandboxServer(ctx=SandboxContext(clock=ManualClock(), seed=7)) as server:
        yield server
