"""How well one header fits each field of an endpoint: candidates with a confidence and the notes
that explain them.

First the whole header against each field's names (exact 1.0, synonym 0.95, near miss 0.88 to
0.9). Only when no field knows the whole header is it read word by word (headers.py): its core
looked up with role words and fillers ignored, a number marker allowing only fields that hold a
number or a code, qualifiers steering between close fields, "A / B" tried as each alternative;
each step lowers the confidence a little, so a plain header beats a qualified one for a field.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from rapidfuzz import fuzz

from rowboat.core.mapping import explanations as say
from rowboat.core.mapping.model import MatchMethod
from rowboat.core.mapping.vocabulary import vocabulary, words

if TYPE_CHECKING:
    from collections.abc import Sequence

    from rowboat.core.mapping.headers import Header
    from rowboat.core.mapping.terms import FieldNames

__all__ = [
    "EXACT_CONFIDENCE",
    "FUZZY_THRESHOLD",
    "SYNONYM_CONFIDENCE",
    "Candidate",
    "candidates",
    "ignored_notes",
]

EXACT_CONFIDENCE = 1.0
SYNONYM_CONFIDENCE = 0.95
FUZZY_CEILING = 0.9  # a near miss never outranks a known synonym
# Below this a column stays unmapped. Exports are written by programs, not typed, so a near miss
# of 0.8 is far more often another word ("Source Name" is not "Surname") than a typo.
FUZZY_THRESHOLD = 0.88
MIN_CONFIDENCE = 0.8  # a header read word by word, below this, stays unmapped
# Short headers differ by a letter and mean something else ("Stand" is not "Stadt"), so they
# must be closer before a near miss counts.
SHORT_THRESHOLD = 0.9
SHORT = 6
# What reading a header word by word costs: the plain header wins when both fit one field.
IGNORED_WORD = 0.98  # a role word, a number marker, a fitting qualifier, "A / B"
FILLER = 0.99  # "Your", "(optional)"
PART_UNKNOWN = 0.95  # "A / B" where only one part names the field
QUALIFIER_FITS_NONE = 0.88  # "Home phone": no field takes the qualifier as its own


@dataclass(frozen=True)
class Candidate:
    """One field a header may feed, how sure that is, and why (notes for the one-line reason)."""

    field: int
    confidence: float
    method: MatchMethod
    notes: tuple[str, ...]

    def scaled(self, factor: float, *notes: str) -> Candidate:
        return replace(self, confidence=self.confidence * factor, notes=(*self.notes, *notes))


def candidates(header: Header, fields: Sequence[FieldNames]) -> dict[int, Candidate]:
    """The best candidate per field for this header, at or above MIN_CONFIDENCE."""
    if not header.norm:
        return {}
    allowed = [not header.marker or f.holds_code for f in fields]
    found: dict[int, Candidate] = {}
    for i, f in enumerate(fields):
        if not allowed[i]:
            continue
        if header.norm in f.exact:
            found[i] = Candidate(i, EXACT_CONFIDENCE, MatchMethod.EXACT, (say.same_name(),))
        elif header.norm in f.synonyms:
            language = vocabulary().language(header.norm)
            note = say.known_name(header.text, language, whole=True)
            found[i] = Candidate(i, SYNONYM_CONFIDENCE, MatchMethod.SYNONYM, (note,))
    if header.marker == "#":  # normalising dropped it: "Phone #" is the phone, a number
        found = {
            i: c.scaled(1.0, say.number_marker("#", fields[i].field.label))
            for i, c in found.items()
        }
    if found:
        return found | _near_misses(header, fields, allowed, found)
    if (header.ordinal or 0) > 1 or header.names_person:
        # "Address 2" is a second line and "Buyer Name" a whole name: no field is meant by it
        # (the full-name split reads the latter)
        return {}
    if header.alternatives:
        derived = _alternatives(header, fields, allowed)
        if derived is None:
            return {}  # parts naming different fields: a column holding several ("Tel./Fax")
    else:
        derived = _read(header, fields)
    derived = {i: c for i, c in derived.items() if c.confidence >= MIN_CONFIDENCE}
    return derived or _near_misses(header, fields, allowed, {})


def _near_misses(
    header: Header, fields: Sequence[FieldNames], allowed: list[bool], found: dict[int, Candidate]
) -> dict[int, Candidate]:
    """Fuzzy candidates for a misspelt header ("Email Adress"); never for a header with a word
    known to mean something else ("Department" is not "Département"), nor for a second line."""
    voc = vocabulary()
    if (header.ordinal or 0) > 1 or voc.false_friends & set(words(header.text).split()):
        return {}
    near = {}
    for i, f in enumerate(fields):
        if allowed[i] and i not in found:
            c = _fuzzy(header.norm, words(header.text), f)
            if c is not None:
                near[i] = replace(c, field=i)
    return near


def _read(header: Header, fields: Sequence[FieldNames]) -> dict[int, Candidate]:
    """Candidates from the header's core words, then its qualifiers, roles and fillers."""
    if not header.core or (header.roles and header.core in vocabulary().role_attributes):
        return {}  # "Participant Role" is their part in the event, not their job
    found: dict[int, Candidate] = {}
    forms = [(header.core, "")]
    if header.marker:  # "Customer #" is the customer number; "Nº cliente" the número de cliente
        kind = vocabulary().marker_kind(header.marker)
        tails = {"id": ("id",), "code": ("code",)}.get(kind, ("number", "no", "nr"))
        heads = ("numero", "numerode") if kind == "number" else ()
        forms += [(header.core + tail, header.marker) for tail in tails]
        forms += [(head + header.core, header.marker) for head in heads]
    for i, f in enumerate(fields):
        if header.marker and not f.holds_code:
            continue
        for form, marker in forms:
            base = _known(form, f)
            if base is None:
                continue
            base = replace(base, field=i)
            if form == header.core and base.method is MatchMethod.SYNONYM:
                # say the header's own words ("Nachname"), not the data file's spelling
                note = say.known_name(header.core_text, vocabulary().language(form), whole=False)
                base = replace(base, notes=(note,))
            if marker:
                base = base.scaled(IGNORED_WORD, say.number_marker(marker, f.field.label))
            if i not in found or base.confidence > found[i].confidence:
                found[i] = base
            break
    result: dict[int, Candidate] = {}
    for c in found.values():
        qualified = _qualify(header, c, fields)
        best = result.get(qualified.field)
        if best is None or qualified.confidence > best.confidence:
            result[qualified.field] = _ignoring(header, qualified)
    return result


def _known(form: str, f: FieldNames) -> Candidate | None:
    if form in f.exact:
        return Candidate(-1, EXACT_CONFIDENCE, MatchMethod.EXACT, ())
    if form in f.synonyms:
        shown = f.shown.get(form, form)
        note = say.known_name(shown, vocabulary().language(form), whole=False)
        return Candidate(-1, SYNONYM_CONFIDENCE, MatchMethod.SYNONYM, (note,))
    return None


def _fuzzy(norm: str, column_words: str, f: FieldNames) -> Candidate | None:
    """A near miss: the header close to one of the field's names, as a FUZZY candidate."""
    best, best_term = 0.0, ""
    for term, term_words in (*f.exact.items(), *f.synonyms.items()):
        if min(len(term), len(norm)) < 4:
            continue  # two- and three-letter names ("tz", "cp", "lat") match exactly or not at all
        score = max(fuzz.ratio(norm, term), fuzz.token_sort_ratio(column_words, term_words)) / 100
        threshold = SHORT_THRESHOLD if min(len(term), len(norm)) <= SHORT else FUZZY_THRESHOLD
        if score >= threshold and score > best:
            best, best_term = score, term
    if not best:
        return None
    note = say.close_to(f.shown.get(best_term, best_term), best)
    return Candidate(-1, min(best, FUZZY_CEILING), MatchMethod.FUZZY, (note,))


def _qualify(header: Header, c: Candidate, fields: Sequence[FieldNames]) -> Candidate:
    """Let the header's qualifiers steer the candidate between close fields, or lower it."""
    if not header.qualifiers:
        return c
    kinds = {k for _, k in header.qualifiers}
    said = [w for w, _ in header.qualifiers]
    f = fields[c.field]
    if _fits(f, kinds):
        return c.scaled(IGNORED_WORD, say.qualifier_fits(said, f.field.label))
    voc = vocabulary()
    family = set().union(*(fam for fam in voc.families if fam & f.concepts))
    for j, g in enumerate(fields):
        if j != c.field and g.concepts & family and _fits(g, kinds):
            if header.marker and not g.holds_code:
                continue
            steer = say.qualifier_steers(said, g.field.label, f.field.label)
            return replace(c, field=j).scaled(IGNORED_WORD, steer)
    return c.scaled(QUALIFIER_FITS_NONE, say.qualifier_fits_none(said))


def _fits(f: FieldNames, kinds: set[str]) -> bool:
    fits = vocabulary().qualifier_fits
    return any(kinds & fits.get(concept, frozenset()) for concept in f.concepts)


def _ignoring(header: Header, c: Candidate) -> Candidate:
    factor = (IGNORED_WORD if header.roles else 1.0) * (FILLER if header.fillers else 1.0)
    return c.scaled(factor, *ignored_notes(header))


def ignored_notes(header: Header) -> list[str]:
    """What reading the header left out: role words, fillers, a first-line '1', a system affix."""
    notes = []
    if header.roles:
        notes.append(say.ignored("role word", header.roles))
    if header.fillers:
        notes.append(say.ignored("word", header.fillers))
    if header.ordinal == 1:
        notes.append(say.first_line())
    if header.affix:
        notes.append(say.ignored("system affix", [header.affix]))
    return notes


def _alternatives(
    header: Header, fields: Sequence[FieldNames], allowed: list[bool]
) -> dict[int, Candidate] | None:
    """ "A / B": the field every part that names one agrees on; None when parts disagree."""
    parts = [p.text.strip() for p in header.alternatives]
    best: list[Candidate | None] = []
    for part in header.alternatives:
        # a marker on the whole header ("State or province #") binds every part
        found = {i: c for i, c in candidates(part, fields).items() if allowed[i]}
        best.append(max(found.values(), key=lambda c: c.confidence) if found else None)
    named = {c.field for c in best if c is not None}
    if len(named) > 1:
        return None
    if not named:
        return {}
    (field,) = named
    chosen = max((c for c in best if c is not None), key=lambda c: c.confidence)
    known = [p for p, c in zip(parts, best, strict=True) if c is not None]
    factor = IGNORED_WORD if len(known) == len(parts) else PART_UNKNOWN
    note = say.alternatives(parts, known, fields[field].field.label)
    return {field: replace(chosen, notes=()).scaled(factor, note)}
