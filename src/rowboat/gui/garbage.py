"""GarbageCollector: Python's cyclic garbage is collected on the GUI thread only.

Python collects cycles on whichever thread happens to allocate when a threshold is crossed. A
pool thread reading a file may then free the last reference to a Qt object, and PySide6 crashes
when a widget is destroyed off the GUI thread (seen here as a segfault inside `import fastexcel`
on a worker). After qutebrowser's GarbageCollector: automatic collection is off while the app
runs, and a timer on the GUI thread collects with Python's own thresholds.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer, Slot

__all__ = ["GarbageCollector"]

INTERVAL_MS = 1000


class GarbageCollector(QObject):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setInterval(INTERVAL_MS)
        self._timer.timeout.connect(self.collect)

    def start(self) -> None:
        """Collect on the GUI thread from now on. What exists already (modules, the warmed-up
        core) is frozen out of later collections: a full one then takes milliseconds."""
        gc.disable()
        gc.collect()
        gc.freeze()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()
        gc.enable()

    @Slot()
    def collect(self) -> int:
        """Collect the generations whose thresholds are crossed, as Python itself would."""
        counts, thresholds = gc.get_count(), gc.get_threshold()
        if counts[0] <= thresholds[0]:
            return 0
        generation = 0
        if counts[1] > thresholds[1]:
            generation = 1
            if counts[2] > thresholds[2]:
                generation = 2
        return gc.collect(generation)
