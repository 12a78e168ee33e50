"""The xlsx files of a Thalamus import: the file Rowboat uploads and the result file it reads."""

from __future__ import annotations

import io
import math
import re
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from rowboat.core.errors import Unavailable

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

__all__ = ["ResultLine", "import_file", "read_result"]

# Characters XML 1.0 cannot hold (openpyxl refuses them); a cell cannot carry them to Thalamus.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _cell(value: object) -> object:
    """A record's value as the cell that carries it: text stays text, numbers stay numbers."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if math.isfinite(value) and "e" not in repr(value):
            return value
        return format(Decimal(repr(value)), "f")  # 1e-05 read back as "1e-05" is no decimal
    if isinstance(value, list | tuple):
        return ";".join(str(_cell(v)) for v in value)
    return _ILLEGAL.sub("", str(value))


def import_file(codes: Sequence[str], records: Iterable[dict[str, object]]) -> bytes:
    """One sheet: the template's codes as the header, then one row per record (blank = empty).

    Every text is written as a text cell, so a value starting with "=" is never a formula and
    "+34 912 345 678" or "00123" reach Thalamus exactly as validated. xlsxwriter, because it
    writes these files about three times faster than openpyxl.
    """
    import xlsxwriter

    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False})
    sheet = book.add_worksheet("Import")
    for column, code in enumerate(codes):
        sheet.write_string(0, column, code)
    for line, record in enumerate(records, start=1):
        for column, code in enumerate(codes):
            value = record.get(code)
            if value is None or value == "":
                continue
            cell = _cell(value)
            if isinstance(cell, str):
                sheet.write_string(line, column, cell)
            else:
                sheet.write_number(line, column, cell)
    book.close()
    return out.getvalue()


@dataclass(frozen=True)
class ResultLine:
    row: int  # the row of the uploaded file, as Excel numbers it (the header is row 1)
    result: str  # "OK", "ERROR", "SKIPPED", "NOT PROCESSED", as the server spells it
    message: str


def read_result(content: bytes) -> list[ResultLine]:
    """The lines of a result file's `Result` sheet (else its first sheet): Row, Result, Message."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise Unavailable(
            "Thalamus sent a result file Rowboat cannot read.",
            hint="Rowboat tries again; the results are also in Thalamus' list of imports.",
            detail=repr(exc),
        ) from None
    try:
        sheets = {s.title.strip().casefold(): s for s in book.worksheets}
        sheet = sheets.get("result") or book.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        names = [str(v or "").strip().casefold() for v in next(rows, ())]
        try:
            at_row, at_result = names.index("row"), names.index("result")
        except ValueError:
            raise Unavailable(
                "Thalamus sent a result file without its Row and Result columns.",
                detail=f"columns: {names!r}",
            ) from None
        at_message = names.index("message") if "message" in names else None
        lines: list[ResultLine] = []
        for values in rows:
            number = _row_number(values[at_row] if at_row < len(values) else None)
            if number is None:
                continue
            result = str(values[at_result] or "").strip() if at_result < len(values) else ""
            message = ""
            if at_message is not None and at_message < len(values):
                message = str(values[at_message] or "").strip()
            lines.append(ResultLine(number, result, message))
        return lines
    finally:
        book.close()


def _row_number(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = str(value or "").strip()
    return int(text) if text.isdigit() else None
