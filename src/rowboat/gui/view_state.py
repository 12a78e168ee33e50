"""ViewState: what the window remembers between runs in QSettings (view state only, no secrets).

Window geometry, splitter positions, the last folder, recent files and the last target endpoint
and connection. App settings (connections, defaults) live in the core's settings file instead.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

__all__ = ["MAX_RECENT", "ViewState"]

MAX_RECENT = 10


class ViewState:
    """Typed reads and writes of the window's QSettings (tests redirect QSettings to tmp_path)."""

    def __init__(self, settings: QSettings | None = None) -> None:
        self._settings = settings or QSettings(
            QSettings.defaultFormat(), QSettings.Scope.UserScope, "Rowboat", "Rowboat"
        )

    def sync(self) -> None:
        self._settings.sync()

    def _bytes(self, key: str) -> QByteArray | None:
        value = self._settings.value(key)
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    def _text(self, key: str) -> str:
        value = self._settings.value(key)
        return value if isinstance(value, str) else ""

    @property
    def geometry(self) -> QByteArray | None:
        return self._bytes("window/geometry")

    @geometry.setter
    def geometry(self, value: QByteArray) -> None:
        self._settings.setValue("window/geometry", value)

    def splitter(self, name: str) -> QByteArray | None:
        return self._bytes(f"splitters/{name}")

    def set_splitter(self, name: str, state: QByteArray) -> None:
        self._settings.setValue(f"splitters/{name}", state)

    @property
    def last_folder(self) -> str:
        folder = self._text("files/last_folder")
        return folder if folder and Path(folder).is_dir() else str(Path.home())

    @last_folder.setter
    def last_folder(self, folder: str) -> None:
        self._settings.setValue("files/last_folder", folder)

    @property
    def recent_files(self) -> list[Path]:
        """Recently opened files that still exist, the latest first."""
        value = self._settings.value("files/recent")
        # An ini file gives back one entry as a plain string and none as nothing.
        names = [value] if isinstance(value, str) else list(value) if value else []
        return [Path(n) for n in names if isinstance(n, str) and n and Path(n).is_file()]

    def add_recent_file(self, path: Path) -> None:
        path = path.resolve()
        recent = [p for p in self.recent_files if p.resolve() != path]
        self._settings.setValue("files/recent", [str(p) for p in [path, *recent][:MAX_RECENT]])
        self.last_folder = str(path.parent)

    def clear_recent_files(self) -> None:
        self._settings.remove("files/recent")

    @property
    def last_endpoint(self) -> str:
        return self._text("target/endpoint")

    @last_endpoint.setter
    def last_endpoint(self, endpoint_id: str) -> None:
        self._settings.setValue("target/endpoint", endpoint_id)

    @property
    def last_connection(self) -> str:
        return self._text("target/connection")

    @last_connection.setter
    def last_connection(self, name: str) -> None:
        self._settings.setValue("target/connection", name)
