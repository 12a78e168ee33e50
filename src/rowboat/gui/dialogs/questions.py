"""ask: one question with two buttons named for what they do ("Send" / "Don't send"), not Yes/No.

Call it as `questions.ask(...)` (the module attribute), so tests can answer in its place.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QMessageBox

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

__all__ = ["ask"]


def ask(
    parent: QWidget | None,
    title: str,
    text: str,
    yes: str,
    no: str,
    *,
    detail: str = "",
    warning: bool = False,
    default_yes: bool = True,
) -> bool:
    """Whether the person chose `yes`; Escape and closing the box choose `no`."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning if warning else QMessageBox.Icon.Question)
    box.setWindowTitle(title)
    box.setText(text)
    if detail:
        box.setInformativeText(detail)
    box.setAccessibleName(title)
    box.setAccessibleDescription(f"{text} {detail}".strip())
    accept = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
    reject = box.addButton(no, QMessageBox.ButtonRole.RejectRole)
    for button, name in ((accept, yes), (reject, no)):
        button.setAccessibleName(name.replace("&", ""))
        button.setAccessibleDescription(text)
    box.setDefaultButton(accept if default_yes else reject)
    box.setEscapeButton(reject)
    box.exec()
    return box.clickedButton() is accept
