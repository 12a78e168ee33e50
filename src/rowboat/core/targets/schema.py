"""The shape of an endpoint: its fields, their types and limits, and rules across fields.

Endpoints and fields are pydantic models so a schema file (JSON) can extend or replace the
built-in field list of an endpoint whose vendor defines fields at run time or publishes none.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict

__all__ = ["Endpoint", "Field", "FieldType", "Rule"]


class FieldType(StrEnum):
    TEXT = "text"
    EMAIL = "email"
    PHONE = "phone"  # normalised to E.164 with a default region
    DATE = "date"  # ISO 8601 date
    DATETIME = "datetime"  # ISO 8601 date and time; with a time zone where the file gives one
    TIMEZONE = "timezone"  # an IANA name such as Europe/Berlin
    URL = "url"
    INTEGER = "integer"
    DECIMAL = "decimal"
    BOOLEAN = "boolean"
    ENUM = "enum"  # one of Field.choices
    COUNTRY = "country"  # name or code -> ISO 3166-1 alpha-2


class Field(BaseModel):
    """One field of an endpoint's payload."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    key: str  # the name in the payload sent to the target
    label: str  # what a coordinator reads
    type: FieldType = FieldType.TEXT
    required: bool = False
    min_length: int | None = None
    max_length: int | None = None
    minimum: float | None = None  # for integer and decimal
    maximum: float | None = None
    choices: tuple[str, ...] = ()  # allowed values of an enum, as sent to the target
    multiple: bool = False  # a list: several values separated by "," or ";" in one cell
    unique: bool = False  # must not repeat within the file (emails compared case-insensitively)
    synonyms: tuple[str, ...] = ()  # header names that mean this field, in any language
    help: str = ""  # one or two plain sentences, shown in templates and tooltips
    example: str = ""


class Rule(BaseModel):
    """A check across fields.

    kind "after": `fields[1]` must be later than `fields[0]` (end after start).
    kind "one_of": at least one of `fields` must have a value.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: Literal["after", "one_of"]
    fields: tuple[str, ...]
    message: str = ""  # a plain sentence; a default is made from the fields' labels when empty


class Endpoint(BaseModel):
    """One import endpoint of a target system."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str  # "plandocket.contacts"
    system: str  # "plandocket"
    system_label: str  # "Plandocket"
    label: str  # "Contacts"
    description: str  # one plain paragraph for the endpoint card
    fields: tuple[Field, ...]
    rules: tuple[Rule, ...] = ()
    batch_size: int | None = None  # the most rows one request may carry
    # "vendor" when the vendor documents the fields; "default" when Rowboat ships a default
    # that a schema file (or, later, the server) may extend or replace.
    schema_origin: Literal["vendor", "default", "file", "server"] = "vendor"

    def field(self, key: str) -> Field:
        for f in self.fields:
            if f.key == key:
                return f
        raise KeyError(key)

    @property
    def field_keys(self) -> tuple[str, ...]:
        return tuple(f.key for f in self.fields)

    @property
    def required_fields(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if f.required)
