"""The Eloqua sandbox's tables, and the import definitions every part of it reads."""

from __future__ import annotations

import json
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rowboat.sandbox.eloqua_common import CREATED_BY, iso

if TYPE_CHECKING:
    import sqlite3
    from collections.abc import Iterator

    from rowboat.sandbox.context import SandboxContext

__all__ = [
    "Definition",
    "create_tables",
    "delete_definition",
    "drop_expired",
    "load_definition",
    "page_rows",
    "transaction",
]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS eloqua_imports (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id INTEGER NOT NULL,
    body TEXT NOT NULL,           -- name, fields, identifierFieldName, ... as accepted
    created_at REAL NOT NULL,
    delete_at REAL                -- creation + autoDeleteDuration, or NULL to keep it
);
CREATE TABLE IF NOT EXISTS eloqua_staged (
    id INTEGER PRIMARY KEY AUTOINCREMENT,  -- posting order
    import_id INTEGER NOT NULL,
    sync_id INTEGER,              -- NULL until a sync takes the post
    posted_at REAL NOT NULL,
    expires_at REAL NOT NULL,     -- posted_at + dataRetentionDuration
    row_count INTEGER NOT NULL,
    records TEXT NOT NULL         -- JSON list of {key: text}
);
CREATE INDEX IF NOT EXISTS eloqua_staged_by_import ON eloqua_staged (import_id, sync_id);
CREATE TABLE IF NOT EXISTS eloqua_syncs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    import_id INTEGER NOT NULL,
    event_id INTEGER NOT NULL,
    body TEXT NOT NULL,           -- the definition as it was when the sync was created
    callback_url TEXT,
    created_at REAL NOT NULL,
    row_count INTEGER NOT NULL,
    status TEXT,                  -- success, warning or error once processed, NULL before
    ended_at REAL
);
CREATE INDEX IF NOT EXISTS eloqua_syncs_by_import ON eloqua_syncs (import_id, status);
CREATE TABLE IF NOT EXISTS eloqua_sync_logs (
    sync_id INTEGER NOT NULL,
    position INTEGER NOT NULL,
    count INTEGER NOT NULL,
    message TEXT NOT NULL,
    severity TEXT NOT NULL,
    status_code TEXT NOT NULL,
    created_at REAL NOT NULL,
    PRIMARY KEY (sync_id, position)
);
CREATE TABLE IF NOT EXISTS eloqua_rejects (
    sync_id INTEGER NOT NULL,
    record_index INTEGER NOT NULL,
    field_values TEXT NOT NULL,
    invalid_fields TEXT NOT NULL,
    message TEXT NOT NULL,
    status_code TEXT NOT NULL,
    PRIMARY KEY (sync_id, record_index)
);
CREATE TABLE IF NOT EXISTS eloqua_registrants (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id INTEGER NOT NULL,
    fields TEXT NOT NULL,         -- JSON {internalName: text}
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL,
    sync_id INTEGER NOT NULL      -- the sync that last wrote the registrant
);
CREATE INDEX IF NOT EXISTS eloqua_registrants_by_event ON eloqua_registrants (event_id);
"""


def create_tables(ctx: SandboxContext) -> None:
    with ctx.lock:
        ctx.db.executescript(_SCHEMA)


@contextmanager
def transaction(ctx: SandboxContext) -> Iterator[None]:
    """Hold the lock and make the writes inside one transaction: all of them or none."""
    with ctx.lock:
        ctx.db.execute("BEGIN")
        try:
            yield
        except BaseException:
            ctx.db.execute("ROLLBACK")
            raise
        ctx.db.execute("COMMIT")


@dataclass(frozen=True)
class Definition:
    """An event import definition as stored: `body` holds what the client set (with defaults)."""

    id: int
    event_id: int
    body: dict[str, Any]
    created_at: float

    @property
    def uri(self) -> str:
        return f"/events/{self.event_id}/imports/{self.id}"

    def to_json(self) -> dict[str, Any]:
        return {
            **self.body,
            "uri": self.uri,
            "createdAt": iso(self.created_at),
            "createdBy": CREATED_BY,
            "updatedAt": iso(self.created_at),
            "updatedBy": CREATED_BY,
        }


def load_definition(ctx: SandboxContext, event_id: int, import_id: int) -> Definition | None:
    """The definition, or None when it never existed or its autoDeleteDuration has run out.

    An auto-deleted definition goes with the data still staged for it; its syncs stay readable.
    """
    with ctx.lock:
        row = ctx.db.execute(
            "SELECT * FROM eloqua_imports WHERE id = ? AND event_id = ?", (import_id, event_id)
        ).fetchone()
        if row is None:
            return None
        if row["delete_at"] is not None and row["delete_at"] <= ctx.clock.now():
            delete_definition(ctx, import_id)
            return None
        return Definition(row["id"], row["event_id"], json.loads(row["body"]), row["created_at"])


def delete_definition(ctx: SandboxContext, import_id: int) -> None:
    with transaction(ctx):
        ctx.db.execute(
            "DELETE FROM eloqua_staged WHERE import_id = ? AND sync_id IS NULL", (import_id,)
        )
        ctx.db.execute("DELETE FROM eloqua_imports WHERE id = ?", (import_id,))


def page_rows(
    ctx: SandboxContext, table: str, where: str, value: int, order: str, window: tuple[int, int]
) -> tuple[list[sqlite3.Row], int]:
    """One page (limit, offset) of a table's rows whose column `where` equals `value`, and how
    many there are in all. Table and column names come from this package, never from a request.
    """
    limit, offset = window
    with ctx.lock:
        (total,) = ctx.db.execute(
            f"SELECT COUNT(*) FROM {table} WHERE {where} = ?", (value,)
        ).fetchone()
        rows = ctx.db.execute(
            f"SELECT * FROM {table} WHERE {where} = ? ORDER BY {order} LIMIT ? OFFSET ?",
            (value, limit, offset),
        ).fetchall()
    return rows, total


def drop_expired(ctx: SandboxContext, import_id: int, now: float) -> None:
    """Forget the definition's staged posts whose dataRetentionDuration has run out by `now`."""
    with ctx.lock:
        ctx.db.execute(
            "DELETE FROM eloqua_staged WHERE import_id = ? AND sync_id IS NULL AND expires_at <= ?",
            (import_id, now),
        )
