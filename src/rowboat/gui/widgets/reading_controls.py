"""ReadingControls: how a file is read (sheet, header row, encoding, delimiter), each with why."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QComboBox, QGridLayout, QLabel, QPushButton, QSpinBox, QWidget

from rowboat.core.sources.preview import DELIMITER_NAMES, ENCODING_NAMES

if TYPE_CHECKING:
    from rowboat.core.sources.preview import Preview
    from rowboat.gui.session import ReadingChoices

__all__ = ["ReadingControls"]


def _label(text: str, buddy: QWidget, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setBuddy(buddy)
    return label


def _combo(parent: QWidget, names: dict[str, str], detect: str) -> QComboBox:
    combo = QComboBox(parent)
    combo.addItem(detect, None)
    for key, name in names.items():
        combo.addItem(name, key)
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
    return combo


class ReadingControls(QWidget):
    """The choices, with the reason beside each. The Open page connects their signals; show()
    fills them from a Preview without emitting anything."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        tr = self.tr
        self.sheet = QComboBox(self)
        self.sheet.setAccessibleName(tr("Sheet"))
        self.sheet.setAccessibleDescription(tr("The sheet of the workbook to import"))
        self.header_spin = QSpinBox(self)
        self.header_spin.setMinimum(1)
        self.header_spin.setMaximumWidth(90)
        self.header_spin.setAccessibleName(tr("Header row"))
        self.header_spin.setAccessibleDescription(
            tr("The row that holds the column names; clicking a row in the preview sets it too")
        )
        self.find_header = QPushButton(tr("Find &it for me"), self)
        self.find_header.setAccessibleName(tr("Find the header row automatically"))
        self.find_header.setAccessibleDescription(tr("Lets Rowboat find the header row again"))
        self.header_reason = QLabel(self)
        self.header_reason.setWordWrap(True)
        self.encoding = _combo(self, ENCODING_NAMES, tr("Detect"))
        self.encoding.setAccessibleName(tr("Encoding"))
        self.encoding.setAccessibleDescription(tr("How the text file's bytes become letters"))
        self.encoding_reason = QLabel(self)
        self.encoding_reason.setWordWrap(True)
        self.delimiter = _combo(self, DELIMITER_NAMES, tr("Detect"))
        self.delimiter.setAccessibleName(tr("Delimiter"))
        self.delimiter.setAccessibleDescription(tr("The character between the cells of a line"))
        self.delimiter_reason = QLabel(self)
        self.delimiter_reason.setWordWrap(True)

        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setColumnStretch(3, 1)
        self._sheet_label = _label(tr("&Sheet:"), self.sheet, self)
        grid.addWidget(self._sheet_label, 0, 0)
        grid.addWidget(self.sheet, 0, 1, 1, 2)
        grid.addWidget(_label(tr("Hea&der row:"), self.header_spin, self), 1, 0)
        grid.addWidget(self.header_spin, 1, 1)
        grid.addWidget(self.find_header, 1, 2)
        grid.addWidget(self.header_reason, 1, 3)
        self._text_only: list[QWidget] = [
            _label(tr("Enc&oding:"), self.encoding, self),
            self.encoding,
            self.encoding_reason,
            _label(tr("De&limiter:"), self.delimiter, self),
            self.delimiter,
            self.delimiter_reason,
        ]
        for row, start in ((2, 0), (3, 3)):
            label, combo, reason = self._text_only[start : start + 3]
            grid.addWidget(label, row, 0)
            grid.addWidget(combo, row, 1, 1, 2)
            grid.addWidget(reason, row, 3)

    def show_preview(self, preview: Preview, chosen: ReadingChoices | None) -> None:
        """Fill the controls from the preview; `chosen` holds what the user picked themselves."""
        workbook, text = bool(preview.sheets), preview.encoding is not None
        self._sheet_label.setVisible(workbook)
        self.sheet.setVisible(workbook)
        for part in self._text_only:
            part.setVisible(text)
        self.sheet.blockSignals(True)
        self.sheet.clear()
        self.sheet.addItems(list(preview.sheets))
        if preview.sheet is not None:
            self.sheet.setCurrentText(preview.sheet)
        self.sheet.blockSignals(False)
        self.header_spin.blockSignals(True)
        self.header_spin.setMaximum(max(len(preview.rows), preview.header_row, 1))
        self.header_spin.blockSignals(False)
        self.set_header_row(preview.header_row)
        detected = preview.header_detected
        self.header_reason.setText(
            self.tr("found automatically") if detected else self.tr("chosen by you")
        )
        self.find_header.setEnabled(not detected)
        if text:
            by_user = chosen.encoding if chosen is not None else None
            self._show_choice(self.encoding, preview.encoding, ENCODING_NAMES, by_user)
            self.encoding_reason.setText(self._reason(preview.encoding_reason))
            by_user = chosen.delimiter if chosen is not None else None
            self._show_choice(self.delimiter, preview.delimiter, DELIMITER_NAMES, by_user)
            self.delimiter_reason.setText(self._reason(preview.delimiter_reason))

    def set_header_row(self, row: int) -> None:
        """Show this header row without reporting a change."""
        self.header_spin.blockSignals(True)
        self.header_spin.setValue(row)
        self.header_spin.blockSignals(False)

    def _reason(self, reason: str) -> str:
        return self.tr("because {reason}").format(reason=reason) if reason else ""

    def _show_choice(
        self, combo: QComboBox, used: str | None, names: dict[str, str], by_user: str | None
    ) -> None:
        """Select the user's choice, or "Detect" naming what was detected."""
        combo.blockSignals(True)
        detected = names.get(used or "", used or "")
        combo.setItemText(0, self.tr("Detected: {name}").format(name=detected))
        combo.setCurrentIndex(combo.findData(by_user) if by_user else 0)
        combo.blockSignals(False)
