"""The main window's menus and shortcuts, with the keys each platform expects."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QUrl, Slot
from PySide6.QtGui import QAction, QDesktopServices, QKeySequence

from rowboat.gui.dialogs.about import show_about

if TYPE_CHECKING:
    from PySide6.QtWidgets import QMenu

    from rowboat.gui.main_window import MainWindow

__all__ = ["WindowActions", "build_menus", "standard_keys"]

Key = QKeySequence.StandardKey


def standard_keys(key: QKeySequence.StandardKey, *fallback: str) -> list[QKeySequence]:
    """The platform's keys for a standard action; `fallback` where it has none (Quit on
    Windows) or as extra keys."""
    return [*QKeySequence.keyBindings(key), *(QKeySequence(k) for k in fallback)]


class WindowActions(QObject):
    """Every menu action of the window, kept for enabling and for tests."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        tr = self.tr
        bar = window.menuBar()

        file = bar.addMenu(tr("&File"))
        self.open = self._add(file, tr("&Open…"), standard_keys(Key.Open))
        self.open.triggered.connect(window.open_page.browse)
        self.recent_menu: QMenu = file.addMenu(tr("Open &Recent"))
        self.recent_menu.setToolTipsVisible(True)
        file.addSeparator()
        self.template = self._add(file, tr("Download empty &template…"))
        self.template.triggered.connect(window.map_page.download_template)
        file.addSeparator()
        self.connections = self._add(file, tr("&Connections…"))
        self.connections.triggered.connect(window.show_connections)
        file.addSeparator()
        quit_keys = standard_keys(Key.Quit) or [QKeySequence("Ctrl+Q")]
        self.quit = self._add(file, tr("&Quit"), quit_keys)
        self.quit.setMenuRole(QAction.MenuRole.QuitRole)
        self.quit.triggered.connect(window.close)

        edit = bar.addMenu(tr("&Edit"))
        self.undo = window.undo_group.createUndoAction(window, tr("&Undo"))
        self.undo.setShortcuts(standard_keys(Key.Undo))
        self.redo = window.undo_group.createRedoAction(window, tr("&Redo"))
        self.redo.setShortcuts(standard_keys(Key.Redo))
        edit.addAction(self.undo)
        edit.addAction(self.redo)

        view = bar.addMenu(tr("&View"))
        view.setToolTipsVisible(True)
        self.history = self._add(view, tr("&History"), [QKeySequence("Ctrl+H")])
        self.history.setToolTip(tr("Every import sent, with the outcome of each row"))
        self.history.triggered.connect(self._history)

        go = bar.addMenu(tr("&Go"))
        self.back = self._add(go, tr("&Back"), standard_keys(Key.Back))
        self.back.triggered.connect(window.go_back)
        self.next = self._add(go, tr("&Next"), standard_keys(Key.Forward, "Ctrl+Return"))
        self.next.triggered.connect(window.go_next)
        go.addSeparator()
        self.stop = self._add(go, tr("&Stop reading or checking"), [QKeySequence("Escape")])
        self.stop.triggered.connect(window.stop_work)

        help_menu = bar.addMenu(tr("&Help"))
        self.log_folder = self._add(help_menu, tr("Show the &log file"))
        self.log_folder.triggered.connect(self._show_log)
        self.log_folder.setEnabled(window.log_file is not None)
        self.about = self._add(help_menu, tr("&About Rowboat"))
        self.about.setMenuRole(QAction.MenuRole.AboutRole)
        self.about.triggered.connect(self._about)
        self.refresh_recent()

    def _add(self, menu: QMenu, text: str, keys: list[QKeySequence] | None = None) -> QAction:
        action = menu.addAction(text)
        if keys:
            action.setShortcuts(keys)
        return action

    @Slot()
    def refresh_recent(self) -> None:
        menu = self.recent_menu
        menu.clear()
        recent = self._window.view_state.recent_files
        for number, path in enumerate(recent, start=1):
            # &1 … &9 pick a file from the keyboard; the full path is in the tooltip.
            name = path.name.replace("&", "&&")
            action = menu.addAction(f"&{number} {name}" if number < 10 else name)
            action.setData(str(path))
            action.setToolTip(str(path))
            action.triggered.connect(self._open_recent)
        if recent:
            menu.addSeparator()
            clear = menu.addAction(self.tr("&Clear the list"))
            clear.triggered.connect(self._clear_recent)
        else:
            empty = menu.addAction(self.tr("No recent files"))
            empty.setEnabled(False)

    @Slot()
    def _open_recent(self) -> None:
        action = self.sender()
        if isinstance(action, QAction):
            self._window.open_file(Path(str(action.data())))

    @Slot()
    def _clear_recent(self) -> None:
        self._window.view_state.clear_recent_files()
        self._window.open_page.refresh_recent()
        self.refresh_recent()

    @Slot()
    def _show_log(self) -> None:
        if self._window.log_file is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self._window.log_file.parent)))

    @Slot()
    def _history(self) -> None:
        self._window.show_history()

    @Slot()
    def _about(self) -> None:
        show_about(self._window, self._window.log_file)


def build_menus(window: MainWindow) -> WindowActions:
    return WindowActions(window)
