"""ImportSession: the core results of one import, held for the window's pages."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from PySide6.QtCore import QLocale, QObject, Signal

from rowboat.core.validation import ValidationOptions

if TYPE_CHECKING:
    from pathlib import Path

    from rowboat.core.mapping import Mapping
    from rowboat.core.sources.preview import Preview
    from rowboat.core.table import Table
    from rowboat.core.targets import Endpoint
    from rowboat.core.validation import ValidationResult

__all__ = ["SANDBOX", "ImportSession", "MappingOrigin", "ReadingChoices", "region_of_locale"]

SANDBOX = "Sandbox"  # the built-in connection, which needs no account


@dataclass(frozen=True)
class ReadingChoices:
    """How a file is to be read: None leaves a choice to the reader's detection."""

    path: Path
    sheet: str | None = None
    header_row: int | None = None  # 1-based
    encoding: str | None = None
    delimiter: str | None = None
    skip_hidden_rows: bool = False
    skip_totals_row: bool = False


class MappingOrigin(StrEnum):
    AUTOMATIC = "automatic"  # core.match_columns
    PROFILE = "profile"  # a mapping remembered for files with these columns
    EDITED = "edited"  # changed by the user on the Map page


def region_of_locale(locale: QLocale | None = None) -> str:
    """The country of the user's locale (de_DE -> DE), for phones written without +code."""
    name = (locale or QLocale.system()).name()  # "de_DE", or "C" with no locale set
    _, _, territory = name.partition("_")
    return territory[:2].upper() if len(territory) >= 2 and territory[:2].isalpha() else "US"


class ImportSession(QObject):
    """The results of one import as the core returned them; pages read them, workers fill them.

    Nothing is decided here: every value is a core result or a choice the user made, stored as
    given. Only the GUI thread touches a session.

    Signals:
        table_changed(): `reading`, `preview` and `table` changed together (a file was read).
        target_changed(): `endpoint`, `connection` or `event_key` changed.
        mapping_changed(): `mapping` (or `mapping_origin`) changed.
        options_changed(): `options` changed.
        result_changed(): `result` changed (None while there is nothing to check).
    """

    table_changed = Signal()
    target_changed = Signal()
    mapping_changed = Signal()
    options_changed = Signal()
    result_changed = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.reading: ReadingChoices | None = None
        self.preview: Preview | None = None
        self.table: Table | None = None
        self.endpoint: Endpoint | None = None
        self.connection: str = SANDBOX
        self.event_key: str = ""
        self.mapping: Mapping | None = None
        self.mapping_origin: MappingOrigin = MappingOrigin.AUTOMATIC
        self.options = ValidationOptions(default_region=region_of_locale(), region_source="locale")
        self.result: ValidationResult | None = None

    @property
    def path(self) -> Path | None:
        return self.reading.path if self.reading is not None else None

    def set_table(self, reading: ReadingChoices, preview: Preview, table: Table) -> None:
        self.reading, self.preview, self.table = reading, preview, table
        self.table_changed.emit()

    def set_endpoint(self, endpoint: Endpoint | None) -> None:
        if endpoint == self.endpoint:
            return
        self.endpoint = endpoint
        self.target_changed.emit()

    def set_connection(self, name: str) -> None:
        if name == self.connection:
            return
        self.connection = name
        self.target_changed.emit()

    def set_event_key(self, key: str) -> None:
        if key == self.event_key:
            return
        self.event_key = key
        self.target_changed.emit()

    def set_mapping(self, mapping: Mapping | None, origin: MappingOrigin) -> None:
        if mapping == self.mapping and origin == self.mapping_origin:
            return
        self.mapping, self.mapping_origin = mapping, origin
        self.mapping_changed.emit()

    def set_options(self, options: ValidationOptions) -> None:
        if options == self.options:
            return
        self.options = options
        self.options_changed.emit()

    def set_result(self, result: ValidationResult | None) -> None:
        self.result = result
        self.result_changed.emit()
