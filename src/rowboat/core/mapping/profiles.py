"""Saved mapping profiles: a mapping remembered for a file with the same headers."""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import platformdirs

from rowboat.core.errors import MappingError
from rowboat.core.mapping.files import atomic_write_text, mapping_from_json, mapping_to_json
from rowboat.core.mapping.model import FieldSource, Mapping, MatchMethod
from rowboat.core.mapping.synonyms import normalise

if TYPE_CHECKING:
    import builtins
    from collections.abc import Sequence

__all__ = ["Profile", "ProfileStore", "default_profile_dir", "fingerprint"]

log = logging.getLogger(__name__)

_VERSION = 1


def default_profile_dir() -> Path:
    """Where profiles live unless a test or the settings say otherwise."""
    return Path(platformdirs.user_data_dir("Rowboat", appauthor=False)) / "mappings"


def fingerprint(columns: Sequence[str]) -> str:
    """The same for the same header set in any order, case, spacing or punctuation."""
    names = sorted({normalise(c) for c in columns} - {""})
    return hashlib.sha256("\n".join(names).encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class Profile:
    """One saved mapping, for one endpoint and one set of headers."""

    name: str
    endpoint_id: str
    columns: tuple[str, ...]
    mapping: Mapping
    saved_at: datetime
    path: Path

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.columns)


class ProfileStore:
    """Mapping profiles as JSON files in one directory, one per endpoint and header set."""

    def __init__(self, directory: str | Path | None = None) -> None:
        self.directory = Path(directory) if directory is not None else default_profile_dir()

    def _path(self, endpoint_id: str, columns: Sequence[str]) -> Path:
        return self.directory / f"{endpoint_id}--{fingerprint(columns)}.json"

    def find(self, columns: Sequence[str], endpoint_id: str) -> Mapping | None:
        """The mapping saved for these headers (in any order), on this file's own column names.

        Every source's method is PROFILE. None when nothing was saved, or when the saved
        profile is unreadable (a damaged profile must not stop an import).
        """
        profile = self._read(self._path(endpoint_id, columns))
        if profile is None or profile.endpoint_id != endpoint_id:
            return None
        actual = {c: c for c in columns}
        by_norm = {normalise(c): c for c in columns}
        sources: list[FieldSource] = []
        for s in profile.mapping.sources:
            renamed = tuple(actual.get(c) or by_norm.get(normalise(c), "") for c in s.columns)
            if not all(renamed):
                return None
            sources.append(
                s.model_copy(
                    update={"columns": renamed, "method": MatchMethod.PROFILE, "confidence": 1.0}
                )
            )
        return profile.mapping.model_copy(update={"sources": tuple(sources)})

    def save(self, columns: Sequence[str], mapping: Mapping, name: str | None = None) -> Profile:
        """Remember `mapping` for files with these headers, replacing what was saved for them."""
        columns = tuple(columns)
        path = self._path(mapping.endpoint_id, columns)
        if name is None:
            name = ", ".join(columns[:3]) + (", …" if len(columns) > 3 else "")
        saved_at = datetime.now(UTC)
        data = {
            "version": _VERSION,
            "name": name,
            "endpoint": mapping.endpoint_id,
            "fingerprint": fingerprint(columns),
            "columns": list(columns),
            "saved_at": saved_at.isoformat(),
            "mapping": mapping_to_json(mapping),
        }
        atomic_write_text(path, json.dumps(data, indent=2, ensure_ascii=False))
        return Profile(name, mapping.endpoint_id, columns, mapping, saved_at, path)

    def list(self) -> builtins.list[Profile]:
        """Every readable profile, the most recently saved first."""
        if not self.directory.is_dir():
            return []
        found = (self._read(p) for p in sorted(self.directory.glob("*.json")))
        return sorted((p for p in found if p is not None), key=lambda p: p.saved_at, reverse=True)

    def delete(self, profile: Profile) -> None:
        """Forget a profile; deleting one already gone is not an error."""
        profile.path.unlink(missing_ok=True)

    def _read(self, path: Path) -> Profile | None:
        try:
            data: Any = json.loads(path.read_text(encoding="utf-8"))
            mapping = mapping_from_json(data["mapping"], str(data["endpoint"]), source=path.name)
            return Profile(
                name=str(data["name"]),
                endpoint_id=str(data["endpoint"]),
                columns=tuple(str(c) for c in data["columns"]),
                mapping=mapping,
                saved_at=datetime.fromisoformat(str(data["saved_at"])),
                path=path,
            )
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError, MappingError) as exc:
            log.warning("ignoring the unreadable mapping profile %s: %r", path, exc)
            return None
