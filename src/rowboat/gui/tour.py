"""The screenshot tour: the whole flow on a file, offscreen, one PNG per step.

`rowboat gui --screenshot-tour DIR [FILE]` (default FILE: the bundled sample). It uses its own
settings, mapping profiles, connections, journal and Sandbox (with quick jobs) in a temporary
folder, so it changes nothing of the user's; it submits the file to that Sandbox.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QElapsedTimer, QEventLoop, QSettings, QTimer
from PySide6.QtWidgets import QApplication

from rowboat.core.connections.secrets import MemoryStore
from rowboat.core.connections.store import ConnectionStore
from rowboat.core.jobs.tracker import TrackPolicy
from rowboat.core.mapping import ProfileStore
from rowboat.core.submit.journal import Journal
from rowboat.core.submit.runner import RunSettings
from rowboat.gui.assets import sample_file
from rowboat.gui.connection_access import ConnectionAccess
from rowboat.gui.models.review_model import RowFilter
from rowboat.gui.sandbox_service import SandboxService
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
TOUR_JOB_SECONDS = 0.5  # the tour's Sandbox finishes its jobs quickly
# An example of a saved connection, so the Connections picture shows more than the Sandbox.
EXAMPLE_CONNECTION = ("Acme production", "plandocket", "https://acme.plandocket.com/api/v1")


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


def tour_window(folder: Path, *, latency_ms: float = 0.0) -> MainWindow:
    """A window whose files, connections, journal and Sandbox all live in `folder`."""
    from rowboat.gui.main_window import MainWindow

    settings = QSettings(str(folder / "view-state.ini"), QSettings.Format.IniFormat)
    secrets = MemoryStore()
    connections = folder / "settings.json"
    name, system, url = EXAMPLE_CONNECTION
    store = ConnectionStore(connections, secrets=secrets)
    if store.find(name) is None:
        store.add(name, system, url, secrets={"api_key": "-"})
    sandbox = SandboxService(
        state_path=folder / "sandbox.db", job_seconds=TOUR_JOB_SECONDS, latency_ms=latency_ms
    )
    window = MainWindow(
        profiles=ProfileStore(folder / "mappings"),
        view_state=ViewState(settings),
        journal=Journal(folder / "journal.db"),
        access=ConnectionAccess(sandbox, path=connections, secrets=secrets),
        run_settings=RunSettings(track=TrackPolicy(first_delay=0.25, factor=1.5, max_delay=1.0)),
    )
    window.resize(*TOUR_SIZE)
    return window


def close_tour_window(window: MainWindow) -> None:
    """Close the window and what it was lent: its journal and Sandbox."""
    window.close()
    window.journal.close()
    window.access.sandbox.stop()


def run_tour(out_dir: Path, path: Path | None = None, endpoint_id: str = DEFAULT_ENDPOINT) -> int:
    """Save open.png, target.png, map.png, review.png (the invalid rows), submit.png (the
    import sent to the tour's Sandbox, with each row's outcome), history.png and connections.png
    into `out_dir`; 0 when every step was reached, 2 (with a plain message on stderr) when one
    was not."""
    path = path or sample_file()
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="rowboat-tour-") as folder:
        window = tour_window(Path(folder))
        window.show()
        try:
            return _tour(window, out_dir, path, endpoint_id)
        finally:
            close_tour_window(window)


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
    if window.go_to(Step.REVIEW):
        page = window.review_step.page
        page.set_filter(RowFilter.INVALID)  # the rows to fix: what the step is for
        _save(window, out_dir, "review")
        page.set_filter(RowFilter.ALL)
    else:
        failures.append("the review step could not be reached")
    if window.go_to(Step.SUBMIT):
        failures += _submit(window, out_dir)
    else:
        failures.append("the submit step could not be reached")
    failures += _history_and_connections(window, out_dir)
    for failure in failures:
        sys.stderr.write(f"The tour stopped short: {failure}.\n")
    if failures:
        return 2
    sys.stdout.write(f"Saved the screenshots of '{path.name}' to {out_dir}\n")
    return 0


def _submit(window: MainWindow, out_dir: Path) -> list[str]:
    """Send the file to the tour's Sandbox and save the outcome; what went wrong, if anything."""
    page = window.submit_page

    def planned() -> bool:
        return not page.planning and (page.plan is not None or page.blockers.isVisible())

    _wait([window.sending.busy_changed], planned, WAIT_MS)
    if not page.start_submission():
        _save(window, out_dir, "submit")
        return ["nothing could be submitted: " + (page.blockers.message.text() or "no plan")]
    outcomes = page.result.outcomes

    def sent() -> bool:
        return page.showing_outcome and not window.sending.busy and not outcomes.busy

    _wait([window.sending.ended, outcomes.loaded], sent, WAIT_MS)
    _save(window, out_dir, "submit")
    return [] if page.showing_outcome else ["the import did not end in time"]


def _history_and_connections(window: MainWindow, out_dir: Path) -> list[str]:
    page = window.history_page
    window.show_history()
    _wait([page.loaded, page.detail.outcomes.loaded], lambda: not page.busy, WAIT_MS)
    _save(window, out_dir, "history")
    window.go_to(window.step)
    window.show_connections()
    dialog = window.connections_dialog
    if dialog is None:
        return ["the Connections dialog did not open"]
    _settle(window)
    target = out_dir / "connections.png"
    saved = dialog.grab().save(str(target))
    dialog.close()
    return [] if saved else [f"could not write {target}"]


def _save(window: MainWindow, out_dir: Path, name: str) -> None:
    _settle(window)
    target = out_dir / f"{name}.png"
    if not window.grab().save(str(target)):
        sys.stderr.write(f"Could not write {target}.\n")
