"""The icon and the samples are package data: a wheel or a bundle carries them with the code."""

from __future__ import annotations

from pathlib import Path

import rowboat
from rowboat.resources import ICONS, SAMPLES, sample_path


def test_samples_and_icons_sit_inside_the_package() -> None:
    package = Path(rowboat.__file__).resolve().parent
    for folder in (ICONS, SAMPLES):
        assert folder.is_relative_to(package)
    assert (ICONS / "rowboat.svg").read_text(encoding="utf-8").lstrip().startswith("<svg")
    assert (ICONS / "rowboat.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_each_sample_is_a_workbook_the_reader_opens() -> None:
    from rowboat.core.sources import open_table

    attendees = open_table(sample_path())
    assert attendees.info.header_row == 4
    assert "E-mail address" in attendees.columns
    sessions = open_table(sample_path("sessions.xlsx"))
    assert len(sessions) > 0
