"""How a header reads: its core words, role words, qualifiers, number marker and alternatives.

"Attendee Work Phone #" reads as the core "phone", the role word "Attendee", the qualifier
"Work" and the number marker "#"; "Company / Organization" reads as two alternatives. Matching
looks the core up among the fields' names and lets the rest steer or lower its confidence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

from rowboat.core.mapping.vocabulary import Vocabulary, normalise, vocabulary

__all__ = ["Header", "read_header"]

_BRACKETS = re.compile(r"\(([^()]*)\)|\[([^\[\]]*)\]")
# "Apellido(s)", "participant(e)", "instructor(es)": a plural or gender ending, not a note
_GLUED_ENDING = re.compile(r"(?<=\w)\((\w{1,3})\)")
# "firstName" -> "first Name", "Address2" -> "Address 2"
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[^\W\d_])(?=\d)")
_WORD = re.compile(r"[^\W_]+")
# System affixes on exported field names: Eloqua's "C_FirstName", Salesforce's "Company__c".
_AFFIXES = (re.compile(r"^(C_)(?=[A-Za-z])"), re.compile(r"(__c)$"))


@dataclass(frozen=True)
class Header:
    """One header, read word by word. Words keep their spelling as written, for explanations."""

    text: str
    norm: str  # the whole header, normalised
    core: str  # the words that name the field, normalised ("" when none are left)
    core_text: str  # the same words as written ("Phone")
    roles: tuple[str, ...] = ()  # role words, as written ("Attendee")
    fillers: tuple[str, ...] = ()  # ignored words and notes ("Your", "optional")
    qualifiers: tuple[tuple[str, str], ...] = ()  # (word as written, kind)
    marker: str = ""  # the number marker as written ("#", "ID", "No"), "" when none
    ordinal: int | None = None  # a trailing line number ("Address 2" -> 2)
    alternatives: tuple[Header, ...] = ()  # "A / B": each part read on its own
    affix: str = ""  # a system prefix or suffix left out ("C_", "__c")

    @property
    def names_person(self) -> bool:
        """A whole name: "Name", "Attendee", "Buyer Name"; never "Attendee #" (a number)."""
        if self.marker or self.qualifiers or self.alternatives or self.affix:
            return False
        voc = vocabulary()
        ignored = bool(self.roles or self.fillers)
        return self.norm in voc.full_name_set or (ignored and self.core in voc.full_name_set)


def _tokens(text: str) -> list[str]:
    return _WORD.findall(_CAMEL.sub(" ", text))


@lru_cache(maxsize=4096)
def read_header(text: str) -> Header:
    """Read a header: its alternatives ("A / B"), and for each, its words by their role."""
    voc = vocabulary()
    bare, affix = text, ""
    for pattern in _AFFIXES:
        found = pattern.search(bare)
        if found:
            affix, bare = found.group(1), pattern.sub("", bare)
    header, named_notes = _read_part(bare, voc)
    header = replace(header, text=text, norm=normalise(text), affix=affix)
    parts = _split_alternatives(bare, voc)
    if len(parts) > 1:
        return replace(header, alternatives=tuple(_read_part(p, voc)[0] for p in parts))
    if named_notes:  # "Bevorzugte E-Mail (E-Mail-Adresse)": the note is another name for it
        parts = [_BRACKETS.sub(" ", bare).strip(), *named_notes]
        return replace(header, alternatives=tuple(_read_part(p, voc)[0] for p in parts))
    return header


def _split_alternatives(text: str, voc: Vocabulary) -> list[str]:
    outside = _BRACKETS.sub(" ", text)
    parts = [outside]
    for separator in voc.separators:
        parts = [piece for p in parts for piece in re.split(re.escape(separator), p, flags=re.I)]
    return [p.strip() for p in parts if normalise(p)]


def _read_part(text: str, voc: Vocabulary) -> tuple[Header, list[str]]:
    norm = normalise(text)
    glued = _GLUED_ENDING.sub(r"\1", text)
    notes = [g1 or g2 for g1, g2 in _BRACKETS.findall(glued)]
    main = _tokens(_BRACKETS.sub(" ", glued))
    marker = "#" if "#" in text else ""
    roles: list[str] = []
    fillers: list[str] = []
    qualifiers: list[tuple[str, str]] = []
    named_notes: list[str] = []
    # A note in brackets is a qualifier, a role word, a filler, a number marker or another name
    # of a field; any other note is part of what the header names ("Date (of birth)" is not a
    # date).
    for note in notes:
        if normalise(note) in voc.qualifiers:  # "(WhatsApp)", however its letters are cased
            qualifiers.append((note, voc.qualifiers[normalise(note)]))
            continue
        if not any(_kind_of(w, voc) for w in _tokens(note)) and normalise(note) in voc.names:
            named_notes.append(note)
            continue
        for word in _tokens(note):
            kind = _kind_of(word, voc)
            if not marker and normalise(word) in voc.number_markers:
                marker = word
            elif kind == "role":
                roles.append(word)
            elif kind == "filler":
                fillers.append(word)
            elif kind:
                qualifiers.append((word, kind))
            else:
                main.append(word)
    ordinal = None
    if len(main) > 1 and main[-1].isdigit():
        ordinal = int(main.pop())
    if not marker:
        marker, main = _take_marker(main, voc)
    main = _drop_roles(main, voc, roles)
    content = []
    for word in _split_compounds(main, voc, qualifiers):
        kind = _kind_of(word, voc)
        if kind == "filler":
            fillers.append(word)
        elif kind not in ("", "role"):
            qualifiers.append((word, kind))
        else:
            content.append(word)
    # connectors left at an edge tied a qualifier or a role word on: "Correo de trabajo"
    while len(content) > 1 and normalise(content[-1]) in voc.connectors:
        content.pop()
    while len(content) > 1 and normalise(content[0]) in voc.connectors:
        content.pop(0)
    if not content:  # "Mobile (privat)": "Mobile" is the field, not a qualifier of nothing
        named = [(w, k) for w, k in qualifiers if normalise(w) in voc.names][:1]
        content = [w for w, _ in named or qualifiers]
        qualifiers = [q for q in qualifiers if q not in named] if named else []
    header = Header(
        text=text,
        norm=norm,
        core=normalise(" ".join(content)),
        core_text=" ".join(content),
        roles=tuple(roles),
        fillers=tuple(fillers),
        qualifiers=tuple(qualifiers),
        marker=marker,
        ordinal=ordinal,
    )
    return header, named_notes


def _split_compounds(
    main: list[str], voc: Vocabulary, qualifiers: list[tuple[str, str]]
) -> list[str]:
    """ "Rechnungsadresse" -> the qualifier "Rechnungs" and the word "adresse"."""
    result = []
    for word in main:
        norm = normalise(word)
        for prefix, kind in voc.compound_qualifiers.items():
            rest = norm[len(prefix) :]
            if norm.startswith(prefix) and norm not in voc.names and rest in voc.names:
                cut = len(word) - len(rest)  # the prefix as written: "Rechnungs"
                qualifiers.append((word[:cut], kind))
                word = word[cut:]
                break
        result.append(word)
    return result


def _kind_of(word: str, voc: Vocabulary) -> str:
    norm = normalise(word)
    if norm in voc.role_words:
        return "role"
    if norm in voc.fillers:
        return "filler"
    return voc.qualifiers.get(norm, "")


def _take_marker(main: list[str], voc: Vocabulary) -> tuple[str, list[str]]:
    """A number marker at the end ("Attendee No") or the start ("Nº cliente"), if any.

    A marker joined to another word by "and" is part of a combined header ("Straße und
    Hausnummer"), not a marker.
    """
    for suffix in voc.compound_number_suffixes:  # "Teilnehmernr", "Mitgliedsnummer"
        word = main[-1] if main else ""
        joined = len(main) > 1 and normalise(main[-2]) in voc.conjunctions
        if (
            not joined
            and normalise(word).endswith(suffix)
            and len(normalise(word)) > len(suffix) + 2
        ):
            return word[-len(suffix) :], [*main[:-1], word[: -len(suffix)]]
    if len(main) < 2:
        return "", main
    last, first = normalise(main[-1]), normalise(main[0])
    if last in voc.number_markers and normalise(main[-2]) not in voc.conjunctions:
        return main[-1], main[:-1]
    if first in voc.number_markers and normalise(main[1]) not in voc.conjunctions:
        rest = main[1:]
        while rest and normalise(rest[0]) in voc.connectors:  # "No. of", "Nº de"
            rest = rest[1:]
        return main[0], rest
    return "", main


def _drop_roles(main: list[str], voc: Vocabulary, roles: list[str]) -> list[str]:
    """Leave out role words and the connectors that tie them on ("Nachname des Teilnehmers")."""
    keep = [True] * len(main)
    normal = [normalise(w) for w in main]
    for i, norm in enumerate(normal):
        if norm not in voc.role_words:
            continue
        keep[i] = False
        roles.append(main[i])
        j = i - 1  # connectors before a trailing role word: "E-mail do participante"
        while j > 0 and normal[j] in voc.connectors and keep[j]:
            keep[j] = False
            j -= 1
        if i + 1 < len(main) and normal[i + 1] == "s":  # "Attendee's email"
            keep[i + 1] = False
    if not any(keep):
        # only role words: the header names a person ("Attendee"), which the full-name split reads
        roles.clear()
        return main
    return [w for w, k in zip(main, keep, strict=True) if k]
