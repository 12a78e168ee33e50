"""Empty xlsx templates for an endpoint: a "Data" sheet to fill in and a "Help" sheet."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from rowboat.core.targets.schema import FieldType

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

    from rowboat.core.targets.schema import Endpoint, Field

__all__ = ["DATA_SHEET", "HELP_SHEET", "header_label", "type_in_words", "write_template"]

DATA_SHEET = "Data"
HELP_SHEET = "Help"
REQUIRED_MARK = " *"

_TYPE_WORDS = {
    FieldType.TEXT: "Text",
    FieldType.EMAIL: "Email address",
    FieldType.PHONE: "Phone number, best with the country code (+49 …)",
    FieldType.DATE: "Date (2026-04-14, or as your Excel shows dates)",
    FieldType.DATETIME: "Date and time (2026-04-14 09:00)",
    FieldType.TIMEZONE: "Time zone (Europe/Berlin)",
    FieldType.URL: "Web address (https://…)",
    FieldType.INTEGER: "Whole number",
    FieldType.DECIMAL: "Number",
    FieldType.BOOLEAN: "Yes or no",
    FieldType.ENUM: "One of the allowed values",
    FieldType.COUNTRY: "Country name or two-letter code (DE)",
}
# Excel turns "000123" into 123 and "1-2" into a date in General cells: every column that is not
# a number, date or yes/no is formatted as text ("@") so what is typed is what is kept.
_TYPED_BY_EXCEL = {
    FieldType.DATE: "yyyy-mm-dd",
    FieldType.DATETIME: "yyyy-mm-dd hh:mm",
    FieldType.INTEGER: "0",
    FieldType.DECIMAL: "General",
    FieldType.BOOLEAN: "General",
}
_BOLD = Font(bold=True)
_REQUIRED_FILL = PatternFill("solid", fgColor="FFF2CC")
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


def header_label(field: Field) -> str:
    """The template's header for a field: its label, marked " *" when required."""
    return field.label + (REQUIRED_MARK if field.required else "")


def type_in_words(field: Field) -> str:
    """The field's type as a coordinator reads it."""
    words = _TYPE_WORDS[field.type]
    if field.multiple:
        words += "; several values separated by ;"
    return words


def write_template(endpoint: Endpoint, path: str | Path) -> Path:
    """Write an empty template for the endpoint to `path` (xlsx) and return the path."""
    path = Path(path)
    book = Workbook()
    data = book.active
    assert data is not None  # a new Workbook always has its first sheet
    data.title = DATA_SHEET
    _write_data_sheet(data, endpoint)
    _write_help_sheet(book.create_sheet(HELP_SHEET), endpoint)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def _write_data_sheet(sheet: Worksheet, endpoint: Endpoint) -> None:
    for col, field in enumerate(endpoint.fields, start=1):
        cell = sheet.cell(row=1, column=col, value=header_label(field))
        cell.font = _BOLD
        cell.fill = _REQUIRED_FILL if field.required else _HEADER_FILL
        letter = get_column_letter(col)
        width = max(len(header_label(field)), len(field.example), 10) + 3
        sheet.column_dimensions[letter].width = min(width, 60)
        sheet.column_dimensions[letter].number_format = _TYPED_BY_EXCEL.get(field.type, "@")
    sheet.freeze_panes = "A2"


def _write_help_sheet(sheet: Worksheet, endpoint: Endpoint) -> None:
    sheet["A1"] = f"{endpoint.system_label} · {endpoint.label}"
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A2"] = endpoint.description
    sheet["A3"] = (
        f"Fill in the '{DATA_SHEET}' sheet, one row per record. Columns marked * are required."
    )
    for rule in endpoint.rules:
        sheet.append([rule.message or _rule_words(endpoint, rule.kind, rule.fields)])
    sheet.append([])
    heads = ["Column", "Required", "Type", "Allowed values and limits", "Help", "Example"]
    sheet.append(heads)
    header_row = sheet.max_row
    for cell in sheet[header_row]:
        cell.font = _BOLD
        cell.fill = _HEADER_FILL
    for field in endpoint.fields:
        sheet.append(
            [
                header_label(field),
                "yes" if field.required else "",
                type_in_words(field),
                _limits(field),
                field.help,
                field.example,
            ]
        )
    for letter, width in zip("ABCDEF", (26, 10, 40, 34, 70, 28), strict=True):
        sheet.column_dimensions[letter].width = width
    wrap = Alignment(wrap_text=True, vertical="top")
    for row in sheet.iter_rows(min_row=header_row + 1):
        for cell in row:
            cell.alignment = wrap


def _rule_words(endpoint: Endpoint, kind: str, keys: tuple[str, ...]) -> str:
    labels = [endpoint.field(k).label for k in keys]
    if kind == "after":
        return f"{labels[1]} must be after {labels[0]}."
    return f"Each row needs at least one of: {', '.join(labels)}."


def _limits(field: Field) -> str:
    parts: list[str] = []
    if field.choices:
        parts.append("One of: " + ", ".join(field.choices))
    if field.minimum is not None and field.maximum is not None:
        parts.append(f"From {_number(field.minimum)} to {_number(field.maximum)}")
    elif field.minimum is not None:
        parts.append(f"At least {_number(field.minimum)}")
    elif field.maximum is not None:
        parts.append(f"At most {_number(field.maximum)}")
    if field.min_length is not None and field.min_length == field.max_length:
        parts.append(f"Exactly {field.min_length} characters")
    else:
        if field.min_length is not None:
            parts.append(f"At least {field.min_length} characters")
        if field.max_length is not None:
            parts.append(f"At most {field.max_length} characters")
    if field.unique:
        parts.append("must not repeat in the file")
    text = "; ".join(p[0].lower() + p[1:] for p in parts)
    return text[:1].upper() + text[1:]


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)
