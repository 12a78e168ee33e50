"""Starting the desktop app: QApplication, a rotating log file, and every unexpected error shown
as a plain ErrorDialog (the traceback goes to the log, never onto the screen)."""

from __future__ import annotations

import logging
import os
import signal
import sys
import traceback
from logging.handlers import RotatingFileHandler
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QCoreApplication,
    QMessageLogContext,
    QObject,
    QSettings,
    QTimer,
    QtMsgType,
    Slot,
    qInstallMessageHandler,
)
from PySide6.QtWidgets import QApplication, QWidget

from rowboat import __version__
from rowboat.core.errors import RowboatError
from rowboat.core.paths import config_dir, log_dir
from rowboat.gui.assets import app_icon
from rowboat.gui.garbage import GarbageCollector

if TYPE_CHECKING:
    from types import TracebackType

    from rowboat.gui.dialogs.error_dialog import ErrorDialog

__all__ = [
    "ExceptionHook",
    "create_application",
    "log_file_path",
    "main",
    "plain_error",
    "setup_logging",
]

log = logging.getLogger("rowboat.gui")

LOG_BYTES = 1_000_000
LOG_BACKUPS = 3
_QT_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}


def log_file_path() -> Path:
    return log_dir() / "rowboat.log"


def setup_logging(path: Path | None = None) -> Path:
    """Log Rowboat's messages to a rotating file (1 MB, three old files kept); nothing on the
    terminal."""
    path = path or log_file_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    logger = logging.getLogger("rowboat")
    for handler in list(logger.handlers):
        if isinstance(handler, RotatingFileHandler):
            logger.removeHandler(handler)
            handler.close()
    handler = RotatingFileHandler(
        path, maxBytes=LOG_BYTES, backupCount=LOG_BACKUPS, encoding="utf-8"
    )
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    return path


def _qt_message(mode: QtMsgType, context: QMessageLogContext, message: str) -> None:
    # Qt's own messages (platform plugins, fonts) go to the log instead of the terminal.
    logging.getLogger("rowboat.qt").log(_QT_LEVELS.get(mode, logging.WARNING), "%s", message)


def create_application(argv: list[str]) -> QApplication:
    """The QApplication, named for QSettings, with Rowboat's icon. Colours follow the system's
    light or dark scheme: the pages paint only with palette roles."""
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(argv)
    app.setApplicationName("Rowboat")
    app.setOrganizationName("Rowboat")
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("io.github.rowboat.Rowboat")  # packaging/linux/ names it so
    app.setWindowIcon(app_icon())
    if os.environ.get("ROWBOAT_HOME", "").strip():
        # ROWBOAT_HOME keeps every file in one folder: the window's view state too.
        QSettings.setDefaultFormat(QSettings.Format.IniFormat)
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(config_dir()))
    return app


def plain_error(exc: BaseException, log_file: Path | None) -> RowboatError:
    """The error a person sees for an exception that escaped: its own words for a RowboatError,
    a plain sentence for a bug (whose traceback is only in the log)."""
    if isinstance(exc, RowboatError):
        return exc
    tr = QCoreApplication.translate
    where = str(log_file) if log_file is not None else tr("ExceptionHook", "the log file")
    return RowboatError(
        tr("ExceptionHook", "Rowboat hit an unexpected problem. Your file was not changed."),
        hint=tr(
            "ExceptionHook", "The details were written to {where}; please send it to support."
        ).format(where=where),
        detail=f"{type(exc).__name__}: {exc}",
    )


class ExceptionHook(QObject):
    """sys.excepthook for the GUI: logs the traceback and shows an ErrorDialog instead."""

    def __init__(self, log_file: Path | None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.log_file = log_file
        self.dialogs: list[ErrorDialog] = []
        self._previous = sys.excepthook

    def install(self) -> None:
        sys.excepthook = self

    def uninstall(self) -> None:
        if sys.excepthook is self:
            sys.excepthook = self._previous

    def __call__(
        self,
        kind: type[BaseException],
        exc: BaseException,
        tb: TracebackType | None,
    ) -> None:
        if issubclass(kind, KeyboardInterrupt):
            QApplication.quit()
            return
        log.error("unexpected error:\n%s", "".join(traceback.format_exception(kind, exc, tb)))
        from rowboat.gui.dialogs.error_dialog import ErrorDialog

        parent = QApplication.activeWindow()
        dialog = ErrorDialog(
            plain_error(exc, self.log_file), parent if isinstance(parent, QWidget) else None
        )
        dialog.finished.connect(self._forget)
        self.dialogs.append(dialog)
        dialog.open()  # window-modal, without a nested event loop inside the hook

    @Slot(int)
    def _forget(self, _result: int) -> None:
        self.dialogs = [d for d in self.dialogs if d is not self.sender()]


def _quit_on_interrupt(app: QApplication) -> QTimer:
    """Ctrl+C in the terminal closes the window properly. Python runs signal handlers only
    between bytecodes, so a timer wakes it while Qt's loop waits."""

    def interrupted(_signum: int, _frame: object) -> None:
        for widget in app.topLevelWidgets():
            widget.close()
        app.quit()

    signal.signal(signal.SIGINT, interrupted)
    timer = QTimer(app)
    timer.start(250)
    timer.timeout.connect(_noop)
    return timer


def _noop() -> None:
    return None


def main(path: str | None = None, tour_dir: str | None = None) -> int:
    """`rowboat gui [FILE] [--screenshot-tour DIR]`: the window (on FILE if given), or the tour."""
    if tour_dir is not None and QApplication.instance() is None:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"  # the tour draws without a screen
    elif QApplication.instance() is None and not _has_screen():
        # Qt would abort the process with a message only the log shows.
        raise RowboatError(
            "There is no screen to open Rowboat's window on (no DISPLAY or WAYLAND_DISPLAY).",
            hint="Start Rowboat from a desktop session, or use the command line: rowboat --help",
        )
    log_file = setup_logging()
    qInstallMessageHandler(_qt_message)
    app = create_application(sys.argv[:1])
    log.info("Rowboat %s starting", __version__)
    from rowboat.gui.warmup import warm_up

    warm_up()  # before the window: first-use imports would otherwise freeze it mid-read
    collector = GarbageCollector(app)
    collector.start()
    try:
        if tour_dir is not None:
            from rowboat.gui.tour import run_tour

            return run_tour(Path(tour_dir), Path(path) if path else None)
        return _run_window(app, log_file, Path(path) if path else None)
    finally:
        collector.stop()


def _has_screen() -> bool:
    """Whether Qt can open a window here: always on Windows and macOS; on Linux and the BSDs
    when an X or Wayland display is named, or a platform (such as offscreen) is chosen."""
    if sys.platform in ("win32", "darwin"):
        return True
    return any(os.environ.get(v) for v in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"))


def _run_window(app: QApplication, log_file: Path, path: Path | None) -> int:
    from rowboat.gui.main_window import MainWindow

    hook = ExceptionHook(log_file, app)
    hook.install()
    window = MainWindow(log_file=log_file)
    window.show()
    if path is not None:
        window.open_file(path)
    keep_alive = _quit_on_interrupt(app)
    try:
        return int(app.exec())
    finally:
        keep_alive.stop()
        hook.uninstall()
