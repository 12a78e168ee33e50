"""Applying a mapping to a table: one column per mapped field, shaped column by column."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from rowboat.core.arrow_text import as_arrow, patch, scalar
from rowboat.core.errors import MappingError
from rowboat.core.mapping.model import Case, NamePart
from rowboat.core.mapping.names import split_names
from rowboat.core.threads import map_in_threads

if TYPE_CHECKING:
    from collections.abc import Callable

    from rowboat.core.decisions import NameOrder
    from rowboat.core.mapping.model import FieldSource, Mapping
    from rowboat.core.mapping.names import NameFacts
    from rowboat.core.table import Table

__all__ = ["Splits", "apply_mapping", "collapse_spaces", "shape_values", "split_name", "title_case"]

# Full-name columns split once however many fields take a part: by (column, trim, order).
Splits = dict[tuple[str, bool, "NameOrder | None"], tuple[pa.Array, pa.Array, "NameFacts"]]

# Whitespace that people paste from web pages and Word besides spaces and tabs.
_ODD_SPACES = "\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
# Only what needs changing: a run of two or more, or a single tab, newline or odd space.
_COLLAPSE = f"[\\s{_ODD_SPACES}]{{2,}}|[\\t\\n\\r\\f\\v{_ODD_SPACES}]"
_COLLAPSE_ASCII = r"\s{2,}|[\t\n\r\f\v]"
# Name particles that begin a surname: "Anna van der Berg" -> "van der Berg".
_PARTICLES = (
    "van", "von", "vom", "zu", "zum", "zur", "de", "del", "della", "der", "den", "des", "di",
    "da", "das", "do", "dos", "du", "la", "le", "lo", "ten", "ter", "te", "bin", "ibn", "al", "el",
)  # fmt: skip
_INNER_PARTICLE = f" (?:{'|'.join(p.title() for p in _PARTICLES)}) "
_TITLED_PARTICLES = pa.array([p.title() for p in _PARTICLES], type=pa.large_string())


def apply_mapping(
    table: Table, mapping: Mapping, name_facts: dict[str, NameFacts] | None = None
) -> pd.DataFrame:
    """One str column per mapped field ("" for empty), indexed like `table.frame`.

    Each FieldSource is applied as it says: a constant; one column (trimmed, cased); several
    columns joined (empty values skipped); or the first or last part of a full name. Raises
    MappingError naming the columns the table lacks. `name_facts`, when given, receives what
    splitting each full-name field's column met, by field key.
    """
    frame = table.frame
    missing = [c for s in mapping.sources for c in s.columns if c not in frame.columns]
    if missing:
        names = ", ".join(f"'{c}'" for c in dict.fromkeys(missing))
        raise MappingError(
            f"The mapping uses {'a column' if len(missing) == 1 else 'columns'} this file does "
            f"not have: {names}.",
            hint="Check that the right file and header row are chosen, or change the mapping.",
            detail=f"file columns: {list(frame.columns)}",
        )

    def load(key: tuple[str, bool]) -> pa.Array:
        values = as_arrow(frame[key[0]])
        return collapse_spaces(values) if key[1] else values

    # Each column the mapping reads, read (and trimmed) once, the columns side by side.
    needed = list(dict.fromkeys((c, s.trim) for s in mapping.sources for c in s.columns))
    cache = dict(zip(needed, map_in_threads(load, needed), strict=True))
    splits: Splits = {}

    def column(name: str, trim: bool) -> pa.Array:
        return cache[(name, trim)]

    out: dict[str, pa.Array] = {}
    for source in mapping.sources:
        out[source.field] = shape_values(source, len(frame), column, splits)
        if name_facts is not None and source.split_name is not None:
            key = (source.columns[0], source.trim, source.name_order)
            name_facts[source.field] = splits[key][2]
    return pd.DataFrame(
        {k: pd.Series(pd.array(v, dtype="str"), index=frame.index) for k, v in out.items()},
        index=frame.index,
    )


def shape_values(
    source: FieldSource,
    length: int,
    column: Callable[[str, bool], pa.Array],
    splits: Splits,
) -> pa.Array:
    if source.constant is not None:
        value = " ".join(source.constant.split()) if source.trim else source.constant
        values = pa.array([value] * length if length else [], type=pa.large_string())
    elif not source.columns:
        raise MappingError(
            f"The field '{source.field}' is mapped to no column and no constant value.",
            hint="Choose a column for it, or leave it unmapped.",
        )
    elif source.split_name is not None:
        key = (source.columns[0], source.trim, source.name_order)
        if key not in splits:
            splits[key] = split_names(column(source.columns[0], source.trim), source.name_order)
        first, last, _ = splits[key]
        values = first if source.split_name is NamePart.FIRST else last
    elif len(source.columns) == 1:
        values = column(source.columns[0], source.trim)
    else:
        values = _join([column(c, source.trim) for c in source.columns], source.separator)
    return _case(values, source.case)


def collapse_spaces(values: pa.Array) -> pa.Array:
    """Strip the ends and collapse inner runs of whitespace to one space."""
    # RE2 runs a class of non-ASCII spaces many times slower: ASCII-only columns (most) skip it.
    ascii_only = pc.all(pc.string_is_ascii(values)).as_py() is not False
    odd = pc.match_substring_regex(values, _COLLAPSE_ASCII if ascii_only else _COLLAPSE)
    collapsed = patch(values, odd, lambda rows: pc.replace_substring_regex(rows, _COLLAPSE, " "))
    return pc.utf8_trim_whitespace(collapsed)


def _join(parts: list[pa.Array], separator: str) -> pa.Array:
    """Non-empty values joined by `separator`, column by column."""
    result = parts[0]
    for part in parts[1:]:
        joined = pc.binary_join_element_wise(result, part, scalar(separator))
        result = pc.if_else(
            pc.equal(result, scalar("")),
            part,
            pc.if_else(pc.equal(part, scalar("")), result, joined),
        )
    return result


def split_name(values: pa.Array) -> tuple[pa.Array, pa.Array]:
    """First and last names of full names, as Arrow arrays (see mapping/names.py).

    "Dubois, Chloé" is last-comma-first; titles and suffixes are left out ("Dr. Hans-Peter
    Müller" -> Hans-Peter / Müller); surname particles stay with the surname ("Anna van der
    Berg" -> Anna / van der Berg). A single word is a first name.
    """
    first, last, _ = split_names(values)
    return first, last


def _case(values: pa.Array, case: Case) -> pa.Array:
    if case is Case.UPPER:
        return pc.utf8_upper(values)
    if case is Case.LOWER:
        return pc.utf8_lower(values)
    if case is Case.TITLE:
        return title_case(values)
    return values


def title_case(values: pa.Array) -> pa.Array:
    """Names in title case: "o'brien" -> "O'Brien", "MÜLLER-LÜDENSCHEIDT" -> "Müller-Lüdenscheidt".

    Every word starts upper-case after a space, hyphen or apostrophe, except an English "'s" and
    surname particles inside a name ("Anna van der Berg").
    """
    titled = pc.utf8_title(values)
    titled = patch(
        titled,
        pc.match_substring(titled, "'S"),
        lambda rows: pc.replace_substring_regex(rows, r"'S\b", "'s"),
    )
    return patch(titled, pc.match_substring_regex(titled, _INNER_PARTICLE), _lower_particles)


def _lower_particles(values: pa.Array) -> pa.Array:
    """Lower-case particles that are neither a value's first nor its last word."""
    words = pc.split_pattern(values, " ")
    flat = pc.list_flatten(words)
    position = pc.subtract(
        pa.array(range(len(flat)), type=pa.int64()),
        pc.take(words.offsets, pc.list_parent_indices(words)).cast(pa.int64()),
    )
    count = pc.take(pc.list_value_length(words), pc.list_parent_indices(words)).cast(pa.int64())
    inner = pc.and_(pc.greater(position, 0), pc.less(position, pc.subtract(count, 1)))
    particle = pc.and_(inner, pc.is_in(flat, value_set=_TITLED_PARTICLES))
    lowered = pc.if_else(particle, pc.utf8_lower(flat), flat)
    rebuilt = pa.LargeListArray.from_arrays(words.offsets, lowered)
    return pc.binary_join(rebuilt, scalar(" "))
