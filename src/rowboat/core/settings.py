"""AppSettings: what Rowboat remembers for the user (connections without secrets), as JSON.

The file lives under config_dir(). It carries a `version`; an older file is migrated step by
step when read and saved in the new form only when something changes. Writes go through a
temporary file and os.replace, so a crash leaves the old file or the new one, never half of
either. A file that cannot be read is reported plainly and never overwritten: the user may
want what is in it.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from rowboat.core.connections.model import SANDBOX_NAME, SYSTEMS, Connection
from rowboat.core.errors import ConfigurationError
from rowboat.core.paths import config_dir

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

__all__ = [
    "MIGRATIONS",
    "SETTINGS_VERSION",
    "AppSettings",
    "SettingsFile",
    "settings_path",
]

SETTINGS_VERSION = 1

# version n -> the function turning a file's data of version n into version n + 1.
MIGRATIONS: Mapping[int, Callable[[dict[str, Any]], dict[str, Any]]] = {}


def settings_path() -> Path:
    return config_dir() / "settings.json"


class AppSettings(BaseModel):
    """Everything in the settings file. Connections hold no secret: those are in the keychain."""

    model_config = ConfigDict(extra="forbid")

    version: int = SETTINGS_VERSION
    connections: list[Connection] = Field(default_factory=list)

    @model_validator(mode="after")
    def _connections_fit(self) -> AppSettings:
        seen: set[str] = set()
        for c in self.connections:
            if c.system not in SYSTEMS:
                raise ValueError(f"connection {c.name!r}: unknown system {c.system!r}")
            key = c.name.casefold()
            if key in seen or key == SANDBOX_NAME.casefold() or c.builtin:
                raise ValueError(f"connection {c.name!r}: name taken or reserved")
            seen.add(key)
            secret = set(c.settings) & set(c.spec.secret_keys)
            if secret:  # never used, never written back: the file is not where secrets live
                raise ValueError(f"connection {c.name!r} holds secret settings {sorted(secret)}")
        return self

    def to_json(self) -> str:
        data = self.model_dump(mode="json", exclude={"connections": {"__all__": {"builtin"}}})
        return json.dumps(data, indent=2, ensure_ascii=False)


class SettingsFile:
    """One settings file: read (migrating older versions) and written atomically."""

    def __init__(
        self,
        path: str | Path | None = None,
        *,
        migrations: Mapping[int, Callable[[dict[str, Any]], dict[str, Any]]] = MIGRATIONS,
        version: int = SETTINGS_VERSION,
    ) -> None:
        self.path = Path(path) if path is not None else settings_path()
        self._migrations = migrations
        self._version = version

    def load(self) -> AppSettings:
        """The settings; empty ones when there is no file yet; ConfigurationError when the file
        is unreadable, damaged or from a newer Rowboat (it is left as it is)."""
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return AppSettings(version=self._version)
        except (OSError, UnicodeDecodeError) as exc:
            raise self._damaged("could not be read", repr(exc)) from None
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise self._damaged(
                "is damaged", f"line {exc.lineno}, column {exc.colno}: {exc.msg}"
            ) from None
        if not isinstance(data, dict) or not isinstance(data.get("version"), int):
            raise self._damaged("is damaged", "not a JSON object with an integer 'version'")
        data = self._migrate(data)
        try:
            return AppSettings.model_validate(data)
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in e['loc']) or 'file'}: {e['msg']}" for e in exc.errors()
            )
            raise self._damaged("is damaged", problems) from None

    def save(self, settings: AppSettings) -> None:
        """Write the settings through a temporary file, flushed to disk before it replaces the
        old one."""
        text = settings.model_copy(update={"version": self._version}).to_json() + "\n"
        temp: Path | None = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, name = tempfile.mkstemp(
                dir=self.path.parent, prefix=f".{self.path.name}.", suffix=".tmp"
            )
            temp = Path(name)
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(text)
                f.flush()
                os.fsync(f.fileno())
            os.replace(temp, self.path)
        except BaseException as exc:
            if temp is not None:
                temp.unlink(missing_ok=True)
            if not isinstance(exc, OSError):
                raise
            raise ConfigurationError(
                f"Rowboat could not save its settings to '{self.path}'.",
                hint="Check that the folder exists, is writable and the disk is not full.",
                detail=repr(exc),
            ) from None

    def _migrate(self, data: dict[str, Any]) -> dict[str, Any]:
        version: int = data["version"]
        if version > self._version:
            raise ConfigurationError(
                f"The settings file '{self.path}' was written by a newer Rowboat "
                f"(settings version {version}); this one reads up to version {self._version}.",
                hint="Update Rowboat to use these settings. Rowboat has not changed the file.",
            )
        while version < self._version:
            step = self._migrations.get(version)
            if step is None:
                raise self._damaged("is damaged", f"no migration from settings version {version}")
            data = step(dict(data))
            version += 1
            data["version"] = version
        return data

    def _damaged(self, what: str, detail: str) -> ConfigurationError:
        return ConfigurationError(
            f"Rowboat's settings file '{self.path}' {what}, so your saved connections cannot be "
            "used; Rowboat has not changed it.",
            hint="Repair the file, or move it away to start with no saved connections "
            "(their secrets stay in the keychain).",
            detail=detail,
        )
