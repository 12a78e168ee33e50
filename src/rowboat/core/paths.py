"""Where Rowboat keeps its files: settings, data (journal, history), caches and logs.

The OS's usual places (platformdirs), or all under one folder when ROWBOAT_HOME is set — for a
portable install, and for tests and subprocesses that must not touch the user's real files.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

__all__ = ["cache_dir", "config_dir", "data_dir", "log_dir"]

_APP = "Rowboat"


def _home(kind: str) -> Path | None:
    root = os.environ.get("ROWBOAT_HOME", "").strip()
    return Path(root) / kind if root else None


def config_dir() -> Path:
    """Settings (connections without their secrets)."""
    return _home("config") or Path(platformdirs.user_config_dir(_APP, appauthor=False))


def data_dir() -> Path:
    """The journal and history database, saved mappings, the sandbox's state."""
    return _home("data") or Path(platformdirs.user_data_dir(_APP, appauthor=False))


def cache_dir() -> Path:
    """What can be fetched again: schemas read from the servers."""
    return _home("cache") or Path(platformdirs.user_cache_dir(_APP, appauthor=False))


def log_dir() -> Path:
    return _home("logs") or Path(platformdirs.user_log_dir(_APP, appauthor=False))
