"""The screenshot tour: the whole flow on a file, offscreen, one PNG per step.

`rowboat gui --screenshot-tour DIR [FILE]` (default FILE: the bundled sample). It uses its own
settings and mapping profiles in a temporary folder, so it changes nothing of the user's.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QElapsedTimer, QEventLoop, QSettings, QTimer
from PySide6.QtWidgets import QApplication

from rowboat.core.mapping import ProfileStore
from rowboat.gui.assets import sample_file
from rowboat.gui.view_state import ViewState
from rowboat.gui.widgets.step_bar import Step

if TYPE_CHECKING:
    from collections.abc import Callable

    from PySide6.QtCore import SignalInstance

    from rowboat.gui.main_window import MainWindow

__all__ = ["DEFAULT_ENDPOINT", "TOUR_SIZE", "run_tour", "tour_window"]

DEFAULT_ENDPOINT = "plandocket.contacts"
TOUR_SIZE = (1180, 800)
WAIT_MS = 180_000  # a million-row file takes a while to read and check


def _wait(signals: list[SignalInstance], done: Callable[[], bool], timeout_ms: int) -> bool:
    """Run the event loop until `done()` (checked whenever one of `signals` fires)."""
    loop = QEventLoop()
    for signal in signals:
        signal.connect(loop.quit)
    clock = QElapsedTimer()
    clock.start()
    while not done():
        left = timeout_ms - clock.elapsed()
        if left <= 0:
            return False
        QTimer.singleShot(min(int(left), 500), loop.quit)
        loop.exec()
    for signal in signals:
        signal.disconnect(loop.quit)
    return True


def _settle(window: MainWindow) -> None:
    """Let layouts and queued signals settle before a grab."""
    for _ in range(3):
        QApplication.processEvents()
    window.repaint()


def tour_window(folder: Path) -> MainWindow:
    from rowboat.gui.main_window import MainWindow

    settings = QSettings(str(folder / "view-state.ini"), QSettings.Format.IniFormat)
    window = MainWindow(profiles=ProfileStore(folder / "mappings"), view_state=ViewState(settings))
    window.resize(*TOUR_SIZE)
    return window


def run_tour(out_dir: Path, path: Path | None = None, endpoint_id: str = DEFAULT_ENDPOINT) -> int:
    """Save open.png, target.png, map.png, review.png and submit.png into `out_dir`; 0 when
    every step was reached, 2 (with a plain message on stderr) when one was not."""
    path = path or sample_file()
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="rowboat-tour-") as folder:
        window = tour_window(Path(folder))
        window.show()
        try:
            return _tour(window, out_dir, path, endpoint_id)
        finally:
            window.close()


def _tour(window: MainWindow, out_dir: Path, path: Path, endpoint_id: str) -> int:
    s = window.session
    failures: list[str] = []
    loader = window.loader
    window.open_file(path)
    _wait([loader.finished, loader.failed, loader.cancelled], lambda: not loader.busy, WAIT_MS)
    if s.table is None:
        _save(window, out_dir, "open")
        error = window.open_page.last_error
        message = error.message if error is not None else "it was not read in time"
        sys.stderr.write(f"The tour could not open '{path.name}': {message}\n")
        return 2
    _save(window, out_dir, "open")
    window.go_to(Step.TARGET)
    if not window.target_page.select_endpoint(endpoint_id):
        sys.stderr.write(f"There is no endpoint '{endpoint_id}'.\n")
        return 2
    _save(window, out_dir, "target")
    window.go_to(Step.MAP)

    def checked() -> bool:
        busy = window.keeper.busy or window.runner.busy or window.map_page.samples_busy
        return s.result is not None and not busy

    _wait([s.result_changed, window.map_page.model.dataChanged], checked, WAIT_MS)
    if s.result is None:
        failures.append("the rows were not checked in time")
    _save(window, out_dir, "map")
    for step, name in ((Step.REVIEW, "review"), (Step.SUBMIT, "submit")):
        if window.go_to(step):
            _save(window, out_dir, name)
        else:
            failures.append(f"the {name} step could not be reached")
    for failure in failures:
        sys.stderr.write(f"The tour stopped short: {failure}.\n")
    if failures:
        return 2
    sys.stdout.write(f"Saved the screenshots of '{path.name}' to {out_dir}\n")
    return 0


def _save(window: MainWindow, out_dir: Path, name: str) -> None:
    _settle(window)
    target = out_dir / f"{name}.png"
    if not window.grab().save(str(target)):
        sys.stderr.write(f"Could not write {target}.\n")
