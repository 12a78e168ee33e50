"""Thalamus sandbox: import records in SQLite, their progress on the sandbox clock, their JSON.

An import's rows are checked when the file arrives; the clock then reveals them one by one: the
first `floor(fraction * rows)` are processed. Location and company rows are written to the
stored records at the moment their row is processed (replayed in time order across imports when
any import is next read), so a cancelled import keeps exactly the rows it got through.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rowboat.sandbox.thalamus_auth import TOUCHPOINT_ID
from rowboat.sandbox.thalamus_templates import (
    IMPORT_TYPES,
    Analysis,
    Outcome,
    record_key,
    template_values,
)

if TYPE_CHECKING:
    import sqlite3

    from rowboat.sandbox.context import SandboxContext

__all__ = [
    "STATE_CODES",
    "State",
    "Upload",
    "counts",
    "create_tables",
    "fetch",
    "insert",
    "name_taken",
    "record_json",
    "settle",
]


class State:
    """The states the sandbox's imports go through (the vendor's states 2, 3, 4 and 6)."""

    PROCESSING = "PROCESSING"
    PROCESSED = "PROCESSED"
    ERROR_IN_FILE_FORMAT = "ERROR_IN_FILE_FORMAT"
    CANCELED = "CANCELED"


# The vendor's numbered states; 1 and 5 never occur in the sandbox but may be asked for.
STATE_CODES: dict[int, str] = {
    1: "WAITING",
    2: State.PROCESSING,
    3: State.PROCESSED,
    4: State.ERROR_IN_FILE_FORMAT,
    5: "CONFIGURATION_PENDING",
    6: State.CANCELED,
}
_LABELS = {
    State.PROCESSING: ("Processing", "Processing"),
    State.PROCESSED: ("Processed", "Processed"),
    State.ERROR_IN_FILE_FORMAT: ("Error in file format", "ErrorInFileFormat"),
    State.CANCELED: ("Cancelled", "Cancelled"),
}
_MEDIUM_XML = (
    "<com.thalamus.aaa.MediumContextData>\n  <touchpointId>{}</touchpointId>\n"
    "  <asyncExcution>false</asyncExcution>\n</com.thalamus.aaa.MediumContextData>"
)


def create_tables(ctx: SandboxContext) -> None:
    with ctx.lock:
        ctx.db.executescript(
            """
            CREATE TABLE IF NOT EXISTS thalamus_imports (
                id INTEGER PRIMARY KEY AUTOINCREMENT, touchpoint TEXT NOT NULL,
                user_id INTEGER NOT NULL, name TEXT NOT NULL, type INTEGER NOT NULL,
                file_name TEXT NOT NULL, file_type TEXT, file_size INTEGER NOT NULL,
                header TEXT NOT NULL, analysis TEXT NOT NULL, total INTEGER NOT NULL,
                created_at REAL NOT NULL, state TEXT NOT NULL, final_state TEXT NOT NULL,
                processed INTEGER NOT NULL DEFAULT 0, ended_at REAL,
                UNIQUE (touchpoint, name));
            CREATE TABLE IF NOT EXISTS thalamus_import_rows (
                import_id INTEGER NOT NULL, position INTEGER NOT NULL, cells TEXT NOT NULL,
                outcome TEXT NOT NULL, message TEXT NOT NULL, row_number INTEGER NOT NULL,
                PRIMARY KEY (import_id, position));
            CREATE TABLE IF NOT EXISTS thalamus_records (
                entity_type INTEGER NOT NULL, touchpoint TEXT NOT NULL, record_key TEXT NOT NULL,
                data TEXT NOT NULL, import_id INTEGER NOT NULL, created_at REAL NOT NULL,
                modified_at REAL NOT NULL, PRIMARY KEY (entity_type, touchpoint, record_key));
            """
        )


@dataclass(frozen=True)
class Upload:
    """A checked upload, ready to be stored as an import."""

    touchpoint: str
    user_id: int
    name: str
    type: int
    file_name: str
    file_type: str | None
    file_size: int
    header: list[str]
    analysis: dict[str, Any]  # Analysis.as_json(), plus the column map under "map"
    rows: list[tuple[int, list[str], str, str]]  # row number in the file, cells, outcome, message
    readable: bool


def insert(ctx: SandboxContext, upload: Upload) -> int | None:
    """Store the upload as a new PROCESSING import; None when its name is taken."""
    final = State.PROCESSED if upload.readable else State.ERROR_IN_FILE_FORMAT
    with ctx.lock:
        ctx.db.execute("BEGIN")
        try:
            cursor = ctx.db.execute(
                "INSERT OR IGNORE INTO thalamus_imports (touchpoint, user_id, name, type,"
                " file_name, file_type, file_size, header, analysis, total, created_at, state,"
                " final_state) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    upload.touchpoint, upload.user_id, upload.name, upload.type,
                    upload.file_name, upload.file_type, upload.file_size,
                    json.dumps(upload.header), json.dumps(upload.analysis), len(upload.rows),
                    ctx.clock.now(), State.PROCESSING, final,
                ),
            )  # fmt: skip
            import_id = cursor.lastrowid if cursor.rowcount else None
            if import_id is not None:
                ctx.db.executemany(
                    "INSERT INTO thalamus_import_rows"
                    " (import_id, position, cells, outcome, message, row_number)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    (
                        (import_id, i, json.dumps(cells), outcome, message, number)
                        for i, (number, cells, outcome, message) in enumerate(upload.rows)
                    ),
                )
            ctx.db.execute("COMMIT")
        except BaseException:
            ctx.db.execute("ROLLBACK")
            raise
    return import_id


def name_taken(ctx: SandboxContext, touchpoint: str, name: str) -> bool:
    with ctx.lock:
        found = ctx.db.execute(
            "SELECT 1 FROM thalamus_imports WHERE touchpoint = ? AND name = ?", (touchpoint, name)
        ).fetchone()
    return found is not None


def fetch(ctx: SandboxContext, touchpoint: str, import_id: str) -> sqlite3.Row | None:
    """The import of this touchpoint with that id (as written in the path), or None."""
    if not import_id.isdigit():
        return None
    with ctx.lock:
        row: sqlite3.Row | None = ctx.db.execute(
            "SELECT * FROM thalamus_imports WHERE id = ? AND touchpoint = ?",
            (int(import_id), touchpoint),
        ).fetchone()
    return row


def settle(ctx: SandboxContext) -> None:
    """Bring every running import up to the clock: count processed rows, store their records."""
    with ctx.lock:
        running = ctx.db.execute(
            "SELECT * FROM thalamus_imports WHERE state = ?", (State.PROCESSING,)
        ).fetchall()
        if not running:
            return
        ctx.db.execute("BEGIN")
        try:
            events: list[tuple[float, int, int, list[str]]] = []
            for imp in running:
                events.extend(_advance(ctx, imp))
            events.sort(key=lambda e: e[:3])
            by_id = {imp["id"]: imp for imp in running}
            for at, import_id, position, cells in events:
                _store_record(ctx, by_id[import_id], at, position, cells)
            ctx.db.execute("COMMIT")
        except BaseException:
            ctx.db.execute("ROLLBACK")
            raise


def _fraction(ctx: SandboxContext, imp: sqlite3.Row) -> float:
    # Clock times near 1.7e9 s carry ~1e-7 s of float error: round it away, so that a quarter
    # of the time counts a quarter of the rows, not one fewer.
    return round(ctx.job_fraction(imp["created_at"], imp["total"]), 6)


def _advance(ctx: SandboxContext, imp: sqlite3.Row) -> list[tuple[float, int, int, list[str]]]:
    """Move one import on; return the records its newly processed rows write, with their times."""
    total, started = imp["total"], imp["created_at"]
    fraction = _fraction(ctx, imp)
    done = total if fraction >= 1 else int(fraction * total)
    if fraction >= 1:
        ctx.db.execute(
            "UPDATE thalamus_imports SET state = final_state, processed = ?, ended_at = ?"
            " WHERE id = ?",
            (total, started + ctx.job_duration(total), imp["id"]),
        )
    elif done > imp["processed"]:
        ctx.db.execute("UPDATE thalamus_imports SET processed = ? WHERE id = ?", (done, imp["id"]))
    if not IMPORT_TYPES[imp["type"]].stored or done <= imp["processed"]:
        return []
    step = ctx.job_duration(total) / total
    rows = ctx.db.execute(
        "SELECT position, cells FROM thalamus_import_rows WHERE import_id = ? AND outcome = ?"
        " AND position >= ? AND position < ?",
        (imp["id"], Outcome.OK, imp["processed"], done),
    ).fetchall()
    return [
        (started + step * (r["position"] + 1), imp["id"], r["position"], json.loads(r["cells"]))
        for r in rows
    ]


def _store_record(
    ctx: SandboxContext, imp: sqlite3.Row, at: float, position: int, cells: list[str]
) -> None:
    """Create or update the location or company of one processed row (blank cells keep values)."""
    analysis = json.loads(imp["analysis"])
    mapping = Analysis(analysis["map"], [], [])
    values = template_values(mapping, dict(zip(json.loads(imp["header"]), cells, strict=False)))
    key = (imp["type"], imp["touchpoint"], record_key(values))
    existing = ctx.db.execute(
        "SELECT data FROM thalamus_records WHERE entity_type = ? AND touchpoint = ?"
        " AND record_key = ?",
        key,
    ).fetchone()
    data = json.loads(existing["data"]) if existing else {}
    data.update({code: value for code, value in values.items() if value})
    if "country" in data:
        data["country"] = data["country"].upper()
    ctx.db.execute(
        "INSERT INTO thalamus_records VALUES (?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (entity_type, touchpoint, record_key) DO UPDATE SET"
        " data = excluded.data, import_id = excluded.import_id, modified_at = excluded.modified_at",
        (*key, json.dumps(data), imp["id"], at, at),
    )
    ctx.db.execute(
        "UPDATE thalamus_import_rows SET message = ? WHERE import_id = ? AND position = ?",
        ("Updated" if existing else "Created", imp["id"], position),
    )


def counts(ctx: SandboxContext, import_id: int, processed: int) -> dict[str, int]:
    """How many of the first `processed` rows ended OK, with errors, or skipped."""
    with ctx.lock:
        rows = ctx.db.execute(
            "SELECT outcome, COUNT(*) AS n FROM thalamus_import_rows"
            " WHERE import_id = ? AND position < ? GROUP BY outcome",
            (import_id, processed),
        ).fetchall()
    found = {r["outcome"]: r["n"] for r in rows}
    return {
        "rowsOk": found.get(Outcome.OK, 0),
        "rowsWithErrors": found.get(Outcome.ERROR, 0),
        "rowsSkipped": found.get(Outcome.SKIPPED, 0),
    }


def _ms(seconds: float) -> int:
    return round(seconds * 1000)


def _modified_at(ctx: SandboxContext, imp: sqlite3.Row) -> float:
    if imp["ended_at"] is not None:
        return float(imp["ended_at"])
    if not imp["processed"]:
        return float(imp["created_at"])
    # While running, a record changes each time a row is done.
    step = ctx.job_duration(imp["total"]) / imp["total"]
    return float(imp["created_at"] + step * imp["processed"])


def _percentage(ctx: SandboxContext, imp: sqlite3.Row) -> int:
    state, total = imp["state"], imp["total"]
    if state == State.PROCESSED:
        return 100
    if state == State.PROCESSING:
        return min(99, int(_fraction(ctx, imp) * 100))
    if state == State.CANCELED and total:
        return int(100 * imp["processed"] / total)
    return 0


def record_json(ctx: SandboxContext, imp: sqlite3.Row) -> dict[str, Any]:
    """The import record as Thalamus answers it (call `settle` first)."""
    state = imp["state"]
    label, key = _LABELS[state]
    analysis = json.loads(imp["analysis"])
    analysis.pop("map", None)
    ended = state != State.PROCESSING
    return {
        "id": imp["id"],
        "creationDate": _ms(imp["created_at"]),
        "modificationDate": _ms(_modified_at(ctx, imp)),
        "creationOperator": 0,
        "modificationOperator": 0,
        "name": imp["name"],
        "fileName": imp["file_name"],
        "fileType": imp["file_type"],
        "owner": {"id": imp["user_id"], "entityType": imp["type"]},
        "relatedEntityType": None,
        "importDate": _ms(imp["created_at"]),
        "userId": imp["user_id"],
        "partnerDatasourceId": None,
        "mediumContextData": {
            "touchpointId": TOUCHPOINT_ID,
            "touchpointCountryId": None,
            "communicationId": None,
            "activityId": None,
            "direction": None,
            "location": None,
            "asyncExcution": False,
            "tags": None,
            "source": None,
            "countriesIds": None,
            "mediumDate": None,
        },
        "mediumContextDataJson": _MEDIUM_XML.format(TOUCHPOINT_ID),
        "rows": imp["processed"],
        **counts(ctx, imp["id"], imp["processed"]),
        "rowsRollbacked": 0,
        "rowsRollbackedWithErrors": 0,
        "state": state,
        "percentageProcessed": _percentage(ctx, imp),
        "totalToProcess": imp["total"],
        "url": None,
        "fileImportType": None,
        "fileSize": imp["file_size"],
        "analysisResult": analysis if ended else None,
        "analysisResultJson": json.dumps(analysis) if ended else None,
        "internationalizedState": label,
        "stateInternationalizableKey": key,
    }
