"""Warming the core up at start: the imports and first-use work that would otherwise stall the
window the first time a file is read or checked.

The core imports some libraries only when first needed (fastexcel, the pyarrow csv reader,
charset-normalizer, openpyxl) and builds some tables on first use (time zones, patterns). Done on
a worker thread during the first read, an import holds the interpreter lock for long stretches
and the window stops answering for half a second; done here, before the window is shown, it
costs the same once and never interrupts the user.
"""

from __future__ import annotations

import importlib
import logging
import time
from pathlib import Path

import numpy as np
import pandas as pd

from rowboat.core.mapping import match_columns
from rowboat.core.table import SourceInfo, Table
from rowboat.core.targets import list_endpoints
from rowboat.core.validation import ValidationOptions, validate

__all__ = ["LAZY_MODULES", "warm_up"]

log = logging.getLogger(__name__)

# What the core imports inside functions, by the path of the work that needs it.
LAZY_MODULES = (
    "rowboat.core.sources.excel",  # fastexcel: workbooks
    "pyarrow.csv",  # big text files
    "charset_normalizer",  # text files that are not UTF-8
    "openpyxl",  # workbook previews and exports
    "rowboat.core.reports",
    "rowboat.core.templates",
    # Submitting: each system's carrier and client, the keychain, and the built-in Sandbox,
    # which a worker starts the first time a connection is used.
    "rowboat.core.submit.plandocket",
    "rowboat.core.submit.eloqua",
    "rowboat.core.submit.thought_industries",
    "rowboat.core.submit.thalamus",
    "rowboat.core.clients.plandocket_check",
    "rowboat.core.clients.eloqua_schema",
    "keyring",
    "rowboat.sandbox.server",
)


def _example_table(columns: dict[str, str]) -> Table:
    frame = pd.DataFrame({name: [value] for name, value in columns.items()}, dtype="str")
    info = SourceInfo(path=Path("warm-up.csv"), format="csv", header_row=1)
    return Table(frame, np.array([2], dtype=np.int64), tuple(columns), info)


def warm_up() -> float:
    """Import the lazily imported libraries and check one example row per endpoint (every
    field type once); the seconds it took."""
    started = time.perf_counter()
    for name in LAZY_MODULES:
        importlib.import_module(name)
    options = ValidationOptions(default_region="DE")
    for endpoint in list_endpoints():
        table = _example_table({f.label: f.example for f in endpoint.fields})
        validate(table, endpoint, match_columns(table.columns, endpoint), options)
    took = time.perf_counter() - started
    log.info("warmed up in %.2f s", took)
    return took
