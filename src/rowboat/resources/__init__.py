"""The files Rowboat ships beside its code: the app icon and the sample spreadsheets.

They live inside the package, so a wheel, an editable install and a PyInstaller bundle (which
keeps package data at the same place below its own folder) all find them next to this module.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["ICONS", "SAMPLES", "sample_path"]

_HERE = Path(__file__).resolve().parent
ICONS = _HERE / "icons"  # rowboat.svg, and rowboat.png for places that take no SVG
SAMPLES = _HERE / "samples"  # attendees.xlsx (Plandocket contacts), sessions.xlsx (TI sessions)


def sample_path(name: str = "attendees.xlsx") -> Path:
    """A bundled sample spreadsheet; the default is the messy attendee list the tour opens."""
    return SAMPLES / name
