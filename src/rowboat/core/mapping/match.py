"""Automatic column matching: each file column to at most one endpoint field, with a confidence."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rapidfuzz import fuzz

from rowboat.core.mapping.model import FieldSource, Mapping, MatchMethod, NamePart
from rowboat.core.mapping.synonyms import (
    FULL_NAME,
    concepts_of,
    field_synonyms,
    normalise,
    words,
)
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

EXACT_CONFIDENCE = 1.0
SYNONYM_CONFIDENCE = 0.95
SPLIT_CONFIDENCE = 0.9  # a "Name" column split into first and last name
FUZZY_CEILING = 0.9  # a near miss never outranks a known synonym
FUZZY_THRESHOLD = 0.8  # below this a column stays unmapped
# Short headers differ by a letter and mean something else ("Stand" is not "Stadt"), so they
# must be closer before a near miss counts.
SHORT_THRESHOLD = 0.9
SHORT = 6
CONTENT_CONFIDENCE = 0.8
_RANK = {MatchMethod.EXACT: 0, MatchMethod.SYNONYM: 1, MatchMethod.FUZZY: 2}

_FULL_NAMES = frozenset(map(normalise, FULL_NAME))
# Beside a first-name column, "Name" is the surname ("Vorname" | "Name" on German forms).
_SURNAME_BESIDE_FIRST = frozenset({"name", "naam"})


@dataclass(frozen=True)
class _Candidate:
    confidence: float
    method: MatchMethod
    column: int
    field: int

    def order(self) -> tuple[float, int, int, int]:
        return (-self.confidence, _RANK[self.method], self.column, self.field)


def match_columns(
    columns: Sequence[str], endpoint: Endpoint, *, sample: pd.DataFrame | None = None
) -> Mapping:
    """Match a file's columns to the endpoint's fields, best confidence first.

    Each column feeds at most one field and each field takes at most one column, except that a
    single full-name column feeds both first and last name (split) when the file has neither.
    Every FieldSource says how it was found (method) and how sure the match is (confidence):
    exact 1.0, synonym 0.95, fuzzy 0.8 to 0.9; weaker candidates stay unmapped. `sample` (some
    rows of the file) lets a column whose values are email addresses fill an unmatched email
    field.
    """
    fields = endpoint.fields
    exact, synonyms = _terms(fields)
    candidates: list[_Candidate] = []
    for ci, column in enumerate(columns):
        norm = normalise(column)
        if not norm:
            continue
        for fi in range(len(fields)):
            candidate = _score(norm, words(column), exact[fi], synonyms[fi])
            if candidate is not None:
                candidates.append(_Candidate(candidate[0], candidate[1], ci, fi))

    by_field: dict[int, FieldSource] = {}
    used: set[int] = set()
    for c in sorted(candidates, key=_Candidate.order):
        if c.column in used or c.field in by_field:
            continue
        used.add(c.column)
        by_field[c.field] = FieldSource(
            field=fields[c.field].key,
            columns=(columns[c.column],),
            confidence=round(c.confidence, 3),
            method=c.method,
        )

    _split_full_name(columns, fields, by_field, used)
    if sample is not None:
        _match_by_content(columns, fields, by_field, used, sample)
    return Mapping(
        endpoint_id=endpoint.id,
        sources=tuple(by_field[i] for i in sorted(by_field)),
    )


def _terms(fields: Sequence[Field]) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """Per field: its exact names and its synonyms, as {normalised: words}.

    A synonym two fields of the endpoint share is dropped from both (unless one field lists it
    itself), and one that is another field's exact name is dropped: a header must never be a
    synonym of two fields at once.
    """
    exact = [{normalise(n): words(n) for n in (f.key, f.label)} for f in fields]
    all_exact = {n for e in exact for n in e}
    own = [{normalise(s) for s in f.synonyms} for f in fields]
    raw = [field_synonyms(f) - set(e) for f, e in zip(fields, exact, strict=True)]
    owners: dict[str, list[int]] = {}
    for i, terms in enumerate(raw):
        for t in terms:
            owners.setdefault(t, []).append(i)
    synonyms: list[dict[str, str]] = []
    for i, terms in enumerate(raw):
        kept = {}
        for t in terms:
            if t in all_exact:
                continue
            claimed = owners[t]
            if len(claimed) > 1 and not (t in own[i] and sum(t in own[j] for j in claimed) == 1):
                continue
            kept[t] = t  # synonyms are stored normalised: their words are the letters alone
        synonyms.append(kept)
    return exact, synonyms


def _score(
    norm: str, column_words: str, exact: dict[str, str], synonyms: dict[str, str]
) -> tuple[float, MatchMethod] | None:
    if norm in exact:
        return EXACT_CONFIDENCE, MatchMethod.EXACT
    if norm in synonyms:
        return SYNONYM_CONFIDENCE, MatchMethod.SYNONYM
    best = 0.0
    for term, term_words in (*exact.items(), *synonyms.items()):
        if min(len(term), len(norm)) < 4:
            continue  # two- and three-letter names ("tz", "cp", "lat") match exactly or not at all
        score = max(fuzz.ratio(norm, term), fuzz.token_sort_ratio(column_words, term_words)) / 100
        threshold = SHORT_THRESHOLD if min(len(term), len(norm)) <= SHORT else FUZZY_THRESHOLD
        if score >= threshold:
            best = max(best, score)
    if best:
        return min(best, FUZZY_CEILING), MatchMethod.FUZZY
    return None


def _concept_field(fields: Sequence[Field], concept: str) -> int | None:
    for i, f in enumerate(fields):
        if concept in (concepts_of((f.label, *f.synonyms)) or concepts_of((f.key,))):
            return i
    return None


def _split_full_name(
    columns: Sequence[str],
    fields: Sequence[Field],
    by_field: dict[int, FieldSource],
    used: set[int],
) -> None:
    """A lone "Name" column feeds first and last name; beside a first-name column, the last."""
    first, last = _concept_field(fields, "first_name"), _concept_field(fields, "last_name")
    if first is None or last is None:
        return
    free = [(ci, normalise(c)) for ci, c in enumerate(columns) if ci not in used]
    if first not in by_field and last not in by_field:
        for ci, norm in free:
            if norm in _FULL_NAMES:
                used.add(ci)
                for fi, part in ((first, NamePart.FIRST), (last, NamePart.LAST)):
                    by_field[fi] = FieldSource(
                        field=fields[fi].key,
                        columns=(columns[ci],),
                        split_name=part,
                        confidence=SPLIT_CONFIDENCE,
                        method=MatchMethod.SYNONYM,
                    )
                return
    elif first in by_field and last not in by_field:
        for ci, norm in free:
            if norm in _SURNAME_BESIDE_FIRST:
                used.add(ci)
                by_field[last] = FieldSource(
                    field=fields[last].key,
                    columns=(columns[ci],),
                    confidence=SPLIT_CONFIDENCE,
                    method=MatchMethod.SYNONYM,
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
                )
                break
