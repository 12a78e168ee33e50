"""No secret reaches a file Rowboat writes: settings, journal, history, logs, reports, exports.

Every system is imported into through the command line with the built-in Sandbox, reports and
exports of the rows to fix are written, then every byte under ROWBOAT_HOME and the output
folder is searched for each demo secret.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from rowboat.cli import main
from rowboat.core.connections.model import SYSTEMS, sandbox_secrets
from rowboat.core.paths import config_dir, data_dir, log_dir
from rowboat.resources import SAMPLES as SAMPLES_DIR
from rowboat.sandbox.context import SandboxContext
from rowboat.sandbox.server import SandboxServer

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

SAMPLES = str(SAMPLES_DIR)  # the bundled samples (package data)


@pytest.fixture
def sandbox(monkeypatch: pytest.MonkeyPatch) -> Iterator[SandboxServer]:
    with SandboxServer(ctx=SandboxContext(job_seconds=0.1, seconds_per_row=0.0)) as server:
        monkeypatch.setenv("ROWBOAT_SANDBOX_URL", server.url)
        yield server


def _companies(path: Path) -> Path:
    path.write_text(
        "Company name,Tax ID,City,Country\n"
        "Globex SA,ESA12345678,Madrid,Spain\n"
        ",ESB87654321,Sevilla,Spain\n",
        encoding="utf-8",
    )
    return path


def test_no_demo_secret_is_in_any_file_rowboat_wrote(
    sandbox: SandboxServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    runs = [
        ["submit", f"{SAMPLES}/attendees.xlsx", "--endpoint", "plandocket.contacts"],
        ["submit", f"{SAMPLES}/sessions.xlsx", "--endpoint",
         "thought-industries.in-person-sessions"],
        ["submit", f"{SAMPLES}/attendees.xlsx", "--endpoint", "eloqua.event-registrants",
         "--event", "12"],
        ["submit", str(_companies(tmp_path / "companies.csv")), "--endpoint", "thalamus.companies"],
    ]  # fmt: skip
    for n, argv in enumerate(runs):
        code = main([*argv, "--yes", "--region", "DE", "--rejects", str(out / f"fix{n}.xlsx")])
        assert code in (0, 1), capsys.readouterr().err
    for system in SYSTEMS:
        assert main(["connections", "test", "Sandbox", "--system", system]) == 0
    assert main(["validate", f"{SAMPLES}/attendees.xlsx", "--endpoint", "plandocket.contacts",
                 "--report", str(out / "invalid.csv")]) == 1  # fmt: skip
    assert main(["jobs", "--json"]) == 0
    printed = capsys.readouterr()
    written = [p for root in (config_dir(), data_dir(), log_dir(), out) for p in root.rglob("*")]
    files = [p for p in written if p.is_file()]
    assert any(p.name == "rowboat.db" for p in files)  # the journal was really written
    assert len([p for p in files if p.parent == out]) == 5
    for system in SYSTEMS:
        for secret in sandbox_secrets(system).values():
            needle = secret.encode("utf-8")
            found = [p for p in files if needle in p.read_bytes()]
            assert found == [], f"{system}'s secret is written in {found}"
            assert secret not in printed.err
