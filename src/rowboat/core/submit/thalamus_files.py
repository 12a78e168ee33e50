"""The xlsx files of a Thalamus import: the file Rowboat uploads and the result file it reads."""

from __future__ import annotations

import io
import math
import re
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
    """The lines of a result file's `Result` sheet (else its first sheet): Row, Result, Message.

    Read with fastexcel: a result file repeats every column of the upload, and openpyxl took
    about 8 s for 10,000 lines of it where fastexcel takes 0.3 s.
    """
    import fastexcel

    try:
        reader = fastexcel.read_excel(content)
        names = [str(n).strip().casefold() for n in reader.sheet_names]
        index = names.index("result") if "result" in names else 0
        table = reader.load_sheet(index, header_row=None, skip_rows=0, dtypes="string").to_arrow()
    except Exception as exc:  # noqa: BLE001 - fastexcel's errors for a damaged file vary
        raise Unavailable(
            "Thalamus sent a result file Rowboat cannot read.",
            hint="Rowboat tries again; the results are also in Thalamus' list of imports.",
            detail=repr(exc),
        ) from None
    first = table.slice(0, 1).to_pylist()
    header = [str(v or "").strip().casefold() for v in first[0].values()] if first else []
    if "row" not in header or "result" not in header:
        raise Unavailable(
            "Thalamus sent a result file without its Row and Result columns.",
            detail=f"columns: {header!r}",
        )

    def column(name: str) -> list[object]:
        if name not in header:
            return [None] * (table.num_rows - 1)
        values: list[object] = table.column(header.index(name)).slice(1).to_pylist()
        return values

    lines: list[ResultLine] = []
    for number, result, message in zip(
        column("row"), column("result"), column("message"), strict=True
    ):
        row = _row_number(number)
        if row is not None:
            lines.append(ResultLine(row, str(result or "").strip(), str(message or "").strip()))
    return lines


def _row_number(value: object) -> int | None:
    """The Row cell as a whole number ("7", or "7.0" where a reader writes numbers so)."""
    text = str(value or "").strip().removesuffix(".0")
    return int(text) if text.isdigit() else None
