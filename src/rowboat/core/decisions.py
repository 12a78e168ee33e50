"""Decisions: every guess Rowboat makes about a file, with its evidence and the way to override it.

Reading a file decides its encoding, delimiter, header row and more; mapping and checking decide
how each column's dates, numbers and names read. Each such choice is a Decision: what was
decided, the decision, the evidence in one sentence, whether the data (or the user) settled it
or it is a guess, and the option that overrides it. The command line prints them and the desktop
app shows the same list (docs/decisions.md lists them all).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = ["DateOrder", "Decision", "Kind", "NameOrder", "ordered"]


class DateOrder(StrEnum):
    """The order of day, month and year in a date written with numbers only (03/04/2026)."""

    DMY = "DMY"
    MDY = "MDY"
    YMD = "YMD"

    @property
    def words(self) -> str:
        return _ORDER_WORDS[self]


_ORDER_WORDS = {
    DateOrder.DMY: "day first (day/month/year)",
    DateOrder.MDY: "month first (month/day/year)",
    DateOrder.YMD: "year first (year/month/day)",
}


class NameOrder(StrEnum):
    """Which part of a full name written without a comma comes first."""

    FIRST_LAST = "first last"  # "Anna Müller"
    LAST_FIRST = "last first"  # "Müller Anna", as some registers and countries write names


class Kind(StrEnum):
    """What a decision is about; the desktop app picks the override control by it."""

    ENCODING = "encoding"
    DELIMITER = "delimiter"
    QUOTE = "quote"
    SHEET = "sheet"
    HEADER_ROW = "header_row"
    BLANK_ROWS = "blank_rows"
    TOTALS_ROW = "totals_row"
    HIDDEN_ROWS = "hidden_rows"
    HEADER_NAMES = "header_names"
    CONTROL_CHARACTERS = "control_characters"
    DATE_ORDER = "date_order"
    SERIAL_DATES = "serial_dates"
    DECIMAL_COMMA = "decimal_comma"
    REGION = "region"
    NAME_SPLIT = "name_split"
    TRANSFORM = "transform"


# What the reading decisions are about, in the order a person reads a file.
READING_KINDS = (
    Kind.SHEET,
    Kind.ENCODING,
    Kind.DELIMITER,
    Kind.QUOTE,
    Kind.HEADER_ROW,
    Kind.HEADER_NAMES,
    Kind.BLANK_ROWS,
    Kind.TOTALS_ROW,
    Kind.HIDDEN_ROWS,
    Kind.CONTROL_CHARACTERS,
)


@dataclass(frozen=True)
class Decision:
    """One choice Rowboat made, in words a coordinator reads, and how to make it otherwise.

    `settled` is True when the data leaves no other reading (or the user chose), False for a
    guess. `override` names the option that changes it ("--date-order DMY|MDY|YMD, or
    "date_order" for the column in a mapping file"). `kind` and `subject` (the file's column or
    the endpoint field it is about, None for the whole file) let a program find one decision;
    `value` is the decision as the option writes it ("DMY", ";", "3").
    """

    kind: Kind
    what: str
    decision: str
    evidence: str
    settled: bool
    override: str
    subject: str | None = None
    value: str = ""

    def as_json(self) -> dict[str, object]:
        """The decision as the command line's --json writes it."""
        return {
            "what": self.what,
            "decision": self.decision,
            "evidence": self.evidence,
            "settled": self.settled,
            "override": self.override,
        }

    @property
    def is_reading(self) -> bool:
        """A decision about reading the file (the Open step), not about a mapped field."""
        return self.kind in READING_KINDS


def ordered(decisions: Iterable[Decision]) -> tuple[Decision, ...]:
    """The guesses first, then what is settled; otherwise in the order they were made."""
    listed = list(decisions)
    return tuple([d for d in listed if not d.settled] + [d for d in listed if d.settled])
