"""The Map step shows why each column was matched, and the column that came second."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import Qt

from rowboat.core.mapping import match_columns
from rowboat.core.sources import open_table
from rowboat.core.targets import get_endpoint
from rowboat.gui.models.mapping_model import Column, MappingModel

if TYPE_CHECKING:
    from pathlib import Path


def test_the_match_column_tooltip_gives_the_reason_and_the_alternative(
    qapp: object, tmp_path: Path
) -> None:
    path = tmp_path / "attendees.csv"
    path.write_text("Attendee First Name;E-Mail;Work email\nAnna;a@b.de;a@c.de\n", encoding="utf-8")
    table = open_table(path)
    endpoint = get_endpoint("plandocket.contacts")
    model = MappingModel()
    model.set_context(endpoint, table, match_columns(table.columns, endpoint))
    first = model.index(model.row_of("first_name"), Column.MATCH)
    assert first.data() == "Same name, 98% sure"
    assert first.data(Qt.ItemDataRole.ToolTipRole) == (
        "Same name, 98% sure\n"
        "'Attendee First Name' → First name: the role word 'Attendee' is ignored"
    )
    email = model.index(model.row_of("email"), Column.MATCH).data(Qt.ItemDataRole.ToolTipRole)
    assert email.splitlines() == [
        "Same name",
        "'E-Mail' → Email: the same name as the field",
        "Also fits: 'Work email' → Email: the qualifier 'Work' fits Email; 'E-Mail' fits better",
    ]
