"""Plandocket's stored state: events, contacts, participants and past bulk imports (pd_* tables).

Every function here expects the caller to hold `ctx.lock` around its use of the connection.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from rowboat.sandbox.plandocket_records import CONTACT_FIELDS

if TYPE_CHECKING:
    import sqlite3

__all__ = [
    "Page",
    "contact_defaults",
    "create_tables",
    "event_keys",
    "find_contact",
    "find_participation",
    "get_event",
    "get_import",
    "holder_of",
    "insert_contact",
    "insert_participation",
    "list_contacts",
    "list_events",
    "list_imports",
    "list_participants",
    "record_import",
    "update_contact",
    "update_participation",
]

Page = tuple[list[dict[str, Any]], int]  # one page of items, and how many there are in all

_SCHEMA = """
CREATE TABLE IF NOT EXISTS pd_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    event_key TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    date_from TEXT NOT NULL,
    date_to TEXT NOT NULL,
    city TEXT,
    country TEXT,
    venue TEXT
);
CREATE TABLE IF NOT EXISTS pd_contacts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    email_key TEXT,  -- the email lower-cased: contacts match by email regardless of case
    customer_number TEXT,
    fields TEXT NOT NULL,  -- JSON object of every contact field
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS pd_contacts_email_key ON pd_contacts (email_key);
CREATE INDEX IF NOT EXISTS pd_contacts_customer_number ON pd_contacts (customer_number);
CREATE TABLE IF NOT EXISTS pd_participants (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    event_key TEXT NOT NULL,
    contact_id INTEGER NOT NULL REFERENCES pd_contacts (id),
    is_confirmed INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (event_key, contact_id)
);
CREATE TABLE IF NOT EXISTS pd_imports (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    type TEXT NOT NULL,
    event_key TEXT,
    mode TEXT NOT NULL,
    match_field TEXT NOT NULL,
    skip_on_error INTEGER NOT NULL,
    total INTEGER NOT NULL,
    created INTEGER NOT NULL,
    updated INTEGER NOT NULL,
    skipped INTEGER NOT NULL,
    contacts_created INTEGER NOT NULL,
    error_count INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
"""

# The demo tenant's events: (event_key, title, date_from, date_to, city, country, venue).
DEMO_EVENTS = (
    ("summit-2026", "Customer Summit 2026", "2026-06-16", "2026-06-18", "Berlin", "DE",
     "Estrel Congress Center"),
    ("roadshow-lisbon", "Partner Roadshow Lisbon", "2026-04-22", "2026-04-22", "Lisbon", "PT",
     "Centro de Congressos de Lisboa"),
    ("dealer-days-vienna", "Dealer Days Vienna", "2026-09-09", "2026-09-10", "Vienna", "AT",
     "Austria Center Vienna"),
    ("academy-autumn", "Autumn Academy 2026", "2026-10-05", "2026-10-07", "Zurich", "CH",
     "Kongresshaus Zürich"),
)  # fmt: skip


def create_tables(db: sqlite3.Connection) -> None:
    """Create the tables if missing and make sure the demo events exist."""
    db.executescript(_SCHEMA)
    db.executemany(
        "INSERT OR IGNORE INTO pd_events (event_key, title, date_from, date_to, city, country,"
        " venue) VALUES (?, ?, ?, ?, ?, ?, ?)",
        DEMO_EVENTS,
    )


def _page(
    db: sqlite3.Connection, select: str, where: str, args: list[Any], span: slice
) -> tuple[list[sqlite3.Row], int]:
    total: int = db.execute(f"SELECT COUNT(*) {where}", args).fetchone()[0]
    rows = db.execute(
        f"{select} {where} LIMIT ? OFFSET ?", [*args, span.stop - span.start, span.start]
    )
    return rows.fetchall(), total


# Events


def event_keys(db: sqlite3.Connection) -> frozenset[str]:
    return frozenset(r[0] for r in db.execute("SELECT event_key FROM pd_events"))


_EVENT_SELECT = (
    "SELECT e.*, (SELECT COUNT(*) FROM pd_participants p WHERE p.event_key = e.event_key)"
    " AS participants_count"
)


def list_events(db: sqlite3.Connection, span: slice) -> Page:
    rows, total = _page(db, _EVENT_SELECT, "FROM pd_events e ORDER BY e.date_from", [], span)
    return [dict(r) for r in rows], total


def get_event(db: sqlite3.Connection, key: str) -> dict[str, Any] | None:
    row = db.execute(f"{_EVENT_SELECT} FROM pd_events e WHERE e.event_key = ?", (key,)).fetchone()
    return None if row is None else dict(row)


# Contacts


def contact_defaults() -> dict[str, Any]:
    """A new contact's fields before the record's are applied (the vendor's rating default is 3)."""
    fields: dict[str, Any] = dict.fromkeys(CONTACT_FIELDS)
    fields.update(rating=3, account_access_enabled=False, category_keys=[], event_keys=[])
    return fields


def _key(field: str, value: str) -> str:
    return value.lower() if field == "email" else value


def find_contact(db: sqlite3.Connection, field: str, value: str) -> sqlite3.Row | None:
    """The contact whose email (any case) or customer_number is `value`."""
    column = "email_key" if field == "email" else "customer_number"
    query = f"SELECT * FROM pd_contacts WHERE {column} = ? ORDER BY id LIMIT 1"
    row: sqlite3.Row | None = db.execute(query, (_key(field, value),)).fetchone()
    return row


def holder_of(db: sqlite3.Connection, field: str, value: str) -> int | None:
    """The id of the contact holding this email or customer number, if any."""
    row = find_contact(db, field, value)
    return None if row is None else int(row["id"])


def insert_contact(db: sqlite3.Connection, values: dict[str, Any], now: int) -> int:
    """Store a new contact; fields the record leaves out or sends as null take their default."""
    fields = contact_defaults()
    fields.update({k: v for k, v in values.items() if v is not None})
    cursor = db.execute(
        "INSERT INTO pd_contacts (email_key, customer_number, fields, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?)",
        (*_identity(fields), json.dumps(fields), now, now),
    )
    assert cursor.lastrowid is not None
    return cursor.lastrowid


def update_contact(
    db: sqlite3.Connection, row: sqlite3.Row, values: dict[str, Any], now: int
) -> None:
    """Apply the record's fields; a field sent as null goes back to its default."""
    fields = json.loads(row["fields"])
    defaults = contact_defaults()
    fields.update({k: defaults[k] if v is None else v for k, v in values.items()})
    db.execute(
        "UPDATE pd_contacts SET email_key = ?, customer_number = ?, fields = ?, updated_at = ?"
        " WHERE id = ?",
        (*_identity(fields), json.dumps(fields), now, row["id"]),
    )


def _identity(fields: dict[str, Any]) -> tuple[str | None, str | None]:
    email = fields.get("email")
    return (email.lower() if email else None), fields.get("customer_number")


def contact_json(row: sqlite3.Row) -> dict[str, Any]:
    return {
        "id": row["id"],
        **json.loads(row["fields"]),
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
    }


def _contact_filters(filters: dict[str, str], prefix: str = "") -> tuple[str, list[Any]]:
    clauses, args = [], []
    if "email" in filters:
        clauses.append(f"{prefix}email_key = ?")
        args.append(filters["email"].lower())
    if "customer_number" in filters:
        clauses.append(f"{prefix}customer_number = ?")
        args.append(filters["customer_number"])
    return (" AND ".join(clauses) or "1"), args


def list_contacts(db: sqlite3.Connection, filters: dict[str, str], span: slice) -> Page:
    where, args = _contact_filters(filters)
    rows, total = _page(db, "SELECT *", f"FROM pd_contacts WHERE {where} ORDER BY id", args, span)
    return [contact_json(r) for r in rows], total


# Participants


def find_participation(db: sqlite3.Connection, event_key: str, contact_id: int) -> int | None:
    row = db.execute(
        "SELECT id FROM pd_participants WHERE event_key = ? AND contact_id = ?",
        (event_key, contact_id),
    ).fetchone()
    return None if row is None else int(row[0])


def insert_participation(
    db: sqlite3.Connection, event_key: str, contact_id: int, is_confirmed: bool, now: int
) -> int:
    cursor = db.execute(
        "INSERT INTO pd_participants (event_key, contact_id, is_confirmed, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?)",
        (event_key, contact_id, int(is_confirmed), now, now),
    )
    assert cursor.lastrowid is not None
    return cursor.lastrowid


def update_participation(
    db: sqlite3.Connection, participant_id: int, is_confirmed: bool | None, now: int
) -> None:
    """Touch the participation; is_confirmed changes only when the record carries it."""
    db.execute(
        "UPDATE pd_participants SET is_confirmed = COALESCE(?, is_confirmed), updated_at = ?"
        " WHERE id = ?",
        (None if is_confirmed is None else int(is_confirmed), now, participant_id),
    )


def list_participants(
    db: sqlite3.Connection, event_key: str | None, filters: dict[str, str], span: slice
) -> Page:
    where, args = _contact_filters(filters, "c.")
    if event_key is not None:
        where += " AND p.event_key = ?"
        args.append(event_key)
    select = "SELECT p.*, c.fields AS contact_fields"
    source = f"FROM pd_participants p JOIN pd_contacts c ON c.id = p.contact_id WHERE {where}"
    rows, total = _page(db, select, f"{source} ORDER BY p.id", args, span)
    return [_participant_json(r) for r in rows], total


def _participant_json(row: sqlite3.Row) -> dict[str, Any]:
    contact = json.loads(row["contact_fields"])
    shown = ("email", "customer_number", "first_name", "last_name", "company_name")
    return {
        "id": row["id"],
        "event_key": row["event_key"],
        "contact_id": row["contact_id"],
        **{name: contact.get(name) for name in shown},
        "is_confirmed": bool(row["is_confirmed"]),
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
    }


# Bulk imports


def record_import(db: sqlite3.Connection, summary: dict[str, Any], now: int) -> int:
    """Keep one bulk import's options and counts for GET /bulk-import."""
    columns = (
        "type", "event_key", "mode", "match_field", "skip_on_error",
        "total", "created", "updated", "skipped", "contacts_created", "error_count",
    )  # fmt: skip
    cursor = db.execute(
        f"INSERT INTO pd_imports ({', '.join(columns)}, created_at, updated_at)"
        f" VALUES ({', '.join('?' for _ in columns)}, ?, ?)",
        (*(summary[c] for c in columns), now, now),
    )
    assert cursor.lastrowid is not None
    return cursor.lastrowid


def _import_json(row: sqlite3.Row) -> dict[str, Any]:
    item = dict(row)
    return {"bulk-import_id": item.pop("id"), **item, "skip_on_error": bool(item["skip_on_error"])}


def list_imports(db: sqlite3.Connection, span: slice) -> Page:
    rows, total = _page(db, "SELECT *", "FROM pd_imports ORDER BY id DESC", [], span)
    return [_import_json(r) for r in rows], total


def get_import(db: sqlite3.Connection, import_id: int) -> dict[str, Any] | None:
    row = db.execute("SELECT * FROM pd_imports WHERE id = ?", (import_id,)).fetchone()
    return None if row is None else _import_json(row)
