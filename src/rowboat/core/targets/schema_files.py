"""Schema files: JSON that extends or replaces the field list of a built-in endpoint."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from rowboat.core.errors import ConfigurationError
from rowboat.core.json_files import read_json_file
from rowboat.core.targets.registry import endpoint_with_fields, get_endpoint
from rowboat.core.targets.schema import Endpoint, Field, FieldType, Rule

if TYPE_CHECKING:
    from pathlib import Path

__all__ = ["SchemaFile", "describe_problem", "load_schema_file", "parse_schema"]

_HINT = "See docs/mapping-and-schema-files.md for the format of a schema file."


class SchemaFile(BaseModel):
    """The content of a schema file.

    `mode` "extend" keeps the endpoint's fields, replaces those whose key the file repeats and
    adds the rest at the end; "replace" uses only the file's fields.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    endpoint: str
    mode: Literal["extend", "replace"] = "extend"
    fields: tuple[Field, ...]
    rules: tuple[Rule, ...] = ()


def load_schema_file(path: str | Path) -> Endpoint:
    """The endpoint as a schema file describes it (schema_origin "file").

    Raises ConfigurationError (UnknownEndpoint for an unknown endpoint id) with a plain message
    when the file is missing, is not JSON or does not fit the format.
    """
    path, data = read_json_file(path, "schema", ConfigurationError, _HINT)
    return parse_schema(data, source=path.name)


def parse_schema(data: Any, *, source: str = "the schema") -> Endpoint:
    """The endpoint a schema file's parsed JSON describes; `source` names it in messages."""
    try:
        schema = SchemaFile.model_validate(data)
    except ValidationError as exc:
        raise ConfigurationError(
            f"The schema file '{source}' does not fit: {describe_problem(exc, data)}.",
            hint=_HINT,
            detail=str(exc),
        ) from None
    base = get_endpoint(schema.endpoint)
    _check_fields(schema.fields, source)
    if schema.mode == "replace":
        fields = schema.fields
    else:
        given = {f.key: f for f in schema.fields}
        kept = tuple(given.pop(f.key, f) for f in base.fields)
        fields = (*kept, *given.values())
    known = {f.key for f in fields}
    for rule in schema.rules:
        missing = [k for k in rule.fields if k not in known]
        if missing:
            raise ConfigurationError(
                f"The schema file '{source}' has a rule about '{missing[0]}', "
                f"which is not a field of {base.id}.",
                hint=_HINT,
            )
        if rule.kind == "after" and len(rule.fields) != 2:
            raise ConfigurationError(
                f"The schema file '{source}' has an \"after\" rule with {len(rule.fields)} "
                "fields; it needs exactly two (the earlier one first).",
                hint=_HINT,
            )
    return endpoint_with_fields(base, fields, extra_rules=schema.rules, schema_origin="file")


def _check_fields(fields: tuple[Field, ...], source: str) -> None:
    seen: set[str] = set()
    for f in fields:
        where = f"The schema file '{source}' has the field '{f.key}'"
        if not f.key.strip():
            raise ConfigurationError(
                f"The schema file '{source}' has a field with an empty key.", hint=_HINT
            )
        if f.key in seen:
            raise ConfigurationError(f"{where} twice.", hint="Keep one of them.")
        seen.add(f.key)
        if f.type is FieldType.ENUM and not f.choices:
            raise ConfigurationError(
                f"{where} of type enum but lists no allowed values.",
                hint='Add "choices": ["…", "…"] to it.',
            )
        if f.minimum is not None and f.maximum is not None and f.minimum > f.maximum:
            raise ConfigurationError(f"{where} with a minimum above its maximum.", hint=_HINT)
        if f.min_length is not None and f.max_length is not None and f.min_length > f.max_length:
            raise ConfigurationError(f"{where} with a min_length above its max_length.", hint=_HINT)


def describe_problem(exc: ValidationError, data: Any) -> str:
    """Pydantic's first error in a coordinator's words: where it is, then what is wrong.

    `data` is the JSON that was validated, so items of a list can be named by their "key".
    """
    error = exc.errors()[0]
    where: list[str] = []
    node: Any = data
    for part in error["loc"]:
        node_before, node = node, _step(node, part)
        if isinstance(part, str):
            where.append(f'"{part}"')
            continue
        # "fields", 2 reads better as: field 3 ('phone')
        noun = where.pop().strip('"').rstrip("s") if where else "item"
        key = node.get("key") if isinstance(node, dict) and isinstance(node_before, list) else None
        where.append(f"{noun} {part + 1}" + (f" ('{key}')" if isinstance(key, str) else ""))
    message = str(error["msg"])
    if error["type"] == "missing":
        message = "this is missing"
    elif error["type"] == "model_type":
        message = "it should be a JSON object ({ … })"
    elif error["type"] == "extra_forbidden":
        message = "this is not a known setting"
    return f"{', '.join(where) or 'the top level'}: {message}"


def _step(node: Any, part: str | int) -> Any:
    if isinstance(part, int) and isinstance(node, list) and 0 <= part < len(node):
        return node[part]
    if isinstance(part, str) and isinstance(node, dict):
        return node.get(part)
    return None
