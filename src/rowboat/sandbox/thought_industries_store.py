"""Thought Industries' sandbox state: uploaded assets, import jobs, demo courses and sessions."""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING, Any

from rowboat.sandbox.thought_industries_sessions import IN_PERSON

if TYPE_CHECKING:
    import sqlite3

    from rowboat.sandbox.context import SandboxContext

__all__ = ["DEMO_COURSES", "Store", "iso_ms"]

# The courses a session's courseId may name; any other id makes the import job fail.
DEMO_COURSES = (
    ("onboarding-101", "Onboarding for new staff"),
    ("safety-201", "Workplace safety"),
    ("sales-301", "Advanced selling"),
)
QUEUED_UNTIL = 0.1  # the share of a job's time it spends queued before it is processing

_TABLES = (
    """CREATE TABLE IF NOT EXISTS ti_assets (
        path TEXT PRIMARY KEY, filename TEXT NOT NULL, content_type TEXT NOT NULL,
        size INTEGER NOT NULL, data BLOB NOT NULL, created_at TEXT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS ti_jobs (
        id TEXT PRIMARY KEY, type TEXT NOT NULL, description TEXT NOT NULL, kind TEXT NOT NULL,
        scope TEXT NOT NULL, asset_path TEXT NOT NULL, rows TEXT NOT NULL,
        row_count INTEGER NOT NULL, started_at REAL NOT NULL, created_at TEXT NOT NULL,
        outcome TEXT, error_message TEXT)""",
    "CREATE TABLE IF NOT EXISTS ti_courses (id TEXT PRIMARY KEY, title TEXT NOT NULL)",
    """CREATE TABLE IF NOT EXISTS ti_sessions (
        id TEXT PRIMARY KEY, job_id TEXT NOT NULL, kind TEXT NOT NULL, scope TEXT NOT NULL,
        row_number INTEGER NOT NULL, data TEXT NOT NULL, created_at TEXT NOT NULL)""",
)

Json = dict[str, Any]


def iso_ms(seconds: float) -> str:
    """A time stamp the way the vendor writes them: 2026-01-01T00:00:00.000Z."""
    moment = dt.datetime.fromtimestamp(seconds, dt.UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


class Store:
    """The vendor's tables in the sandbox database; every method holds the context's lock."""

    def __init__(self, ctx: SandboxContext) -> None:
        self.ctx = ctx
        with ctx.lock:
            for statement in _TABLES:
                ctx.db.execute(statement)
            ctx.db.executemany("INSERT OR IGNORE INTO ti_courses VALUES (?, ?)", DEMO_COURSES)

    # Assets

    def add_asset(self, filename: str, content_type: str, data: bytes) -> Json:
        path = f"imports/{self.ctx.new_uuid()}/{filename}"
        created = iso_ms(self.ctx.clock.now())
        with self.ctx.lock:
            self.ctx.db.execute(
                "INSERT INTO ti_assets VALUES (?, ?, ?, ?, ?, ?)",
                (path, filename, content_type, len(data), data, created),
            )
        return {
            "path": path,
            "filename": filename,
            "size": len(data),
            "contentType": content_type,
            "createdAt": created,
        }

    def asset(self, path: str) -> tuple[str, bytes] | None:
        """The file name and content of the asset stored at `path`."""
        with self.ctx.lock:
            row = self.ctx.db.execute(
                "SELECT filename, data FROM ti_assets WHERE path = ?", (path,)
            ).fetchone()
        return None if row is None else (row["filename"], bytes(row["data"]))

    # Jobs

    def create_job(self, kind: str, scope: str, asset_path: str, rows: list[Json]) -> Json:
        """A job that turns the valid `rows` into sessions when it completes."""
        job_id = self.ctx.new_uuid()
        now = self.ctx.clock.now()
        label = "in-person event" if kind == IN_PERSON else "webinar"
        group = "course-group " if scope == "courseGroup" else ""
        plural = "" if len(rows) == 1 else "s"
        with self.ctx.lock:
            self.ctx.db.execute(
                "INSERT INTO ti_jobs (id, type, description, kind, scope, asset_path, rows,"
                " row_count, started_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    job_id,
                    f"{scope}{kind[0].upper()}{kind[1:]}BulkImport",
                    f"Bulk import of {len(rows)} {group}{label} session{plural} from {asset_path}",
                    kind,
                    scope,
                    asset_path,
                    json.dumps(rows),
                    len(rows),
                    now,
                    iso_ms(now),
                ),
            )
        job = self.job(job_id)
        assert job is not None
        return job

    def job(self, job_id: str) -> Json | None:
        """The job as the vendor shows it, with the status it has now on the sandbox clock."""
        row = self._job_row(job_id)
        if row is None:
            return None
        fraction = self.ctx.job_fraction(row["started_at"], row["row_count"])
        if row["outcome"] is None and fraction >= 1.0:
            self._settle(job_id)
            row = self._job_row(job_id)
            assert row is not None
        if row["outcome"] is not None:
            status = row["outcome"]
        else:
            status = "queued" if fraction < QUEUED_UNTIL else "processing"
        return {
            "id": row["id"],
            "type": row["type"],
            "description": row["description"],
            "errorMessage": row["error_message"],
            "createdAt": row["created_at"],
            "repeatable": False,
            "status": status,
        }

    def jobs(self, page: int, per_page: int) -> tuple[list[Json], int]:
        """One page of every job, newest first (ties in the order created, newest first), and
        how many jobs there are in all."""
        self.settle_due_jobs()
        with self.ctx.lock:
            total = self.ctx.db.execute("SELECT COUNT(*) FROM ti_jobs").fetchone()[0]
            ids = [
                r["id"]
                for r in self.ctx.db.execute(
                    "SELECT id FROM ti_jobs ORDER BY started_at DESC, rowid DESC LIMIT ? OFFSET ?",
                    (per_page, (page - 1) * per_page),
                )
            ]
        listed = [self.job(job_id) for job_id in ids]
        return [j for j in listed if j is not None], int(total)

    def settle_due_jobs(self) -> None:
        """Finish every job whose time is up, whether or not anyone asked for it."""
        with self.ctx.lock:
            pending = self.ctx.db.execute(
                "SELECT id, started_at, row_count FROM ti_jobs WHERE outcome IS NULL"
            ).fetchall()
        for row in pending:
            if self.ctx.job_fraction(row["started_at"], row["row_count"]) >= 1.0:
                self._settle(row["id"])

    def _job_row(self, job_id: str) -> sqlite3.Row | None:
        with self.ctx.lock:
            row: sqlite3.Row | None = self.ctx.db.execute(
                "SELECT * FROM ti_jobs WHERE id = ?", (job_id,)
            ).fetchone()
        return row

    def _settle(self, job_id: str) -> None:
        """Complete a job whose time is up: all its sessions stored, or none and the job failed.

        Idempotent: a job that already has an outcome is left alone, so reading a job twice, or
        from two threads at once, stores its sessions exactly once.
        """
        db = self.ctx.db
        with self.ctx.lock:
            row = self._job_row(job_id)
            if row is None or row["outcome"] is not None:
                return
            rows: list[Json] = json.loads(row["rows"])
            missing = self._unknown_course(rows)
            finished = iso_ms(row["started_at"] + self.ctx.job_duration(row["row_count"]))
            sessions = [
                (self.ctx.new_uuid(), job_id, row["kind"], row["scope"], r["rowNumber"],
                 json.dumps({k: v for k, v in r.items() if k != "rowNumber"}), finished)
                for r in rows
            ]  # fmt: skip
            db.execute("BEGIN")
            try:
                if missing is None:
                    db.executemany("INSERT INTO ti_sessions VALUES (?, ?, ?, ?, ?, ?, ?)", sessions)
                    db.execute("UPDATE ti_jobs SET outcome = 'complete' WHERE id = ?", (job_id,))
                else:
                    db.execute(
                        "UPDATE ti_jobs SET outcome = 'failed', error_message = ? WHERE id = ?",
                        (missing, job_id),
                    )
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise

    def _unknown_course(self, rows: list[Json]) -> str | None:
        """Why the job fails: the first row naming a course that does not exist, if any."""
        with self.ctx.lock:
            known = {r["id"] for r in self.ctx.db.execute("SELECT id FROM ti_courses")}
        for row in rows:
            course = row.get("courseId")
            if course is not None and course not in known:
                number = row["rowNumber"]
                return f"Course '{course}' does not exist (row {number}); nothing was imported."
        return None

    # Sessions and courses (the sandbox's own listings)

    def sessions(self, job_id: str | None = None) -> list[Json]:
        self.settle_due_jobs()
        query = "SELECT * FROM ti_sessions"
        params: tuple[str, ...] = ()
        if job_id is not None:
            query, params = query + " WHERE job_id = ?", (job_id,)
        with self.ctx.lock:
            rows = self.ctx.db.execute(query + " ORDER BY rowid", params).fetchall()
        return [
            {
                "id": r["id"],
                "kind": r["kind"],
                "scope": r["scope"],
                "jobId": r["job_id"],
                "rowNumber": r["row_number"],
                "createdAt": r["created_at"],
                **json.loads(r["data"]),
            }
            for r in rows
        ]

    def courses(self) -> list[Json]:
        with self.ctx.lock:
            rows = self.ctx.db.execute("SELECT id, title FROM ti_courses ORDER BY id").fetchall()
        return [{"id": r["id"], "title": r["title"]} for r in rows]
