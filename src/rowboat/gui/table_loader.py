"""TableLoader: reads a file in two steps on the thread pool, a quick preview and then the table."""

from __future__ import annotations

import dataclasses
import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal, Slot

from rowboat.core.sources import open_table
from rowboat.core.sources.preview import encoding_reason, read_preview
from rowboat.gui.session import ReadingChoices

if TYPE_CHECKING:
    from collections.abc import Callable

    from rowboat.core.errors import RowboatError
    from rowboat.core.progress import Reporter
    from rowboat.core.sources.preview import Preview
    from rowboat.core.table import Table
    from rowboat.gui.session import ImportSession
    from rowboat.gui.workers import Worker, Workers

__all__ = ["TableLoader"]

log = logging.getLogger(__name__)


def _preview(choices: ReadingChoices) -> Callable[[Reporter], Preview]:
    def work(report: Reporter) -> Preview:
        report.raise_if_cancelled()
        return read_preview(
            choices.path,
            sheet=choices.sheet,
            header_row=choices.header_row,
            encoding=choices.encoding,
            delimiter=choices.delimiter,
        )

    return work


def _table(
    choices: ReadingChoices, preview: Preview
) -> Callable[[Reporter], tuple[Preview, Table]]:
    def work(report: Reporter) -> tuple[Preview, Table]:
        table = open_table(
            choices.path,
            sheet=preview.sheet,  # the sheet the preview showed, so both show the same
            header_row=choices.header_row,
            encoding=choices.encoding,
            delimiter=choices.delimiter,
            skip_hidden_rows=choices.skip_hidden_rows,
            skip_totals_row=choices.skip_totals_row,
            report=report,
        )
        report.raise_if_cancelled()  # the read itself cannot stop half-way; its result can go
        shown = preview
        info = table.info
        if info.encoding is not None and info.encoding != preview.encoding:
            # The whole file held bytes its start did not: show the top in the encoding used.
            shown = dataclasses.replace(
                read_preview(
                    choices.path,
                    header_row=info.header_row,
                    encoding=info.encoding,
                    delimiter=info.delimiter,
                ),
                encoding_reason=encoding_reason(info.encoding),
                header_detected=info.header_detected,
            )
        if shown.header_row != info.header_row:
            shown = dataclasses.replace(shown, header_row=info.header_row)
        return shown, table

    return work


class TableLoader(QObject):
    """Reads the file the user chose: read_preview first (its top rows, at once even for a
    million rows), then open_table, each in a worker. The session changes only when the table
    has been read, so a file that fails leaves the previous file's work as it was.

    Signals:
        started(ReadingChoices): a read began (a new file or new reading choices).
        preview_ready(Preview): the top rows of the file being read.
        progress(int, int, str): progress of the full read (done, total, what).
        failed(RowboatError): the file could not be read; the session is unchanged.
        cancelled(): the user stopped the read; the session is unchanged.
        finished(): the table was read and put into the session.
        busy_changed(bool): a read is running, or no longer.
    """

    started = Signal(object)
    preview_ready = Signal(object)
    progress = Signal(int, int, str)
    failed = Signal(object)
    cancelled = Signal()
    finished = Signal()
    busy_changed = Signal(bool)

    def __init__(self, session: ImportSession, workers: Workers, parent: QObject | None = None):
        super().__init__(parent)
        self._session = session
        self._workers = workers
        self._current: Worker | None = None
        self._pending: ReadingChoices | None = None

    @property
    def busy(self) -> bool:
        return self._current is not None

    @property
    def pending(self) -> ReadingChoices | None:
        """The reading choices being read now, or None when idle."""
        return self._pending if self.busy else None

    def open(self, path: str | Path) -> None:
        """Read a new file with every choice left to detection."""
        self._start(ReadingChoices(Path(path)))

    def set_sheet(self, sheet: str) -> None:
        """Read another sheet; its header row is found again."""
        self._reread(sheet=sheet, header_row=None)

    def set_header_row(self, row: int | None) -> None:
        """Take the header from this 1-based row (None: find it)."""
        self._reread(header_row=row)

    def set_encoding(self, encoding: str | None) -> None:
        self._reread(encoding=encoding)

    def set_delimiter(self, delimiter: str | None) -> None:
        self._reread(delimiter=delimiter)

    def set_skip_hidden_rows(self, skip: bool) -> None:
        """Read again, leaving out (or taking in) the rows the workbook hides."""
        self._reread(skip_hidden_rows=skip)

    def set_skip_totals_row(self, skip: bool) -> None:
        self._reread(skip_totals_row=skip)

    def _reread(self, **changes: str | int | bool | None) -> None:
        """Read the pending (or current) file again with some choices changed."""
        base = self._pending if self.busy else self._session.reading
        if base is not None:
            self._start(dataclasses.replace(base, **changes))  # type: ignore[arg-type]

    def cancel(self) -> None:
        if self._current is not None:
            self._current.cancel()

    def _start(self, choices: ReadingChoices) -> None:
        if self._current is not None:
            self._current.cancel()  # its late result is ignored: it is no longer current
        self._pending = choices
        was_busy = self.busy
        self._current = self._launch(_preview(choices), "reading the top of the file")
        self._current.signals.finished.connect(self._on_preview)
        self.started.emit(choices)
        if not was_busy:
            self.busy_changed.emit(True)

    def _launch(self, fn: Callable[[Reporter], object], what: str) -> Worker:
        worker = self._workers.start(fn, what)
        worker.signals.failed.connect(self._on_failed)
        worker.signals.cancelled.connect(self._on_cancelled)
        return worker

    def _is_current(self) -> bool:
        return self._current is not None and self.sender() is self._current.signals

    def _stopped(self) -> bool:
        """True (and the read ended as cancelled) when the user stopped it after it was done."""
        if self._current is None or not self._current.cancel_requested:
            return False
        self._end()
        self.cancelled.emit()
        return True

    @Slot(object)
    def _on_preview(self, preview: Preview) -> None:
        if not self._is_current() or self._pending is None or self._stopped():
            return
        self.preview_ready.emit(preview)
        self._current = self._launch(_table(self._pending, preview), "reading the file")
        self._current.signals.progress.connect(self._on_progress)
        self._current.signals.finished.connect(self._on_table)

    @Slot(int, int, str)
    def _on_progress(self, done: int, total: int, what: str) -> None:
        if self._is_current():
            self.progress.emit(done, total, what)

    @Slot(object)
    def _on_table(self, outcome: tuple[Preview, Table]) -> None:
        if not self._is_current() or self._pending is None or self._stopped():
            return
        preview, table = outcome
        choices = self._pending
        self._end()
        self._session.set_table(choices, preview, table)
        self.finished.emit()

    @Slot(object)
    def _on_failed(self, error: RowboatError) -> None:
        if not self._is_current():
            return
        log.info("could not read %s: %s (%s)", self._pending, error.message, error.detail)
        self._end()
        self.failed.emit(error)

    @Slot()
    def _on_cancelled(self) -> None:
        if not self._is_current():
            return
        self._end()
        self.cancelled.emit()

    def _end(self) -> None:
        self._current = None
        self.busy_changed.emit(False)
