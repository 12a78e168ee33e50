"""Import endpoints: their fields and rules, the registry of them, and schema files."""

from __future__ import annotations

from rowboat.core.targets.registry import (
    ENDPOINTS,
    endpoint_with_fields,
    get_endpoint,
    list_endpoints,
)
from rowboat.core.targets.schema import Endpoint, Field, FieldType, Rule
from rowboat.core.targets.schema_files import load_schema_file, parse_schema

__all__ = [
    "ENDPOINTS",
    "Endpoint",
    "Field",
    "FieldType",
    "Rule",
    "endpoint_with_fields",
    "get_endpoint",
    "list_endpoints",
    "load_schema_file",
    "parse_schema",
]
