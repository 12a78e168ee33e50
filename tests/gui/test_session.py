"""ImportSession holds what the core returned and says when it changed; the view state persists."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import QByteArray, QLocale

from rowboat.core.mapping import Mapping
from rowboat.core.targets import get_endpoint
from rowboat.gui.session import SANDBOX, ImportSession, MappingOrigin, region_of_locale
from rowboat.gui.view_state import MAX_RECENT, ViewState

if TYPE_CHECKING:
    from pathlib import Path

    from pytestqt.qtbot import QtBot


def test_a_new_session_uses_the_sandbox_and_the_locales_region(qtbot: QtBot) -> None:
    session = ImportSession()
    assert session.connection == SANDBOX
    assert session.options.default_region == region_of_locale()
    assert session.table is None
    assert session.path is None


@pytest.mark.parametrize(("name", "region"), [("de_DE", "DE"), ("fr_CA", "CA"), ("C", "US")])
def test_the_region_comes_from_the_locale(name: str, region: str) -> None:
    assert region_of_locale(QLocale(name)) == region


def test_changes_are_signalled_once_and_repeats_are_not(qtbot: QtBot) -> None:
    session = ImportSession()
    endpoint = get_endpoint("plandocket.contacts")
    with qtbot.waitSignal(session.target_changed, timeout=1000):
        session.set_endpoint(endpoint)
    with qtbot.assertNotEmitted(session.target_changed):
        session.set_endpoint(endpoint)
        session.set_connection(SANDBOX)
        session.set_event_key("")
    mapping = Mapping(endpoint_id=endpoint.id)
    with qtbot.waitSignal(session.mapping_changed, timeout=1000):
        session.set_mapping(mapping, MappingOrigin.AUTOMATIC)
    with qtbot.waitSignal(session.mapping_changed, timeout=1000):
        session.set_mapping(mapping, MappingOrigin.EDITED)
    with qtbot.assertNotEmitted(session.options_changed):
        session.set_options(session.options)


def test_recent_files_are_kept_latest_first_without_repeats(tmp_path: Path) -> None:
    state = ViewState()
    files = []
    for i in range(MAX_RECENT + 2):
        path = tmp_path / f"f{i}.csv"
        path.write_text("a\n1\n", encoding="utf-8")
        files.append(path)
        state.add_recent_file(path)
    state.add_recent_file(files[5])
    recent = ViewState().recent_files
    assert len(recent) == MAX_RECENT
    assert recent[0] == files[5].resolve()
    assert recent[1] == files[-1].resolve()
    files[-1].unlink()
    assert files[-1].resolve() not in ViewState().recent_files  # a file gone is not offered
    assert ViewState().last_folder == str(tmp_path.resolve())


def test_one_recent_file_reads_back_as_a_list(tmp_path: Path) -> None:
    path = tmp_path / "one.csv"
    path.write_text("a\n", encoding="utf-8")
    ViewState().add_recent_file(path)
    ViewState().sync()
    assert ViewState().recent_files == [path.resolve()]


def test_view_state_keeps_geometry_splitters_and_the_last_target(tmp_path: Path) -> None:
    state = ViewState()
    assert state.geometry is None
    state.geometry = QByteArray(b"geometry")
    state.set_splitter("map", QByteArray(b"sizes"))
    state.last_endpoint = "thalamus.companies"
    state.last_connection = "Production"
    state.sync()
    again = ViewState()
    assert again.geometry == QByteArray(b"geometry")
    assert again.splitter("map") == QByteArray(b"sizes")
    assert (again.last_endpoint, again.last_connection) == ("thalamus.companies", "Production")
    assert str(tmp_path) in again._settings.fileName()
