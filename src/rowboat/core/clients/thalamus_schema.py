"""Thalamus templates turned into an endpoint's fields.

A template (GET /import/template/{type}) is an xlsx file whose first sheet's header row holds the
type's column codes; a `Columns` sheet, where the server sends one, describes each code
(Description, Required, Example). Codes Rowboat knows keep their built-in type, limits, synonyms
and help; new codes become text fields named after the code.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rowboat.core.errors import Unavailable
from rowboat.core.targets.schema import Field

if TYPE_CHECKING:
    from collections.abc import Iterable

    from rowboat.core.targets.schema import Endpoint

__all__ = ["TemplateColumn", "read_template", "template_fields"]

_YES = frozenset({"yes", "y", "true", "1", "x", "required", "sí", "si"})


@dataclass(frozen=True)
class TemplateColumn:
    code: str
    required: bool | None = None  # None: the template does not say
    description: str = ""
    example: str = ""


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def read_template(content: bytes) -> list[TemplateColumn]:
    """The columns of a template file, in its order; Unavailable when it cannot be read."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise Unavailable(
            "Thalamus sent a template Rowboat cannot read.",
            hint="Try again later, or ask your Thalamus administrator about the template.",
            detail=repr(exc),
        ) from None
    try:
        sheets = book.worksheets
        header = next(sheets[0].iter_rows(max_row=1, values_only=True), ()) if sheets else ()
        described: dict[str, TemplateColumn] = {}
        for sheet in sheets[1:]:
            if sheet.title.strip().casefold() == "columns":
                described = _described(sheet.iter_rows(values_only=True))
    finally:
        book.close()
    columns: list[TemplateColumn] = []
    seen: set[str] = set()
    for cell in header:
        code = _text(cell)
        marked = code.endswith("*")  # some templates mark required columns "name *"
        code = code.rstrip("*").strip()
        if not code or code.casefold() in seen:
            continue
        seen.add(code.casefold())
        about = described.get(code.casefold(), TemplateColumn(code))
        required = True if marked else about.required
        columns.append(TemplateColumn(code, required, about.description, about.example))
    if not columns:
        raise Unavailable(
            "Thalamus sent a template without any columns.",
            hint="Ask your Thalamus administrator to check the import type's template.",
        )
    return columns


def _described(rows: Iterable[tuple[object, ...]]) -> dict[str, TemplateColumn]:
    """The `Columns` sheet by code: its first row names the columns, each later row a code."""
    lines = iter(rows)
    names = [_text(v).casefold() for v in next(lines, ())]

    def at(row: tuple[object, ...], name: str) -> str:
        where = names.index(name) if name in names else len(row)
        return _text(row[where]) if where < len(row) else ""

    described: dict[str, TemplateColumn] = {}
    for row in lines:
        code = at(row, "column") or (_text(row[0]) if row else "")
        if not code:
            continue
        required_text = at(row, "required").casefold()
        described[code.casefold()] = TemplateColumn(
            code,
            required=(required_text in _YES) if required_text else None,
            description=at(row, "description"),
            example=at(row, "example"),
        )
    return described


def _label(code: str) -> str:
    """ "postal_code" -> "Postal code"."""
    words = code.replace("_", " ").replace("-", " ").strip()
    return words[:1].upper() + words[1:]


def template_fields(content: bytes, endpoint: Endpoint) -> tuple[Field, ...]:
    """The endpoint's fields as the template has them: its codes, in its order."""
    known = {f.key.casefold(): f for f in endpoint.fields}
    fields: list[Field] = []
    for column in read_template(content):
        base = known.get(column.code.casefold())
        if base is None:
            fields.append(
                Field(
                    key=column.code,
                    label=_label(column.code),
                    required=bool(column.required),
                    help=column.description,
                    example=column.example,
                )
            )
            continue
        changes: dict[str, object] = {"key": column.code}
        if column.required is not None:
            changes["required"] = column.required  # the server decides what it requires
        if not base.help and column.description:
            changes["help"] = column.description
        if not base.example and column.example:
            changes["example"] = column.example
        fields.append(base.model_copy(update=changes))
    return tuple(fields)
