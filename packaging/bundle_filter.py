"""What the PyInstaller bundle leaves out: the Qt plugins, translations and libraries a widgets app
never loads, and pyarrow's headers and unused parts. rowboat.spec applies it after Analysis.

Imported by the spec (PyInstaller puts this folder on sys.path) and by tests/test_packaging.py; it
imports nothing of PyInstaller, which hands it the dependency reader it needs.
"""

from __future__ import annotations

import posixpath
import re
from collections import defaultdict
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

__all__ = [
    "DROPPED_PLUGIN_FOLDERS",
    "EXCLUDED_MODULES",
    "KEPT_PLUGINS",
    "Entry",
    "drop_dangling_links",
    "prune_unreached",
    "wanted",
]

Entry = tuple[str, str, str]  # PyInstaller's TOC entry: (name in the bundle, source path, kind)

# Qt plugins, by folder: the folders named here keep only the plugins named; the folders in
# DROPPED_PLUGIN_FOLDERS go entirely; any other folder (styles, on Windows and macOS) stays.
KEPT_PLUGINS = {
    # offscreen (the screenshot tour, servers), xcb (X11, and Wayland through XWayland), and the
    # Windows and macOS desktops' own.
    "platforms": {"qoffscreen", "qxcb", "qwindows", "qcocoa"},
    "imageformats": {"qsvg"},  # the SVG app icon; PNG is built into QtGui
    "iconengines": {"qsvgicon"},
    # accented letters typed with a compose key or an input method (IBus)
    "platforminputcontexts": {
        "composeplatforminputcontextplugin",
        "ibusplatforminputcontextplugin",
    },
    "platformthemes": {"qxdgdesktopportal"},  # portal file dialogs; gtk3 would drag GTK in
}
DROPPED_PLUGIN_FOLDERS = frozenset(
    {
        "egldeviceintegrations",  # embedded (eglfs) only
        "generic",  # evdev and tuio input for embedded devices
        "networkinformation",  # QtNetwork, unused: HTTP goes through httpx
        "tls",
        "printsupport",  # no printing
        "sqldrivers",  # the history is Python's sqlite3, not QtSql
        "xcbglintegrations",  # OpenGL on X11: the widgets paint without it
        "wayland-decoration-client",  # no wayland platform plugin (see KEPT_PLUGINS)
        "wayland-graphics-integration-client",
        "wayland-graphics-integration-server",
        "wayland-shell-integration",
        "qmltooling",
        "qmllint",
        "designer",
        "vectorimageformats",
        "multimedia",
        "position",
    }
)

# Modules installed beside Rowboat in a development environment, or imported by a library only
# when present, that the app never uses (the spec's `excludes`).
EXCLUDED_MODULES = (
    "tkinter",
    "pytest",
    "_pytest",
    "pytestqt",
    "hypothesis",
    "mypy",
    "IPython",
    "matplotlib",
    "scipy",
    "jinja2",  # pandas' Styler
    "rich",  # httpx's own command line and pydantic's debug printing
    "pygments",
    "setuptools",  # build tools some libraries mention, never run by the app
    "pkg_resources",
    "distutils",
    "_distutils_hack",
    # phonenumbers only builds the country table, which ships precomputed (countries.json);
    # its geocoder data alone is 40 MB.
    "phonenumbers",
    "PySide6.QtNetwork",
    "PySide6.QtQml",
    "PySide6.QtQuick",
    "PySide6.QtWebEngineCore",
    "PySide6.QtWebEngineWidgets",
    "PySide6.QtOpenGL",
    "PySide6.QtOpenGLWidgets",
    "PySide6.QtPrintSupport",
    # pyarrow's network file systems, Flight RPC, CUDA and ORC: the app reads local files only
    "pyarrow.flight",
    "pyarrow._flight",
    "pyarrow.fs",
    "pyarrow._s3fs",
    "pyarrow._gcsfs",
    "pyarrow._azurefs",
    "pyarrow._hdfs",
    "pyarrow.cuda",
    "pyarrow._cuda",
    "pyarrow.orc",
    "pyarrow._orc",
    "pyarrow._parquet_encryption",
    "pyarrow.parquet.encryption",
)

_SEP = r"[\\/]"
_PLUGIN = re.compile(rf"(?:^|{_SEP})plugins{_SEP}([^\\/]+){_SEP}(?:lib)?([^\\/.]+)[^\\/]*$")
_QT_TRANSLATION = re.compile(rf"^PySide6{_SEP}(?:Qt{_SEP})?translations{_SEP}")
# Qt libraries that only QML, the web engine or the dropped plugins load.
_QT_UNUSED_LIBRARY = re.compile(
    rf"^PySide6{_SEP}(?:.*{_SEP})?(?:lib)?Qt6?(?:Qml|Quick|Pdf|VirtualKeyboard|WebEngine|Wayland|EglFS)"
)
# pyarrow ships its C++ headers, Cython sources and tests as package data.
_PYARROW_SOURCES = re.compile(
    rf"^pyarrow{_SEP}(?:include|includes|src|tests){_SEP}|\.(?:pxd|pxi|pyx|h|hpp|cc)$"
)


def plugin_of(name: str) -> tuple[str, str] | None:
    """(folder, plugin) of a Qt plugin's name in the bundle, e.g. ("platforms", "qxcb")."""
    if not name.startswith("PySide6"):
        return None
    match = _PLUGIN.search(name)
    return (match.group(1), match.group(2)) if match else None


def wanted(name: str) -> bool:
    """Whether a file collected under `name` (its path inside the bundle) belongs in it."""
    if _QT_TRANSLATION.search(name):
        return False  # Rowboat installs no translator: Qt's translations would go unused
    if _PYARROW_SOURCES.search(name):
        return False
    if _QT_UNUSED_LIBRARY.search(name):
        return False
    plugin = plugin_of(name)
    if plugin is None:
        return True
    folder, plugin_name = plugin
    if folder in DROPPED_PLUGIN_FOLDERS:
        return False
    kept = KEPT_PLUGINS.get(folder)
    return kept is None or plugin_name in kept


_EXTENSION_MODULE = re.compile(r"\.(?:cpython-[^.\\/]+|abi3)\.so$|\.pyd$")


def _base(path: str) -> str:
    return re.split(_SEP, path)[-1].lower()


def prune_unreached(
    binaries: Iterable[Entry],
    imports_of: Callable[[str], Iterable[tuple[str, str | None]]],
) -> tuple[list[Entry], list[Entry]]:
    """(kept, dropped): drop each plain shared library that nothing kept links to.

    The roots are the Python extension modules, the Qt plugins still wanted, and the Python
    library the executables start. PyInstaller collected some libraries only for what `wanted`
    then dropped (GTK for the gtk3 theme, Wayland for its plugins) and some only because a hook
    takes a package's every library (pyarrow's Flight and S3); walking the links from the roots
    finds which are still needed. `imports_of(source_path)` gives (name, resolved path or None)
    per library a binary links to (PyInstaller's bindepend.get_imports).
    """
    entries = list(binaries)
    by_base: dict[str, list[Entry]] = defaultdict(list)
    for entry in entries:
        by_base[_base(entry[0])].append(entry)

    def is_root(entry: Entry) -> bool:
        name, _source, kind = entry
        return (
            kind == "EXTENSION"
            or _EXTENSION_MODULE.search(name) is not None  # also collected as a plain binary
            or plugin_of(name) is not None
            or _base(name).startswith(("libpython", "python3"))
        )

    reached: set[str] = set()
    todo = [entry[1] for entry in entries if is_root(entry)]
    while todo:
        for name, path in imports_of(todo.pop()):
            base = _base(path or name)
            if base in by_base and base not in reached:
                reached.add(base)
                todo.extend(e[1] for e in by_base[base] if e[2] != "SYMLINK")
    kept = [e for e in entries if is_root(e) or _base(e[0]) in reached]
    dropped = [e for e in entries if not (is_root(e) or _base(e[0]) in reached)]
    return kept, dropped


def drop_dangling_links(datas: Iterable[Entry], present: Iterable[str]) -> list[Entry]:
    """`datas` without the symbolic links (PyInstaller's SYMLINK entries, whose source is the
    target relative to the link) to a file that is no longer in the bundle."""
    names = {posixpath.normpath(name.replace("\\", "/")) for name in present}
    kept = []
    for entry in datas:
        name, target, kind = entry
        if kind == "SYMLINK":
            folder = posixpath.dirname(name.replace("\\", "/"))
            if posixpath.normpath(posixpath.join(folder, target.replace("\\", "/"))) not in names:
                continue
        kept.append(entry)
    return kept
