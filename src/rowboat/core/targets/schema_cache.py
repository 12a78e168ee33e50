"""Schemas read from a server (Eloqua event fields, Thalamus templates), kept for offline use.

Each is stored as the endpoint's JSON with the time it was fetched, under a key naming the
connection, the endpoint and what the schema belongs to (an Eloqua event), so `validate` can
check a file offline against the fields the server had when last asked.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from pydantic import ValidationError

from rowboat.core.paths import cache_dir
from rowboat.core.targets.schema import Endpoint

if TYPE_CHECKING:
    from pathlib import Path

__all__ = ["CachedSchema", "SchemaCache", "schema_key"]

log = logging.getLogger(__name__)


def schema_key(connection: str, endpoint_id: str, scope: str = "") -> str:
    """The cache key of one server schema ("Sandbox", "eloqua.event-registrants", "12")."""
    return "\n".join((connection, endpoint_id, scope))


@dataclass(frozen=True)
class CachedSchema:
    endpoint: Endpoint
    fetched_at: datetime  # aware, UTC

    def age_text(self) -> str:
        """ "fetched 2026-12-02 13:05 UTC", for a note beside offline validation."""
        return f"fetched {self.fetched_at:%Y-%m-%d %H:%M} UTC"


class SchemaCache:
    """One JSON file per key in `folder` (default: the cache directory's `schemas`)."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder or cache_dir() / "schemas"

    def _path(self, key: str) -> Path:
        digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:24]
        return self.folder / f"{digest}.json"

    def save(self, key: str, endpoint: Endpoint, fetched_at: datetime | None = None) -> Path:
        when = (fetched_at or datetime.now(UTC)).astimezone(UTC)
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self._path(key)
        body = {
            "key": key,
            "fetched_at": when.isoformat(),
            "endpoint": endpoint.model_dump(mode="json"),
        }
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(body, ensure_ascii=False, indent=1), encoding="utf-8")
        tmp.replace(path)  # atomic: a reader never sees half a file
        return path

    def load(self, key: str) -> CachedSchema | None:
        """The cached schema, or None when there is none or it cannot be read (then it is
        simply fetched again)."""
        path = self._path(key)
        try:
            body = json.loads(path.read_text(encoding="utf-8"))
            if body.get("key") != key:
                return None
            endpoint = Endpoint.model_validate(body["endpoint"])
            fetched = datetime.fromisoformat(body["fetched_at"]).astimezone(UTC)
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError, ValidationError) as exc:
            log.warning("ignoring unreadable cached schema %s: %r", path, exc)
            return None
        return CachedSchema(endpoint, fetched)
