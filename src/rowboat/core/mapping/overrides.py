"""A mapped field's decision overridden: the mapping with that field's override set or cleared."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rowboat.core.decisions import DateOrder, Kind, NameOrder
from rowboat.core.mapping.model import MatchMethod

if TYPE_CHECKING:
    from rowboat.core.mapping.model import Mapping

__all__ = ["FIELD_OVERRIDES", "override_field"]

# The decisions about a mapped field that its FieldSource can override, and the attribute.
FIELD_OVERRIDES = {
    Kind.DATE_ORDER: "date_order",
    Kind.SERIAL_DATES: "serial_dates",
    Kind.DECIMAL_COMMA: "decimal_comma",
    Kind.NAME_SPLIT: "name_order",
}


def _value(kind: Kind, value: str | None) -> object:
    """The override as the FieldSource holds it; None clears it (Rowboat decides again)."""
    if value is None:
        return None
    if kind is Kind.DATE_ORDER:
        return DateOrder(value)
    if kind is Kind.NAME_SPLIT:
        return NameOrder(value)
    return value == "yes"


def override_field(mapping: Mapping, kind: Kind, field: str, value: str | None) -> Mapping:
    """The mapping with `field`'s decision of `kind` overridden by `value` (as Decision.value
    writes it: "DMY", "yes", "last first"), or cleared with None. A name order applies to every
    field split from the same column, so first and last name stay one reading of it."""
    attribute = FIELD_OVERRIDES[kind]
    target = mapping.for_field(field)
    if target is None:
        return mapping
    same_column = kind is Kind.NAME_SPLIT and target.split_name is not None
    sources = []
    for s in mapping.sources:
        if s.field == field or (
            same_column and s.split_name is not None and s.columns == target.columns
        ):
            s = s.model_copy(update={attribute: _value(kind, value), "method": MatchMethod.MANUAL})
        sources.append(s)
    return mapping.model_copy(update={"sources": tuple(sources)})
