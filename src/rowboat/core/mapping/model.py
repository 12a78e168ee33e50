"""A mapping: for each endpoint field, where its value comes from in the file and its shape."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict

__all__ = ["Alternative", "Case", "FieldSource", "Mapping", "MatchMethod", "NamePart"]


class Case(StrEnum):
    KEEP = "keep"
    UPPER = "upper"
    LOWER = "lower"
    TITLE = "title"


class NamePart(StrEnum):
    FIRST = "first"
    LAST = "last"


class MatchMethod(StrEnum):
    EXACT = "exact"  # header equals the field key or label (ignoring case, spaces, punctuation)
    SYNONYM = "synonym"  # header is a known synonym of the field
    FUZZY = "fuzzy"  # header is close to a key, label or synonym
    CONTENT = "content"  # the column's values look like the field's type (e.g. emails)
    PROFILE = "profile"  # taken from a saved mapping profile
    MANUAL = "manual"  # chosen by the user or a mapping file


class Alternative(BaseModel):
    """A column that also fits a field but lost it to a better one, offered instead."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    column: str
    confidence: float
    reason: str  # one line: why it fits, and why the chosen column fits better


class FieldSource(BaseModel):
    """Where one field's value comes from.

    Exactly one of these holds:
    - `columns` has one column: its value, shaped by the transforms below;
    - `columns` has several: their non-empty values joined with `separator`;
    - `split_name` is set and `columns` has one column holding a full name: its first or last part;
    - `constant` is set and `columns` is empty: the same value on every row.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    field: str
    columns: tuple[str, ...] = ()
    separator: str = " "
    split_name: NamePart | None = None
    constant: str | None = None
    trim: bool = True
    case: Case = Case.KEEP
    date_format: str | None = None  # strptime format for date/datetime fields, e.g. "%d.%m.%Y"
    confidence: float = 1.0  # 0..1, how sure an automatic match is
    method: MatchMethod = MatchMethod.MANUAL
    # An automatic match explains itself in one line ("'Attendee E-mail' → Email: the role word
    # 'Attendee' is ignored") and names the column that came second for the field, if any.
    # Neither is written to mapping files or profiles.
    reason: str = ""
    alternative: Alternative | None = None


class Mapping(BaseModel):
    """How a file's columns feed an endpoint's fields. Fields absent here are unmapped."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    endpoint_id: str
    sources: tuple[FieldSource, ...] = ()
    # Fields a person chose to leave out (a mapping file's `"field": null`): merging this mapping
    # over an automatic match keeps them unmapped.
    unmapped: tuple[str, ...] = ()

    def for_field(self, key: str) -> FieldSource | None:
        for s in self.sources:
            if s.field == key:
                return s
        return None

    @property
    def mapped_fields(self) -> tuple[str, ...]:
        return tuple(s.field for s in self.sources)

    def column_to_field(self) -> dict[str, str]:
        """{column: field}: each column and the first field it feeds (a join lists every column)."""
        out: dict[str, str] = {}
        for s in self.sources:
            for c in s.columns:
                out.setdefault(c, s.field)
        return out
