"""The Linux desktop entry names the window the app makes, so the shell shows its icon."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

pytest.importorskip("PySide6")

from rowboat.gui.app import create_application

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication

ENTRY = (
    Path(__file__).resolve().parents[2]
    / "packaging"
    / "linux"
    / "io.github.rowboat.Rowboat.desktop"
)


def test_the_desktop_entry_names_what_the_app_sets(qapp: QApplication) -> None:
    entry = dict(re.findall(r"^([A-Za-z]+)=(.*)$", ENTRY.read_text(encoding="utf-8"), re.M))
    app = create_application(["rowboat"])
    assert app is qapp
    # A shell finds the entry of a running window by its desktop file name (Wayland, portals)
    # or its WM_CLASS, whose class is the application's name (X11).
    assert f"{app.desktopFileName()}.desktop" == ENTRY.name
    assert entry["StartupWMClass"] == app.applicationName()
