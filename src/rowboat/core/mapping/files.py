"""Mapping files: a JSON form of a mapping people can write, and merging one over a match."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, ValidationError
from rapidfuzz import fuzz, process

from rowboat.core.errors import MappingError
from rowboat.core.json_files import read_json_file
from rowboat.core.mapping.model import Case, FieldSource, Mapping, MatchMethod, NamePart
from rowboat.core.mapping.synonyms import normalise
from rowboat.core.targets.schema_files import describe_problem

if TYPE_CHECKING:
    from rowboat.core.targets.schema import Endpoint

__all__ = [
    "FieldEntry",
    "MappingFile",
    "atomic_write_text",
    "load_mapping",
    "mapping_from_json",
    "mapping_to_json",
    "merge",
    "save_mapping",
]

_HINT = "See docs/mapping-and-schema-files.md for the format of a mapping file."


class FieldEntry(BaseModel):
    """Where one field's value comes from: exactly one of column, columns and constant."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    column: str | None = None
    columns: tuple[str, ...] | None = None
    constant: str | int | float | None = None
    separator: str = " "
    split_name: NamePart | None = None
    case: Case = Case.KEEP
    trim: bool = True
    date_format: str | None = None


class MappingFile(BaseModel):
    """A mapping file: the endpoint it is for and, per field key, a column name, an entry or null
    (leave the field out)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    endpoint: str | None = None
    # Each value is checked on its own (see _entry), so an error names the field it is about.
    fields: dict[str, Any]


def load_mapping(path: str | Path, endpoint: Endpoint) -> Mapping:
    """The mapping a mapping file describes for `endpoint` (every source method MANUAL).

    Raises MappingError with a plain message when the file is missing, not JSON, for another
    endpoint, or names a field the endpoint does not have.
    """
    path, data = read_json_file(path, "mapping", MappingError, _HINT)
    return mapping_from_json(data, endpoint, source=path.name)


def mapping_from_json(
    data: Any,
    endpoint: Endpoint | str,
    *,
    source: str = "the mapping",
    method: MatchMethod = MatchMethod.MANUAL,
) -> Mapping:
    """A mapping from a mapping file's parsed JSON.

    With an Endpoint, field keys are checked against it (a field's label is accepted for its
    key); with only an endpoint id they are taken as written.
    """
    try:
        parsed = MappingFile.model_validate(data)
    except ValidationError as exc:
        raise MappingError(
            f"The mapping file '{source}' does not fit: {describe_problem(exc, data)}.",
            hint=_HINT,
            detail=str(exc),
        ) from None
    endpoint_id = endpoint if isinstance(endpoint, str) else endpoint.id
    if parsed.endpoint is not None and parsed.endpoint != endpoint_id:
        raise MappingError(
            f"The mapping file '{source}' is for {parsed.endpoint}, not {endpoint_id}.",
            hint='Use a mapping file made for this endpoint, or change its "endpoint".',
        )
    sources: list[FieldSource] = []
    unmapped: list[str] = []
    for name, value in parsed.fields.items():
        key = name if isinstance(endpoint, str) else _field_key(name, endpoint, source)
        entry = _entry(key, value, source)
        if entry is None:
            unmapped.append(key)
        else:
            sources.append(_source(key, entry, source, method))
    return Mapping(endpoint_id=endpoint_id, sources=tuple(sources), unmapped=tuple(unmapped))


def _entry(key: str, value: Any, source: str) -> str | FieldEntry | None:
    if value is None or isinstance(value, str):
        return value
    where = f"The mapping file '{source}' says for '{key}'"
    if not isinstance(value, dict):
        raise MappingError(
            f"{where} {json.dumps(value)}; give a column name, an object or null.", hint=_HINT
        )
    try:
        return FieldEntry.model_validate(value)
    except ValidationError as exc:
        raise MappingError(
            f"{where} something that does not fit: {describe_problem(exc, value)}.",
            hint=_HINT,
            detail=str(exc),
        ) from None


def _field_key(name: str, endpoint: Endpoint, source: str) -> str:
    if name in endpoint.field_keys:
        return name
    same = [
        f.key for f in endpoint.fields if normalise(name) in (normalise(f.key), normalise(f.label))
    ]
    if len(same) == 1:
        return same[0]
    close = process.extractOne(name, endpoint.field_keys, scorer=fuzz.WRatio, score_cutoff=75)
    suggestion = f" Did you mean '{close[0]}'?" if close else ""
    raise MappingError(
        f"The mapping file '{source}' names the field '{name}', which {endpoint.id} does not "
        f"have.{suggestion}",
        hint=f"Its fields are: {', '.join(endpoint.field_keys)}.",
    )


def _source(key: str, entry: str | FieldEntry, source: str, method: MatchMethod) -> FieldSource:
    if isinstance(entry, str):
        entry = FieldEntry(column=entry)
    given = [
        what
        for what, value in (
            ("column", entry.column),
            ("columns", entry.columns),
            ("constant", entry.constant),
        )
        if value is not None
    ]
    where = f"The mapping file '{source}' says for '{key}'"
    if len(given) != 1:
        raise MappingError(
            f"{where} {' and '.join(given) or 'nothing'}; give exactly one of "
            '"column", "columns" or "constant".',
            hint=_HINT,
        )
    columns: tuple[str, ...] = ()
    if entry.column is not None:
        columns = (entry.column,)
    elif entry.columns is not None:
        columns = entry.columns
        if not columns:
            raise MappingError(f'{where} "columns": [] with no column in it.', hint=_HINT)
    if any(not c.strip() for c in columns):
        raise MappingError(f"{where} a column with an empty name.", hint=_HINT)
    if entry.split_name is not None and len(columns) != 1:
        raise MappingError(
            f'{where} "split_name", which needs exactly one "column" holding full names.',
            hint=_HINT,
        )
    return FieldSource(
        field=key,
        columns=columns,
        separator=entry.separator,
        split_name=entry.split_name,
        constant=None if entry.constant is None else str(entry.constant),
        trim=entry.trim,
        case=entry.case,
        date_format=entry.date_format,
        confidence=1.0,
        method=method,
    )


def mapping_to_json(mapping: Mapping) -> dict[str, Any]:
    """The mapping in the mapping-file form, writing only what differs from the defaults."""
    fields: dict[str, Any] = {}
    for s in mapping.sources:
        entry: dict[str, Any] = {}
        if s.constant is not None:
            entry["constant"] = s.constant
        elif len(s.columns) == 1:
            entry["column"] = s.columns[0]
        else:
            entry["columns"] = list(s.columns)
            if s.separator != " ":
                entry["separator"] = s.separator
        if s.split_name is not None:
            entry["split_name"] = s.split_name.value
        if s.case is not Case.KEEP:
            entry["case"] = s.case.value
        if not s.trim:
            entry["trim"] = False
        if s.date_format is not None:
            entry["date_format"] = s.date_format
        fields[s.field] = entry["column"] if list(entry) == ["column"] else entry
    for key in mapping.unmapped:
        fields.setdefault(key, None)
    return {"endpoint": mapping.endpoint_id, "fields": fields}


def save_mapping(mapping: Mapping, path: str | Path) -> Path:
    """Write the mapping as a mapping file (atomically) and return its path."""
    path = Path(path)
    atomic_write_text(path, json.dumps(mapping_to_json(mapping), indent=2, ensure_ascii=False))
    return path


def atomic_write_text(path: Path, text: str) -> None:
    """Write `text` to `path` through a temporary file and os.replace: never a half-written file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text + "\n")
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def merge(auto: Mapping, override: Mapping) -> Mapping:
    """`override` (a partial mapping file) over `auto` (the automatic match).

    Fields the override maps or leaves out (null) take its word; automatic sources reading a
    column the override uses elsewhere are dropped, so no column feeds a field by accident.
    """
    if auto.endpoint_id != override.endpoint_id:
        raise MappingError(
            f"A mapping for {override.endpoint_id} can not be merged over one for "
            f"{auto.endpoint_id}.",
            hint="Use a mapping file made for this endpoint.",
        )
    taken = {s.field for s in override.sources} | set(override.unmapped)
    claimed = {c for s in override.sources for c in s.columns}
    given = {s.field: s for s in override.sources}
    merged: list[FieldSource] = []
    for s in auto.sources:
        if s.field in given:
            merged.append(given.pop(s.field))
        elif s.field not in taken and not claimed.intersection(s.columns):
            if s.alternative is not None and s.alternative.column in claimed:
                s = s.model_copy(update={"alternative": None})  # that column went elsewhere
            merged.append(s)
    merged.extend(given.values())
    return Mapping(endpoint_id=auto.endpoint_id, sources=tuple(merged), unmapped=override.unmapped)
