"""The core and the command line must never pull in Qt: they run headless and stay fast to start."""

from __future__ import annotations

import subprocess
import sys


def _modules_after_import(code: str) -> set[str]:
    probe = f"{code}\nimport sys\nprint('\\n'.join(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", probe], check=True, capture_output=True, text=True, timeout=120
    ).stdout
    return set(out.split())


def test_core_and_cli_import_without_qt() -> None:
    loaded = _modules_after_import(
        "import rowboat.core, rowboat.core.sources, rowboat.core.targets, rowboat.core.mapping,"
        " rowboat.core.validation, rowboat.core.reports, rowboat.cli"
    )
    assert not any(m == "PySide6" or m.startswith("PySide6.") for m in loaded)


def test_sandbox_imports_neither_qt_nor_core() -> None:
    loaded = _modules_after_import("import rowboat.sandbox, rowboat.sandbox.context")
    assert not any(m.startswith(("PySide6", "rowboat.core")) for m in loaded)


def test_version_does_not_import_pandas() -> None:
    # `rowboat --version` must stay instant: the CLI imports the heavy libraries lazily.
    loaded = _modules_after_import("import rowboat.cli")
    assert "pandas" not in loaded
    assert "httpx" not in loaded
