"""kill -9 at random points, resume each time: every valid row ends up stored exactly once.

The submitting `rowboat` runs as a subprocess against a sandbox that lives in this test's
process, so killing Rowboat leaves the target standing, as a crash or a closed laptop would.
Kills are aimed at the sending phase: each waits for the subprocess to say it has started (or
resumed) sending, then strikes after a random delay.
"""

from __future__ import annotations

import json
import os
import queue
import random
import signal
import subprocess
import sys
import threading
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from rowboat.core.submit.journal import Journal
from rowboat.sandbox.context import RateLimit, SandboxContext
from rowboat.sandbox.server import SandboxServer

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX"),
]

KILLS = 20


@pytest.fixture
def server() -> Iterator[SandboxServer]:
    ctx = SandboxContext(
        seed=11,
        job_seconds=0.2,
        seconds_per_row=0.0,
        rate_limits={
            "plandocket": RateLimit(100_000, 3600),
            "thought-industries": RateLimit(100_000, 60),
        },
    )
    with SandboxServer(ctx=ctx) as running:
        for vendor in ("plandocket", "thought-industries"):
            running.faults.configure(vendor, latency_ms=40)
        yield running


def _env(home: Path, server: SandboxServer) -> dict[str, str]:
    env = dict(os.environ)
    env.update(ROWBOAT_HOME=str(home), ROWBOAT_SANDBOX_URL=server.url, PYTHONUNBUFFERED="1")
    return env


class _Child:
    """A rowboat subprocess whose stderr lines arrive on a queue."""

    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "rowboat", *argv],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: queue.Queue[str | None] = queue.Queue()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.lines.put(line)
        self.lines.put(None)

    def wait_for(self, *starts: str, timeout: float = 60) -> bool:
        """True once a stderr line starts with one of `starts`; False when the child ended."""
        while True:
            line = self.lines.get(timeout=timeout)
            if line is None:
                return False
            if line.startswith(starts):
                return True

    def kill(self) -> bool:
        """SIGKILL; True when the child was still running."""
        running = self.proc.poll() is None
        if running:
            self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=30)
        self._close()
        return running

    def _close(self) -> None:
        self._reader.join(timeout=30)
        for pipe in (self.proc.stdout, self.proc.stderr):
            if pipe is not None:
                pipe.close()

    def finish(self) -> tuple[int, str]:
        assert self.proc.stdout is not None
        out = self.proc.stdout.read()
        self.proc.wait(timeout=300)
        self._close()
        return self.proc.returncode, out


def _contacts_csv(path: Path, n: int) -> list[str]:
    emails = [f"crash.{i:05d}@example.com" for i in range(n)]
    rows = ["Email,First name,Last name", *(f"{e},Ann{i},Lee" for i, e in enumerate(emails))]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return emails


def _sessions_csv(path: Path, n: int) -> list[str]:
    titles = [f"Crash course {i:05d}" for i in range(n)]
    rows = ["Title,Start,End,Time zone,Course id"]
    rows += [f"{t},2026-05-04 09:00,2026-05-04 10:00,Europe/Berlin,onboarding-101" for t in titles]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return titles


def _stored_contacts(server: SandboxServer) -> list[str]:
    emails: list[str] = []
    with httpx.Client(base_url=server.base_url("plandocket"), timeout=30) as http:
        page = 1
        while True:
            body = http.get(
                "/contacts",
                params={"page": page, "per_page": 100},
                headers={"Authorization": "Bearer sandbox-pd-key"},
            ).json()
            emails += [c["email"] for c in body["data"]]
            if page >= body["meta"]["last_page"]:
                return emails
            page += 1


def _stored_sessions(server: SandboxServer) -> list[str]:
    with httpx.Client(base_url=server.base_url("thought-industries"), timeout=30) as http:
        body = http.get(
            "/_sandbox/sessions", headers={"Authorization": "Bearer sandbox-ti-key"}
        ).json()
    return [s["title"] for s in body["data"]["sessions"]]


CASES: dict[str, dict[str, Any]] = {
    # Plandocket keys contacts by email, so a re-send would update; the outcome must still be
    # exactly one contact per row, and no row lost.
    "plandocket.contacts": {"make": _contacts_csv, "stored": _stored_contacts, "rows": 3000},
    # Thought Industries stores a session per imported row, keyed by nothing: a blind re-send
    # would store a row twice. This is the case that proves exactly-once.
    "thought-industries.in-person-sessions": {
        "make": _sessions_csv,
        "stored": _stored_sessions,
        "rows": 1500,
    },
}


@pytest.mark.parametrize("endpoint", list(CASES))
def test_killed_at_random_points_and_resumed_every_row_is_stored_exactly_once(
    endpoint: str, server: SandboxServer, tmp_path: Path
) -> None:
    case = CASES[endpoint]
    source = tmp_path / "rows.csv"
    expected = case["make"](source, case["rows"])
    home = tmp_path / "home"
    env = _env(home, server)
    rng = random.Random(20261202)
    submit = ["submit", str(source), "--endpoint", endpoint, "--yes", "--region", "DE",
              "--rows-per-request", "10"]  # fmt: skip
    kills, import_id = 0, None
    while kills < KILLS:
        argv = submit if import_id is None else ["resume", import_id]
        child = _Child(argv, env)
        if not child.wait_for("Import ", "Resuming import "):
            child.kill()  # it ended by itself (reaped here): the import is finished
            break
        threading.Event().wait(rng.uniform(0.0, 0.3))
        kills += child.kill()
        if import_id is None:
            with Journal(home / "data" / "rowboat.db") as journal:
                records = journal.imports()
            import_id = records[0].id if records else None
    assert import_id is not None
    assert kills == KILLS, "the import finished before every kill; give it more rows"
    code, out = _Child(["resume", import_id, "--json"], env).finish()
    result = json.loads(out)
    assert result["state"] == "finished", result
    stored = case["stored"](server)
    assert sorted(stored) == sorted(expected)  # every row, none twice
    assert result["created"] + result["updated"] == len(expected)
    assert result["unknown"] == 0
    assert code == 0
