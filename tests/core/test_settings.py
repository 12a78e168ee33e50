"""The settings file: versioned, migrated, written atomically, never overwritten when damaged."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from rowboat.core.connections.model import Connection
from rowboat.core.errors import ConfigurationError
from rowboat.core.settings import SETTINGS_VERSION, AppSettings, SettingsFile, settings_path

ACME = Connection(name="Acme", system="plandocket", base_url="https://acme.example.com/api/v1")


def test_settings_live_under_rowboat_home_config() -> None:
    assert settings_path() == (Path(os.environ["ROWBOAT_HOME"]) / "config" / "settings.json")


def test_no_file_yet_means_no_connections(tmp_path: Path) -> None:
    settings = SettingsFile(tmp_path / "settings.json").load()
    assert settings.connections == []
    assert settings.version == SETTINGS_VERSION
    assert not (tmp_path / "settings.json").exists()


def test_saved_settings_read_back_with_their_version(tmp_path: Path) -> None:
    file = SettingsFile(tmp_path / "deep" / "settings.json")
    file.save(AppSettings(connections=[ACME]))
    assert file.load().connections == [ACME]
    data = json.loads(file.path.read_text(encoding="utf-8"))
    assert data["version"] == SETTINGS_VERSION
    assert "builtin" not in data["connections"][0]
    assert [p.name for p in file.path.parent.iterdir()] == ["settings.json"]  # no temp file left


@pytest.mark.parametrize(
    "text",
    [
        "{not json",
        "[1, 2]",
        '{"connections": []}',
        '{"version": 1, "connections": [{"name": "A"}]}',
        '{"version": 1, "connections": [], "colour": "blue"}',
        '{"version": 1, "connections": [{"name": "A", "system": "sap", "base_url": "https://a"}]}',
        '{"version": 1, "connections": [{"name": "Sandbox", "system": "eloqua", '
        '"base_url": "https://a"}]}',
        '{"version": 1, "connections": [{"name": "A", "system": "eloqua", "base_url": "https://a"}'
        ', {"name": "a", "system": "eloqua", "base_url": "https://b"}]}',
    ],
)
def test_damaged_file_is_reported_and_left_as_it_is(tmp_path: Path, text: str) -> None:
    path = tmp_path / "settings.json"
    path.write_text(text, encoding="utf-8")
    file = SettingsFile(path)
    with pytest.raises(ConfigurationError) as caught:
        file.load()
    assert caught.value.message == (
        f"Rowboat's settings file '{path}' is damaged, so your saved connections cannot be used; "
        "Rowboat has not changed it."
    )
    assert "move it away" in caught.value.hint
    assert path.read_text(encoding="utf-8") == text


def test_secret_written_into_the_file_by_hand_is_refused_without_echoing_it(
    tmp_path: Path,
) -> None:
    path = tmp_path / "settings.json"
    entry = {"name": "A", "system": "plandocket", "base_url": "https://a", "settings": {}}
    entry["settings"] = {"api_key": "pd-hand-written-key"}
    path.write_text(json.dumps({"version": 1, "connections": [entry]}), encoding="utf-8")
    with pytest.raises(ConfigurationError) as caught:
        SettingsFile(path).load()
    assert "api_key" in caught.value.detail
    assert "pd-hand-written-key" not in f"{caught.value} {caught.value.detail}"


def test_file_from_a_newer_rowboat_is_refused_and_kept(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text('{"version": 99, "connections": [], "future": true}', encoding="utf-8")
    with pytest.raises(ConfigurationError, match="newer Rowboat") as caught:
        SettingsFile(path).load()
    assert "Update Rowboat" in caught.value.hint
    assert "99" in path.read_text(encoding="utf-8")


def test_older_file_is_migrated_step_by_step(tmp_path: Path) -> None:
    def one_to_two(data: dict[str, Any]) -> dict[str, Any]:
        data["profiles"] = data.pop("profiles", [])  # a version 1 renamed "profiles"
        return data

    def two_to_three(data: dict[str, Any]) -> dict[str, Any]:
        data["connections"] = data.pop("profiles")
        return data

    path = tmp_path / "settings.json"
    old = {"version": 1, "profiles": [ACME.model_dump(exclude={"builtin"})]}
    path.write_text(json.dumps(old), encoding="utf-8")
    file = SettingsFile(path, migrations={1: one_to_two, 2: two_to_three}, version=3)
    settings = file.load()
    assert settings.connections == [ACME]
    assert settings.version == 3
    assert json.loads(path.read_text(encoding="utf-8")) == old  # migrated when read, not written
    file.save(settings)
    assert json.loads(path.read_text(encoding="utf-8"))["version"] == 3


def test_missing_migration_is_reported_as_damage(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text('{"version": 1, "connections": []}', encoding="utf-8")
    with pytest.raises(ConfigurationError, match="damaged") as caught:
        SettingsFile(path, migrations={}, version=2).load()
    assert "no migration from settings version 1" in caught.value.detail


def test_unwritable_folder_is_a_plain_error(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    with pytest.raises(ConfigurationError, match="could not save its settings"):
        SettingsFile(blocker / "settings.json").save(AppSettings())


def test_failed_write_keeps_the_old_file_and_leaves_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    file = SettingsFile(tmp_path / "settings.json")
    file.save(AppSettings(connections=[ACME]))
    before = file.path.read_bytes()

    def full_disk(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    with pytest.raises(ConfigurationError, match="disk is not full"):
        file.save(AppSettings())
    assert file.path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["settings.json"]
