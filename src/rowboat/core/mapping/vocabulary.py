"""The header vocabulary (concept names, role words, qualifiers, number markers), read from data."""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

__all__ = ["Vocabulary", "normalise", "vocabulary", "words"]

_NOT_WORD = re.compile(r"[\W_]+")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
LANGUAGES = {
    "en": "English",
    "de": "German",
    "fr": "French",
    "es": "Spanish",
    "pt": "Portuguese",
    "it": "Italian",
    "nl": "Dutch",
}


def words(text: str) -> str:
    """Lower-case words without accents or punctuation: "Prénom (Gast)" -> "prenom gast"."""
    text = _CAMEL.sub(" ", text)  # "firstName" -> "first Name"
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NOT_WORD.sub(" ", bare.casefold()).strip()


@cache
def normalise(text: str) -> str:
    """A header reduced to letters and digits: "E-Mail", "e_mail" and "EMAIL" all give "email"."""
    return words(text).replace(" ", "")


@dataclass(frozen=True)
class Vocabulary:
    """Everything matching knows about words, normalised (see `normalise`) for lookups."""

    # concept -> names as written, in every language (the order of the data file)
    concepts: dict[str, tuple[str, ...]]
    full_names: tuple[str, ...]
    full_name_set: frozenset[str]  # the same, normalised
    # normalised name -> (concept, the name as first written, its languages)
    names: dict[str, tuple[str, str, tuple[str, ...]]]
    role_words: frozenset[str]
    role_attributes: frozenset[str]
    connectors: frozenset[str]
    fillers: frozenset[str]
    conjunctions: frozenset[str]
    qualifiers: dict[str, str]  # normalised word -> kind ("work", "mobile", …)
    compound_qualifiers: dict[str, str]  # normalised German prefix -> kind ("rechnungs": mailing)
    qualifier_fits: dict[str, frozenset[str]]  # concept -> kinds its field takes as its own
    families: tuple[frozenset[str], ...]  # concepts a qualifier may steer between
    number_markers: frozenset[str]
    marker_kinds: dict[str, str]  # normalised marker -> "number", "id" or "code"
    false_friends: frozenset[str]
    compound_number_suffixes: tuple[str, ...]
    code_concepts: frozenset[str]
    separators: tuple[str, ...]

    def language(self, norm: str) -> str:
        """The language a known name is written in, in words ("German"), or "" when unsure."""
        entry = self.names.get(norm)
        if entry is None or len(entry[2]) != 1:
            return ""
        return LANGUAGES.get(entry[2][0], "")

    def marker_kind(self, marker: str) -> str:
        """What a number marker marks: "number" ("#", "No."), "id" or "code"."""
        return self.marker_kinds.get(normalise(marker), "number")


def _load(name: str) -> Any:
    text = resources.files("rowboat.core.mapping").joinpath("data", name).read_text("utf-8")
    return json.loads(text)


def _by_language(table: dict[str, Any]) -> dict[str, list[str]]:
    return {lang: names for lang, names in table.items() if lang in LANGUAGES}


def _normal_set(table: dict[str, Any]) -> frozenset[str]:
    return frozenset(normalise(w) for names in _by_language(table).values() for w in names)


@cache
def vocabulary() -> Vocabulary:
    """The vocabulary, read once from the data files beside this module."""
    concept_data = _load("concepts.json")
    header_data = _load("header_words.json")
    concepts: dict[str, tuple[str, ...]] = {}
    names: dict[str, tuple[str, str, tuple[str, ...]]] = {}
    for concept, table in concept_data["concepts"].items():
        written: list[str] = []
        for lang, entries in _by_language(table).items():
            for name in entries:
                written.append(name)
                norm = normalise(name)
                _, first, langs = names.get(norm, (concept, name, ()))
                names[norm] = (concept, first, (*langs, lang) if lang not in langs else langs)
        concepts[concept] = tuple(written)
    full_names = tuple(
        n for names_ in _by_language(concept_data["full_name"]).values() for n in names_
    )
    qualifiers = {
        normalise(word): kind
        for kind, table in header_data["qualifiers"].items()
        for entries in _by_language(table).values()
        for word in entries
    }
    fits = {
        concept: frozenset(kinds)
        for concept, kinds in header_data["qualifier_fits"].items()
        if concept != "about"
    }
    families = tuple(
        frozenset(members) for key, members in header_data["families"].items() if key != "about"
    )
    kinds = {
        normalise(word): kind
        for kind, table in header_data["number_markers"].items()
        if kind != "about"
        for entries in _by_language(table).values()
        for word in entries
    }
    return Vocabulary(
        concepts=concepts,
        full_names=full_names,
        full_name_set=frozenset(map(normalise, full_names)),
        names=names,
        role_words=_normal_set(header_data["role_words"]),
        role_attributes=_normal_set(header_data["role_attributes"]),
        connectors=_normal_set(header_data["connectors"]),
        fillers=_normal_set(header_data["fillers"]),
        conjunctions=frozenset(normalise(w) for w in header_data["conjunctions"]),
        qualifiers=qualifiers,
        compound_qualifiers={
            normalise(prefix): kind
            for prefix, kind in header_data["compound_qualifiers"].items()
            if prefix != "about"
        },
        qualifier_fits=fits,
        families=families,
        number_markers=frozenset(kinds),
        marker_kinds=kinds,
        false_friends=_normal_set(header_data["false_friends"]),
        compound_number_suffixes=tuple(header_data["compound_number_suffixes"]),
        code_concepts=frozenset(header_data["code_concepts"]["concepts"]),
        separators=tuple(header_data["alternative_separators"]),
    )
