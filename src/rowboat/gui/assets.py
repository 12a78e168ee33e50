"""Where the app finds its icons and bundled sample files, and the icons themselves."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QStyle

__all__ = ["app_icon", "resources_dir", "sample_file", "standard_icon"]


def resources_dir() -> Path:
    """resources/ of the source tree, or of a frozen build (PyInstaller unpacks to _MEIPASS)."""
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen is not None:
        return Path(frozen) / "resources"
    return Path(__file__).resolve().parents[3] / "resources"


def sample_file() -> Path:
    """The bundled messy attendee list that `make run` and the screenshot tour open."""
    return resources_dir() / "samples" / "attendees.xlsx"


def app_icon() -> QIcon:
    icon = QIcon()
    folder = resources_dir() / "icons"
    for name in ("rowboat.svg", "rowboat.png"):
        if (folder / name).is_file():
            icon.addFile(str(folder / name))
    return icon


def standard_icon(which: QStyle.StandardPixmap) -> QIcon:
    """One of the style's own icons (warning, error, information), which fit light and dark."""
    style = QApplication.style()  # None until a QApplication exists
    return style.standardIcon(which) if style is not None else QIcon()
