"""Each endpoint field's names for matching: its own names, its synonyms, its concepts, and
whether it holds a number or a code."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from rowboat.core.mapping.synonyms import field_concepts, field_synonyms
from rowboat.core.mapping.vocabulary import normalise, vocabulary, words
from rowboat.core.targets.schema import FieldType

if TYPE_CHECKING:
    from rowboat.core.targets.schema import Endpoint, Field

__all__ = ["FieldNames", "field_names"]

_CODE_TYPES = frozenset(
    {FieldType.INTEGER, FieldType.DECIMAL, FieldType.PHONE, FieldType.COUNTRY, FieldType.TIMEZONE}
)


@dataclass(frozen=True)
class FieldNames:
    """The names one field answers to, normalised, with the words fuzzy matching compares."""

    field: Field
    exact: dict[str, str]  # its key and label: {normalised: words}
    synonyms: dict[str, str]  # {normalised: normalised}: a synonym's words are its letters alone
    shown: dict[str, str]  # {normalised: the name as written}, for explanations
    concepts: frozenset[str]
    holds_code: bool  # a number, an identifier or a code: what a header like "Customer #" names

    def knows(self, norm: str) -> bool:
        return norm in self.exact or norm in self.synonyms


def field_names(endpoint: Endpoint) -> tuple[FieldNames, ...]:
    """The names of each of the endpoint's fields, in field order (worked out once per endpoint)."""
    try:
        return _cached_field_names(endpoint)
    except TypeError:  # an endpoint that cannot be hashed is worked out every time
        return _field_names(endpoint)


@lru_cache(maxsize=64)
def _cached_field_names(endpoint: Endpoint) -> tuple[FieldNames, ...]:
    return _field_names(endpoint)


def _field_names(endpoint: Endpoint) -> tuple[FieldNames, ...]:
    """The names of each of the endpoint's fields, in field order.

    A synonym two fields of the endpoint share is dropped from both (unless one field lists it
    itself), and one that is another field's exact name is dropped: a header must never be a
    synonym of two fields at once.
    """
    fields = endpoint.fields
    exact = [{normalise(n): words(n) for n in (f.key, f.label)} for f in fields]
    all_exact = {n for e in exact for n in e}
    own = [{normalise(s) for s in f.synonyms} for f in fields]
    raw = [field_synonyms(f) - set(e) for f, e in zip(fields, exact, strict=True)]
    owners: dict[str, list[int]] = {}
    for i, terms in enumerate(raw):
        for t in terms:
            owners.setdefault(t, []).append(i)
    names = vocabulary().names
    result = []
    for i, (f, terms) in enumerate(zip(fields, raw, strict=True)):
        kept = {}
        for t in terms:
            if t in all_exact:
                continue
            claimed = owners[t]
            if len(claimed) > 1 and not (t in own[i] and sum(t in own[j] for j in claimed) == 1):
                continue
            kept[t] = t
        shown = {normalise(s): s for s in f.synonyms}
        shown |= {t: names[t][1] for t in kept if t not in shown and t in names}
        shown |= {normalise(n): n for n in (f.label, f.key)}
        concepts = frozenset(field_concepts(f))
        result.append(
            FieldNames(
                field=f,
                exact=exact[i],
                synonyms=kept,
                shown=shown,
                concepts=concepts,
                holds_code=_holds_code(f, concepts),
            )
        )
    return tuple(result)


def _holds_code(field: Field, concepts: frozenset[str]) -> bool:
    voc = vocabulary()
    if field.type in _CODE_TYPES or concepts & voc.code_concepts:
        return True
    own_words = {normalise(w) for name in (field.key, field.label) for w in words(name).split()}
    return bool(own_words & voc.number_markers)
