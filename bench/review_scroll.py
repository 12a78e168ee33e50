"""`python -m bench.review_scroll [--rows 1000000]`: the Review page over a million checked rows.

Offscreen, in this one process: the time to show the page, the longest stall of the event loop
(a 10 ms heartbeat timer) while the table scrolls to its end in steps, and what one edit costs:
the core's re-check of the row alone, and the whole edit through the model and views. The file
is opened and validated first (not timed here; `python -m bench` measures that).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from bench.files import ensure_files

if TYPE_CHECKING:
    from collections.abc import Callable

STALL_TARGET_MS = 50.0
HEARTBEAT_MS = 10
SCROLL_STEPS = 300


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.review_scroll")
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()

    import numpy as np
    from PySide6.QtCore import QElapsedTimer, QEventLoop, QThreadPool, QTimer
    from PySide6.QtWidgets import QApplication

    from rowboat.core.mapping import match_columns
    from rowboat.core.sources import open_table
    from rowboat.core.targets import get_endpoint
    from rowboat.core.validation import ReviewEdits, ValidationOptions, validate
    from rowboat.gui.models.review_model import RowFilter
    from rowboat.gui.pages.review_page import ReviewPage

    path = ensure_files(args.rows, Path(__file__).parent / "data")["csv"]
    endpoint = get_endpoint("plandocket.contacts")
    start = time.perf_counter()
    table = open_table(path)
    mapping = match_columns(table.columns, endpoint, sample=table.frame.head(200))
    result = validate(table, endpoint, mapping, ValidationOptions(default_region="DE"))
    print(
        f"{path.name}: {len(result):,} rows, {result.invalid_count:,} invalid, "
        f"opened and checked in {time.perf_counter() - start:.1f} s"
    )

    app = QApplication.instance() or QApplication(sys.argv[:1])
    page = ReviewPage()
    page.resize(1400, 900)
    clock = QElapsedTimer()
    clock.start()
    page.set_result(result)
    page.show()
    app.processEvents()
    shown_ms = clock.elapsed()
    QThreadPool.globalInstance().waitForDone()  # the page builds the repeat indexes aside
    app.processEvents()
    started = time.perf_counter()
    page.model.edits.prepare()  # once more, here, to time it
    prepare_ms = (time.perf_counter() - started) * 1000

    def timed(action: Callable[[], object]) -> float:
        started = time.perf_counter()
        action()
        app.processEvents()
        return (time.perf_counter() - started) * 1000

    filter_ms = timed(lambda: page.set_filter(RowFilter.INVALID))
    timed(lambda: page.set_filter(RowFilter.ALL))
    email = page.model.columns.index("E-mail address") + 1
    sort_ms, sort_stall_ms = _sort_aside(app, page.model, email)
    timed(lambda: page.model.sort(-1))

    # Scroll to the end in steps while a heartbeat notes every turn of the event loop.
    beats: list[int] = []
    heartbeat = QTimer()
    heartbeat.setInterval(HEARTBEAT_MS)
    heartbeat.timeout.connect(lambda: beats.append(clock.elapsed()))
    bar = page.table.verticalScrollBar()
    targets = np.linspace(0, bar.maximum(), SCROLL_STEPS).astype(int).tolist()
    loop = QEventLoop()
    stepper = QTimer()
    stepper.setInterval(16)  # one step a frame, as a held-down scroll would go

    def step() -> None:
        if not targets:
            stepper.stop()
            loop.quit()
            return
        bar.setValue(targets.pop(0))

    stepper.timeout.connect(step)
    heartbeat.start()
    stepper.start()
    scroll_start = clock.elapsed()
    loop.exec()
    heartbeat.stop()
    scroll_ms = clock.elapsed() - scroll_start
    gaps = np.diff(np.array([scroll_start, *beats]))
    stall_ms = float(gaps.max() - HEARTBEAT_MS) if len(gaps) else 0.0
    assert bar.value() == bar.maximum()

    # Edits: fix bad emails far down the file; time the core's re-check and the whole edit.
    edits: ReviewEdits = page.model.edits
    bad = [
        p
        for p in np.flatnonzero(~edits.valid).tolist()
        if "@" not in edits.text(p, "E-mail address")
    ]
    core_ms, full_ms = [], []
    for i, pos in enumerate(bad[-60:-30]):
        started = time.perf_counter()
        edits.edit(pos, "E-mail address", f"fixed.{i}@example.com")
        core_ms.append((time.perf_counter() - started) * 1000)
    for i, pos in enumerate(bad[-30:]):
        index = page.model.index_at(pos, "E-mail address")
        started = time.perf_counter()
        page.model.setData(index, f"fixed.again.{i}@example.com")
        app.processEvents()
        full_ms.append((time.perf_counter() - started) * 1000)
    started = time.perf_counter()
    page.corrected_result()
    corrected_ms = (time.perf_counter() - started) * 1000

    def spread(values: list[float]) -> str:
        return f"median {statistics.median(values):.1f} ms, max {max(values):.1f} ms"

    ok = stall_ms <= STALL_TARGET_MS
    print(f"show the page:            {shown_ms:>8.0f} ms")
    print(f"indexes for edits:        {prepare_ms:>8.0f} ms (built aside by a worker)")
    print(f"show only the invalid:    {filter_ms:>8.0f} ms")
    print(
        f"sort by email:            {sort_ms:>8.0f} ms on a worker; longest stall "
        f"{sort_stall_ms:.0f} ms"
    )
    print(
        f"scroll to the end:        {scroll_ms:>8.0f} ms in {SCROLL_STEPS} steps; longest stall "
        f"{stall_ms:.0f} ms (target <= {STALL_TARGET_MS:.0f} ms){'' if ok else '  MISSED'}"
    )
    print(f"one edit, core re-check:  {spread(core_ms)}")
    print(f"one edit, model and views: {spread(full_ms)}")
    print(f"corrected result:         {corrected_ms:>8.0f} ms")
    page.close()
    return 0 if ok else 1


def _sort_aside(app: object, model: object, column: int) -> tuple[float, float]:
    """(ms until the sorted rows show, longest stall of the event loop meanwhile)."""
    from PySide6.QtCore import QElapsedTimer, QEventLoop, QTimer

    from rowboat.gui.models.review_model import ReviewModel

    assert isinstance(model, ReviewModel)
    clock = QElapsedTimer()
    clock.start()
    beats: list[int] = [0]
    heartbeat = QTimer()
    heartbeat.setInterval(HEARTBEAT_MS)
    heartbeat.timeout.connect(lambda: beats.append(clock.elapsed()))
    loop = QEventLoop()
    model.sorting.connect(lambda busy: None if busy else loop.quit())
    heartbeat.start()
    model.sort(column)
    if model.sorting_aside:
        loop.exec()
    heartbeat.stop()
    done = clock.elapsed()
    gaps = [b - a for a, b in zip(beats, [*beats[1:], done], strict=True)]
    return float(done), float(max(gaps) - HEARTBEAT_MS)


if __name__ == "__main__":
    raise SystemExit(main())
