"""Automatic column matching: each file column to at most one endpoint field, with a confidence,
a one-line reason and, when another column also fitted the field, that column as the alternative."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rowboat.core.mapping import explanations as say
from rowboat.core.mapping.headers import Header, read_header
from rowboat.core.mapping.model import Alternative, FieldSource, Mapping, MatchMethod, NamePart
from rowboat.core.mapping.scoring import (
    EXACT_CONFIDENCE,
    FUZZY_THRESHOLD,
    SYNONYM_CONFIDENCE,
    Candidate,
    candidates,
    ignored_notes,
)
from rowboat.core.mapping.synonyms import FULL_NAME, field_concepts, normalise
from rowboat.core.mapping.terms import field_names
from rowboat.core.targets.schema import FieldType

if TYPE_CHECKING:
    from collections.abc import Sequence

    import pandas as pd

    from rowboat.core.targets.schema import Endpoint, Field

__all__ = [
    "EXACT_CONFIDENCE",
    "FUZZY_THRESHOLD",
    "SYNONYM_CONFIDENCE",
    "match_columns",
]

SPLIT_CONFIDENCE = 0.9  # a "Name" column split into first and last name
CONTENT_CONFIDENCE = 0.8
_RANK = {MatchMethod.EXACT: 0, MatchMethod.SYNONYM: 1, MatchMethod.FUZZY: 2}

_FULL_NAMES = frozenset(map(normalise, FULL_NAME))
# Beside a first-name column, "Name" is the surname ("Vorname" | "Name" on German forms).
_SURNAME_BESIDE_FIRST = frozenset({"name", "naam"})


@dataclass(frozen=True)
class _Entry:
    column: int
    candidate: Candidate

    def order(self) -> tuple[float, int, int, int]:
        c = self.candidate
        return (-c.confidence, _RANK[c.method], self.column, c.field)


def match_columns(
    columns: Sequence[str], endpoint: Endpoint, *, sample: pd.DataFrame | None = None
) -> Mapping:
    """Match a file's columns to the endpoint's fields, best confidence first.

    Each column feeds at most one field and each field takes at most one column, except that a
    single full-name column feeds both first and last name (split) when the file has neither.
    Every FieldSource says how it was found (method), how sure the match is (confidence: exact
    1.0, synonym 0.95, near miss 0.88 to 0.9, a little less for each word read around the name) and
    why, in one line (reason); when another column also fitted the field, it is the source's
    alternative. Weaker candidates stay unmapped. `sample` (some rows of the file) lets a column
    whose values are email addresses fill an unmatched email field.
    """
    fields = endpoint.fields
    names = field_names(endpoint)
    headers = [read_header(c) for c in columns]
    entries = sorted(
        (_Entry(ci, c) for ci, h in enumerate(headers) for c in candidates(h, names).values()),
        key=_Entry.order,
    )
    by_field: dict[int, FieldSource] = {}
    used: set[int] = set()
    for e in entries:
        fi = e.candidate.field
        if e.column in used or fi in by_field:
            continue
        used.add(e.column)
        by_field[fi] = FieldSource(
            field=fields[fi].key,
            columns=(columns[e.column],),
            confidence=round(e.candidate.confidence, 3),
            method=e.candidate.method,
            reason=say.line(columns[e.column], fields[fi].label, e.candidate.notes),
        )

    _split_full_name(columns, headers, fields, by_field, used)
    if sample is not None:
        _match_by_content(columns, fields, by_field, used, sample)
    _offer_alternatives(columns, fields, entries, by_field, used)
    return Mapping(
        endpoint_id=endpoint.id,
        sources=tuple(by_field[i] for i in sorted(by_field)),
    )


def _offer_alternatives(
    columns: Sequence[str],
    fields: Sequence[Field],
    entries: Sequence[_Entry],
    by_field: dict[int, FieldSource],
    used: set[int],
) -> None:
    """Each matched field's best candidate among the columns left unmapped, with its reason."""
    offered: set[int] = set()
    for e in entries:  # best first
        fi = e.candidate.field
        source = by_field.get(fi)
        if source is None or fi in offered or e.column in used or source.split_name is not None:
            continue
        offered.add(fi)
        notes = (*e.candidate.notes, say.better(source.columns[0]))
        alternative = Alternative(
            column=columns[e.column],
            confidence=round(e.candidate.confidence, 3),
            reason=say.line(columns[e.column], fields[fi].label, notes),
        )
        by_field[fi] = source.model_copy(update={"alternative": alternative})


def _concept_field(fields: Sequence[Field], concept: str) -> int | None:
    for i, f in enumerate(fields):
        if concept in field_concepts(f):
            return i
    return None


def _split_full_name(
    columns: Sequence[str],
    headers: Sequence[Header],
    fields: Sequence[Field],
    by_field: dict[int, FieldSource],
    used: set[int],
) -> None:
    """A lone "Name" column feeds first and last name; beside a first-name column, the last."""
    first, last = _concept_field(fields, "first_name"), _concept_field(fields, "last_name")
    if first is None or last is None:
        return
    free = [(ci, h) for ci, h in enumerate(headers) if ci not in used]
    if first not in by_field and last not in by_field:
        for ci, header in free:
            if header.names_person:
                used.add(ci)
                notes = [] if header.norm in _FULL_NAMES else ignored_notes(header)
                for fi, part in ((first, NamePart.FIRST), (last, NamePart.LAST)):
                    by_field[fi] = FieldSource(
                        field=fields[fi].key,
                        columns=(columns[ci],),
                        split_name=part,
                        confidence=SPLIT_CONFIDENCE,
                        method=MatchMethod.SYNONYM,
                        reason=say.line(
                            columns[ci], fields[fi].label, [*notes, say.full_name(part)]
                        ),
                    )
                return
    elif first in by_field and last not in by_field:
        for ci, header in free:
            if header.norm in _SURNAME_BESIDE_FIRST:
                used.add(ci)
                by_field[last] = FieldSource(
                    field=fields[last].key,
                    columns=(columns[ci],),
                    confidence=SPLIT_CONFIDENCE,
                    method=MatchMethod.SYNONYM,
                    reason=say.line(columns[ci], fields[last].label, [say.surname_beside_first()]),
                )
                return


def _match_by_content(
    columns: Sequence[str],
    fields: Sequence[Field],
    by_field: dict[int, FieldSource],
    used: set[int],
    sample: pd.DataFrame,
) -> None:
    """An unmatched email field takes a free column whose sample values are nearly all emails."""
    for fi, f in enumerate(fields):
        if f.type is not FieldType.EMAIL or fi in by_field:
            continue
        for ci, column in enumerate(columns):
            if ci in used or column not in sample.columns:
                continue
            values = sample[column].astype("str").str.strip()
            values = values[values != ""]
            if len(values) == 0:
                continue
            looks = values.str.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+").mean()
            if looks >= 0.8:  # a few typos ("jane@") must not hide an email column
                used.add(ci)
                by_field[fi] = FieldSource(
                    field=f.key,
                    columns=(column,),
                    confidence=CONTENT_CONFIDENCE,
                    method=MatchMethod.CONTENT,
                    reason=say.line(column, f.label, [say.looks_like_emails()]),
                )
                break
