"""The About box: what Rowboat is, its version, and where its log file is."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox

from rowboat import __version__

if TYPE_CHECKING:
    from pathlib import Path

    from PySide6.QtWidgets import QWidget

__all__ = ["about_text", "show_about"]


def about_text(log_file: Path | None) -> str:
    tr = QCoreApplication.translate
    lines = [
        f"<h3>Rowboat {__version__}</h3>",
        "<p>"
        + tr(
            "About",
            "Carries the rows of a spreadsheet into event, learning and CRM systems: open, "
            "map, check, submit and track.",
        )
        + "</p>",
    ]
    if log_file is not None:
        lines.append("<p>" + tr("About", "Log file: {path}").format(path=str(log_file)) + "</p>")
    return "".join(lines)


def show_about(parent: QWidget, log_file: Path | None) -> None:
    QMessageBox.about(
        parent, QCoreApplication.translate("About", "About Rowboat"), about_text(log_file)
    )
