"""The journal: every import, batch and row outcome in SQLite, written around each request.

One database (`data_dir()/rowboat.db`, WAL) holds the imports (which are also the history), their
batches with the exact payload to send, each row's outcome, and what carriers remember (remote
ids). A batch moves planned → sending → acknowledged | failed | unknown, and each move is committed
before the request it announces goes out, or after its answer arrives, so a crash at any point
leaves a journal that says exactly which batches may need resolving. Nothing secret is written
here: payloads hold the user's rows, and carriers remember only ids.
"""

from __future__ import annotations

import json
import os
import secrets
import sqlite3
import sys
import threading
import time
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from rowboat.core.errors import ConfigurationError
from rowboat.core.paths import data_dir
from rowboat.core.submit.model import (
    Ack,
    Batch,
    BatchSpec,
    BatchState,
    ImportState,
    Outcome,
    RowOutcome,
    SubmitOptions,
)

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Mapping, Sequence

__all__ = ["ImportRecord", "Journal", "NewImport", "alive", "default_journal_path"]

_SCHEMA_VERSION = 1
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS imports (
    id TEXT PRIMARY KEY,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL,
    finished_at REAL,
    state TEXT NOT NULL,
    file_name TEXT NOT NULL,
    file_fingerprint TEXT NOT NULL,
    sheet TEXT,
    endpoint_id TEXT NOT NULL,
    system TEXT NOT NULL,
    connection TEXT NOT NULL,
    options TEXT NOT NULL,
    total_rows INTEGER NOT NULL,
    plan TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT '',
    owner_pid INTEGER
);
CREATE TABLE IF NOT EXISTS batches (
    import_id TEXT NOT NULL REFERENCES imports(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    state TEXT NOT NULL,
    rows TEXT NOT NULL,
    row_count INTEGER NOT NULL,
    payload BLOB NOT NULL,
    records BLOB NOT NULL,
    content_type TEXT NOT NULL,
    label TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    remote TEXT NOT NULL DEFAULT '{}',
    message TEXT NOT NULL DEFAULT '',
    updated_at REAL NOT NULL,
    PRIMARY KEY (import_id, seq)
);
CREATE TABLE IF NOT EXISTS outcomes (
    import_id TEXT NOT NULL REFERENCES imports(id) ON DELETE CASCADE,
    row INTEGER NOT NULL,
    outcome TEXT NOT NULL,
    message TEXT NOT NULL,
    batch INTEGER,
    PRIMARY KEY (import_id, row)
);
CREATE TABLE IF NOT EXISTS memory (
    import_id TEXT NOT NULL REFERENCES imports(id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (import_id, key)
);
CREATE INDEX IF NOT EXISTS imports_by_time ON imports (created_at);
-- acknowledge() sets a batch's rows by batch: without it each answer scanned every row.
CREATE INDEX IF NOT EXISTS outcomes_by_batch ON outcomes (import_id, batch);
"""


def default_journal_path() -> Path:
    return data_dir() / "rowboat.db"


@dataclass(frozen=True)
class NewImport:
    """What the journal needs to open an import (made from a Plan by the runner)."""

    file_name: str
    file_fingerprint: str
    sheet: str | None
    endpoint_id: str
    system: str
    connection: str
    options: SubmitOptions
    total_rows: int
    plan: str
    batches: Sequence[BatchSpec]
    records: Mapping[int, dict[str, object]]  # each sent row's typed record, for reports
    not_sent: Sequence[RowOutcome]  # the invalid rows, with their problems


@dataclass(frozen=True)
class ImportRecord:
    """One import as the journal and the history show it."""

    id: str
    created_at: datetime
    updated_at: datetime
    finished_at: datetime | None
    state: ImportState
    file_name: str
    file_fingerprint: str
    sheet: str | None
    endpoint_id: str
    system: str
    connection: str
    options: SubmitOptions
    total_rows: int
    plan: str
    status: str
    owner_pid: int | None
    counts: dict[Outcome, int]
    batch_states: dict[BatchState, int]

    def count(self, outcome: Outcome) -> int:
        return self.counts.get(outcome, 0)

    @property
    def sent_rows(self) -> int:
        """Rows the target has taken or answered for (every outcome but invalid and planned)."""
        return sum(n for o, n in self.counts.items() if o not in (Outcome.INVALID, Outcome.PLANNED))


def _now() -> float:
    return time.time()


def _when(stamp: float | None) -> datetime | None:
    return None if stamp is None else datetime.fromtimestamp(stamp, UTC)


# zlib's fastest level: on a 1000-contact payload it takes 0.3 ms against level 6's 0.7 ms and
# the output is no bigger (JSON of similar records compresses well at any level).
_ZLIB_LEVEL = 1


def _pack(records: list[dict[str, object]]) -> bytes:
    return zlib.compress(json.dumps(records, ensure_ascii=False).encode("utf-8"), _ZLIB_LEVEL)


def _new_id() -> str:
    """Sortable and short enough to type: 20261202-130512-3fa9."""
    return f"{datetime.now(UTC):%Y%m%d-%H%M%S}-{secrets.token_hex(2)}"


class Journal:
    """The SQLite journal. Safe to share between threads (one connection behind a lock)."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path is not None else default_journal_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        try:
            self._db = sqlite3.connect(
                self.path, check_same_thread=False, isolation_level=None, timeout=10.0
            )
            self._db.row_factory = sqlite3.Row
            self._db.execute("PRAGMA journal_mode=WAL")
            # FULL: a batch marked sending is on disk before its request leaves, even if the
            # machine (not only Rowboat) stops right after.
            self._db.execute("PRAGMA synchronous=FULL")
            self._db.execute("PRAGMA foreign_keys=ON")
            self._db.executescript(_SCHEMA)  # every statement is IF NOT EXISTS
            with self._tx() as db:
                row = db.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
                if row is None:
                    db.execute("INSERT INTO meta VALUES ('schema', ?)", (str(_SCHEMA_VERSION),))
                elif int(row[0]) > _SCHEMA_VERSION:
                    raise ConfigurationError(
                        f"The import history in '{self.path}' was written by a newer Rowboat.",
                        hint="Update Rowboat to open it.",
                    )
        except sqlite3.DatabaseError as exc:
            raise ConfigurationError(
                f"Rowboat's import history '{self.path}' cannot be opened.",
                hint="If the file is damaged, move it away; Rowboat starts a new one.",
                detail=repr(exc),
            ) from exc

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    class _Tx:
        def __init__(self, journal: Journal) -> None:
            self.journal = journal

        def __enter__(self) -> sqlite3.Connection:
            self.journal._lock.acquire()
            self.journal._db.execute("BEGIN IMMEDIATE")
            return self.journal._db

        def __exit__(self, exc_type: type[BaseException] | None, *rest: object) -> None:
            try:
                self.journal._db.execute("ROLLBACK" if exc_type else "COMMIT")
            finally:
                self.journal._lock.release()

    def _tx(self) -> Journal._Tx:
        return Journal._Tx(self)

    # -- writing ---------------------------------------------------------------------------

    def create(self, new: NewImport) -> str:
        """Journal a whole import in one transaction: every batch planned with its payload,
        every invalid row with its problems. Returns the import's id."""
        import_id = _new_id()
        now = _now()
        planned = Outcome.PLANNED.value  # read once: an Enum's .value costs per row
        with self._tx() as db:
            db.execute(
                "INSERT INTO imports (id, created_at, updated_at, state, file_name,"
                " file_fingerprint, sheet, endpoint_id, system, connection, options, total_rows,"
                " plan) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    import_id, now, now, ImportState.SENDING.value, new.file_name,
                    new.file_fingerprint, new.sheet, new.endpoint_id, new.system,
                    new.connection, new.options.model_dump_json(), new.total_rows, new.plan,
                ),
            )  # fmt: skip
            db.executemany(
                "INSERT INTO batches (import_id, seq, state, rows, row_count, payload, records,"
                " content_type, label, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
                (
                    (
                        import_id, seq, BatchState.PLANNED.value, json.dumps(list(b.rows)),
                        len(b.rows), zlib.compress(b.payload, _ZLIB_LEVEL),
                        _pack([new.records.get(r, {}) for r in b.rows]), b.content_type,
                        b.label, now,
                    )
                    for seq, b in enumerate(new.batches, start=1)
                ),
            )  # fmt: skip
            db.executemany(
                "INSERT INTO outcomes (import_id, row, outcome, message, batch) VALUES (?,?,?,?,?)",
                (
                    (import_id, row, planned, "", seq)
                    for seq, b in enumerate(new.batches, start=1)
                    for row in b.rows
                ),
            )
            db.executemany(
                "INSERT OR REPLACE INTO outcomes (import_id, row, outcome, message, batch)"
                " VALUES (?,?,?,?,NULL)",
                ((import_id, o.row, o.outcome.value, o.message) for o in new.not_sent),
            )
        return import_id

    def mark_sending(self, import_id: str, seq: int) -> None:
        """Committed before the batch's request goes out."""
        with self._tx() as db:
            db.execute(
                "UPDATE batches SET state=?, attempts=attempts+1, updated_at=?"
                " WHERE import_id=? AND seq=?",
                (BatchState.SENDING.value, _now(), import_id, seq),
            )

    def acknowledge(self, import_id: str, seq: int, ack: Ack, default: Outcome) -> None:
        """The target took the batch: its remote ids and the outcomes it settled; rows it did
        not name get `default` (ACCEPTED until a job says more)."""
        with self._tx() as db:
            db.execute(
                "UPDATE batches SET state=?, remote=?, message='', updated_at=?"
                " WHERE import_id=? AND seq=?",
                (BatchState.ACKNOWLEDGED.value, json.dumps(ack.remote), _now(), import_id, seq),
            )
            db.execute(
                "UPDATE outcomes SET outcome=?, message='' WHERE import_id=? AND batch=?",
                (default.value, import_id, seq),
            )
            self._write_outcomes(db, import_id, ack.outcomes)

    def fail(self, import_id: str, seq: int, message: str) -> None:
        """The target refused the whole batch: its rows are rejected with the reason."""
        with self._tx() as db:
            db.execute(
                "UPDATE batches SET state=?, message=?, updated_at=? WHERE import_id=? AND seq=?",
                (BatchState.FAILED.value, message, _now(), import_id, seq),
            )
            db.execute(
                "UPDATE outcomes SET outcome=?, message=? WHERE import_id=? AND batch=?",
                (Outcome.REJECTED.value, message, import_id, seq),
            )

    def note(self, import_id: str, seq: int, message: str) -> None:
        """Why a batch is still to be resolved (it stays in SENDING)."""
        with self._tx() as db:
            db.execute(
                "UPDATE batches SET message=?, updated_at=? WHERE import_id=? AND seq=?",
                (message, _now(), import_id, seq),
            )

    def replan(self, import_id: str, seq: int) -> None:
        """The target shows the batch never arrived: it goes out again like a new one."""
        with self._tx() as db:
            db.execute(
                "UPDATE batches SET state=?, updated_at=? WHERE import_id=? AND seq=?",
                (BatchState.PLANNED.value, _now(), import_id, seq),
            )

    def unknown(self, import_id: str, seq: int, message: str) -> None:
        """The target cannot tell whether the batch arrived: never re-sent; rows unknown."""
        with self._tx() as db:
            db.execute(
                "UPDATE batches SET state=?, message=?, updated_at=? WHERE import_id=? AND seq=?",
                (BatchState.UNKNOWN.value, message, _now(), import_id, seq),
            )
            db.execute(
                "UPDATE outcomes SET outcome=?, message=? WHERE import_id=? AND batch=?",
                (Outcome.UNKNOWN.value, message, import_id, seq),
            )

    def set_outcomes(self, import_id: str, outcomes: Iterable[RowOutcome]) -> None:
        with self._tx() as db:
            self._write_outcomes(db, import_id, outcomes)

    @staticmethod
    def _write_outcomes(
        db: sqlite3.Connection, import_id: str, outcomes: Iterable[RowOutcome]
    ) -> None:
        # Only rows of this import's batches: a carrier cannot invent rows.
        db.executemany(
            "UPDATE outcomes SET outcome=?, message=? WHERE import_id=? AND row=?"
            " AND batch IS NOT NULL",
            ((o.outcome.value, o.message, import_id, o.row) for o in outcomes),
        )

    def set_state(self, import_id: str, state: ImportState, status: str | None = None) -> None:
        now = _now()
        finished = now if state is ImportState.FINISHED else None
        with self._tx() as db:
            if status is None:
                db.execute(
                    "UPDATE imports SET state=?, updated_at=?, finished_at=? WHERE id=?",
                    (state.value, now, finished, import_id),
                )
            else:
                db.execute(
                    "UPDATE imports SET state=?, status=?, updated_at=?, finished_at=? WHERE id=?",
                    (state.value, status, now, finished, import_id),
                )

    def set_status(self, import_id: str, status: str) -> None:
        with self._tx() as db:
            db.execute(
                "UPDATE imports SET status=?, updated_at=? WHERE id=?", (status, _now(), import_id)
            )

    def claim(self, import_id: str) -> None:
        """Mark this process as the one running the import; refuse when another live process
        already does (the app and the command line must not send the same import twice)."""
        with self._tx() as db:
            row = db.execute("SELECT owner_pid FROM imports WHERE id=?", (import_id,)).fetchone()
            if row is None:
                raise self._no_such(import_id)
            owner = row[0]
            if owner and owner != os.getpid() and alive(owner):
                raise ConfigurationError(
                    f"Import {import_id} is being sent by another Rowboat window or command "
                    f"(process {owner}).",
                    hint="Wait for it to finish, or close the other Rowboat first.",
                )
            db.execute("UPDATE imports SET owner_pid=? WHERE id=?", (os.getpid(), import_id))

    def release(self, import_id: str) -> None:
        with self._tx() as db:
            db.execute(
                "UPDATE imports SET owner_pid=NULL WHERE id=? AND owner_pid=?",
                (import_id, os.getpid()),
            )

    def remember(self, import_id: str, key: str, value: str) -> None:
        with self._tx() as db:
            db.execute(
                "INSERT OR REPLACE INTO memory (import_id, key, value) VALUES (?,?,?)",
                (import_id, key, value),
            )

    def delete(self, import_id: str) -> None:
        """Forget an import and everything journaled for it (History → Remove)."""
        with self._tx() as db:
            db.execute("DELETE FROM imports WHERE id=?", (import_id,))

    # -- reading ---------------------------------------------------------------------------

    def rows_by_state(self, import_id: str) -> dict[BatchState, int]:
        """How many rows the batches in each state hold (without reading their payloads)."""
        with self._lock:
            found = self._db.execute(
                "SELECT state, SUM(row_count) FROM batches WHERE import_id=? GROUP BY state",
                (import_id,),
            ).fetchall()
        return {BatchState(state): int(n) for state, n in found}

    def recall(self, import_id: str, key: str) -> str | None:
        with self._lock:
            row = self._db.execute(
                "SELECT value FROM memory WHERE import_id=? AND key=?", (import_id, key)
            ).fetchone()
        return None if row is None else str(row[0])

    def get(self, import_id: str) -> ImportRecord:
        with self._lock:
            row = self._db.execute("SELECT * FROM imports WHERE id=?", (import_id,)).fetchone()
            if row is None:
                raise self._no_such(import_id)
            return self._record(row)

    def imports(self, limit: int | None = None) -> list[ImportRecord]:
        """Newest first."""
        sql = "SELECT * FROM imports ORDER BY created_at DESC, id DESC"
        with self._lock:
            rows = self._db.execute(sql + (f" LIMIT {int(limit)}" if limit else "")).fetchall()
            return [self._record(r) for r in rows]

    def batches(self, import_id: str, state: BatchState | None = None) -> list[Batch]:
        sql = "SELECT * FROM batches WHERE import_id=?"
        args: tuple[object, ...] = (import_id,)
        if state is not None:
            sql += " AND state=?"
            args += (state.value,)
        with self._lock:
            rows = self._db.execute(sql + " ORDER BY seq", args).fetchall()
        return [
            Batch(
                rows=tuple(json.loads(r["rows"])),
                payload=zlib.decompress(r["payload"]),
                content_type=r["content_type"],
                label=r["label"],
                seq=r["seq"],
                state=BatchState(r["state"]),
                attempts=r["attempts"],
                remote=json.loads(r["remote"]),
                message=r["message"],
            )
            for r in rows
        ]

    def records(self, import_id: str) -> dict[int, dict[str, object]]:
        """The typed record of every row that was (to be) sent, by row, for reports."""
        with self._lock:
            found = self._db.execute(
                "SELECT rows, records FROM batches WHERE import_id=? ORDER BY seq", (import_id,)
            ).fetchall()
        out: dict[int, dict[str, object]] = {}
        for rows, packed in found:
            out.update(zip(json.loads(rows), json.loads(zlib.decompress(packed)), strict=True))
        return out

    def outcomes(self, import_id: str) -> Iterator[RowOutcome]:
        """Every row's outcome, in the order of the user's file."""
        with self._lock:
            rows = self._db.execute(
                "SELECT row, outcome, message FROM outcomes WHERE import_id=? ORDER BY row",
                (import_id,),
            ).fetchall()
        for row, outcome, message in rows:
            yield RowOutcome(int(row), Outcome(outcome), str(message))

    def _record(self, r: sqlite3.Row) -> ImportRecord:
        import_id = str(r["id"])
        counts = {
            Outcome(o): int(n)
            for o, n in self._db.execute(
                "SELECT outcome, COUNT(*) FROM outcomes WHERE import_id=? GROUP BY outcome",
                (import_id,),
            )
        }
        batch_states = {
            BatchState(s): int(n)
            for s, n in self._db.execute(
                "SELECT state, COUNT(*) FROM batches WHERE import_id=? GROUP BY state",
                (import_id,),
            )
        }
        return ImportRecord(
            id=import_id,
            created_at=datetime.fromtimestamp(r["created_at"], UTC),
            updated_at=datetime.fromtimestamp(r["updated_at"], UTC),
            finished_at=_when(r["finished_at"]),
            state=ImportState(r["state"]),
            file_name=str(r["file_name"]),
            file_fingerprint=str(r["file_fingerprint"]),
            sheet=None if r["sheet"] is None else str(r["sheet"]),
            endpoint_id=str(r["endpoint_id"]),
            system=str(r["system"]),
            connection=str(r["connection"]),
            options=SubmitOptions.model_validate_json(str(r["options"])),
            total_rows=int(r["total_rows"]),
            plan=str(r["plan"]),
            status=str(r["status"]),
            owner_pid=r["owner_pid"],
            counts=counts,
            batch_states=batch_states,
        )

    @staticmethod
    def _no_such(import_id: str) -> ConfigurationError:
        return ConfigurationError(
            f"There is no import '{import_id}' in Rowboat's history.",
            hint="Run `rowboat jobs` to see the imports and their ids.",
        )


def alive(pid: int) -> bool:
    """Whether a process with this id still runs."""
    if sys.platform == "win32":
        return _alive_on_windows(pid)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # it exists, owned by someone else
    except OSError:
        return False
    return True


def _alive_on_windows(pid: int) -> bool:
    # os.kill(pid, 0) would send Ctrl+C on Windows; ask the kernel for the process instead.
    import ctypes

    kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
    handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
    if not handle:
        return False
    code = ctypes.c_ulong()
    ok = kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
    kernel32.CloseHandle(handle)
    return bool(ok) and code.value == 259  # STILL_ACTIVE
