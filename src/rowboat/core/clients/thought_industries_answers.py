"""Thought Industries' answers as Rowboat reads them: assets, background jobs, bulk imports.

The vendor documents validRows/invalidRows only as free-form objects and the job's status as
a string; these readers take what is documented and leave the rest to the callers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import httpx

__all__ = [
    "COMPLETE",
    "FAILED",
    "PROCESSING",
    "QUEUED",
    "Asset",
    "BackgroundJob",
    "BulkAnswer",
    "JobSearch",
    "bulk_answer",
    "first_dict",
    "json_body",
    "moment",
    "names_asset",
]

# Background job states in the vendor's GraphQL schema; any other is read as still running.
QUEUED, PROCESSING, COMPLETE, FAILED = "queued", "processing", "complete", "failed"


@dataclass(frozen=True)
class Asset:
    """An uploaded import file: the path a bulk import names, and when it was stored."""

    path: str
    created_at: str = ""  # ISO 8601 as the server wrote it; "" when not known


@dataclass(frozen=True)
class BackgroundJob:
    id: str
    status: str
    description: str = ""
    error_message: str = ""
    created_at: str = ""
    type: str = ""

    @property
    def ended(self) -> bool:
        return self.status in (COMPLETE, FAILED)

    @classmethod
    def from_json(cls, value: object) -> BackgroundJob:
        if not isinstance(value, dict) or not isinstance(value.get("id"), str | int):
            raise ValueError("a background job without an id")
        return cls(
            id=str(value["id"]),
            status=str(value.get("status") or "").strip().lower(),
            description=str(value.get("description") or ""),
            error_message=str(value.get("errorMessage") or ""),
            created_at=str(value.get("createdAt") or ""),
            type=str(value.get("type") or ""),
        )


@dataclass(frozen=True)
class BulkAnswer:
    """A bulk import's answer. `dry_run` is None when the answer does not say."""

    dry_run: bool | None
    valid_rows: list[dict[str, Any]]
    invalid_rows: list[dict[str, Any]]
    job: BackgroundJob | None
    warnings: list[str]


@dataclass(frozen=True)
class JobSearch:
    """What the job list says of an asset: its job, or that it has none (`certain`), or neither
    (no job list, or too long a list to search)."""

    job: BackgroundJob | None
    certain: bool
    offered: bool = True  # False: the site has no job list (404)


def json_body(response: httpx.Response) -> object:
    try:
        return response.json()
    except ValueError:
        return None


def first_dict(value: object, *keys: str) -> dict[str, Any]:
    """value[keys[0]][keys[1]]…, or {} when any step is missing or not an object."""
    for key in keys:
        if not isinstance(value, dict):
            return {}
        value = value.get(key)
    return value if isinstance(value, dict) else {}


def bulk_answer(body: object, key: str) -> BulkAnswer:
    data = first_dict(body, "data")
    answer = data.get(key)
    if not isinstance(answer, dict) and len(data) == 1:
        answer = next(iter(data.values()))  # the course-group siblings name it differently
    if not isinstance(answer, dict):
        raise ValueError(f"no data.{key} in the answer")
    valid, invalid = answer.get("validRows") or [], answer.get("invalidRows") or []
    if not isinstance(valid, list) or not isinstance(invalid, list):
        raise ValueError("validRows or invalidRows is not a list")
    job = answer.get("backgroundJob")
    dry_run = answer.get("dryRun")
    warnings = answer.get("warnings") or []
    return BulkAnswer(
        dry_run=dry_run if isinstance(dry_run, bool) else None,
        valid_rows=[r if isinstance(r, dict) else {} for r in valid],
        invalid_rows=[r if isinstance(r, dict) else {} for r in invalid],
        job=None if job is None else BackgroundJob.from_json(job),
        warnings=[str(w) for w in warnings] if isinstance(warnings, list) else [],
    )


def names_asset(description: str, asset_path: str) -> bool:
    """Whether a job's description names the asset path (not merely a longer path)."""
    at = description.find(asset_path)
    while at >= 0:
        after = description[at + len(asset_path) : at + len(asset_path) + 1]
        if not after or not (after.isalnum() or after in "._/-"):
            return True
        at = description.find(asset_path, at + 1)
    return False


def moment(text: str) -> dt.datetime | None:
    """An ISO 8601 time stamp as an aware datetime (UTC when it has no offset)."""
    try:
        moment = dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
