"""The desktop bundle's rules (packaging/): what it leaves out, what its smoke test lets through,
and desktop metadata that agrees with the app."""

from __future__ import annotations

import importlib.util
import re
import sys
import xml.etree.ElementTree as ET
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from types import ModuleType

PACKAGING = Path(__file__).resolve().parents[1] / "packaging"
APP_ID = "io.github.rowboat.Rowboat"


def _load(name: str) -> ModuleType:
    # packaging/ is a folder of scripts, not a package: a package of that name would hide the
    # `packaging` library that pip and pytest import.
    spec = importlib.util.spec_from_file_location(f"_rowboat_{name}", PACKAGING / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


bundle_filter = _load("bundle_filter")
smoke_test = _load("smoke_test")


def test_only_the_wanted_qt_platforms_stay_on_every_system() -> None:
    kept = [
        "PySide6/Qt/plugins/platforms/libqxcb.so",
        "PySide6/Qt/plugins/platforms/libqoffscreen.so",
        "PySide6/plugins/platforms/qwindows.dll",
        "PySide6/Qt/plugins/platforms/libqcocoa.dylib",
        "PySide6/Qt/plugins/imageformats/libqsvg.so",
        "PySide6/plugins/styles/qmodernwindowsstyle.dll",  # a folder the rules leave alone
    ]
    dropped = [
        "PySide6/Qt/plugins/platforms/libqwayland.so",
        "PySide6/Qt/plugins/platforms/libqeglfs.so",
        "PySide6/Qt/plugins/platformthemes/libqgtk3.so",
        "PySide6/Qt/plugins/imageformats/libqpdf.so",
        "PySide6/Qt/plugins/tls/libqopensslbackend.so",
        "PySide6\\plugins\\sqldrivers\\qsqlite.dll",
    ]
    assert [n for n in kept if not bundle_filter.wanted(n)] == []
    assert [n for n in dropped if bundle_filter.wanted(n)] == []


def test_qt_translations_qml_and_pyarrow_sources_are_left_out() -> None:
    for name in (
        "PySide6/Qt/translations/qtbase_de.qm",
        "PySide6/translations/qtbase_fr.qm",
        "PySide6/Qt/lib/libQt6Qml.so.6",
        "PySide6/Qt6Quick.dll",
        "PySide6/Qt/lib/QtWebEngineCore.framework/QtWebEngineCore",
        "pyarrow/include/arrow/api.h",
        "pyarrow/lib.pxd",
    ):
        assert not bundle_filter.wanted(name), name
    for name in (
        "PySide6/Qt/lib/libQt6Widgets.so.6",
        "rowboat/core/validation/countries.json",
        "pyarrow/libarrow.so.2600",
    ):
        assert bundle_filter.wanted(name), name


def test_a_library_only_a_dropped_plugin_linked_to_is_pruned() -> None:
    links = {
        "/src/QtWidgets.abi3.so": [("libQt6Widgets.so.6", "/src/libQt6Widgets.so.6")],
        "/src/libQt6Widgets.so.6": [("libQt6Gui.so.6", "/src/libQt6Gui.so.6")],
        "/src/libqxcb.so": [("libxcb-cursor.so.0", None)],  # unresolved: matched by name
    }
    binaries = [
        ("PySide6/QtWidgets.abi3.so", "/src/QtWidgets.abi3.so", "EXTENSION"),
        ("PySide6/Qt/lib/libQt6Widgets.so.6", "/src/libQt6Widgets.so.6", "BINARY"),
        ("PySide6/Qt/lib/libQt6Gui.so.6", "/src/libQt6Gui.so.6", "BINARY"),
        ("PySide6/Qt/plugins/platforms/libqxcb.so", "/src/libqxcb.so", "BINARY"),
        ("libxcb-cursor.so.0", "/usr/lib/libxcb-cursor.so.0", "BINARY"),
        ("libcairo.so.2", "/usr/lib/libcairo.so.2", "BINARY"),  # was the gtk3 theme's
        ("pyarrow/lib.cpython-311-x86_64-linux-gnu.so", "/src/lib.so", "BINARY"),
        ("libpython3.11.so.1.0", "/usr/lib/libpython3.11.so.1.0", "BINARY"),
    ]
    kept, dropped = bundle_filter.prune_unreached(binaries, lambda path: links.get(path, []))
    assert [e[0] for e in dropped] == ["libcairo.so.2"]
    assert len(kept) == len(binaries) - 1


def test_links_to_left_out_files_are_left_out_too() -> None:
    datas = [
        ("libQt6Network.so.6", "PySide6/Qt/lib/libQt6Network.so.6", "SYMLINK"),
        ("libQt6Gui.so.6", "PySide6/Qt/lib/libQt6Gui.so.6", "SYMLINK"),
        ("rowboat/resources/icons/rowboat.svg", "/src/rowboat.svg", "DATA"),
    ]
    present = ["PySide6/Qt/lib/libQt6Gui.so.6", *(d[0] for d in datas)]
    kept = bundle_filter.drop_dangling_links(datas, present)
    assert [e[0] for e in kept] == ["libQt6Gui.so.6", "rowboat/resources/icons/rowboat.svg"]


def test_the_smoke_test_lets_through_only_the_listed_lines() -> None:
    stderr = (
        "attendees.xlsx: 13 rows, 7 valid, 6 with problems (columns matched automatically).\n"
        "Import 20261202-145956-4556 started.\n"
        "Sending… 40%\n"
        "\n"
        "Traceback (most recent call last):\n"
        'qt.qpa.plugin: Could not load the Qt platform plugin "xcb"\n'
    )
    assert smoke_test.unexpected(stderr) == [
        "Traceback (most recent call last):",
        'qt.qpa.plugin: Could not load the Qt platform plugin "xcb"',
    ]
    assert all(a.reason for a in smoke_test.ALLOWED)


def test_the_smoke_test_reads_the_warnings_of_every_log(tmp_path: Path) -> None:
    logs = tmp_path / "state" / "Rowboat" / "log"
    logs.mkdir(parents=True)
    (logs / "rowboat.log").write_text(
        "2026-12-02 15:04:53,533 INFO rowboat.gui: Rowboat 0.1.0 starting\n"
        "2026-12-02 15:04:53,900 WARNING rowboat.qt: This plugin does not support "
        "propagateSizeHints()\n"
        "2026-12-02 15:04:54,100 ERROR rowboat.gui: unexpected error:\n"
        "Traceback (most recent call last):\n",
        encoding="utf-8",
    )
    warnings = smoke_test.log_warnings(tmp_path)
    assert warnings == ["This plugin does not support propagateSizeHints()", "unexpected error:"]
    assert [w for w in warnings if smoke_test.unexpected(w)] == ["unexpected error:"]


def _desktop_entry() -> dict[str, str]:
    text = (PACKAGING / "linux" / f"{APP_ID}.desktop").read_text(encoding="utf-8")
    return dict(re.findall(r"^([A-Za-z]+)=(.*)$", text, re.MULTILINE))


def test_the_metainfo_describes_this_version_and_its_desktop_entry() -> None:
    root = ET.parse(PACKAGING / "linux" / f"{APP_ID}.metainfo.xml").getroot()
    assert root.findtext("id") == APP_ID
    assert root.findtext("launchable") == f"{APP_ID}.desktop"
    newest = root.find("releases/release")
    assert newest is not None
    assert newest.get("version") == version("rowboat")  # a new version needs its release entry
    entry = _desktop_entry()
    assert root.findtext("summary") == entry["Comment"]
    assert entry["Icon"] == APP_ID
    assert entry["Exec"].split()[:2] == ["rowboat", "gui"]
