"""`python -m bench.gui_stall [--rows 1000000] [--format csv] [--submit-rows 5000] [--latency 50]
[--submit-only]`: how long the window freezes.

A 10 ms heartbeat timer runs on the GUI thread while the real MainWindow opens a big attendee
file, checks it against Plandocket contacts and shows the Review step; then it opens a smaller
file, works out the plan and submits it to the window's own in-process Sandbox, which adds
--latency ms to every answer, until each row's outcome is shown. The longest gap between two
beats, less the 10 ms, is the longest the window could not answer the user: the target is at
most 50 ms. Run on demand (not in the tests); files come from bench/files.py into bench/data/.

`--gui-only` tells the window's own share from the core's: the file is read and checked before
the clock starts, and the worker calls hand those results back after a sleep (which lets go of
the interpreter lock), so what stalls then is the GUI thread's own work on a million rows.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rowboat.gui.main_window import MainWindow

TARGET_MS = 50.0
BEAT_MS = 10
TIMEOUT_S = 600.0


@dataclass
class Heartbeat:
    """Gaps between beats of a precise 10 ms timer, per phase of the run."""

    phase: str = "start"
    last: float = field(default_factory=time.perf_counter)
    worst: dict[str, float] = field(default_factory=dict)
    beats: dict[str, int] = field(default_factory=dict)
    over: dict[str, int] = field(default_factory=dict)  # beats that came more than TARGET_MS late

    def beat(self) -> None:
        now = time.perf_counter()
        stall = (now - self.last) * 1000 - BEAT_MS
        self.last = now
        self.worst[self.phase] = max(self.worst.get(self.phase, 0.0), stall)
        self.beats[self.phase] = self.beats.get(self.phase, 0) + 1
        if stall > TARGET_MS:
            self.over[self.phase] = self.over.get(self.phase, 0) + 1

    def enter(self, phase: str) -> None:
        self.phase = phase
        self.last = time.perf_counter()


def _run_until(app: object, done: object, what: str) -> float:
    """Spin the event loop until done() is true; the seconds it took."""
    from PySide6.QtCore import QEventLoop, QTimer

    start = time.perf_counter()
    loop = QEventLoop()
    while not done():  # type: ignore[operator]
        if time.perf_counter() - start > TIMEOUT_S:
            raise SystemExit(f"gave up waiting for {what}")
        QTimer.singleShot(20, loop.quit)
        loop.exec()
    return time.perf_counter() - start


def _replay_core(path: Path, endpoint_id: str) -> None:
    """Read and check the file now; the window's workers then get these results back."""
    from rowboat.core.mapping import match_columns
    from rowboat.core.sources import open_table
    from rowboat.core.targets import get_endpoint
    from rowboat.core.validation import validate
    from rowboat.gui import table_loader, validation_runner
    from rowboat.gui.session import region_of_locale

    table = open_table(path)
    endpoint = get_endpoint(endpoint_id)
    from rowboat.core.validation import ValidationOptions

    options = ValidationOptions(default_region=region_of_locale())
    result = validate(
        table,
        endpoint,
        match_columns(table.columns, endpoint, sample=table.frame.head(200)),
        options,
    )

    def read_again(*_args: object, **_kwargs: object) -> object:
        time.sleep(1.0)
        return table

    def check_again(*_args: object, **_kwargs: object) -> object:
        time.sleep(1.0)
        return result

    table_loader.open_table = read_again  # type: ignore[attr-defined,assignment]
    validation_runner.validate = check_again  # type: ignore[attr-defined,assignment]


def _submit_phases(
    app: object, window: MainWindow, heart: Heartbeat, path: Path, endpoint: str
) -> tuple[dict[str, float], str]:
    """Open `path`, check it, work out the plan, then submit it until the outcomes show; the
    seconds of each phase and where the import ended, in words."""
    from rowboat.gui.widgets.import_result import headline_text
    from rowboat.gui.widgets.step_bar import Step

    s, page = window.session, window.submit_page
    seconds: dict[str, float] = {}
    heart.enter("prepare")  # the file to submit read and checked
    started = time.perf_counter()
    window.open_file(path)
    _run_until(app, lambda: s.path == path and s.table is not None and not window.loader.busy, "")
    window.go_to(Step.TARGET)
    window.target_page.select_endpoint(endpoint)
    window.go_to(Step.MAP)
    _run_until(
        app,
        lambda: s.result is not None and s.result.table is s.table and not window.runner.busy,
        "the check of the file to submit",
    )
    seconds["prepare"] = time.perf_counter() - started
    heart.enter("plan")
    window.go_to(Step.SUBMIT)
    seconds["plan"] = _run_until(
        app, lambda: not page.planning and page.plan is not None, "the plan"
    )
    heart.enter("submit")
    if not page.start_submission():
        raise SystemExit("the plan could not be submitted: " + page.blockers.message.text())
    outcomes = page.result.outcomes
    seconds["submit"] = _run_until(
        app,
        lambda: page.showing_outcome and not window.sending.busy and not outcomes.busy,
        "the import",
    )
    record = page.result.record
    return seconds, headline_text(record) if record is not None else "no record of the import"


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.gui_stall")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--format", choices=["csv", "xlsx"], default="csv")
    parser.add_argument("--endpoint", default="plandocket.contacts")
    parser.add_argument(
        "--gui-only", action="store_true", help="read and check beforehand; time the GUI's share"
    )
    parser.add_argument("--submit-rows", type=int, default=5000, help="rows submitted (0: none)")
    parser.add_argument("--latency", type=float, default=50.0, help="ms the Sandbox adds")
    parser.add_argument("--submit-only", action="store_true", help="only the submit phases")
    args = parser.parse_args()
    if args.gui_only and args.submit_rows:
        print("--gui-only replays the big file's results: the submit phases are left out")
        args.submit_rows = 0
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtWidgets import QApplication

    from bench.files import ensure_files
    from rowboat.gui.garbage import GarbageCollector
    from rowboat.gui.tour import close_tour_window, tour_window
    from rowboat.gui.warmup import warm_up
    from rowboat.gui.widgets.step_bar import Step

    data = Path(__file__).parent / "data"
    path = ensure_files(args.rows, data)[args.format]
    small = ensure_files(args.submit_rows, data)[args.format] if args.submit_rows else None
    app = QApplication(sys.argv[:1])
    warm_up()  # as `rowboat gui` does before it shows the window
    if args.gui_only:
        _replay_core(path, args.endpoint)
    collector = GarbageCollector(app)
    collector.start()
    heart = Heartbeat()
    timer = QTimer(app)
    timer.setTimerType(Qt.TimerType.PreciseTimer)
    timer.setInterval(BEAT_MS)
    timer.timeout.connect(heart.beat)
    with tempfile.TemporaryDirectory(prefix="rowboat-bench-") as folder:
        window = tour_window(Path(folder), latency_ms=args.latency)
        window.show()
        s = window.session
        timer.start()
        seconds: dict[str, float] = {}
        rows = invalid = 0
        if not args.submit_only:
            heart.enter("open")
            window.open_file(path)
            seconds["open"] = _run_until(
                app, lambda: s.table is not None and not window.loader.busy, "the file"
            )
            heart.enter("map + check")
            window.go_to(Step.TARGET)
            window.target_page.select_endpoint(args.endpoint)
            window.go_to(Step.MAP)
            seconds["map + check"] = _run_until(
                app, lambda: s.result is not None and not window.runner.busy, "the check"
            )
            heart.enter("review")
            window.go_to(Step.REVIEW)
            seconds["review"] = _run_until(app, lambda: True, "the review page")
            rows = len(s.table) if s.table is not None else 0
            invalid = s.result.invalid_count if s.result else 0
        sent = ""
        if small is not None:
            phases, sent = _submit_phases(app, window, heart, small, args.endpoint)
            seconds.update(phases)
        for _ in range(10):
            app.processEvents()
        timer.stop()
        close_tour_window(window)
    collector.stop()

    if not args.submit_only:
        print(f"{path.name}: {rows:,} rows, {invalid:,} invalid")
    if small is not None:
        print(f"{small.name}: submitted to the Sandbox at {args.latency:.0f} ms latency: {sent}")
    print(f"{'phase':<14}{'seconds':>9}{'beats':>8}{'longest stall':>15}{'stalls > 50 ms':>16}")
    for phase, took in seconds.items():
        print(
            f"{phase:<14}{took:>8.2f}s{heart.beats.get(phase, 0):>8}"
            f"{heart.worst.get(phase, 0.0):>12.1f} ms{heart.over.get(phase, 0):>16}"
        )
    worst = max(heart.worst.values(), default=0.0)
    verdict = "ok" if worst <= TARGET_MS else "MISSED"
    print(f"longest stall {worst:.1f} ms (target {TARGET_MS:.0f} ms): {verdict}")
    print(f"load average while measured: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    return 0 if worst <= TARGET_MS else 1


if __name__ == "__main__":
    raise SystemExit(main())
