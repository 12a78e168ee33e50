"""Header normalisation and the multilingual names of common concepts (data/concepts.json)."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from rowboat.core.mapping.vocabulary import normalise, vocabulary, words

if TYPE_CHECKING:
    from collections.abc import Iterable

    from rowboat.core.targets.schema import Field

__all__ = ["CONCEPTS", "FULL_NAME", "concepts_of", "field_synonyms", "normalise", "words"]

# Header names by concept, as people write them in English, German, French, Spanish, Portuguese,
# Italian and Dutch. A field takes a concept's names when its key, label or own synonyms are among
# them (so "firstName", "first_name" and "First name" all get "Vorname" and "Prénom"). No name
# belongs to two concepts: a header must never be a synonym of two fields of one endpoint.
CONCEPTS: dict[str, tuple[str, ...]] = vocabulary().concepts

# A single column holding a person's whole name: split into first and last name when the file
# has no separate columns for them. Not a concept of any field.
FULL_NAME: tuple[str, ...] = vocabulary().full_names


@cache
def _normalised_concepts() -> dict[str, frozenset[str]]:
    return {concept: frozenset(map(normalise, names)) for concept, names in CONCEPTS.items()}


def concepts_of(names: Iterable[str]) -> list[str]:
    """The concepts any of these names (a field's key, label and synonyms) belongs to."""
    normal = {normalise(n) for n in names}
    return [c for c, terms in _normalised_concepts().items() if normal & terms]


def field_concepts(field: Field) -> list[str]:
    """The field's concepts: its label's; else its own synonyms'; else its key's.

    So Eloqua's "title" labelled "Job title" is a job title, not a session title, and a webinar's
    "Meeting URL" (with "URL" among its own synonyms) is no website.
    """
    return concepts_of((field.label,)) or concepts_of(field.synonyms) or concepts_of((field.key,))


def field_synonyms(field: Field) -> frozenset[str]:
    """Normalised header names that mean this field: its own synonyms and its concepts' names."""
    own = {normalise(s) for s in field.synonyms}
    concepts = _normalised_concepts()
    for concept in field_concepts(field):
        own |= concepts[concept]
    return frozenset(own)
