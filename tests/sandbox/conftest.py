"""A fresh sandbox per test, on a free 127.0.0.1 port, with a clock the test moves by hand."""

from __future__ import annotations

from typing import TYPE_CHECKING

import httpx
import pytest

from rowboat.sandbox.context import ManualClock, SandboxContext
from rowboat.sandbox.server import SandboxServer

if TYPE_CHECKING:
    from collections.abc import Iterator


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def sandbox(clock: ManualClock) -> Iterator[SandboxServer]:
    with SandboxServer(ctx=SandboxContext(clock=clock, seed=7)) as server:
        yield server


@pytest.fixture
def http(sandbox: SandboxServer) -> Iterator[httpx.Client]:
    """A plain client of the whole sandbox (paths start with the vendor's prefix)."""
    with httpx.Client(base_url=sandbox.url, timeout=10) as client:
        yield client


@pytest.fixture
def eloqua(sandbox: SandboxServer) -> Iterator[httpx.Client]:
    """A client of the Eloqua sandbox's base URL, logged in as the demo user."""
    from tests.sandbox.test_eloqua_support import client

    with client(sandbox) as c:
        yield c
