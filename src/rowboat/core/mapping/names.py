"""Full names split into first and last with nameparser, titles and suffixes left out.

nameparser (a maintained parser of human names) knows hundreds of titles, suffixes and surname
particles; its lists are extended here with the German, French, Spanish and Portuguese forms
attendee lists use (Herr, Mme, Sra., Dña., Eng.ª). It parses one name at a time, slowly for a
million rows, so a name of plain words only (letters and hyphens, no comma, none of them a title,
suffix, particle or conjunction nameparser knows) is split by Arrow kernels over the whole column,
exactly as nameparser splits it: every word but the last is the first name. Every other name goes
through nameparser, once per distinct value (tests/core/test_decisions_names.py proves the two
ways agree).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from rowboat.core.arrow_text import mask_array, scalar
from rowboat.core.decisions import NameOrder

if TYPE_CHECKING:
    import numpy.typing as npt
    from nameparser.config import Constants

__all__ = ["NameFacts", "parse_name", "split_names"]

_TITLES = (
    # German
    "herr", "frau", "fräulein", "frl", "dipl.-ing", "dipl-ing", "dipl.-kfm", "ing", "mag",
    "univ.-prof", "priv.-doz",
    # French
    "m", "mme", "mlle", "maître", "maitre", "pr",
    # Spanish
    "sra", "srta", "dña", "dna", "doña", "dra", "lic", "licda", "arq",
    # Portuguese
    "dona", "dom", "eng", "engª", "enga", "profa", "profª", "sr.ª", "sra.ª",
)  # fmt: skip
_SUFFIXES = ("jun", "sen", "d.ä", "d.j")
# Portuguese and Spanish generation words belong to the surname: "Souza Filho" is one surname.
_SURNAME_ENDINGS = ("filho", "filha", "neto", "neta", "sobrinho", "sobrinha")


@dataclass(frozen=True)
class NameFacts:
    """What splitting a column of names met, counted over its filled rows."""

    total: int = 0
    comma: int = 0  # written "Last, First"
    titles: int = 0  # a title left out
    suffixes: int = 0  # a suffix left out
    long: int = 0  # three words or more: where the surname starts is a guess


@cache
def _constants() -> Constants:
    from nameparser.config import Constants

    constants = Constants()
    constants.titles.add(*_TITLES)
    constants.suffix_not_acronyms.add(*_SUFFIXES, *_SURNAME_ENDINGS)
    return constants


@cache
def _known_words() -> pa.Array:
    """Every word nameparser treats specially, lower case, for the vectorised test."""
    c = _constants()
    words: set[str] = set()
    for group in (c.titles, c.suffix_acronyms, c.suffix_not_acronyms, c.prefixes, c.conjunctions):
        words.update(str(w).lower() for w in group)
    return pa.array(sorted(words), type=pa.large_string())


def parse_name(full: str, order: NameOrder | None = None) -> tuple[str, str, bool, bool]:
    """(first, last, had a title, had a suffix) of one full name, by nameparser."""
    from nameparser import HumanName

    text = " ".join(full.split())
    if order is NameOrder.LAST_FIRST and "," not in text:
        text = _comma_after_surname(text)
    name = HumanName(text, constants=_constants())
    first = " ".join(p for p in (name.first, name.middle) if p)
    last, suffix = name.last, name.suffix
    endings = [s for s in suffix.split(", ") if s.lower().rstrip(".") in _SURNAME_ENDINGS]
    if endings:
        last = " ".join([last, *endings]).strip()
        suffix = ", ".join(s for s in suffix.split(", ") if s not in endings)
    if not first and not name.title and "," not in text and " " in last:
        # "De Smet": nameparser takes a leading particle for the surname's; a person's name
        # still starts with their first name.
        first, _, last = last.partition(" ")
    return first, last, bool(name.title), bool(suffix)


def _comma_after_surname(text: str) -> str:
    """ "van der Berg Anna" -> "van der Berg, Anna": leading particles and one word are the
    surname when the family name comes first."""
    words = text.split(" ")
    prefixes = _constants().prefixes
    at = 0
    while at < len(words) - 1 and words[at].lower() in prefixes:
        at += 1
    if at + 1 >= len(words):
        return text
    return f"{' '.join(words[: at + 1])}, {' '.join(words[at + 1 :])}"


def _plain(values: pa.Array) -> tuple[npt.NDArray[np.bool_], pa.Array]:
    """Which names are plain words only, and each name's words."""
    words = pc.utf8_split_whitespace(values)
    flat = pc.list_flatten(words)
    owners = np.asarray(pc.list_parent_indices(words))
    letters = pc.utf8_is_alpha(pc.replace_substring(flat, "-", ""))
    known = pc.is_in(pc.utf8_lower(flat), value_set=_known_words())
    odd_word = mask_array(pc.or_(pc.invert(letters), known))
    odd = np.zeros(len(values), dtype=bool)
    odd[owners[odd_word]] = True
    return ~odd & ~mask_array(pc.match_substring(values, ",")), words


def split_names(
    values: pa.Array, order: NameOrder | None = None
) -> tuple[pa.Array, pa.Array, NameFacts]:
    """First and last names of a column of full names (Arrow large_string, "" for none)."""
    empty = pc.fill_null(pa.nulls(len(values), type=pa.large_string()), scalar(""))
    first, last = empty, empty
    filled = mask_array(pc.not_equal(pc.utf8_trim_whitespace(values), scalar("")))
    plain, words = _plain(values)
    plain &= filled
    long = 0
    if plain.any():
        given, surname, count = _split_plain(pc.filter(words, pa.array(plain)), order)
        first = pc.replace_with_mask(first, pa.array(plain), given)
        last = pc.replace_with_mask(last, pa.array(plain), surname)
        long = int((count >= 3).sum())
    hard = filled & ~plain
    titles = suffixes = 0
    if hard.any():
        mask = pa.array(hard)
        chosen = pc.filter(values, mask)
        encoded = chosen.dictionary_encode()
        parsed = [parse_name(str(v), order) for v in encoded.dictionary.to_pylist()]
        codes = encoded.indices
        firsts = pa.array([p[0] for p in parsed], type=pa.large_string()).take(codes)
        lasts = pa.array([p[1] for p in parsed], type=pa.large_string()).take(codes)
        first = pc.replace_with_mask(first, mask, firsts)
        last = pc.replace_with_mask(last, mask, lasts)
        index = np.asarray(codes)
        titles = int(np.array([p[2] for p in parsed], dtype=bool)[index].sum())
        suffixes = int(np.array([p[3] for p in parsed], dtype=bool)[index].sum())
        three = np.array([len(f"{p[0]} {p[1]}".split()) >= 3 for p in parsed], dtype=bool)
        no_comma = ~mask_array(pc.match_substring(chosen, ","))
        long += int((three[index] & no_comma).sum())
    comma = int((mask_array(pc.match_substring(values, ",")) & filled).sum())
    return first, last, NameFacts(int(filled.sum()), comma, titles, suffixes, long)


def _split_plain(
    words: pa.Array, order: NameOrder | None
) -> tuple[pa.Array, pa.Array, npt.NDArray[np.int64]]:
    """(first, last, word count) of names of plain words, as nameparser splits them: the last
    word is the surname (the first word, when the family name comes first); one word is a first
    name."""
    offsets = np.asarray(words.offsets)
    flat = pc.list_flatten(words)
    owners = np.asarray(pc.list_parent_indices(words))
    count = np.diff(offsets)
    position = np.arange(len(flat)) - (offsets[:-1] - offsets[0])[owners]
    several = (count >= 2)[owners]
    if order is NameOrder.LAST_FIRST:
        is_surname = several & (position == 0)
    else:
        is_surname = several & (position == count[owners] - 1)
    given = _join_words(flat, ~is_surname, owners, len(count))
    surname = _join_words(flat, is_surname, owners, len(count))
    return given, surname, count


def _join_words(
    flat: pa.Array, keep: npt.NDArray[np.bool_], owners: npt.NDArray[np.int64], n: int
) -> pa.Array:
    """The kept words of each of `n` names, joined by spaces."""
    lengths = np.bincount(owners[keep], minlength=n)
    offsets = pa.array(np.concatenate(([0], np.cumsum(lengths))), type=pa.int64())
    lists = pa.LargeListArray.from_arrays(offsets, flat.filter(pa.array(keep)))
    return pc.binary_join(lists, scalar(" "))
