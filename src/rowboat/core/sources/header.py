"""Finding the header row among title rows, blank rows and report preambles."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["HEADER_SCAN_ROWS", "find_header", "looks_like_header", "unique_names"]

_NUMBER_OR_DATE = re.compile(r"^[\s+\-]?[\d.,:/\s-]+$")
HEADER_SCAN_ROWS = 30  # the header is looked for among this many rows at the top


def _is_label(cell: str) -> bool:
    cell = cell.strip()
    return bool(cell) and len(cell) <= 60 and not _NUMBER_OR_DATE.match(cell)


def find_header(rows: Sequence[Sequence[str]]) -> int:
    """Index (0-based, into `rows`) of the header: the first row of mostly short labels that is
    about as wide as the data below it. Title rows and preambles fill one or two cells only."""
    filled = [sum(1 for c in r if c.strip()) for r in rows[:HEADER_SCAN_ROWS]]
    widest = max(filled, default=0)
    if widest == 0:
        return 0
    for i, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        if filled[i] < max(2, (widest + 1) // 2):
            continue
        labels = sum(1 for c in row if _is_label(c))
        if labels < 0.8 * filled[i]:
            continue
        below = [n for n in filled[i + 1 : i + 6] if n]
        if not below or max(below) >= max(2, filled[i] // 2):
            return i
    return next(i for i, n in enumerate(filled) if n)


def looks_like_header(row: Sequence[str]) -> bool:
    """Whether a row is mostly short labels, as find_header wants of a header."""
    filled = [c for c in row if c.strip()]
    return bool(filled) and sum(1 for c in filled if _is_label(c)) >= 0.8 * len(filled)


def unique_names(cells: Sequence[str]) -> tuple[list[str], list[str], list[tuple[str, str]]]:
    """Header names made unique and never blank, notes saying what was renamed, and each
    (header as read, name given) pair that was renamed."""
    names: list[str] = []
    notes: list[str] = []
    renamed: list[tuple[str, str]] = []
    seen: dict[str, int] = {}
    for position, cell in enumerate(cells, start=1):
        name = " ".join(cell.split())
        if not name:
            name = f"Column {_letters(position)}"
            notes.append(f"Column {_letters(position)} has no header; it is called '{name}'.")
            renamed.append(("", name))
        key = name.casefold()
        if key in seen:
            seen[key] += 1
            new = f"{name} ({seen[key]})"
            notes.append(f"Renamed the second column called '{name}' to '{new}'.")
            renamed.append((name, new))
            name = new
        else:
            seen[key] = 1
        names.append(name)
    return names, notes, renamed


def _letters(position: int) -> str:
    out = ""
    while position:
        position, rem = divmod(position - 1, 26)
        out = chr(65 + rem) + out
    return out
