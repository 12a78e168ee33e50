"""Starting the app: a log file, unexpected errors as plain dialogs, and `rowboat gui` itself."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest

pytest.importorskip("PySide6")

from PySide6.QtWidgets import QApplication

from rowboat.cli import build_parser
from rowboat.core.errors import NotASpreadsheet
from rowboat.gui.app import ExceptionHook, create_application, log_file_path, setup_logging

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from pytestqt.qtbot import QtBot

    from rowboat.gui.dialogs.error_dialog import ErrorDialog


def _raise_bug() -> None:
    _ = 1 / 0


def _visible_text(dialog: ErrorDialog) -> str:
    return " ".join(
        [dialog.message.text(), dialog.hint.text(), dialog.windowTitle()]
        + ([dialog.details.text.toPlainText()] if dialog.details.text.isVisible() else [])
    )


@pytest.fixture
def log_file(tmp_path: Path) -> Iterator[Path]:
    path = setup_logging(tmp_path / "logs" / "rowboat.log")
    yield path
    for handler in list(logging.getLogger("rowboat").handlers):
        logging.getLogger("rowboat").removeHandler(handler)
        handler.close()
    logging.getLogger("rowboat").propagate = True


def test_an_unexpected_error_is_a_plain_dialog_and_its_traceback_goes_to_the_log(
    qtbot: QtBot, log_file: Path
) -> None:
    hook = ExceptionHook(log_file)
    try:
        _raise_bug()
    except ZeroDivisionError as exc:
        hook(type(exc), exc, exc.__traceback__)
    dialog = hook.dialogs[-1]
    qtbot.addWidget(dialog)
    assert dialog.message.text() == "Rowboat hit an unexpected problem. Your file was not changed."
    assert str(log_file) in dialog.hint.text()
    assert "Traceback" not in _visible_text(dialog)
    assert not dialog.details.text.isVisible()
    dialog.details.toggle.click()
    assert dialog.details.text.toPlainText() == "ZeroDivisionError: division by zero"
    assert "Traceback" not in _visible_text(dialog)
    logged = log_file.read_text(encoding="utf-8")
    assert "Traceback" in logged
    assert "_raise_bug" in logged
    dialog.reject()
    assert hook.dialogs == []


def test_a_rowboat_error_keeps_its_own_words(qtbot: QtBot, log_file: Path) -> None:
    hook = ExceptionHook(log_file)
    error = NotASpreadsheet("'x.xlsx' is damaged.", hint="Save it again.", detail="zip: bad")
    hook(type(error), error, None)
    dialog = hook.dialogs[-1]
    qtbot.addWidget(dialog)
    assert (dialog.message.text(), dialog.hint.text()) == ("'x.xlsx' is damaged.", "Save it again.")
    dialog.reject()


def test_the_hook_is_installed_and_removed(log_file: Path) -> None:
    before = sys.excepthook
    hook = ExceptionHook(log_file)
    hook.install()
    assert sys.excepthook is hook
    hook.uninstall()
    assert sys.excepthook is before


def test_logs_go_to_a_rotating_file_in_the_user_log_folder(tmp_path: Path) -> None:
    assert str(log_file_path()).startswith(str(tmp_path))
    path = setup_logging()
    try:
        logging.getLogger("rowboat.gui").info("hello from the test")
        assert "hello from the test" in path.read_text(encoding="utf-8")
    finally:
        for handler in list(logging.getLogger("rowboat").handlers):
            logging.getLogger("rowboat").removeHandler(handler)
            handler.close()
        logging.getLogger("rowboat").propagate = True


def test_the_application_is_named_for_its_settings(qapp: QApplication) -> None:
    app = create_application([])
    assert app is QApplication.instance()
    assert (app.applicationName(), app.organizationName()) == ("Rowboat", "Rowboat")
    assert not app.windowIcon().isNull()


def test_the_gui_command_takes_a_file_and_a_tour_folder() -> None:
    args = build_parser().parse_args(["gui", "people.csv", "--screenshot-tour", "shots"])
    assert (args.command, args.file, args.screenshot_tour) == ("gui", "people.csv", "shots")
    assert build_parser().parse_args(["gui"]).file is None


def test_rowboat_gui_tour_runs_offscreen_and_prints_no_noise(tmp_path: Path) -> None:
    out = tmp_path / "shots"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-m", "rowboat", "gui", "--screenshot-tour", str(out)],
        capture_output=True,
        text=True,
        env=env,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert sorted(p.name for p in out.iterdir()) == [
        "connections.png",
        "history.png",
        "map.png",
        "open.png",
        "review.png",
        "submit.png",
        "target.png",
    ]


def test_garbage_is_collected_by_a_timer_on_the_gui_thread(qapp: QApplication) -> None:
    import gc

    from rowboat.gui.garbage import GarbageCollector

    collector = GarbageCollector()
    was_enabled = gc.isenabled()
    collector.start()
    try:
        assert not gc.isenabled()
        cycle: list[object] = []
        cycle.append(cycle)
        del cycle
        threshold = gc.get_threshold()[0]
        _ = [[] for _ in range(threshold + 10)]  # cross the first threshold
        assert collector.collect() >= 0
    finally:
        collector.stop()
    assert gc.isenabled()
    if not was_enabled:
        gc.disable()


def test_no_screen_gets_a_plain_sentence_not_a_qt_abort() -> None:
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY",
                                                             "QT_QPA_PLATFORM")}  # fmt: skip
    done = subprocess.run(
        [sys.executable, "-m", "rowboat", "gui"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr.startswith("rowboat: There is no screen to open Rowboat's window on")
    assert "Traceback" not in done.stderr
