"""Where the app finds its icons and bundled sample files, and the icons themselves."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QStyle

from rowboat import resources

if TYPE_CHECKING:
    from pathlib import Path

__all__ = ["SAMPLE_ENDPOINT", "app_icon", "resources_dir", "sample_file", "standard_icon"]

SAMPLE_ENDPOINT = "plandocket.contacts"  # the endpoint the sample attendee list is made for


def resources_dir() -> Path:
    """The package's resources folder (icons/, samples/), in a source tree, a wheel or a bundle."""
    return resources.ICONS.parent


def sample_file() -> Path:
    """The bundled messy attendee list that `make run` and the screenshot tour open."""
    return resources.sample_path()


def app_icon() -> QIcon:
    icon = QIcon()
    folder = resources.ICONS
    for name in ("rowboat.svg", "rowboat.png"):
        if (folder / name).is_file():
            icon.addFile(str(folder / name))
    return icon


def standard_icon(which: QStyle.StandardPixmap) -> QIcon:
    """One of the style's own icons (warning, error, information), which fit light and dark."""
    style = QApplication.style()  # None until a QApplication exists
    return style.standardIcon(which) if style is not None else QIcon()
