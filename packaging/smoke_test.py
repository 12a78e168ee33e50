"""Smoke test of the built bundle (after qutebrowser's): run the frozen executable the way a user
would, and fail on anything unexpected it says.

    python packaging/smoke_test.py dist/rowboat [--no-keychain] [--no-window]

It checks what the bundle holds (the samples, the icon, the country table, the modules imported by
name, only the wanted Qt plugins, no library left unresolved), then runs `--version`, `validate`
on the bundled sample, `submit` of the sample to the bundle's own sandbox, and the screenshot
tour offscreen; on Linux it also keeps a secret in a real keychain (GNOME Keyring on a private
D-Bus) and opens the window on a virtual X screen (Xvfb). Every line a run
writes to stderr, and every warning in Rowboat's log, must match ALLOWED; anything else fails.
Each run gets a fresh home folder, so nothing of the user's is read or changed.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

__all__ = ["ALLOWED", "Allowed", "main", "unexpected"]

LINUX = sys.platform.startswith("linux")
DESKTOP_FILE = Path(__file__).with_name("linux") / "io.github.rowboat.Rowboat.desktop"
TIMEOUT_S = 300  # a cold start of the tour on a busy two-core machine takes ~10 s; this is a hang


@dataclass(frozen=True)
class Allowed:
    pattern: str
    reason: str


# Every line the bundle may write to stderr or log as a warning, each with the reason it is fine.
ALLOWED = (
    # Rowboat's own narration of `submit`: the command line talks on stderr, so that stdout
    # carries only the result (here, --json).
    Allowed(
        r"^\S+: \d+ rows?, \d+ valid, \d+ with problems \(.+\)\.$", "submit: what the check found"
    ),
    Allowed(r"^Plan: .+", "submit: the plan it would ask about (--yes answers it)"),
    Allowed(r"^Import [\w-]+ started\.$", "submit: the import's id, for `rowboat resume`"),
    Allowed(r"^Sending… \d+%$", "submit: progress"),
    Allowed(r"^.+ answered every request in full\.$", "submit: the target's last word"),
    # Qt's noise.
    Allowed(
        r"^This plugin does not support propagateSizeHints\(\)$",
        "the offscreen platform of the tour cannot pass size hints to a window manager",
    ),
    Allowed(
        r"^QStandardPaths: XDG_RUNTIME_DIR not set, defaulting to '.+'$",
        "CI runs without a login session; Qt makes a private runtime folder in /tmp",
    ),
)
_LOG_WARNING = re.compile(r"^\S+ \S+ (?:WARNING|ERROR|CRITICAL) \S+: (.*)$")


def unexpected(text: str, allowed: tuple[Allowed, ...] = ALLOWED) -> list[str]:
    """The non-blank lines of `text` that no allowed pattern matches."""
    return [
        line
        for line in text.splitlines()
        if line.strip() and not any(re.search(a.pattern, line) for a in allowed)
    ]


def log_warnings(home: Path) -> list[str]:
    """The messages of the warnings and errors in every Rowboat log under `home`."""
    found = []
    for log in sorted(home.rglob("*.log")):
        for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
            match = _LOG_WARNING.match(line)
            if match:
                found.append(match.group(1))
    return found


class Bundle:
    """The one-folder bundle and a fresh home for each command run from it."""

    def __init__(self, folder: Path, scratch: Path) -> None:
        self.folder = folder
        self.internal = folder / "_internal"
        self.exe = folder / ("rowboat.exe" if sys.platform == "win32" else "rowboat")
        self.scratch = scratch
        self.failures: list[str] = []
        self.sample = self.internal / "rowboat" / "resources" / "samples" / "attendees.xlsx"

    def fail(self, what: str) -> None:
        self.failures.append(what)

    def home(self, name: str) -> tuple[Path, dict[str, str]]:
        home = self.scratch / name
        home.mkdir()
        env = {k: v for k, v in os.environ.items() if not k.startswith(("ROWBOAT_", "XDG_"))}
        env.update(
            HOME=str(home),
            USERPROFILE=str(home),
            APPDATA=str(home / "AppData" / "Roaming"),
            LOCALAPPDATA=str(home / "AppData" / "Local"),
            ROWBOAT_HOME=str(home / "rowboat"),
            PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring",  # never the user's keychain
        )
        env.pop("QT_QPA_PLATFORM", None)
        return home, env

    def run(
        self,
        name: str,
        args: list[str],
        *,
        codes: tuple[int, ...] = (0,),
        home_env: tuple[Path, dict[str, str]] | None = None,
    ) -> str | None:
        """Run the executable with `args` in a fresh home (or the one given, with its
        environment); its stdout, or None when it failed."""
        home, env = home_env or self.home(name)
        started = time.monotonic()
        done = subprocess.run(
            [str(self.exe), *args],
            capture_output=True,
            text=True,
            encoding="utf-8",
            env=env,
            cwd=home,
            timeout=TIMEOUT_S,
            check=False,
        )
        took = time.monotonic() - started
        ok = self.judge(name, done.returncode, codes, done.stderr, home)
        print(f"{'ok  ' if ok else 'FAIL'} {name} ({took:.1f} s, exit {done.returncode})")
        return done.stdout if ok else None

    def judge(self, name: str, code: int, codes: tuple[int, ...], stderr: str, home: Path) -> bool:
        """Whether a run ended as expected and said nothing outside ALLOWED (noted if not)."""
        ok = True
        if code not in codes:
            self.failures.append(f"{name}: exit {code}, expected {codes}")
            ok = False
        for line in unexpected(stderr):
            self.failures.append(f"{name}: unexpected stderr: {line}")
            ok = False
        for message in log_warnings(home):
            if unexpected(message):
                self.failures.append(f"{name}: unexpected warning in the log: {message}")
                ok = False
        return ok


def check_contents(b: Bundle) -> None:
    """What must be in the bundle, and what must not."""
    package = b.internal / "rowboat"
    for part in (
        "resources/icons/rowboat.svg",
        "resources/icons/rowboat.png",
        "resources/samples/attendees.xlsx",
        "resources/samples/sessions.xlsx",
        "core/validation/countries.json",
    ):
        if not (package / part).is_file():
            b.fail(f"contents: rowboat/{part} is missing")
    if not list(b.internal.glob(f"rowboat-{version('rowboat')}.dist-info/METADATA")):
        b.fail("contents: rowboat's metadata (the version's source) is missing")
    qt = next(p for p in (b.internal / "PySide6" / "Qt", b.internal / "PySide6") if p.is_dir())
    expected = {"linux": {"qoffscreen", "qxcb"}, "win32": {"qoffscreen", "qwindows"}}.get(
        sys.platform, {"qoffscreen", "qcocoa"}
    )
    platforms = {
        re.sub(r"^lib|\..*$", "", p.name) for p in (qt / "plugins" / "platforms").iterdir()
    }
    if platforms != expected:
        b.fail(f"contents: Qt platforms {sorted(platforms)}, expected {sorted(expected)}")
    if list(b.internal.rglob("*.qm")):
        b.fail("contents: Qt translations were bundled; Rowboat loads none")
    if list(b.internal.rglob("*WebEngine*")):
        b.fail("contents: QtWebEngine was bundled")
    missing = _missing_modules(b)
    for name in missing:
        b.fail(f"contents: module {name} (imported by name) is not in the archive")
    if LINUX:
        for line in _unresolved_libraries(b):
            b.fail(f"contents: {line}")
    print(f"{'FAIL' if b.failures else 'ok  '} contents")


def _missing_modules(b: Bundle) -> list[str]:
    from PyInstaller.archive.readers import CArchiveReader

    from rowboat.core.connections.check import CLIENT_MODULES
    from rowboat.core.submit.carriers import VENDOR_MODULES

    archive = CArchiveReader(str(b.exe)).open_embedded_archive("PYZ.pyz")
    needed = [
        *VENDOR_MODULES.values(),
        *CLIENT_MODULES.values(),
        "rowboat.sandbox.server",
        "rowboat.gui.main_window",
        "keyring.backends.SecretService",
        "keyring.backends.kwallet",
        "keyring.backends.Windows",
        "keyring.backends.macOS",
        "keyring.backends.chainer",
    ]
    return [name for name in needed if name not in archive.toc]


def _unresolved_libraries(b: Bundle) -> list[str]:
    """`ldd` of every shared library in the bundle, which must find each library it needs."""
    paths = [b.internal, b.internal / "PySide6" / "Qt" / "lib", b.internal / "pyarrow"]
    env = dict(os.environ, LD_LIBRARY_PATH=os.pathsep.join(map(str, paths)))
    found = []
    for lib in sorted(b.internal.rglob("*.so*")):
        if lib.is_symlink() or not lib.is_file():
            continue
        out = subprocess.run(["ldd", str(lib)], capture_output=True, text=True, env=env).stdout
        found += [
            f"{lib.relative_to(b.internal)} needs {line.split()[0]}, which is in neither the "
            "bundle nor the system"
            for line in out.splitlines()
            if "not found" in line
        ]
    return found


def check_commands(b: Bundle) -> None:
    out = b.run("version", ["--version"])
    if out is not None and out.strip() != f"rowboat {version('rowboat')}":
        b.fail(f"version: printed {out.strip()!r}, not the package's {version('rowboat')}")

    sample = str(b.sample)
    args = [sample, "--endpoint", "plandocket.contacts", "--region", "DE", "--json"]
    out = b.run("validate", ["validate", *args], codes=(1,))  # 1: the sample has bad rows
    if out is not None:
        data = json.loads(out)
        if not (data["header_row"] == 4 and data["valid"] > 0 and data["invalid"] > 0):
            b.fail(f"validate: header row {data['header_row']}, {data['valid']} valid rows")

    out = b.run("submit", ["submit", *args, "--yes"], codes=(0, 1))
    if out is not None:
        data = json.loads(out)
        if data["state"] != "finished" or data["created"] == 0 or data["rejected"]:
            b.fail(f"submit: {data['state']}, {data['created']} created ({data['status']})")

    tour = b.scratch / "tour-pictures"
    out = b.run("tour", ["gui", "--screenshot-tour", str(tour)])
    if out is not None:
        for step in ("open", "target", "map", "review", "submit"):
            picture = tour / f"{step}.png"
            head = picture.read_bytes()[:24] if picture.is_file() else b""
            width, height = struct.unpack(">II", head[16:24]) if len(head) == 24 else (0, 0)
            if head[:8] != b"\x89PNG\r\n\x1a\n" or width < 800 or height < 600:
                b.fail(f"tour: {picture.name} is not a picture of the whole window")


def check_keychain(b: Bundle) -> None:
    """Save a connection's secret in a real Secret Service keychain (GNOME Keyring on a private
    session bus), then remove it: the bundled keyring backend, secretstorage and its crypto."""
    if shutil.which("dbus-daemon") is None or shutil.which("gnome-keyring-daemon") is None:
        b.fail("keychain: dbus-daemon and gnome-keyring-daemon are needed (Debian: dbus-daemon "
               "gnome-keyring), or --no-keychain")  # fmt: skip
        return
    home, env = b.home("keychain")
    del env["PYTHON_KEYRING_BACKEND"]
    quiet = subprocess.DEVNULL
    bus = subprocess.Popen(
        ["dbus-daemon", "--session", "--nofork", "--print-address=1"],
        stdout=subprocess.PIPE, stderr=quiet, text=True, env=env,
    )  # fmt: skip
    assert bus.stdout is not None
    env["DBUS_SESSION_BUS_ADDRESS"] = bus.stdout.readline().strip()
    ring = subprocess.Popen(
        ["gnome-keyring-daemon", "--foreground", "--unlock", "--components=secrets"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=quiet, text=True, env=env,
    )  # fmt: skip
    assert ring.stdin is not None
    assert ring.stdout is not None
    ring.stdin.write("a throwaway keyring password\n")
    ring.stdin.close()  # the password ends at end of input
    ring.stdout.readline()  # GNOME_KEYRING_CONTROL=… once it serves the bus
    try:
        env["SMOKE_API_KEY"] = "not-a-real-key"
        add = ["connections", "add", "Smoke", "--system", "plandocket"]
        add += [
            "--url",
            "https://smoke.example.com/api/v1",
            "--secret-env",
            "api_key=SMOKE_API_KEY",
        ]
        out = b.run("keychain add", add, home_env=(home, env))
        if out is not None and "kept in this computer's keychain" not in out:
            b.fail(f"keychain: the secret was not kept: {out.strip()}")
        b.run("keychain remove", ["connections", "remove", "Smoke"], home_env=(home, env))
    finally:
        for daemon in (ring, bus):
            daemon.terminate()
            daemon.wait(timeout=30)


def check_window(b: Bundle, startup_wm_class: str) -> None:
    """Open the window on the xcb platform of a virtual X screen, find it, close it (Ctrl+C)."""
    if shutil.which("Xvfb") is None or shutil.which("xwininfo") is None:
        b.fail("window: Xvfb and xwininfo are needed (Debian: xvfb x11-utils), or --no-window")
        return
    home, env = b.home("window")
    display = f":{90 + os.getpid() % 900}"
    env.update(DISPLAY=display, QT_QPA_PLATFORM="xcb")
    screen = subprocess.Popen(["Xvfb", display, "-screen", "0", "1280x1024x24", "-nolisten", "tcp"])
    try:
        app = subprocess.Popen(
            [str(b.exe), "gui"], env=env, cwd=home, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        classes = _wait_for_window(display, app)
        app.send_signal(signal.SIGINT)  # closes the window the way Ctrl+C in a terminal does
        _, stderr = app.communicate(timeout=60)
        ok = b.judge("window", app.returncode, (0,), stderr, home)
        if classes is None:
            b.failures.append("window: no 'Rowboat' window appeared on the X screen")
            ok = False
        elif startup_wm_class not in classes:
            b.failures.append(f"window: WM_CLASS {classes}, the .desktop says {startup_wm_class}")
            ok = False
        print(f"{'ok  ' if ok else 'FAIL'} window (xcb on Xvfb, WM_CLASS {classes})")
    finally:
        screen.terminate()
        screen.wait(timeout=30)


def _wait_for_window(display: str, app: subprocess.Popen[str]) -> tuple[str, ...] | None:
    """The WM_CLASS of the main window once it is mapped; None if the app ends or never shows."""
    shown = re.compile(r'"Rowboat": \("([^"]*)" "([^"]*)"\)\s+(\d+)x(\d+)')
    deadline = time.monotonic() + TIMEOUT_S
    while time.monotonic() < deadline and app.poll() is None:
        tree = subprocess.run(
            ["xwininfo", "-display", display, "-root", "-children"],
            capture_output=True, text=True, check=False,
        ).stdout  # fmt: skip
        for match in shown.finditer(tree):
            if int(match.group(3)) > 100:  # the window itself, not Qt's 1x1 helper windows
                return match.group(1), match.group(2)
        time.sleep(0.5)  # polling a separate process: there is no signal to wait on
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("bundle", type=Path, help="the one-folder bundle, e.g. dist/rowboat")
    parser.add_argument("--no-window", action="store_true", help="skip the X11 window check")
    parser.add_argument(
        "--no-keychain", action="store_true", help="skip the check with a real GNOME Keyring"
    )
    parser.add_argument(
        "--desktop-file", type=Path, default=DESKTOP_FILE, help="the entry whose StartupWMClass "
        "the window must carry (default: the one in packaging/linux/)",
    )  # fmt: skip
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="rowboat-smoke-") as scratch:
        b = Bundle(args.bundle.resolve(), Path(scratch))
        check_contents(b)
        check_commands(b)
        if LINUX and not args.no_keychain:
            check_keychain(b)
        if LINUX and not args.no_window:
            entry = args.desktop_file.read_text(encoding="utf-8")
            wm_class = re.search(r"^StartupWMClass=(.+)$", entry, re.MULTILINE)
            check_window(b, wm_class.group(1) if wm_class else "(no StartupWMClass)")
    for failure in b.failures:
        print(f"  {failure}", file=sys.stderr)
    print("smoke test: " + (f"{len(b.failures)} failures" if b.failures else "passed"))
    return 1 if b.failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
