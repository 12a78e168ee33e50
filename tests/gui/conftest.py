"""GUI tests: user folders and QSettings in tmp_path, dialogs answered by the test, messy files
made here, and no worker left running after a test."""

from __future__ import annotations

import gc
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pytest

pytest.importorskip("PySide6")

from openpyxl import Workbook
from PySide6.QtCore import QSettings, QThreadPool
from PySide6.QtWidgets import QFileDialog, QMessageBox

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path

    from pytestqt.qtbot import QtBot

    from rowboat.gui.main_window import MainWindow

# The offscreen platform cannot resize windows to their size hints, raise them or grab the
# keyboard for a popup, and says so each time: the test platform's limits, not faults of the app.
OFFSCREEN_NOTICE = r"This plugin does not support (propagateSizeHints|raise|grabbing)"

MESSY_LINES = [
    "Teilnehmerliste Frühjahrsmesse 2026",
    "Erstellt am;01.03.2026",
    "",
    "",
    "Vorname;Nachname;E-Mail;Telefon;Firma;Land;Kundennummer",
    "Jürgen;Müller;juergen.mueller@example.de;0151 1234560;Acme GmbH;Deutschland;000123",
    "José;García;jose.garcia@example.es;+34 612 345 678;Globex SA;Spanien;000124",
    "",
    "Chloé;Dubois;chloe.dubois@;+33 6 12 34 56 78;Initech;Frankreich;000125",
    "Anna;Schmidt;anna.schmidt@example.de;0170 9876543;Acme GmbH;DE;000126",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/gui/" in item.nodeid.replace("\\", "/"):
            item.add_marker(pytest.mark.qt_log_ignore(OFFSCREEN_NOTICE))


@pytest.fixture(autouse=True)
def _user_folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """platformdirs (mapping profiles, logs, app settings) and QSettings write into tmp_path."""
    for name in ("XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
        monkeypatch.setenv(name, str(tmp_path / name.lower()))
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(
        QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "qsettings")
    )


@pytest.fixture(autouse=True)
def _no_dangling_workers() -> Iterator[None]:
    yield
    assert QThreadPool.globalInstance().waitForDone(5000), "a worker still ran 5 s after the test"


@pytest.fixture(autouse=True)
def _garbage_on_the_gui_thread() -> Iterator[None]:
    """As in the app (rowboat.gui.garbage): no cyclic collection on a worker thread, where
    freeing a Qt object crashes."""
    gc.disable()
    yield
    gc.collect()
    gc.enable()


@dataclass
class Dialogs:
    """What the patched file dialogs and message boxes answer, and what they were asked."""

    open_file: str = ""
    save_file: str = ""
    save_filter: str = ""
    asked: list[tuple[str, str]] = field(default_factory=list)
    answers: list[bool] = field(default_factory=list)  # for questions.ask; True when empty

    def get_open_file_name(self, *args: Any, **kwargs: Any) -> tuple[str, str]:
        self.asked.append(("open", str(args[1] if len(args) > 1 else "")))
        return self.open_file, ""

    def get_save_file_name(self, *args: Any, **kwargs: Any) -> tuple[str, str]:
        self.asked.append(("save", str(args[2] if len(args) > 2 else "")))
        return self.save_file, self.save_filter

    def get_existing_directory(self, *args: Any, **kwargs: Any) -> str:
        self.asked.append(("folder", ""))
        return ""

    def ask(self, parent: Any, title: str, text: str, *args: Any, **kwargs: Any) -> bool:
        self.asked.append(("ask", text))
        return self.answers.pop(0) if self.answers else True

    def message(self, kind: str) -> Any:
        def answer(*args: Any, **kwargs: Any) -> QMessageBox.StandardButton:
            self.asked.append((kind, str(args[2] if len(args) > 2 else "")))
            return QMessageBox.StandardButton.Ok

        return answer


@pytest.fixture(autouse=True)
def dialogs(monkeypatch: pytest.MonkeyPatch) -> Dialogs:
    """No test ever waits on a real dialog (after Vorta's conftest)."""
    answers = Dialogs()
    monkeypatch.setattr(QFileDialog, "getOpenFileName", answers.get_open_file_name)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", answers.get_save_file_name)
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", answers.get_existing_directory)
    for kind in ("about", "information", "warning", "critical", "question"):
        monkeypatch.setattr(QMessageBox, kind, answers.message(kind))
    from rowboat.gui.dialogs import questions

    monkeypatch.setattr(questions, "ask", answers.ask)
    return answers


@pytest.fixture
def messy_csv(tmp_path: Path) -> Path:
    """A semicolon export in cp1252: two title rows, blank rows, the header on line 5."""
    path = tmp_path / "teilnehmer.csv"
    path.write_bytes("\r\n".join(MESSY_LINES).encode("cp1252"))
    return path


@pytest.fixture
def messy_xlsx(tmp_path: Path) -> Path:
    """A workbook with a title row, a blank row, the header on row 3 and a second sheet."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Attendees"
    sheet["A1"] = "Spring summit 2026"
    sheet.append([])
    sheet.append(["Name", "E-mail address", "Mobile", "Company"])
    sheet.append(["Anna Müller", "anna@example.de", 4915112345600, "Acme GmbH"])
    sheet.append(["José García", "jose@", 34612345678, "Globex SA"])
    sheet.append(["Zoë van Dijk", "zoe@example.nl", 31612345678, "Umbrella BV"])
    book.create_sheet("Notes")["A1"] = "Rooms are confirmed one week before."
    path = tmp_path / "attendees.xlsx"
    book.save(path)
    return path


@pytest.fixture
def window(qtbot: QtBot, tmp_path: Path) -> Iterator[MainWindow]:
    from rowboat.core.mapping import ProfileStore
    from rowboat.gui.main_window import MainWindow

    win = MainWindow(profiles=ProfileStore(tmp_path / "profiles"))
    qtbot.addWidget(win)
    win.resize(1100, 760)
    win.show()
    yield win
    win.close()


@dataclass
class Services:
    """A sandbox on a ManualClock and a journal file, shared by the windows of one test (a
    "restart" is a new window over the same journal and sandbox)."""

    clock: Any
    server: Any
    journal_path: Path
    keyring_path: Path

    def sleep(self, seconds: float, report: Any) -> None:
        # Polling waits move the sandbox's clock instead of sleeping: jobs advance at once.
        report.raise_if_cancelled()
        self.clock.advance(seconds)

    def _contacts(self, per_page: int) -> dict[str, Any]:
        import httpx

        answer = httpx.get(
            self.server.base_url("plandocket") + "/contacts",
            params={"per_page": per_page},
            headers={"Authorization": "Bearer sandbox-pd-key"},
            timeout=10,
        )
        body: dict[str, Any] = answer.json()
        return body

    def stored_contacts(self) -> list[dict[str, Any]]:
        """The first hundred contacts the sandbox's Plandocket holds."""
        data: list[dict[str, Any]] = self._contacts(100)["data"]
        return data

    def contact_count(self) -> int:
        return int(self._contacts(1)["meta"]["total"])


@pytest.fixture
def services(tmp_path: Path) -> Iterator[Services]:
    from rowboat.sandbox.context import ManualClock, SandboxContext
    from rowboat.sandbox.server import SandboxServer

    clock = ManualClock()
    with SandboxServer(ctx=SandboxContext(clock=clock, seed=7)) as server:
        yield Services(clock, server, tmp_path / "journal.db", tmp_path / "keyring")


@pytest.fixture
def make_window(
    qtbot: QtBot, tmp_path: Path, services: Services
) -> Iterator[Callable[[], MainWindow]]:
    """Windows over the test's journal and sandbox; each made one is closed at the end."""
    from rowboat.core.jobs.tracker import TrackPolicy
    from rowboat.core.mapping import ProfileStore
    from rowboat.core.submit.journal import Journal
    from rowboat.core.submit.runner import RunSettings
    from rowboat.gui.connection_access import ConnectionAccess
    from rowboat.gui.main_window import MainWindow
    from rowboat.gui.sandbox_service import SandboxService

    made: list[tuple[MainWindow, Journal]] = []

    def make() -> MainWindow:
        journal = Journal(services.journal_path)
        win = MainWindow(
            profiles=ProfileStore(tmp_path / "profiles"),
            journal=journal,
            access=ConnectionAccess(SandboxService(server=services.server)),
            run_settings=RunSettings(
                track=TrackPolicy(first_delay=1.0, factor=1.0, max_delay=1.0),
                sleep=services.sleep,
            ),
        )
        qtbot.addWidget(win)
        win.resize(1100, 760)
        win.show()
        made.append((win, journal))
        return win

    yield make
    for win, journal in made:
        win.close()
        journal.close()


@pytest.fixture
def gate(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[threading.Event, threading.Event]]:
    """Lets the first Plandocket request through (`first` is set once it is answered) and holds
    every other one until released, so a test can cancel mid-way at a known point."""
    from rowboat.core.submit.plandocket import PlandocketCarrier

    first, release = threading.Event(), threading.Event()
    send = PlandocketCarrier.send
    lock = threading.Lock()
    calls: list[int] = []

    def held(self: PlandocketCarrier, run: object, batch: object) -> object:
        with lock:
            calls.append(1)
            mine = len(calls)
        if mine > 1:
            assert release.wait(30)
            return send(self, run, batch)  # type: ignore[arg-type]
        try:
            return send(self, run, batch)  # type: ignore[arg-type]
        finally:
            first.set()

    monkeypatch.setattr(PlandocketCarrier, "send", held)
    yield first, release
    release.set()
